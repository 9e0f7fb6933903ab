// Fetching one epoch of a subnet from a node: the transports (http(s): a POST per request body;
// ws(s): one persistent WebSocket) and the driver of the WASM `ChainFetch`, which hands out the
// JSON-RPC request bodies each stage needs and takes the node's answers (wasm/src/lib.rs,
// "chain snapshots"). No DOM: tests/api.mjs runs this module in Node, over HTTP, as the page does.
//
// Each request has a timeout; a dropped connection is retried once (a new request, or a new
// socket); a busy node (HTTP 429/503, or a JSON-RPC error saying so) is retried with backoff, as
// the CLI's client does. Every failure is one line: the fetch's own (`subnet 99 does not exist at
// block …`, with the CLI's exit code) or the transport's (`cannot reach URL: …`, exit code 3).

export const FINNEY = 'wss://entrypoint-finney.opentensor.ai:443';
export const TIMEOUT_MS = 30000;
// Request bodies in flight at once (each carries up to 8 JSON-RPC calls).
export const IN_FLIGHT = 4;
const BUSY_RETRIES = 4;
const BACKOFF_MS = 250;

// A fetch that failed: `message` is the one line to show, `exitCode` the CLI's (2 arguments or
// runtime, 3 node or network).
export class FetchError extends Error {
  constructor(message, exitCode = 3) {
    super(message);
    this.name = 'FetchError';
    this.exitCode = exitCode;
  }
}

// The user cancelled (or the page moved on).
export class Cancelled extends Error {
  constructor() {
    super('the fetch was cancelled');
    this.name = 'Cancelled';
  }
}

// The URL's kind ('http' or 'ws'), or null when it is neither http(s):// nor ws(s)://.
export function urlKind(url) {
  const m = /^(https?|wss?):\/\/[^/?#\s]+/i.exec(url);
  if (!m) return null;
  return m[1].toLowerCase().startsWith('ws') ? 'ws' : 'http';
}

// The words a busy node's JSON-RPC error uses (rpc_json::busy in the crate), or its code -32005.
const BUSY_WORDS = ['busy', 'too many', 'rate limit', 'limit exceeded', 'try again', 'overloaded'];
function busyAnswer(text) {
  if (!text.includes('"error"')) return false;
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    return false;
  }
  const items = Array.isArray(v) ? v : [v];
  return items.some((i) => {
    const e = i && i.error;
    if (!e) return false;
    const m = String(e.message || '').toLowerCase();
    return e.code === -32005 || BUSY_WORDS.some((w) => m.includes(w));
  });
}

const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(new Cancelled());
    const t = setTimeout(() => {
      if (signal) signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Cancelled());
    };
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
  });

const seconds = (ms) => `${Math.round(ms / 100) / 10} s`;

// ---------------------------------------------------------------- HTTP(S)

// One POST per request body. A request that fails without an answer (refused, dropped, a CORS
// refusal: the browser does not tell them apart) is sent once more before giving up.
export class HttpTransport {
  constructor(url, { timeoutMs = TIMEOUT_MS, signal = null, fetchImpl = null } = {}) {
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.signal = signal;
    this.fetch = fetchImpl || ((...a) => globalThis.fetch(...a));
    this.live = new Set(); // AbortControllers of the requests in flight
    this.closed = false;
    this.retries = 0;
  }

  fail(why) {
    return new FetchError(`cannot reach ${this.url}: ${why}`, 3);
  }

  async send(req) {
    let dropped = 0;
    let busy = 0;
    for (;;) {
      if (this.closed || (this.signal && this.signal.aborted)) throw new Cancelled();
      const ctl = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        ctl.abort();
      }, this.timeoutMs);
      this.live.add(ctl);
      let status;
      let statusText;
      let text;
      try {
        const r = await this.fetch(this.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: req.body,
          signal: ctl.signal,
        });
        status = r.status;
        statusText = r.statusText;
        text = await r.text();
      } catch (e) {
        if (this.closed || (this.signal && this.signal.aborted)) throw new Cancelled();
        if (timedOut) throw this.fail(`no answer within ${seconds(this.timeoutMs)}`);
        if (dropped++ < 1) {
          this.retries++;
          await sleep(BACKOFF_MS, this.signal);
          continue;
        }
        const why = e && e.message ? e.message : String(e);
        throw this.fail(`the request failed twice (${why}): the node is down or refuses this page's origin (CORS), or the URL is wrong`);
      } finally {
        clearTimeout(timer);
        this.live.delete(ctl);
      }
      const busyStatus = status === 429 || status === 503;
      if (busyStatus || (status === 200 && busyAnswer(text))) {
        if (busy++ < BUSY_RETRIES) {
          this.retries++;
          await sleep(BACKOFF_MS * 2 ** (busy - 1), this.signal);
          continue;
        }
        if (busyStatus) throw this.fail(`busy (HTTP ${status}), ${BUSY_RETRIES} retries`);
        return text; // the node's own error, for the fetch to report
      }
      if (status < 200 || status > 299) {
        const snippet = text.trim().slice(0, 120).replace(/\s+/g, ' ');
        throw this.fail(`HTTP ${status}${statusText ? ` ${statusText}` : ''}${snippet ? ` (${snippet})` : ''}`);
      }
      return text;
    }
  }

  close() {
    this.closed = true;
    for (const c of this.live) c.abort();
    this.live.clear();
  }
}

