//! A fake Substrate node for the chain bridge's tests: golden vectors laid out in storage exactly
//! as subtensor stores them, served over the node's JSON-RPC (HTTP and WebSocket on one port,
//! with the CORS headers a public node sends), with faults to inject.
//!
//! [`layout`] turns a vector into three blocks of state: B − 2, B − 1 (the epoch's input, keys
//! hashed and values SCALE-encoded as the runtime stores them) and B (the vector's `expected`
//! written where the epoch writes its results, and the schedule advanced). [`MemoryReader`] reads
//! it in-process; [`serve`] puts it behind a socket.
//!
//! This file is also compiled into `tests/chain.rs` (`#[path]`), so it names nothing through
//! `crate::`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use parity_scale_codec::Encode;
use serde_json::{json, Value};

use yuma::chain::items as it;
use yuma::chain::keys::{to_hex, StorageKey};
use yuma::chain::{ChainError, Hash, Header, Reader};
use yuma::json::{VectorExpected, VectorFile, VectorInput};
use yuma::mechanisms::MechanismsInput;
use yuma::{ConsensusMode, EpochConsensus, EpochInput, EpochOutput};

/// One block: its hash, parent, runtime and post-state.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Its hash.
    pub hash: Hash,
    /// Its parent's hash.
    pub parent: Hash,
    /// The runtime's spec version in its state.
    pub spec: u32,
    /// Raw storage.
    pub state: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// A chain of a few blocks.
#[derive(Debug, Clone, Default)]
pub struct Chain {
    /// Blocks by number.
    pub blocks: BTreeMap<u64, Block>,
    /// The best block.
    pub best: u64,
    /// The subnet laid out.
    pub netuid: u16,
    /// Its epoch block B.
    pub epoch_block: u64,
}

/// The hash of block `number` on the fake chain.
pub fn block_hash(number: u64) -> Hash {
    let mut h = [0xb1u8; 32];
    h[..8].copy_from_slice(&number.to_le_bytes());
    h
}

/// The hotkey of uid `uid` on the fake chain.
pub fn hotkey(uid: u16) -> [u8; 32] {
    let mut h = [0x4bu8; 32];
    h[..2].copy_from_slice(&uid.to_le_bytes());
    h
}

impl Chain {
    /// The block by hash.
    pub fn by_hash(&self, hash: &Hash) -> Option<(u64, &Block)> {
        self.blocks
            .iter()
            .find(|(_, b)| &b.hash == hash)
            .map(|(n, b)| (*n, b))
    }

    /// A block before the laid-out ones: no state of the subnet at all (an archive node has
    /// every block; this one knows nothing of those).
    pub fn older(&self, hash: &Hash) -> Option<&Block> {
        static EMPTY: std::sync::OnceLock<Block> = std::sync::OnceLock::new();
        let n = u64::from_le_bytes(hash[..8].try_into().ok()?);
        let first = *self.blocks.keys().next()?;
        (n < first && block_hash(n) == *hash).then(|| {
            EMPTY.get_or_init(|| Block {
                spec: self.blocks.values().next().map_or(425, |b| b.spec),
                ..Block::default()
            })
        })
    }

    /// The state of block `number`, for editing.
    pub fn state(&mut self, number: u64) -> &mut BTreeMap<Vec<u8>, Vec<u8>> {
        &mut self
            .blocks
            .get_mut(&number)
            .expect("a laid-out block")
            .state
    }

    /// Writes `value` (SCALE) under `key` in block `number`.
    pub fn put(&mut self, number: u64, key: StorageKey, value: impl Encode) {
        self.state(number).insert(key.0, value.encode());
    }

    /// Removes `key` in block `number`.
    pub fn remove(&mut self, number: u64, key: &StorageKey) {
        self.state(number).remove(&key.0);
    }

    /// Writes `value` in blocks B − 2, B − 1 and B (a value the epoch block does not change).
    pub fn put_all(&mut self, key: StorageKey, value: impl Encode) {
        let bytes = value.encode();
        for b in self.blocks.values_mut() {
            b.state.insert(key.0.clone(), bytes.clone());
        }
    }
}

