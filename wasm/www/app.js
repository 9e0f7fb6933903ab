// The verifier page: loads a document, runs the epoch in WASM, renders the table and charts;
// a scenario document (`initial` + `epochs`) is simulated epoch after epoch and charted instead.
// No dependencies; the WASM glue comes from `wasm-bindgen --target web` in ./pkg/.

const $ = (id) => document.getElementById(id);
const U16 = 65535;
const ONE_BITS = 4294967296; // I32F32 1.0
// Decimal text of a u64 (what a u64 field such as bonds_moving_average accepts).
const isU64 = (text) => /^\d{1,20}$/.test(text) && BigInt(text) <= 18446744073709551615n;

let yuma = null; // the wasm-bindgen module, once loaded

const state = {
  text: null, // the document as loaded
  label: '', // where it came from
  base: null, // analysis without overrides
  cur: null, // analysis shown (what-if or base)
  view: 'epoch', // 'epoch' | 'agg' | mechanism index
  sortKey: 'uid',
  sortDir: 1,
  selected: null, // uid shown in the miner chart and explained
  overrides: '', // the what-if overrides of `cur` ('' when `cur` is the file's run)
  limit: 1000, // rows rendered (a large subnet starts with ROW_LIMIT; `show …` raises it)
  flags: new Map(), // `${view}|${uid}` -> [{col, field, got, expected}]
  changed: new Map(), // `${view}|${uid}|${col}` -> baseline display value
};

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

function parseExact(text) {
  if (!hasUnsafeInteger(text)) return JSON.parse(text);
  if (REVIVER_SOURCE) {
    return JSON.parse(text, (k, v, ctx) =>
      typeof v === 'number' && !Number.isSafeInteger(v) && ctx && /^-?\d+$/.test(ctx.source) ? BigInt(ctx.source) : v,
    );
  }
  const quoted = text.replace(/([[,:])(-?\d{16,})(?=[,\]}])/g, '$1"$2"');
  return JSON.parse(quoted, (k, v) => (typeof v === 'string' && /^-?\d{16,}$/.test(v) ? BigInt(v) : v));
}

// ---------------------------------------------------------------- formatting

const num = (v) => (v === null || v === undefined ? NaN : Number(v));
const group = (v) => String(v).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const frac = (v) => (num(v) / U16).toFixed(5);
const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));

// ---------------------------------------------------------------- columns

const COLS = [
  { key: 'uid', label: 'uid', kind: 'uid' },
  { key: 'stake', label: 'stake', field: 'stake', kind: 'u64', tip: 'total stake, rao' },
  { key: 'active', label: 'active', field: 'active', kind: 'bool' },
  { key: 'permit', label: 'permit', field: 'new_validator_permit', kind: 'bool', tip: 'validator permit after the epoch' },
  { key: 'consensus', label: 'consensus', field: 'consensus', kind: 'u16' },
  { key: 'incentive', label: 'incentive', field: 'incentive', kind: 'u16' },
  { key: 'dividends', label: 'dividends', field: 'dividends', kind: 'u16' },
  { key: 'validator_trust', label: 'validator trust', field: 'validator_trust', kind: 'u16' },
  { key: 'server_emission', label: 'server emission', field: 'server_emission', kind: 'u64', tip: 'rao' },
  { key: 'validator_emission', label: 'validator emission', field: 'validator_emission', kind: 'u64', tip: 'rao' },
  { key: 'bonds', label: 'bonds', field: 'bonds', kind: 'rows', tip: 'entries in the stored bond row' },
];
const ROW_LIMIT = 1000;
// Above this many rows "show all" would stall the page for seconds; it offers batches instead.
const ALL_LIMIT = 10000;
const MORE_STEP = 5000;
const COL_BY_FIELD = new Map(COLS.filter((c) => c.field).map((c) => [c.field, c]));

function outputOf(res, view) {
  if (!res || !res.output) return null;
  if (res.kind === 'epoch') return res.output;
  if (view === 'agg') return res.output.aggregated;
  return res.output.per_mechanism[view];
}

function cellValue(o, col, i) {
  if (col.kind === 'uid') return i;
  const arr = o[col.field];
  if (!arr) return null;
  const v = arr[i];
  if (col.kind === 'rows') return v ? v.length : null;
  return v;
}

function cellText(col, v) {
  if (v === null || v === undefined) return '—';
  if (col.kind === 'bool') return v ? '✓' : '·';
  if (col.kind === 'u64') return group(v);
  return String(v);
}

// ---------------------------------------------------------------- mismatch and what-if indexes

// Splits a mismatch field into (view, field): `incentive`, `trace.consensus`,
// `aggregated.dividends`, `per_mechanism[1].stake`, `split`, …
function placeMismatch(kind, field) {
  if (kind === 'epoch') return { view: 'epoch', field };
  let m = /^aggregated\.(.+)$/.exec(field);
  if (m) return { view: 'agg', field: m[1] };
  m = /^per_mechanism\[(\d+)\]\.(.+)$/.exec(field);
  if (m) return { view: Number(m[1]), field: m[2] };
  return null;
}

function indexFlags(res) {
  const flags = new Map();
  const other = [];
  const uids = new Set();
  for (const mm of res.mismatches || []) {
    const place = mm.uid === null ? null : placeMismatch(res.kind, mm.field);
    if (!place) {
      other.push(mm);
      continue;
    }
    uids.add(mm.uid);
    const key = `${place.view}|${mm.uid}`;
    if (!flags.has(key)) flags.set(key, []);
    const col = COL_BY_FIELD.get(place.field);
    flags.get(key).push({ col: col ? col.key : 'uid', field: mm.field, got: mm.got, expected: mm.expected });
  }
  return { flags, other, uids };
}

