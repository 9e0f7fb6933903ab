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

use serde_json::Value;

use super::keys::StorageKey;
use super::rpc_json::{
    block_hash_call, get_storage_call, header_call, keys_paged_call, match_answers,
    parse_block_hash, parse_changes, parse_header, parse_keys_page, parse_spec_version,
    parse_storage, query_storage_at_call, request_body, runtime_version_call, Call,
};
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
            // At most 256 keys × 8 calls per round trip: a few MB of answer even for rows of
            // full 256-uid subnets, under a node's default 15 MiB response limit.
            keys_per_query: 256,
            calls_per_batch: 8,
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

    /// Makes `calls` in batches of [`RpcOptions::calls_per_batch`]; each call's `result`, in
    /// order.
    pub fn batch(&mut self, calls: &[Call]) -> Result<Vec<Value>, ChainError> {
        let mut out = Vec::with_capacity(calls.len());
        for chunk in calls.chunks(self.opts.calls_per_batch.max(1)) {
            out.extend(self.batch_once(chunk)?);
        }
        Ok(out)
    }

    fn batch_once(&mut self, calls: &[Call]) -> Result<Vec<Value>, ChainError> {
        let first = self.next_id;
        let body = request_body(calls, first);
        self.next_id = first.saturating_add(calls.len() as u64);
        let mut wait = self.opts.backoff;
        let mut tries = 0u32;
        let answer = loop {
            let attempt = self.round_trip(&body).and_then(|v| {
                match_answers(calls, first, v).map_err(|e| {
                    if e.busy {
                        Attempt::Retry(e.error)
                    } else {
                        Attempt::Fail(e.error)
                    }
                })
            });
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

    /// One call's `result`.
    pub fn call(&mut self, call: Call) -> Result<Value, ChainError> {
        self.batch(core::slice::from_ref(&call))
            .map(|mut v| v.pop().unwrap_or(Value::Null))
    }
}

impl Reader for RpcClient {
    fn block_hash(&mut self, number: Option<u64>) -> Result<Option<Hash>, ChainError> {
        parse_block_hash(&self.call(block_hash_call(number))?)
    }

    fn header(&mut self, hash: &Hash) -> Result<Option<Header>, ChainError> {
        parse_header(&self.call(header_call(hash))?)
    }

    fn spec_version(&mut self, hash: &Hash) -> Result<u32, ChainError> {
        parse_spec_version(&self.call(runtime_version_call(hash))?)
    }

    fn storage(
        &mut self,
        at: &Hash,
        keys: &[StorageKey],
    ) -> Result<Vec<Option<Vec<u8>>>, ChainError> {
        let mut all = self.storage_many(&[(*at, keys.to_vec())])?;
        Ok(all.pop().unwrap_or_default())
    }

    fn storage_many(
        &mut self,
        reads: &[(Hash, Vec<StorageKey>)],
    ) -> Result<Vec<Vec<Option<Vec<u8>>>>, ChainError> {
        if !self.no_query_at {
            // Every chunk of every block in one batch.
            let per = self.opts.keys_per_query.max(1);
            let mut calls = Vec::new();
            let mut owners: Vec<(usize, &[StorageKey])> = Vec::new();
            for (r, (at, keys)) in reads.iter().enumerate() {
                for chunk in keys.chunks(per) {
                    calls.push(query_storage_at_call(chunk, at));
                    owners.push((r, chunk));
                }
            }
            match self.batch(&calls) {
                Ok(answers) => {
                    let mut out: Vec<Vec<Option<Vec<u8>>>> = reads
                        .iter()
                        .map(|(_, k)| Vec::with_capacity(k.len()))
                        .collect();
                    for ((r, chunk), answer) in owners.into_iter().zip(answers) {
                        let values = parse_changes(chunk, &answer)?;
                        if let Some(o) = out.get_mut(r) {
                            o.extend(values);
                        }
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
        let mut out = Vec::with_capacity(reads.len());
        for (at, keys) in reads {
            let calls: Vec<Call> = keys.iter().map(|k| get_storage_call(k, at)).collect();
            let values = self
                .batch(&calls)?
                .iter()
                .map(parse_storage)
                .collect::<Result<Vec<_>, _>>()?;
            out.push(values);
        }
        Ok(out)
    }

    fn keys(&mut self, at: &Hash, prefix: &StorageKey) -> Result<Vec<StorageKey>, ChainError> {
        let mut all = self.keys_many(&[(*at, prefix.clone())])?;
        Ok(all.pop().unwrap_or_default())
    }

    fn keys_many(
        &mut self,
        prefixes: &[(Hash, StorageKey)],
    ) -> Result<Vec<Vec<StorageKey>>, ChainError> {
        // Page every listing together: one batch per round of pages.
        let page = self.opts.keys_per_page;
        let mut out: Vec<Vec<StorageKey>> = alloc::vec![Vec::new(); prefixes.len()];
        let mut open: Vec<usize> = (0..prefixes.len()).collect();
        while !open.is_empty() {
            let calls: Vec<Call> = open
                .iter()
                .filter_map(|&i| {
                    let (at, prefix) = prefixes.get(i)?;
                    let start = out.get(i).and_then(|o| o.last());
                    Some(keys_paged_call(prefix, page, start, at))
                })
                .collect();
            let answers = self.batch(&calls)?;
            let mut still = Vec::new();
            for (&i, answer) in open.iter().zip(answers) {
                let Some((_, prefix)) = prefixes.get(i) else {
                    continue;
                };
                let keys = parse_keys_page(prefix, &answer)?;
                let full = keys.len() >= page as usize;
                if let Some(o) = out.get_mut(i) {
                    o.extend(keys);
                }
                if full {
                    still.push(i);
                }
            }
            open = still;
        }
        Ok(out)
    }
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
        assert!(super::super::rpc_json::busy("Too many requests"));
        assert!(!super::super::rpc_json::busy("Invalid params"));
    }
}
