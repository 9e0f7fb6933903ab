// Drives the verifier page in headless Chromium (playwright-core, system /usr/bin/chromium).
// Usage: node wasm/tests/browser.mjs URL   (the page served over HTTP, e.g. by wasm/test.sh)
// Screenshots go to wasm/tests/artifacts/. Exits 1 on any failure.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, HERE, ROOT, WASM_DIR, alterExpected, check, summary } from './common.mjs';

const url = process.argv[2];
if (!url) {
  console.error('usage: node browser.mjs URL');
  process.exit(2);
}
const artifacts = join(HERE, 'artifacts');
mkdirSync(artifacts, { recursive: true });
const exampleText = readFileSync(join(WASM_DIR, 'www', 'examples', 'realistic-030-v64.json'), 'utf8');
const example = JSON.parse(exampleText); // small integers only are inspected below
const mechText = readFileSync(join(WASM_DIR, 'www', 'examples', 'mech-021-m2-n8.json'), 'utf8');

const userDataDir = mkdtempSync(join(tmpdir(), 'yuma-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
  viewport: { width: 1400, height: 1000 },
});
const page = context.pages()[0] || (await context.newPage());
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
page.on('console', (m) => {
  if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`);
});
page.on('crash', () => pageErrors.push('page crashed'));

const summaryText = () => page.locator('#summary').innerText();
const rowCount = () => page.locator('#results-table tbody tr[data-uid]').count();
async function waitSummary(re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('summary').textContent), re.source, {
    timeout: 20000,
  });
}
async function step(name, f) {
  try {
    await f();
  } catch (e) {
    check(name, false, e.message.split('\n')[0]);
  }
}

try {
  await step('page loads the WASM module and shows the version', async () => {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    const v = await page.locator('#version').innerText();
    check('page loads the WASM module and shows the version', /yuma \d+\.\d+\.\d+/.test(v) && /[0-9a-f]{40}/.test(v), v);
  });

  await step('Load example: 256 rows, all uids match', async () => {
    await page.click('#load-example');
    await waitSummary(/uids match/);
    const s = await summaryText();
    const rows = await rowCount();
    const flagged = await page.locator('td.mismatch').count();
    check('Load example: 256 rows, all uids match', rows === 256 && /256 \/ 256 uids match bit-exactly/.test(s) && flagged === 0, `${rows} rows, "${s}", ${flagged} flagged`);
    const timing = await page.locator('#timing').innerText();
    check('computation time is shown', /Epoch computed in [\d.]+ ms/.test(timing), timing);
    const bars = await page.locator('#chart-id svg path.bar-inc').count();
    check('incentive/dividends chart is drawn', bars === 1);
    await page.screenshot({ path: join(artifacts, 'example.png'), fullPage: true });
  });

  const inc = example.expected.incentive;
  const top = inc.indexOf(Math.max(...inc));

  await step('sorting by incentive', async () => {
    await page.click('#results-table thead th[data-key="incentive"]');
    const first = await page.locator('#results-table tbody tr').first().getAttribute('data-uid');
    const cells = await page.locator('#results-table tbody tr td:nth-child(6)').allInnerTexts();
    const vals = cells.map(Number);
    const sorted = vals.every((v, i) => i === 0 || vals[i - 1] >= v);
    check('clicking "incentive" sorts descending', sorted && Number(first) === top, `first uid ${first}, top ${top}`);
    await page.click('#results-table thead th[data-key="uid"]');
  });

  await step('filter box', async () => {
    const permits = example.expected.new_validator_permit.filter(Boolean).length;
    await page.fill('#filter', 'permit');
    const n = await rowCount();
    await page.fill('#filter', '10-19');
    const m = await rowCount();
    await page.fill('#filter', '');
    check('filter "permit" / "10-19" shows the matching rows', n === permits && m === 10, `${n} vs ${permits}, ${m}`);
  });

  await step('clicking a row charts validators vs consensus', async () => {
    await page.click(`#results-table tbody tr[data-uid="${top}"]`);
    const title = await page.locator('#miner-title').innerText();
    const bars = await page.locator('#chart-miner svg rect.bar-w').count();
    const cons = await page.locator('#chart-miner svg line.cons').count();
    check('clicking a row charts validators vs consensus', title.includes(`uid ${top}`) && bars > 0 && cons === 1, `${title}; ${bars} bars`);
    await page.screenshot({ path: join(artifacts, 'selected-miner.png'), fullPage: true });
  });

  await step('what-if re-run and reset', async () => {
    await page.fill('#w-kappa', '6000');
    await page.click('#whatif-run');
    await waitSummary(/What-if run/);
    const changed = await page.locator('td.changed').count();
    await page.screenshot({ path: join(artifacts, 'whatif.png'), fullPage: true });
    await page.click('#whatif-reset');
    await waitSummary(/256 \/ 256 uids match/);
    check('what-if (kappa) re-runs, outlines changes, and resets', changed > 0, `${changed} changed cells`);
  });

  const k = top;
  const alt = alterExpected(exampleText, 'incentive', k, (x) => (x === 65535n ? x - 1n : x + 1n));
  await step('altered expected value is flagged', async () => {
    await page.setInputFiles('#file-input', { name: 'altered.json', mimeType: 'application/json', buffer: Buffer.from(alt.text) });
    await waitSummary(/255 \/ 256 uids match/);
    const s = await summaryText();
    const flagged = page.locator('td.mismatch');
    const count = await flagged.count();
    const uid = await flagged.first().locator('xpath=..').getAttribute('data-uid');
    const colIndex = await flagged.first().evaluate((td) => td.cellIndex);
    const tip = await flagged.first().getAttribute('title');
    check(
      'altered expected.incentive[k] (file picker): cell flagged, summary shows the mismatch',
      count === 1 && Number(uid) === k && colIndex === 5 && tip.includes(`expected ${alt.now}`) && /1 differing value/.test(s),
      `${count} flagged at uid ${uid} col ${colIndex}, title "${tip}", summary "${s}"`,
    );
    await page.locator(`#results-table tbody tr[data-uid="${k}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'mismatch.png'), fullPage: true });
  });

  await step('bad JSON shows an error', async () => {
    await page.click('#paste-box summary');
    await page.fill('#paste', '{"n": 3, "current_block": ');
    await page.click('#run-paste');
    await page.waitForSelector('#error:not([hidden])', { timeout: 5000 });
    const err = await page.locator('#error').innerText();
    check('bad JSON shows an error message', /Could not run pasted JSON/.test(err) && /EOF while parsing/.test(err), err);
    await page.fill('#paste', '{"n": 1, "bogus": true}');
    await page.click('#run-paste');
    await page.waitForFunction(() => /unknown field `bogus`/.test(document.getElementById('error').textContent), null, { timeout: 5000 });
    check('a schema error names the field', true);
    await page.screenshot({ path: join(artifacts, 'error.png') });
    await page.click('#load-example');
    await waitSummary(/256 \/ 256 uids match/);
    const hidden = await page.locator('#error').isHidden();
    check('the page still works after errors', hidden && (await rowCount()) === 256);
  });

  await step('mechanisms vector by drag-and-drop', async () => {
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'mech.json', { type: 'application/json' }));
      const dz = document.getElementById('dropzone');
      dz.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
      dz.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, mechText);
    await waitSummary(/8 \/ 8 uids match bit-exactly/);
    const views = await page.locator('#view-select option').count();
    const rows = await rowCount();
    await page.click('#results-table tbody tr[data-uid="2"]');
    await page.screenshot({ path: join(artifacts, 'mechanisms.png'), fullPage: true });
    await page.selectOption('#view-select', '1');
    const rows1 = await rowCount();
    check('mechanisms vector (drag-and-drop): aggregated table, per-mechanism views', views === 3 && rows === 8 && rows1 === 8, `${views} views, ${rows}/${rows1} rows`);
  });

  await step('a 4096-uid vector: renders 1000 rows, then all on request', async () => {
    const big = join(ROOT, 'tests', 'vectors', 'scale-04-n4096-v256.json');
    if (!existsSync(big)) return;
    await page.setInputFiles('#file-input', { name: 'scale-04.json', mimeType: 'application/json', buffer: readFileSync(big) });
    await waitSummary(/4096 \/ 4096 uids match bit-exactly/);
    const first = await rowCount();
    await page.click('#show-all');
    const all = await rowCount();
    check('a 4096-uid vector matches; 1000 rows shown, all 4096 on request', first === 1000 && all === 4096, `${first}, ${all}`);
  });

  check('no page errors or console errors', pageErrors.length === 0, pageErrors.join(' | '));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(summary('browser') ? 1 : 0);
