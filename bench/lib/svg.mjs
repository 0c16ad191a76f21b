// @ts-check
// What the hand-written SVG charts share.

/** `x` as text safe inside an SVG (XML) element or attribute. */
export const xml = (x) => String(x).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);
