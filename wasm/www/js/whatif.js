// The What if? panel: hyperparameter overrides, their fractions and the EMA alpha, the re-run
// and the reset to the file's values; and the Rules selector, whose spec is assumed in every run.
import { $, U16, ONE_BITS, showError } from './util.js';
import { yuma } from './wasm.js';
import { state } from './state.js';
import { analyze, renderAll } from './results.js';
import { overridesJson } from './rules.js';

// Decimal text of a u64 (what a u64 field such as bonds_moving_average accepts).
const isU64 = (text) => /^\d{1,20}$/.test(text) && BigInt(text) <= 18446744073709551615n;

// The what-if values as overrides parts (`"kappa": 5`, …); throws on a value out of range.
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
  return o;
}

export function fillWhatIf(params) {
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

// Runs the document with the what-if values under the selected rules; on failure shows
// `what` failed with the library's message and returns false (the run shown stays).
function rerun(what) {
  if (!state.text) return false;
  showError('');
  let res;
  let overrides;
  try {
    overrides = overridesJson(readOverrides(), state.assume);
    res = analyze(state.text, overrides);
  } catch (e) {
    showError(`${what} failed:\n${e && e.message ? e.message : e}`);
    return false;
  }
  state.overrides = overrides;
  state.cur = res;
  renderAll();
  return true;
}

// Re-run, the fractions as values are typed, and Reset.
export function wireWhatIf() {
  $('whatif-form').addEventListener('submit', (e) => {
    e.preventDefault();
    rerun('What-if run');
  });
  $('whatif-form').addEventListener('input', updateFractions);
  $('whatif-reset').addEventListener('click', () => {
    if (!state.base) return;
    fillWhatIf(state.base.params);
    state.assume = state.defaultAssume;
    $('spec-select').value = state.assume;
    state.cur = state.base;
    state.overrides = state.baseOverrides;
    showError('');
    renderAll();
  });
  // The Rules selector: re-run under the rules picked (with the what-if values). A run that
  // cannot be computed (an input newer than any reproduced runtime, under its own rules) shows
  // the library's error and keeps the run shown, and the selector goes back to its rules.
  $('spec-select').addEventListener('change', (e) => {
    const before = state.assume;
    state.assume = e.target.value;
    const label = e.target.selectedOptions[0] ? e.target.selectedOptions[0].text : e.target.value;
    if (!rerun(`Running under the rules "${label}"`)) {
      state.assume = before;
      e.target.value = before;
      const shown = state.cur && state.cur.runtime.rules ? state.cur.runtime.rules.name : 'the previous rules';
      $('error').textContent += `\nStill showing the run under ${shown}.`;
    }
  });
}
