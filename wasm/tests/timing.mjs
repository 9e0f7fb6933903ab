// Times the WASM epoch on the shared bench inputs, in Node and (given the page's URL) in headless
// Chromium. JSON parsing is excluded from the epoch times, as in `yuma bench`.
// Usage: node wasm/tests/timing.mjs [URL]
// Inputs: every ../shared/bench/*.json relative to the repository root, or the files given in
// $YUMA_TIMING_FILES (colon-separated). Missing files are skipped.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { CHROMIUM_ARGS, ROOT, loadNodePkg } from './common.mjs';

const url = process.argv[2];
const benchDir = join(ROOT, '..', 'shared', 'bench');
const benchFiles = () =>
  existsSync(benchDir)
    ? readdirSync(benchDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(benchDir, f))
    : [];
const files = (process.env.YUMA_TIMING_FILES ? process.env.YUMA_TIMING_FILES.split(':') : benchFiles()).map((f) => resolve(f));
const present = files.filter((f) => {
  if (existsSync(f)) return true;
  console.log(`timing: skip ${f} (not present)`);
  return false;
});
if (present.length === 0) {
  console.log('timing: no bench inputs; nothing to time');
  process.exit(0);
}
const reps = (text) => (text.length > 2_000_000 ? 15 : 101);
const fmt = (r) =>
  `median ${r.median_ms.toFixed(3)} ms (min ${r.min_ms.toFixed(3)}, first ${r.first_ms.toFixed(3)}, ` +
  `${r.reps} runs; JSON parse ${r.parse_ms.toFixed(1)} ms)`;

const yuma = loadNodePkg();
const results = [];
for (const f of present) {
  const text = readFileSync(f, 'utf8');
  const r = JSON.parse(yuma.run_timed(text, reps(text)));
  results.push({ file: basename(f, '.json'), n: r.n, node: r });
  console.log(`timing ${basename(f, '.json')} (n=${r.n}) node ${process.version}: ${fmt(r)}`);
}

if (url) {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'yuma-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    const browserVersion = await page.evaluate(() => (/Chrome\/([\d.]+)/.exec(navigator.userAgent) || [])[1] || '?');
    for (const [k, f] of present.entries()) {
      const text = readFileSync(f, 'utf8');
      const r = await page.evaluate(
        async ({ text, reps }) => {
          const m = await import('./pkg/yuma_wasm.js');
          await m.default();
          const timed = JSON.parse(m.run_timed(text, reps));
          // The page's work on load, its exact u64 decoding aside: parse, compute, serialize, and
          // decode the output and traces with JSON.parse.
          const t0 = performance.now();
          const a = m.analyze(text, '');
          JSON.parse(a.report);
          JSON.parse(a.traces);
          a.free();
          timed.analyze_ms = performance.now() - t0;
          return timed;
        },
        { text, reps: reps(text) },
      );
      results[k].browser = r;
      console.log(
        `timing ${basename(f, '.json')} (n=${r.n}) chromium ${browserVersion}: ${fmt(r)}; ` +
          `page analyze + decode ${r.analyze_ms.toFixed(1)} ms`,
      );
      // The page itself on the same document (pasted): its own account of the call, the exact
      // decoding of the results and the rendering.
      await page.evaluate((t) => {
        document.getElementById('summary').textContent = '';
        document.getElementById('paste').value = t;
        setTimeout(() => document.getElementById('run-paste').click(), 0);
      }, text);
      await page.waitForFunction(() => document.getElementById('summary').textContent.length > 0, null, { timeout: 120000 });
      console.log(`timing ${basename(f, '.json')} page: ${await page.locator('#timing').innerText()}`);
    }
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
console.log(`timing: ${JSON.stringify(results.map((r) => ({ file: r.file, n: r.n, node_median_ms: r.node.median_ms, browser_median_ms: r.browser ? r.browser.median_ms : null })))}`);
