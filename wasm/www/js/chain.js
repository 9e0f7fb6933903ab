// Chain snapshots (the document `yuma fetch` writes, or the page's "Fetch from a node"): the
// comparison of the recomputed epoch with what the chain stored (`verify_snapshot`, as `yuma
// verify SNAPSHOT`) — the verdict, a per-uid table of computed vs stored values with the
// differing cells flagged, the masked uids and why, how the snapshot was obtained (block, hash,
// runtime and rules, rao_emission and how it was recovered, warnings) — and its download.
// A runtime this version does not reproduce is said so, never shown as mismatches; comparing
// it under the newest known rules anyway is a button, labelled assumed.
import { $, esc, group } from './util.js';
import { parseExact } from './json.js';
import { yuma } from './wasm.js';
import { state } from './state.js';
import { knownRules } from './rules.js';

// The subnet-level stored items: [stored field, label, kind, output field].
const SUBNET_FIELDS = [
  ['active', 'active', 'bool', 'active'],
  ['emission', 'emission', 'u64', 'emission'],
  ['consensus', 'consensus', 'u16', 'consensus'],
  ['dividends', 'dividends', 'u16', 'dividends'],
  ['validator_trust', 'validator trust', 'u16', 'validator_trust'],
  ['validator_permit', 'permit', 'bool', 'new_validator_permit'],
  ['stake_weight', 'stake weight', 'u16', 'stake_weight'],
];

// The snapshot's verification under `assume` ('' for the rules its runtime names).
function verifyText(text, assume) {
  return parseExact(yuma.verify_snapshot(text, assume ? Number(assume) : undefined));
}

// Shows the comparison of snapshot `text` (its verification under its own runtime's rules).
export function showSnapshot(text) {
  const report = verifyText(text, '');
  state.chain = { text, report, assume: '', own: report };
  renderChain();
}

export function hideSnapshot() {
  state.chain = null;
  $('chain-card').hidden = true;
  $('chain-table').tBodies[0].innerHTML = '';
}

// The columns of the table: subnet-level items, then per mechanism incentive, bonds and (spec
// ≥ 446) consensus_by_mechanism.
function columns(report) {
  const out = report.output;
  const chain = report.chain;
  const mechs = Math.max(chain.incentive.length, out && out.per_mechanism ? out.per_mechanism.length : 1);
  const multi = mechs > 1;
  const subnetOut = out ? (out.per_mechanism ? out.aggregated : out) : null;
  const mechOut = (k) => (out ? (out.per_mechanism ? out.per_mechanism[k] : k === 0 ? out : null) : null);
  const cols = SUBNET_FIELDS.map(([field, label, kind, of]) => ({
    field,
    label,
    kind,
    got: subnetOut ? subnetOut[of] : null,
    stored: chain[field],
  }));
  for (const [name, kind, label] of [
    ['incentive', 'u16', 'incentive'],
    ['bonds', 'rows', 'bonds'],
    ['consensus_by_mechanism', 'u16', 'consensus by mechanism'],
  ]) {
    for (let k = 0; k < mechs; k++) {
      const o = mechOut(k);
      const stored = chain[name] ? chain[name][k] : undefined;
      if (name === 'consensus_by_mechanism' && (!chain.consensus_by_mechanism || (o && !o.consensus_by_mechanism))) continue;
      const col = {
        field: `${name}[${k}]`,
        label: multi ? `${label} [${k}]` : label,
        kind,
        got: o ? o[name] : null,
        stored: stored || [],
      };
      if (name === 'bonds' && o && o.bonds_persisted === false) {
        col.notCompared = 'Null consensus: the chain writes no bonds, so they are not compared';
      }
      cols.push(col);
    }
  }
  return cols;
}

const text = (kind, v) => {
  if (v === undefined || v === null) return '—';
  if (kind === 'bool') return v ? '✓' : '·';
  if (kind === 'u64') return group(v);
  if (kind === 'rows') return `${v.length} entr${v.length === 1 ? 'y' : 'ies'}`;
  return String(v);
};
const json = (v) => (v === undefined || v === null ? '(none)' : JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x)));

