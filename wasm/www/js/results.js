// A single-epoch document's run and its rendering: analyze() (the WASM call, decoded exactly),
// renderAll (summary with the rules that ran, table, charts, explanation, timing) and selectUid.
import { $, group, ms, sumU64 } from './util.js';
import { parseExact } from './json.js';
import { yuma } from './wasm.js';
import { state } from './state.js';
import { indexFlags, indexChanges, renderTable } from './table.js';
import { renderIdChart, renderUidCharts } from './charts.js';
import { renderExplain } from './explain.js';
import { consensusLabel, liquidAlphaSentence, newerNote, rulesSentence } from './rules.js';

export function analyze(text, overrides) {
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

// ---------------------------------------------------------------- rendering

export function renderAll() {
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
  renderUidCharts();
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

// The notes `yuma epoch` prints on stderr about the input: `weights` or `bonds` with fewer rows
// than n (a truncated snapshot?), in the CLI's words.
function renderInputNotes(res) {
  const notes = res.notes || [];
  const el = $('input-notes');
  el.hidden = notes.length === 0;
  el.textContent = notes.map((t) => `note: ${t}`).join('\n');
}

// The epoch's kind: "Null consensus: sole validator uid W" (for mechanisms, once if every
// mechanism has the same, else per mechanism), or '' when every epoch is Yuma.
function epochKind(res) {
  const infos = res.epoch_info || [];
  if (!infos.some((i) => i && i.consensus === 'null')) return '';
  const labels = infos.map(consensusLabel);
  if (res.kind === 'epoch' || new Set(labels).size === 1) {
    return labels[0] + (res.kind === 'mechanisms' && infos.length > 1 ? ' (every mechanism)' : '');
  }
  return labels.map((l, k) => `mechanism ${k}: ${l || 'not computed'}`).join('; ');
}

// Which consensus fed liquid alpha and whether it ran, per epoch or mechanism ('' when no epoch
// has liquid alpha under spec ≥ 446).
function liquidAlphaLines(res) {
  const infos = res.epoch_info || [];
  const lines = infos.map((info, k) => {
    const t = liquidAlphaSentence(info);
    return t && res.kind === 'mechanisms' ? `Mechanism ${k}: ${t}` : t;
  });
  return lines.filter(Boolean).join('\n');
}

function renderRules(res) {
  const rt = res.runtime;
  const line = $('rules-line');
  line.textContent = rulesSentence(rt);
  line.title = rt.rules ? `${rt.rules.name}: ${rt.rules.source} (${rt.rules.specs})` : '';
  line.classList.toggle('assumed', rt.assumed);
  $('spec-select').value = state.assume;
  const note = newerNote(rt);
  $('rules-note').hidden = !note;
  $('rules-note').textContent = note;
  const kind = epochKind(res);
  $('epoch-kind').hidden = !kind;
  $('epoch-kind').textContent = kind;
  const la = liquidAlphaLines(res);
  $('la-line').hidden = !la;
  $('la-line').textContent = la;
}

function renderSummary(res, other, badUids, changedUids) {
  const title = res.name || state.label;
  $('doc-title').textContent = title;
  const p = res.params || {};
  const kind = epochKind(res);
  const allNull = kind && !kind.includes(';');
  const bits = [
    res.kind === 'mechanisms' ? `${res.mechanisms} mechanisms` : 'epoch',
    res.category ? `category ${res.category}` : null,
    `n = ${res.n}`,
    ...(allNull
      ? [kind]
      : [p.yuma3_enabled ? 'Yuma 3' : 'Yuma 2', p.liquid_alpha_enabled ? 'liquid alpha' : null, `kappa ${p.kappa}`, `bonds_penalty ${p.bonds_penalty}`]),
    `source: ${state.label}`,
  ].filter(Boolean);
  $('doc-meta').textContent = bits.join(' · ');
  renderRules(res);

  const s = $('summary');
  s.className = 'summary';
  if (res.compared) {
    const good = res.n - badUids.size;
    const nm = res.mismatches.length;
    const rt = res.runtime;
    s.textContent =
      `${good} / ${res.n} uids match bit-exactly` +
      (rt.assumed && rt.rules ? ` under ${rt.rules.name}, assumed` : '') +
      (nm ? ` — ${nm} differing value${nm === 1 ? '' : 's'}` + (other.length ? `, ${other.length} not per uid` : '') : '');
    s.classList.add(nm ? 'bad' : 'ok');
    if (!nm) s.textContent = `✓ ${s.textContent}`;
    else s.textContent = `✗ ${s.textContent}`;
  } else if (res.whatif) {
    const rt = res.runtime;
    const under = res.rules_changed ? ` under ${rt.rules.name} (the input names ${rt.input_rules.name})` : '';
    s.textContent = `What-if run${under}: ${changedUids.size} / ${res.n} uids changed from the file's values (outlined). Comparison with expected is off.`;
    s.classList.add('info');
  } else if (state.snapshot) {
    s.textContent = `Recomputed ${res.n} uids from the chain snapshot: the comparison with the values the chain stored is under "Chain comparison".`;
    s.classList.add('info');
  } else {
    s.textContent = `Computed ${res.n} uids. The document carries no expected values, so there is nothing to compare.`;
    s.classList.add('info');
  }
  renderOverpaid(res);
  renderInputNotes(res);
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

export function selectUid(uid) {
  state.selected = uid;
  for (const tr of $('results-table').tBodies[0].rows) tr.classList.toggle('selected', Number(tr.dataset.uid) === uid);
  renderIdChart();
  renderUidCharts();
  renderExplain();
}
