// Helpers for the hand-written SVG charts (charts.js, and the scenario line charts).

// ---------------------------------------------------------------- charts (hand-written SVG)

const SVG_NS = 'http://www.w3.org/2000/svg';

// A chart with nothing to draw: its message centred in the frame.
export function showEmpty(box, svg, W, H, text) {
  svg.appendChild(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, text));
  box.appendChild(svg);
}

export function svgEl(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (text !== undefined) {
    if (tag === 'text') el.textContent = text;
    else {
      const t = document.createElementNS(SVG_NS, 'title');
      t.textContent = text;
      el.appendChild(t);
    }
  }
  return el;
}

export function niceMax(x) {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
