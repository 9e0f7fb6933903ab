//! A node's standard Substrate JSON-RPC, over `http(s)://` or `ws(s)://` (feature `rpc`, std).
//!
//! [`RpcClient`] sends JSON-RPC 2.0 requests — batched: one HTTP POST or one WebSocket message
//! carries many calls — with a timeout per request, and retries a busy or unreachable node with
//! exponential backoff before giving up. It implements [`Reader`], so [`super::fetch_epoch`] reads
//! a subnet through it with a bounded number of round trips (`state_queryStorageAt` for many keys
//! at once, `state_getKeysPaged` in pages).
//!
//! Only the node's standard RPC methods are used: `chain_getBlockHash`, `chain_getHeader`,
//! `state_getRuntimeVersion`, `state_getStorage`, `state_getKeysPaged`, `state_queryStorageAt`.

extern crate std;

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use std::io::ErrorKind;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use serde_json::{json, Value};

use super::keys::{from_hex, StorageKey};
use super::{ChainError, Hash, Header, Reader};

/// How the client talks to the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpcOptions {
    /// How long one request may take (connect, send and answer).
    pub timeout: Duration,
    /// Retries of a request that failed for a busy or unreachable node.
    pub retries: u32,
    /// The first retry's wait; each further one doubles it.
    pub backoff: Duration,
    /// Storage keys per `state_queryStorageAt` call.
    pub keys_per_query: usize,
    /// Calls per JSON-RPC batch.
    pub calls_per_batch: usize,
    /// Keys per `state_getKeysPaged` page.
    pub keys_per_page: u32,
}

impl Default for RpcOptions {
    fn default() -> Self {
        RpcOptions {
            timeout: Duration::from_secs(30),
            retries: 4,
            backoff: Duration::from_millis(250),
            keys_per_query: 512,
            calls_per_batch: 16,
            keys_per_page: 1000,
        }
    }
}

enum Conn {
    Http(ureq::Agent),
    Ws(Box<tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>>),
}

/// A JSON-RPC client for one endpoint.
pub struct RpcClient {
    url: String,
    conn: Option<Conn>,
    opts: RpcOptions,
    next_id: u64,
    /// JSON-RPC requests sent and round trips made, for progress lines.
    pub stats: RpcStats,
    /// Whether the node lacks `state_queryStorageAt` (then `state_getStorage` per key is used).
    no_query_at: bool,
}

/// Counters of the client's work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RpcStats {
    /// Round trips (HTTP requests or WebSocket messages).
    pub round_trips: u64,
    /// JSON-RPC calls inside them.
    pub calls: u64,
    /// Retries after a busy or unreachable node.
    pub retries: u64,
}

/// `scheme://host[:port]` of a URL, its scheme's default port filled in.
fn host_port(url: &str) -> Option<(String, u16, bool)> {
    let (scheme, rest) = url.split_once("://")?;
    let (tls, default) = match scheme {
        "http" | "ws" => (false, 80),
        "https" | "wss" => (true, 443),
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    if authority.is_empty() {
        return None;
    }
    // `[::1]:9944` or `host:9944` or `host`.
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, p) = v6.split_once(']')?;
        (h.to_owned(), p.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default,
    };
    Some((host, port, tls))
}

