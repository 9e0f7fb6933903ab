// The per-uid results table: its columns, the mismatch (vs `expected`) and what-if change
// indexes that flag its cells, filtering, sorting, row limits, the mechanism View, its events.
import { $, num, group, esc, u16Short, u16Frac } from './util.js';
import { state } from './state.js';
import { selectUid } from './results.js';
import { renderIdChart, renderUidCharts } from './charts.js';
import { renderExplain } from './explain.js';
import { consensusLabel, infoOfView, isNullView } from './rules.js';

// ---------------------------------------------------------------- columns

// `tip`: the column's one-line definition (its header's tooltip).
const COLS = [
  { key: 'uid', label: 'uid', kind: 'uid', tip: "the uid: its position in the subnet's per-uid vectors (click a row to chart and explain it)" },
  { key: 'stake', label: 'stake', field: 'stake', kind: 'u64', tip: 'total stake in rao: alpha stake + tao stake × tao_weight (0 below stake_threshold, the owner excepted)' },
  { key: 'active', label: 'active', field: 'active', kind: 'bool', tip: 'active this epoch: last_update + activity_cutoff ≥ the epoch block, so its weights and stake count' },
  { key: 'permit', label: 'permit', field: 'new_validator_permit', kind: 'bool', tip: 'validator permit after the epoch: among the max_allowed_validators largest stakes' },
  { key: 'consensus', label: 'consensus', field: 'consensus', kind: 'u16', tip: "the stake-weighted kappa quantile of the validators' weights on this uid: weights above it are clipped to it (fraction of 65535)" },
  { key: 'incentive', label: 'incentive', field: 'incentive', kind: 'u16', tip: "its share of the miners' emission: Σ active stake × weight clipped at consensus, over every uid's same sum (fraction of 65535)" },
  { key: 'dividends', label: 'dividends', field: 'dividends', kind: 'u16', tip: "its share of the validators' emission: Σ normalized bond × the miner's incentive (Yuma 3: × active stake), over every validator's (fraction of 65535)" },
  { key: 'validator_trust', label: 'validator trust', field: 'validator_trust', kind: 'u16', tip: 'Σ of its own weights clipped at consensus: how much of the weight it set counted (fraction of 65535)' },
  { key: 'server_emission', label: 'server emission', field: 'server_emission', kind: 'u64', tip: 'rao paid for incentive: incentive / Σ over uids of (incentive + dividends) × rao_emission, floored' },
  { key: 'validator_emission', label: 'validator emission', field: 'validator_emission', kind: 'u64', tip: 'rao paid for dividends: dividends / Σ over uids of (incentive + dividends) × rao_emission, floored' },
  { key: 'bonds', label: 'bonds', field: 'bonds', kind: 'rows', tip: 'entries in its stored bond row after the epoch (Bonds: one per miner it holds a bond on)' },
];
export const ROW_LIMIT = 1000;
// Above this many rows "show all" would stall the page for seconds; it offers batches instead.
const ALL_LIMIT = 10000;
const MORE_STEP = 5000;
const COL_BY_FIELD = new Map(COLS.filter((c) => c.field).map((c) => [c.field, c]));

export function outputOf(res, view) {
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

// What a cell shows: u16 proportions as the CLI's table prints them (`0.4712`), rao grouped.
function cellText(col, v) {
  if (v === null || v === undefined) return '—';
  if (col.kind === 'bool') return v ? '✓' : '·';
  if (col.kind === 'u64') return group(v);
  if (col.kind === 'u16') return u16Short(v);
  return String(v);
}

// A value exactly, for a tooltip: a u16 as `30880 / 65535 = 0.47120`, others as shown.
function exactText(col, v) {
  if (col.kind === 'u16' && v !== null && v !== undefined && /^\d+$/.test(String(v))) return u16Frac(v);
  return cellText(col, v);
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

export function indexFlags(res) {
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

export function indexChanges(base, cur) {
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
          changed.set(`${view}|${i}|${col.key}`, exactText(col, cellValue(a, col, i)));
          uids.add(i);
        }
      }
    }
  }
  return { changed, uids };
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