// A differing bond row: the entries that differ.
function rowDiff(field, uid, got, stored) {
  const g = new Map((got || []).map(([j, v]) => [j, v]));
  const s = new Map((stored || []).map(([j, v]) => [j, v]));
  const js = [...new Set([...g.keys(), ...s.keys()])].sort((a, b) => a - b);
  const diffs = js
    .filter((j) => g.get(j) !== s.get(j))
    .map((j) => `uid ${j}: computed ${g.has(j) ? g.get(j) : '(none)'}, stored ${s.has(j) ? s.get(j) : '(none)'}`);
  const shown = diffs.slice(0, 8);
  if (diffs.length > shown.length) shown.push(`… and ${diffs.length - shown.length} more`);
  return [`${field} uid ${uid}: ${diffs.length} of ${js.length} entries differ`, ...shown].join('\n');
}

// The verdict: "✓ N stored values equal …", "✗ M of N stored values differ …", or that the
// runtime is not reproduced (no comparison), or why the epoch could not be recomputed.
function verdict(r, c) {
  const meta = r.meta;
  const under = c.assume ? ` under ${r.rules}, assumed (not a reproduction of runtime ${meta.spec_version})` : r.rules ? ` under ${r.rules}` : '';
  if (r.unsupported_runtime) {
    return { cls: 'info', text: `Runtime ${meta.spec_version} is not reproduced by this version: the stored values are not compared.` };
  }
  if (r.error) return { cls: 'bad', text: `✗ The epoch could not be recomputed: ${r.error}` };
  const masked = r.skipped.length ? `, ${r.skipped.length} masked uid${r.skipped.length === 1 ? '' : 's'} skipped` : '';
  if (r.compared === 0) return { cls: 'info', text: `No stored values to compare (n = ${r.n}${masked}).` };
  if (r.passed) {
    return { cls: 'ok', text: `✓ ${r.compared} stored values equal the recomputed epoch${under} (${r.n} uids${masked}).` };
  }
  const uids = new Set(r.mismatches.map((m) => m.uid)).size;
  return {
    cls: 'bad',
    text: `✗ ${r.mismatches.length} of ${r.compared} stored values differ from the recomputed epoch${under} (at ${uids} of ${r.n} uids${masked}).`,
  };
}

function renderMeta(r) {
  const m = r.meta;
  const rao = m.rao_emission || {};
  const rows = [
    ['subnet', `netuid ${m.netuid}, ${m.mechanisms} mechanism${m.mechanisms === 1 ? '' : 's'}, n = ${r.n}`],
    ['epoch block B', `${m.block} (state read at B − 1, results at B)`],
    ['block hash', m.block_hash, 'hash'],
    ['parent hash', m.parent_hash, 'hash'],
    ['runtime', `spec_version ${m.spec_version} (the runtime that executed block B) → ${m.rules}`],
    [
      'rao_emission',
      `${group(rao.value)} rao` +
        (rao.budgets ? ` (miners ${group(rao.budgets[0])}, validators ${group(rao.budgets[1])}, root ${group(rao.budgets[2])})` : '') +
        (rao.confirmed ? ' — confirmed by the stored Emission' : ' — not confirmed by the stored Emission') +
        (rao.consistent_range ? `; every total from ${group(rao.consistent_range[0])} to ${group(rao.consistent_range[1])} reproduces it` : ''),
    ],
    ['how it was obtained', rao.method || '—'],
    ['read from', `${m.rpc} at ${m.fetched_at}, by ${m.fetched_by}`],
  ];
  if (m.stored_uids) rows.push(['stored positions', `Keys does not hold exactly 0..n: position p holds uid ${json(m.stored_uids)}`]);
  const dl = $('chain-meta');
  dl.innerHTML = rows
    .map(([k, v, cls]) => `<dt>${esc(k)}</dt><dd${cls ? ` class="${cls}"` : ''} data-key="${esc(k)}">${esc(v)}</dd>`)
    .join('');
  const warn = $('chain-warnings');
  warn.innerHTML = m.warnings.length
    ? m.warnings.map((w) => `<li>${esc(w)}</li>`).join('')
    : '<li class="none">none</li>';
  const masked = $('chain-masked');
  masked.innerHTML = r.skipped.length
    ? r.skipped.map((s) => `<li data-uid="${s.uid}">uid ${s.uid}: ${esc(s.reason)}</li>`).join('')
    : '<li class="none">none</li>';
}