/// Choices a layout leaves open.
#[derive(Debug, Clone)]
pub struct LayoutOptions {
    /// The subnet.
    pub netuid: u16,
    /// The runtime's spec version (default: the vector's, or 425).
    pub spec: Option<u32>,
    /// `SubnetEpochIndex` at B − 1.
    pub epoch_index: u64,
    /// `RevealPeriodEpochs`.
    pub reveal_period: u64,
    /// Lay the owner out with a `SubnetOwnerHotkey` that is not registered (instead of no
    /// entry) when the vector has none.
    pub unregistered_owner: bool,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            netuid: 7,
            spec: None,
            epoch_index: 100,
            reveal_period: 1,
            unregistered_owner: false,
        }
    }
}

/// The subnet-level budgets a vector's emission corresponds to: the three drained pools.
fn drained(input: &VectorInput, newer: bool) -> Result<[u64; 3], String> {
    let plain = |rao: u64| [rao - rao / 2, rao / 2, 0];
    match input {
        VectorInput::Epoch(i) => {
            if !newer {
                return Ok(plain(i.rao_emission));
            }
            let rao = i.rao_emission;
            let mining = i.mining_budget.unwrap_or(rao - rao / 2);
            let dividend = i.dividend_budget.unwrap_or(rao / 2);
            let fallback = i.fallback_budget.unwrap_or(rao);
            // mining = s, dividend = v + r, fallback = s + v, rao = s + v + r.
            let v = fallback
                .checked_sub(mining)
                .ok_or("fallback budget below the mining budget")?;
            let r = dividend
                .checked_sub(v)
                .ok_or("dividend budget below fallback − mining")?;
            if mining.checked_add(dividend) != Some(rao) {
                return Err(String::from(
                    "rao_emission is not mining + dividend budget (the chain pays one epoch the sum of its budgets)",
                ));
            }
            Ok([mining, v, r])
        }
        VectorInput::Mechanisms(m) => {
            match (m.miner_budget, m.local_dividend_budget, m.root_budget) {
                (Some(s), Some(v), Some(r)) if newer => Ok([s, v, r]),
                (None, None, None) => Ok(plain(m.rao_emission)),
                _ => Err(String::from(
                    "budgets given under spec 425 rules, or only some of them",
                )),
            }
        }
    }
}

/// The cutoff factor (per mille of tempo) that gives `cutoff`.
fn cutoff_factor(cutoff: u64, tempo: u16) -> Result<u32, String> {
    let f = |k: u64| (k.saturating_mul(u64::from(tempo)) / 1000).max(1);
    if tempo == 0 {
        return if cutoff == 1 {
            Ok(13_889)
        } else {
            Err(String::from("an activity cutoff other than 1 with tempo 0"))
        };
    }
    let k = (cutoff.saturating_mul(1000)).div_ceil(u64::from(tempo));
    let k32 = u32::try_from(k)
        .map_err(|_| String::from("an activity cutoff past u32::MAX per mille of tempo"))?;
    if f(k) == cutoff {
        Ok(k32)
    } else if cutoff == 1 {
        Ok(0)
    } else {
        Err(format!(
            "no ActivityCutoffFactorMilli gives cutoff {cutoff} at tempo {tempo}"
        ))
    }
}