function indexChanges(base, cur) {
  const changed = new Map();
  const uids = new Set();
  if (!base || !cur || base === cur) return { changed, uids };
  const views = cur.kind === 'epoch' ? ['epoch'] : ['agg', ...cur.output.per_mechanism.map((_, k) => k)];
  for (const view of views) {
    const a = outputOf(base, view);
    const b = outputOf(cur, view);
    if (!a || !b) continue;
    for (let i = 0; i < cur.n; i++) {
      for (const col of COLS) {
        if (!col.field) continue;
        const va = col.kind === 'rows' ? JSON.stringify(a[col.field]?.[i]) : String(a[col.field]?.[i]);
        const vb = col.kind === 'rows' ? JSON.stringify(b[col.field]?.[i]) : String(b[col.field]?.[i]);
        if (va !== vb) {
          changed.set(`${view}|${i}|${col.key}`, cellText(col, cellValue(a, col, i)));
          uids.add(i);
        }
      }
    }
  }
  return { changed, uids };
}

// ---------------------------------------------------------------- running

function showError(msg) {
  const box = $('error');
  box.textContent = msg;
  box.hidden = !msg;
}

function readOverrides() {
  const o = [];
  for (const k of ['kappa', 'bonds_penalty', 'alpha_low', 'alpha_high']) {
    const raw = $(`w-${k}`).value.trim();
    if (!/^\d+$/.test(raw) || Number(raw) > U16) throw new Error(`${k}: enter an integer from 0 to 65535`);
    o.push(`"${k}": ${raw}`);
  }
  const bma = $('w-bonds_moving_average').value.trim();
  if (!isU64(bma)) throw new Error('bonds_moving_average: enter a u64 integer');
  o.push(`"bonds_moving_average": ${bma}`);
  for (const k of ['yuma3_enabled', 'liquid_alpha_enabled']) o.push(`"${k}": ${$(`w-${k}`).checked}`);
  return `{${o.join(', ')}}`;
}

function fillWhatIf(params) {
  if (!params) return;
  for (const k of ['kappa', 'bonds_penalty', 'alpha_low', 'alpha_high', 'bonds_moving_average']) $(`w-${k}`).value = String(params[k]);
  for (const k of ['yuma3_enabled', 'liquid_alpha_enabled']) $(`w-${k}`).checked = !!params[k];
  updateFractions();
}

function updateFractions() {
  for (const k of ['kappa', 'bonds_penalty', 'alpha_low', 'alpha_high']) {
    const v = Number($(`w-${k}`).value);
    $(`f-${k}`).textContent = Number.isFinite(v) ? `= ${(v / U16).toFixed(4)}` : '';
  }
  // The chain's fixed EMA alpha, exactly as the epoch converts it (Yuma 3 wraps an enormous value).
  const raw = $('w-bonds_moving_average').value.trim();
  let text = '';
  if (yuma && isU64(raw)) {
    const y3 = $('w-yuma3_enabled').checked;
    const alpha = Number(BigInt(yuma.ema_alpha_bits(BigInt(raw), y3))) / ONE_BITS;
    text = `α ${alpha.toFixed(3)}` + (y3 && $('w-liquid_alpha_enabled').checked ? ' unless liquid' : '');
  }
  $('f-bonds_moving_average').textContent = text;
}

function analyze(text, overrides) {
  const t0 = performance.now();
  const a = yuma.analyze(text, overrides);
  const t1 = performance.now();
  let res;
  try {
    res = parseExact(a.report); // u64 values stay exact
    res.traces = JSON.parse(a.traces); // I32F32 bits: all fit in an f64
  } finally {
    a.free();
  }
  res.call_ms = t1 - t0;
  res.decode_ms = performance.now() - t1;
  return res;
}

// A scenario has top-level `initial` and `epochs` keys, which no other document has (a quote
// preceded by a backslash is inside a string).
const isScenario = (text) => /(^|[^\\])"initial"\s*:/.test(text) && /(^|[^\\])"epochs"\s*:/.test(text);

// A document that cannot be run: its error, and no results of an earlier document left on
// screen under the new name.
function refuseDocument(label, why) {
  showError(`Could not run ${label}:\n${why}`);
  $('results').hidden = true;
  $('scenario').hidden = true;
}

function loadDocument(text, label) {
  showError('');
  if (!yuma) {
    showError('The WASM module is not loaded yet (or failed to load; see above).');
    return;
  }
  if (isScenario(text)) {
    loadScenario(text, label);
    return;
  }
  let res;
  try {
    res = analyze(text, '');
  } catch (e) {
    refuseDocument(label, e && e.message ? e.message : e);
    return;
  }
  $('scenario').hidden = true;
  state.overrides = '';
  state.text = text;
  state.label = label;
  state.base = res;
  state.cur = res;
  state.view = res.kind === 'epoch' ? 'epoch' : 'agg';
  state.selected = null;
  state.limit = ROW_LIMIT;
  state.sortKey = 'uid';
  state.sortDir = 1;
  fillWhatIf(res.params);
  setupViews(res);
  renderAll();
}

function runWhatIf() {
  if (!state.text) return;
  showError('');
  let res;
  let overrides;
  try {
    overrides = readOverrides();
    res = analyze(state.text, overrides);
  } catch (e) {
    showError(`What-if run failed:\n${e && e.message ? e.message : e}`);
    return;
  }
  state.overrides = res.whatif ? overrides : '';
  state.cur = res.whatif ? res : state.base;
  if (res.whatif) state.cur.call_ms = res.call_ms;
  renderAll();
}

