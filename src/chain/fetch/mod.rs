//! What one epoch read and wrote: [`fetch_epoch`] reads a subnet's state at block B − 1, applies
//! what block B changed before the epoch, and reads the results the epoch stored at B.
//!
//! The epoch of subnet N runs in `on_initialize` of block B (the block where
//! `LastMechansimStepBlock[N]` becomes B). Its input is the post-state of B − 1 with these
//! corrections (`docs/chain.md` has the storage table and the reasons):
//!
//! * `current_block = B`; the commit-expiry epoch index is `SubnetEpochIndex + 1` (the schedule
//!   advanced just before the epoch);
//! * timelocked (commit-reveal v4) reveals run before the coinbase: a commit of the reveal epoch
//!   that is gone at B was revealed (or dropped) in B, so that uid's `Weights` row is read at B,
//!   and the commit queues the epoch saw are those of B for epochs before the current one;
//! * the emission it distributed is what block B's coinbase drained from the pending pools: not
//!   stored anywhere, so it is recovered ([`super::snapshot::RaoProvenance`]).
//!
//! Results are read at B; uids whose `Keys` or `BlockAtRegistration` changed in B were
//! re-registered after the epoch (registrations are extrinsics), so their stored results are
//! not the epoch's: they are listed in `meta.masked_uids` and not compared.
//!
//! The fetch's files: this one holds its options, its progress, and the batches, values and
//! items its stages share; `subnet.rs` finds the epoch block and reads the subnet-level items,
//! `stages.rs` is [`fetch_epoch`] itself, and `emission.rs` recovers the emission the epoch
//! distributed.

mod emission;
mod stages;
mod subnet;

pub use stages::fetch_epoch;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use parity_scale_codec::Decode;

use super::decode::{self, Account, HashCommit, TimelockedCommit};
use super::keys::{split_key, to_hex, Hasher, StorageKey};
use super::{ChainError, Hash, Reader};
use crate::{ConsensusMode, EpochConsensus, SparseRowU16};

/// Which epoch to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The epoch that ran in this block (an error if none did).
    Block(u64),
    /// The subnet's latest epoch, as of the node's best block.
    Latest,
}

/// How to fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchOptions {
    /// Compute under these rules even if the runtime is not one this version reproduces.
    pub assume_spec: Option<u32>,
    /// Where the state comes from, recorded in the snapshot (`meta.rpc`).
    pub source: String,
    /// When, recorded in the snapshot (`meta.fetched_at`).
    pub fetched_at: String,
}

/// One step of a fetch, for progress lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// What is being read.
    pub stage: &'static str,
    /// This step's number, from 1.
    pub step: u8,
    /// Steps in all.
    pub steps: u8,
}

/// Steps of [`fetch_epoch`], in order.
pub const STAGES: [&str; 8] = [
    "finding the epoch block",
    "reading the runtime version",
    "reading the subnet's items",
    "listing uids, weights, bonds and commits",
    "reading rows and commit queues",
    "reading stakes and child keys",
    "reading parents' stakes",
    "recovering the emission",
];

fn report(progress: &mut dyn FnMut(Progress), step: usize) {
    if let Some(stage) = STAGES.get(step) {
        progress(Progress {
            stage,
            step: u8::try_from(step.saturating_add(1)).unwrap_or(u8::MAX),
            steps: u8::try_from(STAGES.len()).unwrap_or(u8::MAX),
        });
    }
}

/// A slot of a batch of storage reads.
#[derive(Debug, Clone, Copy)]
struct Slot(usize);

/// Storage reads at one block, each with the label errors name it by.
struct Batch {
    at: Hash,
    block: u64,
    keys: Vec<StorageKey>,
    labels: Vec<String>,
}

impl Batch {
    fn new(at: Hash, block: u64) -> Self {
        Batch {
            at,
            block,
            keys: Vec::new(),
            labels: Vec::new(),
        }
    }

    fn add(&mut self, key: StorageKey, label: String) -> Slot {
        self.keys.push(key);
        self.labels.push(label);
        Slot(self.keys.len().saturating_sub(1))
    }
}

/// The answers to one [`Batch`].
struct Values {
    block: u64,
    vals: Vec<Option<Vec<u8>>>,
    labels: Vec<String>,
}

impl Values {
    fn raw(&self, s: Slot) -> Option<&[u8]> {
        self.vals.get(s.0).and_then(|v| v.as_deref())
    }

    fn label(&self, s: Slot) -> &str {
        self.labels.get(s.0).map_or("?", String::as_str)
    }

    /// The value, `None` when the key is absent (an `OptionQuery` item, or `try_get`).
    fn opt<T: Decode>(&self, s: Slot) -> Result<Option<T>, ChainError> {
        self.raw(s)
            .map(|b| decode::decode(b, self.label(s), self.block))
            .transpose()
    }