/// Lays a vector out as the chain stores it. `Err` names why its input is not a state the chain
/// can hold.
pub fn layout(v: &VectorFile, opts: &LayoutOptions) -> Result<Chain, String> {
    let (mechs, split): (Vec<EpochInput>, Option<Vec<u16>>) = match &v.input {
        VectorInput::Epoch(i) => (vec![i.clone()], None),
        VectorInput::Mechanisms(m) => (m.mechanisms.clone(), m.emission_split.clone()),
    };
    let first = mechs.first().ok_or("no mechanism")?.clone();
    let spec = opts.spec.or(match &v.input {
        VectorInput::Epoch(i) => i.spec_version,
        VectorInput::Mechanisms(m) => m.spec_version.or(first.spec_version),
    });
    let spec = spec.unwrap_or(425);
    let newer = spec >= 446;
    let epoch_consensus = match &v.input {
        VectorInput::Epoch(i) => i.epoch_consensus,
        VectorInput::Mechanisms(m) => m.epoch_consensus.unwrap_or(first.epoch_consensus),
    };
    let b = first.current_block;
    if b == 0 {
        return Err(String::from("current_block 0 (block 0 runs no epoch)"));
    }
    if first.last_mechanism_step_block >= b {
        return Err(String::from(
            "last_mechanism_step_block at or after the epoch block",
        ));
    }
    let pools = drained(&v.input, newer)?;
    let netuid = opts.netuid;
    let n = first.n;
    let mut chain = Chain {
        netuid,
        epoch_block: b,
        best: b + 1,
        ..Chain::default()
    };
    for k in b.saturating_sub(2)..=b + 1 {
        chain.blocks.insert(
            k,
            Block {
                hash: block_hash(k),
                parent: block_hash(k.wrapping_sub(1)),
                spec,
                state: BTreeMap::new(),
            },
        );
    }
    let pre = b - 1;
    // Shared by every mechanism: the subnet's items.
    chain.put_all(it::networks_added(netuid), true);
    chain.put_all(it::subnetwork_n(netuid), n);
    chain.put_all(it::tempo(netuid), first.tempo);
    chain.put_all(
        it::activity_cutoff_factor_milli(netuid),
        cutoff_factor(first.activity_cutoff, first.tempo)?,
    );
    chain.put_all(
        it::max_allowed_validators(netuid),
        first.max_allowed_validators,
    );
    chain.put_all(it::kappa(netuid), first.kappa);
    chain.put_all(it::bonds_penalty(netuid), first.bonds_penalty);
    chain.put_all(it::bonds_moving_average(netuid), first.bonds_moving_average);
    chain.put_all(it::yuma3_on(netuid), first.yuma3_enabled);
    chain.put_all(it::liquid_alpha_on(netuid), first.liquid_alpha_enabled);
    chain.put_all(
        it::alpha_values(netuid),
        (first.alpha_low, first.alpha_high),
    );
    chain.put_all(
        it::alpha_sigmoid_steepness(netuid),
        first.alpha_sigmoid_steepness,
    );
    chain.put_all(
        it::commit_reveal_weights_enabled(netuid),
        first.commit_reveal_enabled,
    );
    chain.put_all(it::reveal_period_epochs(netuid), opts.reveal_period);
    chain.put_all(it::tao_weight(), first.tao_weight);
    chain.put_all(it::stake_threshold(), first.stake_threshold);
    chain.put_all(it::validator_permit(netuid), first.validator_permit.clone());
    let count = u8::try_from(mechs.len()).map_err(|_| "too many mechanisms")?;
    chain.put_all(it::mechanism_count_current(netuid), count);
    if let Some(s) = &split {
        chain.put_all(it::mechanism_emission_split(netuid), s.clone());
    }
    if newer {
        if first.liquid_alpha_consensus_mode != ConsensusMode::Auto {
            let k = match first.liquid_alpha_consensus_mode {
                ConsensusMode::Current => 0u8,
                ConsensusMode::Previous => 1,
                ConsensusMode::Auto => 2,
            };
            chain.put_all(it::liquid_alpha_consensus_mode(netuid), k);
        }
        if let Some(y) = first.last_yuma_step_block {
            chain.put_all(it::last_yuma_step_block(netuid), y);
        }
        if epoch_consensus == EpochConsensus::Null {
            chain.put_all(it::subnet_epoch_consensus(netuid), 1u8);
        }
    }
    chain.put(
        b - 1,
        it::last_mechanism_step_block(netuid),
        first.last_mechanism_step_block,
    );
    if let Some(k) = b.checked_sub(2) {
        chain.put(
            k,
            it::last_mechanism_step_block(netuid),
            first.last_mechanism_step_block,
        );
    }
    chain.put(b, it::last_mechanism_step_block(netuid), b);
    chain.put(b + 1, it::last_mechanism_step_block(netuid), b);
    for k in [b.saturating_sub(2), pre] {
        chain.put(k, it::subnet_epoch_index(netuid), opts.epoch_index);
    }
    for k in [b, b + 1] {
        chain.put(k, it::subnet_epoch_index(netuid), opts.epoch_index + 1);
    }
    // Uids.
    for uid in 0..n {
        let hk = hotkey(uid);
        chain.put_all(it::keys(netuid, uid), hk);
        chain.put_all(it::uids(netuid, &hk), uid);
        chain.put_all(
            it::block_at_registration(netuid, uid),
            first
                .block_at_registration
                .get(usize::from(uid))
                .copied()
                .unwrap_or(0),
        );
        chain.put_all(
            it::total_hotkey_alpha(&hk, netuid),
            first
                .alpha_stake
                .get(usize::from(uid))
                .copied()
                .unwrap_or(0),
        );
        chain.put_all(
            it::total_hotkey_alpha(&hk, 0),
            first.tao_stake.get(usize::from(uid)).copied().unwrap_or(0),
        );
    }
    match first.owner_uid {
        Some(u) => {
            chain.put_all(it::subnet_owner_hotkey(netuid), hotkey(u));
            chain.put_all(it::uids(netuid, &hotkey(u)), u);
        }
        None if opts.unregistered_owner => {
            let mut stranger = [0x0cu8; 32];
            stranger[0] = 0xee;
            chain.put_all(it::subnet_owner_hotkey(netuid), stranger);
        }
        None => {}
    }
    // The emission: pools at B − 1 and B − 2 such that B's increment equals their growth in B − 1.
    let drained_at_previous = first.last_mechanism_step_block == pre;
    let inc: [u64; 3] = if drained_at_previous {
        [
            pools[0] - pools[0] / 2,
            pools[1] - pools[1] / 2,
            pools[2] - pools[2] / 2,
        ]
    } else {
        [pools[0] / 3, pools[1] / 3, pools[2] / 3]
    };
    let before: [u64; 3] = [pools[0] - inc[0], pools[1] - inc[1], pools[2] - inc[2]];
    let pp: [u64; 3] = [before[0] - inc[0], before[1] - inc[1], before[2] - inc[2]];
    let pool_keys = [
        it::pending_server_emission(netuid),
        it::pending_validator_emission(netuid),
        it::pending_root_alpha_divs(netuid),
    ];
    for (k, key) in pool_keys.iter().enumerate() {
        chain.put(pre, key.clone(), before[k]);
        if let Some(p) = b.checked_sub(2) {
            chain.put(p, key.clone(), if drained_at_previous { 0 } else { pp[k] });
        }
        chain.put(b, key.clone(), 0u64);
    }
    chain.put(b, it::owner_cut_enabled(netuid), false);
    chain.put(
        b,
        it::subnet_alpha_out_emission(netuid),
        inc[0] + inc[1] + inc[2],
    );
    // Per mechanism.
    let epoch_now = opts.epoch_index + 1;
    for (k, m) in mechs.iter().enumerate() {
        let idx = it::mechanism_index(netuid, k as u8);
        chain.put_all(it::last_update(idx), m.last_update.clone());
        for (uid, row) in m.weights.iter().enumerate() {
            if !row.is_empty() {
                chain.put_all(it::weights(idx, uid as u16), row.clone());
            }
        }
        for (uid, row) in m.bonds.iter().enumerate() {
            if !row.is_empty() {
                chain.put(pre, it::bonds(idx, uid as u16), row.clone());
                if let Some(p) = b.checked_sub(2) {
                    chain.put(p, it::bonds(idx, uid as u16), row.clone());
                }
            }
        }
        // Commits: odd uids through v2 hash commits, even ones timelocked (v4), both unexpired.
        let mut timelocked: Vec<([u8; 32], u64, Vec<u8>, u64)> = Vec::new();
        for (uid, cb) in m.commit_blocks.iter().enumerate() {
            let (Some(cb), Ok(uid)) = (cb, u16::try_from(uid)) else {
                continue;
            };
            if uid % 2 == 1 {
                let queue: Vec<([u8; 32], u64, u64, u64)> = vec![([7u8; 32], epoch_now, *cb, 0)];
                chain.put_all(weight_commits(idx, &hotkey(uid)), queue);
            } else {
                timelocked.push((hotkey(uid), *cb, vec![1, 2, 3], 42));
            }
        }
        if !timelocked.is_empty() {
            chain.put_all(it::timelocked_weight_commits(idx, epoch_now), timelocked);
        }
        if newer && !m.previous_consensus.is_empty() {
            chain.put(
                pre,
                it::consensus_by_mechanism(idx),
                m.previous_consensus.clone(),
            );
            if let Some(p) = b.checked_sub(2) {
                chain.put(
                    p,
                    it::consensus_by_mechanism(idx),
                    m.previous_consensus.clone(),
                );
            }
        }
    }
    // Results at B (and B + 1).
    let expected = v
        .expected
        .as_ref()
        .ok_or("the vector has no expected results")?;
    let (subnet, per): (Subnet, Vec<EpochOutput>) = match expected {
        VectorExpected::Epoch(o) => (Subnet::of_epoch(o), vec![o.clone()]),
        VectorExpected::Mechanisms(o) => (
            Subnet {
                active: o.aggregated.active.clone(),
                emission: o.aggregated.emission.clone(),
                consensus: o.aggregated.consensus.clone(),
                dividends: o.aggregated.dividends.clone(),
                validator_trust: o.aggregated.validator_trust.clone(),
                validator_permit: o.aggregated.new_validator_permit.clone(),
                stake_weight: o.aggregated.stake_weight.clone(),
            },
            o.per_mechanism.clone(),
        ),
    };
    for at in [b, b + 1] {
        chain.put(at, it::active(netuid), subnet.active.clone());
        chain.put(at, it::emission(netuid), subnet.emission.clone());
        chain.put(at, it::consensus(netuid), subnet.consensus.clone());
        chain.put(at, it::dividends(netuid), subnet.dividends.clone());
        chain.put(
            at,
            it::validator_trust(netuid),
            subnet.validator_trust.clone(),
        );
        chain.put(
            at,
            it::validator_permit(netuid),
            subnet.validator_permit.clone(),
        );
        chain.put(at, it::stake_weight(netuid), subnet.stake_weight.clone());
        if newer && epoch_consensus == EpochConsensus::Yuma {
            chain.put(at, it::last_yuma_step_block(netuid), b);
        }
        for (k, o) in per.iter().enumerate() {
            let idx = it::mechanism_index(netuid, k as u8);
            chain.put(at, it::incentive(idx), o.incentive.clone());
            if let Some(c) = &o.consensus_by_mechanism {
                chain.put(at, it::consensus_by_mechanism(idx), c.clone());
            }
            let persisted = o.bonds_persisted != Some(false);
            let rows = if persisted {
                o.bonds.clone()
            } else {
                mechs[k].bonds.clone()
            };
            for (uid, row) in rows.iter().enumerate() {
                if persisted || !row.is_empty() {
                    chain.put(at, it::bonds(idx, uid as u16), row.clone());
                }
            }
        }
    }
    Ok(chain)
}