// ---------------------------------------------------------------- rendering

function setupViews(res) {
  const sel = $('view-select');
  sel.innerHTML = '';
  if (res.kind === 'mechanisms') {
    sel.add(new Option('aggregated', 'agg'));
    res.output.per_mechanism.forEach((_, k) => sel.add(new Option(`mechanism ${k}`, String(k))));
    $('view-label').hidden = false;
  } else {
    $('view-label').hidden = true;
  }
}

function renderAll() {
  const t0 = performance.now();
  const res = state.cur;
  const { flags, other, uids } = indexFlags(res);
  state.flags = flags;
  const ch = indexChanges(state.base, res);
  state.changed = ch.changed;
  $('results').hidden = false;
  renderSummary(res, other, uids, ch.uids);
  renderTable();
  renderIdChart();
  renderMinerChart();
  renderExplain();
  const renderMs = performance.now() - t0;
  $('timing').textContent =
    `Epoch computed in ${ms(res.compute_ms)} ms in WASM (JSON parse ${ms(res.parse_ms)} ms); ` +
    `the whole call took ${ms(res.call_ms)} ms, decoding ${ms(res.decode_ms)} ms, rendering ${ms(renderMs)} ms.`;
}

// An epoch that pays out more than its emission: the input overflows the chain's arithmetic
// (a total stake at or above 2^63 wraps its I64F64 stake sum) and the chain would pay this too.
function renderOverpaid(res) {
  const paid = (o) => sumU64(o.server_emission) + sumU64(o.validator_emission);
  const over = [];
  if (res.kind === 'epoch') {
    const rao = BigInt((res.params || {}).rao_emission ?? 0);
    if (paid(res.output) > rao) over.push(`the epoch pays ${group(paid(res.output))} rao, more than its rao_emission of ${group(rao)}`);
  } else {
    res.output.per_mechanism.forEach((o, k) => {
      const rao = BigInt(res.output.split[k]);
      if (paid(o) > rao) over.push(`mechanism ${k} pays ${group(paid(o))} rao, more than its share of ${group(rao)}`);
    });
  }
  const el = $('overpaid');
  el.hidden = over.length === 0;
  el.textContent = over.length
    ? `Note: ${over.join('; ')}. The input overflows the chain's arithmetic (a total stake at or above 2^63 wraps its I64F64 stake sum); the chain would pay exactly this.`
    : '';
}

function renderSummary(res, other, badUids, changedUids) {
  const title = res.name || state.label;
  $('doc-title').textContent = title;
  const p = res.params || {};
  const bits = [
    res.kind === 'mechanisms' ? `${res.mechanisms} mechanisms` : 'epoch',
    res.category ? `category ${res.category}` : null,
    `n = ${res.n}`,
    p.yuma3_enabled ? 'Yuma 3' : 'Yuma 2',
    p.liquid_alpha_enabled ? 'liquid alpha' : null,
    `kappa ${p.kappa}`,
    `bonds_penalty ${p.bonds_penalty}`,
    `source: ${state.label}`,
  ].filter(Boolean);
  $('doc-meta').textContent = bits.join(' · ');

  const s = $('summary');
  s.className = 'summary';
  if (res.compared) {
    const good = res.n - badUids.size;
    const nm = res.mismatches.length;
    s.textContent =
      `${good} / ${res.n} uids match bit-exactly` +
      (nm ? ` — ${nm} differing value${nm === 1 ? '' : 's'}` + (other.length ? `, ${other.length} not per uid` : '') : '');
    s.classList.add(nm ? 'bad' : 'ok');
    if (!nm) s.textContent = `✓ ${s.textContent}`;
    else s.textContent = `✗ ${s.textContent}`;
  } else if (res.whatif) {
    s.textContent = `What-if run: ${changedUids.size} / ${res.n} uids changed from the file's values (outlined). Comparison with expected is off.`;
    s.classList.add('info');
  } else {
    s.textContent = `Computed ${res.n} uids. The document carries no expected values, so there is nothing to compare.`;
    s.classList.add('info');
  }
  renderOverpaid(res);
  const box = $('other-box');
  const list = $('other-mismatches');
  list.innerHTML = '';
  const shown = res.compared ? res.mismatches : [];
  box.hidden = shown.length === 0;
  if (shown.length) {
    $('other-summary').textContent =
      shown.length === 1 ? 'The difference (computed vs expected)' : `All ${shown.length} differences (computed vs expected)`;
    for (const mm of shown.slice(0, 500)) {
      const li = document.createElement('li');
      li.textContent = `${mm.field}${mm.uid === null ? '' : ` uid ${mm.uid}`}: got ${mm.got}, expected ${mm.expected}`;
      list.appendChild(li);
    }
  }
}

function matchesFilter(o, i, q, flagged) {
  if (!q) return true;
  for (const tok of q.toLowerCase().split(/\s+/).filter(Boolean)) {
    let ok;
    let m;
    if (/^\d+$/.test(tok)) ok = i === Number(tok);
    else if ((m = /^(\d+)-(\d+)$/.exec(tok))) ok = i >= Number(m[1]) && i <= Number(m[2]);
    else if (tok === 'active') ok = !!o.active[i];
    else if (tok === 'inactive') ok = !o.active[i];
    else if (tok === 'permit' || tok === 'permitted') ok = !!o.new_validator_permit[i];
    else if (tok === 'miner' || tok === 'miners') ok = num(o.incentive[i]) > 0;
    else if (tok === 'validator' || tok === 'validators') ok = num(o.dividends[i]) > 0 || !!o.new_validator_permit[i];
    else if (tok === 'flagged' || tok === 'mismatch' || tok === 'changed') ok = flagged;
    else {
      ok = COLS.some((c) => cellText(c, cellValue(o, c, i)).replace(/\u2009/g, '').toLowerCase().includes(tok));
    }
    if (!ok) return false;
  }
  return true;
}

