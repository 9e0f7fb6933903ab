// The single-epoch charts (hand-written SVG): incentive and dividends per uid, and the selected
// uid's account as charts, from `explain_data` (the numbers `yuma explain` prints): for a
// validator, where its dividends came from (normalized bond × incentive per miner) and its bonds
// per miner; for a miner, each validator's weight against consensus and what clipping removed.
// Fractions as the CLI prints them; the raw values (u16, or I32F32 bits) on hover.
import { $, U16, ONE_BITS, num, group, u16Frac, fixed, fixedRaw, bitsToFloat } from './util.js';
import { state } from './state.js';
import { outputOf } from './table.js';
import { selectUid } from './results.js';
import { parseExact } from './json.js';
import { yuma } from './wasm.js';
import { showEmpty, svgEl, niceMax } from './svg.js';
import { consensusLabel } from './rules.js';

// Terms charted one by one (the CLI prints as many), the rest as one bar.
export const TOP_TERMS = 10;
// Validators charted one row each on a miner's chart, the rest as one line of text.
export const MAX_VALIDATOR_ROWS = 40;
// The least width (of the chart's 1000) of the part clipping removed, however small it is.
export const CLIP_MIN_W = 4;

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
      `uid ${i}\nincentive ${u16Frac(o.incentive[i])}\ndividends ${u16Frac(o.dividends[i])}`,
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

// ---------------------------------------------------------------- the selected uid's account

// explain_data of the selected uid in the run shown (what-if values and rules included), for
// the mechanism viewed; {data} or {error}. Cached until the run, the view or the uid changes.
let cache = { key: null, value: null };
export function explainData(j, mech) {
  const key = `${state.text === null ? '' : state.text.length}|${state.overrides}|${j}|${mech}`;
  if (cache.key === key && cache.text === state.text) return cache.value;
  let value;
  try {
    value = { data: parseExact(yuma.explain_data(state.text, state.overrides, j, mech === null ? undefined : mech)) };
  } catch (e) {
    value = { error: e && e.message ? e.message : String(e) };
  }
  cache = { key, text: state.text, value };
  return value;
}

const big = (v) => BigInt(v);
const pct = (part, whole) => (big(whole) > 0n ? `${((Number(part) / Number(whole)) * 100).toFixed(1)}%` : '');

// The uid card: a validator's dividend sources and bonds, a miner's weights against consensus
// (a Null epoch: the sole validator's masked weight), from the account `yuma explain` prints.
export function renderUidCharts() {
  const card = $('uid-card');
  const res = state.cur;
  const j = state.selected;
  for (const id of ['chart-dividends', 'chart-bonds', 'chart-miner']) $(id).innerHTML = '';
  for (const id of ['dividends-meta', 'bonds-meta', 'miner-meta', 'uid-meta']) $(id).textContent = '';
  $('uid-validator').hidden = true;
  $('uid-miner').hidden = true;
  if (!res || j === null || j >= res.n) {
    card.hidden = true;
    return;
  }
  card.hidden = false;
  const where = res.kind === 'mechanisms' && state.view !== 'agg' ? ` in mechanism ${state.view}` : '';
  $('uid-title').textContent = `uid ${j}${where}: where its payout came from`;
  if (res.kind === 'mechanisms' && state.view === 'agg') {
    $('uid-meta').textContent = `Each mechanism runs its own epoch: pick a mechanism under "View" to chart uid ${j} in it.`;
    return;
  }
  const mech = res.kind === 'mechanisms' ? state.view : null;
  const info = (res.epoch_info || [])[mech === null ? 0 : mech];
  if (info && info.consensus === 'null') {
    renderNullChart(res, j, mech, info);
    return;
  }
  const { data: e, error } = explainData(j, mech);
  if (error) {
    $('uid-meta').textContent = `Cannot chart uid ${j}: ${error}`;
    return;
  }
  const roles = [];
  if (e.validator) roles.push('a validator');
  if (e.miner) roles.push('a miner');
  $('uid-meta').textContent = roles.length
    ? `uid ${j} earns as ${roles.join(' and as ')} (${e.consensus}); the figures are the ones \`yuma explain --uid ${j}\` prints (below), fractions with nine decimals, raw values on hover.`
    : `uid ${j} has no permit, no counted weights and no bonds, and no validator's counted weights reach it: nothing to chart.`;
  if (e.validator) renderValidator(e, res);
  if (e.miner) renderMiner(e);
}

// ---- a validator: dividend sources and bonds