// ---------------------------------------------------------------- WebSocket

// One persistent socket; several request bodies may be in flight, their answers matched by the
// JSON-RPC ids in them. When the socket drops, it is opened again once and the requests still
// unanswered are sent again; a second drop fails them.
export class WsTransport {
  constructor(url, { timeoutMs = TIMEOUT_MS, signal = null, WebSocketImpl = null } = {}) {
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.signal = signal;
    this.WS = WebSocketImpl || globalThis.WebSocket;
    this.ws = null;
    this.opening = null; // a promise of the open socket
    this.pending = []; // {req, resolve, reject, timer, retried, busy}
    this.closed = false;
    this.retries = 0;
    this.onAbort = () => this.close();
    if (signal) signal.addEventListener('abort', this.onAbort, { once: true });
  }

  fail(why) {
    return new FetchError(`cannot reach ${this.url}: ${why}`, 3);
  }

  open() {
    if (this.opening) return this.opening;
    this.opening = new Promise((resolve, reject) => {
      if (!this.WS) {
        reject(this.fail('this JavaScript runtime has no WebSocket'));
        return;
      }
      let ws;
      try {
        ws = new this.WS(this.url);
      } catch (e) {
        reject(this.fail(e && e.message ? e.message : String(e)));
        return;
      }
      let opened = false;
      const timer = setTimeout(() => {
        if (opened) return;
        reject(this.fail(`the WebSocket did not open within ${seconds(this.timeoutMs)}`));
        try {
          ws.close();
        } catch {
          /* already closing */
        }
      }, this.timeoutMs);
      ws.onopen = () => {
        opened = true;
        clearTimeout(timer);
        this.ws = ws;
        resolve(ws);
      };
      ws.binaryType = 'arraybuffer';
      ws.onmessage = (ev) => this.onMessage(typeof ev.data === 'string' ? ev.data : new TextDecoder().decode(ev.data));
      ws.onerror = () => {}; // the close event follows, with its code
      ws.onclose = (ev) => {
        clearTimeout(timer);
        if (!opened) {
          reject(this.fail(`the WebSocket connection failed (closed with code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}): the node is down, or the URL is wrong`));
          this.opening = null;
          return;
        }
        if (this.ws === ws) {
          this.ws = null;
          this.opening = null;
        }
        this.onDrop(ev);
      };
    });
    return this.opening;
  }

  // The socket closed under requests still unanswered: each is sent again once, on a new socket.
  onDrop(ev) {
    if (this.closed) return;
    const waiting = this.pending.slice();
    for (const p of waiting) {
      if (p.retried) {
        this.settle(p, null, this.fail(`the connection dropped twice (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`));
      } else {
        p.retried = true;
        this.retries++;
        this.write(p);
      }
    }
  }

  arm(p) {
    clearTimeout(p.timer);
    p.timer = setTimeout(() => this.settle(p, null, this.fail(`no answer within ${seconds(this.timeoutMs)}`)), this.timeoutMs);
  }

  async write(p) {
    this.arm(p);
    try {
      const ws = await this.open();
      if (this.closed || !this.pending.includes(p)) return;
      ws.send(p.req.body);
    } catch (e) {
      this.settle(p, null, e);
    }
  }

  settle(p, text, err) {
    const k = this.pending.indexOf(p);
    if (k < 0) return;
    this.pending.splice(k, 1);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(text);
  }

