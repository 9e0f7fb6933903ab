// The Explain card: `yuma explain --uid` of the selected uid. (Scenarios: scenarios.js.)
import { $, ms } from './util.js';
import { yuma } from './wasm.js';
import { state } from './state.js';

// `yuma explain` for the selected uid, of the run shown (what-if values included); mechanisms
// documents are explained one mechanism at a time.
export function renderExplain() {
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
  if (res.params_changed) bits.push('with the what-if values');
  if (res.runtime.assumed && res.runtime.rules) bits.push(`under ${res.runtime.rules.name}, assumed`);
  if (res.kind === 'mechanisms' && mech !== 'agg') bits.push(`mechanism ${mech}, with its share of the emission`);
  $('explain-title').textContent = `Explain uid ${j}` + (bits.length ? ` (${bits.join('; ')})` : '');
  const text = $('explain-text');
  const meta = $('explain-meta');
  // `yuma explain` prints the input's notes (a truncated snapshot) on stderr: the mechanism's own.
  const notes = (res.notes || []).filter((t) => (mech === null ? true : mech !== 'agg' && t.startsWith(`mechanism ${mech}: `)));
  const note = $('explain-note');
  note.hidden = notes.length === 0;
  note.textContent = notes.map((t) => `note: ${t}`).join('\n');
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
