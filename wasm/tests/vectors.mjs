// Runs `verify` of the WASM build (Node target) over every vector file, as `yuma verify` does.
// Usage: node wasm/tests/vectors.mjs [DIR]   (default: tests/vectors of the repository)
// Ends with the line `N passed, M failed`; exits 1 if any vector fails or cannot be read.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, loadNodePkg } from './common.mjs';

const yuma = loadNodePkg();
const dir = process.argv[2] || join(ROOT, 'tests', 'vectors');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

let passed = 0;
let failed = 0;
const byCategory = new Map();
const t0 = performance.now();
for (const f of files) {
  const text = readFileSync(join(dir, f), 'utf8');
  let r;
  try {
    r = JSON.parse(yuma.verify(text));
  } catch (e) {
    failed++;
    console.log(`FAIL ${f}: ${e instanceof WebAssembly.RuntimeError ? 'WASM TRAP: ' : ''}${e.message}`);
    continue;
  }
  const cat = byCategory.get(r.category) || { passed: 0, failed: 0 };
  byCategory.set(r.category, cat);
  // Stricter than `yuma verify`: a vector must carry expected values and produce an output.
  if (r.passed && r.has_expected && r.output !== null) {
    passed++;
    cat.passed++;
    continue;
  }
  failed++;
  cat.failed++;
  if (r.error) console.log(`FAIL ${r.name}: error: ${r.error}`);
  else if (!r.has_expected) console.log(`FAIL ${r.name}: no expected result in the file`);
  else if (r.mismatches.length) {
    const m = r.mismatches[0];
    const more = r.mismatches.length > 1 ? ` (+${r.mismatches.length - 1} more)` : '';
    console.log(
      `FAIL ${r.name}: ${m.field}${m.uid === null ? '' : ` uid ${m.uid}`}: got ${m.got}, expected ${m.expected}${more}`,
    );
  } else console.log(`FAIL ${r.name}: no output`);
}
const secs = ((performance.now() - t0) / 1000).toFixed(1);
const cats = [...byCategory.entries()].map(([c, v]) => `${c} ${v.passed}/${v.passed + v.failed}`).join(', ');
console.log(`wasm verify of ${files.length} files in ${dir} (${secs} s): ${cats}`);
if (files.length === 0) {
  console.log('no vector files found');
  failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