    /// The value, `default` when the key is absent (a `ValueQuery` item).
    fn or<T: Decode>(&self, s: Slot, default: T) -> Result<T, ChainError> {
        Ok(self.opt(s)?.unwrap_or(default))
    }

    fn present(&self, s: Slot) -> bool {
        self.raw(s).is_some()
    }
}

fn read_all<R: Reader + ?Sized>(
    reader: &mut R,
    batches: Vec<Batch>,
) -> Result<Vec<Values>, ChainError> {
    let reads: Vec<(Hash, Vec<StorageKey>)> =
        batches.iter().map(|b| (b.at, b.keys.clone())).collect();
    let answers = reader.storage_many(&reads)?;
    if answers.len() != batches.len() {
        return Err(ChainError::Node {
            method: String::from("state_queryStorageAt"),
            message: String::from("fewer answers than reads"),
        });
    }
    batches
        .into_iter()
        .zip(answers)
        .map(|(b, vals)| {
            if vals.len() != b.keys.len() {
                return Err(ChainError::Node {
                    method: String::from("state_queryStorageAt"),
                    message: format!("{} values for {} keys", vals.len(), b.keys.len()),
                });
            }
            Ok(Values {
                block: b.block,
                vals,
                labels: b.labels,
            })
        })
        .collect()
}

fn hex_short(a: &Account) -> String {
    let h = to_hex(a);
    format!("{}…", h.get(..10).unwrap_or(&h))
}

/// The subnet-level items of the state an epoch reads.
struct SubnetItems {
    n: u16,
    tempo: u16,
    cutoff_factor_milli: u32,
    last_mechanism_step_block: u64,
    owner_hotkey: Option<Account>,
    validator_permit: Vec<bool>,
    max_allowed_validators: u16,
    kappa: u16,
    bonds_penalty: u16,
    bonds_moving_average: u64,
    yuma3: bool,
    liquid_alpha: bool,
    alpha: (u16, u16),
    steepness: i16,
    commit_reveal: bool,
    reveal_period: u64,
    epoch_index: u64,
    mechanisms: u8,
    split: Option<Vec<u16>>,
    pending: [u64; 3],
    tao_weight: u64,
    stake_threshold: u64,
    consensus_mode: ConsensusMode,
    last_yuma_step_block: Option<u64>,
    epoch_consensus: EpochConsensus,
}

/// One mechanism's rows and queues.
#[derive(Default)]
struct Mechanism {
    index: u16,
    last_update: Vec<u64>,
    weights: BTreeMap<u16, SparseRowU16>,
    bonds: BTreeMap<u16, SparseRowU16>,
    /// `WeightCommits` (v2): hotkey → queue.
    hash_commits: Vec<(Account, Vec<HashCommit>)>,
    /// `TimelockedWeightCommits` (v4) at B − 1 and at B: epoch → queue.
    timelocked_before: BTreeMap<u64, Vec<TimelockedCommit>>,
    timelocked_after: BTreeMap<u64, Vec<TimelockedCommit>>,
    previous_consensus: Vec<u16>,
    // Results at B.
    incentive: Vec<u16>,
    bonds_after: BTreeMap<u16, SparseRowU16>,
    consensus_after: Vec<u16>,
}

/// Every map key under `prefix` with one trailing key part (`hasher`, `len` bytes).
fn suffixes<'a>(
    keys: &'a [StorageKey],
    prefix: &StorageKey,
    hasher: Hasher,
    len: usize,
    item: &str,
    block: u64,
) -> Result<Vec<(&'a StorageKey, &'a [u8])>, ChainError> {
    keys.iter()
        .map(|k| {
            split_key(&k.0, &prefix.0, &[(hasher, len)])
                .and_then(|p| p.first().copied())
                .map(|s| (k, s))
                .ok_or_else(|| ChainError::Decode {
                    item: format!("SubtensorModule::{item}"),
                    block,
                    reason: format!(
                        "a key the node listed is not one of this map's: {}",
                        k.hex()
                    ),
                })
        })
        .collect()
}

fn u16_of(b: &[u8]) -> u16 {
    let mut a = [0u8; 2];
    if let Some(s) = b.get(..2) {
        a.copy_from_slice(s);
    }
    u16::from_le_bytes(a)
}

fn u64_of(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    if let Some(s) = b.get(..8) {
        a.copy_from_slice(s);
    }
    u64::from_le_bytes(a)
}

fn account_of(b: &[u8]) -> Account {
    let mut a = [0u8; 32];
    if let Some(s) = b.get(..32) {
        a.copy_from_slice(s);
    }
    a
}
