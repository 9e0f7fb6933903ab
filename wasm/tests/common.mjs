// Helpers shared by the Node test scripts.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const WASM_DIR = resolve(HERE, '..');
export const ROOT = resolve(WASM_DIR, '..');

/// Headless Chromium flags known to work as root on these machines (the user-data-dir is passed
/// separately, fresh per run).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/// The `wasm-bindgen --target nodejs` build: $YUMA_WASM_NODE_PKG, or target/wasm-build/pkg-node.
export function loadNodePkg() {
  const dir = process.env.YUMA_WASM_NODE_PKG || join(ROOT, 'target', 'wasm-build', 'pkg-node');
  const require = createRequire(import.meta.url);
  return require(join(dir, 'yuma_wasm.js'));
}

/// Raw text of the value of top-level member `key` of the JSON object `text` (exact, no
/// number conversion), or null if absent.
export function rawMember(text, key) {
  let i = text.indexOf('{');
  if (i < 0) return null;
  i++;
  const skipWs = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const readString = () => {
    const start = i;
    i++; // opening quote
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const skipValue = () => {
    skipWs();
    const start = i;
    if (text[i] === '"') {
      readString();
      return [start, i];
    }
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      do {
        const c = text[i];
        if (c === '"') {
          readString();
          continue;
        }
        if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') depth--;
        i++;
      } while (depth > 0 && i < text.length);
      return [start, i];
    }
    while (i < text.length && !/[,}\]\s]/.test(text[i])) i++;
    return [start, i];
  };
  for (;;) {
    skipWs();
    if (text[i] !== '"') return null;
    const k = readString();
    skipWs();
    i++; // colon
    const [s, e] = skipValue();
    if (k === key) return text.slice(s, e);
    skipWs();
    if (text[i] !== ',') return null;
    i++;
  }
}

/// Replaces element `k` of the integer array member `field` inside the `expected` member.
export function alterExpected(text, field, k, f) {
  const exp = rawMember(text, 'expected');
  const arr = rawMember(exp, field);
  const items = arr.slice(1, -1).split(',').map((s) => s.trim());
  const old = items[k];
  items[k] = String(f(BigInt(old)));
  const newExp = exp.replace(arr, `[${items.join(',')}]`);
  return { text: text.replace(exp, newExp), old, now: items[k] };
}

let failures = 0;
let passes = 0;
export function check(name, cond, detail = '') {
  if (cond) {
    passes++;
    console.log(`ok - ${name}`);
  } else {
    failures++;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
  }
}
export function summary(label) {
  console.log(`${label}: ${passes} passed, ${failures} failed`);
  return failures;
}

/// The fake node binary (tests/fake-node): $YUMA_FAKE_NODE, or target/wasm-build/release/fake-node
/// (test.sh builds it there).
export function fakeNodeBin() {
  return process.env.YUMA_FAKE_NODE || join(ROOT, 'target', 'wasm-build', 'release', 'fake-node');
}

/// Starts `fake-node VECTOR --port 0 [args]` and resolves, once it prints its
/// `listening on http://127.0.0.1:PORT netuid N block B` line, to {url, ws, netuid, block, stop}.
export async function startFakeNode(vector, args = []) {
  const { spawn } = await import('node:child_process');
  const child = spawn(fakeNodeBin(), [vector, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake-node did not start within 20 s: ${err.trim()}`)), 20000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${fakeNodeBin()} (cargo build --release -p yuma-fake-node): ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake-node exited with ${code}: ${err.trim()}`));
    });
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+) netuid (\d+) block (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], netuid: Number(m[2]), block: Number(m[3]) });
      }
    });
  });
  child.removeAllListeners('exit');
  return { ...ready, ws: ready.url.replace(/^http/, 'ws'), stop: () => child.kill() };
}
