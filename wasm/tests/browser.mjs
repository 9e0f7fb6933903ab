// Drives the verifier page in headless Chromium (playwright-core, system /usr/bin/chromium).
// Usage: node wasm/tests/browser.mjs URL --node NODE_URL --netuid N --block B --node-spec500 NODE_URL
//   URL: the page served over HTTP (e.g. by wasm/test.sh); the fake nodes (tests/fake-node), which
//   test.sh starts: one serving a vector as subnet N with its epoch at block B, one whose runtime
//   is spec 500. Without them the "Fetch from a node" checks fail.
// Screenshots go to wasm/tests/artifacts/. Exits 1 on any failure.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, HERE, ROOT, WASM_DIR, alterExpected, check, loadNodePkg, rawMember, summary } from './common.mjs';

const url = process.argv[2];
if (!url) {
  console.error('usage: node browser.mjs URL --node NODE_URL --netuid N --block B --node-spec500 NODE_URL');
  process.exit(2);
}
const opt = (name) => {
  const k = process.argv.indexOf(name);
  return k > 2 ? process.argv[k + 1] : undefined;
};
const fakeNode = { url: opt('--node'), netuid: Number(opt('--netuid')), block: Number(opt('--block')), spec500: opt('--node-spec500') };
const artifacts = join(HERE, 'artifacts');
mkdirSync(artifacts, { recursive: true });
const exampleText = readFileSync(join(WASM_DIR, 'www', 'examples', 'realistic-030-v64.json'), 'utf8');
const example = JSON.parse(exampleText); // small integers only are inspected below
const mechText = readFileSync(join(WASM_DIR, 'www', 'examples', 'mech-021-m2-n8.json'), 'utf8');
const scenarioText = readFileSync(join(WASM_DIR, 'www', 'examples', 'kappa-moves-first-y3.json'), 'utf8');
const stableText = readFileSync(join(ROOT, 'data', 'scenarios', 'stable-miner-y2.json'), 'utf8');
const node = loadNodePkg(); // the same build for Node: the page must show what it computes
const seqVector = (k) => readFileSync(join(ROOT, 'tests', 'vectors', `seq-kappa-moves-first-y3-e${String(k).padStart(2, '0')}.json`), 'utf8');

const userDataDir = mkdtempSync(join(tmpdir(), 'yuma-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
  viewport: { width: 1400, height: 1000 },
  acceptDownloads: true,
});
const page = context.pages()[0] || (await context.newPage());
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
// Console errors of the connections the fetch checks make to a closed port on purpose (Chromium
// logs each refused one) are expected; any other is a failure.
const expectedRefusals = [];
page.on('console', (m) => {
  if (m.type() !== 'error') return;
  const where = `${m.text()} ${m.location().url || ''}`;
  if (expectedRefusals.some((hostPort) => where.includes(hostPort))) return;
  pageErrors.push(`console.error: ${m.text()}`);
});
page.on('crash', () => pageErrors.push('page crashed'));
// Every URL the page asks for (the page works offline: only its own files, and the nodes asked).
const requested = [];
page.on('request', (r) => requested.push(r.url()));
page.on('websocket', (w) => requested.push(w.url()));

