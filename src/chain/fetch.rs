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

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use parity_scale_codec::Decode;
use substrate_fixed::types::U96F32;

use super::decode::{self, Account, HashCommit, TimelockedCommit};
use super::items::{self as it, mechanism_index, ROOT};
use super::keys::{split_key, to_hex, Hasher, StorageKey};
use super::snapshot::{
    ChainSnapshot, MaskedUid, RaoProvenance, Recomputed, SnapshotInput, SnapshotMeta, StoredResults,
};
use super::stake::{uid_stake, Edge};
use super::{ChainError, Hash, Reader};
use crate::mechanisms::MechanismsInput;
use crate::runtime::Rules;
use crate::{ConsensusMode, EpochConsensus, EpochInput, SparseRowU16};

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

/// Finds the epoch block B for `target`: `(B, hash of B)`.
fn resolve<R: Reader + ?Sized>(
    reader: &mut R,
    netuid: u16,
    target: Target,
) -> Result<(u64, Hash), ChainError> {
    let (at_number, at) = match target {
        Target::Block(b) => match reader.block_hash(Some(b))? {
            Some(h) => (b, h),
            None => {
                let best = match reader.block_hash(None)? {
                    Some(h) => reader.header(&h)?.map(|hd| hd.number),
                    None => None,
                };
                return Err(ChainError::Argument(match best {
                    Some(best) => format!(
                        "block {b} does not exist on this chain (the node's best block is {best})"
                    ),
                    None => format!("block {b} does not exist on this chain"),
                }));
            }
        },
        Target::Latest => {
            let best = reader.block_hash(None)?.ok_or_else(|| ChainError::Node {
                method: String::from("chain_getBlockHash"),
                message: String::from("no best block"),
            })?;
            let header = reader.header(&best)?.ok_or_else(|| ChainError::Node {
                method: String::from("chain_getHeader"),
                message: String::from("no header for its own best block"),
            })?;
            (header.number, best)
        }
    };
    let mut b = Batch::new(at, at_number);
    let added = b.add(
        it::networks_added(netuid),
        format!("NetworksAdded[{netuid}]"),
    );
    let step = b.add(
        it::last_mechanism_step_block(netuid),
        format!("LastMechansimStepBlock[{netuid}]"),
    );
    let v = read_all(reader, vec![b])?;
    let v = v
        .first()
        .ok_or_else(|| ChainError::Argument(String::new()))?;
    if !v.or(added, false)? {
        return Err(ChainError::Argument(format!(
            "subnet {netuid} does not exist at block {at_number} (NetworksAdded[{netuid}] is not set)"
        )));
    }
    let last: u64 = v.or(step, 0)?;
    match target {
        Target::Block(0) => Err(ChainError::Argument(String::from("block 0 runs no epoch"))),
        Target::Block(block) if last != block => Err(ChainError::Argument(if last == 0 {
            format!("no epoch of subnet {netuid} ran at block {block}: it has run none by then")
        } else {
            format!(
                "no epoch of subnet {netuid} ran at block {block}: its last epoch by then ran at \
                 block {last} (LastMechansimStepBlock[{netuid}] at {block}); fetch --block {last}, \
                 or --epoch latest"
            )
        })),
        Target::Block(block) => Ok((block, at)),
        Target::Latest if last == 0 => Err(ChainError::Argument(format!(
            "subnet {netuid} has run no epoch by block {at_number}"
        ))),
        Target::Latest => {
            let h = reader.block_hash(Some(last))?.ok_or_else(|| {
                ChainError::Argument(format!(
                    "block {last} (the last epoch of subnet {netuid}) is not known to this node"
                ))
            })?;
            Ok((last, h))
        }
    }
}

fn read_subnet(v: &Values, s: &SubnetSlots) -> Result<SubnetItems, ChainError> {
    Ok(SubnetItems {
        n: v.or(s.n, 0)?,
        tempo: v.or(s.tempo, 360)?,
        cutoff_factor_milli: v.or(s.cutoff, 13_889)?,
        last_mechanism_step_block: v.or(s.step, 0)?,
        owner_hotkey: v.opt(s.owner)?,
        validator_permit: v.or(s.permit, Vec::new())?,
        max_allowed_validators: v.or(s.max_validators, 128)?,
        kappa: v.or(s.kappa, 32_767)?,
        bonds_penalty: v.or(s.penalty, u16::MAX)?,
        bonds_moving_average: v.or(s.bma, 900_000)?,
        yuma3: v.or(s.yuma3, false)?,
        liquid_alpha: v.or(s.liquid_alpha, false)?,
        alpha: v.or(s.alpha, (45_875, 58_982))?,
        steepness: v.or(s.steepness, 1000)?,
        commit_reveal: v.or(s.commit_reveal, true)?,
        reveal_period: v.or(s.reveal_period, 1)?,
        epoch_index: v.or(s.epoch_index, 0)?,
        mechanisms: v.or(s.mechanisms, 1)?,
        split: v.opt(s.split)?,
        pending: [
            v.or(s.pending[0], 0)?,
            v.or(s.pending[1], 0)?,
            v.or(s.pending[2], 0)?,
        ],
        tao_weight: v.or(s.tao_weight, 971_718_665_099_567_868)?,
        stake_threshold: v.or(s.stake_threshold, 0)?,
        consensus_mode: match s.newer.and_then(|n| v.raw(n.mode)) {
            Some(b) => decode::consensus_mode(b, "LiquidAlphaConsensusMode", v.block)?,
            None => ConsensusMode::Auto,
        },
        last_yuma_step_block: match s.newer {
            Some(n) => v.opt(n.yuma_step)?,
            None => None,
        },
        epoch_consensus: match s.newer.and_then(|n| v.raw(n.consensus)) {
            Some(b) => decode::epoch_consensus(b, "SubnetEpochConsensus", v.block)?,
            None => EpochConsensus::Yuma,
        },
    })
}

struct SubnetSlots {
    n: Slot,
    tempo: Slot,
    cutoff: Slot,
    step: Slot,
    owner: Slot,
    permit: Slot,
    max_validators: Slot,
    kappa: Slot,
    penalty: Slot,
    bma: Slot,
    yuma3: Slot,
    liquid_alpha: Slot,
    alpha: Slot,
    steepness: Slot,
    commit_reveal: Slot,
    reveal_period: Slot,
    epoch_index: Slot,
    mechanisms: Slot,
    split: Slot,
    pending: [Slot; 3],
    tao_weight: Slot,
    stake_threshold: Slot,
    added: Slot,
    newer: Option<NewerSlots>,
}

