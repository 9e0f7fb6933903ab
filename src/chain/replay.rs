//! A [`Reader`] that answers from the calls it was given and asks for the rest: how a fetch runs
//! where the transport is asynchronous and outside Rust (the browser page's `fetch`/WebSocket).
//!
//! [`fetch_epoch`](super::fetch_epoch) over a [`Replay`] stops with [`ChainError::Pending`] at
//! the first stage whose answers it lacks, having queued every call that stage needs
//! ([`Replay::requests`]). The driver sends them, hands the answers back
//! ([`Replay::answer`]), and runs the fetch again; earlier stages replay from the answers it
//! holds. A fetch takes one run per stage (about ten), each cheap beside its round trip.
//!
//! ```
//! use yuma::chain::replay::Replay;
//! use yuma::chain::{fetch_epoch, ChainError, FetchOptions, Target};
//! let mut replay = Replay::new();
//! let got = fetch_epoch(&mut replay, 7, Target::Latest, &FetchOptions::default(), &mut |_| {});
//! assert!(matches!(got, Err(ChainError::Pending)));
//! // The first stage asks for the best block's hash.
//! let (body, _first) = replay.requests(1).unwrap();
//! assert!(body.to_string().contains("chain_getBlockHash"));
//! ```

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::Value;

use super::keys::StorageKey;
use super::rpc_json::{
    block_hash_call, header_call, keys_paged_call, match_answers, parse_block_hash, parse_changes,
    parse_header, parse_keys_page, parse_spec_version, query_storage_at_call, request_body,
    runtime_version_call, Call,
};
use super::{ChainError, Hash, Header, Reader};

/// Keys per `state_queryStorageAt` call.
pub const KEYS_PER_QUERY: usize = 256;
/// Keys per `state_getKeysPaged` page.
pub const KEYS_PER_PAGE: u32 = 1000;

/// Answers held, calls wanted.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    answers: BTreeMap<String, Value>,
    wanted: Vec<Call>,
    /// The calls sent so far, for progress.
    pub calls_answered: u64,
}

impl Replay {
    /// An empty replay: every read is wanted.
    pub fn new() -> Self {
        Replay::default()
    }

    fn get(&mut self, call: Call) -> Option<&Value> {
        let id = call.id_text();
        if !self.answers.contains_key(&id) {
            if !self.wanted.iter().any(|c| c.id_text() == id) {
                self.wanted.push(call);
            }
            return None;
        }
        self.answers.get(&id)
    }

    /// The calls the last run lacked, as JSON-RPC request bodies of at most `per_body` calls
    /// each: the first body and the id its calls start from (`None` when nothing is wanted).
    /// Send each body of [`Replay::bodies`] and give its answer to [`Replay::answer`].
    pub fn requests(&self, per_body: usize) -> Option<(Value, u64)> {
        self.bodies(per_body).into_iter().next()
    }

    /// Every wanted call as request bodies of at most `per_body` calls, each with the id its
    /// calls start from (ids are the call's position in [`Replay::wanted`], from 1).
    pub fn bodies(&self, per_body: usize) -> Vec<(Value, u64)> {
        let per = per_body.max(1);
        self.wanted
            .chunks(per)
            .enumerate()
            .map(|(k, chunk)| {
                let first = (k.saturating_mul(per) as u64).saturating_add(1);
                (request_body(chunk, first), first)
            })
            .collect()
    }

    /// The calls wanted.
    pub fn wanted(&self) -> &[Call] {
        &self.wanted
    }

    /// Takes the answer to the body that started at id `first` (as [`Replay::bodies`] made it,
    /// `per_body` calls each).
    pub fn answer(&mut self, first: u64, per_body: usize, answer: Value) -> Result<(), ChainError> {
        let per = per_body.max(1);
        let start = usize::try_from(first.saturating_sub(1)).unwrap_or(usize::MAX);
        let end = start.saturating_add(per).min(self.wanted.len());
        let calls: Vec<Call> = self
            .wanted
            .get(start..end)
            .map(<[Call]>::to_vec)
            .unwrap_or_default();
        let results = match_answers(&calls, first, answer).map_err(|e| e.error)?;
        for (c, r) in calls.iter().zip(results) {
            self.answers.insert(c.id_text(), r);
            self.calls_answered = self.calls_answered.saturating_add(1);
        }
        Ok(())
    }

    /// Forgets the wanted calls (after their answers are in), before the next run.
    pub fn next_run(&mut self) {
        self.wanted.clear();
    }

    fn pending<T>(&self) -> Result<T, ChainError> {
        Err(ChainError::Pending)
    }
}

impl Reader for Replay {
    fn block_hash(&mut self, number: Option<u64>) -> Result<Option<Hash>, ChainError> {
        match self.get(block_hash_call(number)) {
            Some(v) => parse_block_hash(v),
            None => self.pending(),
        }
    }

    fn header(&mut self, hash: &Hash) -> Result<Option<Header>, ChainError> {
        match self.get(header_call(hash)) {
            Some(v) => parse_header(v),
            None => self.pending(),
        }
    }

    fn spec_version(&mut self, hash: &Hash) -> Result<u32, ChainError> {
        match self.get(runtime_version_call(hash)) {
            Some(v) => parse_spec_version(v),
            None => self.pending(),
        }
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
        let mut out = Vec::with_capacity(reads.len());
        let mut missing = false;
        for (at, keys) in reads {
            let mut values = Vec::with_capacity(keys.len());
            for chunk in keys.chunks(KEYS_PER_QUERY) {
                match self.get(query_storage_at_call(chunk, at)) {
                    Some(v) => {
                        let v = v.clone();
                        values.extend(parse_changes(chunk, &v)?);
                    }
                    None => missing = true,
                }
            }
            out.push(values);
        }
        if missing {
            return self.pending();
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
        let mut out = Vec::with_capacity(prefixes.len());
        let mut missing = false;
        for (at, prefix) in prefixes {
            let mut keys: Vec<StorageKey> = Vec::new();
            loop {
                let call = keys_paged_call(prefix, KEYS_PER_PAGE, keys.last(), at);
                let Some(v) = self.get(call) else {
                    missing = true;
                    break;
                };
                let v = v.clone();
                let page = parse_keys_page(prefix, &v)?;
                let full = page.len() >= KEYS_PER_PAGE as usize;
                keys.extend(page);
                if !full {
                    break;
                }
            }
            out.push(keys);
        }
        if missing {
            return self.pending();
        }
        Ok(out)
    }
}