// A differing sparse row (`[[uid, value], …]` on both sides): the entries that differ, not the
// two whole rows.
function rowDiff(x) {
  let got;
  let exp;
  try {
    got = new Map(JSON.parse(x.got).map(([j, v]) => [j, v]));
    exp = new Map(JSON.parse(x.expected).map(([j, v]) => [j, v]));
  } catch {
    return `${x.field}: expected ${x.expected}, computed ${x.got}`;
  }
  const uids = [...new Set([...got.keys(), ...exp.keys()])].sort((a, b) => a - b);
  const diffs = uids
    .filter((j) => got.get(j) !== exp.get(j))
    .map((j) => `uid ${j}: computed ${got.has(j) ? got.get(j) : '(none)'}, expected ${exp.has(j) ? exp.get(j) : '(none)'}`);
  const head = `${x.field}: ${diffs.length} of ${uids.length} entries differ`;
  const shown = diffs.slice(0, 8);
  if (diffs.length > shown.length) shown.push(`… and ${diffs.length - shown.length} more`);
  return [head, ...shown].join('\n');
}

function renderTable() {
  const res = state.cur;
  const o = outputOf(res, state.view);
  const head = $('results-table').tHead.rows[0];
  head.innerHTML = '';
  for (const col of COLS) {
    const th = document.createElement('th');
    th.textContent = col.label;
    th.dataset.key = col.key;
    th.scope = 'col';
    th.tabIndex = 0; // sortable from the keyboard (Enter or Space)
    if (col.tip) th.title = col.tip;
    if (state.sortKey === col.key) th.setAttribute('aria-sort', state.sortDir > 0 ? 'ascending' : 'descending');
    head.appendChild(th);
  }
  const n = res.n;
  const q = $('filter').value.trim();
  const onlyFlagged = $('only-flagged').checked;
  const view = state.view;
  const rows = [];
  for (let i = 0; i < n; i++) {
    const flagged = state.flags.has(`${view}|${i}`) || COLS.some((c) => state.changed.has(`${view}|${i}|${c.key}`));
    if (onlyFlagged && !flagged) continue;
    if (!matchesFilter(o, i, q, flagged)) continue;
    rows.push(i);
  }
  const col = COLS.find((c) => c.key === state.sortKey) || COLS[0];
  const dir = state.sortDir;
  rows.sort((a, b) => {
    const va = cellValue(o, col, a);
    const vb = cellValue(o, col, b);
    const x = typeof va === 'boolean' ? Number(va) : va;
    const y = typeof vb === 'boolean' ? Number(vb) : vb;
    if (x < y) return -dir;
    if (x > y) return dir;
    return a - b;
  });
  // Large subnets: render the first ROW_LIMIT rows (of the sorted, filtered list) unless asked.
  const shown = rows.slice(0, state.limit);
  const html = [];
  for (const i of shown) {
    const f = state.flags.get(`${view}|${i}`) || [];
    html.push(`<tr tabindex="0" data-uid="${i}"${i === state.selected ? ' class="selected"' : ''}>`);
    for (const c of COLS) {
      const v = cellValue(o, c, i);
      const cls = [];
      const tips = [];
      if (c.kind === 'bool') cls.push('bool');
      if (c.kind === 'u16' && v !== null && v !== undefined) tips.push(`${frac(v)} of 65535`);
      if ((c.kind === 'u16' || c.kind === 'u64' || c.kind === 'rows') && num(v) === 0) cls.push('zero');
      const here = f.filter((x) => x.col === c.key);
      let claimed = '';
      if (here.length) {
        cls.push('mismatch');
        for (const x of here) {
          tips.push(c.kind === 'rows' ? rowDiff(x) : `${x.field}: expected ${x.expected}, computed ${x.got}`);
        }
        // Scalars: show the claimed value next to the computed one.
        const own = here.find((x) => x.field.endsWith(c.field || '\u0000'));
        if (own && c.kind !== 'rows' && c.kind !== 'uid') {
          const ev = own.expected === 'true' ? true : own.expected === 'false' ? false : own.expected;
          claimed = ` <span class="claimed">≠ ${esc(cellText(c, ev))}</span>`;
        }
      }
      const was = state.changed.get(`${view}|${i}|${c.key}`);
      if (was !== undefined) {
        cls.push('changed');
        tips.push(`file's run: ${was}`);
      }
      html.push(
        `<td${cls.length ? ` class="${cls.join(' ')}"` : ''}${tips.length ? ` title="${esc(tips.join('\n'))}"` : ''}>` +
          `${esc(cellText(c, v))}${claimed}</td>`,
      );
    }
    html.push('</tr>');
  }
  if (shown.length < rows.length) {
    html.push(
      `<tr class="more"><td colspan="${COLS.length}">Showing ${shown.length} of ${rows.length} rows (sort or filter to pick them) — ` +
        (rows.length <= ALL_LIMIT
          ? `<button type="button" id="show-all">show all ${rows.length}</button>`
          : `<button type="button" id="show-more">show ${Math.min(MORE_STEP, rows.length - shown.length)} more</button>` +
            ` (all ${rows.length} at once would freeze the page for seconds)`) +
        `</td></tr>`,
    );
  }
  $('results-table').tBodies[0].innerHTML = html.join('');
  $('row-count').textContent = `${rows.length} of ${n} rows`;
}