  // An answer: the request whose ids hold its first id (an answer without a usable id, such as
  // a parse error's, goes to the oldest request, whose fetch then reports it).
  onMessage(data) {
    let id = null;
    try {
      const v = JSON.parse(data);
      const first = Array.isArray(v) ? v[0] : v;
      if (first && Number.isSafeInteger(first.id)) id = first.id;
    } catch {
      /* not JSON: the fetch says so */
    }
    let p = id === null ? null : this.pending.find((q) => id >= q.req.first && id < q.req.first + q.req.count);
    if (!p) p = this.pending[0];
    if (!p) return;
    if (p.busy < BUSY_RETRIES && busyAnswer(data)) {
      p.busy++;
      this.retries++;
      clearTimeout(p.timer);
      sleep(BACKOFF_MS * 2 ** (p.busy - 1), this.signal).then(
        () => this.pending.includes(p) && this.write(p),
        () => {},
      );
      return;
    }
    this.settle(p, data, null);
  }

  send(req) {
    if (this.closed) return Promise.reject(new Cancelled());
    return new Promise((resolve, reject) => {
      const p = { req, resolve, reject, timer: null, retried: false, busy: 0 };
      this.pending.push(p);
      this.write(p);
    });
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.signal) this.signal.removeEventListener('abort', this.onAbort);
    for (const p of this.pending.slice()) this.settle(p, null, new Cancelled());
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      try {
        ws.close();
      } catch {
        /* already closed */
      }
    } else if (this.opening) {
      this.opening.then((w) => w.close(), () => {});
    }
  }
}

export function transportFor(url, opts = {}) {
  const kind = urlKind(url);
  if (kind === 'http') return new HttpTransport(url, opts);
  if (kind === 'ws') return new WsTransport(url, opts);
  throw new FetchError(`${url || '(no URL)'} is not an http://, https://, ws:// or wss:// URL`, 2);
}

// ---------------------------------------------------------------- the driver

// Fetches subnet `netuid`'s epoch at `block` (null: the latest) from `url` with the WASM module
// `yuma`. `onProgress({stage, step, steps, calls, bodies, roundTrips})` follows it (calls: JSON-RPC
// calls answered so far). Resolves to {snapshot (the JSON text `yuma fetch -o` writes), calls,
// roundTrips, runs, retries}; rejects with a FetchError (its one line) or Cancelled.
export async function runFetch(yuma, { netuid, block = null, url, assumeSpec = null, fetchedAt = null }, opts = {}) {
  const { onProgress = () => {}, signal = null, timeoutMs = TIMEOUT_MS, transport = null } = opts;
  if (!Number.isInteger(netuid) || netuid < 0 || netuid > 65535) throw new FetchError(`netuid ${netuid} is not a whole number from 0 to 65535`, 2);
  if (block !== null && (!Number.isSafeInteger(block) || block < 0)) throw new FetchError(`block ${block} is not a block number`, 2);
  const t = transport || transportFor(url, { timeoutMs, signal });
  let f;
  try {
    f = new yuma.ChainFetch(netuid, block === null ? undefined : block, url, fetchedAt || new Date().toISOString(), assumeSpec === null ? undefined : assumeSpec);
  } catch (e) {
    t.close();
    throw new FetchError(e && e.message ? e.message : String(e), 2);
  }
  let roundTrips = 0;
  let dead = false;
  const onAbort = () => t.close();
  if (signal) signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal && signal.aborted) throw new Cancelled();
      const s = JSON.parse(f.step());
      const progress = { stage: s.stage, step: s.step, steps: s.steps, calls: s.calls, bodies: s.bodies.length, roundTrips };
      onProgress({ ...progress });
      if (s.done) {
        if (s.error) throw new FetchError(s.error, s.exit_code);
        return { snapshot: f.snapshot(), calls: s.calls, roundTrips, runs: s.runs, retries: t.retries };
      }
      const reqs = s.bodies.map((b) => {
        let calls;
        try {
          calls = JSON.parse(b.body);
        } catch {
          calls = [];
        }
        return { body: b.body, first: b.first, count: Array.isArray(calls) ? calls.length : 1 };
      });
      let next = 0;
      let failure = null;
      const worker = async () => {
        while (!failure && next < reqs.length) {
          const req = reqs[next++];
          let text;
          try {
            text = await t.send(req);
          } catch (e) {
            if (!failure) failure = e;
            t.close(); // the other requests in flight end too
            break;
          }
          if (dead || failure) break;
          try {
            f.answer(req.first, text);
          } catch (e) {
            if (!failure) failure = new FetchError(`${url}: ${e && e.message ? e.message : e}`, 3);
            t.close();
            break;
          }
          roundTrips++;
          progress.calls += req.count;
          progress.roundTrips = roundTrips;
          onProgress({ ...progress });
        }
      };
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, reqs.length) }, worker));
      if (signal && signal.aborted) throw new Cancelled();
      if (failure) throw failure;
    }
  } finally {
    dead = true;
    if (signal) signal.removeEventListener('abort', onAbort);
    t.close();
    f.free();
  }
}
