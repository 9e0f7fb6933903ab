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

// The CLI's units, in integers (exact for every value): a u16 proportion as the CLI's table
// prints it (`0.4712`, four places) and as `yuma explain` does (`30880 / 65535 = 0.47120`), and an
// I32F32 value (raw bits, a Number or a BigInt) with nine places as `yuma explain` prints it.
const places = (scaled, p) => {
  const s = 10n ** BigInt(p);
  return `${scaled / s}.${String(scaled % s).padStart(p, '0')}`;
};
export const u16Short = (x) => places((BigInt(x) * 20000n + 65535n) / 131070n, 4);
export const u16Frac = (x) => `${x} / 65535 = ${places((BigInt(x) * 200000n + 65535n) / 131070n, 5)}`;
export function fixed(bits, p = 9) {
  const b = BigInt(bits);
  const mag = b < 0n ? -b : b;
  const scaled = (mag * 10n ** BigInt(p) + (1n << 31n)) >> 32n;
  return (b < 0n ? '-' : '') + places(scaled, p);
}
// An I32F32 value with its raw bits, for a tooltip: `0.047493271 (203981431 / 2^32)`.
export const fixedRaw = (bits) => `${fixed(bits)} (${bits} / 2^32)`;
// The fraction an I32F32 value holds, as a float (for drawing only).
export const bitsToFloat = (bits) => Number(bits) / ONE_BITS;
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
