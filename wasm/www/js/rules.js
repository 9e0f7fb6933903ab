// Runtime rules: the spec selector ("as the input says" or one of the rule sets this build
// reproduces), the sentences that say which rules ran and why, what fed liquid alpha, and how
// an epoch's kind (Yuma, or Null with its sole validator) is named. Shared by the single-epoch
// page and the scenarios.
import { yuma } from './wasm.js';

// The rule sets the WASM build reproduces: [{spec, name, source, specs}], oldest first.
let known = null;
export function knownRules() {
  if (!known) known = JSON.parse(yuma.known_rules());
  return known;
}

// A source with its 40-hex commits cut to 8 digits (the full text goes in a tooltip).
export const shortSource = (s) => s.replace(/\b([0-9a-f]{8})[0-9a-f]{32}\b/g, '$1…');

// The overrides JSON of analyze / explain_with: hyperparameter `parts` ("\"kappa\": 5", …) and
// the spec to assume ('' for the input's own rules).
export function overridesJson(parts, assume) {
  const all = [...parts];
  if (assume) all.push(`"assume_spec": ${Number(assume)}`);
  return all.length ? `{${all.join(', ')}}` : '';
}

// What the input names: "spec_version 475 → spec 475", "no spec_version → spec 425",
// "spec_version 500: not reproduced".
function ownRules(rt) {
  const own = rt.input_rules;
  if (rt.spec_version === null || rt.spec_version === undefined) return own ? `no spec_version → ${own.name}` : 'no spec_version';
  return own ? `spec_version ${rt.spec_version} → ${own.name}` : `spec_version ${rt.spec_version}: not reproduced`;
}

// Whether the input names a runtime newer than any this build reproduces.
export const isNewer = (rt) => !rt.input_rules && rt.spec_version !== null && rt.spec_version > rt.newest_spec;

// Fills a spec <select>: "as the input says (…)" (value ''), then one option per known rule set
// (value: the spec to assume); selects `value`.
export function fillSpecSelect(sel, rt, value) {
  sel.innerHTML = '';
  sel.add(new Option(`as the input says (${ownRules(rt)})`, ''));
  for (const r of knownRules()) {
    const o = new Option(r.name, String(r.spec));
    o.title = `${r.source} (${r.specs})`;
    sel.add(o);
  }
  sel.value = value;
}

// "Runtime rules: spec 475 (RaoFoundation/subtensor as read at coldint/subtensor@02214123…);
// the input's spec_version 475" — and, when assumed, that they were and what the input names.
export function rulesSentence(rt) {
  const r = rt.rules;
  if (!r) return `Runtime rules: none could be chosen (${rt.error})`;
  const head = `Runtime rules: ${r.name} (${shortSource(r.source)})`;
  const input = rt.spec_version === null || rt.spec_version === undefined ? 'the input has no spec_version' : `the input's spec_version ${rt.spec_version}`;
  if (!rt.assumed) return `${head}; ${input}`;
  if (isNewer(rt)) {
    return `${head}, assumed: ${input} is newer than any runtime this version reproduces (up to spec ${rt.newest_spec})`;
  }
  const own = rt.input_rules;
  if (!own) return `${head}, assumed (spec ${rt.assume_spec} selected); ${input}`;
  const same = own.name === r.name ? ', the same rules' : '';
  return `${head}, assumed (spec ${rt.assume_spec} selected); ${input} names ${own.name}${same}`;
}

// The visible note of an input newer than any reproduced runtime, or '' for any other input.
export function newerNote(rt) {
  if (!isNewer(rt)) return '';
  return (
    `Note: this input's spec_version ${rt.spec_version} is newer than any runtime this version reproduces (up to spec ${rt.newest_spec}). ` +
    (rt.rules
      ? `It is computed under ${rt.rules.name}'s rules, assumed — not a reproduction of runtime ${rt.spec_version}. `
      : '') +
    `Pick "as the input says" under Rules to see the error the library gives without an assumption.`
  );
}

// When a document or scenario cannot be run as it is: the newest known spec if that is
// because it names a runtime newer than any reproduced (the page then assumes those rules and
// says so), else null.
export function newerFallback(text) {
  let rt;
  try {
    rt = JSON.parse(yuma.runtime_of(text));
  } catch {
    return null;
  }
  return isNewer(rt) ? String(rt.newest_spec) : null;
}

// "Null consensus: sole validator uid W", "Yuma", or '' without info.
export function consensusLabel(info) {
  if (!info) return '';
  if (info.consensus !== 'null') return 'Yuma';
  return info.null_winner === null ? 'Null consensus: no validator (n = 0)' : `Null consensus: sole validator uid ${info.null_winner}`;
}

// Which consensus fed liquid alpha and whether it ran (spec ≥ 446, Yuma 3 + liquid alpha), or ''.
export function liquidAlphaSentence(info) {
  const la = info && info.liquid_alpha;
  if (!la) return '';
  const from = la.previous
    ? `the stored previous consensus (previous_consensus, ${la.stored} entr${la.stored === 1 ? 'y' : 'ies'})`
    : "this epoch's consensus";
  const ran = la.applied ? 'liquid alpha ran' : 'the selected consensus is all zero, so the fixed alpha ran';
  return `Liquid alpha (mode ${la.mode}, bonds_penalty ${la.bonds_penalty}) was fed by ${from}: ${ran}.`;
}

// Short form for a table cell: "previous, ran" / "current, fixed alpha" / "—" (the sentence goes
// in its tooltip).
export function liquidAlphaCell(info) {
  const la = info && info.liquid_alpha;
  if (!la) return '—';
  return `${la.previous ? 'previous' : 'current'}, ${la.applied ? 'ran' : 'fixed alpha'}`;
}

// The epoch info of a view: the epoch's, a mechanism's, or for the aggregate the common one
// when every mechanism has the same (else null).
export function infoOfView(res, view) {
  const infos = res.epoch_info || [];
  if (res.kind === 'epoch') return infos[0] || null;
  if (view !== 'agg') return infos[view] || null;
  const labels = new Set(infos.map(consensusLabel));
  return labels.size === 1 ? infos[0] || null : null;
}

// Whether a view shows a Null epoch (the aggregate: when every mechanism is Null).
export function isNullView(res, view) {
  if (res.kind === 'mechanisms' && view === 'agg') return (res.epoch_info || []).length > 0 && res.epoch_info.every((i) => i && i.consensus === 'null');
  const info = infoOfView(res, view);
  return !!info && info.consensus === 'null';
}
