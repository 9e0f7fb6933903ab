// Checks the exported API of the WASM build (Node target): outputs, version, error messages, and
// that no input makes the module trap (a Rust panic would surface as WebAssembly.RuntimeError).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WASM_DIR, alterExpected, check, loadNodePkg, rawMember, summary } from './common.mjs';

const yuma = loadNodePkg();
const vectors = join(ROOT, 'tests', 'vectors');
const read = (f) => readFileSync(join(vectors, f), 'utf8');
const scenarios = join(ROOT, 'data', 'scenarios');
const readScenario = (f) => readFileSync(join(scenarios, f), 'utf8');
// Deep equality of parsed JSON (object key order ignored); the values compared are exact
// because every number must be a safe integer.
function sameJson(a, b) {
  if (typeof a === 'number' || typeof b === 'number') return Number.isSafeInteger(a) && a === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson(a[k], b[k]));
}

function thrown(f) {
  try {
    f();
    return null;
  } catch (e) {
    return e;
  }
}
// The page's call: two JSON texts, the report and the chart traces.
function analyze(text, overrides) {
  const a = yuma.analyze(text, overrides);
  const r = JSON.parse(a.report);
  r.traces = JSON.parse(a.traces);
  a.free();
  return r;
}
const isTrap = (e) => e instanceof WebAssembly.RuntimeError || !(e instanceof Error);

// ---- version
{
  const cargo = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8');
  const ver = /\[package\][^[]*?\nversion\s*=\s*"([^"]+)"/.exec(cargo)[1];
  const commit = /REFERENCE_COMMIT: &str = "([0-9a-f]{40})"/.exec(readFileSync(join(ROOT, 'src', 'lib.rs'), 'utf8'))[1];
  check('version() names the crate version and the reference commit', yuma.version() === `yuma ${ver} (subtensor ${commit})`, yuma.version());
  check('crate_version() / reference_commit()', yuma.crate_version() === ver && yuma.reference_commit() === commit);
}

// ---- epoch / epoch_with_trace / verify agree, on an epoch vector
{
  const text = read('realistic-030-v64.json');
  const input = rawMember(text, 'input');
  const out = yuma.epoch(text);
  check('epoch(vector) equals epoch(its bare input)', out === yuma.epoch(input));
  const v = JSON.parse(yuma.verify(text));
  check('verify(vector) passes with no mismatches', v.passed === true && v.mismatches.length === 0 && v.error === null);
  check('verify(vector).output is the epoch output', JSON.stringify(v.output) === JSON.stringify(JSON.parse(out)));
  check('verify reports name, category, kind, n', v.name === 'realistic-030-v64' && v.category === 'realistic' && v.kind === 'epoch' && v.n === 256);
  const keys = Object.keys(JSON.parse(out)).sort().join(',');
  check(
    'epoch output has the EpochOutput fields and no trace',
    keys === 'active,bonds,consensus,dividends,emission,incentive,new_validator_permit,server_emission,stake,stake_weight,validator_emission,validator_trust',
    keys,
  );
  const withTrace = yuma.epoch_with_trace(input);
  const trace = rawMember(withTrace, 'trace');
  check('epoch_with_trace adds a trace with the 9 trace fields', Object.keys(JSON.parse(trace)).length === 9);
  // Round trip: the computed output and trace, used as a vector's claims, verify exactly.
  const rt = `{"name":"roundtrip","category":"x","input":${input},"expected":${out},"trace":${trace}}`;
  check('computed output + trace verify as a vector (exact u64 round trip)', JSON.parse(yuma.verify(rt)).passed === true);
  // A changed claim is reported at the right field and uid.
  const k = 200;
  const alt = alterExpected(text, 'incentive', k, (x) => (x === 65535n ? x - 1n : x + 1n));
  const bad = JSON.parse(yuma.verify(alt.text));
  const m = bad.mismatches[0] || {};
  check(
    'an altered expected value is one mismatch at (incentive, uid)',
    !bad.passed && bad.mismatches.length === 1 && m.field === 'incentive' && m.uid === k && m.got === alt.old && m.expected === alt.now,
    JSON.stringify(bad.mismatches),
  );
  const tr = alterExpected(text, 'stake', 3, (x) => x + 1n);
  check('an altered stake is flagged', JSON.parse(yuma.verify(tr.text)).mismatches.some((x) => x.field === 'stake' && x.uid === 3));
}

