// The single-epoch charts (hand-written SVG): incentive and dividends per uid, and the
// validators' weights on the selected uid against consensus.
import { $, U16, ONE_BITS, num, group, frac } from './util.js';
import { state } from './state.js';
import { outputOf } from './table.js';
import { selectUid } from './results.js';
import { showEmpty, svgEl, niceMax } from './svg.js';
import { consensusLabel } from './rules.js';

// Incentive bars above the axis, dividends below, one slot per uid.
export function renderIdChart() {
  const box = $('chart-id');
  box.innerHTML = '';
  const res = state.cur;
  const o = outputOf(res, state.view);
  const n = res.n;
  const W = 1000;
  const H = 240;
  const L = 48;
  const R = 8;
  const mid = H / 2;
  const half = mid - 22;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'incentive and dividends per uid' });
  if (n === 0) {
    svg.appendChild(svgEl('text', { x: W / 2, y: mid, 'text-anchor': 'middle' }, 'n = 0'));
    box.appendChild(svg);
    return;
  }
  const inc = o.incentive.map(num);
  const div = o.dividends.map(num);
  const maxInc = niceMax(Math.max(...inc) / U16);
  const maxDiv = niceMax(Math.max(...div) / U16);
  const slot = (W - L - R) / n;
  const bw = Math.min(Math.max(slot * 0.8, 0.6), 24);
  for (const [y, label] of [
    [mid - half, `${maxInc}`],
    [mid - half / 2, `${maxInc / 2}`],
    [mid + half / 2, `${maxDiv / 2}`],
    [mid + half, `${maxDiv}`],
  ]) {
    svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'grid-line' }));
    svg.appendChild(svgEl('text', { x: L - 4, y: y + 4, 'text-anchor': 'end' }, label));
  }
  if (state.selected !== null && state.selected < n) {
    svg.appendChild(svgEl('rect', { x: L + state.selected * slot, y: 8, width: Math.max(slot, 2), height: H - 16, class: 'sel' }));
  }
  const incPath = [];
  const divPath = [];
  for (let i = 0; i < n; i++) {
    const x = (L + i * slot + (slot - bw) / 2).toFixed(2);
    const hi = ((inc[i] / U16 / maxInc) * half).toFixed(2);
    const hd = ((div[i] / U16 / maxDiv) * half).toFixed(2);
    if (inc[i] > 0) incPath.push(`M${x} ${mid}v-${hi}h${bw.toFixed(2)}v${hi}z`);
    if (div[i] > 0) divPath.push(`M${x} ${mid}v${hd}h${bw.toFixed(2)}v-${hd}z`);
  }
  svg.appendChild(svgEl('path', { d: incPath.join(''), class: 'bar-inc' }));
  svg.appendChild(svgEl('path', { d: divPath.join(''), class: 'bar-div' }));
  svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: mid, y2: mid, class: 'axis' }));
  svg.appendChild(svgEl('text', { x: L + 2, y: 12 }, 'incentive ↑'));
  svg.appendChild(svgEl('text', { x: L + 2, y: H - 4 }, 'dividends ↓'));
  const ticks = [...new Set([0, Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4), n - 1])];
  for (const t of ticks) {
    // The first and last labels are anchored inside the plot so they are never cut off.
    const anchor = t === 0 ? 'start' : t === n - 1 ? 'end' : 'middle';
    const x = t === 0 ? L : t === n - 1 ? W - R : L + (t + 0.5) * slot;
    svg.appendChild(svgEl('text', { x, y: mid + 12, 'text-anchor': anchor }, `${t}`));
  }
  // Transparent hit areas (with tooltips) for uids that have something to show.
  const hits = svgEl('g', {});
  for (let i = 0; i < n; i++) {
    if (inc[i] === 0 && div[i] === 0 && n > 64) continue;
    const r = svgEl(
      'rect',
      { x: L + i * slot, y: 8, width: Math.max(slot, 1), height: H - 24, class: 'hit', 'data-uid': i },
      `uid ${i}\nincentive ${o.incentive[i]} (${frac(o.incentive[i])})\ndividends ${o.dividends[i]} (${frac(o.dividends[i])})`,
    );
    hits.appendChild(r);
  }
  svg.appendChild(hits);
  svg.addEventListener('click', (e) => {
    const uid = e.target.getAttribute && e.target.getAttribute('data-uid');
    if (uid !== null && uid !== undefined) selectUid(Number(uid));
  });
  box.appendChild(svg);
}

