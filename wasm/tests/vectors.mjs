// Runs `verify` of the WASM build (Node target) over every vector file, as `yuma verify` does.
// Usage: node wasm/tests/vectors.mjs [--assume-spec SPEC] [PATH...]
//   PATH: a vector file, or a directory whose `.json` files are all verified (recursively);
//   default: tests/vectors of the repository (both runtimes: spec 425 at the top, spec475/).
// Prints the files per runtime rules, and ends with the line `N passed, M failed`; exits 1 if any
// vector fails or cannot be read, or a directory holds no `.json` file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, loadNodePkg } from './common.mjs';

const yuma = loadNodePkg();
const args = process.argv.slice(2);
let assume;
const at = args.indexOf('--assume-spec');
if (at >= 0) {
  assume = Number(args[at + 1]);
  if (!Number.isInteger(assume) || assume < 0) {
    console.error('usage: node vectors.mjs [--assume-spec SPEC] [PATH...]');
    process.exit(2);
  }
  args.splice(at, 2);
}
const paths = args.length ? args : [join(ROOT, 'tests', 'vectors')];

// Every `.json` file under `dir`, recursively, in sorted order.
function jsonFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(p));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

let passed = 0;
let failed = 0;
let files = 0;
const byCategory = new Map();
const byRules = new Map(); // rules name -> {source, files}
const t0 = performance.now();
for (const path of paths) {
  const list = statSync(path).isDirectory() ? jsonFiles(path) : [path];
  if (list.length === 0) {
    console.log(`FAIL ${path}: no .json file in the directory`);
    failed++;
    continue;
  }
  const dirT0 = performance.now();
  let dirPassed = 0;
  for (const f of list) {
    files++;
    const shown = relative(ROOT, f);
    const text = readFileSync(f, 'utf8');
    let r;
    try {
      r = JSON.parse(yuma.verify(text, assume));
    } catch (e) {
      failed++;
      console.log(`FAIL ${shown}: ${e instanceof WebAssembly.RuntimeError ? 'WASM TRAP: ' : ''}${e.message}`);
      continue;
    }
    const cat = byCategory.get(r.category) || { passed: 0, failed: 0 };
    byCategory.set(r.category, cat);
    const rules = r.runtime && r.runtime.rules;
    if (rules) {
      const e = byRules.get(rules.name) || { source: rules.source, files: 0 };
      e.files++;
      byRules.set(rules.name, e);
    }
    // Stricter than `yuma verify`: a vector must carry expected values and produce an output,
    // and its report must name the rules that ran (the library's `rules` and `runtime`).
    if (r.passed && r.has_expected && r.output !== null && rules && r.rules === rules.name) {
      passed++;
      dirPassed++;
      cat.passed++;
      continue;
    }
    failed++;
    cat.failed++;
    if (r.error) console.log(`FAIL ${shown}: error: ${r.error}`);
    else if (!r.has_expected) console.log(`FAIL ${shown}: no expected result in the file`);
    else if (r.mismatches.length) {
      const m = r.mismatches[0];
      const more = r.mismatches.length > 1 ? ` (+${r.mismatches.length - 1} more)` : '';
      console.log(
        `FAIL ${shown}: ${m.field}${m.uid === null ? '' : ` uid ${m.uid}`}: got ${m.got}, expected ${m.expected}${more}`,
      );
    } else if (!rules || r.rules !== rules.name) console.log(`FAIL ${shown}: the report does not name the rules that ran`);
    else console.log(`FAIL ${shown}: no output`);
  }
  const secs = ((performance.now() - dirT0) / 1000).toFixed(1);
  console.log(`wasm verify of ${list.length} files in ${relative(ROOT, path) || '.'} (${secs} s): ${dirPassed} passed`);
}
const secs = ((performance.now() - t0) / 1000).toFixed(1);
const cats = [...byCategory.entries()].map(([c, v]) => `${c} ${v.passed}/${v.passed + v.failed}`).join(', ');
console.log(`categories: ${cats}`);
for (const [name, e] of byRules) {
  console.log(`runtime rules ${name} (${e.source})${assume === undefined ? '' : `, assumed with spec ${assume}`}: ${e.files} file${e.files === 1 ? '' : 's'}`);
}
console.log(`${files} files in ${secs} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
