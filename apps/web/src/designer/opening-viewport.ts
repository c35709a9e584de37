/**
 * Where the canvas looks when a model opens. Pure.
 *
 * A whole sales process rarely fits a laptop's canvas at a size one can read: "fit view" on the
 * 17-step example gives a zoom of about 0.3, with 4-pixel text. So the designer opens at the zoom
 * that fits, but never below {@link ViewportLimits.minZoom}; what does not fit then starts at the
 * left (where the process starts) and the top, and the minimap and "zoom to fit" show the rest.
 *
 * @module
 */

/** A rectangle in canvas coordinates. */
export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** React Flow's viewport: translation in screen pixels and zoom. */
export interface OpeningViewport {
  x: number;
  y: number;
  zoom: number;
}

/** Limits of {@link openingViewport}. */
export interface ViewportLimits {
  /** Space kept free around the diagram, in screen pixels. @default 24 */
  padding?: number;
  /** The smallest zoom the diagram opens at (text stays readable). @default 0.6 */
  minZoom?: number;
  /** The largest zoom it opens at (a small diagram is not blown up). @default 1 */
  maxZoom?: number;
}

/**
 * The viewport that shows `bounds` (the diagram) in a canvas of `size`: fitted and centred when
 * it fits at a zoom within the limits, else at `minZoom` with its left and top edges in view.
 */
export function openingViewport(
  bounds: Bounds,
  size: { width: number; height: number },
  { padding = 24, minZoom = 0.6, maxZoom = 1 }: ViewportLimits = {},
): OpeningViewport {
  const room = { width: Math.max(size.width - 2 * padding, 1), height: Math.max(size.height - 2 * padding, 1) };
  const fit = Math.min(room.width / Math.max(bounds.width, 1), room.height / Math.max(bounds.height, 1));
  const zoom = Math.min(Math.max(fit, minZoom), maxZoom);
  const axis = (start: number, length: number, space: number, total: number) =>
    length * zoom <= space ? (total - length * zoom) / 2 - start * zoom : padding - start * zoom;
  return {
    x: axis(bounds.x, bounds.width, room.width, size.width),
    y: axis(bounds.y, bounds.height, room.height, size.height),
    zoom,
  };
}
