// Scenarios (`{initial, epochs}`, as `yuma simulate`): the run under the rules selected (the
// rules per run of epochs), the line charts per uid over the epochs, the per-epoch table, the
// picked uid and epoch explained, the CSV download.
import { $, U16, num, group, esc, u16Short, u16Frac, ms, sumU64, refuseDocument, showError } from './util.js';
import { parseExact } from './json.js';
import { yuma } from './wasm.js';
import { showEmpty, svgEl, niceMax } from './svg.js';
import { consensusLabel, fillSpecSelect, liquidAlphaCell, liquidAlphaSentence, newerFallback, newerNote, rulesSentence, shortSource } from './rules.js';

// ---------------------------------------------------------------- scenarios (multi-epoch)

const sc = {
  text: null,
  label: '',
  res: null, // simulate() result: {epochs, csv, n, blocks, patched, params, parse_ms, compute_ms}
  uids: 0, // the largest n of any epoch
  uid: 0, // explained uid
  epoch: 0, // explained epoch
  assume: '', // the Rules selector: '' (as the scenario says) or the spec assumed for every epoch
};

// simulate() under `assume` ('' for the scenario's own rules), decoded exactly.
function runScenario(text, assume) {
  const t0 = performance.now();
  const res = parseExact(yuma.simulate(text, assume ? Number(assume) : undefined)); // u64 values stay exact
  res.call_ms = performance.now() - t0;
  return res;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#7f7f7f'];
const uidColor = (j) => (j < PALETTE.length ? PALETTE[j] : `hsl(${(j * 137.508) % 360}, 55%, 42%)`);
const LEGEND_LIMIT = 40;

// A cell of the largest value and its uid: `0.4712 (3)`, the raw value in its tooltip.
function topOf(arr) {
  let best = -1;
  for (let i = 0; i < arr.length; i++) if (best < 0 || num(arr[i]) > num(arr[best])) best = i;
  if (best < 0) return '<td>—</td>';
  return `<td title="uid ${best}: ${u16Frac(arr[best])}">${u16Short(arr[best])} (${best})</td>`;
}

export function loadScenario(text, label) {
  let res;
  let assume = '';
  try {
    res = runScenario(text, '');
  } catch (e) {
    // A runtime newer than any reproduced: every epoch under the newest known rules, assumed
    // (and said so); any other error refuses the scenario.
    assume = newerFallback(text);
    if (assume === null) {
      refuseDocument(label, e && e.message ? e.message : e);
      return;
    }
    try {
      res = runScenario(text, assume);
    } catch (e2) {
      refuseDocument(label, e2 && e2.message ? e2.message : e2);
      return;
    }
  }
  sc.text = text;
  sc.label = label;
  sc.assume = assume;
  fillSpecSelect($('sc-spec-select'), res.runtime, assume);
  showScenario(res);
}

// Shows a simulate() result of sc.text: a load, or (`keepPick`) a run under other rules, which
// keeps the picked uid and epoch.
function showScenario(res, keepPick = false) {
  sc.res = res;
  sc.uids = Math.max(0, ...res.n);
  if (!keepPick || sc.epoch >= res.epochs.length || sc.uid >= sc.uids) {
    sc.epoch = Math.max(0, res.epochs.length - 1);
    // Start with the uid that earned the most dividends in the last epoch (uid 0 if none did).
    const last = res.epochs[sc.epoch];
    sc.uid = last && last.dividends.length ? last.dividends.reduce((b, v, i, a) => (num(v) > num(a[b]) ? i : b), 0) : 0;
  }
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
    return j < 0 ? `no ${what}` : `uid ${j} the top ${what} (${u16Frac(arr[j])})`;
  };
  $('sc-summary').textContent = last
    ? `After epoch ${E - 1}: ${said(last.incentive, 'incentive')}, ${said(last.dividends, 'dividends')}.`
    : 'The scenario has no epochs.';
  renderScenarioRules();
  fillScenarioSelects();
  renderScenarioLegend();
  renderScenarioCharts();
  renderEpochTable();
  renderScenarioExplain();
  $('sc-timing').textContent =
    `${E} epochs computed in ${ms(res.compute_ms)} ms in WASM (JSON parse ${ms(res.parse_ms)} ms); ` +
    `the whole call took ${ms(res.call_ms)} ms, rendering ${ms(performance.now() - t0)} ms.`;
}

