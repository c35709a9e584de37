/**
 * The page's CSP nonce, and the one place that hands it to the styles our code inserts.
 *
 * The server writes a fresh nonce per page into `<meta property="csp-nonce">` (Vite's
 * `html.cspNonce`) and allows `style-src 'self' 'nonce-…'`, not `'unsafe-inline'`. antd's
 * CSS-in-JS takes the nonce through `ConfigProvider csp`, but a few helpers of its components
 * insert `<style>` elements without it (`@rc-component/util`'s scrollbar measurement in every
 * Table, the scroll locker of Modal and Drawer). {@link nonceScriptCreatedStyles} gives every
 * `<style>` created from script the nonce. That keeps the policy's point: only script may add
 * styles, and only our own script runs (`script-src 'self'`); a `<style>` smuggled into markup
 * is still refused.
 *
 * @module
 */

/** The nonce of this page, or undefined (Vite dev server, tests without the server). */
export function readCspNonce(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  // Browsers hide nonce attributes from getAttribute(); the property keeps the value.
  const nonce = meta?.nonce || meta?.getAttribute('nonce') || undefined;
  return nonce === undefined || nonce === '' || nonce.startsWith('__') ? undefined : nonce;
}

/** Makes `document.createElement('style')` return elements that carry `nonce`. Idempotent. */
export function nonceScriptCreatedStyles(nonce: string): void {
  const marker = '__batonNonceStyles';
  const doc = document as Document & { [marker]?: true };
  if (doc[marker]) return;
  doc[marker] = true;
  const create: (tagName: string, options?: ElementCreationOptions) => HTMLElement =
    document.createElement.bind(document);
  document.createElement = function createElement(tagName: string, options?: ElementCreationOptions): HTMLElement {
    const element = create(tagName, options);
    if (element instanceof HTMLStyleElement) element.nonce = nonce;
    return element;
  };
}