// ---------------------------------------------------------------- charts (hand-written SVG)

const SVG_NS = 'http://www.w3.org/2000/svg';

// A chart with nothing to draw: its message centred in the frame.
function showEmpty(box, svg, W, H, text) {
  svg.appendChild(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, text));
  box.appendChild(svg);
}

function svgEl(tag, attrs, text) {
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

function niceMax(x) {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

// Incentive bars above the axis, dividends below, one slot per uid.
function renderIdChart() {
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
function renderMinerChart() {
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
  $('miner-title').textContent =
    `Weights on uid ${j}: each validator vs consensus` + (res.kind === 'mechanisms' ? ` (mechanism ${mech})` : '');
  if (!trace) {
    meta.textContent = 'This mechanism could not be computed.';
    return;
  }
  const find = (row) => {
    for (const [c, v] of row) if (c === j) return num(v) / ONE_BITS;
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
  const cons = num(trace.consensus[j]) / ONE_BITS;
  const weighting = vals.filter((v) => v.w > 0).length;
  meta.textContent =
    `consensus ${cons.toFixed(6)} (u16 ${o.consensus[j]}) · incentive ${o.incentive[j]} · ` +
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
  svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(cons), y2: y(cons), class: 'cons' }));
  svg.appendChild(svgEl('text', { x: W - R - 4, y: y(cons) - 4, 'text-anchor': 'end' }, `consensus ${cons.toFixed(4)}`));
  svg.appendChild(svgEl('text', { x: L, y: H - 4 }, 'validators (uid), by stake, largest first'));
  box.appendChild(svg);
}

function selectUid(uid) {
  state.selected = uid;
  for (const tr of $('results-table').tBodies[0].rows) tr.classList.toggle('selected', Number(tr.dataset.uid) === uid);
  renderIdChart();
  renderMinerChart();
  renderExplain();
}

// `yuma explain` for the selected uid, of the run shown (what-if values included); mechanisms
// documents are explained one mechanism at a time.
function renderExplain() {
  const card = $('explain-card');
  const res = state.cur;
  const j = state.selected;
  if (!res || j === null || j >= res.n) {
    card.hidden = true;
    return;
  }
  card.hidden = false;
  const mech = res.kind === 'mechanisms' ? state.view : null;
  const bits = [];
  if (state.overrides) bits.push('with the what-if values');
  if (res.kind === 'mechanisms' && mech !== 'agg') bits.push(`mechanism ${mech}, with its share of the emission`);
  $('explain-title').textContent = `Explain uid ${j}` + (bits.length ? ` (${bits.join('; ')})` : '');
  const text = $('explain-text');
  const meta = $('explain-meta');
  if (mech === 'agg') {
    meta.textContent = 'Each mechanism runs its own epoch: pick a mechanism under "View" to explain uid ' + j + ' in it.';
    text.textContent = '';
    text.hidden = true;
    return;
  }
  text.hidden = false;
  const t0 = performance.now();
  try {
    text.textContent = yuma.explain_with(state.text, state.overrides, j, mech === null ? undefined : mech);
    meta.textContent = `As \`yuma explain --uid ${j}\` prints it (${ms(performance.now() - t0)} ms).`;
  } catch (e) {
    text.textContent = '';
    meta.textContent = `Cannot explain uid ${j}: ${e && e.message ? e.message : e}`;
  }
}

// ---------------------------------------------------------------- wiring

// Every load (a picked or dropped file, an example, pasted or dropped text) takes a ticket; an
// asynchronous load whose ticket is no longer the newest when its bytes arrive is dropped, so the
// document shown is always the one asked for last (not the one whose read finished last).
let loadTicket = 0;
const newLoad = () => {
  const t = ++loadTicket;
  return () => t === loadTicket;
};

// Reads a dropped or picked file with the CLI's rules: UTF-8 only (no silent replacement
// characters), and no byte-order mark.
async function readFile(file) {
  const stillWanted = newLoad();
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!stillWanted()) return;
  const refuse = (why) => refuseDocument(file.name, why);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    refuse('document: starts with a UTF-8 byte-order mark (U+FEFF) at line 1 column 1; save the file without it');
    return;
  }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    refuse('input is not UTF-8');
    return;
  }
  loadDocument(text, file.name);
}