// ---- mechanisms
{
  const f = readdirSync(vectors).find((x) => x.startsWith('mech-'));
  const text = read(f);
  const out = JSON.parse(yuma.epoch(text));
  check('epoch(mechanisms vector) returns split, per_mechanism, aggregated', Array.isArray(out.split) && Array.isArray(out.per_mechanism) && typeof out.aggregated === 'object');
  check('epoch_with_trace(mechanisms) is the mechanisms output (as the CLI)', yuma.epoch_with_trace(text) === yuma.epoch(text));
  check('epoch(bare MechanismsInput) works', yuma.epoch(rawMember(text, 'input')) === yuma.epoch(text));
  const v = JSON.parse(yuma.verify(text));
  check('verify(mechanisms vector) passes', v.passed && v.kind === 'mechanisms');
  const a = analyze(text, '');
  check('analyze(mechanisms) compares and has one trace per mechanism', a.compared && a.passed && a.traces.length === out.per_mechanism.length);
  const alt = alterExpected(text, 'split', 0, (x) => x + 1n);
  const bad = JSON.parse(yuma.verify(alt.text));
  check('an altered split is reported', !bad.passed && bad.mismatches.some((x) => x.field === 'split[0]' && x.uid === null), JSON.stringify(bad.mismatches));
}

// ---- analyze (the page's call)
{
  const text = read('realistic-030-v64.json');
  const a = analyze(text, '');
  check('analyze(vector) compares and passes', a.compared && a.passed && !a.whatif && a.mismatches.length === 0);
  check('analyze returns params and timings', a.params.kappa >= 0 && a.compute_ms >= 0 && a.parse_ms >= 0);
  check('analyze traces hold consensus and weights', a.traces.length === 1 && a.traces[0].consensus.length === 256 && a.traces[0].weights_normalized.length >= 1);
  const same = analyze(text, JSON.stringify({ kappa: a.params.kappa }));
  check('overrides equal to the file values are not a what-if', !same.whatif && same.compared && same.passed);
  const w = analyze(text, '{"kappa": 1000, "yuma3_enabled": false}');
  check('overrides make a what-if run without comparison', w.whatif && !w.compared && w.passed === null && w.params.kappa === 1000 && w.params.yuma3_enabled === false);
  const e = thrown(() => yuma.analyze(text, '{"kapa": 1}'));
  check('unknown override throws', e instanceof Error && !isTrap(e) && /^overrides: unknown field `kapa`/.test(e.message), e && e.message);
  const e2 = thrown(() => yuma.analyze(text, '{"kappa": 70000}'));
  check('out-of-range override throws', e2 instanceof Error && /^overrides: invalid value: integer `70000`/.test(e2.message), e2 && e2.message);
}

// ---- run_timed
{
  const r = JSON.parse(yuma.run_timed(read('realistic-030-v64.json'), 3));
  check('run_timed reports times', r.n === 256 && r.reps === 3 && r.median_ms > 0 && r.min_ms <= r.median_ms && r.median_ms <= r.max_ms);
}

