// JSON.parse that keeps u64 values above 2^53 exact (as BigInt): the WASM module's reports.

// ---------------------------------------------------------------- JSON with exact u64

// u64 values above 2^53 must stay exact: keep them as BigInt (Chromium >= 114 gives the reviver
// the source text). Fallback: quote long integers before parsing (our own output only).
const REVIVER_SOURCE = (() => {
  try {
    let seen = false;
    JSON.parse('1', (k, v, ctx) => {
      if (ctx && ctx.source === '1') seen = true;
      return v;
    });
    return seen;
  } catch {
    return false;
  }
})();

// Whether the text holds an integer token above 2^53 - 1 (digits of a fraction or an exponent
// do not count; one inside a string may, which only costs the slower parse). Without one the
// plain parse is exact, and it skips the reviver, which would otherwise be called for every
// value (millions on a large subnet).
const LONG_INTEGER = /(?:^|[^.\d])-?(\d{16,})(?![.\deE])/g;
const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER); // 16 digits
function hasUnsafeInteger(text) {
  for (const m of text.matchAll(LONG_INTEGER)) {
    const d = m[1].replace(/^0+/, '');
    if (d.length > MAX_SAFE_DIGITS.length || (d.length === MAX_SAFE_DIGITS.length && d > MAX_SAFE_DIGITS)) return true;
  }
  return false;
}

export function parseExact(text) {
  if (!hasUnsafeInteger(text)) return JSON.parse(text);
  if (REVIVER_SOURCE) {
    return JSON.parse(text, (k, v, ctx) =>
      typeof v === 'number' && !Number.isSafeInteger(v) && ctx && /^-?\d+$/.test(ctx.source) ? BigInt(ctx.source) : v,
    );
  }
  const quoted = text.replace(/([[,:])(-?\d{16,})(?=[,\]}])/g, '$1"$2"');
  return JSON.parse(quoted, (k, v) => (typeof v === 'string' && /^-?\d{16,}$/.test(v) ? BigInt(v) : v));
}
