// Checks the exported API of the WASM build (Node target): outputs, version, error messages, and
// that no input makes the module trap (a Rust panic would surface as WebAssembly.RuntimeError).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { ROOT, WASM_DIR, alterExpected, check, loadNodePkg, rawMember, startFakeNode, summary } from './common.mjs';
import { Cancelled, FetchError, HttpTransport, WsTransport, runFetch } from '../www/js/fetch.js';

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

// ---- version, and the rule sets it reproduces
{
  const cargo = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8');
  const ver = /\[package\][^[]*?\nversion\s*=\s*"([^"]+)"/.exec(cargo)[1];
  const commit = /REFERENCE_COMMIT: &str = "([0-9a-f]{40})"/.exec(readFileSync(join(ROOT, 'src', 'lib.rs'), 'utf8'))[1];
  // `yuma --version`'s words: the string literals after env!("CARGO_PKG_VERSION") in the CLI.
  const main = readFileSync(join(ROOT, 'src', 'bin', 'yuma', 'main.rs'), 'utf8');
  const lit = /version = concat!\(\s*env!\("CARGO_PKG_VERSION"\),\s*((?:"(?:[^"\\]|\\[\s\S])*"\s*)+)\)/.exec(main);
  const cli = lit ? [...lit[1].matchAll(/"((?:[^"\\]|\\[\s\S])*)"/g)].map((m) => m[1].replace(/\\\n\s*/g, '')).join('') : null;
  check('version() names both rule sets, as `yuma --version`', cli !== null && yuma.version() === `yuma ${ver}${cli}`, `${yuma.version()} vs ${cli}`);
  check('version() names both sources', /14bc6f9f964b9cc362e9635dd110a487fa5d15a0 below spec 446/.test(yuma.version()) && /coldint\/subtensor 02214123eb6d1aae01812fe515f0e0535c9b9da0 from 446/.test(yuma.version()));
  check('crate_version() / reference_commit()', yuma.crate_version() === ver && yuma.reference_commit() === commit);
  const known = JSON.parse(yuma.known_rules());
  const runtimeRs = readFileSync(join(ROOT, 'src', 'runtime.rs'), 'utf8');
  check(
    'known_rules(): spec 425 and spec 475, with the sources runtime.rs names',
    known.length === 2 && known[0].spec === 425 && known[0].name === 'spec 425' && known[1].spec === 475 && known[1].name === 'spec 475' &&
      known.every((r) => runtimeRs.includes(`"${r.source}"`) && runtimeRs.includes(`"${r.specs}"`)),
    JSON.stringify(known),
  );
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
    ['an invalid patch key names it', () => yuma.simulate(text.replace('"current_block": 8,', '"current_blok": 8,')), /^`epochs\[3\]\.current_blok`: unknown field `current_blok` \(did you mean `current_block`\?\), expected one of `n`, /],
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
  check('explain_with applies what-if overrides', base !== what && /kappa 6000 \/ 65535/.test(what) && !/kappa 6000 \/ 65535/.test(base));
  const mech = read(readdirSync(vectors).find((x) => x.startsWith('mech-')));
  const m1 = yuma.explain_with(mech, '', 0, 1);
  const out = JSON.parse(yuma.epoch(mech));
  check(
    'explain_with(mechanisms, mechanism k) explains that mechanism with its share of the emission',
    m1.startsWith('uid 0 of n = ') && new RegExp(`server emission  incentive .* = ${out.per_mechanism[1].server_emission[0]} rao`).test(m1),
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

// ---- runtime rules: every export under an assumed spec, the rules in every report, the newer
// runtime's vectors (liquid-alpha modes, Null consensus, mechanisms), a spec newer than any reproduced
{
  const spec475 = join(vectors, 'spec475');
  const read475 = (f) => readFileSync(join(spec475, f), 'utf8');
  const files475 = readdirSync(spec475).filter((f) => f.endsWith('.json')).sort();
  const S425 = 'opentensor/subtensor@14bc6f9f964b9cc362e9635dd110a487fa5d15a0';
  const S475 = 'RaoFoundation/subtensor as read at coldint/subtensor@02214123eb6d1aae01812fe515f0e0535c9b9da0';
  const ERR500 =
    'field `spec_version`: runtime 500 is not reproduced by this version of yuma (it reproduces runtimes up to spec 475); ' +
    'to compute it under the newest known rules anyway, assume them explicitly (--assume-spec 475, Workspace::assume_spec)';
  // JSON.parse keeping integers of 16 digits or more exact (as strings, on both sides).
  const big = (t) => JSON.parse(t.replace(/([[,:]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"'));
  const errOf = (f) => {
    const e = thrown(f);
    return e instanceof Error && !isTrap(e) ? e.message : `${e ? `${e.constructor.name}: ${e.message}` : 'no exception'}`;
  };
  const la = read475('la-055-default-n256.json'); // auto mode, bonds_penalty 65535, a stored consensus
  const old = read('realistic-030-v64.json'); // no spec_version

  // The rules in every report.
  const a0 = analyze(old, '');
  check(
    'analyze reports the rules: spec 425 for an input without spec_version',
    a0.runtime.rules.name === 'spec 425' && a0.runtime.rules.source === S425 && a0.runtime.spec_version === null && a0.runtime.assumed === false &&
      a0.runtime.assume_spec === null && a0.runtime.input_rules.name === 'spec 425' && a0.runtime.newest_spec === 475 && a0.runtime.error === null,
    JSON.stringify(a0.runtime),
  );
  const a1 = analyze(la, '');
  check(
    'analyze reports the rules: spec 475 for spec_version 475',
    a1.compared && a1.passed && a1.runtime.rules.name === 'spec 475' && a1.runtime.rules.source === S475 && a1.runtime.spec_version === 475 && !a1.runtime.assumed,
    JSON.stringify(a1.runtime),
  );
  const v1 = JSON.parse(yuma.verify(la));
  check('verify reports the rules (the library\'s name and the runtime)', v1.passed && v1.rules === 'spec 475' && v1.runtime.rules.source === S475 && v1.runtime.spec_version === 475 && v1.epoch_info.length === 1);
  const sim0 = JSON.parse(yuma.simulate(readScenario('kappa-moves-first-y3.json')));
  check(
    'simulate reports the rules per run of epochs',
    sim0.runtime.rules.name === 'spec 425' && !sim0.runtime.assumed && sim0.rules_runs.length === 1 && sim0.rules_runs[0].rules.name === 'spec 425' &&
      sim0.rules_runs[0].first === 0 && sim0.rules_runs[0].last === 11 && sim0.spec_versions.length === 12 && sim0.spec_versions.every((v) => v === null) &&
      sim0.epoch_info.length === 12 && sim0.epoch_info.every((i) => i.consensus === 'yuma' && i.liquid_alpha === null),
    JSON.stringify(sim0.rules_runs),
  );
  const t0 = JSON.parse(yuma.run_timed(la, 1));
  check('run_timed reports the rules', t0.runtime.rules.name === 'spec 475');

  // Every export under an assumed spec.
  check('epoch(spec 475 vector, 475) equals epoch(vector): the same rules', yuma.epoch(la, 475) === yuma.epoch(la));
  check('epoch(no-spec vector, 425) equals epoch(vector)', yuma.epoch(old, 425) === yuma.epoch(old));
  const under425 = JSON.parse(yuma.epoch(la, 425));
  check(
    'epoch(spec 475 vector, 425) computes the spec 425 epoch (no spec 475 fields, other values)',
    !('consensus_by_mechanism' in under425) && 'consensus_by_mechanism' in JSON.parse(yuma.epoch(la)) && yuma.epoch(la, 425) !== yuma.epoch(la),
  );
  check('epoch_with_trace under an assumed spec', rawMember(yuma.epoch_with_trace(la, 425), 'trace') !== rawMember(yuma.epoch_with_trace(la), 'trace') && yuma.epoch_with_trace(la, 475) === yuma.epoch_with_trace(la));
  const v425 = JSON.parse(yuma.verify(la, 425));
  check(
    'verify(spec 475 vector, 425): the assumed rules, which do not reproduce it',
    !v425.passed && v425.mismatches.length > 0 && v425.rules === 'spec 425' && v425.runtime.assumed && v425.runtime.assume_spec === 425 &&
      v425.runtime.rules.name === 'spec 425' && v425.runtime.input_rules.name === 'spec 475',
    JSON.stringify(v425.runtime),
  );
  let assumedOk = 0;
  const assumedBad = [];
  for (const f of files475) {
    const r = JSON.parse(yuma.verify(read475(f), 475));
    if (r.passed && r.runtime.assumed && r.runtime.rules.name === 'spec 475') assumedOk++;
    else assumedBad.push(f);
  }
  check(`verify(v, 475) passes for every spec475 vector (${assumedOk})`, assumedOk === files475.length && assumedOk === 195, assumedBad.slice(0, 5).join(', '));
  const same = analyze(la, '{"assume_spec": 475}');
  check('analyze assuming the rules the input names: still compared and passing, assumed', same.compared && same.passed && !same.whatif && !same.rules_changed && same.runtime.assumed && same.runtime.assume_spec === 475);
  const other = analyze(la, '{"assume_spec": 425}');
  check(
    'analyze assuming other rules: a what-if (rules_changed), no comparison, those rules reported',
    other.whatif && other.rules_changed && !other.params_changed && !other.compared && other.passed === null && other.runtime.rules.name === 'spec 425' &&
      other.runtime.input_rules.name === 'spec 475' && other.epoch_info[0].liquid_alpha === null,
    JSON.stringify(other.runtime),
  );
  const both = analyze(la, '{"assume_spec": 425, "kappa": 100}');
  check('analyze: a what-if value and other rules together', both.whatif && both.rules_changed && both.params_changed && both.params.kappa === 100);
  check('run_timed under an assumed spec', JSON.parse(yuma.run_timed(la, 1, 425)).runtime.rules.name === 'spec 425');
  const e425 = yuma.explain(la, 3, 425);
  const e475 = yuma.explain(la, 3);
  check(
    'explain(v, uid, 425) explains under spec 425; without it, under the input\'s spec 475',
    e425.includes(`Runtime rules: spec 425 (${S425})`) && e475.includes(`Runtime rules: spec 475 (${S475})`) && e425 !== e475,
    e425.split('\n')[1],
  );
  check('explain_with takes assume_spec in its overrides', yuma.explain_with(la, '{"assume_spec": 425}', 3) === e425 && yuma.explain_with(la, '{"assume_spec": 475}', 3) === e475);
  const sc = readScenario('kappa-moves-first-y3.json');
  const sim475 = JSON.parse(yuma.simulate(sc, 475));
  check(
    'simulate(scenario, 475): every epoch under spec 475, assumed; liquid alpha reports which consensus fed it',
    sim475.runtime.assumed && sim475.runtime.rules.name === 'spec 475' && sim475.rules_runs.length === 1 && sim475.rules_runs[0].rules.name === 'spec 475' &&
      sim475.rules_runs[0].last === 11 && sim475.epoch_info.every((i) => i.liquid_alpha !== null) && sim475.epoch_info[0].liquid_alpha.previous === false &&
      sim475.epochs.every((o) => Array.isArray(o.consensus_by_mechanism)),
    JSON.stringify(sim475.epoch_info[0]),
  );
  check(
    'explain_epoch(scenario, k, uid, 475) explains under spec 475',
    yuma.explain_epoch(sc, 3, 1, 475).includes('Runtime rules: spec 475') && yuma.explain_epoch(sc, 3, 1).includes('Runtime rules: spec 425'),
  );
  // A scenario whose patch moves it to the newer runtime: one run of rules each side.
  const moved = JSON.parse(sc);
  moved.epochs[4] = { ...moved.epochs[4], spec_version: 475 };
  const simMoved = JSON.parse(yuma.simulate(JSON.stringify(moved)));
  const runs = simMoved.rules_runs.map((r) => `${r.rules.name}:${r.first}-${r.last}`).join(' ');
  check('simulate: a patch setting spec_version 475 at epoch 4 gives rules spec 425 for 0–3 and spec 475 for 4–11', runs === 'spec 425:0-3 spec 475:4-11' && simMoved.spec_versions[3] === null && simMoved.spec_versions[4] === 475, runs);
  check('the same scenario assumed at 425 runs one run of spec 425', JSON.parse(yuma.simulate(JSON.stringify(moved), 425)).rules_runs.map((r) => `${r.rules.name}:${r.first}-${r.last}`).join() === 'spec 425:0-11');

  // Liquid alpha: which consensus fed it, from the trace, for every spec475 epoch vector.
  let laChecked = 0;
  const laBad = [];
  for (const f of files475) {
    const text = read475(f);
    const v = JSON.parse(text);
    if (!v.trace || v.trace.liquid_alpha_applied === undefined) continue;
    const info = analyze(text, '').epoch_info[0].liquid_alpha;
    const prev = JSON.stringify(v.trace.liquid_alpha_consensus) !== JSON.stringify(v.trace.consensus);
    laChecked++;
    if (!info || info.applied !== v.trace.liquid_alpha_applied || info.previous !== prev || info.mode !== (v.input.liquid_alpha_consensus_mode || 'auto') || info.bonds_penalty !== v.input.bonds_penalty) laBad.push(f);
  }
  check(`epoch_info.liquid_alpha agrees with each vector's trace (applied; previous = liquid_alpha_consensus ≠ consensus) for ${laChecked} vectors`, laChecked >= 50 && laBad.length === 0, laBad.slice(0, 5).join(', '));
  const info = (f) => analyze(read475(f), '').epoch_info[0].liquid_alpha;
  const l055 = info('la-055-default-n256.json');
  const l006 = info('la-006-auto-absent-bp65535-n16.json');
  const l011 = info('la-011-auto-zeros-bp65535-n16.json');
  const l030 = info('la-032-auto-same-bp0-n32.json');
  check(
    'liquid alpha: auto + bonds_penalty 65535 + stored → previous; nothing stored → current; stored zeros → previous, fixed alpha; auto + bonds_penalty 0 → current',
    l055.previous && l055.applied && l055.mode === 'auto' && l055.stored === 256 && !l006.previous && l006.applied && l006.stored === 0 && l011.previous && !l011.applied && !l030.previous,
    JSON.stringify([l055, l006, l011, l030]),
  );
  check('a spec 425 Yuma 3 + liquid alpha epoch has no liquid-alpha consensus info', analyze(old, '').epoch_info[0].liquid_alpha === null);

  // Null consensus: every export on every null vector.
  const nulls = files475.filter((f) => f.startsWith('null-'));
  const nullBad = [];
  for (const f of nulls) {
    const text = read475(f);
    const v = big(text);
    const why = [];
    const a = analyze(text, '');
    if (!(a.compared && a.passed)) why.push('analyze');
    const i = a.epoch_info[0];
    if (i.consensus !== 'null' || i.null_winner !== v.trace.null_winner || i.liquid_alpha !== null) why.push('epoch_info');
    if (!(a.traces[0].consensus.length === 0 && sameJson(a.traces[0].weights_normalized, v.trace.weights_masked) && sameJson(a.traces[0].clipped_weights, v.trace.weights_masked))) why.push('chart trace');
    if (!sameJson(big(yuma.epoch(text)), v.expected)) why.push('epoch');
    if (!sameJson(big(rawMember(yuma.epoch_with_trace(text), 'trace')), v.trace)) why.push('epoch_with_trace');
    const r = JSON.parse(yuma.verify(text));
    if (!(r.passed && r.epoch_info[0].consensus === 'null')) why.push('verify');
    if (!(JSON.parse(yuma.run_timed(text, 1)).n === v.input.n)) why.push('run_timed');
    if (v.input.n > 0) {
      const uid = v.trace.null_winner ?? 0;
      const t = yuma.explain(text, uid);
      const total = /= (\d+) rao  \[emission\]/.exec(t);
      if (!(t.includes('(Null)') && t.includes(`uid ${v.trace.null_winner} is the sole validator`) && total && total[1] === String(v.expected.emission[uid]))) why.push('explain');
      // The what-if kappa shows in the hyperparameters line and changes nothing else.
      const tk = yuma.explain_with(text, '{"kappa": 1}', uid);
      const noParams = (s) => s.replace(/^Hyperparameters: .*\n/m, '');
      if (!(/^Hyperparameters: kappa 1 \/ 65535,/m.test(tk) && noParams(tk) === noParams(t))) why.push('explain_with (kappa does not matter under Null)');
    } else if (!/^uid 0 is not in the subnet/.test(errOf(() => yuma.explain(text, 0)))) why.push('explain n = 0');
    if (why.length) nullBad.push(`${f} (${why.join(', ')})`);
  }
  check(`every export on the ${nulls.length} null vectors: analyze, epoch_info (winner), chart trace = weights_masked, epoch, trace, verify, run_timed, explain`, nulls.length === 40 && nullBad.length === 0, nullBad.slice(0, 4).join('; '));
  const n425 = analyze(read475('null-008-realistic-n256.json'), '{"assume_spec": 425}');
  check('a null vector assumed at spec 425 runs Yuma (spec 425 has no Null consensus)', n425.epoch_info[0].consensus === 'yuma' && n425.rules_changed && n425.traces[0].consensus.length === 256);

  // Mechanisms of the newer runtime: subnet-level spec_version and epoch_consensus, budgets.
  const mechs = files475.filter((f) => f.startsWith('mech475-'));
  const mechBad = [];
  for (const f of mechs) {
    const text = read475(f);
    const v = big(text);
    const why = [];
    const a = analyze(text, '');
    const count = v.input.mechanisms.length;
    const kind = v.input.epoch_consensus || 'yuma';
    if (!(a.compared && a.passed && a.kind === 'mechanisms' && a.runtime.rules.name === 'spec 475' && a.runtime.spec_version === 475)) why.push('analyze');
    if (!(a.epoch_info.length === count && a.epoch_info.every((i) => i && i.consensus === kind))) why.push('epoch_info');
    if (!(a.traces.length === count && a.traces.every((t) => t && (kind === 'null') === (t.consensus.length === 0)))) why.push('traces');
    if (!(a.params.spec_version === 475 && a.params.epoch_consensus === kind)) why.push('params');
    if (!sameJson(big(yuma.epoch(text)), v.expected)) why.push('epoch');
    if (!JSON.parse(yuma.verify(text)).passed) why.push('verify');
    if (!(JSON.parse(yuma.run_timed(text, 1)).kind === 'mechanisms')) why.push('run_timed');
    // Each mechanism explained as the subnet's epoch ran it: its share and budgets.
    const n = v.input.mechanisms[0].n;
    for (let k = 0; k < count; k++) {
      for (let uid = 0; uid < Math.min(n, 8); uid++) {
        const t = yuma.explain_with(text, '', uid, k);
        // The emission line: `… = E rao  [emission]`, or, when Σ (incentive + dividends) is 0
        // and the emission follows the stake, `  emission         S × R = E rao` (no tag).
        const total = /= (\d+) rao  \[emission\]/.exec(t) || /^  emission {9}\S.* = (\d+) rao$/m.exec(t);
        if (!total || total[1] !== String(v.expected.per_mechanism[k].emission[uid])) {
          why.push(`explain_with mechanism ${k} uid ${uid}: ${total && total[1]} vs ${v.expected.per_mechanism[k].emission[uid]}`);
          k = count;
          break;
        }
      }
    }
    if (why.length) mechBad.push(`${f} (${why.join(', ')})`);
  }
  check(`every export on the ${mechs.length} mech475 vectors: analyze (Null or Yuma per mechanism), traces, params, epoch, verify, run_timed, explain_with per mechanism`, mechs.length === 26 && mechBad.length === 0, mechBad.slice(0, 4).join('; '));

  // A spec newer than any reproduced: the library's error everywhere, unless assumed.
  const v500 = la.replace('"spec_version": 475', '"spec_version": 500');
  check('(the spec 500 document differs from the spec 475 one)', v500 !== la);
  const sc500 = sc.replace('"initial": {"n": 5,', '"initial": {"n": 5, "spec_version": 500,');
  const cases = [
    ['epoch', () => yuma.epoch(v500)],
    ['epoch_with_trace', () => yuma.epoch_with_trace(v500)],
    ['analyze', () => analyze(v500, '')],
    ['analyze with what-if values', () => analyze(v500, '{"kappa": 1}')],
    ['run_timed', () => yuma.run_timed(v500, 1)],
    ['explain', () => yuma.explain(v500, 0)],
    ['explain_with', () => yuma.explain_with(v500, '', 0)],
    ['assume_spec 500 on a spec 475 input', () => yuma.epoch(la, 500)],
  ];
  for (const [name, f] of cases) check(`spec 500 without an assumption: ${name} throws the library's error`, errOf(f) === ERR500, errOf(f));
  check('spec 500: simulate throws it for epoch 0', errOf(() => yuma.simulate(sc500)) === `epoch 0: ${ERR500}`, errOf(() => yuma.simulate(sc500)));
  check('spec 500: explain_epoch throws it for epoch 0', errOf(() => yuma.explain_epoch(sc500, 2, 0)) === `epoch 0: ${ERR500}`, errOf(() => yuma.explain_epoch(sc500, 2, 0)));
  const vr = JSON.parse(yuma.verify(v500));
  check('spec 500: verify reports the error, no rules, the input\'s spec', !vr.passed && vr.error === ERR500 && vr.rules === null && vr.runtime.rules === null && vr.runtime.error === ERR500 && vr.runtime.spec_version === 500 && vr.runtime.input_rules === null, JSON.stringify(vr.runtime));
  const ro = JSON.parse(yuma.runtime_of(v500));
  check('runtime_of(spec 500): no rules, the library\'s error, newest_spec 475', ro.kind === 'epoch' && ro.rules === null && ro.error === ERR500 && ro.spec_version === 500 && ro.newest_spec === 475 && ro.input_rules === null, JSON.stringify(ro));
  const ro2 = JSON.parse(yuma.runtime_of(v500, 475));
  check('runtime_of(spec 500, 475): spec 475, assumed', ro2.rules.name === 'spec 475' && ro2.assumed && ro2.error === null);
  const ros = JSON.parse(yuma.runtime_of(sc500));
  check('runtime_of(a spec 500 scenario): kind scenario, no rules', ros.kind === 'scenario' && ros.rules === null && ros.spec_version === 500);
  check('runtime_of(bad JSON) throws the document\'s error', /^document: EOF while parsing/.test(errOf(() => yuma.runtime_of('{'))));
  // Assumed: the spec 475 rules reproduce the spec 475 vector behind it.
  check('spec 500 assumed at 475: epoch equals the spec 475 epoch', yuma.epoch(v500, 475) === yuma.epoch(la));
  const a500 = analyze(v500, '{"assume_spec": 475}');
  check(
    'spec 500 assumed at 475: analyze compares (not a what-if), reports the assumption and the input\'s spec',
    a500.compared && a500.passed && !a500.whatif && !a500.rules_changed && a500.runtime.assumed && a500.runtime.rules.name === 'spec 475' &&
      a500.runtime.spec_version === 500 && a500.runtime.input_rules === null && a500.epoch_info[0].liquid_alpha.previous,
    JSON.stringify(a500.runtime),
  );
  check('spec 500 assumed at 475: verify passes', JSON.parse(yuma.verify(v500, 475)).passed);
  check('spec 500 assumed at 475: run_timed, explain, explain_with', JSON.parse(yuma.run_timed(v500, 1, 475)).runtime.assumed && yuma.explain(v500, 3, 475) === e475 && yuma.explain_with(v500, '{"assume_spec": 475}', 3) === e475);
  const s500 = JSON.parse(yuma.simulate(sc500, 475));
  check('spec 500 scenario assumed at 475: simulate and explain_epoch run', s500.runtime.assumed && s500.runtime.spec_version === 500 && s500.rules_runs[0].rules.name === 'spec 475' && yuma.explain_epoch(sc500, 2, 0, 475).includes('Runtime rules: spec 475'));
  const m500 = read475('mech475-001-null-budgets-m2-n4.json').replace('"spec_version": 475', '"spec_version": 500');
  check('a spec 500 mechanisms document: the library\'s error; assumed at 475 it passes', errOf(() => yuma.epoch(m500)) === ERR500 && JSON.parse(yuma.verify(m500, 475)).passed && analyze(m500, '{"assume_spec": 475}').passed, errOf(() => yuma.epoch(m500)));

  // The newer runtime's sequences as scenarios (each epoch's whole input as its patch): simulate
  // reproduces them through Yuma → Null → Yuma, and explain_epoch equals explain of each vector.
  const defaults = { spec_version: null, liquid_alpha_consensus_mode: 'auto', previous_consensus: [], last_yuma_step_block: null, epoch_consensus: 'yuma', mining_budget: null, dividend_budget: null, fallback_budget: null };
  const seqs = new Map();
  for (const f of files475.filter((x) => x.startsWith('seq475-'))) {
    const name = f.replace(/-e\d+\.json$/, '');
    if (!seqs.has(name)) seqs.set(name, []);
    seqs.get(name).push(f);
  }
  const seqBad = [];
  let seqEpochs = 0;
  for (const [name, fs] of seqs) {
    const raw = fs.map(read475);
    const inputs = raw.map((t) => rawMember(t, 'input'));
    // Exact u64 values: splice the raw input text, with the defaults of absent keys before it.
    const exact = inputs.map((t, k) => {
      if (k === 0) return '{}';
      const keys = new Set(Object.keys(JSON.parse(t)));
      const add = Object.entries(defaults).filter(([key]) => !keys.has(key)).map(([key, val]) => `"${key}": ${JSON.stringify(val)}`);
      return add.length ? t.replace(/^\{/, `{${add.join(', ')}, `) : t;
    });
    const scen = `{"initial": ${inputs[0]}, "epochs": [${exact.join(', ')}]}`;
    let r;
    try {
      const out = yuma.simulate(scen);
      r = JSON.parse(out);
      r.epochs = big(rawMember(out, 'epochs')); // (not the csv, whose long numbers sit in a string)
    } catch (e) {
      seqBad.push(`${name}: ${e.message}`);
      continue;
    }
    raw.forEach((t, k) => {
      const v = big(t);
      seqEpochs++;
      const isNull = v.trace && v.trace.null_winner !== undefined;
      if (!sameJson(r.epochs[k], v.expected)) seqBad.push(`${fs[k]} output`);
      else if ((r.epoch_info[k].consensus === 'null') !== isNull || (isNull && r.epoch_info[k].null_winner !== v.trace.null_winner)) seqBad.push(`${fs[k]} epoch_info`);
      else if (yuma.explain_epoch(scen, k, 0) !== yuma.explain(t, 0)) seqBad.push(`${fs[k]} explain_epoch`);
    });
    if (!(r.rules_runs.length === 1 && r.rules_runs[0].rules.name === 'spec 475')) seqBad.push(`${name} rules_runs`);
  }
  check(`the seq475 sequences as scenarios: simulate equals every epoch (${seqEpochs}), Null epochs named with their winner, explain_epoch = explain`, seqEpochs === 44 && seqBad.length === 0, seqBad.slice(0, 4).join('; '));
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
  // The newer runtime's small documents too: Null, liquid-alpha modes, mechanisms with budgets.
  const spec475 = join(vectors, 'spec475');
  small.push(
    ...readdirSync(spec475)
      .filter((f) => /-n(4|8)\.json$/.test(f))
      .filter((_, i) => i % 3 === 0)
      .map((f) => readFileSync(join(spec475, f), 'utf8')),
  );
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
    // Under assumed rules (and one not reproduced), and the rules of the text.
    (t) => yuma.epoch_with_trace(t, [425, 475, 500][rnd(3)]),
    (t) => analyze(t, `{"assume_spec": ${[425, 475, 446][rnd(3)]}, "liquid_alpha_enabled": true}`),
    (t) => yuma.verify(t, 475),
    (t) => yuma.runtime_of(t, rnd(2) ? undefined : 475),
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
  const keys = ['n', 'current_block', 'tempo', 'kappa', 'weights', 'bonds', 'validator_permit', 'alpha_stake', 'last_update', 'owner_uid', 'bonds_moving_average', 'rao_emission', 'max_allowed_validators', 'spec_version', 'epoch_consensus', 'previous_consensus', 'liquid_alpha_consensus_mode', 'last_yuma_step_block', 'mining_budget'];
  const vals = [...repl, '[[[0, 65535]]]', '[[], [[9, 1]]]', '[true]', '[0, 0, 0, 0, 0, 0, 0]', '475', '"null"', '"previous"', '[65535, 0, 7]', '500'];
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
    for (const f of [yuma.simulate, (x) => yuma.explain_epoch(x, rnd(14), rnd(8)), (x) => yuma.simulate(x, 475), (x) => yuma.explain_epoch(x, rnd(14), rnd(8), 475)]) {
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

// ---- chain snapshots: ChainFetch against the fake node (tests/fake-node) over HTTP, with Node's
// fetch; verify_snapshot / is_snapshot; the page's own transport and driver (www/js/fetch.js)
{
  const t0 = Date.now();
  const vectorPath = join(vectors, 'mech-013-m2-n8.json');
  const vector = JSON.parse(read('mech-013-m2-n8.json'));
  const fetchedAt = '2026-01-01T00:00:00Z';
  // The loop the page runs, by hand: step, send each body, answer, until done.
  async function drive(url, netuid, block, assumeSpec) {
    const f = new yuma.ChainFetch(netuid, block, url, fetchedAt, assumeSpec);
    const seen = [];
    try {
      for (let guard = 0; guard < 100; guard++) {
        const s = JSON.parse(f.step());
        seen.push(s);
        if (s.done) return { s, seen, snapshot: f.snapshot() };
        for (const b of s.bodies) {
          const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: b.body });
          f.answer(b.first, await r.text());
        }
      }
      return { s: null, seen, snapshot: undefined };
    } finally {
      f.free();
    }
  }
  const node = await startFakeNode(vectorPath);
  try {
    const { url, netuid, block } = node;
    const at = await drive(url, netuid, block);
    const last = at.s;
    check('ChainFetch over HTTP (mech-013-m2-n8 at its epoch block): done, no error, a snapshot', last && last.done && last.error === null && typeof at.snapshot === 'string', JSON.stringify(last && { ...last, bodies: last.bodies.length }));
    const steps = at.seen.map((x) => x.step);
    check(
      'ChainFetch: stages advance to steps of steps, calls answered grow, one run per step',
      steps.every((v, i) => i === 0 || v >= steps[i - 1]) && last.step === last.steps && last.steps > 1 && last.calls > 0 &&
        at.seen.every((x, i) => x.runs === i + 1 && (i === 0 || x.calls > at.seen[i - 1].calls)) &&
        at.seen.slice(0, -1).every((x) => x.bodies.length > 0 && x.bodies.every((b) => Number.isSafeInteger(b.first) && /^[[{]/.test(b.body))),
      steps.join(','),
    );
    check('is_snapshot: the snapshot yes, a vector and an input no', yuma.is_snapshot(at.snapshot) && !yuma.is_snapshot(read('mech-013-m2-n8.json')) && !yuma.is_snapshot(rawMember(read('mech-013-m2-n8.json'), 'input')));
    const v = JSON.parse(yuma.verify_snapshot(at.snapshot));
    check(
      'verify_snapshot: passed, every stored value compared (8 uids × 7 subnet items + 2 mechanisms × incentive, bonds), no error',
      v.passed === true && v.error === null && v.unsupported_runtime === false && v.mismatches.length === 0 && v.compared === 8 * 7 + 2 * 8 * 2 && v.n === 8 && v.netuid === netuid && v.block === block && v.rules === 'spec 425' && v.skipped.length === 0,
      JSON.stringify({ ...v, output: undefined, chain: undefined, meta: undefined }),
    );
    // Exact text: the stakes exceed 2^53.
    const outText = rawMember(yuma.verify_snapshot(at.snapshot), 'output');
    check('verify_snapshot: output is the recomputed epoch, as epoch() of the vector gives it', outText === yuma.epoch(read('mech-013-m2-n8.json')));
    const snap = JSON.parse(at.snapshot);
    check(
      'verify_snapshot: chain and meta are the snapshot\'s (block, rpc, fetched_at, rao_emission confirmed)',
      sameJson(v.chain, snap.chain) && sameJson(v.meta, snap.meta) && v.meta.block === block && v.meta.rpc === url && v.meta.fetched_at === fetchedAt &&
        v.meta.rao_emission.confirmed === true && v.meta.rao_emission.value === vector.input.rao_emission && /^0x[0-9a-f]{64}$/.test(v.meta.block_hash),
      JSON.stringify(v.meta),
    );
    check('epoch(snapshot) equals epoch(the vector): a snapshot is an input document', yuma.epoch(at.snapshot) === yuma.epoch(read('mech-013-m2-n8.json')));
    const latest = await drive(url, netuid, undefined);
    check('ChainFetch of the latest epoch: the same epoch block, the same snapshot', latest.s.error === null && latest.snapshot === at.snapshot, latest.s.error || '');
    // Altered stored results are reported per uid and field.
    const altered = JSON.parse(at.snapshot);
    altered.chain.incentive[1][3] += 1;
    altered.chain.emission[5] += 7;
    const va = JSON.parse(yuma.verify_snapshot(JSON.stringify(altered)));
    check(
      'verify_snapshot of altered stored values: each is one mismatch at its field and uid',
      va.passed === false && va.mismatches.length === 2 && va.mismatches.some((m) => m.field === 'incentive[1]' && m.uid === 3) && va.mismatches.some((m) => m.field === 'emission' && m.uid === 5 && BigInt(m.expected) === BigInt(m.got) + 7n),
      JSON.stringify(va.mismatches),
    );
    altered.meta.masked_uids = [{ uid: 3, reason: 'test: masked' }];
    const vm = JSON.parse(yuma.verify_snapshot(JSON.stringify(altered)));
    check('verify_snapshot skips a masked uid', vm.mismatches.length === 1 && vm.skipped.length === 1 && vm.skipped[0].uid === 3 && vm.compared === v.compared - 11, JSON.stringify(vm.mismatches));
    const bad = thrown(() => yuma.verify_snapshot(read('mech-013-m2-n8.json')));
    check('verify_snapshot of a vector throws, naming what a snapshot is', bad instanceof Error && !isTrap(bad) && /snapshot/.test(bad.message), `${bad}`);

    // Errors: each one line with the CLI's exit code.
    const fails = async (netuidX, blockX, want, code) => {
      const r = await drive(url, netuidX, blockX);
      check(`ChainFetch netuid ${netuidX} block ${blockX ?? 'latest'}: "${want}" (exit ${code})`, r.s.done && r.s.error === want && r.s.exit_code === code && r.snapshot === undefined, `${r.s.error} (${r.s.exit_code})`);
    };
    await fails(99, undefined, `subnet 99 does not exist at block ${block + 1} (NetworksAdded[99] is not set)`, 2);
    await fails(99, block, `subnet 99 does not exist at block ${block} (NetworksAdded[99] is not set)`, 2);
    const prev = vector.input.mechanisms[0].last_mechanism_step_block;
    await fails(netuid, block - 1, `no epoch of subnet ${netuid} ran at block ${block - 1}: its last epoch by then ran at block ${prev} (LastMechansimStepBlock[${netuid}] at ${block - 1}); fetch --block ${prev}, or --epoch latest`, 2);
    await fails(netuid, block + 100, `block ${block + 100} does not exist on this chain (the node's best block is ${block + 1})`, 2);
    await fails(0, undefined, 'netuid 0 is the root subnet, which runs no Yuma epoch', 2);
    const nb = thrown(() => new yuma.ChainFetch(7, 1.5, url, fetchedAt));
    check('new ChainFetch with a block that is not a block number throws', nb instanceof Error && /block 1.5 is not a block number/.test(nb.message), `${nb}`);
    const f = new yuma.ChainFetch(netuid, undefined, url, fetchedAt);
    JSON.parse(f.step());
    const nj = thrown(() => f.answer(1, '<html>busy</html>'));
    check('ChainFetch.answer of something not JSON throws, saying so', nj instanceof Error && /not JSON/.test(nj.message), `${nj}`);
    f.answer(1, '{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}');
    const se = JSON.parse(f.step());
    check('ChainFetch.answer of a JSON-RPC error ends the fetch with it (exit 3)', se.done && se.exit_code === 3 && se.error === 'the node answered chain_getBlockHash with error -32601: Method not found', se.error);
    f.free();

    // The page's driver and HTTP transport (www/js/fetch.js), in Node: the same snapshot.
    const progress = [];
    const r = await runFetch(yuma, { netuid, block, url, fetchedAt }, { onProgress: (p) => progress.push(p) });
    check('runFetch (the page\'s driver) gives the same snapshot as the loop', r.snapshot === at.snapshot && r.calls === last.calls && r.roundTrips > 0 && r.retries === 0, `${r.calls} calls, ${r.roundTrips} round trips`);
    check(
      'runFetch progress: stage k of steps rising to steps of steps, calls answered rising to all',
      progress.length > r.roundTrips && progress.at(-1).step === progress.at(-1).steps && progress.every((p, i) => i === 0 || (p.calls >= progress[i - 1].calls && p.step >= progress[i - 1].step)) && progress.at(-1).calls === r.calls,
      JSON.stringify(progress.at(-1)),
    );
    const failsWith = async (args, opts, re, code) => {
      try {
        await runFetch(yuma, args, opts);
        return `no error`;
      } catch (e) {
        return e instanceof FetchError && re.test(e.message) && e.exitCode === code && !e.message.includes('\n') ? true : `${e.name} ${e.exitCode}: ${e.message}`;
      }
    };
    let got = await failsWith({ netuid: 99, url, fetchedAt }, {}, /^subnet 99 does not exist at block \d+ \(NetworksAdded\[99\] is not set\)$/, 2);
    check('runFetch netuid 99: the fetch\'s line, exit 2', got === true, got);
    got = await failsWith({ netuid: 7, url: 'ftp://127.0.0.1/', fetchedAt }, {}, /^ftp:\/\/127\.0\.0\.1\/ is not an http:\/\/, https:\/\/, ws:\/\/ or wss:\/\/ URL$/, 2);
    check('runFetch of an ftp:// URL: refused, exit 2', got === true, got);
    got = await failsWith({ netuid: 70000, url, fetchedAt }, {}, /^netuid 70000 is not a whole number from 0 to 65535$/, 2);
    check('runFetch netuid 70000: refused', got === true, got);

    // Transport faults, through a proxy in front of the fake node: busy, dropped, silent, HTTP
    // errors, an answer that is not JSON; each retried as the CLI does, or one line.
    let mode = 'pass';
    let hits = 0;
    const proxy = createServer(async (req, res) => {
      let body = '';
      for await (const c of req) body += c;
      hits++;
      const m = mode;
      if (m === 'busy-once' && hits === 1) return res.writeHead(429).end('slow down');
      if (m === 'rpc-busy-once' && hits === 1) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end('{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"Too many requests, try again later"}}');
      }
      if ((m === 'drop-once' && hits === 1) || m === 'drop') return req.socket.destroy();
      if (m === 'silent') return; // never answers
      if (m === 'http500') return res.writeHead(500, 'Internal Server Error').end('upstream failed');
      if (m === 'html') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>maintenance</html>');
      if (m === 'busy') return res.writeHead(503).end('busy');
      const r2 = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      res.writeHead(r2.status, { 'Content-Type': 'application/json' });
      res.end(await r2.text());
    });
    await new Promise((ok) => proxy.listen(0, '127.0.0.1', ok));
    const purl = `http://127.0.0.1:${proxy.address().port}`;
    const via = (m) => {
      mode = m;
      hits = 0;
    };
    try {
      for (const m of ['busy-once', 'rpc-busy-once', 'drop-once']) {
        via(m);
        let res;
        try {
          res = await runFetch(yuma, { netuid, block, url: purl, fetchedAt });
        } catch (e) {
          res = e;
        }
        const same = res && res.snapshot && res.snapshot === at.snapshot.replace(JSON.stringify(url), JSON.stringify(purl));
        check(`transport ${m}: retried once, the same snapshot`, same && res.retries === 1, res instanceof Error ? res.message : `${res.retries} retries`);
      }
      const cases = [
        ['drop', {}, new RegExp(`^cannot reach ${purl}: the request failed twice \\(.+\\): the node is down or refuses this page's origin \\(CORS\\), or the URL is wrong$`), 3],
        ['silent', { timeoutMs: 300 }, new RegExp(`^cannot reach ${purl}: no answer within 0\\.3 s$`), 3],
        ['http500', {}, new RegExp(`^cannot reach ${purl}: HTTP 500 Internal Server Error \\(upstream failed\\)$`), 3],
        ['busy', {}, new RegExp(`^cannot reach ${purl}: busy \\(HTTP 503\\), 4 retries$`), 3],
        ['html', {}, new RegExp(`^${purl}: the node answered with something that is not JSON \\(.+\\)$`), 3],
      ];
      for (const [m, opts, re, code] of cases) {
        via(m);
        const r3 = await failsWith({ netuid, block, url: purl, fetchedAt }, opts, re, code);
        check(`transport ${m}: one line, exit ${code}`, r3 === true, r3);
      }
      // Cancel: abort while a request hangs.
      via('silent');
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 200);
      let ce = null;
      try {
        await runFetch(yuma, { netuid, block, url: purl, fetchedAt }, { signal: ctl.signal });
      } catch (e) {
        ce = e;
      }
      check('runFetch cancelled (AbortSignal) while a request hangs: Cancelled, promptly', ce instanceof Cancelled, `${ce}`);
      // A transport on its own: a closed one refuses to send.
      const t = new HttpTransport(url);
      t.close();
      let tc = null;
      try {
        await t.send({ body: '[]', first: 1, count: 0 });
      } catch (e) {
        tc = e;
      }
      check('a closed HttpTransport refuses to send', tc instanceof Cancelled);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }

    // The WebSocket transport's logic (Node 20 has no WebSocket; the browser test runs the real
    // one): a stand-in socket carrying each message to the fake node over HTTP, answering in a
    // shuffled order, dropping, refusing, staying silent or busy as told.
    const sock = { mode: 'pass', opened: 0, sends: 0 };
    class FakeSocket {
      constructor(u) {
        this.url = u;
        this.closed = false;
        this.n = ++sock.opened;
        setTimeout(() => (sock.mode === 'refuse' ? this.onclose({ code: 1006, reason: '' }) : this.onopen()), 1);
      }
      send(body) {
        const k = ++sock.sends;
        const m = sock.mode;
        if ((m === 'drop-once' && this.n === 1 && k === 3) || m === 'drop') {
          this.closed = true;
          setTimeout(() => this.onclose({ code: 1006, reason: '' }), 1);
          return;
        }
        if (m === 'silent') return;
        if (m === 'busy-once' && k === 1) {
          setTimeout(() => this.onmessage({ data: '{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"Too many requests"}}' }), 1);
          return;
        }
        fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
          .then((r) => r.text())
          .then((t) => setTimeout(() => !this.closed && this.onmessage({ data: m === 'binary' ? new TextEncoder().encode(t).buffer : t }), Math.floor(Math.random() * 20)));
      }
      close() {
        this.closed = true;
      }
    }
    const wsUrl = 'ws://127.0.0.1:9/';
    const wsRun = async (m, timeoutMs = 30000) => {
      Object.assign(sock, { mode: m, opened: 0, sends: 0 });
      const transport = new WsTransport(wsUrl, { WebSocketImpl: FakeSocket, timeoutMs });
      try {
        return await runFetch(yuma, { netuid, block, url: wsUrl, fetchedAt }, { transport });
      } catch (e) {
        return e;
      }
    };
    const wsSnapshot = at.snapshot.replace(JSON.stringify(url), JSON.stringify(wsUrl));
    for (const [m, retries, opened] of [['pass', 0, 1], ['binary', 0, 1], ['drop-once', 1, 2], ['busy-once', 1, 1]]) {
      const r = await wsRun(m);
      check(`WebSocket transport ${m}: answers matched by id (shuffled), the same snapshot, ${retries} retried, ${opened} socket(s)`, r.snapshot === wsSnapshot && r.retries === retries && sock.opened === opened, r instanceof Error ? r.message : `${r.retries} retries, ${sock.opened} sockets`);
    }
    for (const [m, timeoutMs, want] of [
      ['refuse', 30000, `cannot reach ${wsUrl}: the WebSocket connection failed (closed with code 1006): the node is down, or the URL is wrong`],
      ['drop', 30000, `cannot reach ${wsUrl}: the connection dropped twice (code 1006)`],
      ['silent', 300, `cannot reach ${wsUrl}: no answer within 0.3 s`],
    ]) {
      const r = await wsRun(m, timeoutMs);
      check(`WebSocket transport ${m}: "${want}"`, r instanceof FetchError && r.message === want && r.exitCode === 3, `${r && r.message}`);
    }
  } finally {
    node.stop();
  }

  // A runtime this version does not reproduce: the fetch refuses it (exit 2) unless rules are
  // assumed; the snapshot then verifies as "not reproduced", never as mismatches.
  const n500 = await startFakeNode(vectorPath, ['--spec', '500']);
  try {
    const r = await drive(n500.url, n500.netuid, n500.block);
    check(
      'ChainFetch of a spec 500 block: "runtime 500 … is not reproduced", exit 2',
      r.s.error === `block ${n500.block} ran runtime 500, which is not reproduced by this version of yuma (it reproduces specs up to 475); rerun with --assume-spec 475 to compute it under the newest known rules` && r.s.exit_code === 2,
      r.s.error,
    );
    const a = await drive(n500.url, n500.netuid, n500.block, 475);
    const v = JSON.parse(yuma.verify_snapshot(a.snapshot));
    check(
      'a spec 500 snapshot (fetched under spec 475, assumed): verify_snapshot says unsupported_runtime, no mismatches, no output',
      a.s.error === null && v.unsupported_runtime === true && v.passed === false && v.mismatches.length === 0 && v.compared === 0 && v.output === null && v.rules === null &&
        /ran runtime 500, which is not reproduced by this version/.test(v.error) && v.meta.spec_version === 500 && v.meta.rules === 'spec 475 (assumed)',
      JSON.stringify({ ...v, output: undefined, chain: undefined, meta: undefined }),
    );
    const w = JSON.parse(yuma.verify_snapshot(a.snapshot, 475));
    check('verify_snapshot(spec 500 snapshot, 475): compared under spec 475, assumed', w.unsupported_runtime === false && w.rules === 'spec 475' && w.compared > 0 && w.output !== null, JSON.stringify({ ...w, output: undefined, chain: undefined, meta: undefined, mismatches: w.mismatches.length }));
  } finally {
    n500.stop();
  }

  // Spec 475 vectors through the fake node: liquid alpha fed by the stored consensus (n = 256),
  // and two Null mechanisms with budgets (no bonds written).
  for (const f of ['spec475/la-055-default-n256.json', 'spec475/mech475-001-null-budgets-m2-n4.json']) {
    const nd = await startFakeNode(join(vectors, f));
    try {
      const r = await runFetch(yuma, { netuid: nd.netuid, url: nd.url, fetchedAt });
      const text = yuma.verify_snapshot(r.snapshot);
      const v = JSON.parse(text);
      check(
        `${f} through the fake node: fetched, verify_snapshot passes under spec 475, its output is epoch() of the vector`,
        v.passed && v.rules === 'spec 475' && v.compared > 0 && rawMember(text, 'output') === yuma.epoch(read(f)),
        JSON.stringify({ ...v, output: undefined, chain: undefined, meta: undefined }).slice(0, 400),
      );
    } finally {
      nd.stop();
    }
  }
  console.log(`  (chain snapshot checks: ${Date.now() - t0} ms)`);
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