// ---- simulate: scenarios, against the per-epoch vectors
{
  const text = readScenario('kappa-moves-first-y3.json');
  const r = JSON.parse(yuma.simulate(text));
  const want = Array.from({ length: 12 }, (_, k) => JSON.parse(read(`seq-kappa-moves-first-y3-e${String(k).padStart(2, '0')}.json`)).expected);
  check(
    'simulate(kappa-moves-first-y3): 12 epochs equal to seq-kappa-moves-first-y3-e00..e11 expected, in order',
    r.epochs.length === 12 && r.epochs.every((o, k) => sameJson(o, want[k])),
    `${r.epochs.length} epochs; first differing: ${r.epochs.findIndex((o, k) => !sameJson(o, want[k]))}`,
  );
  check('simulate reports blocks, n and patched fields per epoch', sameJson(r.blocks, [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]) && r.n.every((n) => n === 5) && r.patched[0].length === 0 && r.patched[1].join() === 'current_block,last_update,weights', JSON.stringify([r.blocks, r.patched[1]]));
  check('simulate reports the initial params and timings', r.params.yuma3_enabled === true && r.params.kappa === 32767 && r.compute_ms >= 0 && r.parse_ms >= 0);
  // The CSV: one row per (epoch, uid) with the outputs' values.
  const lines = r.csv.trimEnd().split('\n');
  const head = lines[0].split(',');
  const col = (name) => head.indexOf(name);
  const rowsOk = lines.slice(1).every((line) => {
    const c = line.split(',');
    const [k, uid] = [Number(c[0]), Number(c[1])];
    const o = r.epochs[k];
    return (
      String(o.dividends[uid]) === c[col('dividends')] &&
      String(o.incentive[uid]) === c[col('incentive')] &&
      String(o.server_emission[uid]) === c[col('server_emission')] &&
      String(o.validator_emission[uid]) === c[col('validator_emission')] &&
      String(o.bonds[uid].length) === c[col('bonds')]
    );
  });
  check('simulate csv: header, 12 × 5 rows holding the outputs', head[0] === 'epoch' && head[1] === 'uid' && lines.length === 1 + 12 * 5 && rowsOk, `${lines.length} lines`);

  // Every example scenario reproduces its seq-* vectors (the chain's epochs, step by step).
  let compared = 0;
  const bad = [];
  for (const f of readdirSync(scenarios).filter((x) => x.endsWith('.json'))) {
    const name = f.replace(/\.json$/, '');
    const out = JSON.parse(yuma.simulate(readScenario(f))).epochs;
    out.forEach((o, k) => {
      const vf = `seq-${name}-e${String(k).padStart(2, '0')}.json`;
      if (!readdirSync(vectors).includes(vf)) return;
      compared++;
      if (!sameJson(o, JSON.parse(read(vf)).expected)) bad.push(vf);
    });
  }
  check(`simulate of every example scenario equals its seq-* vectors (${compared} epochs)`, compared >= 12 * 12 && bad.length === 0, bad.join(', '));

  // Errors: the CLI's text after `yuma: <path>: `.
  const cases = [
    ['an invalid patch key names it', () => yuma.simulate(text.replace('"current_block": 8,', '"current_blok": 8,')), /^`epochs\[3\]\.current_blok`: unknown field `current_blok`, expected one of `n`, /],
    ['an invalid initial key', () => yuma.simulate(text.replace('"initial": {"n": 5,', '"initial": {"n": 5, "bogus": 1,')), /^`initial\.bogus`: unknown field `bogus`/],
    ['a duplicate patch key', () => yuma.simulate(text.replace('"current_block": 8,', '"current_block": 8, "current_block": 9,')), /^`epochs\[3\]`: duplicate field `current_block`/],
    ['a top-level key other than initial/epochs', () => yuma.simulate(text.replace('"epochs"', '"epoch"')), /^`epoch`: unknown field `epoch`, expected `initial` or `epochs`/],
    ['no initial', () => yuma.simulate('{}'), /^missing field `initial`/],
    ['an epoch that cannot be computed', () => yuma.simulate(text.replace('{"current_block": 8,', '{"n": 6, "current_block": 8,')), 'epoch 3: field `block_at_registration`: expected 6 entries (one per uid, n = 6), found 5'],
    ['truncated JSON', () => yuma.simulate(text.slice(0, 100)), /EOF while parsing/],
  ];
  for (const [name, f, want] of cases) {
    const e = thrown(f);
    const msg = e && e.message;
    const ok = e instanceof Error && !isTrap(e) && (typeof want === 'string' ? msg === want : want.test(msg));
    check(`simulate error: ${name}`, ok, e ? `${e.constructor.name}: ${msg}` : 'no exception');
  }
  const empty = JSON.parse(yuma.simulate(text.replace(/"epochs":\s*\[[\s\S]*\]\s*\}\s*$/, '"epochs": []}')));
  check('a scenario with no epochs simulates to nothing', empty.epochs.length === 0 && empty.csv.split('\n')[0].startsWith('epoch,uid,'));
}