#[derive(Clone, Copy)]
struct NewerSlots {
    mode: Slot,
    yuma_step: Slot,
    consensus: Slot,
}

fn subnet_slots(b: &mut Batch, netuid: u16, newer: bool) -> SubnetSlots {
    let mut add = |key: StorageKey, item: &str| b.add(key, format!("{item}[{netuid}]"));
    SubnetSlots {
        n: add(it::subnetwork_n(netuid), "SubnetworkN"),
        tempo: add(it::tempo(netuid), "Tempo"),
        cutoff: add(
            it::activity_cutoff_factor_milli(netuid),
            "ActivityCutoffFactorMilli",
        ),
        step: add(
            it::last_mechanism_step_block(netuid),
            "LastMechansimStepBlock",
        ),
        owner: add(it::subnet_owner_hotkey(netuid), "SubnetOwnerHotkey"),
        permit: add(it::validator_permit(netuid), "ValidatorPermit"),
        max_validators: add(it::max_allowed_validators(netuid), "MaxAllowedValidators"),
        kappa: add(it::kappa(netuid), "Kappa"),
        penalty: add(it::bonds_penalty(netuid), "BondsPenalty"),
        bma: add(it::bonds_moving_average(netuid), "BondsMovingAverage"),
        yuma3: add(it::yuma3_on(netuid), "Yuma3On"),
        liquid_alpha: add(it::liquid_alpha_on(netuid), "LiquidAlphaOn"),
        alpha: add(it::alpha_values(netuid), "AlphaValues"),
        steepness: add(it::alpha_sigmoid_steepness(netuid), "AlphaSigmoidSteepness"),
        commit_reveal: add(
            it::commit_reveal_weights_enabled(netuid),
            "CommitRevealWeightsEnabled",
        ),
        reveal_period: add(it::reveal_period_epochs(netuid), "RevealPeriodEpochs"),
        epoch_index: add(it::subnet_epoch_index(netuid), "SubnetEpochIndex"),
        mechanisms: add(it::mechanism_count_current(netuid), "MechanismCountCurrent"),
        split: add(
            it::mechanism_emission_split(netuid),
            "MechanismEmissionSplit",
        ),
        pending: [
            add(it::pending_server_emission(netuid), "PendingServerEmission"),
            add(
                it::pending_validator_emission(netuid),
                "PendingValidatorEmission",
            ),
            add(it::pending_root_alpha_divs(netuid), "PendingRootAlphaDivs"),
        ],
        tao_weight: b.add(it::tao_weight(), String::from("TaoWeight")),
        stake_threshold: b.add(it::stake_threshold(), String::from("StakeThreshold")),
        added: b.add(
            it::networks_added(netuid),
            format!("NetworksAdded[{netuid}]"),
        ),
        newer: newer.then(|| NewerSlots {
            mode: b.add(
                it::liquid_alpha_consensus_mode(netuid),
                format!("LiquidAlphaConsensusMode[{netuid}]"),
            ),
            yuma_step: b.add(
                it::last_yuma_step_block(netuid),
                format!("LastYumaStepBlock[{netuid}]"),
            ),
            consensus: b.add(
                it::subnet_epoch_consensus(netuid),
                format!("SubnetEpochConsensus[{netuid}]"),
            ),
        }),
    }
}