function renderValidator(e, res) {
  const v = e.validator;
  const j = e.uid;
  $('uid-validator').hidden = false;
  $('dividends-title').textContent = `Dividends of uid ${j}: where they came from`;
  const shown = v.terms.slice(0, TOP_TERMS);
  const rest = v.terms.slice(TOP_TERMS);
  const restSum = rest.reduce((a, t) => a + big(t.term), 0n);
  const stake = v.stake_factor === null || v.stake_factor === undefined ? '' : ` × active stake ${fixed(v.stake_factor)} = ${fixed(v.raw)}`;
  $('dividends-meta').textContent =
    `On ${v.terms.length} miner${v.terms.length === 1 ? '' : 's'}: its EMA bond normalized over validators × the miner's incentive = term, largest first` +
    (rest.length ? ` (the ${shown.length} largest, the other ${rest.length} as one bar)` : '') +
    `. Σ terms ${fixed(v.bond_sum)}${stake} / Σ over the ${v.validators} validators ${fixed(v.raw_total)} = dividends ${fixed(v.dividends)}; as stored ${u16Frac(v.dividends_u16)}.`;
  const bars = shown.map((t) => ({
    label: `uid ${t.miner}`,
    value: t.term,
    attrs: { 'data-miner': t.miner, 'data-term': t.term, 'data-bond': t.bond, 'data-incentive': t.incentive },
    text: `${fixed(t.bond)} × ${fixed(t.incentive)} = ${fixed(t.term)}`,
    share: pct(t.term, v.bond_sum),
    tip:
      `miner uid ${t.miner}\nnormalized bond ${fixedRaw(t.bond)}\n× incentive ${fixedRaw(t.incentive)}\n= term ${fixedRaw(t.term)}` +
      `\nEMA bond before the normalization ${fixedRaw(t.ema_bond)}` +
      (v.bond_sum > 0 ? `\n${pct(t.term, v.bond_sum)} of Σ terms ${fixed(v.bond_sum)}` : ''),
  }));
  if (rest.length) {
    bars.push({
      label: `other ${rest.length} miner${rest.length === 1 ? '' : 's'}`,
      value: restSum,
      other: true,
      attrs: { 'data-miner': 'other', 'data-count': rest.length, 'data-term': restSum },
      text: `the other ${rest.length} term${rest.length === 1 ? '' : 's'} sum to ${fixed(restSum)}`,
      share: pct(restSum, v.bond_sum),
      tip: `the other ${rest.length} miners (uids ${rest.map((t) => t.miner).join(', ')})\nΣ terms ${fixedRaw(restSum)}`,
    });
  }
  const box = $('chart-dividends');
  if (!bars.length) {
    const svg = svgEl('svg', { viewBox: '0 0 1000 60', role: 'img', 'aria-label': `dividend sources of uid ${j}` });
    showEmpty(box, svg, 1000, 60, 'no bonds on miners: no terms, dividends 0');
  } else {
    box.appendChild(termBars(bars, `dividend sources of uid ${j}`, 'normalized bond × incentive = term', 'bar-term'));
  }
  renderBonds(e, res);
}

