// The WASM module (`wasm-bindgen --target web` output in ../pkg/): loaded once at start-up; the
// other modules call it through the live binding `yuma`.
import { $, esc, showError } from './util.js';

export let yuma = null; // the wasm-bindgen module, once loaded

// Loads ../pkg/yuma_wasm.js, shows its version and rule sets; on failure, says how to build and
// serve it.
export async function loadWasm() {
  try {
    const mod = await import('../pkg/yuma_wasm.js');
    await mod.default();
    yuma = mod;
    // Both rule sets it reproduces, as `yuma --version` names them.
    const rules = JSON.parse(mod.known_rules());
    $('version').innerHTML =
      `<div>yuma ${esc(mod.crate_version())} (WASM)</div>` +
      rules.map((r) => `<div>${esc(r.name)} (${esc(r.specs)}): ${esc(r.source)}</div>`).join('');
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