function wire() {
  const loadExample = async (name) => {
    const stillWanted = newLoad();
    let text;
    try {
      const r = await fetch(`examples/${name}`);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      text = await r.text();
    } catch (e) {
      if (stillWanted()) showError(`Could not fetch the example ${name}: ${e.message}`);
      return;
    }
    if (stillWanted()) loadDocument(text, name);
  };
  $('load-example').addEventListener('click', () => loadExample($('example-select').value));
  $('load-scenario').addEventListener('click', () => loadExample($('scenario-select').value));
  wireScenario();
  $('file-input').addEventListener('change', (e) => {
    const f = e.target.files && e.target.files[0];
    if (f) readFile(f);
    e.target.value = '';
  });
  $('run-paste').addEventListener('click', () => {
    newLoad();
    loadDocument($('paste').value, 'pasted JSON');
  });
  const dz = $('dropzone');
  for (const ev of ['dragenter', 'dragover']) {
    document.addEventListener(ev, (e) => {
      e.preventDefault();
      dz.classList.add('over');
    });
  }
  for (const ev of ['dragleave', 'drop']) document.addEventListener(ev, () => dz.classList.remove('over'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) readFile(f);
    else if (e.dataTransfer) {
      const t = e.dataTransfer.getData('text/plain');
      if (t) {
        newLoad();
        loadDocument(t, 'dropped text');
      }
    }
  });
  $('results-table').tHead.addEventListener('click', (e) => {
    const th = e.target.closest('th');
    if (!th) return;
    const key = th.dataset.key;
    if (state.sortKey === key) state.sortDir = -state.sortDir;
    else {
      state.sortKey = key;
      state.sortDir = key === 'uid' ? 1 : -1; // numbers: largest first
    }
    renderTable();
  });
  $('results-table').tBodies[0].addEventListener('click', (e) => {
    if (e.target.id === 'show-all') {
      state.limit = Infinity;
      renderTable();
      return;
    }
    if (e.target.id === 'show-more') {
      state.limit = Math.min(state.limit, $('results-table').tBodies[0].rows.length) + MORE_STEP;
      renderTable();
      return;
    }
    const tr = e.target.closest('tr');
    if (tr && tr.dataset.uid !== undefined) selectUid(Number(tr.dataset.uid));
  });
  // Keyboard: Enter or Space on a focused header sorts, on a focused row picks its uid.
  for (const part of [$('results-table').tHead, $('results-table').tBodies[0]]) {
    part.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      const target = e.target.closest('th, tr[data-uid]');
      if (!target || e.target.tagName === 'BUTTON') return;
      e.preventDefault();
      const key = target.dataset.key;
      target.click();
      // A sort rebuilds the header: keep the focus on the sorted column.
      if (key !== undefined) {
        const th = $('results-table').tHead.querySelector(`th[data-key="${key}"]`);
        if (th) th.focus();
      }
    });
  }
  $('filter').addEventListener('input', () => renderTable());
  $('only-flagged').addEventListener('change', () => renderTable());
  $('view-select').addEventListener('change', (e) => {
    state.view = e.target.value === 'agg' ? 'agg' : Number(e.target.value);
    renderTable();
    renderIdChart();
    renderMinerChart();
    renderExplain();
  });
  $('whatif-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runWhatIf();
  });
  $('whatif-form').addEventListener('input', updateFractions);
  $('whatif-reset').addEventListener('click', () => {
    if (!state.base) return;
    fillWhatIf(state.base.params);
    state.cur = state.base;
    state.overrides = '';
    showError('');
    renderAll();
  });
}

// ---------------------------------------------------------------- scenarios (multi-epoch)

const sc = {
  text: null,
  label: '',
  res: null, // simulate() result: {epochs, csv, n, blocks, patched, params, parse_ms, compute_ms}
  uids: 0, // the largest n of any epoch
  uid: 0, // explained uid
  epoch: 0, // explained epoch
};

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#7f7f7f'];
const uidColor = (j) => (j < PALETTE.length ? PALETTE[j] : `hsl(${(j * 137.508) % 360}, 55%, 42%)`);
const LEGEND_LIMIT = 40;

const sumU64 = (arr) => (arr || []).reduce((a, v) => a + BigInt(v), 0n);
function topOf(arr) {
  let best = -1;
  for (let i = 0; i < arr.length; i++) if (best < 0 || num(arr[i]) > num(arr[best])) best = i;
  return best < 0 ? '—' : `${arr[best]} (${best})`;
}

function loadScenario(text, label) {
  let res;
  const t0 = performance.now();
  try {
    res = parseExact(yuma.simulate(text)); // u64 values stay exact
  } catch (e) {
    refuseDocument(label, e && e.message ? e.message : e);
    return;
  }
  res.call_ms = performance.now() - t0;
  sc.text = text;
  sc.label = label;
  sc.res = res;
  sc.uids = Math.max(0, ...res.n);
  sc.epoch = Math.max(0, res.epochs.length - 1);
  // Start with the uid that earned the most dividends in the last epoch (uid 0 if none did).
  const last = res.epochs[sc.epoch];
  sc.uid = last && last.dividends.length ? last.dividends.reduce((b, v, i, a) => (num(v) > num(a[b]) ? i : b), 0) : 0;
  $('results').hidden = true;
  $('scenario').hidden = false;
  renderScenario();
}

function renderScenario() {
  const t0 = performance.now();
  const res = sc.res;
  const E = res.epochs.length;
  const p = res.params || {};
  $('sc-title').textContent = `Scenario: ${sc.label}`;
  const ns = [...new Set(res.n)];
  $('sc-meta').textContent = [
    `${E} epoch${E === 1 ? '' : 's'}`,
    `n = ${ns.join(' → ')}`,
    p.yuma3_enabled ? 'Yuma 3' : 'Yuma 2',
    p.liquid_alpha_enabled ? 'liquid alpha' : null,
    `kappa ${p.kappa}`,
    `bonds_moving_average ${p.bonds_moving_average}`,
    `blocks ${res.blocks[0] ?? '—'}–${res.blocks[E - 1] ?? '—'}`,
    'initial values; patches may change them',
  ]
    .filter(Boolean)
    .join(' · ');
  const last = res.epochs[E - 1];
  const best = (arr) => arr.reduce((b, v, i) => (b < 0 || num(v) > num(arr[b]) ? i : b), -1);
  const said = (arr, what) => {
    const j = best(arr);
    return j < 0 ? `no ${what}` : `uid ${j} the top ${what} (${arr[j]} = ${frac(arr[j])})`;
  };
  $('sc-summary').textContent = last
    ? `After epoch ${E - 1}: ${said(last.incentive, 'incentive')}, ${said(last.dividends, 'dividends')}.`
    : 'The scenario has no epochs.';
  fillScenarioSelects();
  renderScenarioLegend();
  renderScenarioCharts();
  renderEpochTable();
  renderScenarioExplain();
  $('sc-timing').textContent =
    `${E} epochs computed in ${ms(res.compute_ms)} ms in WASM (JSON parse ${ms(res.parse_ms)} ms); ` +
    `the whole call took ${ms(res.call_ms)} ms, rendering ${ms(performance.now() - t0)} ms.`;
}