struct Subnet {
    active: Vec<bool>,
    emission: Vec<u64>,
    consensus: Vec<u16>,
    dividends: Vec<u16>,
    validator_trust: Vec<u16>,
    validator_permit: Vec<bool>,
    stake_weight: Vec<u16>,
}

impl Subnet {
    fn of_epoch(o: &EpochOutput) -> Self {
        Subnet {
            active: o.active.clone(),
            emission: o.emission.clone(),
            consensus: o.consensus.clone(),
            dividends: o.dividends.clone(),
            validator_trust: o.validator_trust.clone(),
            validator_permit: o.new_validator_permit.clone(),
            stake_weight: o.stake_weight.clone(),
        }
    }
}

/// `WeightCommits[index][hotkey]` (both keys `Twox64Concat`).
pub fn weight_commits(index: u16, who: &[u8; 32]) -> StorageKey {
    use yuma::chain::keys::Hasher;
    StorageKey::map(
        it::PALLET,
        "WeightCommits",
        &[
            (Hasher::Twox64Concat, &index.to_le_bytes()),
            (Hasher::Twox64Concat, who),
        ],
    )
}

/// The input a vector means, as a fetch must return it: its `spec_version` stated (absent means
/// spec 425), at the subnet level for mechanisms.
pub fn expected_input(v: &VectorFile, spec: u32) -> VectorInput {
    match &v.input {
        VectorInput::Epoch(i) => VectorInput::Epoch(EpochInput {
            spec_version: Some(i.spec_version.unwrap_or(spec)),
            ..i.clone()
        }),
        // One mechanism is one epoch: a fetch returns it as an epoch input.
        VectorInput::Mechanisms(m) if m.mechanisms.len() == 1 => {
            let mut i = m.mechanisms[0].clone();
            let newer = m.spec_version.unwrap_or(spec) >= 446;
            i.spec_version = Some(m.spec_version.unwrap_or(spec));
            i.epoch_consensus = m.epoch_consensus.unwrap_or(i.epoch_consensus);
            let (s, v, r) = match (m.miner_budget, m.local_dividend_budget, m.root_budget) {
                (Some(s), Some(v), Some(r)) => (s, v, r),
                _ => (m.rao_emission - m.rao_emission / 2, m.rao_emission / 2, 0),
            };
            let total = s + v + r;
            i.rao_emission = total;
            if newer && !(s == total - total / 2 && v + r == total / 2 && s + v == total) {
                i.mining_budget = Some(s);
                i.dividend_budget = Some(v + r);
                i.fallback_budget = Some(s + v);
            }
            VectorInput::Epoch(i)
        }
        VectorInput::Mechanisms(m) => VectorInput::Mechanisms(MechanismsInput {
            spec_version: Some(m.spec_version.unwrap_or(spec)),
            ..m.clone()
        }),
    }
}

