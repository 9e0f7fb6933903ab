// Helpers shared by the page's modules: the element lookup, the u16 and I32F32 constants, number
// formatting, and the error box.

export const $ = (id) => document.getElementById(id);
export const U16 = 65535;
export const ONE_BITS = 4294967296; // I32F32 1.0

// ---------------------------------------------------------------- formatting

export const num = (v) => (v === null || v === undefined ? NaN : Number(v));
export const group = (v) => String(v).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
export const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
export const frac = (v) => (num(v) / U16).toFixed(5);
export const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
export const sumU64 = (arr) => (arr || []).reduce((a, v) => a + BigInt(v), 0n);

// ---------------------------------------------------------------- errors

export function showError(msg) {
  const box = $('error');
  box.textContent = msg;
  box.hidden = !msg;
}

// A document that cannot be run: its error, and no results of an earlier document left on
// screen under the new name.
export function refuseDocument(label, why) {
  showError(`Could not run ${label}:\n${why}`);
  $('results').hidden = true;
  $('scenario').hidden = true;
}