const summaryText = () => page.locator('#summary').innerText();
const rowCount = () => page.locator('#results-table tbody tr[data-uid]').count();
async function waitSummary(re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('summary').textContent), re.source, {
    timeout: 20000,
  });
}
// A 3-uid epoch without weights whose alpha stakes are `stakes` (raw JSON numbers, so values
// above 2^53 stay exact).
const threeUids = (stakes) =>
  JSON.stringify({
    n: 3, current_block: 100, tempo: 10, activity_cutoff: 5000, last_mechanism_step_block: 0,
    last_update: [99, 99, 99], block_at_registration: [0, 0, 0], tao_stake: [0, 0, 0],
    tao_weight: 0, stake_threshold: 0, owner_uid: null, validator_permit: [false, false, false],
    max_allowed_validators: 3, weights: [[], [], []], bonds: [[], [], []], kappa: 32767,
    bonds_penalty: 65535, bonds_moving_average: 900000, yuma3_enabled: false, liquid_alpha_enabled: false,
    alpha_low: 45875, alpha_high: 58982, alpha_sigmoid_steepness: 1000, commit_reveal_enabled: false,
    commit_blocks: [null, null, null], rao_emission: 1000000000, alpha_stake: 'STAKES',
  }).replace('"STAKES"', `[${stakes}]`);

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

  await step('keyboard: sort and pick a uid', async () => {
    await page.focus('#results-table thead th[data-key="incentive"]');
    await page.keyboard.press('Enter');
    const first = await page.locator('#results-table tbody tr').first().getAttribute('data-uid');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.dataset.key);
    check('Enter on a focused header sorts, focus stays on it', Number(first) === top && focused === 'incentive', `first uid ${first}, focus ${focused}`);
    await page.focus(`#results-table tbody tr[data-uid="${top}"]`);
    await page.keyboard.press(' ');
    const sel = await page.locator('#results-table tbody tr.selected').getAttribute('data-uid');
    check('Space on a focused row picks its uid', Number(sel) === top, `selected ${sel}`);
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

  // The CLI's units: a u16 as `yuma epoch --table` prints it (four places, rounded half up) and
  // as `yuma explain` does (`30880 / 65535 = 0.47120`), in integers.
  const places = (scaled, p) => `${scaled / 10n ** BigInt(p)}.${String(scaled % 10n ** BigInt(p)).padStart(p, '0')}`;
  const fraction4 = (x) => places((BigInt(x) * 20000n + 65535n) / 131070n, 4);
  const fraction5 = (x) => `${x} / 65535 = ${places((BigInt(x) * 200000n + 65535n) / 131070n, 5)}`;
  const same = (a, b) => a !== null && a !== undefined && b !== null && b !== undefined && BigInt(a) === BigInt(b);
  // The page's analyze traces and explain_data, from the same build in Node.
  const exampleTraces = JSON.parse(node.analyze(exampleText, '').traces);
  const explainData = (text, uid, mech) => JSON.parse(node.explain_data(text, '', uid, mech));
  const entryOf = (row, j) => {
    for (const [c, v] of row || []) if (c === j) return v;
    return 0;
  };

  await step('the table: fractions as the CLI prints them, raw values on hover, every header defined', async () => {
    const heads = await page.locator('#results-table thead th').evaluateAll((ths) => ths.map((t) => [t.dataset.key, t.getAttribute('title') || '']));
    const undefinedHeads = heads.filter(([, t]) => !t.trim() || t.includes('\n'));
    check('every column header has a one-line definition on hover (title)', heads.length === 11 && undefinedHeads.length === 0, heads.map(([k, t]) => `${k}: ${t.slice(0, 30)}`).join(' | '));
    // uid `top`: every u16 cell shows the CLI's fraction, its tooltip `N / 65535 = 0.xxxxx`.
    const cells = await page.locator(`#results-table tbody tr[data-uid="${top}"] td`).evaluateAll((tds) => tds.map((td) => [td.innerText, td.getAttribute('title') || '']));
    const want = [
      [4, 'consensus'],
      [5, 'incentive'],
      [6, 'dividends'],
      [7, 'validator_trust'],
    ].map(([i, f]) => [i, example.expected[f][top]]);
    const bad = want.filter(([i, v]) => cells[i][0] !== fraction4(v) || cells[i][1] !== fraction5(v));
    check(
      `table cells are fractions (as yuma epoch --table), the tooltip reads "N / 65535 = 0.xxxxx" (uid ${top})`,
      bad.length === 0 && /^\d+ \/ 65535 = \d\.\d{5}$/.test(cells[5][1]),
      bad.map(([i, v]) => `col ${i}: "${cells[i][0]}" / "${cells[i][1]}" for ${v}`).join('; ') || cells[5].join(' | '),
    );
    const hint = await page.locator(`#chart-id svg rect.hit[data-uid="${top}"] title`).textContent();
    check('the uid chart\'s tooltip also reads "N / 65535 = 0.xxxxx"', hint.includes(`incentive ${fraction5(example.expected.incentive[top])}`), hint);
  });

  await step('clicking a miner row charts validators vs consensus, clipping visible', async () => {
    await page.click(`#results-table tbody tr[data-uid="${top}"]`);
    const title = await page.locator('#miner-title').innerText();
    const rows = page.locator('#chart-miner svg g.vrow');
    const count = await rows.count();
    const cons = await page.locator('#chart-miner svg line.cons').count();
    check('clicking a row charts validators vs consensus', title.includes(`uid ${top}`) && count > 0 && cons === 1 && (await page.locator('#uid-miner').isVisible()), `${title}; ${count} rows`);
    // Each row's weight and clipped weight are the trace's weights_normalized / clipped_weights
    // entries of that validator on this miner; the account's terms, in their order.
    const drawn = await rows.evaluateAll((gs) =>
      gs.map((g) => {
        const x = g.querySelector('rect.bar-x');
        return {
          v: Number(g.dataset.validator), weight: g.dataset.weight, clipped: g.dataset.clipped, stake: g.dataset.stake, term: g.dataset.term,
          cut: x ? x.getBoundingClientRect().width : 0, solid: g.querySelector('rect.bar-c').getBoundingClientRect().width,
        };
      }),
    );
    const e = explainData(exampleText, top);
    const tr = exampleTraces[0];
    const wrong = drawn.filter((d, k) => {
      const t = e.miner.terms[k];
      return !t || t.validator !== d.v || !same(d.weight, entryOf(tr.weights_normalized[d.v], top)) || !same(d.clipped, entryOf(tr.clipped_weights[d.v], top)) ||
        !same(d.weight, t.weight) || !same(d.clipped, t.clipped) || !same(d.stake, t.active_stake) || !same(d.term, t.term);
    });
    // Every validator whose normalized weight reaches the miner has its term (terms may also
    // list a stored weight of 0).
    const reaching = tr.weights_normalized.map((row, i) => [i, entryOf(row, top)]).filter(([, w]) => w > 0);
    const missing = reaching.filter(([i]) => !e.miner.terms.some((t) => t.validator === i));
    const restCount = Number((await page.locator('#chart-miner svg text[data-count]').getAttribute('data-count').catch(() => null)) || 0);
    check(
      'miner chart: each validator row\'s weight / clipped = the trace\'s weights_normalized / clipped_weights on that miner (and the explain terms, in order)',
      drawn.length > 0 && wrong.length === 0 && drawn.length + restCount === e.miner.terms.length && reaching.length > 0 && missing.length === 0,
      `${drawn.length} rows + ${restCount} more, ${e.miner.terms.length} terms, ${reaching.length} validators reach uid ${top}, ${missing.length} without a row; wrong: ${JSON.stringify(wrong.slice(0, 2))}`,
    );
    const cutRows = drawn.filter((d) => BigInt(d.weight) > BigInt(d.clipped));
    const invisible = drawn.filter((d) => (BigInt(d.weight) > BigInt(d.clipped) ? d.cut < 2 : d.cut !== 0));
    check(
      'miner chart: what clipping removed is drawn (at least 2 px wide) exactly where weight > clipped',
      cutRows.length > 0 && invisible.length === 0,
      `${cutRows.length} clipped rows; not shown right: ${JSON.stringify(invisible.slice(0, 3))}`,
    );
    for (const axis of ['linear', 'log']) {
      await page.selectOption('#miner-axis', axis);
      const widths = await page.locator('#chart-miner svg g.vrow').evaluateAll((gs) => gs.map((g) => [g.dataset.weight, g.dataset.clipped, g.querySelector('rect.bar-x')?.getBoundingClientRect().width || 0]));
      const lost = widths.filter(([w, c, cut]) => BigInt(w) > BigInt(c) && cut < 2);
      check(`miner chart, ${axis} axis: every clipped part still visible`, widths.length === drawn.length && lost.length === 0, JSON.stringify(lost.slice(0, 3)));
    }
    await page.selectOption('#miner-axis', 'auto');
    const explained = await page.locator('#explain-text').innerText();
    const want = node.explain(exampleText, top);
    check('clicking a row explains that uid (as yuma explain)', (await page.locator('#explain-card').isVisible()) && explained.trim() === want.trim() && explained.startsWith(`uid ${top} of n = 256`), explained.slice(0, 80));
    const pre = await page.locator('#explain-text').evaluate((el) => ({ sh: el.scrollHeight, ch: el.clientHeight, sw: el.scrollWidth, cw: el.clientWidth, max: getComputedStyle(el).maxHeight }));
    check('the explanation is shown in full, not cut by its box', pre.sh <= pre.ch + 1 && pre.sw <= pre.cw + 1 && pre.max === 'none', JSON.stringify(pre));
    await page.screenshot({ path: join(artifacts, 'selected-miner.png'), fullPage: true });
    await page.locator('#uid-card').screenshot({ path: join(artifacts, 'uid-miner.png') });
  });

  // The validator with the largest dividends: its dividend sources and bonds.
  const divs = example.expected.dividends;
  const topV = divs.indexOf(Math.max(...divs));
  await step('clicking a validator row charts its dividend sources and bonds', async () => {
    await page.click(`#results-table tbody tr[data-uid="${topV}"]`);
    const shown = await page.locator('#uid-validator').isVisible();
    const minerHidden = await page.locator('#uid-miner').isHidden();
    const title = await page.locator('#dividends-title').innerText();
    check(
      'a validator row: its dividend sources chart, not an empty "weights on uid" chart',
      shown && minerHidden && title === `Dividends of uid ${topV}: where they came from` && !(await page.locator('#uid-card').innerText()).includes(`Weights on uid ${topV}`),
      `${title}; validator part shown ${shown}, miner part hidden ${minerHidden}`,
    );
    const e = explainData(exampleText, topV);
    const terms = e.validator.terms;
    const bars = await page.locator('#chart-dividends svg rect.bar-term').evaluateAll((rs) => rs.map((r) => ({ ...r.dataset, other: r.classList.contains('other') })));
    const named = bars.filter((b) => !b.other);
    const others = bars.filter((b) => b.other);
    const top10 = terms.slice(0, 10);
    const rest = terms.slice(10);
    const restSum = rest.reduce((a, t) => a + BigInt(t.term), 0n);
    const wrong = named.filter((b, k) => {
      const t = top10[k];
      return !t || Number(b.miner) !== t.miner || !same(b.term, t.term) || !same(b.bond, t.bond) || !same(b.incentive, t.incentive) || BigInt(b.term) !== (BigInt(b.bond) * BigInt(b.incentive)) >> 32n;
    });
    const sorted = named.every((b, k) => k === 0 || BigInt(named[k - 1].term) >= BigInt(b.term));
    check(
      `dividend sources of uid ${topV}: one bar per miner = the explain terms (bond × incentive), sorted descending`,
      terms.length > 10 && named.length === 10 && wrong.length === 0 && sorted,
      `${terms.length} terms, ${named.length} bars, sorted ${sorted}; wrong ${JSON.stringify(wrong.slice(0, 2))}`,
    );
    check(
      'the rest grouped into one bar whose value is the sum of the rest',
      others.length === 1 && BigInt(others[0].term) === restSum && Number(others[0].count) === rest.length && bars.at(-1).other,
      JSON.stringify(others),
    );
    // Σ of every bar = the account's bond sum (the terms' sum, which its dividends divide).
    const total = bars.reduce((a, b) => a + BigInt(b.term), 0n);
    check('the bars add up to the account\'s Σ terms', total === BigInt(e.validator.bond_sum), `${total} vs ${e.validator.bond_sum}`);
    const bonds = await page.locator('#chart-bonds svg rect.bar-bond').evaluateAll((rs) => rs.map((r) => [Number(r.dataset.miner), Number(r.dataset.bond)]));
    const stored = JSON.parse(node.epoch(exampleText)).bonds[topV];
    check(
      'bond bars: one per stored bond entry, = the explain data\'s bonds (and the epoch\'s stored Bonds row)',
      bonds.length > 0 && JSON.stringify(bonds) === JSON.stringify(e.validator.bonds_after) && JSON.stringify(bonds) === JSON.stringify(stored),
      `${bonds.length} bars vs ${e.validator.bonds_after.length} bonds; ${JSON.stringify(bonds.slice(0, 3))} vs ${JSON.stringify(e.validator.bonds_after.slice(0, 3))}`,
    );
    const tip = await page.locator('#chart-bonds svg rect.bar-bond').first().locator('title').textContent();
    check('a bond bar\'s tooltip reads "stored bond N / 65535 = 0.xxxxx"', tip.includes(`stored bond ${fraction5(bonds[0][1])}`), tip);
    await page.screenshot({ path: join(artifacts, 'selected-validator.png'), fullPage: true });
    await page.locator('#uid-card').screenshot({ path: join(artifacts, 'uid-validator.png') });
  });

  await step('a truncated snapshot: the CLI\'s note', async () => {
    check('a vector with every row: no note', await page.locator('#input-notes').isHidden());
    const wasOpen = await page.evaluate(() => {
      const box = document.getElementById('paste-box');
      const open = box.open;
      box.open = true;
      return open;
    });
    const short = threeUids('1000,2000,0').replace('"weights":[[],[],[]],"bonds":[[],[],[]]', '"weights":[[[1,65535]],[[2,100]]],"bonds":[[]]');
    await page.fill('#paste', short);
    await page.click('#run-paste');
    await waitSummary(/Computed 3 uids/);
    const note = await page.locator('#input-notes').innerText();
    const want = 'note: `weights` has 2 rows for n = 3; uid 2 reads as having no stored weights\nnote: `bonds` has 1 rows for n = 3; uids 1 to 2 read as having no stored bonds';
    check('fewer weight / bond rows than n: the CLI\'s truncated-snapshot notes shown', (await page.locator('#input-notes').isVisible()) && note === want, note);
    await page.click('#results-table tbody tr[data-uid="0"]');
    const exNote = await page.locator('#explain-note').innerText();
    check('and above the explanation (yuma explain notes them too)', exNote === want, exNote);
    await page.screenshot({ path: join(artifacts, 'truncated-note.png'), fullPage: true });
    // A mechanisms document: each mechanism's notes, prefixed as the CLI's would be read.
    const full = JSON.parse(threeUids('1000,2000,0'));
    const cut = { ...full, weights: [[[1, 65535]], [[2, 100]]] };
    await page.evaluate(() => {
      document.getElementById('summary').textContent = '';
    });
    await page.fill('#paste', JSON.stringify({ rao_emission: 1000000000, emission_split: [32768, 32767], mechanisms: [full, cut] }));
    await page.click('#run-paste');
    await waitSummary(/Computed 3 uids/);
    const mnote = await page.locator('#input-notes').innerText();
    check('a mechanisms document: the note names the mechanism', mnote === 'note: mechanism 1: `weights` has 2 rows for n = 3; uid 2 reads as having no stored weights', mnote);
    await page.click('#load-example');
    await waitSummary(/256 \/ 256 uids match/);
    check('the next document clears the note', (await page.locator('#input-notes').isHidden()) && (await page.locator('#explain-note').isHidden()));
    await page.evaluate((open) => {
      document.getElementById('paste-box').open = open;
    }, wasOpen);
    await page.click(`#results-table tbody tr[data-uid="${top}"]`);
  });

  await step('what-if re-run and reset', async () => {
    await page.fill('#w-kappa', '6000');
    await page.click('#whatif-run');
    await waitSummary(/What-if run/);
    const changed = await page.locator('td.changed').count();
    const explained = await page.locator('#explain-text').innerText();
    const title = await page.locator('#explain-title').innerText();
    check('the explanation follows the what-if values', /what-if/.test(title) && /kappa 6000 \/ 65535/.test(explained), title);
    await page.screenshot({ path: join(artifacts, 'whatif.png'), fullPage: true });
    await page.click('#whatif-reset');
    await waitSummary(/256 \/ 256 uids match/);
    check('what-if (kappa) re-runs, outlines changes, and resets', changed > 0, `${changed} changed cells`);
  });

  await step('the what-if alpha is the chain\'s conversion', async () => {
    const alpha = () => page.locator('#f-bonds_moving_average').innerText();
    const first = await alpha();
    await page.fill('#w-bonds_moving_average', '3000000000000000');
    await page.uncheck('#w-liquid_alpha_enabled');
    const wrapped = await alpha(); // Yuma 3: 3e9 wraps in I32F32 (see yuma3_fixed_alpha)
    await page.uncheck('#w-yuma3_enabled');
    const saturated = await alpha(); // Yuma 2: saturates
    await page.click('#whatif-reset');
    await waitSummary(/256 \/ 256 uids match/);
    const back = await alpha();
    check(
      'the what-if alpha follows bonds_moving_average and the Yuma version, wrapping as the chain does',
      first === 'α 0.100 unless liquid' && wrapped === 'α 1294967297.000' && saturated === 'α -2147483647.000' && back === first,
      `${first} | ${wrapped} | ${saturated} | ${back}`,
    );
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

  await step('an altered bond entry: the tooltip names the entry', async () => {
    const exp = rawMember(exampleText, 'expected');
    const braw = rawMember(exp, 'bonds');
    const bonds = JSON.parse(braw); // [uid, u16] pairs: small integers
    const i = bonds.findIndex((row) => row.length >= 2);
    const [j, v] = bonds[i][1];
    const claimed = v === 65535 ? v - 1 : v + 1;
    bonds[i][1] = [j, claimed];
    const text = exampleText.replace(exp, exp.replace(braw, JSON.stringify(bonds)));
    await page.setInputFiles('#file-input', { name: 'bond.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await waitSummary(/255 \/ 256 uids match/);
    const cell = page.locator(`#results-table tbody tr[data-uid="${i}"] td.mismatch`);
    const tip = (await cell.count()) === 1 ? await cell.getAttribute('title') : '';
    check(
      'altered expected.bonds entry: one flagged cell whose tooltip names the differing entry',
      tip.includes(`1 of ${bonds[i].length} entries differ`) && tip.includes(`uid ${j}: computed ${v}, expected ${claimed}`),
      `row ${i}, title "${tip}"`,
    );
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

  await step('files are read like the CLI reads them: no byte-order mark, UTF-8 only', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(exampleText)]);
    await page.setInputFiles('#file-input', { name: 'bom.json', mimeType: 'application/json', buffer: bom });
    await page.waitForFunction(() => /byte-order mark/.test(document.getElementById('error').textContent), null, { timeout: 5000 });
    check('a file with a byte-order mark is refused, results hidden', await page.locator('#results').isHidden());
    const latin1 = Buffer.from(exampleText.replace('"name"', '"n\u00e4me"'), 'utf8');
    latin1[latin1.indexOf(0xc3)] = 0xe4; // a Latin-1 byte where UTF-8 belongs
    await page.setInputFiles('#file-input', { name: 'latin1.json', mimeType: 'application/json', buffer: latin1 });
    await page.waitForFunction(() => /not UTF-8/.test(document.getElementById('error').textContent), null, { timeout: 5000 });
    check('a file that is not UTF-8 is refused', true);
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
    const aggMeta = await page.locator('#explain-meta').innerText();
    const aggNote = await page.locator('#table-note').innerText();
    const aggCard = await page.locator('#uid-meta').innerText();
    await page.selectOption('#view-select', '1');
    const rows1 = await rowCount();
    const mechNote = await page.locator('#table-note').innerText();
    const split = JSON.parse(node.epoch(mechText)).split;
    check(
      'mechanisms: the aggregate view carries the CLI\'s aggregate line, a mechanism its share of the split',
      aggNote.startsWith("aggregate (u16 fields weighted by each mechanism's share, emissions and stake summed; incentive is mechanism 0's)") &&
        /^mechanism 1 \(\d+ rao of the split\)$/.test(mechNote) && mechNote === `mechanism 1 (${split[1]} rao of the split)` && /pick a mechanism/.test(aggCard),
      `${aggNote} | ${mechNote} | ${aggCard}`,
    );
    check('mechanisms vector (drag-and-drop): aggregated table, per-mechanism views', views === 3 && rows === 8 && rows1 === 8, `${views} views, ${rows}/${rows1} rows`);
    const explained = await page.locator('#explain-text').innerText();
    check(
      'mechanisms: explained per mechanism (none for the aggregate)',
      /pick a mechanism/.test(aggMeta) && explained.trim() === node.explain_with(mechText, '', 2, 1).trim(),
      `${aggMeta} | ${explained.slice(0, 60)}`,
    );
  });

  await step('the document asked for last is shown, not the one read last', async () => {
    // The example's fetch is held back until after a dropped file has been read and shown.
    let release;
    const held = new Promise((r) => (release = r));
    await page.route('**/examples/realistic-030-v64.json', async (route) => {
      await held;
      await route.continue();
    });
    await page.click('#load-example');
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'mech-late.json', { type: 'application/json' }));
      document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, mechText);
    await waitSummary(/8 \/ 8 uids match bit-exactly/);
    const served = page.waitForResponse('**/examples/realistic-030-v64.json');
    release();
    await served;
    await page.waitForTimeout(500);
    await page.unroute('**/examples/realistic-030-v64.json');
    const s = await summaryText();
    check('a slow example fetch does not replace a file dropped after it', /8 \/ 8 uids match/.test(s) && (await rowCount()) === 8, s);
  });

  await step('an epoch that pays more than its emission is noted', async () => {
    const over = threeUids('18446744073709551615,18446744073709551615,18446744073709551615');
    await page.fill('#paste', over);
    await page.click('#run-paste');
    await waitSummary(/Computed 3 uids/);
    const note = await page.locator('#overpaid').innerText();
    check('overpaying epoch: a note names the amounts', /pays 3\u20090{3}\u20090{3}\u20090{3} rao, more than its rao_emission of 1\u20090{3}\u20090{3}\u20090{3}/.test(note), note);
    await page.click('#load-example');
    await waitSummary(/256 \/ 256 uids match/);
    check('a normal epoch shows no such note', await page.locator('#overpaid').isHidden());
  });

  await step('u64 stakes either side of 2^53 show exactly', async () => {
    // 2^53 + 1 takes the reviver's exact parse; 2^53 - 1 the plain one.
    for (const big of ['9007199254740993', '9007199254740991']) {
      const doc = threeUids(`${big},1000,0`);
      await page.evaluate(() => {
        document.getElementById('summary').textContent = '';
      });
      await page.fill('#paste', doc);
      await page.click('#run-paste');
      await waitSummary(/Computed 3 uids/);
      const cell = await page.locator('#results-table tbody tr[data-uid="0"] td:nth-child(2)').innerText();
      check(`stake ${big} is shown exactly`, cell.replace(/\u2009/g, '') === big, cell);
    }
  });

  await step('example scenario: charts, epoch table, explain, CSV', async () => {
    await page.selectOption('#scenario-select', 'kappa-moves-first-y3.json');
    await page.click('#load-scenario');
    await page.waitForSelector('#scenario:not([hidden]) #sc-epochs tbody tr', { timeout: 20000 });
    const n = 5;
    const divLines = await page.locator('#sc-chart-dividends svg polyline').count();
    const incLines = await page.locator('#sc-chart-incentive svg polyline').count();
    const uidsOf = (sel) => page.locator(sel).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-uid'))).sort((a, b) => a - b).join());
    const divUids = await uidsOf('#sc-chart-dividends svg polyline');
    const incUids = await uidsOf('#sc-chart-incentive svg polyline');
    const legend = await page.locator('#sc-legend button[data-uid]').count();
    const epochs = await page.locator('#sc-epochs tbody tr').count();
    const resultsHidden = await page.locator('#results').isHidden();
    check(
      'scenario: one polyline per uid for dividends and for incentive, a legend entry per uid',
      divLines === n && incLines === n && divUids === '0,1,2,3,4' && incUids === '0,1,2,3,4' && legend === n,
      `${divLines}/${incLines} polylines (${divUids} | ${incUids}), ${legend} legend entries`,
    );
    check('scenario: the epoch table has 12 rows; the single-epoch results are hidden', epochs === 12 && resultsHidden, `${epochs} rows`);
    // The charted points are the simulated values: uid 0's dividends at every epoch.
    const sim = JSON.parse(node.simulate(scenarioText));
    const pts = await page.locator('#sc-chart-dividends svg polyline[data-uid="0"]').getAttribute('points');
    const ys = pts.split(' ').map((p) => Number(p.split(',')[1]));
    const rising = sim.epochs.map((o) => o.dividends[0]);
    const order = (a) => a.map((v, i) => [v, i]).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((x) => x[1]).join();
    const ysOrder = ys.map((v) => -v); // SVG y grows downwards
    check('scenario: uid 0\'s dividends line has 12 points, ordered as the values', ys.length === 12 && order(ysOrder) === order(rising), pts);
    const cells = await page.locator('#sc-epochs tbody tr').nth(4).locator('td').allInnerTexts();
    const srv = sim.epochs[4].server_emission.reduce((a, v) => a + v, 0);
    check('scenario: epoch row 4 shows block 10 and Σ server emission', cells[0] === '4' && cells[1] === '10' && cells[3].replace(/\u2009/g, '') === String(srv), cells.join(' | '));
    // Explain: the uid picked in the legend, at the epoch picked in the table.
    await page.click('#sc-legend button[data-uid="4"]');
    await page.click('#sc-epochs tbody tr[data-epoch="3"]');
    const explained = await page.locator('#sc-explain').innerText();
    const title = await page.locator('#sc-explain-title').innerText();
    check(
      'scenario: legend uid 4 + epoch row 3 explain uid 4 at epoch 3 (= yuma explain of vector e03)',
      title === 'Explain uid 4 at epoch 3' && explained.trim() === node.explain(seqVector(3), 4).trim(),
      `${title}: ${explained.slice(0, 60)}`,
    );
    const on = await page.locator('#sc-chart-incentive svg polyline.on').getAttribute('data-uid');
    check('scenario: the picked uid\'s lines are highlighted', on === '4');
    await page.click('#sc-uids tbody tr[data-uid="0"]');
    const ex0 = await page.locator('#sc-explain').innerText();
    check('scenario: clicking a uid row explains it', ex0.startsWith('uid 0 of n = 5') && ex0.trim() === node.explain(seqVector(3), 0).trim(), ex0.slice(0, 60));
    await page.screenshot({ path: join(artifacts, 'scenario.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#sc-csv')]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8');
    check('scenario: Download CSV gives the simulate CSV', csv === sim.csv && download.suggestedFilename() === 'kappa-moves-first-y3.csv', `${download.suggestedFilename()}, ${csv.length} chars`);
  });

  await step('scenario errors and drag-and-drop', async () => {
    await page.fill('#paste', scenarioText.replace('"current_block": 8,', '"current_blok": 8,'));
    await page.click('#run-paste');
    await page.waitForSelector('#error:not([hidden])', { timeout: 5000 });
    const err = await page.locator('#error').innerText();
    check('a scenario with an invalid patch key: an error naming the key', /Could not run pasted JSON/.test(err) && /`epochs\[3\]\.current_blok`: unknown field `current_blok`/.test(err) && (await page.locator('#scenario').isHidden()), err.slice(0, 120));
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'stable-miner-y2.json', { type: 'application/json' }));
      const dz = document.getElementById('dropzone');
      dz.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, stableText);
    await page.waitForSelector('#scenario:not([hidden])', { timeout: 10000 });
    const lines = await page.locator('#sc-chart-incentive svg polyline').count();
    const rows = await page.locator('#sc-epochs tbody tr').count();
    const title = await page.locator('#sc-title').innerText();
    check('a scenario by drag-and-drop (n = 6): 6 lines, 12 epochs, error cleared', lines === 6 && rows === 12 && /stable-miner-y2/.test(title) && (await page.locator('#error').isHidden()), `${lines} lines, ${rows} rows, ${title}`);
    await page.click('#load-example');
    // The summary may still read "256 / 256" from before the scenario: wait for the page to switch.
    await page.waitForSelector('#scenario', { state: 'hidden', timeout: 10000 });
    await waitSummary(/256 \/ 256 uids match/);
    check('after a scenario, Load example shows the single-epoch page again', (await page.locator('#scenario').isHidden()) && (await rowCount()) === 256);
  });

  // ---- runtime rules: the selector, the rules line, liquid alpha, Null epochs, a newer runtime
  const rulesLine = () => page.locator('#rules-line').innerText();
  const S475 = 'RaoFoundation/subtensor as read at coldint/subtensor@02214123…';
  const S425 = 'opentensor/subtensor@14bc6f9f…';
  const loadExample = async (name) => {
    await page.selectOption('#example-select', name);
    await page.click('#load-example');
    await page.waitForFunction((n) => document.getElementById('doc-title').textContent === n && !document.getElementById('results').hidden, name.replace(/\.json$/, ''), { timeout: 20000 });
  };

  await step('the version names both rule sets', async () => {
    const v = await page.locator('#version').innerText();
    check('the version box names spec 425 and spec 475 with their sources', /spec 425 .*14bc6f9f964b9cc362e9635dd110a487fa5d15a0/.test(v) && /spec 475 .*02214123eb6d1aae01812fe515f0e0535c9b9da0/.test(v), v);
  });

  await step('a spec 475 vector: the rules line, liquid alpha, the selector', async () => {
    await loadExample('la-055-default-n256.json');
    await waitSummary(/256 \/ 256 uids match bit-exactly/);
    const line = await rulesLine();
    const sel = await page.locator('#spec-select').inputValue();
    const options = await page.locator('#spec-select option').allInnerTexts();
    check(
      'a spec475 vector: "Runtime rules: spec 475 (…); the input\'s spec_version 475", the selector "as the input says"',
      line === `Runtime rules: spec 475 (${S475}); the input's spec_version 475` && sel === '' &&
        options.join('|') === 'as the input says (spec_version 475 → spec 475)|spec 425|spec 475',
      `${line} | ${sel} | ${options.join('|')}`,
    );
    const la = await page.locator('#la-line').innerText();
    check('liquid alpha (auto, bonds_penalty 65535): the line says the stored previous consensus fed it and it ran', /mode auto, bonds_penalty 65535\) was fed by the stored previous consensus \(previous_consensus, 256 entries\): liquid alpha ran/.test(la), la);
    await page.click('#results-table tbody tr[data-uid="5"]');
    await page.selectOption('#spec-select', '425');
    await waitSummary(/What-if run under spec 425/);
    const line425 = await rulesLine();
    const laHidden = await page.locator('#la-line').isHidden();
    check(
      'the selector at spec 425: the rules line changes, says assumed; a what-if run (no comparison); no liquid-alpha line',
      line425 === `Runtime rules: spec 425 (${S425}), assumed (spec 425 selected); the input's spec_version 475 names spec 475` && laHidden,
      line425,
    );
    const title = await page.locator('#explain-title').innerText();
    const explained = await page.locator('#explain-text').innerText();
    const laText = readFileSync(join(WASM_DIR, 'www', 'examples', 'la-055-default-n256.json'), 'utf8');
    check('the explanation follows the selected rules', /under spec 425, assumed/.test(title) && explained.trim() === node.explain(laText, 5, 425).trim(), title);
    await page.screenshot({ path: join(artifacts, 'rules-425.png'), fullPage: true });
    await page.selectOption('#spec-select', '475');
    await waitSummary(/256 \/ 256 uids match bit-exactly under spec 475, assumed/);
    check('the selector at spec 475 (the input\'s own rules): compared and matching, said assumed', /assumed \(spec 475 selected\); the input's spec_version 475 names spec 475, the same rules/.test(await rulesLine()), await rulesLine());
    await page.selectOption('#spec-select', '425');
    await waitSummary(/What-if run under spec 425/);
    await page.click('#whatif-reset');
    await waitSummary(/^✓ 256 \/ 256 uids match bit-exactly$/);
    check('Reset goes back to the input\'s own rules', (await page.locator('#spec-select').inputValue()) === '' && (await rulesLine()).endsWith("the input's spec_version 475"));
  });

  await step('a Null vector: the label, the table, the chart', async () => {
    await loadExample('null-008-realistic-n256.json');
    await waitSummary(/256 \/ 256 uids match bit-exactly/);
    const nullText = readFileSync(join(WASM_DIR, 'www', 'examples', 'null-008-realistic-n256.json'), 'utf8');
    const winner = JSON.parse(nullText).trace.null_winner;
    const kind = await page.locator('#epoch-kind').innerText();
    const meta = await page.locator('#doc-meta').innerText();
    const line = await rulesLine();
    check(
      'a null vector: "Null consensus: sole validator uid W" in the summary, the rules line shown',
      kind === `Null consensus: sole validator uid ${winner}` && meta.includes(kind) && !/kappa/.test(meta) && line === `Runtime rules: spec 475 (${S475}); the input's spec_version 475`,
      `${kind} | ${meta} | ${line}`,
    );
    const note = await page.locator('#table-note').innerText();
    const na = await page.locator('#results-table thead th.na').evaluateAll((ths) => ths.map((t) => t.dataset.key).join());
    const cons = await page.locator('#results-table tbody tr td:nth-child(5)').allInnerTexts();
    const trust = await page.locator('#results-table tbody tr td:nth-child(8)').allInnerTexts();
    check(
      'a null vector: the table says consensus and trust are not computed; their columns are all zero',
      note.startsWith(`Null consensus: sole validator uid ${winner}.`) && /not computed/.test(note) && na === 'consensus,validator_trust' &&
        cons.length === 256 && cons.every((c) => c === '0.0000') && trust.every((c) => c === '0.0000'),
      `${note} | ${na}`,
    );
    await page.click('#results-table tbody tr[data-uid="1"]');
    const title = await page.locator('#miner-title').innerText();
    const bars = await page.locator('#chart-miner svg rect.bar-w').count();
    const consLines = await page.locator('#chart-miner svg line.cons').count();
    const explained = await page.locator('#explain-text').innerText();
    check(
      'a null vector: the uid chart shows the sole validator\'s weight, no consensus line; explain as yuma explain',
      /the sole validator's masked weight/.test(title) && bars === 1 && consLines === 0 && explained.trim() === node.explain(nullText, 1).trim(),
      `${title}; ${bars} bars, ${consLines} consensus lines`,
    );
    // The bar is the trace's masked weight of the sole validator on uid 1 (raw u16 as I32F32 bits).
    const masked = JSON.parse(node.analyze(nullText, '').traces)[0].weights_normalized[winner];
    const bits = (masked.find(([c]) => c === 1) || [1, 0])[1];
    const bar = page.locator('#chart-miner svg rect.bar-w');
    const barW = bars === 1 ? [await bar.getAttribute('data-validator'), await bar.getAttribute('data-weight')] : [];
    check(
      'a null vector: the bar is the sole validator\'s masked weight on the uid (the trace\'s)',
      barW[0] === String(winner) && barW[1] === String(Math.round(bits / 2 ** 32)),
      `${barW.join(' ')} vs uid ${winner} ${bits / 2 ** 32}`,
    );
    await page.screenshot({ path: join(artifacts, 'null.png'), fullPage: true });
  });

  await step('mech475: Null in every mechanism, explained per mechanism', async () => {
    const mText = readFileSync(join(WASM_DIR, 'www', 'examples', 'mech475-001-null-budgets-m2-n4.json'), 'utf8');
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'mech475.json', { type: 'application/json' }));
      document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, mText);
    await waitSummary(/4 \/ 4 uids match bit-exactly/);
    const kind = await page.locator('#epoch-kind').innerText();
    await page.selectOption('#view-select', '1');
    await page.click('#results-table tbody tr[data-uid="3"]');
    const explained = await page.locator('#explain-text').innerText();
    check(
      'a mech475 vector: Null consensus in every mechanism, mechanism 1 explained with its budgets',
      kind === 'Null consensus: sole validator uid 3 (every mechanism)' && explained.trim() === node.explain_with(mText, '', 3, 1).trim() && /validator budget/.test(explained),
      kind,
    );
  });

  await step('an input of spec 500: the newest rules, assumed, and said so', async () => {
    const laText = readFileSync(join(WASM_DIR, 'www', 'examples', 'la-055-default-n256.json'), 'utf8');
    await page.fill('#paste', laText.replace('"spec_version": 475', '"spec_version": 500'));
    await page.click('#run-paste');
    await page.waitForFunction(() => /spec_version 500/.test(document.getElementById('rules-line').textContent), null, { timeout: 20000 });
    const line = await rulesLine();
    const note = page.locator('#rules-note');
    const noteText = await note.innerText();
    const sel = await page.locator('#spec-select').inputValue();
    const own = await page.locator('#spec-select option[value=""]').innerText();
    const s = await summaryText();
    check(
      'a spec-500 input: loads with spec 475 selected, a visible note that the rules are assumed, the rules line says so',
      sel === '475' && (await note.isVisible()) && /spec_version 500 is newer than any runtime this version reproduces \(up to spec 475\)/.test(noteText) && /assumed/.test(noteText) &&
        line === `Runtime rules: spec 475 (${S475}), assumed: the input's spec_version 500 is newer than any runtime this version reproduces (up to spec 475)` &&
        own === 'as the input says (spec_version 500: not reproduced)' && /256 \/ 256 uids match bit-exactly under spec 475, assumed/.test(s),
      `${sel} | ${noteText} | ${line} | ${own} | ${s}`,
    );
    await page.screenshot({ path: join(artifacts, 'spec500.png'), fullPage: true });
    await page.selectOption('#spec-select', '');
    await page.waitForSelector('#error:not([hidden])', { timeout: 5000 });
    const err = await page.locator('#error').innerText();
    check(
      'a spec-500 input under "as the input says": the library\'s error, the assumed run kept',
      /runtime 500 is not reproduced by this version of yuma \(it reproduces runtimes up to spec 475\)/.test(err) && (await page.locator('#spec-select').inputValue()) === '475' && (await rowCount()) === 256,
      err,
    );
  });

  await step('scenarios: the rules per run of epochs, the selector', async () => {
    const sc = JSON.parse(scenarioText);
    sc.epochs[4] = { ...sc.epochs[4], spec_version: 475 };
    await page.fill('#paste', JSON.stringify(sc));
    await page.click('#run-paste');
    await page.waitForSelector('#scenario:not([hidden]) #sc-rules li', { timeout: 20000 });
    const runs = await page.locator('#sc-rules li').allInnerTexts();
    const rulesCol = await page.locator('#sc-epochs tbody tr td:nth-child(8)').allInnerTexts();
    check(
      'a scenario moving to spec 475 at epoch 4: rules spec 425 for epochs 0–3 and spec 475 for 4–11, per epoch in the table',
      runs.length === 2 && runs[0].startsWith(`Runtime rules: spec 425 (${S425}) for epochs 0–3`) && runs[1].startsWith(`Runtime rules: spec 475 (${S475}) for epochs 4–11`) &&
        rulesCol.join() === 'spec 425,spec 425,spec 425,spec 425,spec 475,spec 475,spec 475,spec 475,spec 475,spec 475,spec 475,spec 475',
      `${runs.join(' / ')} | ${rulesCol.join()}`,
    );
    await page.selectOption('#sc-spec-select', '425');
    await page.waitForFunction(() => document.querySelectorAll('#sc-rules li').length === 1, null, { timeout: 10000 });
    const one = await page.locator('#sc-rules li').innerText();
    const ex = await page.locator('#sc-explain').innerText();
    check('the scenario selector at spec 425: one run, assumed; the explanation follows', /^Runtime rules: spec 425 .* for epochs 0–11 — assumed \(spec 425 selected\)/.test(one) && ex.includes('Runtime rules: spec 425'), one);
    const s500 = scenarioText.replace('"initial": {"n": 5,', '"initial": {"n": 5, "spec_version": 500,');
    await page.fill('#paste', s500);
    await page.click('#run-paste');
    await page.waitForSelector('#sc-rules-note:not([hidden])', { timeout: 10000 });
    const note = await page.locator('#sc-rules-note').innerText();
    check('a spec-500 scenario: loads under spec 475, assumed, with the note', (await page.locator('#sc-spec-select').inputValue()) === '475' && /spec_version 500 is newer/.test(note), note);
    await page.click('#load-example');
    await page.waitForSelector('#scenario', { state: 'hidden', timeout: 10000 });
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

  await step('beyond 10000 rows: batches instead of "show all"', async () => {
    const n = 12000;
    const input = {
      n, current_block: 1000, tempo: 100, activity_cutoff: 5000, last_mechanism_step_block: 0,
      last_update: Array(n).fill(990), block_at_registration: Array(n).fill(0),
      alpha_stake: Array.from({ length: n }, (_, i) => (i < 8 ? 1000000 : 0)), tao_stake: Array(n).fill(0),
      tao_weight: 0, stake_threshold: 0, owner_uid: null, validator_permit: Array(n).fill(true),
      max_allowed_validators: 64, weights: Array.from({ length: n }, (_, i) => (i < 8 ? [[i + 8, 65535]] : [])),
      bonds: Array(n).fill([]), kappa: 32767, bonds_penalty: 65535, bonds_moving_average: 900000,
      yuma3_enabled: false, liquid_alpha_enabled: false, alpha_low: 45875, alpha_high: 58982,
      alpha_sigmoid_steepness: 1000, commit_reveal_enabled: false, commit_blocks: Array(n).fill(null),
      rao_emission: 1000000000,
    };
    await page.setInputFiles('#file-input', { name: 'n12000.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(input)) });
    await waitSummary(/Computed 12000 uids/);
    const first = await rowCount();
    const all = await page.locator('#show-all').count();
    await page.click('#show-more');
    const more = await rowCount();
    await page.click('#show-more');
    const last = await rowCount();
    await page.click('#show-more');
    const full = await rowCount();
    const left = await page.locator('#show-more, #show-all').count();
    check(
      '12000 uids: 1000 rows, then batches of 5000 up to all 12000; no "show all"',
      first === 1000 && all === 0 && more === 6000 && last === 11000 && full === 12000 && left === 0,
      `${first}, ${more}, ${last}, ${full}, ${left} buttons left, "show all" ${all}`,
    );
  });

  // ---- Fetch from a node: the fake nodes over HTTP and WebSocket, errors, cancel, a newer
  // runtime; snapshot files through the file input; the comparison view
  const haveNode = !!fakeNode.url && Number.isInteger(fakeNode.netuid) && Number.isInteger(fakeNode.block) && !!fakeNode.spec500;
  check('a fake node was given (--node URL --netuid N --block B --node-spec500 URL)', haveNode, process.argv.slice(3).join(' '));
  const panelState = () => page.locator('#fetch-panel').getAttribute('data-state');
  // Fills the panel, records every value the progress bar takes, clicks Fetch, waits for the end.
  async function fetchFrom(rpc, netuid, block, { assume = false } = {}) {
    await page.fill('#rpc-url', rpc);
    await page.fill('#fetch-netuid', String(netuid));
    if (block === null) await page.check('#fetch-latest');
    else {
      await page.uncheck('#fetch-latest');
      await page.fill('#fetch-block', String(block));
    }
    if (assume) await page.check('#fetch-assume');
    else await page.uncheck('#fetch-assume');
    await page.evaluate(() => {
      const bar = document.getElementById('fetch-progress');
      window.__progress = [];
      window.__progressObserver?.disconnect();
      window.__progressObserver = new MutationObserver(() => window.__progress.push([Number(bar.value), Number(bar.max), Number(bar.dataset.calls)]));
      window.__progressObserver.observe(bar, { attributes: true });
    });
    await page.click('#fetch-run');
    await page.waitForFunction(() => ['done', 'error', 'cancelled'].includes(document.getElementById('fetch-panel').dataset.state), null, { timeout: 30000 });
    return {
      state: await panelState(),
      progress: await page.evaluate(() => window.__progress),
      status: await page.locator('#fetch-status').innerText(),
      error: (await page.locator('#fetch-error').isVisible()) ? await page.locator('#fetch-error').innerText() : '',
    };
  }
  const verdict = () => page.locator('#chain-verdict').innerText();
  const chainRows = () => page.locator('#chain-table tbody tr').count();
  let snapshotText = null;

  if (haveNode) {
    const { netuid, block } = fakeNode;
    const vectorText = readFileSync(join(ROOT, 'tests', 'vectors', 'mech-013-m2-n8.json'), 'utf8');
    const n = 8;

    await step('Fetch from a node: the panel as the page opens', async () => {
      const rpc = await page.locator('#rpc-url').inputValue();
      const latest = await page.locator('#fetch-latest').isChecked();
      const cancel = await page.locator('#fetch-cancel').isDisabled();
      check('the panel: the public Finney endpoint prefilled, latest epoch ticked, Cancel disabled', rpc === 'wss://entrypoint-finney.opentensor.ai:443' && latest && cancel, `${rpc} ${latest} ${cancel}`);
    });

    await step('Fetch over HTTP from the fake node', async () => {
      const r = await fetchFrom(fakeNode.url, netuid, block);
      const values = r.progress.map((p) => p[0]);
      const calls = r.progress.map((p) => p[2]);
      check(
        'HTTP fetch: the progress bar went stage by stage to the last, calls answered rising',
        r.state === 'done' && values.length >= 4 && values.every((v, i) => i === 0 || v >= values[i - 1]) && new Set(values).size >= 4 && values.at(-1) === r.progress.at(-1)[1] && calls.at(-1) > calls[0],
        `${r.state} ${r.error} | ${JSON.stringify(r.progress)}`,
      );
      check('HTTP fetch: the status line counts calls and round trips', new RegExp(`^Fetched subnet ${netuid}'s epoch at block ${block}: \\d+ calls in \\d+ round trips, [\\d.]+ s\\.$`).test(r.status), r.status);
      await page.waitForSelector('#chain-card:not([hidden])', { timeout: 10000 });
      const v = await verdict();
      const rows = await chainRows();
      const flagged = await page.locator('#chain-table td.mismatch').count();
      check(`HTTP fetch: the verdict says every stored value equals the recomputed one; ${n} rows, none flagged`, /^✓ 88 stored values equal the recomputed epoch under spec 425 \(8 uids\)\.$/.test(v) && rows === n && flagged === 0, `${v} | ${rows} rows, ${flagged} flagged`);
      const heads = await page.locator('#chain-table thead th').allInnerTexts();
      check('the comparison table: uid and every compared item, per mechanism', heads.join('|') === 'uid|active|emission|consensus|dividends|validator trust|permit|stake weight|incentive [0]|incentive [1]|bonds [0]|bonds [1]', heads.join('|'));
      // The stored values shown are the chain's: uid 3's incentive in mechanism 1.
      const vec = JSON.parse(vectorText);
      const cell = await page.locator('#chain-table tbody tr[data-uid="3"] td:nth-child(10)').innerText();
      check('a cell shows the stored value (incentive [1] of uid 3 = the vector\'s)', cell === String(vec.expected.per_mechanism[1].incentive[3]), cell);
      const meta = await page.locator('#chain-meta').innerText();
      check(
        'meta: block, hashes, runtime and rules, rao_emission and how it was obtained, where it was read',
        meta.includes(`${block} (state read at B − 1, results at B)`) && /0x[0-9a-f]{64}/.test(meta) && meta.includes('spec_version 425 (the runtime that executed block B) → spec 425') &&
          /confirmed by the stored Emission/.test(meta) && /pending pools/.test(meta) && meta.includes(fakeNode.url),
        meta,
      );
      check('no masked uids, no warnings', (await page.locator('#chain-masked').innerText()) === 'none' && (await page.locator('#chain-warnings').innerText()) === 'none');
      // The snapshot is loaded like a file: the page's table and charts show the recomputed epoch.
      const title = await page.locator('#doc-title').innerText();
      const s = await summaryText();
      check('the snapshot is loaded like a file: its table has n rows, the summary points at the comparison', title === `subnet ${netuid} at block ${block}` && (await rowCount()) === n && /^Recomputed 8 uids from the chain snapshot/.test(s), `${title} | ${s}`);
      await page.screenshot({ path: join(artifacts, 'fetch-http.png'), fullPage: true });
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#chain-download')]);
      snapshotText = readFileSync(await download.path(), 'utf8');
      const snap = JSON.parse(snapshotText);
      const report = JSON.parse(node.verify_snapshot(snapshotText));
      check(
        'Download snapshot: subnet-N-block-B.json, a snapshot that parses and verifies in Node',
        download.suggestedFilename() === `subnet-${netuid}-block-${block}.json` && snap.format === 'yuma-chain-snapshot/1' && snap.meta.block === block && snap.meta.rpc === fakeNode.url && node.is_snapshot(snapshotText) && report.passed === true,
        `${download.suggestedFilename()} ${snap.format}`,
      );
      check('the downloaded snapshot recomputes to what epoch() gives for the vector', node.epoch(snapshotText) === node.epoch(vectorText));
    });

    await step('Fetch over WebSocket from the fake node (latest epoch)', async () => {
      const ws = fakeNode.url.replace(/^http/, 'ws');
      const r = await fetchFrom(ws, netuid, null);
      const values = r.progress.map((p) => p[0]);
      check('WebSocket fetch (latest): the progress bar advanced to the last stage', r.state === 'done' && new Set(values).size >= 4 && values.at(-1) === r.progress.at(-1)[1], `${r.state} ${r.error} | ${values.join(',')}`);
      const v = await verdict();
      check(`WebSocket fetch: the same epoch block, all stored values equal, ${n} rows`, /^✓ 88 stored values equal/.test(v) && (await chainRows()) === n && (await page.locator('#chain-meta dd[data-key="read from"]').innerText()).startsWith(ws), v);
      check('WebSocket fetch: the page opened a WebSocket to the node', requested.some((u) => u.startsWith(ws)), requested.slice(-3).join(' '));
      await page.screenshot({ path: join(artifacts, 'fetch-ws.png') });
    });

    await step('Fetch errors: one line each', async () => {
      let r = await fetchFrom(fakeNode.url, 99, null);
      check(
        'a netuid that does not exist: its one line, the stage it stopped at',
        r.state === 'error' && r.error === `subnet 99 does not exist at block ${block + 1} (NetworksAdded[99] is not set)` && /^Stopped at stage 1 of \d+: finding the epoch block\.$/.test(r.status),
        `${r.state} | ${r.error} | ${r.status}`,
      );
      await page.screenshot({ path: join(artifacts, 'fetch-error.png') });
      const prev = JSON.parse(vectorText).input.mechanisms[0].last_mechanism_step_block;
      r = await fetchFrom(fakeNode.url.replace(/^http/, 'ws'), netuid, block - 1);
      check(
        'a block where no epoch ran (over WebSocket): its line, in the page\'s words',
        r.error === `no epoch of subnet ${netuid} ran at block ${block - 1}: its last epoch by then ran at block ${prev} (LastMechansimStepBlock[${netuid}] at ${block - 1}); fetch block ${prev}, or the latest epoch`,
        r.error,
      );
      const closed = await new Promise((ok) => {
        const srv = createServer();
        srv.listen(0, '127.0.0.1', () => {
          const p = srv.address().port;
          srv.close(() => ok(p));
        });
      });
      expectedRefusals.push(`127.0.0.1:${closed}`);
      r = await fetchFrom(`http://127.0.0.1:${closed}`, netuid, null);
      check('a node that cannot be reached (HTTP): "cannot reach URL: …", one line', r.state === 'error' && r.error.startsWith(`cannot reach http://127.0.0.1:${closed}: the request failed twice (`) && !r.error.includes('\n'), r.error);
      r = await fetchFrom(`ws://127.0.0.1:${closed}`, netuid, null);
      check('a node that cannot be reached (WebSocket): "cannot reach URL: …", one line', r.state === 'error' && r.error.startsWith(`cannot reach ws://127.0.0.1:${closed}: the WebSocket connection failed (closed with code `) && !r.error.includes('\n'), r.error);
      r = await fetchFrom('ftp://127.0.0.1/', netuid, null);
      check('a URL that is not http(s) or ws(s): refused before any request', r.error === 'ftp://127.0.0.1/ is not an http://, https://, ws:// or wss:// URL', r.error);
      await page.fill('#rpc-url', fakeNode.url);
      await page.fill('#fetch-netuid', '70000');
      await page.click('#fetch-run');
      await page.waitForFunction(() => !document.getElementById('fetch-error').hidden && /netuid/.test(document.getElementById('fetch-error').textContent), null, { timeout: 5000 });
      check('a netuid out of range: refused with a line', /^netuid: enter a whole number from 0 to 65535/.test(await page.locator('#fetch-error').innerText()));
      // The results of the last good fetch stay on screen.
      check('after errors the last fetched snapshot is still shown', /^✓ 88 stored values equal/.test(await verdict()) && (await chainRows()) === n);
    });

    await step('Cancel a fetch under way', async () => {
      // The node's answers are held back until the fetch is cancelled.
      let release;
      const held = new Promise((ok) => (release = ok));
      await page.route(fakeNode.url + '/', async (route) => {
        await held;
        await route.abort().catch(() => {});
      });
      await page.fill('#rpc-url', fakeNode.url + '/');
      await page.fill('#fetch-netuid', String(netuid));
      await page.check('#fetch-latest');
      await page.click('#fetch-run');
      await page.waitForFunction(() => document.getElementById('fetch-panel').dataset.state === 'running', null, { timeout: 5000 });
      const cancelEnabled = await page.locator('#fetch-cancel').isEnabled();
      const runDisabled = await page.locator('#fetch-run').isDisabled();
      await page.click('#fetch-cancel');
      await page.waitForFunction(() => document.getElementById('fetch-panel').dataset.state === 'cancelled', null, { timeout: 5000 });
      release();
      await page.unroute(fakeNode.url + '/');
      const status = await page.locator('#fetch-status').innerText();
      check(
        'Cancel: enabled while fetching (Fetch disabled), stops the fetch, says so, no error line, Fetch enabled again',
        cancelEnabled && runDisabled && /^Cancelled at stage \d+ of \d+, after 0 calls\.$/.test(status) && (await page.locator('#fetch-error').isHidden()) && (await page.locator('#fetch-run').isEnabled()),
        `${cancelEnabled} ${runDisabled} ${status}`,
      );
    });

    await step('a runtime newer than any reproduced (a spec 500 fake node)', async () => {
      let r = await fetchFrom(fakeNode.spec500, netuid, null);
      check(
        'spec 500, not ticked: the one line saying runtime 500 is not reproduced, in the page\'s words',
        r.state === 'error' && r.error === `block ${block} ran runtime 500, which is not reproduced by this version of yuma (it reproduces specs up to 475); tick "newer runtime: fetch under the newest rules, assumed" to fetch it under spec 475 anyway`,
        r.error,
      );
      r = await fetchFrom(fakeNode.spec500, netuid, null, { assume: true });
      check('spec 500, ticked: fetched under spec 475, assumed', r.state === 'done', `${r.state} ${r.error}`);
      const v = await verdict();
      const flagged = await page.locator('#chain-table td.mismatch').count();
      const detail = await page.locator('#chain-detail').innerText();
      check(
        'spec 500 snapshot: "Runtime 500 is not reproduced by this version", nothing flagged, the stored values listed',
        v === 'Runtime 500 is not reproduced by this version: the stored values are not compared.' && flagged === 0 && (await chainRows()) === n && /ran runtime 500, which is not reproduced/.test(detail) && /"Compare under spec 475 anyway" computes it under those rules, assumed\.$/.test(detail),
        `${v} | ${flagged} | ${detail}`,
      );
      const note = await page.locator('#rules-note').innerText();
      check('the page\'s epoch view: spec 475 assumed, with the newer-runtime note', (await page.locator('#spec-select').inputValue()) === '475' && /spec_version 500 is newer than any runtime/.test(note), note);
      await page.screenshot({ path: join(artifacts, 'fetch-spec500.png'), fullPage: true });
      await page.click('#chain-assume');
      const va = await verdict();
      check('"Compare under spec 475 anyway": a comparison labelled assumed, not a reproduction of runtime 500', /under spec 475, assumed \(not a reproduction of runtime 500\)/.test(va), va);
      await page.click('#chain-assume');
      check('and back: not reproduced again', (await verdict()).startsWith('Runtime 500 is not reproduced'));
    });

    await step('a snapshot file through the file input: the same comparison', async () => {
      if (!snapshotText) throw new Error('no snapshot downloaded');
      await page.setInputFiles('#file-input', { name: `subnet-${netuid}-block-${block}.json`, mimeType: 'application/json', buffer: Buffer.from(snapshotText) });
      await page.waitForFunction((f) => document.getElementById('doc-meta').textContent.includes(`source: ${f}`), `subnet-${netuid}-block-${block}.json`, { timeout: 10000 });
      const v = await verdict();
      check(`a snapshot file: the comparison view, ${n} rows, all equal`, /^✓ 88 stored values equal/.test(v) && (await chainRows()) === n && (await rowCount()) === n, v);
      // A stored value altered: that cell flagged, computed ≠ stored.
      const alt = JSON.parse(snapshotText);
      const was = alt.chain.incentive[1][3];
      alt.chain.incentive[1][3] = was + 1;
      alt.meta.masked_uids = [{ uid: 5, reason: 're-registered in block 6,055,018 after the epoch: Keys changed (test)' }];
      await page.setInputFiles('#file-input', { name: 'altered-snapshot.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(alt)) });
      await page.waitForFunction(() => /differ/.test(document.getElementById('chain-verdict').textContent), null, { timeout: 10000 });
      const va = await verdict();
      const cells = page.locator('#chain-table td.mismatch');
      const count = await cells.count();
      const uid = count ? await cells.first().locator('xpath=..').getAttribute('data-uid') : null;
      const col = count ? await cells.first().evaluate((td) => td.cellIndex) : null;
      const tip = count ? await cells.first().getAttribute('title') : '';
      check(
        'an altered stored value: "1 of 77 stored values differ", that one cell flagged with both values',
        /^✗ 1 of 77 stored values differ from the recomputed epoch under spec 425 \(at 1 of 8 uids, 1 masked uid skipped\)\.$/.test(va) && count === 1 && uid === '3' && col === 9 && tip === `incentive[1] uid 3: computed ${was}, stored ${was + 1}`,
        `${va} | ${count} at uid ${uid} col ${col} | ${tip}`,
      );
      const masked = await page.locator('#chain-masked').innerText();
      const row = page.locator('#chain-table tbody tr[data-uid="5"]');
      check('a masked uid: listed with its reason, its row marked and not compared', masked === 'uid 5: re-registered in block 6,055,018 after the epoch: Keys changed (test)' && (await row.getAttribute('class')) === 'masked' && (await row.locator('td.mismatch').count()) === 0, masked);
      await page.locator('#chain-card').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifacts, 'snapshot-mismatch.png'), fullPage: true });
      // A document that is not a snapshot hides the comparison.
      await page.click('#load-example');
      await waitSummary(/256 \/ 256 uids match/);
      check('a vector after a snapshot: no comparison card', await page.locator('#chain-card').isHidden());
    });
  }

  // Offline: the page and the nodes it was told to fetch from are all on 127.0.0.1.
  const foreign = requested.filter((u) => {
    const p = new URL(u);
    return p.hostname !== '127.0.0.1' && p.protocol !== 'blob:' && p.protocol !== 'data:';
  });
  check('the page asked for nothing beyond 127.0.0.1 (its own files and the nodes it was told to fetch from; never the prefilled endpoint)', foreign.length === 0 && requested.length > 0, foreign.slice(0, 5).join(' '));

  check('no page errors or console errors', pageErrors.length === 0, pageErrors.join(' | '));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(summary('browser') ? 1 : 0);