/// Reads a [`Chain`] in-process.
pub struct MemoryReader<'a> {
    /// The chain.
    pub chain: &'a Chain,
    /// Calls made.
    pub calls: u64,
}

impl Reader for MemoryReader<'_> {
    fn block_hash(&mut self, number: Option<u64>) -> Result<Option<Hash>, ChainError> {
        self.calls += 1;
        let n = number.unwrap_or(self.chain.best);
        Ok((n <= self.chain.best).then(|| block_hash(n)))
    }

    fn header(&mut self, hash: &Hash) -> Result<Option<Header>, ChainError> {
        self.calls += 1;
        Ok(self.chain.by_hash(hash).map(|(n, b)| Header {
            number: n,
            parent: b.parent,
        }))
    }

    fn spec_version(&mut self, hash: &Hash) -> Result<u32, ChainError> {
        self.calls += 1;
        self.chain
            .by_hash(hash)
            .map(|(_, b)| b.spec)
            .ok_or_else(|| ChainError::Node {
                method: "state_getRuntimeVersion".into(),
                message: "unknown block".into(),
            })
    }

    fn storage(
        &mut self,
        at: &Hash,
        keys: &[StorageKey],
    ) -> Result<Vec<Option<Vec<u8>>>, ChainError> {
        self.calls += 1;
        let state = self.chain.by_hash(at).map(|(_, b)| &b.state);
        Ok(keys
            .iter()
            .map(|k| state.and_then(|s| s.get(&k.0).cloned()))
            .collect())
    }

    fn keys(&mut self, at: &Hash, prefix: &StorageKey) -> Result<Vec<StorageKey>, ChainError> {
        self.calls += 1;
        let Some((_, b)) = self.chain.by_hash(at) else {
            return Ok(Vec::new());
        };
        Ok(b.state
            .range(prefix.0.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix.0))
            .map(|(k, _)| StorageKey(k.clone()))
            .collect())
    }
}