function fillScenarioSelects() {
  const u = $('sc-uid');
  u.innerHTML = '';
  for (let j = 0; j < sc.uids; j++) u.add(new Option(String(j), String(j)));
  const e = $('sc-epoch');
  e.innerHTML = '';
  sc.res.epochs.forEach((_, k) => e.add(new Option(`${k} (block ${sc.res.blocks[k]})`, String(k))));
}

// Uids whose series is not zero throughout come first (largest peak first) when there are many.
function legendUids() {
  const all = [...Array(sc.uids).keys()];
  if (sc.uids <= LEGEND_LIMIT) return { shown: all, hidden: 0 };
  const peak = (j) => Math.max(0, ...sc.res.epochs.map((o) => Math.max(num(o.dividends[j] ?? 0), num(o.incentive[j] ?? 0))));
  const ranked = all.map((j) => [j, peak(j)]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const shown = ranked.slice(0, LEGEND_LIMIT).map((x) => x[0]);
  if (!shown.includes(sc.uid)) shown[shown.length - 1] = sc.uid;
  return { shown: shown.sort((a, b) => a - b), hidden: sc.uids - shown.length };
}

function renderScenarioLegend() {
  const box = $('sc-legend');
  const { shown, hidden } = legendUids();
  box.innerHTML =
    shown
      .map(
        (j) =>
          `<button type="button" class="lg${j === sc.uid ? ' on' : ''}" data-uid="${j}" title="pick uid ${j}">` +
          `<span class="sw" style="background:${uidColor(j)}"></span>uid ${j}</button>`,
      )
      .join('') + (hidden ? `<span class="meta">and ${hidden} more uids (smaller values; pick them under Explain)</span>` : '');
}

function renderScenarioCharts() {
  for (const field of ['dividends', 'incentive']) {
    lineChart($(`sc-chart-${field}`), field);
    const zero = [];
    for (let j = 0; j < sc.uids; j++) if (sc.res.epochs.every((o) => !num(o[field][j] ?? 0))) zero.push(j);
    $(`sc-zero-${field}`).textContent = zero.length
      ? `0 in every epoch: ${zero.length > 20 ? `${zero.length} uids` : `uid ${zero.join(', ')}`} (lines on the axis).`
      : '';
  }
}

// One polyline per uid (`field` over epochs, as a fraction of 65535), the picked uid on top.
function lineChart(box, field) {
  box.innerHTML = '';
  const res = sc.res;
  const E = res.epochs.length;
  const W = 600;
  const H = 280;
  const L = 48;
  const R = 12;
  const T = 12;
  const B = 34;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${field} per uid over epochs`, 'data-field': field });
  if (E === 0 || sc.uids === 0) {
    showEmpty(box, svg, W, H, 'nothing to chart');
    return;
  }
  let peak = 0;
  for (const o of res.epochs) for (const v of o[field]) peak = Math.max(peak, num(v) / U16);
  const max = Math.min(niceMax(peak * 1.02), 1) || 1;
  const pw = W - L - R;
  const ph = H - T - B;
  const x = (k) => L + (E === 1 ? pw / 2 : (k / (E - 1)) * pw);
  const y = (v) => T + ph - (v / max) * ph;
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(g * max), y2: y(g * max), class: g ? 'grid-line' : 'axis' }));
    svg.appendChild(svgEl('text', { x: L - 4, y: y(g * max) + 4, 'text-anchor': 'end' }, `${+(g * max).toPrecision(3)}`));
  }
  const every = Math.ceil(E / 16);
  for (let k = 0; k < E; k++) {
    if (k % every && k !== E - 1) continue;
    svg.appendChild(svgEl('text', { x: x(k), y: H - B + 14, 'text-anchor': 'middle' }, `${k}`));
  }
  svg.appendChild(svgEl('text', { x: L + pw / 2, y: H - 4, 'text-anchor': 'middle' }, 'epoch'));
  svg.appendChild(svgEl('line', { x1: x(sc.epoch), x2: x(sc.epoch), y1: T, y2: T + ph, class: 'epoch-mark' }));
  // The picked uid is drawn last (on top); with points when the chart is small enough.
  const order = [...Array(sc.uids).keys()].filter((j) => j !== sc.uid);
  if (sc.uid < sc.uids) order.push(sc.uid);
  const points = sc.uids * E <= 2000;
  const dots = svgEl('g', {});
  for (const j of order) {
    const pts = [];
    for (let k = 0; k < E; k++) {
      const v = res.epochs[k][field][j];
      if (v === undefined) continue; // the uid does not exist in that epoch
      pts.push(`${x(k).toFixed(1)},${y(num(v) / U16).toFixed(1)}`);
      if (points) {
        dots.appendChild(
          svgEl(
            'circle',
            { cx: x(k).toFixed(1), cy: y(num(v) / U16).toFixed(1), r: j === sc.uid ? 3.5 : 2.5, fill: uidColor(j), 'data-uid': j, 'data-epoch': k, class: 'pt' },
            `uid ${j}, epoch ${k}: ${field} ${v} (${frac(v)})`,
          ),
        );
      }
    }
    svg.appendChild(
      svgEl(
        'polyline',
        { points: pts.join(' '), stroke: uidColor(j), 'data-uid': j, class: `series${j === sc.uid ? ' on' : ''}` },
        `uid ${j}`,
      ),
    );
  }
  svg.appendChild(dots);
  svg.addEventListener('click', (e) => {
    const t = e.target;
    const uid = t.getAttribute && t.getAttribute('data-uid');
    const ep = t.getAttribute && t.getAttribute('data-epoch');
    if (ep !== null && ep !== undefined) sc.epoch = Number(ep);
    else {
      // Nearest epoch to the click.
      const pt = svg.createSVGPoint();
      pt.x = e.clientX;
      pt.y = e.clientY;
      const m = svg.getScreenCTM();
      if (m) {
        const sx = pt.matrixTransform(m.inverse()).x;
        sc.epoch = Math.max(0, Math.min(E - 1, Math.round(E === 1 ? 0 : ((sx - L) / pw) * (E - 1))));
      }
    }
    if (uid !== null && uid !== undefined) sc.uid = Number(uid);
    pickScenario();
  });
  box.appendChild(svg);
}

function renderEpochTable() {
  const res = sc.res;
  const html = res.epochs.map((o, k) => {
    const patched = res.patched[k].length ? res.patched[k].join(', ') : '—';
    return (
      `<tr data-epoch="${k}"${k === sc.epoch ? ' class="selected"' : ''}>` +
      `<td>${k}</td><td>${group(res.blocks[k])}</td><td class="patch" title="${esc(patched)}">${esc(patched)}</td>` +
      `<td>${group(sumU64(o.server_emission))}</td><td>${group(sumU64(o.validator_emission))}</td>` +
      `<td>${esc(topOf(o.incentive))}</td><td>${esc(topOf(o.dividends))}</td></tr>`
    );
  });
  $('sc-epochs').tBodies[0].innerHTML = html.join('');
}

// The picked epoch's per-uid values, and `yuma explain` of the picked uid at that epoch.
function renderScenarioExplain() {
  const res = sc.res;
  $('sc-uid').value = String(sc.uid);
  $('sc-epoch').value = String(sc.epoch);
  const o = res.epochs[sc.epoch];
  const rows = [];
  if (o) {
    for (let j = 0; j < o.stake.length; j++) {
      const u16 = (v) => `<td title="${frac(v)} of 65535"${num(v) ? '' : ' class="zero"'}>${v}</td>`;
      const u64 = (v) => `<td${num(v) ? '' : ' class="zero"'}>${group(v)}</td>`;
      rows.push(
        `<tr data-uid="${j}"${j === sc.uid ? ' class="selected"' : ''}><td><span class="sw" style="background:${uidColor(j)}"></span>${j}</td>` +
          `${u64(o.stake[j])}<td class="bool">${o.active[j] ? '✓' : '·'}</td><td class="bool">${o.new_validator_permit[j] ? '✓' : '·'}</td>` +
          `${u16(o.incentive[j])}${u16(o.dividends[j])}${u64(o.server_emission[j])}${u64(o.validator_emission[j])}</tr>`,
      );
    }
  }
  $('sc-uids').tBodies[0].innerHTML = rows.join('');
  $('sc-explain-title').textContent = `Explain uid ${sc.uid} at epoch ${sc.epoch}`;
  const pre = $('sc-explain');
  if (!o) {
    pre.textContent = '';
    return;
  }
  try {
    pre.textContent = yuma.explain_epoch(sc.text, sc.epoch, sc.uid);
  } catch (e) {
    pre.textContent = `Cannot explain uid ${sc.uid} at epoch ${sc.epoch}: ${e && e.message ? e.message : e}`;
  }
}

function pickScenario() {
  renderScenarioLegend();
  renderScenarioCharts();
  for (const tr of $('sc-epochs').tBodies[0].rows) tr.classList.toggle('selected', Number(tr.dataset.epoch) === sc.epoch);
  renderScenarioExplain();
}

function downloadCsv() {
  if (!sc.res) return;
  const blob = new Blob([sc.res.csv], { type: 'text/csv' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${sc.label.replace(/\.json$/i, '').replace(/[^\w.-]+/g, '_') || 'scenario'}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function wireScenario() {
  $('sc-csv').addEventListener('click', downloadCsv);
  $('sc-legend').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-uid]');
    if (!b) return;
    sc.uid = Number(b.dataset.uid);
    pickScenario();
  });
  $('sc-epochs').tBodies[0].addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-epoch]');
    if (!tr) return;
    sc.epoch = Number(tr.dataset.epoch);
    pickScenario();
  });
  $('sc-uids').tBodies[0].addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-uid]');
    if (!tr) return;
    sc.uid = Number(tr.dataset.uid);
    pickScenario();
  });
  $('sc-uid').addEventListener('change', (e) => {
    sc.uid = Number(e.target.value);
    pickScenario();
  });
  $('sc-epoch').addEventListener('change', (e) => {
    sc.epoch = Number(e.target.value);
    pickScenario();
  });
}

async function main() {
  wire();
  try {
    const mod = await import('./pkg/yuma_wasm.js');
    await mod.default();
    yuma = mod;
    $('version').innerHTML =
      `<div>yuma ${esc(mod.crate_version())} (WASM)</div>` +
      `<div>reference: opentensor/subtensor @ ${esc(mod.reference_commit())}</div>`;
    $('version').title = mod.version();
    document.body.dataset.ready = '1';
  } catch (e) {
    $('version').textContent = 'WASM not loaded';
    showError(
      `Could not load the WASM module from pkg/: ${e && e.message ? e.message : e}\n` +
        'Build it and serve this folder over HTTP: bash wasm/serve.sh',
    );
  }
}

main();
