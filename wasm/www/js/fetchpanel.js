// The "Fetch from a node" panel: RPC URL, netuid, block or the latest epoch, Fetch and Cancel,
// the progress bar (stage k of steps, calls answered) and the one-line error. The transport and
// the driver are in fetch.js; a fetched snapshot is loaded like a file (load.js), which shows
// the recomputed epoch and the comparison with the chain's stored values (chain.js).
import { $ } from './util.js';
import { yuma } from './wasm.js';
import { Cancelled, FetchError, runFetch, urlKind } from './fetch.js';
import { loadDocument, newLoad } from './load.js';
import { knownRules } from './rules.js';

let running = null; // the AbortController of the fetch under way

// The library's lines name the CLI's flags; on the page, its own controls.
function pageWording(line) {
  return line
    .replace(/; rerun with --assume-spec (\d+) to compute it under the newest known rules$/, '; tick "newer runtime: fetch under the newest rules, assumed" to fetch it under spec $1 anyway')
    .replace(/; fetch --block (\d+), or --epoch latest$/, '; fetch block $1, or the latest epoch');
}

function setState(name) {
  $('fetch-panel').dataset.state = name;
  const busy = name === 'running';
  $('fetch-run').disabled = busy;
  $('fetch-cancel').disabled = !busy;
}

function showFetchError(line) {
  const el = $('fetch-error');
  el.textContent = line;
  el.hidden = !line;
}

function progress(p) {
  const bar = $('fetch-progress');
  if (p.steps) bar.max = p.steps;
  bar.value = p.step;
  bar.dataset.calls = String(p.calls);
  $('fetch-status').textContent = p.step
    ? `stage ${p.step} of ${p.steps}: ${p.stage} · ${p.calls} call${p.calls === 1 ? '' : 's'} answered`
    : `connecting to ${$('rpc-url').value.trim()}…`;
}

// The form's values, or a FetchError saying which one is wrong.
function readForm() {
  const url = $('rpc-url').value.trim();
  const kind = urlKind(url);
  if (!kind) throw new FetchError(`${url || '(no URL)'} is not an http://, https://, ws:// or wss:// URL`, 2);
  if (globalThis.location && location.protocol === 'https:' && /^(http|ws):/i.test(url)) {
    throw new FetchError(`this page is served over https, so the browser refuses the unencrypted ${url}: use an https:// or wss:// endpoint, or serve the page over http`, 2);
  }
  const rawNet = $('fetch-netuid').value.trim();
  if (!/^\d+$/.test(rawNet) || Number(rawNet) > 65535) throw new FetchError(`netuid: enter a whole number from 0 to 65535 (not "${rawNet}")`, 2);
  let block = null;
  if (!$('fetch-latest').checked) {
    const raw = $('fetch-block').value.trim();
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new FetchError(`block: enter the epoch's block number, or tick "latest epoch" (not "${raw}")`, 2);
    block = Number(raw);
  }
  return { url, netuid: Number(rawNet), block };
}

const UNSUPPORTED = /ran runtime \d+, which is not reproduced by this version/;

async function startFetch(ev) {
  ev.preventDefault();
  if (running) return;
  showFetchError('');
  if (!yuma) {
    showFetchError('The WASM module is not loaded yet (or failed to load; see above).');
    return;
  }
  let form;
  try {
    form = readForm();
  } catch (e) {
    showFetchError(e.message);
    setState('error');
    return;
  }
  const ctl = new AbortController();
  running = ctl;
  setState('running');
  const bar = $('fetch-progress');
  bar.value = 0;
  bar.dataset.calls = '0';
  progress({ step: 0, steps: 0, calls: 0 });
  const t0 = performance.now();
  let last = { step: 0, steps: 0, calls: 0, stage: '' };
  const onProgress = (p) => {
    last = p;
    progress(p);
  };
  try {
    let r;
    try {
      r = await runFetch(yuma, { ...form }, { signal: ctl.signal, onProgress });
    } catch (e) {
      // A runtime newer than any reproduced: fetched under the newest rules only when asked.
      if (!(e instanceof FetchError) || !UNSUPPORTED.test(e.message) || !$('fetch-assume').checked) throw e;
      const newest = knownRules().at(-1).spec;
      r = await runFetch(yuma, { ...form, assumeSpec: newest }, { signal: ctl.signal, onProgress });
    }
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const meta = JSON.parse(r.snapshot).meta;
    $('fetch-status').textContent =
      `Fetched subnet ${meta.netuid}'s epoch at block ${meta.block}: ${r.calls} calls in ${r.roundTrips} round trips, ${secs} s` +
      (r.retries ? ` (${r.retries} retried)` : '') + '.';
    setState('done');
    newLoad(); // a later file or example replaces it, an earlier slow one does not
    loadDocument(r.snapshot, `subnet ${meta.netuid} block ${meta.block} from ${form.url}`);
  } catch (e) {
    if (e instanceof Cancelled) {
      $('fetch-status').textContent = `Cancelled at stage ${last.step} of ${last.steps}, after ${last.calls} calls.`;
      setState('cancelled');
    } else {
      showFetchError(pageWording(e && e.message ? e.message : String(e)));
      $('fetch-status').textContent = last.step ? `Stopped at stage ${last.step} of ${last.steps}: ${last.stage}.` : '';
      setState('error');
    }
  } finally {
    if (running === ctl) running = null;
    $('fetch-run').disabled = false;
    $('fetch-cancel').disabled = true;
  }
}

export function wireFetchPanel() {
  $('fetch-form').addEventListener('submit', startFetch);
  $('fetch-cancel').addEventListener('click', () => {
    if (running) running.abort();
  });
  const latest = $('fetch-latest');
  const sync = () => {
    $('fetch-block').disabled = latest.checked;
  };
  latest.addEventListener('change', sync);
  sync();
}