/// Faults to inject into the server's answers.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Answer calls of this method with a JSON-RPC error `(code, message)`.
    pub error: Option<(String, i64, String)>,
    /// Answer this many requests with "busy" (then normally).
    pub busy: u32,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
    /// Close the connection instead of answering.
    pub drop_connection: bool,
    /// Cut the last byte off values whose key starts with this prefix.
    pub truncate: Option<Vec<u8>>,
    /// Answer with text that is not JSON.
    pub garbage: bool,
    /// Requests received.
    pub requests: u64,
}

/// The JSON-RPC answer of one call.
fn answer_call(
    chain: &Chain,
    faults: &Faults,
    method: &str,
    params: &Value,
) -> Result<Value, (i64, String)> {
    if let Some((m, code, message)) = &faults.error {
        if m == method {
            return Err((*code, message.clone()));
        }
    }
    let hash_param = |i: usize| -> Option<Hash> {
        let s = params.get(i)?.as_str()?;
        let bytes = yuma::chain::keys::from_hex(s)?;
        Hash::try_from(bytes.as_slice()).ok()
    };
    let at = |i: usize| -> Result<&Block, (i64, String)> {
        let h = match params.get(i) {
            None | Some(Value::Null) => block_hash(chain.best),
            Some(_) => {
                hash_param(i).ok_or((-32602, String::from("Invalid params: not a block hash")))?
            }
        };
        chain
            .by_hash(&h)
            .map(|(_, b)| b)
            .or_else(|| chain.older(&h))
            .ok_or((4003, format!("Client error: Unknown block {}", to_hex(&h))))
    };
    let value = |b: &Block, k: &[u8]| -> Value {
        match b.state.get(k) {
            None => Value::Null,
            Some(v) => {
                let mut v = v.clone();
                if let Some(p) = &faults.truncate {
                    if k.starts_with(p) {
                        v.pop();
                    }
                }
                Value::String(to_hex(&v))
            }
        }
    };
    let key_param = |v: &Value| -> Option<Vec<u8>> { yuma::chain::keys::from_hex(v.as_str()?) };
    match method {
        "chain_getBlockHash" => {
            let n = match params.get(0) {
                None | Some(Value::Null) => chain.best,
                Some(v) => v.as_u64().ok_or((-32602, String::from("Invalid params")))?,
            };
            Ok(if n <= chain.best {
                Value::String(to_hex(&block_hash(n)))
            } else {
                Value::Null
            })
        }
        "chain_getHeader" => {
            let h = match params.get(0) {
                None | Some(Value::Null) => block_hash(chain.best),
                Some(_) => hash_param(0).ok_or((-32602, String::from("Invalid params")))?,
            };
            let older = chain
                .older(&h)
                .map(|b| (u64::from_le_bytes(h[..8].try_into().unwrap()), b));
            Ok(match chain.by_hash(&h).or(older) {
                Some((n, b)) => json!({
                    "parentHash": to_hex(&b.parent),
                    "number": format!("0x{n:x}"),
                    "stateRoot": to_hex(&[0u8; 32]),
                    "extrinsicsRoot": to_hex(&[0u8; 32]),
                    "digest": {"logs": []}
                }),
                None => Value::Null,
            })
        }
        "state_getRuntimeVersion" => {
            let b = at(0)?;
            Ok(
                json!({"specName": "node-subtensor", "implName": "node-subtensor", "specVersion": b.spec,
                      "implVersion": 1, "transactionVersion": 1, "stateVersion": 1, "apis": []}),
            )
        }
        "state_getStorage" => {
            let k = params
                .get(0)
                .and_then(key_param)
                .ok_or((-32602, String::from("Invalid params")))?;
            let b = at(1)?;
            Ok(value(b, &k))
        }
        "state_queryStorageAt" => {
            let keys = params
                .get(0)
                .and_then(Value::as_array)
                .ok_or((-32602, String::from("Invalid params")))?;
            let b = at(1)?;
            let changes: Vec<Value> = keys
                .iter()
                .map(|k| {
                    let kb = key_param(k).unwrap_or_default();
                    json!([k, value(b, &kb)])
                })
                .collect();
            Ok(json!([{"block": to_hex(&b.hash), "changes": changes}]))
        }
        "state_getKeysPaged" => {
            let prefix = params
                .get(0)
                .and_then(key_param)
                .ok_or((-32602, String::from("Invalid params")))?;
            let count = params
                .get(1)
                .and_then(Value::as_u64)
                .unwrap_or(1000)
                .min(1000) as usize;
            let start = params.get(2).and_then(key_param);
            let b = at(3)?;
            let keys: Vec<Value> = b
                .state
                .range(prefix.clone()..)
                .take_while(|(k, _)| k.starts_with(&prefix))
                .filter(|(k, _)| start.as_ref().is_none_or(|s| *k > s))
                .take(count)
                .map(|(k, _)| Value::String(to_hex(k)))
                .collect();
            Ok(Value::Array(keys))
        }
        _ => Err((-32601, format!("Method not found: {method}"))),
    }
}