// The rules per run of epochs ("Runtime rules: spec 425 (…) for epochs 0–3; …"), whether they
// were assumed, and the note of a scenario newer than any reproduced runtime.
function renderScenarioRules() {
  const res = sc.res;
  const rt = res.runtime;
  $('sc-spec-select').value = sc.assume;
  const specsOf = (first, last) => {
    const seen = [...new Set(res.spec_versions.slice(first, last + 1).map((v) => (v === null ? 'none' : String(v))))];
    return seen.map((v) => (v === 'none' ? 'no spec_version' : `spec_version ${v}`)).join(', ');
  };
  const runs = res.rules_runs.map((r) => {
    const span = r.first === r.last ? `epoch ${r.first}` : `epochs ${r.first}–${r.last}`;
    const why = rt.assumed ? `assumed (spec ${rt.assume_spec} selected); the states have ${specsOf(r.first, r.last)}` : specsOf(r.first, r.last);
    return { text: `Runtime rules: ${r.rules.name} (${shortSource(r.rules.source)}) for ${span} — ${why}`, title: `${r.rules.source} (${r.rules.specs})` };
  });
  if (!runs.length) runs.push({ text: rulesSentence(rt), title: '' });
  $('sc-rules').innerHTML = runs.map((r) => `<li title="${esc(r.title)}">${esc(r.text)}</li>`).join('');
  $('sc-rules').classList.toggle('assumed', rt.assumed);
  const note = newerNote(rt);
  $('sc-rules-note').hidden = !note;
  $('sc-rules-note').textContent = note;
}

// The rules each epoch ran under (from the runs).
function rulesOfEpoch(k) {
  const r = sc.res.rules_runs.find((x) => x.first <= k && k <= x.last);
  return r ? r.rules.name : '—';
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
            `uid ${j}, epoch ${k}: ${field} ${u16Frac(v)}`,
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
      `${topOf(o.incentive)}${topOf(o.dividends)}` +
      `<td>${esc(rulesOfEpoch(k))}</td><td>${esc(consensusLabel(res.epoch_info[k]))}</td>` +
      `<td title="${esc(liquidAlphaSentence(res.epoch_info[k]))}">${esc(liquidAlphaCell(res.epoch_info[k]))}</td></tr>`
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
      const u16 = (v) => `<td title="${u16Frac(v)}"${num(v) ? '' : ' class="zero"'}>${u16Short(v)}</td>`;
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
    pre.textContent = yuma.explain_epoch(sc.text, sc.epoch, sc.uid, sc.assume ? Number(sc.assume) : undefined);
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

export function wireScenario() {
  $('sc-csv').addEventListener('click', downloadCsv);
  // The Rules selector: every epoch again under the rules picked; a scenario that cannot run
  // under them shows the library's error and keeps the run shown.
  $('sc-spec-select').addEventListener('change', (e) => {
    const assume = e.target.value;
    showError('');
    let res;
    try {
      res = runScenario(sc.text, assume);
    } catch (err) {
      const label = e.target.selectedOptions[0] ? e.target.selectedOptions[0].text : assume;
      const shown = sc.res.rules_runs.map((r) => r.rules.name).join(', ') || 'the previous rules';
      showError(`Running under the rules "${label}" failed:\n${err && err.message ? err.message : err}\nStill showing the run under ${shown}.`);
      e.target.value = sc.assume;
      return;
    }
    sc.assume = assume;
    showScenario(res, true);
  });
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
