// Loading a document: a picked or dropped file, pasted or dropped text, the examples, a fetched
// chain snapshot; it is then run as a single epoch (results.js) or, for a scenario, simulated
// (scenarios.js), under the rules its spec_version names (or, newer than any reproduced, the
// newest, assumed). A chain snapshot also gets its comparison with the chain's values (chain.js).
import { $, showError, refuseDocument } from './util.js';
import { yuma } from './wasm.js';
import { state } from './state.js';
import { analyze, renderAll } from './results.js';
import { ROW_LIMIT, setupViews } from './table.js';
import { fillWhatIf } from './whatif.js';
import { loadScenario } from './scenarios.js';
import { fillSpecSelect, newerFallback, overridesJson } from './rules.js';
import { hideSnapshot, showSnapshot } from './chain.js';

// A scenario has top-level `initial` and `epochs` keys, which no other document has (a quote
// preceded by a backslash is inside a string).
const isScenario = (text) => /(^|[^\\])"initial"\s*:/.test(text) && /(^|[^\\])"epochs"\s*:/.test(text);

export function loadDocument(text, label) {
  showError('');
  if (!yuma) {
    showError('The WASM module is not loaded yet (or failed to load; see above).');
    return;
  }
  if (isScenario(text)) {
    hideSnapshot();
    loadScenario(text, label);
    return;
  }
  const snapshot = yuma.is_snapshot(text);
  let res;
  let assume = '';
  try {
    res = analyze(text, '');
  } catch (e) {
    // An input of a runtime newer than any reproduced loads under the newest known rules,
    // assumed — and the page says so (rules.js: newerNote). Any other error refuses it.
    assume = newerFallback(text);
    if (assume === null) {
      refuseDocument(label, e && e.message ? e.message : e);
      return;
    }
    try {
      res = analyze(text, overridesJson([], assume));
    } catch (e2) {
      refuseDocument(label, e2 && e2.message ? e2.message : e2);
      return;
    }
  }
  try {
    if (snapshot) showSnapshot(text);
    else hideSnapshot();
  } catch (e) {
    hideSnapshot();
    refuseDocument(label, e && e.message ? e.message : e);
    return;
  }
  $('scenario').hidden = true;
  state.assume = assume;
  state.defaultAssume = assume;
  state.baseOverrides = overridesJson([], assume);
  state.overrides = state.baseOverrides;
  state.text = text;
  state.label = label;
  state.base = res;
  state.cur = res;
  state.view = res.kind === 'epoch' ? 'epoch' : 'agg';
  state.selected = null;
  state.limit = ROW_LIMIT;
  state.sortKey = 'uid';
  state.sortDir = 1;
  state.snapshot = snapshot;
  fillWhatIf(res.params);
  fillSpecSelect($('spec-select'), res.runtime, assume);
  setupViews(res);
  renderAll();
}

// Every load (a picked or dropped file, an example, pasted or dropped text) takes a ticket; an
// asynchronous load whose ticket is no longer the newest when its bytes arrive is dropped, so the
// document shown is always the one asked for last (not the one whose read finished last).
let loadTicket = 0;
export const newLoad = () => {
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

// The example buttons, the file picker, Run pasted JSON, and drag-and-drop anywhere on the page.
export function wireLoad() {
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
}