// For the selected uid j: each validator's normalized weight on j (light), the part kept after
// clipping at consensus (dark), and consensus itself (dashed line). Validators sorted by stake.
// A Null epoch has one validator, no normalization, no clipping and no consensus: its bar is the
// sole validator's masked weight on j as a fraction of 65535 (j's incentive share).
export function renderMinerChart() {
  const box = $('chart-miner');
  box.innerHTML = '';
  const res = state.cur;
  const j = state.selected;
  const meta = $('miner-meta');
  meta.textContent = '';
  if (j === null || j >= res.n) {
    $('miner-title').textContent = 'Click a row or a bar to see how validators weight that uid';
    return;
  }
  const mech = res.kind === 'epoch' || state.view === 'agg' ? 0 : state.view;
  const trace = res.traces[mech];
  const o = outputOf(res, res.kind === 'epoch' ? 'epoch' : mech);
  const info = (res.epoch_info || [])[mech];
  const isNull = !!info && info.consensus === 'null';
  const where = res.kind === 'mechanisms' ? ` (mechanism ${mech})` : '';
  $('miner-title').textContent = isNull
    ? `Weight on uid ${j}: the sole validator's masked weight${where}`
    : `Weights on uid ${j}: each validator vs consensus${where}`;
  if (!trace) {
    meta.textContent = 'This mechanism could not be computed.';
    return;
  }
  // Null: the masked row holds the raw u16 weights (as I32F32 bits), shown as fractions of 65535.
  const scale = isNull ? ONE_BITS * U16 : ONE_BITS;
  const find = (row) => {
    for (const [c, v] of row) if (c === j) return num(v) / scale;
    return 0;
  };
  const vals = [];
  trace.weights_normalized.forEach((row, i) => {
    if (!row || row.length === 0) return;
    const w = find(row);
    const c = find(trace.clipped_weights[i] || []);
    vals.push({ i, w, c, stake: o.stake[i] });
  });
  vals.sort((a, b) => (a.stake > b.stake ? -1 : a.stake < b.stake ? 1 : a.i - b.i));
  const cons = isNull ? 0 : num(trace.consensus[j]) / ONE_BITS;
  const weighting = vals.filter((v) => v.w > 0).length;
  meta.textContent = isNull
    ? `${consensusLabel(info)} · incentive ${o.incentive[j]} · ` +
      (vals.length ? `its masked weight on uid ${j}: ${Math.round(vals[0].w * U16)} of 65535. ` : '') +
      'No consensus, clipping or normalization under Null consensus.'
    : `consensus ${cons.toFixed(6)} (u16 ${o.consensus[j]}) · incentive ${o.incentive[j]} · ` +
      `${weighting} of ${vals.length} validators with weights put weight on uid ${j}. Bars: light = normalized weight, dark = kept after clipping at consensus.`;
  const W = 1000;
  const H = 240;
  const L = 56;
  const R = 8;
  const T = 14;
  const B = 36;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `validator weights on uid ${j}` });
  if (vals.length === 0) {
    showEmpty(box, svg, W, H, 'no validator has weights after masking');
    return;
  }
  const max = niceMax(Math.max(cons, ...vals.map((v) => v.w)) * 1.05 || 1);
  const ph = H - T - B;
  const y = (v) => T + ph - (v / max) * ph;
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(g * max), y2: y(g * max), class: 'grid-line' }));
    svg.appendChild(svgEl('text', { x: L - 4, y: y(g * max) + 4, 'text-anchor': 'end' }, `${+(g * max).toPrecision(3)}`));
  }
  const slot = (W - L - R) / vals.length;
  const bw = Math.min(Math.max(slot * 0.75, 1), 36);
  // uid labels no closer than their width (11px digits ≈ 7 units each, plus a gap).
  const digits = String(Math.max(...vals.map((v) => v.i))).length;
  const labelEvery = Math.max(1, Math.ceil((digits * 7 + 8) / slot));
  vals.forEach((v, k) => {
    const x = L + k * slot + (slot - bw) / 2;
    const g = svgEl('g', {});
    g.appendChild(
      svgEl(
        'rect',
        { x, y: y(v.w), width: bw, height: y(0) - y(v.w), class: 'bar-w' },
        `validator uid ${v.i}\nstake ${group(v.stake)}\nweight ${v.w.toFixed(6)}\nclipped ${v.c.toFixed(6)}`,
      ),
    );
    g.appendChild(svgEl('rect', { x, y: y(v.c), width: bw, height: y(0) - y(v.c), class: 'bar-c' }, `uid ${v.i}: kept ${v.c.toFixed(6)}`));
    svg.appendChild(g);
    if (k % labelEvery === 0) {
      svg.appendChild(svgEl('text', { x: x + bw / 2, y: H - B + 14, 'text-anchor': 'middle' }, `${v.i}`));
    }
  });
  svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(0), y2: y(0), class: 'axis' }));
  if (!isNull) {
    svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(cons), y2: y(cons), class: 'cons' }));
    svg.appendChild(svgEl('text', { x: W - R - 4, y: y(cons) - 4, 'text-anchor': 'end' }, `consensus ${cons.toFixed(4)}`));
  }
  svg.appendChild(svgEl('text', { x: L, y: H - 4 }, isNull ? 'the sole validator (uid)' : 'validators (uid), by stake, largest first'));
  box.appendChild(svg);
}
