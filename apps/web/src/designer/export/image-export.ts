/**
 * SVG and PNG pictures of the diagram, made in the browser with html-to-image (no `eval`: it
 * clones the DOM into an SVG `foreignObject`, and draws that on a canvas for PNG; images load
 * from `data:` URLs, which the page's `img-src` allows). For a React Flow canvas the whole
 * diagram is drawn, not only the part in view: the viewport is re-positioned on the clone to the
 * bounds of its nodes and edges, as React Flow's documentation does.
 *
 * @module
 */

/** The picture formats. */
export type ImageFormat = 'svg' | 'png';

/** Space around the diagram in the picture, in pixels. */
const margin = 24;
/** The background of pictures: the canvas's. */
export const imageBackground = '#f5f7fa';

/** Bounds of a React Flow viewport's content in its own (unscaled) coordinates, from the DOM. */
function flowBounds(viewport: HTMLElement): { x: number; y: number; width: number; height: number } | undefined {
  const matrix = new DOMMatrixReadOnly(getComputedStyle(viewport).transform);
  const zoom = matrix.a || 1;
  const origin = viewport.getBoundingClientRect();
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const parts = viewport.querySelectorAll('.react-flow__node, .react-flow__edge-path, .react-flow__edge-textwrapper');
  for (const part of parts) {
    const r = part.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    minX = Math.min(minX, (r.left - origin.left) / zoom);
    minY = Math.min(minY, (r.top - origin.top) / zoom);
    maxX = Math.max(maxX, (r.right - origin.left) / zoom);
    maxY = Math.max(maxY, (r.bottom - origin.top) / zoom);
  }
  if (minX === Infinity) return undefined;
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * A picture of what `root` shows, as a data URL: the whole React Flow diagram when `root` holds
 * one, else `root` itself (the approval view). Rejects when there is nothing to draw.
 */
export async function diagramImage(root: HTMLElement, format: ImageFormat): Promise<string> {
  const viewport = root.querySelector<HTMLElement>('.react-flow__viewport');
  // Loaded on the first export only.
  const { toPng, toSvg } = await import('html-to-image');
  const render = format === 'svg' ? toSvg : toPng;
  const common = { backgroundColor: imageBackground, skipFonts: true, pixelRatio: format === 'png' ? 2 : 1 };
  if (!viewport) {
    const width = root.scrollWidth;
    const height = root.scrollHeight;
    if (width === 0 || height === 0) throw new Error('empty');
    return render(root, { ...common, width, height, style: { overflow: 'visible' } });
  }
  const bounds = flowBounds(viewport);
  if (!bounds) throw new Error('empty');
  const width = Math.ceil(bounds.width + 2 * margin);
  const height = Math.ceil(bounds.height + 2 * margin);
  return render(viewport, {
    ...common,
    width,
    height,
    style: {
      width: `${width}px`,
      height: `${height}px`,
      transform: `translate(${margin - bounds.x}px, ${margin - bounds.y}px) scale(1)`,
    },
  });
}

/** Saves a data URL or a text as a file through a temporary link (no pop-up, no new window). */
export function download(name: string, content: string, type?: string): void {
  const link = document.createElement('a');
  const url = type === undefined ? content : URL.createObjectURL(new Blob([content], { type }));
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  if (type !== undefined) setTimeout(() => URL.revokeObjectURL(url), 1000);
}
