// Checks the exported API of the WASM build (Node target): outputs, version, error messages, and
// that no input makes the module trap (a Rust panic would surface as WebAssembly.RuntimeError).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WASM_DIR, alterExpected, check, loadNodePkg, rawMember, summary } from './common.mjs';

const yuma = loadNodePkg();
const vectors = join(ROOT, 'tests', 'vectors');
const read = (f) => readFileSync(join(vectors, f), 'utf8');

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
  check('an altered split is reported', !bad.passed && bad.mismatches.some((x) => x.field === 'split'), JSON.stringify(bad.mismatches));
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

// ---- errors: the CLI's messages (without its `yuma: <path>: ` prefix), as JS exceptions
{
  const tiny = read('tiny-n2-cross-weights-y2.json');
  const input = rawMember(tiny, 'input');
  const obj = (s) => input.replace(/^\{/, `{${s},`);
  const cases = [
    ['empty document', () => yuma.epoch(''), 'document: EOF while parsing a value at line 1 column 0'],
    ['truncated JSON', () => yuma.epoch('{"n": 2'), /^document: EOF while parsing an object at line 1 column 7$/],
    ['not an object', () => yuma.epoch('[1, 2]'), /^document: invalid type: sequence, expected a JSON object/],
    ['duplicate key', () => yuma.epoch(obj('"n": 2')), /duplicate key `n`/],
    ['unknown field', () => yuma.epoch(obj('"bogus": 1')), /unknown field `bogus`/],
    ['float where an integer is expected', () => yuma.epoch(input.replace(/"kappa":\s*\d+/, '"kappa": 1.5')), /`kappa`: invalid type: floating point `1.5`, expected u16/],
    ['negative integer', () => yuma.epoch(input.replace(/"tempo":\s*\d+/, '"tempo": -1')), /`tempo`: invalid value: integer `-1`, expected u16/],
    ['missing field', () => yuma.epoch('{"n": 1}'), /^missing field `current_block`/],
    ['per-uid length', () => yuma.epoch(input.replace(/"n":\s*2/, '"n": 3')), 'field `block_at_registration`: expected 3 entries (one per uid, n = 3), found 2'],
    ['verify of a bare input', () => yuma.verify(input), 'not a vector file (no `input`/`expected`)'],
    ['vector with an unknown key', () => yuma.verify(tiny.replace(/^\{/, '{"extra": 1,')), 'vector file: unknown key `extra`'],
    ['no mechanisms', () => yuma.epoch('{"rao_emission": 1, "emission_split": null, "mechanisms": []}'), 'field `mechanisms`: holds no mechanism (the chain always has at least one)'],
    [
      'bonds_moving_average overflow (Yuma 3)',
      () => yuma.epoch(input.replace(/"bonds_moving_average":\s*\d+/, '"bonds_moving_average": 18446744073709551615').replace(/"yuma3_enabled":\s*false/, '"yuma3_enabled": true')),
      /^field `bonds_moving_average`: 18446744073709551615 overflows/,
    ],
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
  const fns = [yuma.epoch, yuma.epoch_with_trace, yuma.verify, (t) => analyze(t, '{"liquid_alpha_enabled": true, "yuma3_enabled": true}'), (t) => yuma.run_timed(t, 1)];
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
}

// The page's example files are exact copies of vectors and pass.
for (const f of readdirSync(join(WASM_DIR, 'www', 'examples'))) {
  const text = readFileSync(join(WASM_DIR, 'www', 'examples', f), 'utf8');
  check(`example ${f} is a vector that passes`, JSON.parse(yuma.verify(text)).passed === true);
}

process.exit(summary('api') ? 1 : 0);