// ---- explain / explain_with / explain_epoch
{
  const tiny = read('tiny-n2-cross-weights-y2.json');
  const t = yuma.explain(tiny, 1);
  check('explain(vector, uid) is the readable account of that uid', t.startsWith('uid 1 of n = 2 (Yuma 2)') && /\nStake\n/.test(t) && /consensus/.test(t), t.slice(0, 80));
  check('explain(vector) equals explain(its bare input)', t === yuma.explain(rawMember(tiny, 'input'), 1));
  check('explain_with without overrides equals explain', yuma.explain_with(tiny, '', 1) === t);
  const big = read('realistic-030-v64.json');
  const base = yuma.explain_with(big, '', 3);
  const what = yuma.explain_with(big, '{"kappa": 6000}', 3);
  check('explain_with applies what-if overrides', base !== what && /kappa 6000\/65535/.test(what) && !/kappa 6000\/65535/.test(base));
  const mech = read(readdirSync(vectors).find((x) => x.startsWith('mech-')));
  const m1 = yuma.explain_with(mech, '', 0, 1);
  const out = JSON.parse(yuma.epoch(mech));
  check(
    'explain_with(mechanisms, mechanism k) explains that mechanism with its share of the emission',
    m1.startsWith('uid 0 of n = ') && m1.includes(`server emission  ${out.per_mechanism[1].server_emission[0]} rao`),
    m1.split('\n').find((l) => l.includes('server emission')),
  );
  const inputErr = rawMember(tiny, 'input');
  const cases = [
    ['uid >= n', () => yuma.explain(tiny, 5), 'uid 5 is not in the subnet (uids are 0 to 1)'],
    ['a mechanisms document (as the CLI)', () => yuma.explain(mech, 0), 'expected an epoch input, not mechanisms'],
    ['a mechanism out of range', () => yuma.explain_with(mech, '', 0, 9), /^mechanism 9: the document has \d+ mechanisms$/],
    ['bad JSON', () => yuma.explain('{', 0), /^document: EOF while parsing/],
    ['an unknown field', () => yuma.explain(inputErr.replace(/^\{/, '{"bogus": 1,'), 0), /unknown field `bogus`/],
    ['a bad override', () => yuma.explain_with(tiny, '{"kapa": 1}', 0), /^overrides: unknown field `kapa`/],
    ['a scenario given to explain (as the CLI)', () => yuma.explain(readScenario('kappa-moves-first-y3.json'), 0), /^`initial`: unknown field `initial`/],
  ];
  for (const [name, f, want] of cases) {
    const e = thrown(f);
    const msg = e && e.message;
    const ok = e instanceof Error && !isTrap(e) && (typeof want === 'string' ? msg === want : want.test(msg));
    check(`explain error: ${name}`, ok, e ? `${e.constructor.name}: ${msg}` : 'no exception');
  }
  // explain_epoch replays the scenario: epoch k's account equals `yuma explain` of vector e_k.
  const sc = readScenario('kappa-moves-first-y3.json');
  const diff = [];
  for (let k = 0; k < 12; k++) {
    const v = read(`seq-kappa-moves-first-y3-e${String(k).padStart(2, '0')}.json`);
    for (let uid = 0; uid < 5; uid++) if (yuma.explain_epoch(sc, k, uid) !== yuma.explain(v, uid)) diff.push(`${k}/${uid}`);
  }
  check('explain_epoch(scenario, k, uid) equals explain(seq vector e_k, uid) for every epoch and uid', diff.length === 0, diff.join(' '));
  const ecases = [
    ['epoch out of range', () => yuma.explain_epoch(sc, 12, 0), 'epoch 12: the scenario has 12 epochs (0 to 11)'],
    ['uid out of range', () => yuma.explain_epoch(sc, 3, 5), 'epoch 3: uid 5 is not in the subnet (uids are 0 to 4)'],
    ['an earlier epoch fails', () => yuma.explain_epoch(sc.replace('{"current_block": 8,', '{"n": 6, "current_block": 8,'), 5, 0), 'epoch 3: field `block_at_registration`: expected 6 entries (one per uid, n = 6), found 5'],
    ['a bad patch', () => yuma.explain_epoch(sc.replace('"current_block": 8,', '"current_blok": 8,'), 0, 0), /^`epochs\[3\]\.current_blok`: unknown field/],
  ];
  for (const [name, f, want] of ecases) {
    const e = thrown(f);
    const msg = e && e.message;
    const ok = e instanceof Error && !isTrap(e) && (typeof want === 'string' ? msg === want : want.test(msg));
    check(`explain_epoch error: ${name}`, ok, e ? `${e.constructor.name}: ${msg}` : 'no exception');
  }
}

// ---- errors: the CLI's messages (without its `yuma: <path>: ` prefix), as JS exceptions
{
  const tiny = read('tiny-n2-cross-weights-y2.json');
  const input = rawMember(tiny, 'input');
  const obj = (s) => input.replace(/^\{/, `{${s},`);
  const cases = [
    ['empty document', () => yuma.epoch(''), 'document: empty (nothing but white space before EOF)'],
    ['truncated JSON', () => yuma.epoch('{"n": 2'), /^document: EOF while parsing an object at line 1 column 7$/],
    ['not an object', () => yuma.epoch('[1, 2]'), /^document: invalid type: sequence, expected a JSON object/],
    ['duplicate key', () => yuma.epoch(obj('"n": 2')), /duplicate key `n`/],
    ['unknown field', () => yuma.epoch(obj('"bogus": 1')), /unknown field `bogus`/],
    ['float where an integer is expected', () => yuma.epoch(input.replace(/"kappa":\s*\d+/, '"kappa": 1.5')), /`kappa`: expected u16, found 1\.5: not an integer/],
    ['negative integer', () => yuma.epoch(input.replace(/"tempo":\s*\d+/, '"tempo": -1')), /`tempo`: invalid value: integer `-1`, expected u16/],
    ['missing field', () => yuma.epoch('{"n": 1}'), /^missing field `current_block`/],
    ['per-uid length', () => yuma.epoch(input.replace(/"n":\s*2/, '"n": 3')), 'field `block_at_registration`: expected 3 entries (one per uid, n = 3), found 2'],
    ['verify of a bare input', () => yuma.verify(input), 'not a vector file (no `input`/`expected`)'],
    ['vector with an unknown key', () => yuma.verify(tiny.replace(/^\{/, '{"extra": 1,')), 'vector file: unknown key `extra`'],
    ['no mechanisms', () => yuma.epoch('{"rao_emission": 1, "emission_split": null, "mechanisms": []}'), 'field `mechanisms`: holds no mechanism (the chain always has at least one)'],
    ['u64 overflow', () => yuma.epoch(input.replace(/"rao_emission":\s*\d+/, '"rao_emission": 18446744073709551616')), /`rao_emission`/],
    ['garbage text', () => yuma.run_timed('x', 1), 'document: expected value at line 1 column 1'],
  ];
  for (const [name, f, want] of cases) {
    const e = thrown(f);
    const msg = e && e.message;
    const ok = e instanceof Error && !isTrap(e) && (typeof want === 'string' ? msg === want : want.test(msg));
    check(`error: ${name}`, ok, e ? `${e.constructor.name}: ${msg}` : 'no exception');
  }
}

// ---- an enormous Yuma 3 bonds_moving_average wraps, as in the chain's release runtime
{
  // Expected values from upstream's math.rs under a transcription of epoch_mechanism (see
  // tests/properties.rs, huge_bonds_moving_average_wraps_as_the_chain_does).
  const input = JSON.stringify({
    n: 3, current_block: 1000, tempo: 100, activity_cutoff: 5000, last_mechanism_step_block: 0,
    last_update: [990, 990, 990], block_at_registration: [0, 0, 0], alpha_stake: [600000000000, 400000000000, 0],
    tao_stake: [0, 0, 0], tao_weight: 0, stake_threshold: 0, owner_uid: null, validator_permit: [true, true, false],
    max_allowed_validators: 64, weights: [[[2, 65535]], [[2, 65535]], []], bonds: [[[2, 30000]], [[2, 20000]], []],
    kappa: 32767, bonds_penalty: 65535, bonds_moving_average: 0, yuma3_enabled: true, liquid_alpha_enabled: false,
    alpha_low: 45875, alpha_high: 58982, alpha_sigmoid_steepness: 1000, commit_reveal_enabled: false,
    commit_blocks: [null, null, null], rao_emission: 1000000000,
  }).replace('"bonds_moving_average":0', '"bonds_moving_average":18446744073709551615');
  let out = null;
  try {
    out = JSON.parse(yuma.epoch(input));
  } catch (e) {
    out = { error: String(e) };
  }
  check(
    'Yuma 3 with bonds_moving_average = u64::MAX computes the wrapped-alpha epoch',
    JSON.stringify(out.dividends) === '[39320,26214,0]' && JSON.stringify(out.validator_emission) === '[299999981,200000018,0]',
    JSON.stringify(out),
  );
}

{
  const a = (bma, y3) => yuma.ema_alpha_bits(bma, y3);
  check(
    'ema_alpha_bits: Yuma 2 saturates, Yuma 3 wraps (as the chain converts bonds_moving_average)',
    a(900000n, false) === String(4294967296n - 3865470566n) &&
      a(900000n, true) === a(900000n, false) &&
      a(3000000000000000n, true) === '5561842190004518912' &&
      a(18446744073709551615n, true) === '4294971591' &&
      a(3000000000000000n, false) === String(4294967296n - 9223372036854775807n),
    [a(900000n, false), a(3000000000000000n, true), a(18446744073709551615n, true), a(3000000000000000n, false)].join(' '),
  );
}

// ---- no input traps: random mutations of small documents through every export
{
  let seed = 12345;
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const small = readdirSync(vectors)
    .filter((f) => /^(tiny|edge|mech)-/.test(f))
    .filter((_, i) => i % 9 === 0)
    .map(read);
  const repl = ['0', '65535', '65536', '-1', '18446744073709551615', '4294967296', 'null', 'true', '[]', '{}', '""', '1e3', '2.5', '[[0,65535]]', '[[65535,1]]'];
  let calls = 0;
  let traps = 0;
  let firstTrap = '';
  const fns = [
    yuma.epoch,
    yuma.epoch_with_trace,
    yuma.verify,
    (t) => analyze(t, '{"liquid_alpha_enabled": true, "yuma3_enabled": true}'),
    (t) => yuma.run_timed(t, 1),
    (t) => yuma.explain_with(t, '{"yuma3_enabled": true}', rnd(40), rnd(3)),
  ];
  for (let it = 0; it < 3000; it++) {
    const base = small[rnd(small.length)];
    let t = base;
    const op = rnd(4);
    if (op === 0) t = base.slice(0, rnd(base.length));
    else if (op === 1) {
      // replace a number
      const nums = [...base.matchAll(/-?\d+/g)];
      const m = nums[rnd(nums.length)];
      t = base.slice(0, m.index) + repl[rnd(repl.length)] + base.slice(m.index + m[0].length);
    } else if (op === 2) {
      const p = rnd(base.length);
      t = base.slice(0, p) + base.slice(p + 1 + rnd(5));
    } else {
      t = base.replace(/true|false/g, (x) => (rnd(3) === 0 ? (x === 'true' ? 'false' : 'true') : x));
    }
    for (const f of fns) {
      calls++;
      try {
        f(t);
      } catch (e) {
        if (isTrap(e)) {
          traps++;
          if (!firstTrap) firstTrap = `${e}`;
        }
      }
    }
  }
  check(`no trap on ${calls} calls with mutated documents`, traps === 0, `${traps} traps, first: ${firstTrap}`);

  // Scenarios: mutated patches and initial states through simulate and explain_epoch.
  const scen = readdirSync(scenarios).filter((f) => f.endsWith('.json')).map(readScenario);
  const keys = ['n', 'current_block', 'tempo', 'kappa', 'weights', 'bonds', 'validator_permit', 'alpha_stake', 'last_update', 'owner_uid', 'bonds_moving_average', 'rao_emission', 'max_allowed_validators'];
  const vals = [...repl, '[[[0, 65535]]]', '[[], [[9, 1]]]', '[true]', '[0, 0, 0, 0, 0, 0, 0]'];
  let scalls = 0;
  let straps = 0;
  let sfirst = '';
  for (let it = 0; it < 1500; it++) {
    const base = scen[rnd(scen.length)];
    let t = base;
    const op = rnd(3);
    if (op === 0) t = base.slice(0, rnd(base.length));
    else if (op === 1) {
      const nums = [...base.matchAll(/-?\d+/g)];
      const m = nums[rnd(nums.length)];
      t = base.slice(0, m.index) + repl[rnd(repl.length)] + base.slice(m.index + m[0].length);
    } else {
      // A patch: {} -> {"key": value}; or an extra key in a non-empty patch.
      const k = keys[rnd(keys.length)];
      const v = vals[rnd(vals.length)];
      t = rnd(2) ? base.replace('{}', `{"${k}": ${v}}`) : base.replace('{"current_block": 6', `{"${k}": ${v}, "current_block": 6`);
    }
    for (const f of [yuma.simulate, (x) => yuma.explain_epoch(x, rnd(14), rnd(8))]) {
      scalls++;
      try {
        f(t);
      } catch (e) {
        if (isTrap(e)) {
          straps++;
          if (!sfirst) sfirst = `${e}`;
        }
      }
    }
  }
  check(`no trap on ${scalls} simulate/explain_epoch calls with mutated scenarios`, straps === 0, `${straps} traps, first: ${sfirst}`);
}

// Inputs over the browser build's entry cap (2^24 weight and bond entries, which fit its 4 GB
// memory; a full 4096-uid subnet does not) are refused with a message, never a trap.
{
  const t0 = Date.now();
  const row = `[${'[0,1],'.repeat(2 ** 24)}[0,1]]`;
  const input = `{"n":1,"current_block":1000,"tempo":100,"activity_cutoff":5000,"last_mechanism_step_block":0,` +
    `"last_update":[990],"block_at_registration":[0],"alpha_stake":[1000],"tao_stake":[0],"tao_weight":0,` +
    `"stake_threshold":0,"owner_uid":null,"validator_permit":[true],"max_allowed_validators":1,` +
    `"weights":[${row}],"bonds":[[]],"kappa":32767,"bonds_penalty":0,"bonds_moving_average":900000,` +
    `"yuma3_enabled":false,"liquid_alpha_enabled":false,"alpha_low":45875,"alpha_high":58982,` +
    `"alpha_sigmoid_steepness":1000,"commit_reveal_enabled":false,"commit_blocks":[null],"rao_emission":1000}`;
  const capped = (e) => e instanceof Error && !isTrap(e) && /16777217 weight and bond entries in all: the WebAssembly build takes at most 16777216/.test(e.message);
  const e1 = thrown(() => analyze(input, '{}'));
  check('analyze refuses 2^24 + 1 entries with a message', capped(e1), `${e1}`);
  const small = input.replace(row, '[[0,1]]');
  check('the same input with one entry runs', JSON.parse(yuma.epoch(small)).active.length === 1);
  const e2 = thrown(() => yuma.simulate(`{"initial":${small},"epochs":[{"weights":[${row.replace('[[0,1],', '[')}]}]}`));
  check('simulate counts patched entries toward the cap', capped(e2), `${e2}`);
  console.log(`  (entry-cap checks: ${Date.now() - t0} ms)`);
}

// The page's example files are exact copies of vectors that pass, or of example scenarios.
for (const f of readdirSync(join(WASM_DIR, 'www', 'examples'))) {
  const text = readFileSync(join(WASM_DIR, 'www', 'examples', f), 'utf8');
  if (readdirSync(scenarios).includes(f)) {
    check(`example ${f} is a copy of data/scenarios/${f} and simulates`, text === readScenario(f) && JSON.parse(yuma.simulate(text)).epochs.length > 0);
  } else {
    check(`example ${f} is a vector that passes`, JSON.parse(yuma.verify(text)).passed === true);
  }
}

process.exit(summary('api') ? 1 : 0);