/// Whether a node's error reads like "busy, try later".
fn busy(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "busy",
        "too many",
        "rate limit",
        "limit exceeded",
        "try again",
        "overloaded",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// A failed attempt: worth retrying, or final.
enum Attempt {
    Retry(ChainError),
    Fail(ChainError),
}

impl RpcClient {
    /// A client for `url` (`http://`, `https://`, `ws://` or `wss://`); connects on first use.
    pub fn new(url: &str, opts: RpcOptions) -> Result<Self, ChainError> {
        if host_port(url).is_none() {
            return Err(ChainError::Argument(format!(
                "--rpc {url}: not an http(s):// or ws(s):// URL with a host"
            )));
        }
        Ok(RpcClient {
            url: url.to_owned(),
            conn: None,
            opts,
            next_id: 1,
            stats: RpcStats::default(),
            no_query_at: false,
        })
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn network(&self, message: impl ToString) -> ChainError {
        ChainError::Network {
            url: self.url.clone(),
            message: message.to_string(),
        }
    }

    fn connect(&mut self) -> Result<Conn, Attempt> {
        let (host, port, _) = host_port(&self.url)
            .ok_or_else(|| Attempt::Fail(self.network("not a URL with a host")))?;
        if self.url.starts_with("http") {
            let config = ureq::Agent::config_builder()
                .timeout_global(Some(self.opts.timeout))
                .http_status_as_error(false)
                .build();
            return Ok(Conn::Http(config.new_agent()));
        }
        let addr = (host.as_str(), port)
            .to_socket_addrs()
            .map_err(|e| Attempt::Fail(self.network(format!("cannot resolve {host}: {e}"))))?
            .next()
            .ok_or_else(|| Attempt::Fail(self.network(format!("{host} has no address"))))?;
        let stream = TcpStream::connect_timeout(&addr, self.opts.timeout)
            .map_err(|e| Attempt::Retry(self.network(format!("cannot connect: {e}"))))?;
        let _ = stream.set_read_timeout(Some(self.opts.timeout));
        let _ = stream.set_write_timeout(Some(self.opts.timeout));
        let _ = stream.set_nodelay(true);
        let (ws, _) = tungstenite::client_tls_with_config(self.url.as_str(), stream, None, None)
            .map_err(|e| {
                Attempt::Retry(self.network(format!("WebSocket handshake failed: {e}")))
            })?;
        Ok(Conn::Ws(Box::new(ws)))
    }

    /// One round trip carrying `body` (a JSON-RPC request or batch); the parsed answer.
    fn round_trip(&mut self, body: &Value) -> Result<Value, Attempt> {
        let conn = match self.conn.take() {
            Some(c) => c,
            None => self.connect()?,
        };
        self.stats.round_trips = self.stats.round_trips.saturating_add(1);
        let text = body.to_string();
        match conn {
            Conn::Http(agent) => {
                let answer = agent
                    .post(&self.url)
                    .header("Content-Type", "application/json")
                    .send(text.as_str());
                let mut response = answer.map_err(|e| match e {
                    ureq::Error::Timeout(_) => {
                        Attempt::Retry(self.network("timed out waiting for the node"))
                    }
                    ureq::Error::HostNotFound => {
                        Attempt::Fail(self.network("cannot resolve the host"))
                    }
                    e => Attempt::Retry(self.network(format!("request failed: {e}"))),
                })?;
                let status = response.status().as_u16();
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(1 << 30)
                    .read_to_string()
                    .map_err(|e| {
                        Attempt::Retry(self.network(format!("reading the answer: {e}")))
                    })?;
                self.conn = Some(Conn::Http(agent));
                if status == 429 || status == 503 {
                    return Err(Attempt::Retry(
                        self.network(format!("busy (HTTP {status})")),
                    ));
                }
                if !(200..300).contains(&status) {
                    return Err(Attempt::Fail(self.network(format!(
                        "HTTP {status}: {}",
                        body.chars().take(200).collect::<String>()
                    ))));
                }
                serde_json::from_str(&body).map_err(|e| {
                    Attempt::Fail(ChainError::Node {
                        method: "a JSON-RPC request".into(),
                        message: format!("an answer that is not JSON ({e})"),
                    })
                })
            }
            Conn::Ws(mut ws) => {
                let sent = ws.send(tungstenite::Message::text(text));
                if let Err(e) = sent {
                    return Err(Attempt::Retry(self.network(format!("sending: {e}"))));
                }
                loop {
                    match ws.read() {
                        Ok(tungstenite::Message::Text(t)) => {
                            let v: Value = serde_json::from_str(t.as_str()).map_err(|e| {
                                Attempt::Fail(ChainError::Node {
                                    method: "a JSON-RPC request".into(),
                                    message: format!("an answer that is not JSON ({e})"),
                                })
                            })?;
                            self.conn = Some(Conn::Ws(ws));
                            return Ok(v);
                        }
                        Ok(tungstenite::Message::Close(_)) => {
                            return Err(Attempt::Retry(
                                self.network("the node closed the connection"),
                            ))
                        }
                        Ok(_) => continue,
                        Err(tungstenite::Error::Io(e))
                            if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                        {
                            return Err(Attempt::Retry(
                                self.network("timed out waiting for the node"),
                            ))
                        }
                        Err(e) => {
                            return Err(Attempt::Retry(
                                self.network(format!("connection lost: {e}")),
                            ))
                        }
                    }
                }
            }
        }
    }

    /// Calls `(method, params)` in one batch; each call's `result`, in order.
    pub fn batch(&mut self, calls: &[(&str, Value)]) -> Result<Vec<Value>, ChainError> {
        let mut out = Vec::with_capacity(calls.len());
        for chunk in calls.chunks(self.opts.calls_per_batch.max(1)) {
            out.extend(self.batch_once(chunk)?);
        }
        Ok(out)
    }

    fn batch_once(&mut self, calls: &[(&str, Value)]) -> Result<Vec<Value>, ChainError> {
        let first = self.next_id;
        let requests: Vec<Value> = calls
            .iter()
            .zip(first..)
            .map(|((m, p), id)| json!({"jsonrpc": "2.0", "id": id, "method": m, "params": p}))
            .collect();
        self.next_id = first.saturating_add(calls.len() as u64);
        let body = if requests.len() == 1 {
            requests.first().cloned().unwrap_or(Value::Null)
        } else {
            Value::Array(requests)
        };
        let mut wait = self.opts.backoff;
        let mut tries = 0u32;
        let answer = loop {
            let attempt = self
                .round_trip(&body)
                .and_then(|v| self.results(calls, first, v));
            match attempt {
                Ok(results) => break results,
                // A busy or unreachable node: reconnect and try again, a little later each time.
                Err(Attempt::Retry(_)) if tries < self.opts.retries => self.conn = None,
                Err(Attempt::Retry(e)) | Err(Attempt::Fail(e)) => return Err(e),
            }
            tries = tries.saturating_add(1);
            self.stats.retries = self.stats.retries.saturating_add(1);
            std::thread::sleep(wait);
            wait = wait.saturating_mul(2);
        };
        self.stats.calls = self.stats.calls.saturating_add(calls.len() as u64);
        Ok(answer)
    }

    /// Each call's `result` from a JSON-RPC answer (one object or a batch array, any order).
    fn results(
        &self,
        calls: &[(&str, Value)],
        first: u64,
        v: Value,
    ) -> Result<Vec<Value>, Attempt> {
        let items = match v {
            Value::Array(a) => a,
            one => alloc::vec![one],
        };
        let mut out: Vec<Option<Value>> = alloc::vec![None; calls.len()];
        for item in items {
            let id = item.get("id").and_then(Value::as_u64);
            let slot = id
                .and_then(|id| id.checked_sub(first))
                .and_then(|k| usize::try_from(k).ok())
                .filter(|&k| k < calls.len());
            let method = slot
                .and_then(|k| calls.get(k))
                .map_or("a JSON-RPC request", |c| c.0);
            if let Some(err) = item.get("error") {
                let message = err
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("an error")
                    .to_owned();
                let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
                let e = ChainError::Node {
                    method: method.to_owned(),
                    message: format!("error {code}: {message}"),
                };
                return Err(if busy(&message) || code == -32005 {
                    Attempt::Retry(e)
                } else {
                    Attempt::Fail(e)
                });
            }
            let Some(k) = slot else {
                return Err(Attempt::Fail(ChainError::Node {
                    method: method.to_owned(),
                    message: "an answer to a request it was not sent".into(),
                }));
            };
            if let Some(dst) = out.get_mut(k) {
                *dst = Some(item.get("result").cloned().unwrap_or(Value::Null));
            }
        }
        out.into_iter()
            .zip(calls)
            .map(|(r, (m, _))| {
                r.ok_or_else(|| {
                    Attempt::Fail(ChainError::Node {
                        method: (*m).to_owned(),
                        message: "no answer to one of the batched calls".into(),
                    })
                })
            })
            .collect()
    }

    /// One call's `result`.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, ChainError> {
        self.batch(&[(method, params)])
            .map(|mut v| v.pop().unwrap_or(Value::Null))
    }
}

fn bad(method: &str, what: &str) -> ChainError {
    ChainError::Node {
        method: method.to_owned(),
        message: format!("an answer that is not {what}"),
    }
}

/// A `0x…` hex string as bytes.
fn hex_value(method: &str, v: &Value) -> Result<Vec<u8>, ChainError> {
    v.as_str()
        .and_then(from_hex)
        .ok_or_else(|| bad(method, "hex data"))
}

/// A `0x…` hash.
fn hash_value(method: &str, v: &Value) -> Result<Hash, ChainError> {
    let bytes = hex_value(method, v)?;
    Hash::try_from(bytes.as_slice()).map_err(|_| bad(method, "a 32-byte block hash"))
}

impl Reader for RpcClient {
    fn block_hash(&mut self, number: Option<u64>) -> Result<Option<Hash>, ChainError> {
        let params = match number {
            Some(n) => json!([n]),
            None => json!([]),
        };
        let v = self.call("chain_getBlockHash", params)?;
        if v.is_null() {
            return Ok(None);
        }
        hash_value("chain_getBlockHash", &v).map(Some)
    }

    fn header(&mut self, hash: &Hash) -> Result<Option<Header>, ChainError> {
        let v = self.call("chain_getHeader", json!([super::keys::to_hex(hash)]))?;
        if v.is_null() {
            return Ok(None);
        }
        let number = v
            .get("number")
            .and_then(Value::as_str)
            .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
            .ok_or_else(|| bad("chain_getHeader", "a header with a hex block number"))?;
        let parent = hash_value(
            "chain_getHeader",
            v.get("parentHash").unwrap_or(&Value::Null),
        )?;
        Ok(Some(Header { number, parent }))
    }

    fn spec_version(&mut self, hash: &Hash) -> Result<u32, ChainError> {
        let v = self.call(
            "state_getRuntimeVersion",
            json!([super::keys::to_hex(hash)]),
        )?;
        v.get("specVersion")
            .and_then(Value::as_u64)
            .and_then(|x| u32::try_from(x).ok())
            .ok_or_else(|| {
                bad(
                    "state_getRuntimeVersion",
                    "a runtime version with specVersion",
                )
            })
    }

    fn storage(
        &mut self,
        at: &Hash,
        keys: &[StorageKey],
    ) -> Result<Vec<Option<Vec<u8>>>, ChainError> {
        let at_hex = super::keys::to_hex(at);
        let mut out = Vec::with_capacity(keys.len());
        if !self.no_query_at {
            let chunks: Vec<&[StorageKey]> = keys.chunks(self.opts.keys_per_query.max(1)).collect();
            let calls: Vec<(&str, Value)> = chunks
                .iter()
                .map(|c| {
                    let hexes: Vec<String> = c.iter().map(StorageKey::hex).collect();
                    ("state_queryStorageAt", json!([hexes, at_hex]))
                })
                .collect();
            match self.batch(&calls) {
                Ok(answers) => {
                    for (chunk, answer) in chunks.iter().zip(answers) {
                        out.extend(changes(chunk, &answer)?);
                    }
                    return Ok(out);
                }
                Err(ChainError::Node { message, .. }) if message.contains("-32601") => {
                    // Method not found: fall back to one state_getStorage per key.
                    self.no_query_at = true;
                }
                Err(e) => return Err(e),
            }
        }
        let calls: Vec<(&str, Value)> = keys
            .iter()
            .map(|k| ("state_getStorage", json!([k.hex(), at_hex])))
            .collect();
        for v in self.batch(&calls)? {
            out.push(if v.is_null() {
                None
            } else {
                Some(hex_value("state_getStorage", &v)?)
            });
        }
        Ok(out)
    }

    fn keys(&mut self, at: &Hash, prefix: &StorageKey) -> Result<Vec<StorageKey>, ChainError> {
        let at_hex = super::keys::to_hex(at);
        let mut out: Vec<StorageKey> = Vec::new();
        loop {
            let start = out.last().map(StorageKey::hex);
            let v = self.call(
                "state_getKeysPaged",
                json!([prefix.hex(), self.opts.keys_per_page, start, at_hex]),
            )?;
            let page = v
                .as_array()
                .ok_or_else(|| bad("state_getKeysPaged", "a list of keys"))?;
            let got = page.len();
            for k in page {
                let key = StorageKey(hex_value("state_getKeysPaged", k)?);
                if !key.0.starts_with(&prefix.0) {
                    return Err(bad("state_getKeysPaged", "keys under the prefix asked for"));
                }
                out.push(key);
            }
            if got < self.opts.keys_per_page as usize {
                return Ok(out);
            }
        }
    }
}

/// The values of `keys` from one `state_queryStorageAt` answer (`[{block, changes: [[key,
/// value|null], …]}]`), in the order of `keys`.
fn changes(keys: &[StorageKey], answer: &Value) -> Result<Vec<Option<Vec<u8>>>, ChainError> {
    const M: &str = "state_queryStorageAt";
    let sets = answer
        .as_array()
        .ok_or_else(|| bad(M, "a list of change sets"))?;
    let mut found: alloc::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>> =
        alloc::collections::BTreeMap::new();
    for set in sets {
        let list = set
            .get("changes")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(M, "change sets with `changes`"))?;
        for pair in list {
            let (Some(k), v) = (pair.get(0), pair.get(1)) else {
                return Err(bad(M, "[key, value] pairs"));
            };
            let k = hex_value(M, k)?;
            let v = match v {
                None | Some(Value::Null) => None,
                Some(v) => Some(hex_value(M, v)?),
            };
            found.insert(k, v);
        }
    }
    Ok(keys
        .iter()
        .map(|k| found.get(&k.0).cloned().flatten())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            host_port("wss://entrypoint-finney.opentensor.ai:443"),
            Some(("entrypoint-finney.opentensor.ai".into(), 443, true))
        );
        assert_eq!(
            host_port("ws://127.0.0.1:9944/"),
            Some(("127.0.0.1".into(), 9944, false))
        );
        assert_eq!(
            host_port("https://node.example/rpc"),
            Some(("node.example".into(), 443, true))
        );
        assert_eq!(
            host_port("http://[::1]:9933"),
            Some(("::1".into(), 9933, false))
        );
        assert_eq!(host_port("ftp://x"), None);
        assert_eq!(host_port("wss://"), None);
        assert!(busy("Too many requests"));
        assert!(!busy("Invalid params"));
    }
}