// Null consensus computes no consensus and no validator trust: their columns are all zero.
const NOT_UNDER_NULL = new Set(['consensus', 'validator_trust']);

// The notes above the table: what `yuma epoch --table` heads a mechanisms document's tables
// with (the aggregate's, or a mechanism's share of the split), and a Null epoch's sole validator
// and what its columns hold.
export const AGGREGATE_NOTE =
  "aggregate (u16 fields weighted by each mechanism's share, emissions and stake summed; incentive is mechanism 0's)";
function renderTableNote(res, view) {
  const note = $('table-note');
  const lines = [];
  if (res.kind === 'mechanisms' && view === 'agg') {
    lines.push(`${AGGREGATE_NOTE}; no bonds: each mechanism keeps its own (pick one under "View").`);
  } else if (res.kind === 'mechanisms') {
    const rao = res.output.split ? res.output.split[view] : undefined;
    lines.push(`mechanism ${view} (${rao === undefined ? '?' : rao} rao of the split)`);
  }
  if (isNullView(res, view)) {
    const info = infoOfView(res, view);
    const who = info ? `${consensusLabel(info)}.` : 'Null consensus in every mechanism (sole validators differ; pick a mechanism under "View").';
    lines.push(
      `${who} Incentive is the sole validator's masked weights, dividends are stake shares; consensus and validator trust ` +
        `are not computed under Null consensus (all zero), and bonds are not written.`,
    );
  }
  note.hidden = lines.length === 0;
  note.textContent = lines.join('\n');
}

export function renderTable() {
  const res = state.cur;
  const o = outputOf(res, state.view);
  const isNull = isNullView(res, state.view);
  renderTableNote(res, state.view);
  const head = $('results-table').tHead.rows[0];
  head.innerHTML = '';
  for (const col of COLS) {
    const th = document.createElement('th');
    th.textContent = col.label;
    th.dataset.key = col.key;
    th.scope = 'col';
    th.tabIndex = 0; // sortable from the keyboard (Enter or Space)
    th.title = col.tip;
    if (isNull && NOT_UNDER_NULL.has(col.key)) {
      th.classList.add('na');
      th.title = `${col.tip}. Null consensus: not computed (all zero)`;
    }
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
      if (c.kind === 'u16' && v !== null && v !== undefined) tips.push(u16Frac(v));
      if ((c.kind === 'u16' || c.kind === 'u64' || c.kind === 'rows') && num(v) === 0) cls.push('zero');
      const here = f.filter((x) => x.col === c.key);
      let claimed = '';
      let shownText = cellText(c, v);
      if (here.length) {
        cls.push('mismatch');
        for (const x of here) {
          tips.push(c.kind === 'rows' ? rowDiff(x) : `${x.field}: expected ${exactText(c, x.expected)}, computed ${exactText(c, x.got)}`);
        }
        // Scalars: show the claimed value next to the computed one (a u16 as raw values: the two
        // may differ below the fourth decimal).
        const own = here.find((x) => x.field.endsWith(c.field || '\u0000'));
        if (own && c.kind !== 'rows' && c.kind !== 'uid') {
          const ev = own.expected === 'true' ? true : own.expected === 'false' ? false : own.expected;
          claimed = ` <span class="claimed">≠ ${esc(c.kind === 'u16' ? String(ev) : cellText(c, ev))}</span>`;
          if (c.kind === 'u16') shownText = String(v);
        }
      }
      const was = state.changed.get(`${view}|${i}|${c.key}`);
      if (was !== undefined) {
        cls.push('changed');
        tips.push(`file's run: ${was}`);
      }
      html.push(
        `<td${cls.length ? ` class="${cls.join(' ')}"` : ''}${tips.length ? ` title="${esc(tips.join('\n'))}"` : ''}>` +
          `${esc(shownText)}${claimed}</td>`,
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

// The View select of a mechanisms document: aggregated, or one mechanism.
export function setupViews(res) {
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

// Sorting (click or Enter/Space on a header), picking a row, "show all / more", the filter,
// "only flagged" and the View.
export function wireTable() {
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
    renderUidCharts();
    renderExplain();
  });
}
