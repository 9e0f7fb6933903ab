// The verifier page: loads a document, runs the epoch in WASM, renders the table and charts;
// a scenario document (`initial` + `epochs`) is simulated epoch after epoch and charted instead.
// No dependencies; the WASM glue comes from `wasm-bindgen --target web` in ../pkg/.
//
// The entry point (index.html loads it as a module): wires every part of the page, then loads
// the WASM module (wasm.js). The parts: load.js (files, paste, drop, examples), results.js (a
// single epoch's run and summary), table.js, charts.js, explain.js, whatif.js, scenarios.js,
// fetchpanel.js and fetch.js (Fetch from a node), chain.js (a chain snapshot's comparison);
// state.js, util.js, json.js and svg.js are shared.
import { loadWasm } from './wasm.js';
import { wireLoad } from './load.js';
import { wireScenario } from './scenarios.js';
import { wireTable } from './table.js';
import { wireWhatIf } from './whatif.js';
import { wireChain } from './chain.js';
import { wireFetchPanel } from './fetchpanel.js';
import { wireCharts } from './charts.js';

// ---------------------------------------------------------------- wiring

function wire() {
  wireLoad();
  wireScenario();
  wireTable();
  wireWhatIf();
  wireChain();
  wireFetchPanel();
  wireCharts();
}

async function main() {
  wire();
  await loadWasm();
}

main();