function renderTable(r, cols) {
  const flagged = new Map(r.mismatches.map((mm) => [`${mm.field}|${mm.uid}`, mm]));
  const masked = new Map(r.skipped.map((s) => [s.uid, s.reason]));
  const order = r.meta.stored_uids;
  const pos = (uid) => (order ? order.indexOf(uid) : uid);
  $('chain-table').tHead.rows[0].innerHTML =
    '<th scope="col">uid</th>' +
    cols.map((c) => `<th scope="col" data-field="${esc(c.field)}"${c.notCompared ? ` class="na" title="${esc(c.notCompared)}"` : ` title="${esc(c.field)}"`}>${esc(c.label)}</th>`).join('');
  const html = [];
  for (let uid = 0; uid < r.n; uid++) {
    const why = masked.get(uid);
    const p = pos(uid);
    const cells = cols.map((c) => {
      const stored = p < 0 ? undefined : c.stored[p];
      const got = c.got ? c.got[uid] : undefined;
      const mm = flagged.get(`${c.field}|${uid}`);
      if (mm) {
        const tip = c.kind === 'rows' ? rowDiff(c.field, uid, got, stored) : `${c.field} uid ${uid}: computed ${mm.got}, stored ${mm.expected}`;
        return `<td class="mismatch" title="${esc(tip)}">${esc(text(c.kind, got))} <span class="claimed">≠ ${esc(text(c.kind, stored))}</span></td>`;
      }
      const tip = why
        ? `${c.field} uid ${uid}: stored ${json(stored)}; not compared (masked)`
        : c.notCompared || got === undefined
          ? `${c.field} uid ${uid}: stored ${json(stored)}${got === undefined ? '' : `, computed ${json(got)}`}; not compared`
          : `${c.field} uid ${uid}: computed = stored = ${json(stored)}`;
      return `<td${c.kind === 'bool' ? ' class="bool"' : ''} title="${esc(tip)}">${esc(text(c.kind, stored))}</td>`;
    });
    const first = why ? `<td title="${esc(`masked: ${why}`)}">${uid} <span class="tag">masked</span></td>` : `<td>${uid}</td>`;
    html.push(`<tr data-uid="${uid}"${why ? ' class="masked"' : ''}>${first}${cells.join('')}</tr>`);
  }
  $('chain-table').tBodies[0].innerHTML = html.join('');
}

export function renderChain() {
  const c = state.chain;
  if (!c) return;
  const r = c.report;
  $('chain-card').hidden = false;
  const v = verdict(r, c);
  const el = $('chain-verdict');
  el.className = `summary ${v.cls}`;
  el.textContent = v.text;
  // The detail: which rules, and for a runtime not reproduced, the library's own line.
  const own = c.own;
  const detail = [];
  if (own.unsupported_runtime) {
    detail.push(own.error.replace(/; rerun with --assume-spec (\d+) to compute it under the newest known rules$/, '; "Compare under spec $1 anyway" computes it under those rules, assumed.'));
  }
  if (c.assume) detail.push(`Compared under ${r.rules}'s rules, assumed at your request (as yuma verify --assume-spec ${c.assume}).`);
  else if (r.rules) detail.push(`Recomputed under ${r.rules}, the rules of runtime ${r.meta.spec_version}; each cell shows the stored value, and where the recomputed one differs, computed ≠ stored.`);
  $('chain-detail').textContent = detail.join(' ');
  const newest = knownRules().at(-1);
  const btn = $('chain-assume');
  btn.hidden = !own.unsupported_runtime;
  btn.textContent = c.assume ? `Back to runtime ${r.meta.spec_version}'s own rules (not reproduced)` : `Compare under ${newest.name} anyway (assumed)`;
  btn.dataset.spec = c.assume ? '' : String(newest.spec);
  renderMeta(r);
  const cols = columns(r);
  renderTable(r, cols);
  const skipped = cols.filter((col) => col.notCompared).map((col) => col.label);
  $('chain-rows').textContent =
    `${r.n} uids × ${cols.length} stored items` +
    (r.output ? '' : ' (stored values only: nothing was recomputed)') +
    (skipped.length ? `; ${skipped.join(', ')} not compared: under Null consensus the chain writes no bonds` : '');
}

function assumeToggle() {
  const c = state.chain;
  if (!c) return;
  const spec = $('chain-assume').dataset.spec;
  c.assume = spec;
  c.report = spec ? verifyText(c.text, spec) : c.own;
  renderChain();
}

// `subnet-N-block-B.json`, as `yuma fetch -o` would be named.
export function snapshotFilename(r) {
  return `subnet-${r.meta.netuid}-block-${r.meta.block}.json`;
}

function download() {
  const c = state.chain;
  if (!c) return;
  const blob = new Blob([c.text], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = snapshotFilename(c.report);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function wireChain() {
  $('chain-download').addEventListener('click', download);
  $('chain-assume').addEventListener('click', assumeToggle);
}