/// The answer to one request body (a call or a batch).
pub fn answer(chain: &Chain, faults: &mut Faults, body: &str) -> Option<String> {
    faults.requests += 1;
    if faults.garbage {
        return Some(String::from("<html>502 Bad Gateway</html>"));
    }
    let request: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) => return Some(json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "Parse error"}}).to_string()),
    };
    let busy = if faults.busy > 0 {
        faults.busy -= 1;
        true
    } else {
        false
    };
    let one = |call: &Value| -> Value {
        let id = call.get("id").cloned().unwrap_or(Value::Null);
        if busy {
            return json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32005, "message": "Too many requests, try again later"}});
        }
        let method = call.get("method").and_then(Value::as_str).unwrap_or("");
        let params = call.get("params").cloned().unwrap_or(json!([]));
        match answer_call(chain, faults, method, &params) {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
            Err((code, message)) => {
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
            }
        }
    };
    Some(match &request {
        Value::Array(calls) => Value::Array(calls.iter().map(one).collect()).to_string(),
        call => one(call).to_string(),
    })
}

/// A running fake node.
pub struct Server {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// The chain it serves (editable while it runs).
    pub chain: Arc<Mutex<Chain>>,
    /// Its faults (editable while it runs).
    pub faults: Arc<Mutex<Faults>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// `http://127.0.0.1:PORT`.
    pub fn http(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn ws(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// A stream whose first bytes were already read (the HTTP head), for the WebSocket handshake.
struct Replayed {
    head: std::io::Cursor<Vec<u8>>,
    stream: TcpStream,
}

impl Read for Replayed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        self.stream.read(buf)
    }
}

impl Write for Replayed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

const CORS: &str = "Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Methods: POST, OPTIONS\r\nAccess-Control-Allow-Headers: content-type\r\nAccess-Control-Max-Age: 600\r\n";

fn handle(
    stream: TcpStream,
    chain: Arc<Mutex<Chain>>,
    faults: Arc<Mutex<Faults>>,
) -> std::io::Result<()> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        // The request head.
        let mut head = Vec::new();
        let mut lines: Vec<String> = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            head.extend_from_slice(line.as_bytes());
            if line == "\r\n" || line == "\n" {
                break;
            }
            lines.push(line.trim_end().to_string());
        }
        let header = |name: &str| {
            lines.iter().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_string())
            })
        };
        let request_line = lines.first().cloned().unwrap_or_default();
        if header("upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
            let buffered = reader.buffer().to_vec();
            head.extend_from_slice(&buffered);
            let replayed = Replayed {
                head: std::io::Cursor::new(head),
                stream: stream.try_clone()?,
            };
            let mut ws =
                tungstenite::accept(replayed).map_err(|e| std::io::Error::other(e.to_string()))?;
            loop {
                let msg = match ws.read() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                };
                if let tungstenite::Message::Text(t) = msg {
                    let (reply, delay, drop_it) = {
                        let mut f = faults.lock().unwrap();
                        let c = chain.lock().unwrap();
                        (answer(&c, &mut f, t.as_str()), f.delay, f.drop_connection)
                    };
                    if let Some(d) = delay {
                        std::thread::sleep(d);
                    }
                    if drop_it {
                        let _ = stream.shutdown(std::net::Shutdown::Both);
                        return Ok(());
                    }
                    if let Some(r) = reply {
                        if ws.send(tungstenite::Message::text(r)).is_err() {
                            return Ok(());
                        }
                    }
                }
            }
        }
        let length: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        let mut out = stream.try_clone()?;
        if request_line.starts_with("OPTIONS") {
            write!(
                out,
                "HTTP/1.1 204 No Content\r\n{CORS}Content-Length: 0\r\n\r\n"
            )?;
            continue;
        }
        if !request_line.starts_with("POST") {
            let msg = "Used HTTP Method is not allowed. POST or OPTIONS is required\n";
            write!(out, "HTTP/1.1 405 Method Not Allowed\r\n{CORS}Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n{msg}", msg.len())?;
            continue;
        }
        let (reply, delay, drop_it) = {
            let mut f = faults.lock().unwrap();
            let c = chain.lock().unwrap();
            (
                answer(&c, &mut f, &String::from_utf8_lossy(&body)),
                f.delay,
                f.drop_connection,
            )
        };
        if let Some(d) = delay {
            std::thread::sleep(d);
        }
        if drop_it {
            let _ = out.shutdown(std::net::Shutdown::Both);
            return Ok(());
        }
        let reply = reply.unwrap_or_default();
        write!(
            out,
            "HTTP/1.1 200 OK\r\n{CORS}Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{reply}",
            reply.len()
        )?;
        out.flush()?;
    }
}

/// Serves `chain` on 127.0.0.1 (`port` 0: any free port), HTTP and WebSocket alike.
pub fn serve(chain: Chain, port: u16) -> std::io::Result<Server> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let port = listener.local_addr()?.port();
    let chain = Arc::new(Mutex::new(chain));
    let faults = Arc::new(Mutex::new(Faults::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let (c, f, s) = (chain.clone(), faults.clone(), stop.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if s.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let (c, f) = (c.clone(), f.clone());
            std::thread::spawn(move || {
                let _ = handle(stream, c, f);
            });
        }
    });
    Ok(Server {
        port,
        chain,
        faults,
        stop,
    })
}