// Horizontal bars from 0 (one row each): label, bar, the term's own equation and its share.
function termBars(bars, aria, header, cls) {
  const W = 1000;
  const rowH = 22;
  const T = 26;
  const L = 130;
  const X1 = 560;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${T + bars.length * rowH + 6}`, role: 'img', 'aria-label': aria });
  const max = niceMax(Math.max(...bars.map((b) => bitsToFloat(b.value))) || 1);
  const x = (bits) => L + (bitsToFloat(bits) / max) * (X1 - L);
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    const gx = L + g * (X1 - L);
    svg.appendChild(svgEl('line', { x1: gx, x2: gx, y1: T - 6, y2: T + bars.length * rowH, class: 'grid-line' }));
    svg.appendChild(svgEl('text', { x: gx, y: T - 10, 'text-anchor': 'middle' }, `${+(g * max).toPrecision(3)}`));
  }
  svg.appendChild(svgEl('text', { x: X1 + 30, y: T - 10, class: 'head' }, header));
  bars.forEach((b, k) => {
    const y = T + k * rowH;
    svg.appendChild(svgEl('text', { x: L - 6, y: y + 15, 'text-anchor': 'end' }, b.label));
    const w = Math.max(x(b.value) - L, big(b.value) > 0n ? 1.5 : 0);
    svg.appendChild(svgEl('rect', { x: L, y: y + 3, width: w, height: rowH - 6, class: `${cls}${b.other ? ' other' : ''}`, ...b.attrs }, b.tip));
    svg.appendChild(svgEl('text', { x: X1 + 30, y: y + 15, class: 'num' }, `${b.text}${b.share ? `  (${b.share})` : ''}`));
  });
  svg.appendChild(svgEl('line', { x1: L, x2: L, y1: T - 6, y2: T + bars.length * rowH, class: 'axis' }));
  return svg;
}

// Its stored bond row after the epoch (`Bonds`), one bar per miner uid.
function renderBonds(e, res) {
  const v = e.validator;
  const j = e.uid;
  const n = e.n;
  const row = v.bonds_after;
  $('bonds-title').textContent = `Bonds of uid ${j} per miner, after the epoch`;
  const y2 = e.consensus === 'Yuma 2';
  $('bonds-meta').textContent =
    `Its stored bond row (Bonds): ${row.length} entr${row.length === 1 ? 'y' : 'ies'}, u16 fractions of 65535` +
    (y2 ? ' (Yuma 2 stores each miner\'s column max-upscaled: its largest bond reads 65535)' : ' (Yuma 3: the EMA bond, a proportion)') +
    '; the dividends above use the EMA bond normalized over validators (in each bar\'s tooltip).';
  const box = $('chart-bonds');
  const W = 1000;
  const H = 180;
  const L = 48;
  const R = 8;
  const T = 10;
  const B = 26;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `bonds of uid ${j} per miner` });
  if (!row.length || n === 0) {
    showEmpty(box, svg, W, H, 'no stored bonds after the epoch');
    return;
  }
  const byMiner = new Map(v.terms.map((t) => [t.miner, t]));
  const max = niceMax(Math.max(...row.map(([, b]) => b)) / U16);
  const ph = H - T - B;
  const y = (f) => T + ph - (f / max) * ph;
  for (const g of [0, 0.5, 1]) {
    svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(g * max), y2: y(g * max), class: 'grid-line' }));
    svg.appendChild(svgEl('text', { x: L - 4, y: y(g * max) + 4, 'text-anchor': 'end' }, `${+(g * max).toPrecision(3)}`));
  }
  const slot = (W - L - R) / n;
  const bw = Math.min(Math.max(slot * 0.8, 1), 24);
  for (const [m, b] of row) {
    const t = byMiner.get(m);
    const tip =
      `miner uid ${m}\nstored bond ${u16Frac(b)}` +
      (t ? `\nEMA bond ${fixedRaw(t.ema_bond)}\nnormalized over validators ${fixedRaw(t.bond)} (× incentive ${fixed(t.incentive)} = term ${fixed(t.term)})` : '');
    const h = Math.max(y(0) - y(b / U16), b > 0 ? 1 : 0);
    svg.appendChild(svgEl('rect', { x: L + m * slot + (slot - bw) / 2, y: y(0) - h, width: bw, height: h, class: 'bar-bond', 'data-miner': m, 'data-bond': b }, tip));
  }
  svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(0), y2: y(0), class: 'axis' }));
  const ticks = [...new Set([0, Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4), n - 1])];
  for (const t of ticks) {
    const anchor = t === 0 ? 'start' : t === n - 1 ? 'end' : 'middle';
    const x = t === 0 ? L : t === n - 1 ? W - R : L + (t + 0.5) * slot;
    svg.appendChild(svgEl('text', { x, y: H - B + 14, 'text-anchor': anchor }, `${t}`));
  }
  svg.appendChild(svgEl('text', { x: W - R, y: H - 2, 'text-anchor': 'end' }, 'miner uid'));
  box.appendChild(svg);
}

// ---- a miner: each validator's weight against consensus, and what clipping removed

// The axis of the miner chart: linear from 0, or logarithmic when the values span more than a
// factor of 100 (so 0.0001 and 0.9 are both legible); the selector can force either.
function minerScale(values) {
  const pos = values.filter((v) => v > 0);
  const hi = Math.max(...pos, 0);
  const lo = Math.min(...pos, Infinity);
  const pick = $('miner-axis').value;
  const log = pick === 'log' || (pick === 'auto' && pos.length > 0 && hi / lo > 100);
  if (!log || !pos.length) return { log: false, min: 0, max: niceMax(hi * 1.05 || 1) };
  return { log: true, min: 10 ** Math.floor(Math.log10(lo)), max: 10 ** Math.ceil(Math.log10(hi * 1.0001)) };
}

function renderMiner(e) {
  const m = e.miner;
  const j = e.uid;
  $('uid-miner').hidden = false;
  $('miner-title').textContent = `Weights on uid ${j}: each validator vs consensus`;
  const rows = m.terms.slice(0, MAX_VALIDATOR_ROWS);
  const rest = m.terms.slice(MAX_VALIDATOR_ROWS);
  $('miner-meta').textContent =
    `consensus ${fixed(m.consensus)} = the stake-weighted ${m.kappa} / 65535 quantile of the weights on uid ${j}; as stored ${u16Frac(m.consensus_u16)}. ` +
    `From ${m.terms.length} validator${m.terms.length === 1 ? '' : 's'}: active stake × weight clipped at consensus = term, largest first; ` +
    `Σ terms = rank ${fixed(m.rank)} / Σ every uid's rank ${fixed(m.rank_total)} = incentive ${fixed(m.incentive)}; as stored ${u16Frac(m.incentive_u16)}` +
    (m.clipped_away > 0 ? `; clipping removed ${fixed(m.clipped_away)} of stake-weighted weight` : '') +
    '. Bars: the weight received (outline), the part kept after clipping (solid), what clipping removed (hatched); dashed: consensus.';
  const box = $('chart-miner');
  const W = 1000;
  const rowH = 20;
  const T = 30;
  const L = 80;
  const X1 = 540;
  const extra = rest.length ? 1 : 0;
  const H = T + (rows.length + extra) * rowH + 22;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `validator weights on uid ${j}` });
  if (!rows.length) {
    showEmpty(box, svg, W, 60, 'no validator\'s counted weights reach this uid');
    return;
  }
  const defs = svgEl('defs', {});
  const pat = svgEl('pattern', { id: 'hatch-clipped', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  pat.appendChild(svgEl('rect', { width: 6, height: 6, class: 'hatch-bg' }));
  pat.appendChild(svgEl('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }));
  defs.appendChild(pat);
  svg.appendChild(defs);
  const cons = bitsToFloat(m.consensus);
  const sc = minerScale([cons, ...rows.flatMap((t) => [bitsToFloat(t.weight), bitsToFloat(t.clipped)])]);
  const x = (f) => {
    if (sc.log) return f <= sc.min ? L : L + (Math.log10(f / sc.min) / Math.log10(sc.max / sc.min)) * (X1 - L);
    return L + (f / sc.max) * (X1 - L);
  };
  const bottom = T + (rows.length + extra) * rowH;
  const grid = sc.log
    ? Array.from({ length: Math.round(Math.log10(sc.max / sc.min)) + 1 }, (_, k) => sc.min * 10 ** k)
    : [0, 0.25, 0.5, 0.75, 1].map((g) => g * sc.max);
  for (const g of grid) {
    svg.appendChild(svgEl('line', { x1: x(g), x2: x(g), y1: T - 6, y2: bottom, class: 'grid-line' }));
    svg.appendChild(svgEl('text', { x: x(g), y: T - 10, 'text-anchor': 'middle' }, `${+g.toPrecision(sc.log ? 1 : 3)}`));
  }
  svg.appendChild(svgEl('text', { x: X1 + 30, y: T - 10, class: 'head' }, 'weight → kept after clipping × active stake = term'));
  rows.forEach((t, k) => {
    const y = T + k * rowH;
    const w = bitsToFloat(t.weight);
    const c = bitsToFloat(t.clipped);
    const g = svgEl('g', { class: 'vrow', 'data-validator': t.validator, 'data-weight': t.weight, 'data-clipped': t.clipped, 'data-stake': t.active_stake, 'data-term': t.term });
    g.appendChild(svgEl('text', { x: L - 6, y: y + 14, 'text-anchor': 'end' }, `uid ${t.validator}`));
    const tip =
      `validator uid ${t.validator}\nactive stake ${fixedRaw(t.active_stake)}\nweight on uid ${j} ${fixedRaw(t.weight)}` +
      `\nclipped at consensus ${fixedRaw(t.clipped)}` +
      (big(t.clipped) < big(t.weight) ? `\nclipping removed ${fixed(big(t.weight) - big(t.clipped))}` : '') +
      `\nterm (stake × clipped) ${fixedRaw(t.term)}`;
    // Every nonzero part at least CLIP_MIN_W wide, so a clipping of 1 bit still shows (the
    // outline then reaches past the exact weight by at most that much; the tooltip is exact).
    const minW = (f) => (f > 0 ? 2 : 0);
    const xc = Math.max(x(c), L + minW(c));
    const cut = big(t.clipped) < big(t.weight);
    const xw = Math.max(x(w), L + minW(w), cut ? xc + CLIP_MIN_W : 0);
    g.appendChild(svgEl('rect', { x: L, y: y + 3, width: xc - L, height: rowH - 6, class: 'bar-c' }));
    if (cut) g.appendChild(svgEl('rect', { x: xc, y: y + 3, width: xw - xc, height: rowH - 6, class: 'bar-x', fill: 'url(#hatch-clipped)' }));
    g.appendChild(svgEl('rect', { x: L, y: y + 3, width: xw - L, height: rowH - 6, class: 'bar-w' }, tip));
    g.appendChild(svgEl('text', { x: X1 + 30, y: y + 14, class: 'num' }, `${fixed(t.weight)} → ${fixed(t.clipped)} × ${fixed(t.active_stake)} = ${fixed(t.term)}`));
    svg.appendChild(g);
  });
  if (rest.length) {
    const sum = rest.reduce((a, t) => a + big(t.term), 0n);
    svg.appendChild(
      svgEl('text', { x: L, y: T + rows.length * rowH + 14, class: 'num', 'data-count': rest.length, 'data-term': sum }, `the other ${rest.length} validators' terms sum to ${fixed(sum)} (not drawn)`),
    );
  }
  svg.appendChild(svgEl('line', { x1: L, x2: L, y1: T - 6, y2: bottom, class: 'axis' }));
  svg.appendChild(svgEl('line', { x1: x(cons), x2: x(cons), y1: T - 4, y2: bottom, class: 'cons' }, `consensus ${fixedRaw(m.consensus)}`));
  svg.appendChild(svgEl('text', { x: x(cons) + 4, y: bottom + 14, class: 'cons-label' }, `consensus ${fixed(m.consensus)}`));
  svg.appendChild(svgEl('text', { x: X1, y: bottom + 14, 'text-anchor': 'end' }, sc.log ? 'weight (log axis)' : 'weight'));
  box.appendChild(svg);
}

// ---- Null consensus: the sole validator's masked weight on the uid

// A Null epoch has one validator, no normalization, no clipping and no consensus: its bar is the
// sole validator's masked weight on j as a fraction of 65535 (j's incentive share).
function renderNullChart(res, j, mech, info) {
  $('uid-miner').hidden = false;
  const trace = res.traces[mech === null ? 0 : mech];
  const o = outputOf(res, res.kind === 'epoch' ? 'epoch' : mech);
  const where = res.kind === 'mechanisms' ? ` (mechanism ${mech})` : '';
  $('miner-title').textContent = `Weight on uid ${j}: the sole validator's masked weight${where}`;
  const meta = $('miner-meta');
  if (!trace) {
    meta.textContent = 'This mechanism could not be computed.';
    return;
  }
  // The masked row holds the raw u16 weights (as I32F32 bits).
  const raw = (row) => {
    for (const [c, v] of row || []) if (c === j) return Math.round(num(v) / ONE_BITS);
    return 0;
  };
  const vals = [];
  trace.weights_normalized.forEach((row, i) => {
    if (row && row.length) vals.push({ i, w: raw(row), stake: o.stake[i] });
  });
  meta.textContent =
    `${consensusLabel(info)} · incentive ${u16Frac(o.incentive[j])} · ` +
    (vals.length ? `its masked weight on uid ${j}: ${u16Frac(vals[0].w)}. ` : '') +
    'No consensus, clipping or normalization under Null consensus; dividends are stake shares.';
  const W = 1000;
  const H = 120;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `the sole validator's weight on uid ${j}` });
  const box = $('chart-miner');
  if (!vals.length) {
    showEmpty(box, svg, W, H, 'no validator has weights after masking');
    return;
  }
  const L = 80;
  const X1 = 900;
  vals.slice(0, 1).forEach((v) => {
    svg.appendChild(svgEl('text', { x: L - 6, y: 44, 'text-anchor': 'end' }, `uid ${v.i}`));
    svg.appendChild(
      svgEl(
        'rect',
        { x: L, y: 30, width: Math.max(((X1 - L) * v.w) / U16, v.w > 0 ? 2 : 0), height: 20, class: 'bar-w null', 'data-validator': v.i, 'data-weight': v.w },
        `sole validator uid ${v.i}\nstake ${group(v.stake)} rao\nmasked weight on uid ${j}: ${u16Frac(v.w)}`,
      ),
    );
    svg.appendChild(svgEl('text', { x: L, y: 70 }, `${u16Frac(v.w)} (of the full scale 65535)`));
  });
  svg.appendChild(svgEl('line', { x1: L, x2: L, y1: 24, y2: 56, class: 'axis' }));
  box.appendChild(svg);
}

// The miner chart's axis selector.
export function wireCharts() {
  $('miner-axis').addEventListener('change', () => renderUidCharts());
}