/// Reads what the epoch of subnet `netuid` at `target` read and stored: its chain snapshot.
///
/// The reads are batched by stage ([`STAGES`]), so the number of round trips does not grow with
/// the subnet's size. `progress` is called at the start of each stage.
///
/// Errors: [`ChainError::Argument`] for a block that does not exist, a subnet that does not exist
/// at it, a block where no epoch of the subnet ran; [`ChainError::UnsupportedRuntime`] for a
/// runtime this version does not reproduce (unless `opts.assume_spec`); node, network and decode
/// errors from the reader and the values.
pub fn fetch_epoch<R: Reader + ?Sized>(
    reader: &mut R,
    netuid: u16,
    target: Target,
    opts: &FetchOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ChainSnapshot, ChainError> {
    if netuid == ROOT {
        return Err(ChainError::Argument(String::from(
            "netuid 0 is the root subnet, which runs no Yuma epoch",
        )));
    }
    if netuid >= 4096 {
        return Err(ChainError::Argument(format!(
            "netuid {netuid} is out of range (subnets are numbered below 4096)"
        )));
    }
    report(progress, 0);
    let (block, hash_b) = resolve(reader, netuid, target)?;
    let header_b = reader.header(&hash_b)?.ok_or_else(|| ChainError::Node {
        method: String::from("chain_getHeader"),
        message: format!("no header for block {block}"),
    })?;
    if header_b.number != block {
        return Err(ChainError::Node {
            method: String::from("chain_getHeader"),
            message: format!(
                "block {block}'s header says it is block {}",
                header_b.number
            ),
        });
    }
    let before = block.saturating_sub(1);
    let hash_p = header_b.parent;

    report(progress, 1);
    let spec = reader.spec_version(&hash_p)?;
    let mut warnings: Vec<String> = Vec::new();
    let hash_pp = if before > 0 {
        let h = reader.header(&hash_p)?.ok_or_else(|| ChainError::Node {
            method: String::from("chain_getHeader"),
            message: format!("no header for block {before}"),
        })?;
        let spec_pp = reader.spec_version(&h.parent)?;
        if spec_pp != spec {
            warnings.push(format!(
                "block {block} is the first block of runtime {spec} (block {} ran {spec_pp}): its \
                 migrations ran before the epoch, so state read at block {before} may differ from \
                 what the epoch read",
                before.saturating_sub(1)
            ));
        }
        Some(h.parent)
    } else {
        None
    };
    let rules = Rules::for_spec(Some(spec), opts.assume_spec).map_err(|_| {
        ChainError::UnsupportedRuntime {
            spec_version: spec,
            block,
        }
    })?;
    let newer = rules.liquid_alpha_consensus_modes();

    // Stage 3: the subnet's items before (B − 1) and after (B).
    report(progress, 2);
    let mut pre = Batch::new(hash_p, before);
    let s = subnet_slots(&mut pre, netuid, newer);
    let mut post = Batch::new(hash_b, block);
    let n_after = post.add(it::subnetwork_n(netuid), format!("SubnetworkN[{netuid}]"));
    let r_active = post.add(it::active(netuid), format!("Active[{netuid}]"));
    let r_emission = post.add(it::emission(netuid), format!("Emission[{netuid}]"));
    let r_consensus = post.add(it::consensus(netuid), format!("Consensus[{netuid}]"));
    let r_dividends = post.add(it::dividends(netuid), format!("Dividends[{netuid}]"));
    let r_trust = post.add(
        it::validator_trust(netuid),
        format!("ValidatorTrust[{netuid}]"),
    );
    let r_permit = post.add(
        it::validator_permit(netuid),
        format!("ValidatorPermit[{netuid}]"),
    );
    let r_weight = post.add(it::stake_weight(netuid), format!("StakeWeight[{netuid}]"));
    let alpha_out = post.add(
        it::subnet_alpha_out_emission(netuid),
        format!("SubnetAlphaOutEmission[{netuid}]"),
    );
    let cut_on = post.add(
        it::owner_cut_enabled(netuid),
        format!("OwnerCutEnabled[{netuid}]"),
    );
    let cut = post.add(it::subnet_owner_cut(), String::from("SubnetOwnerCut"));
    let mut batches = vec![pre, post];
    let mut pools_pp = None;
    if let Some(h) = hash_pp {
        let mut pp = Batch::new(h, before.saturating_sub(1));
        pools_pp = Some([
            pp.add(
                it::pending_server_emission(netuid),
                format!("PendingServerEmission[{netuid}]"),
            ),
            pp.add(
                it::pending_validator_emission(netuid),
                format!("PendingValidatorEmission[{netuid}]"),
            ),
            pp.add(
                it::pending_root_alpha_divs(netuid),
                format!("PendingRootAlphaDivs[{netuid}]"),
            ),
        ]);
        batches.push(pp);
    }
    let vals = read_all(reader, batches)?;
    let (Some(vpre), Some(vpost)) = (vals.first(), vals.get(1)) else {
        return Err(ChainError::Argument(String::new()));
    };
    if !vpre.or(s.added, false)? {
        return Err(ChainError::Argument(format!(
            "subnet {netuid} did not exist at block {before}, before its epoch at block {block}"
        )));
    }
    let sub = read_subnet(vpre, &s)?;
    let n = sub.n;
    let count = sub.mechanisms;
    if count == 0 || count > 16 {
        return Err(ChainError::Decode {
            item: format!("SubtensorModule::MechanismCountCurrent[{netuid}]"),
            block: before,
            reason: format!("{count} mechanisms (a subnet has 1 to 16)"),
        });
    }
    let pools_before = sub.pending;
    let pools_pp: Option<[u64; 3]> = match (pools_pp, vals.get(2)) {
        (Some(sl), Some(v)) => Some([v.or(sl[0], 0)?, v.or(sl[1], 0)?, v.or(sl[2], 0)?]),
        _ => None,
    };
    let a0: u64 = vpost.or(alpha_out, 0)?;
    let owner_cut_on: bool = vpost.or(cut_on, true)?;
    let owner_cut: u16 = vpost.or(cut, 11_796)?;
    let mut chain = StoredResults {
        active: vpost.or(r_active, Vec::new())?,
        emission: vpost.or(r_emission, Vec::new())?,
        consensus: vpost.or(r_consensus, Vec::new())?,
        dividends: vpost.or(r_dividends, Vec::new())?,
        validator_trust: vpost.or(r_trust, Vec::new())?,
        validator_permit: vpost.or(r_permit, Vec::new())?,
        stake_weight: vpost.or(r_weight, Vec::new())?,
        incentive: Vec::new(),
        bonds: Vec::new(),
        consensus_by_mechanism: None,
    };
    let n_after: u16 = vpost.or(n_after, 0)?;
    if n_after != n {
        warnings.push(format!(
            "the subnet had {n} uids before block {block} and {n_after} after it: registrations in \
             block {block} are taken to follow the epoch (an owner-hotkey registration before the \
             epoch is not detected)"
        ));
    }

    // Stage 4: key listings.
    report(progress, 3);
    let keys_prefix = it::keys_prefix(netuid);
    let indices: Vec<u16> = (0..count).map(|k| mechanism_index(netuid, k)).collect();
    let mut lists: Vec<(Hash, StorageKey)> =
        vec![(hash_p, keys_prefix.clone()), (hash_b, keys_prefix.clone())];
    for &idx in &indices {
        lists.push((hash_p, it::weights_prefix(idx)));
        lists.push((hash_p, it::bonds_prefix(idx)));
        lists.push((hash_p, it::weight_commits_prefix(idx)));
        lists.push((hash_p, it::timelocked_weight_commits_prefix(idx)));
        lists.push((hash_b, it::bonds_prefix(idx)));
        lists.push((hash_b, it::timelocked_weight_commits_prefix(idx)));
    }
    let listed = reader.keys_many(&lists)?;
    if listed.len() != lists.len() {
        return Err(ChainError::Node {
            method: String::from("state_getKeysPaged"),
            message: String::from("fewer listings than prefixes"),
        });
    }
    let list = |i: usize| listed.get(i).map_or(&[][..], Vec::as_slice);

    // Stage 5: values of the listed keys, and the per-mechanism vectors.
    report(progress, 4);
    let mut pre = Batch::new(hash_p, before);
    let mut post = Batch::new(hash_b, block);
    let keys_pre = suffixes(list(0), &keys_prefix, Hasher::Identity, 2, "Keys", before)?;
    let keys_post = suffixes(list(1), &keys_prefix, Hasher::Identity, 2, "Keys", block)?;
    let hk_pre: Vec<(u16, Slot)> = keys_pre
        .iter()
        .map(|(k, s)| {
            let uid = u16_of(s);
            (uid, pre.add((*k).clone(), format!("Keys[{netuid}, {uid}]")))
        })
        .collect();
    let hk_post: Vec<(u16, Slot)> = keys_post
        .iter()
        .map(|(k, s)| {
            let uid = u16_of(s);
            (
                uid,
                post.add((*k).clone(), format!("Keys[{netuid}, {uid}]")),
            )
        })
        .collect();
    struct MechSlots {
        last_update: Slot,
        weights: Vec<(u16, Slot)>,
        bonds: Vec<(u16, Slot)>,
        hash_commits: Vec<(Account, Slot)>,
        timelocked_before: Vec<(u64, Slot)>,
        timelocked_after: Vec<(u64, Slot)>,
        bonds_after: Vec<(u16, Slot)>,
        incentive: Slot,
        consensus_before: Option<Slot>,
        consensus_after: Option<Slot>,
    }
    let mut mslots: Vec<MechSlots> = Vec::new();
    for (k, &idx) in indices.iter().enumerate() {
        let base = 2usize.saturating_add(k.saturating_mul(6));
        let rows = |b: &mut Batch, keys: &[StorageKey], prefix: StorageKey, item: &str, at: u64| {
            suffixes(keys, &prefix, Hasher::Identity, 2, item, at).map(|v| {
                v.into_iter()
                    .map(|(key, s)| {
                        let uid = u16_of(s);
                        (uid, b.add(key.clone(), format!("{item}[{idx}, {uid}]")))
                    })
                    .collect::<Vec<_>>()
            })
        };
        let weights = rows(
            &mut pre,
            list(base),
            it::weights_prefix(idx),
            "Weights",
            before,
        )?;
        let bonds = rows(
            &mut pre,
            list(base.saturating_add(1)),
            it::bonds_prefix(idx),
            "Bonds",
            before,
        )?;
        let hash_commits = suffixes(
            list(base.saturating_add(2)),
            &it::weight_commits_prefix(idx),
            Hasher::Twox64Concat,
            32,
            "WeightCommits",
            before,
        )?
        .into_iter()
        .map(|(key, s)| {
            let who = account_of(s);
            (
                who,
                pre.add(
                    key.clone(),
                    format!("WeightCommits[{idx}, {}]", hex_short(&who)),
                ),
            )
        })
        .collect();
        let tl = |b: &mut Batch, keys: &[StorageKey], at: u64| {
            suffixes(
                keys,
                &it::timelocked_weight_commits_prefix(idx),
                Hasher::Twox64Concat,
                8,
                "TimelockedWeightCommits",
                at,
            )
            .map(|v| {
                v.into_iter()
                    .map(|(key, s)| {
                        let e = u64_of(s);
                        (
                            e,
                            b.add(key.clone(), format!("TimelockedWeightCommits[{idx}, {e}]")),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        };
        let timelocked_before = tl(&mut pre, list(base.saturating_add(3)), before)?;
        let bonds_after = rows(
            &mut post,
            list(base.saturating_add(4)),
            it::bonds_prefix(idx),
            "Bonds",
            block,
        )?;
        let timelocked_after = tl(&mut post, list(base.saturating_add(5)), block)?;
        mslots.push(MechSlots {
            last_update: pre.add(it::last_update(idx), format!("LastUpdate[{idx}]")),
            weights,
            bonds,
            hash_commits,
            timelocked_before,
            timelocked_after,
            bonds_after,
            incentive: post.add(it::incentive(idx), format!("Incentive[{idx}]")),
            consensus_before: newer.then(|| {
                pre.add(
                    it::consensus_by_mechanism(idx),
                    format!("ConsensusByMechanism[{idx}]"),
                )
            }),
            consensus_after: newer.then(|| {
                post.add(
                    it::consensus_by_mechanism(idx),
                    format!("ConsensusByMechanism[{idx}]"),
                )
            }),
        });
    }
    let vals = read_all(reader, vec![pre, post])?;
    let (Some(vpre), Some(vpost)) = (vals.first(), vals.get(1)) else {
        return Err(ChainError::Argument(String::new()));
    };
    let mut hotkeys_pre: BTreeMap<u16, Account> = BTreeMap::new();
    for (uid, sl) in &hk_pre {
        if let Some(a) = vpre.opt::<Account>(*sl)? {
            hotkeys_pre.insert(*uid, a);
        }
    }
    let mut hotkeys_post: BTreeMap<u16, Account> = BTreeMap::new();
    for (uid, sl) in &hk_post {
        if let Some(a) = vpost.opt::<Account>(*sl)? {
            hotkeys_post.insert(*uid, a);
        }
    }
    let mut mechs: Vec<Mechanism> = Vec::new();
    for (ms, &idx) in mslots.iter().zip(&indices) {
        let mut m = Mechanism {
            index: idx,
            last_update: vpre.or(ms.last_update, Vec::new())?,
            ..Mechanism::default()
        };
        for (uid, sl) in &ms.weights {
            m.weights.insert(*uid, vpre.or(*sl, Vec::new())?);
        }
        for (uid, sl) in &ms.bonds {
            m.bonds.insert(*uid, vpre.or(*sl, Vec::new())?);
        }
        for (who, sl) in &ms.hash_commits {
            m.hash_commits.push((*who, vpre.or(*sl, Vec::new())?));
        }
        for (e, sl) in &ms.timelocked_before {
            m.timelocked_before.insert(*e, vpre.or(*sl, Vec::new())?);
        }
        for (e, sl) in &ms.timelocked_after {
            m.timelocked_after.insert(*e, vpost.or(*sl, Vec::new())?);
        }
        for (uid, sl) in &ms.bonds_after {
            m.bonds_after.insert(*uid, vpost.or(*sl, Vec::new())?);
        }
        m.incentive = vpost.or(ms.incentive, Vec::new())?;
        if let Some(sl) = ms.consensus_before {
            m.previous_consensus = vpre.or(sl, Vec::new())?;
        }
        if let Some(sl) = ms.consensus_after {
            m.consensus_after = vpost.or(sl, Vec::new())?;
        }
        mechs.push(m);
    }

    // Who committed under which uid: the hotkeys the epoch's terms came from (`Keys` at B − 1).
    let uid_of: BTreeMap<Account, u16> = hotkeys_pre.iter().map(|(u, a)| (*a, *u)).collect();
    let epoch_now = sub.epoch_index.saturating_add(1);
    let reveal_epoch = epoch_now.checked_sub(sub.reveal_period);
    // Commits revealed (or dropped) in block B before the epoch: those of the reveal epoch that
    // are gone at B.
    let mut revealed: Vec<BTreeSet<u16>> = Vec::new();
    for m in &mechs {
        let mut set = BTreeSet::new();
        if let Some(re) = reveal_epoch {
            let before_q = m.timelocked_before.get(&re).map_or(&[][..], Vec::as_slice);
            let mut after_q: Vec<&TimelockedCommit> = m
                .timelocked_after
                .get(&re)
                .map(|q| q.iter().collect())
                .unwrap_or_default();
            for c in before_q {
                if let Some(pos) = after_q.iter().position(|a| *a == c) {
                    after_q.remove(pos);
                } else if let Some(&uid) = uid_of.get(&c.0) {
                    set.insert(uid);
                }
            }
        }
        revealed.push(set);
    }

    // Stage 6: per-hotkey stake, child keys, registration blocks; revealed rows at B.
    report(progress, 5);
    let mut pre = Batch::new(hash_p, before);
    let mut post = Batch::new(hash_b, block);
    struct UidSlots {
        uid: u16,
        hotkey: Account,
        alpha: Slot,
        root: Slot,
        children: Slot,
        parents: Slot,
        suspended: Option<Slot>,
    }
    let mut us: Vec<UidSlots> = Vec::new();
    let mut reg: Vec<(u16, Slot, Slot)> = Vec::new();
    for uid in 0..n {
        let b_pre = pre.add(
            it::block_at_registration(netuid, uid),
            format!("BlockAtRegistration[{netuid}, {uid}]"),
        );
        let b_post = post.add(
            it::block_at_registration(netuid, uid),
            format!("BlockAtRegistration[{netuid}, {uid}]"),
        );
        reg.push((uid, b_pre, b_post));
        if let Some(hk) = hotkeys_pre.get(&uid) {
            let short = hex_short(hk);
            us.push(UidSlots {
                uid,
                hotkey: *hk,
                alpha: pre.add(
                    it::total_hotkey_alpha(hk, netuid),
                    format!("TotalHotkeyAlpha[{short}, {netuid}]"),
                ),
                root: pre.add(
                    it::total_hotkey_alpha(hk, ROOT),
                    format!("TotalHotkeyAlpha[{short}, 0]"),
                ),
                children: pre.add(
                    it::child_keys(hk, netuid),
                    format!("ChildKeys[{short}, {netuid}]"),
                ),
                parents: pre.add(
                    it::parent_keys(hk, netuid),
                    format!("ParentKeys[{short}, {netuid}]"),
                ),
                suspended: newer.then(|| {
                    pre.add(
                        it::childkey_threshold_suspended(hk),
                        format!("ChildkeyThresholdSuspended[{short}]"),
                    )
                }),
            });
        }
    }
    let owner_uid_slot = sub.owner_hotkey.map(|hk| {
        pre.add(
            it::uids(netuid, &hk),
            format!("Uids[{netuid}, {}]", hex_short(&hk)),
        )
    });
    let mut revealed_rows: Vec<Vec<(u16, Slot)>> = Vec::new();
    for (m, set) in mechs.iter().zip(&revealed) {
        revealed_rows.push(
            set.iter()
                .map(|&uid| {
                    (
                        uid,
                        post.add(
                            it::weights(m.index, uid),
                            format!("Weights[{}, {uid}]", m.index),
                        ),
                    )
                })
                .collect(),
        );
    }
    let vals = read_all(reader, vec![pre, post])?;
    let (Some(vpre), Some(vpost)) = (vals.first(), vals.get(1)) else {
        return Err(ChainError::Argument(String::new()));
    };
    let owner_uid: Option<u16> = match owner_uid_slot {
        Some(sl) => vpre.opt(sl)?,
        None => None,
    };
    let mut registered: Vec<u64> = vec![0; usize::from(n)];
    let mut masked: Vec<MaskedUid> = Vec::new();
    for &(uid, b_pre, b_post) in &reg {
        let at_pre: u64 = vpre.or(b_pre, 0)?;
        let at_post: u64 = vpost.or(b_post, 0)?;
        if hotkeys_pre.contains_key(&uid) {
            if let Some(r) = registered.get_mut(usize::from(uid)) {
                *r = at_pre;
            }
        }
        let hk_changed = hotkeys_pre.get(&uid) != hotkeys_post.get(&uid);
        if hk_changed || at_pre != at_post {
            masked.push(MaskedUid {
                uid,
                reason: format!(
                    "re-registered in block {block} after the epoch ({} changed): the chain \
                     overwrote its results",
                    if hk_changed {
                        "Keys"
                    } else {
                        "BlockAtRegistration"
                    }
                ),
            });
        }
    }
    for (m, rows) in mechs.iter_mut().zip(&revealed_rows) {
        for &(uid, sl) in rows {
            let row: SparseRowU16 = vpost.or(sl, Vec::new())?;
            if masked.iter().any(|x| x.uid == uid) {
                warnings.push(format!(
                    "uid {uid} revealed weights in block {block} and was re-registered in it: its \
                     row (mechanism {}) is read at {block} and may not be what the epoch read",
                    m.index / 4096
                ));
            }
            m.weights.insert(uid, row);
            if !sub.commit_reveal && uid < n {
                // A reveal with commit-reveal off also stamps LastUpdate (padded to n).
                if m.last_update.len() < usize::from(n) {
                    m.last_update.resize(usize::from(n), 0);
                }
                if let Some(x) = m.last_update.get_mut(usize::from(uid)) {
                    *x = block;
                }
            }
        }
    }
    // Own stakes and edges.
    struct Own {
        alpha: u64,
        root: u64,
        children: Vec<(u64, Account)>,
        parents: Vec<(u64, Account)>,
        suspended: bool,
    }
    let mut own: Vec<(u16, Account, Own)> = Vec::new();
    for u in &us {
        own.push((
            u.uid,
            u.hotkey,
            Own {
                alpha: vpre.or(u.alpha, 0)?,
                root: vpre.or(u.root, 0)?,
                children: vpre.or(u.children, Vec::new())?,
                parents: vpre.or(u.parents, Vec::new())?,
                suspended: u.suspended.is_some_and(|s| vpre.present(s)),
            },
        ));
    }

    // Stage 7: parents that are not among the uids.
    report(progress, 6);
    let known: BTreeMap<Account, (u64, u64, bool)> = own
        .iter()
        .map(|(_, hk, o)| (*hk, (o.alpha, o.root, o.suspended)))
        .collect();
    let mut wanted: BTreeSet<Account> = BTreeSet::new();
    for (_, _, o) in &own {
        for (_, p) in &o.parents {
            if !known.contains_key(p) {
                wanted.insert(*p);
            }
        }
    }
    let mut pre = Batch::new(hash_p, before);
    let pslots: Vec<(Account, Slot, Slot, Option<Slot>)> = wanted
        .iter()
        .map(|p| {
            let short = hex_short(p);
            (
                *p,
                pre.add(
                    it::total_hotkey_alpha(p, netuid),
                    format!("TotalHotkeyAlpha[{short}, {netuid}]"),
                ),
                pre.add(
                    it::total_hotkey_alpha(p, ROOT),
                    format!("TotalHotkeyAlpha[{short}, 0]"),
                ),
                newer.then(|| {
                    pre.add(
                        it::childkey_threshold_suspended(p),
                        format!("ChildkeyThresholdSuspended[{short}]"),
                    )
                }),
            )
        })
        .collect();
    let mut parents_info = known;
    if !pslots.is_empty() {
        let vals = read_all(reader, vec![pre])?;
        let Some(v) = vals.first() else {
            return Err(ChainError::Argument(String::new()));
        };
        for (p, a, r, susp) in &pslots {
            parents_info.insert(
                *p,
                (
                    v.or(*a, 0)?,
                    v.or(*r, 0)?,
                    susp.is_some_and(|s| v.present(s)),
                ),
            );
        }
    }
    // Suspension (spec ≥ 446): a suspended parent lends nothing, unless it is the owner's hotkey.
    let lends = |who: &Account, suspended: bool| {
        !(newer && suspended && sub.owner_hotkey.as_ref() != Some(who))
    };
    let mut alpha_stake = vec![0u64; usize::from(n)];
    let mut tao_stake = vec![0u64; usize::from(n)];
    for (uid, hk, o) in &own {
        let children: Vec<u64> = if lends(hk, o.suspended) {
            o.children.iter().map(|(p, _)| *p).collect()
        } else {
            Vec::new()
        };
        let mut pa = Vec::new();
        let mut pr = Vec::new();
        for (p, parent) in &o.parents {
            let (a, r, susp) = parents_info.get(parent).copied().unwrap_or((0, 0, false));
            if lends(parent, susp) {
                pa.push(Edge {
                    proportion: *p,
                    parent_stake: a,
                });
                pr.push(Edge {
                    proportion: *p,
                    parent_stake: r,
                });
            }
        }
        let (a, t) = uid_stake(netuid, o.alpha, o.root, &children, &pa, &pr);
        if let (Some(x), Some(y)) = (
            alpha_stake.get_mut(usize::from(*uid)),
            tao_stake.get_mut(usize::from(*uid)),
        ) {
            *x = a;
            *y = t;
        }
    }

    // Commit blocks, as the epoch reduces the queues (expired: epoch_now > commit epoch + period).
    let expired = |ce: u64| epoch_now > ce.saturating_add(sub.reveal_period);
    let mut commit_blocks: Vec<Vec<Option<u64>>> = Vec::new();
    for m in &mechs {
        let mut cb: Vec<Option<u64>> = vec![None; usize::from(n)];
        let mut note = |uid: u16, at: u64| {
            if let Some(c) = cb.get_mut(usize::from(uid)) {
                *c = Some(c.map_or(at, |x| x.min(at)));
            }
        };
        for (who, q) in &m.hash_commits {
            if let Some(first) = q.iter().find(|c| !expired(c.1)) {
                if let Some(&uid) = uid_of.get(who) {
                    note(uid, first.2);
                }
            }
        }
        // The queues the epoch saw: B's for epochs before the current one (reveals and clean-up
        // of block B ran before the epoch), B − 1's from the current one on.
        let seen = m
            .timelocked_after
            .iter()
            .filter(|(e, _)| **e < epoch_now)
            .chain(m.timelocked_before.iter().filter(|(e, _)| **e >= epoch_now));
        for (e, q) in seen {
            if expired(*e) {
                continue;
            }
            for c in q {
                if let Some(&uid) = uid_of.get(&c.0) {
                    note(uid, c.1);
                }
            }
        }
        commit_blocks.push(cb);
    }

    // Where the chain wrote each uid's results: by position in Keys (B − 1).
    let stored_order: Vec<u16> = hotkeys_pre.keys().copied().collect();
    let identity = stored_order.len() == usize::from(n)
        && stored_order
            .iter()
            .enumerate()
            .all(|(p, &u)| usize::from(u) == p);
    if !identity {
        warnings.push(format!(
            "Keys[{netuid}] holds {} uids, not exactly 0..{n}: the chain wrote its result vectors \
             by position in Keys, and they are compared that way",
            stored_order.len()
        ));
    }

    let rows_of = |map: &BTreeMap<u16, SparseRowU16>| -> Vec<SparseRowU16> {
        let len = map
            .keys()
            .next_back()
            .map_or(0, |&u| usize::from(u).saturating_add(1))
            .max(usize::from(n));
        let mut rows = vec![Vec::new(); len];
        for (u, r) in map {
            if let Some(x) = rows.get_mut(usize::from(*u)) {
                x.clone_from(r);
            }
        }
        rows
    };
    let base = EpochInput {
        n,
        current_block: block,
        tempo: sub.tempo,
        activity_cutoff: (u64::from(sub.cutoff_factor_milli).saturating_mul(u64::from(sub.tempo))
            / 1000)
            .max(1),
        last_mechanism_step_block: sub.last_mechanism_step_block,
        last_update: Vec::new(),
        block_at_registration: registered,
        alpha_stake,
        tao_stake,
        tao_weight: sub.tao_weight,
        stake_threshold: sub.stake_threshold,
        owner_uid,
        validator_permit: sub.validator_permit.clone(),
        max_allowed_validators: sub.max_allowed_validators,
        weights: Vec::new(),
        bonds: Vec::new(),
        kappa: sub.kappa,
        bonds_penalty: sub.bonds_penalty,
        bonds_moving_average: sub.bonds_moving_average,
        yuma3_enabled: sub.yuma3,
        liquid_alpha_enabled: sub.liquid_alpha,
        alpha_low: sub.alpha.0,
        alpha_high: sub.alpha.1,
        alpha_sigmoid_steepness: sub.steepness,
        commit_reveal_enabled: sub.commit_reveal,
        commit_blocks: Vec::new(),
        rao_emission: 0,
        spec_version: Some(spec),
        liquid_alpha_consensus_mode: sub.consensus_mode,
        previous_consensus: Vec::new(),
        last_yuma_step_block: sub.last_yuma_step_block,
        epoch_consensus: sub.epoch_consensus,
        mining_budget: None,
        dividend_budget: None,
        fallback_budget: None,
    };
    let per_mechanism: Vec<EpochInput> = mechs
        .iter()
        .zip(commit_blocks)
        .map(|(m, cb)| EpochInput {
            last_update: m.last_update.clone(),
            weights: rows_of(&m.weights),
            bonds: rows_of(&m.bonds),
            commit_blocks: cb,
            previous_consensus: m.previous_consensus.clone(),
            ..base.clone()
        })
        .collect();
    for m in &mechs {
        chain.incentive.push(m.incentive.clone());
        let mut rows = vec![Vec::new(); usize::from(n)];
        for (u, r) in &m.bonds_after {
            if let Some(x) = rows.get_mut(usize::from(*u)) {
                x.clone_from(r);
            }
        }
        chain.bonds.push(rows);
    }
    if newer {
        chain.consensus_by_mechanism =
            Some(mechs.iter().map(|m| m.consensus_after.clone()).collect());
    }

    // Stage 8: the emission.
    report(progress, 7);
    let shape = Shape {
        base: per_mechanism,
        split: sub.split.clone(),
        newer,
        spec,
        epoch_consensus: sub.epoch_consensus,
        count,
    };
    let masked_uids: Vec<u16> = masked.iter().map(|m| m.uid).collect();
    let positions: Vec<Option<usize>> = (0..usize::from(n))
        .map(|uid| stored_order.iter().position(|&u| usize::from(u) == uid))
        .collect();
    let check = EmissionCheck {
        stored: &chain.emission,
        masked: &masked_uids,
        positions: &positions,
        assume: opts.assume_spec,
    };
    let increment = match pools_pp {
        Some(pp) if sub.last_mechanism_step_block < before => [
            pools_before[0].saturating_sub(pp[0]),
            pools_before[1].saturating_sub(pp[1]),
            pools_before[2].saturating_sub(pp[2]),
        ],
        // Drained at B − 1 (or B is block 1): what B − 1 added is all that is pending.
        _ => pools_before,
    };
    let from_issuance = issuance_increment(a0, owner_cut_on, owner_cut);
    let (budgets, provenance) =
        recover_emission(&shape, &check, pools_before, increment, from_issuance)?;
    let input = shape.build(budgets);
    let masked_sorted = {
        let mut m = masked;
        m.sort_by_key(|x| x.uid);
        m.dedup_by_key(|x| x.uid);
        m
    };
    let provenance = RaoProvenance {
        pending_before: pools_before,
        block_increment: increment,
        ..provenance
    };
    if !provenance.confirmed {
        warnings.push(format!(
            "rao_emission {}: {}",
            provenance.value, provenance.method
        ));
    }
    Ok(ChainSnapshot {
        input,
        chain,
        meta: SnapshotMeta {
            netuid,
            block,
            block_hash: to_hex(&hash_b),
            parent_hash: to_hex(&hash_p),
            spec_version: spec,
            rules: format!(
                "{}{}",
                rules.name(),
                if opts.assume_spec.is_some() {
                    " (assumed)"
                } else {
                    ""
                }
            ),
            mechanisms: count,
            rpc: opts.source.clone(),
            fetched_at: opts.fetched_at.clone(),
            masked_uids: masked_sorted,
            rao_emission: provenance,
            stored_uids: (!identity).then_some(stored_order),
            warnings,
            fetched_by: format!("yuma {}", env!("CARGO_PKG_VERSION")),
        },
    })
}

/// What block B's `emit_to_subnets` added to the three pools, from the alpha issued to the
/// subnet in B (`SubnetAlphaOutEmission`): the owner's cut off, half to miners, the rest to
/// validators and root (root's share unknown here, so counted with validators).
fn issuance_increment(alpha_out: u64, cut_enabled: bool, cut: u16) -> [u64; 3] {
    let a0 = U96F32::saturating_from_num(alpha_out);
    let a = if cut_enabled {
        let share = U96F32::saturating_from_num(cut)
            .checked_div(U96F32::saturating_from_num(u16::MAX))
            .unwrap_or(U96F32::from_bits(0));
        a0.saturating_sub(a0.saturating_mul(share))
    } else {
        a0
    };
    let half = U96F32::from_bits(1u128 << 31);
    let s = a.saturating_mul(half);
    let v = a.saturating_sub(s);
    [
        s.saturating_to_num::<u64>(),
        v.saturating_to_num::<u64>(),
        0,
    ]
}

/// The input, short of its emission.
struct Shape {
    base: Vec<EpochInput>,
    split: Option<Vec<u16>>,
    newer: bool,
    spec: u32,
    epoch_consensus: EpochConsensus,
    count: u8,
}

impl Shape {
    /// The input paying `budgets` (miners', validators', root's drained amounts).
    ///
    /// Spec ≥ 446 passes the three budgets; they are left out when they are what the crate
    /// derives from the total (a subnet without root dividends reads as a plain emission).
    fn build(&self, budgets: [u64; 3]) -> SnapshotInput {
        let [s, v, r] = budgets;
        let total = s.saturating_add(v).saturating_add(r);
        if self.count <= 1 {
            let mut i = self.base.first().cloned().unwrap_or_default();
            i.rao_emission = total;
            if self.newer {
                let mining = s;
                let dividend = v.saturating_add(r);
                let fallback = s.saturating_add(v);
                let half = total / 2;
                let derived =
                    mining == total.saturating_sub(half) && dividend == half && fallback == total;
                if !derived {
                    i.mining_budget = Some(mining);
                    i.dividend_budget = Some(dividend);
                    i.fallback_budget = Some(fallback);
                }
            } else {
                i.epoch_consensus = EpochConsensus::Yuma;
            }
            return SnapshotInput::Epoch(i);
        }
        let mechanisms: Vec<EpochInput> = self
            .base
            .iter()
            .map(|m| EpochInput {
                spec_version: None,
                epoch_consensus: EpochConsensus::Yuma,
                rao_emission: 0,
                ..m.clone()
            })
            .collect();
        let plain =
            !self.newer || (r == 0 && s == total.saturating_sub(total / 2) && v == total / 2);
        SnapshotInput::Mechanisms(MechanismsInput {
            rao_emission: if plain { total } else { 0 },
            emission_split: self.split.clone(),
            mechanisms,
            spec_version: Some(self.spec),
            epoch_consensus: self.newer.then_some(self.epoch_consensus),
            miner_budget: (!plain).then_some(s),
            local_dividend_budget: (!plain).then_some(v),
            root_budget: (!plain).then_some(r),
        })
    }
}

/// The stored `Emission`, and which of its entries count.
struct EmissionCheck<'a> {
    stored: &'a [u64],
    masked: &'a [u16],
    positions: &'a [Option<usize>],
    assume: Option<u32>,
}

/// How a computed emission compares with the stored one: some entries below, some above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Side {
    below: bool,
    above: bool,
    /// Some compared entry is not zero.
    informative: bool,
}

impl EmissionCheck<'_> {
    fn side(&self, input: &SnapshotInput) -> Result<Side, ChainError> {
        let out = super::snapshot::recompute(input, self.assume)
            .map_err(|e| ChainError::Argument(format!("the fetched input is refused: {e}")))?;
        let got = match &out {
            Recomputed::Epoch(o) => &o.emission,
            Recomputed::Mechanisms(m) => &m.aggregated.emission,
        };
        let mut side = Side {
            below: false,
            above: false,
            informative: false,
        };
        for (uid, g) in got.iter().enumerate() {
            if self.masked.iter().any(|&m| usize::from(m) == uid) {
                continue;
            }
            let Some(Some(pos)) = self.positions.get(uid) else {
                continue;
            };
            let Some(s) = self.stored.get(*pos) else {
                continue;
            };
            side.below |= g < s;
            side.above |= g > s;
            side.informative |= *g != 0 || *s != 0;
        }
        Ok(side)
    }
}

fn add3(a: [u64; 3], b: [u64; 3]) -> [u64; 3] {
    [
        a[0].saturating_add(b[0]),
        a[1].saturating_add(b[1]),
        a[2].saturating_add(b[2]),
    ]
}

fn sum3(a: [u64; 3]) -> u64 {
    a[0].saturating_add(a[1]).saturating_add(a[2])
}

/// Finds the drained budgets: candidates from the pools and the block's issuance, checked
/// against the stored `Emission`; under Yuma, where only the total matters, a search for the
/// totals that reproduce it when no candidate does.
fn recover_emission(
    shape: &Shape,
    check: &EmissionCheck<'_>,
    pools: [u64; 3],
    increment: [u64; 3],
    issuance: [u64; 3],
) -> Result<([u64; 3], RaoProvenance), ChainError> {
    let mut candidates: Vec<([u64; 3], &str)> = vec![(
        add3(pools, increment),
        "the pending pools at block B − 1 plus what they grew by in block B − 1",
    )];
    let from_issuance = add3(pools, issuance);
    for k in 0..3u64 {
        let mut c = from_issuance;
        c[1] = c[1].saturating_sub(k);
        candidates.push((
            c,
            "the pending pools at block B − 1 plus block B's issuance to the subnet",
        ));
    }
    let mut first_side = None;
    for (c, how) in &candidates {
        let side = check.side(&shape.build(*c))?;
        first_side.get_or_insert(side);
        if !side.below && !side.above {
            let method = if side.informative {
                format!("{how}, confirmed: it reproduces the stored Emission")
            } else {
                format!(
                    "{how} (not confirmed: the stored Emission is all zero, so it constrains nothing)"
                )
            };
            return Ok((
                *c,
                RaoProvenance {
                    value: sum3(*c),
                    budgets: *c,
                    method,
                    confirmed: side.informative,
                    ..RaoProvenance::default()
                },
            ));
        }
    }
    let estimate = candidates.first().map_or(pools, |c| c.0);
    let unconfirmed = |why: &str| {
        Ok((
            estimate,
            RaoProvenance {
                value: sum3(estimate),
                budgets: estimate,
                method: format!(
                    "estimated as the pending pools at block B − 1 plus what they grew by in block \
                     B − 1; NOT confirmed: {why}, so emission mismatches may come from this estimate"
                ),
                confirmed: false,
                ..RaoProvenance::default()
            },
        ))
    };
    if shape.epoch_consensus == EpochConsensus::Null && shape.newer {
        return unconfirmed("no candidate reproduces the stored Emission (Null consensus pays each budget separately, and they are not searched)");
    }
    // Yuma: the total decides; each uid's emission is non-decreasing in it. Search the least
    // total with no entry below the stored one, and the greatest with none above.
    // A total as budgets: the difference from the estimate goes to (or comes from) the
    // validators' pool first; under Yuma only the total is paid out.
    let build_total = |t: u64| {
        let mut b = estimate;
        let cur = sum3(b);
        if t >= cur {
            b[1] = b[1].saturating_add(t.saturating_sub(cur));
        } else {
            let mut less = cur.saturating_sub(t);
            for x in [1usize, 0, 2] {
                if let Some(v) = b.get_mut(x) {
                    let d = less.min(*v);
                    *v = v.saturating_sub(d);
                    less = less.saturating_sub(d);
                }
            }
        }
        b
    };
    let side_at = |t: u64| check.side(&shape.build(build_total(t)));
    let lo_bound = sum3(pools);
    // An upper bracket with nothing below the stored values.
    let mut hi_bound = sum3(estimate).max(lo_bound);
    let mut span: u64 = sum3(increment).max(sum3(issuance)).max(1 << 16);
    loop {
        if !side_at(hi_bound)?.below {
            break;
        }
        if hi_bound == u64::MAX {
            return unconfirmed("no total reproduces the stored Emission");
        }
        hi_bound = hi_bound.saturating_add(span);
        span = span.saturating_mul(2);
    }
    // Least t in [lo_bound, hi_bound] with nothing below.
    let (mut a, mut b) = (lo_bound, hi_bound);
    while a < b {
        let mid = a.saturating_add(b.saturating_sub(a) / 2);
        if side_at(mid)?.below {
            a = mid.saturating_add(1);
        } else {
            b = mid;
        }
    }
    let least = a;
    let at_least = side_at(least)?;
    if at_least.above {
        return unconfirmed("no total reproduces the stored Emission (some uid's computed emission is above the stored one wherever none is below)");
    }
    // Greatest t ≥ least with nothing above.
    let (mut a, mut b) = (least, hi_bound.saturating_add(span));
    while !side_at(b)?.above && b < u64::MAX {
        a = b;
        b = b.saturating_add(span);
        span = span.saturating_mul(2);
    }
    while a < b {
        let mid = a.saturating_add(b.saturating_sub(a).div_ceil(2));
        if side_at(mid)?.above {
            b = mid.saturating_sub(1);
        } else {
            a = mid;
        }
    }
    let greatest = a;
    let target = sum3(estimate).clamp(least, greatest);
    let chosen = build_total(target);
    Ok((
        chosen,
        RaoProvenance {
            value: sum3(chosen),
            budgets: chosen,
            method: format!(
                "pinned by the stored Emission: every total in [{least}, {greatest}] reproduces it \
                 (the pools at block B − 1 plus their growth in B − 1 estimated {}); the one nearest \
                 that estimate is used",
                sum3(estimate)
            ),
            confirmed: true,
            consistent_range: Some([least, greatest]),
            ..RaoProvenance::default()
        },
    ))
}
