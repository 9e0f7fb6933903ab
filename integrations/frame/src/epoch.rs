//! The epoch as the pallet runs it: the schedule, the input built from storage, the outputs
//! written back, and snapshots written into storage (genesis, tests, benchmarks).
//!
//! No panics here: no `unwrap`, `expect`, indexing or unchecked arithmetic; every failure is an
//! [`Error`] value.
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use alloc::vec;
use alloc::vec::Vec;

use frame_support::pallet_prelude::*;
use yuma::mechanisms::{epoch_with_mechanisms_into, MechanismsOutput};
use yuma::runtime::Rules;
use yuma::{EpochInput, EpochOutput, MechanismsInput, SparseRowU16, Workspace};

use crate::pallet::*;
use crate::{WeightInfo, GLOBAL_MAX_SUBNET_COUNT, MAX_MECHANISMS};

/// The storage index of `netuid`'s mechanism `mecid`: `netuid + mecid · 4096` (mechanism 0 is
/// `netuid` itself). `None` when `netuid` or `mecid` is out of range.
pub fn mechanism_index(netuid: u16, mecid: u8) -> Option<u16> {
    if netuid >= GLOBAL_MAX_SUBNET_COUNT || mecid >= MAX_MECHANISMS {
        return None;
    }
    u16::from(mecid)
        .checked_mul(GLOBAL_MAX_SUBNET_COUNT)?
        .checked_add(netuid)
}

/// Whether `netuid`'s epoch runs at `block`: `(block + netuid + 1) % (tempo + 1) == 0` (the
/// block wrapping at `u64::MAX`), never with tempo 0 — subtensor's schedule.
pub fn is_epoch_block(netuid: u16, tempo: u16, block: u64) -> bool {
    if tempo == 0 {
        return false;
    }
    let period = u64::from(tempo).saturating_add(1);
    block
        .wrapping_add(u64::from(netuid))
        .wrapping_add(1)
        .checked_rem(period)
        == Some(0)
}

impl<T> From<yuma::Error> for Error<T> {
    fn from(e: yuma::Error) -> Self {
        match e {
            yuma::Error::Length { .. } | yuma::Error::UidOutOfRange { .. } => Error::InputLength,
            yuma::Error::TooLarge { .. }
            | yuma::Error::TooManyEntries { .. }
            | yuma::Error::ReferenceTooLarge { .. } => Error::InputTooLarge,
            yuma::Error::Mechanisms { .. }
            | yuma::Error::MechanismSize { .. }
            | yuma::Error::Inconsistent { .. } => Error::InconsistentMechanisms,
            yuma::Error::UnsupportedRuntime { .. } => Error::UnsupportedRuntime,
            yuma::Error::InMechanism { error, .. } => Error::from(*error),
            _ => Error::EpochFailed,
        }
    }
}

/// What the epoch reads, built from storage: one mechanism's input, or a subnet's mechanisms.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // built once per epoch
pub enum SubnetInput {
    /// A subnet without mechanisms: one `epoch_mechanism`.
    Single(EpochInput),
    /// A subnet with mechanisms: `epoch_with_mechanisms`.
    Mechanisms(MechanismsInput),
}

impl SubnetInput {
    /// The subnet size.
    pub fn n(&self) -> u16 {
        match self {
            SubnetInput::Single(i) => i.n,
            SubnetInput::Mechanisms(m) => m.mechanisms.first().map_or(0, |i| i.n),
        }
    }
}

/// The reused buffers: the crate's workspace and the outputs.
#[derive(Debug, Default)]
pub struct Buffers {
    /// Every intermediate of the epoch, reused by every subnet's epoch.
    pub workspace: Workspace,
    /// A single-mechanism subnet's output.
    pub single: EpochOutput,
    /// A subnet's mechanisms' output.
    pub mechanisms: MechanismsOutput,
}

fn rules_spec(rules: Option<Rules>) -> u32 {
    match rules {
        Some(Rules::Spec425) | None => yuma::runtime::DEFAULT_SPEC,
        Some(Rules::Spec475) => yuma::runtime::NEWEST_CHECKED_SPEC,
    }
}

/// `v` with exactly `n` entries: cut, or padded with the default.
fn per_uid<V: Clone + Default>(mut v: Vec<V>, n: usize) -> Vec<V> {
    v.resize(n, V::default());
    v
}

/// Storage accesses of one epoch, counted as they happen (the weight charges each at the
/// runtime's `DbWeight`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Accesses {
    /// Items read.
    pub(crate) reads: u64,
    /// Items written or removed.
    pub(crate) writes: u64,
}

impl Accesses {
    fn read(&mut self, k: usize) {
        self.reads = self.reads.saturating_add(k as u64);
    }
    fn write(&mut self, k: usize) {
        self.writes = self.writes.saturating_add(k as u64);
    }
}

/// Subnet-level items the input reads besides the per-uid `BlockAtRegistration`: 24, and the
/// split and budgets (an upper bound of 2).
const SUBNET_READS: usize = 26;
/// Per-mechanism items read besides the rows: `LastUpdate`, `CommitBlocks`,
/// `ConsensusByMechanism`, and the end of each row prefix.
const MECHANISM_READS: usize = 5;
/// Items written per subnet besides the mechanisms': nine per-uid outputs,
/// `LastMechanismStepBlock`, `LastYumaStepBlock`, the pending emission and budgets taken, the
/// event (two).
const SUBNET_WRITES: usize = 15;

impl<T: Config> Pallet<T> {
    /// The hook: runs the epoch of every subnet due at `block`, all through one set of
    /// [`Buffers`]; a subnet whose epoch fails is skipped with [`Event::EpochFailed`]. Returns
    /// the weight used.
    pub fn run_due_epochs(block: u64) -> Weight {
        let mut buffers = Buffers::default();
        let mut weight = Weight::zero();
        for (netuid, tempo) in Tempo::<T>::iter() {
            weight.saturating_accrue(T::DbWeight::get().reads(1));
            if !is_epoch_block(netuid, tempo, block) {
                continue;
            }
            match Self::run_epoch_with(netuid, block, &mut buffers) {
                Ok(used) => weight.saturating_accrue(used),
                Err(error) => {
                    // What the failed attempt read: bounded by the subnet's size.
                    let n = SubnetworkN::<T>::get(netuid);
                    let reads = SUBNET_READS.saturating_add(usize::from(n));
                    weight.saturating_accrue(T::WeightInfo::epoch_yuma2(u32::from(n), 0));
                    weight.saturating_accrue(T::DbWeight::get().reads(reads as u64));
                    Self::deposit_event(Event::EpochFailed { netuid, error });
                }
            }
        }
        weight
    }

    /// Runs `netuid`'s epoch at `block` now, whether or not it is due, with fresh buffers
    /// (the hook reuses one set for every subnet). Returns the weight used.
    pub fn run_epoch(netuid: u16, block: u64) -> Result<Weight, DispatchError> {
        Self::run_epoch_with(netuid, block, &mut Buffers::default())
    }

    /// [`Pallet::run_epoch`] through `buffers`: builds the input from storage, computes the
    /// epoch, writes the outputs and what the next epoch reads back, takes the pending
    /// emission and deposits [`Event::EpochRan`]. On an error nothing is written.
    pub fn run_epoch_with(
        netuid: u16,
        block: u64,
        buffers: &mut Buffers,
    ) -> Result<Weight, DispatchError> {
        let mut db = Accesses::default();
        let input = Self::build_input(netuid, block, &mut db)?;
        let n = u32::from(input.n());
        let Buffers {
            workspace,
            single,
            mechanisms,
        } = buffers;
        let (compute, count, split) = match &input {
            SubnetInput::Single(i) => {
                yuma::epoch_into(i, workspace, single).map_err(Error::<T>::from)?;
                Self::persist_mechanism(netuid, &i.bonds, single, &mut db);
                Self::persist_subnet(
                    netuid,
                    block,
                    SubnetTerms::of_epoch(single),
                    single.bonds_persisted,
                );
                PendingEpochBudgets::<T>::remove(netuid);
                (Self::compute_weight(i, n), 1u8, vec![i.rao_emission])
            }
            SubnetInput::Mechanisms(m) => {
                epoch_with_mechanisms_into(m, workspace, mechanisms).map_err(Error::<T>::from)?;
                let mut compute = Weight::zero();
                for ((mecid, out), i) in (0u8..).zip(&mechanisms.per_mechanism).zip(&m.mechanisms) {
                    let index = mechanism_index(netuid, mecid).ok_or(Error::<T>::MechanismIndex)?;
                    Self::persist_mechanism(index, &i.bonds, out, &mut db);
                    compute.saturating_accrue(Self::compute_weight(i, n));
                }
                let persisted = mechanisms
                    .per_mechanism
                    .first()
                    .and_then(|o| o.bonds_persisted);
                Self::persist_subnet(
                    netuid,
                    block,
                    SubnetTerms::of_aggregate(&mechanisms.aggregated),
                    persisted,
                );
                PendingMechanismBudgets::<T>::remove(netuid);
                let count = u8::try_from(m.mechanisms.len()).unwrap_or(MAX_MECHANISMS);
                (compute, count, mechanisms.split.clone())
            }
        };
        PendingEmission::<T>::remove(netuid);
        Self::deposit_event(Event::EpochRan {
            netuid,
            rules: rules_spec(workspace.rules()),
            mechanisms: count,
            split,
        });
        db.write(SUBNET_WRITES);
        db.read(2); // the event's counters
        Ok(compute.saturating_add(T::DbWeight::get().reads_writes(db.reads, db.writes)))
    }

    /// The measured compute weight of one mechanism's epoch (the storage accesses are charged
    /// apart, as counted).
    fn compute_weight(input: &EpochInput, n: u32) -> Weight {
        let entries = u32::try_from(input.stored_entries()).unwrap_or(u32::MAX);
        if input.yuma3_enabled && input.liquid_alpha_enabled {
            T::WeightInfo::epoch_liquid_alpha(n, entries)
        } else if input.yuma3_enabled {
            T::WeightInfo::epoch_yuma3(n, entries)
        } else {
            T::WeightInfo::epoch_yuma2(n, entries)
        }
    }

    /// The input of `netuid`'s epoch at `block`, from storage. Per-uid reads cover `0..n`;
    /// rows stored for uids at or above `n` are not read into it (the epoch ignores them),
    /// stake and commit vectors are cut or padded to `n`.
    pub fn epoch_input(netuid: u16, block: u64) -> Result<SubnetInput, Error<T>> {
        Self::build_input(netuid, block, &mut Accesses::default())
    }

    /// [`Pallet::epoch_input`], counting the storage reads into `db`.
    fn build_input(netuid: u16, block: u64, db: &mut Accesses) -> Result<SubnetInput, Error<T>> {
        let tempo = Tempo::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
        let n = SubnetworkN::<T>::get(netuid);
        let nu = usize::from(n);
        db.read(SUBNET_READS.saturating_add(nu));
        let spec_version = T::RulesSpec::get();
        let kind = SubnetEpochConsensus::<T>::get(netuid);
        let (alpha_low, alpha_high) = AlphaValues::<T>::get(netuid);
        let mut base = EpochInput {
            n,
            current_block: block,
            tempo,
            activity_cutoff: ActivityCutoff::<T>::get(netuid),
            last_mechanism_step_block: LastMechanismStepBlock::<T>::get(netuid),
            last_update: Vec::new(),
            block_at_registration: (0..n)
                .map(|uid| BlockAtRegistration::<T>::get(netuid, uid))
                .collect(),
            alpha_stake: per_uid(AlphaStake::<T>::get(netuid), nu),
            tao_stake: per_uid(TaoStake::<T>::get(netuid), nu),
            tao_weight: TaoWeight::<T>::get(),
            stake_threshold: StakeThreshold::<T>::get(),
            owner_uid: SubnetOwnerUid::<T>::get(netuid),
            validator_permit: ValidatorPermit::<T>::get(netuid),
            max_allowed_validators: MaxAllowedValidators::<T>::get(netuid),
            weights: Vec::new(),
            bonds: Vec::new(),
            kappa: Kappa::<T>::get(netuid),
            bonds_penalty: BondsPenalty::<T>::get(netuid),
            bonds_moving_average: BondsMovingAverage::<T>::get(netuid),
            yuma3_enabled: Yuma3On::<T>::get(netuid),
            liquid_alpha_enabled: LiquidAlphaOn::<T>::get(netuid),
            alpha_low,
            alpha_high,
            alpha_sigmoid_steepness: AlphaSigmoidSteepness::<T>::get(netuid),
            commit_reveal_enabled: CommitRevealWeightsEnabled::<T>::get(netuid),
            commit_blocks: Vec::new(),
            rao_emission: PendingEmission::<T>::get(netuid),
            spec_version,
            liquid_alpha_consensus_mode: LiquidAlphaConsensusMode::<T>::get(netuid).into(),
            previous_consensus: Vec::new(),
            last_yuma_step_block: LastYumaStepBlock::<T>::get(netuid),
            epoch_consensus: kind.into(),
            mining_budget: None,
            dividend_budget: None,
            fallback_budget: None,
        };
        let Some(count) = MechanismCountCurrent::<T>::get(netuid) else {
            Self::read_mechanism(&mut base, netuid, db);
            if let Some(b) = PendingEpochBudgets::<T>::get(netuid) {
                base.mining_budget = b.mining;
                base.dividend_budget = b.dividend;
                base.fallback_budget = b.fallback;
            }
            return Ok(SubnetInput::Single(base));
        };
        if count == 0 || count > MAX_MECHANISMS {
            return Err(Error::<T>::MechanismIndex);
        }
        let rao_emission = base.rao_emission;
        let budgets = PendingMechanismBudgets::<T>::get(netuid);
        let mut mechanisms = Vec::with_capacity(usize::from(count));
        for mecid in 0..count {
            let index = mechanism_index(netuid, mecid).ok_or(Error::<T>::MechanismIndex)?;
            // Every mechanism is a whole input: the subnet-level vectors are copied (see the
            // README's note on a borrowed input).
            let mut m = if mecid.saturating_add(1) == count {
                core::mem::take(&mut base)
            } else {
                base.clone()
            };
            Self::read_mechanism(&mut m, index, db);
            mechanisms.push(m);
        }
        Ok(SubnetInput::Mechanisms(MechanismsInput {
            rao_emission,
            emission_split: MechanismEmissionSplit::<T>::get(netuid),
            mechanisms,
            spec_version,
            epoch_consensus: Some(kind.into()),
            miner_budget: budgets.map(|b| b.miner),
            local_dividend_budget: budgets.map(|b| b.local_dividend),
            root_budget: budgets.map(|b| b.root),
        }))
    }

    /// Reads one mechanism's items (storage index `index`) into `input`.
    fn read_mechanism(input: &mut EpochInput, index: u16, db: &mut Accesses) {
        let n = usize::from(input.n);
        db.read(MECHANISM_READS);
        input.last_update = LastUpdate::<T>::get(index);
        input.commit_blocks = per_uid(CommitBlocks::<T>::get(index), n);
        input.previous_consensus = ConsensusByMechanism::<T>::get(index);
        input.weights = Self::rows(Weights::<T>::iter_prefix(index), n, db);
        input.bonds = Self::rows(Bonds::<T>::iter_prefix(index), n, db);
    }

    /// The `n` rows of a double map's prefix (absent rows empty, uids `>= n` skipped).
    fn rows(
        stored: impl Iterator<Item = (u16, SparseRowU16)>,
        n: usize,
        db: &mut Accesses,
    ) -> Vec<SparseRowU16> {
        let mut rows = Vec::new();
        rows.resize_with(n, Vec::new);
        for (uid, row) in stored {
            db.read(1);
            if let Some(slot) = rows.get_mut(usize::from(uid)) {
                *slot = row;
            }
        }
        rows
    }

    /// Writes one mechanism's outputs: incentive, the bond rows that changed from `before`
    /// (unless the epoch wrote none) and the stored consensus (spec ≥ 446).
    fn persist_mechanism(
        index: u16,
        before: &[SparseRowU16],
        out: &EpochOutput,
        db: &mut Accesses,
    ) {
        Incentive::<T>::insert(index, &out.incentive);
        db.write(1);
        if out.bonds_persisted != Some(false) {
            let empty = Vec::new();
            for (uid, row) in (0u16..).zip(&out.bonds) {
                let old = before.get(usize::from(uid)).unwrap_or(&empty);
                if row == old {
                    continue;
                }
                db.write(1);
                if row.is_empty() {
                    Bonds::<T>::remove(index, uid);
                } else {
                    Bonds::<T>::insert(index, uid, row);
                }
            }
        }
        if let Some(c) = &out.consensus_by_mechanism {
            ConsensusByMechanism::<T>::insert(index, c);
            db.write(1);
        }
    }

    /// Writes the subnet's per-uid outputs and what the next epoch reads: the new permits,
    /// this block as the last epoch's, and as the last Yuma epoch's after one that wrote
    /// bonds under the newer rules at a block above 0.
    fn persist_subnet(
        netuid: u16,
        block: u64,
        terms: SubnetTerms<'_>,
        bonds_persisted: Option<bool>,
    ) {
        Active::<T>::insert(netuid, terms.active);
        StakeWeight::<T>::insert(netuid, terms.stake_weight);
        Consensus::<T>::insert(netuid, terms.consensus);
        Dividends::<T>::insert(netuid, terms.dividends);
        ValidatorTrust::<T>::insert(netuid, terms.validator_trust);
        ValidatorPermit::<T>::insert(netuid, terms.new_validator_permit);
        Emission::<T>::insert(netuid, terms.emission);
        ServerEmission::<T>::insert(netuid, terms.server_emission);
        ValidatorEmission::<T>::insert(netuid, terms.validator_emission);
        if bonds_persisted == Some(true) && block > 0 {
            LastYumaStepBlock::<T>::insert(netuid, block);
        }
        LastMechanismStepBlock::<T>::insert(netuid, block);
    }

    /// Writes a snapshot into storage as `netuid`'s state — for genesis, tests and
    /// benchmarks. Its `spec_version` is not stored ([`Config::RulesSpec`] decides), nor
    /// its `current_block` (the epoch's block is the chain's).
    pub fn insert_subnet(netuid: u16, input: &EpochInput) -> Result<(), Error<T>> {
        Self::insert_subnet_items(netuid, input)?;
        MechanismCountCurrent::<T>::remove(netuid);
        MechanismEmissionSplit::<T>::remove(netuid);
        PendingMechanismBudgets::<T>::remove(netuid);
        PendingEmission::<T>::insert(netuid, input.rao_emission);
        let budgets = EpochBudgets {
            mining: input.mining_budget,
            dividend: input.dividend_budget,
            fallback: input.fallback_budget,
        };
        if budgets == EpochBudgets::default() {
            PendingEpochBudgets::<T>::remove(netuid);
        } else {
            PendingEpochBudgets::<T>::insert(netuid, budgets);
        }
        Self::insert_mechanism_items(netuid, input)
    }

    /// Writes a subnet with mechanisms: the subnet-level items from mechanism 0 (and the
    /// top-level `epoch_consensus` when given), each mechanism's own items at its index.
    pub fn insert_mechanisms(netuid: u16, input: &MechanismsInput) -> Result<(), Error<T>> {
        let first = input.mechanisms.first().ok_or(Error::<T>::MechanismIndex)?;
        let count = u8::try_from(input.mechanisms.len())
            .ok()
            .filter(|&c| c <= MAX_MECHANISMS)
            .ok_or(Error::<T>::MechanismIndex)?;
        let budgets = match (
            input.miner_budget,
            input.local_dividend_budget,
            input.root_budget,
        ) {
            (Some(miner), Some(local_dividend), Some(root)) => Some(MechanismBudgets {
                miner,
                local_dividend,
                root,
            }),
            (None, None, None) => None,
            _ => return Err(Error::<T>::PartialBudgets),
        };
        Self::insert_subnet_items(netuid, first)?;
        if let Some(kind) = input.epoch_consensus {
            SubnetEpochConsensus::<T>::insert(netuid, ConsensusKind::from(kind));
        }
        MechanismCountCurrent::<T>::insert(netuid, count);
        match &input.emission_split {
            Some(split) => MechanismEmissionSplit::<T>::insert(netuid, split),
            None => MechanismEmissionSplit::<T>::remove(netuid),
        }
        match budgets {
            Some(b) => PendingMechanismBudgets::<T>::insert(netuid, b),
            None => PendingMechanismBudgets::<T>::remove(netuid),
        }
        PendingEpochBudgets::<T>::remove(netuid);
        PendingEmission::<T>::insert(netuid, input.rao_emission);
        for (mecid, m) in (0u8..).zip(&input.mechanisms) {
            let index = mechanism_index(netuid, mecid).ok_or(Error::<T>::MechanismIndex)?;
            Self::insert_mechanism_items(index, m)?;
        }
        Ok(())
    }

    fn insert_subnet_items(netuid: u16, input: &EpochInput) -> Result<(), Error<T>> {
        let n = usize::from(input.n);
        if input.block_at_registration.len() != n {
            return Err(Error::<T>::InputLength);
        }
        Tempo::<T>::insert(netuid, input.tempo);
        SubnetworkN::<T>::insert(netuid, input.n);
        ActivityCutoff::<T>::insert(netuid, input.activity_cutoff);
        LastMechanismStepBlock::<T>::insert(netuid, input.last_mechanism_step_block);
        match input.last_yuma_step_block {
            Some(b) => LastYumaStepBlock::<T>::insert(netuid, b),
            None => LastYumaStepBlock::<T>::remove(netuid),
        }
        let _ = BlockAtRegistration::<T>::clear_prefix(netuid, u32::MAX, None);
        for (uid, b) in (0u16..).zip(&input.block_at_registration) {
            BlockAtRegistration::<T>::insert(netuid, uid, b);
        }
        AlphaStake::<T>::insert(netuid, &input.alpha_stake);
        TaoStake::<T>::insert(netuid, &input.tao_stake);
        TaoWeight::<T>::put(input.tao_weight);
        StakeThreshold::<T>::put(input.stake_threshold);
        match input.owner_uid {
            Some(uid) => SubnetOwnerUid::<T>::insert(netuid, uid),
            None => SubnetOwnerUid::<T>::remove(netuid),
        }
        ValidatorPermit::<T>::insert(netuid, &input.validator_permit);
        MaxAllowedValidators::<T>::insert(netuid, input.max_allowed_validators);
        Kappa::<T>::insert(netuid, input.kappa);
        BondsPenalty::<T>::insert(netuid, input.bonds_penalty);
        BondsMovingAverage::<T>::insert(netuid, input.bonds_moving_average);
        Yuma3On::<T>::insert(netuid, input.yuma3_enabled);
        LiquidAlphaOn::<T>::insert(netuid, input.liquid_alpha_enabled);
        AlphaValues::<T>::insert(netuid, (input.alpha_low, input.alpha_high));
        AlphaSigmoidSteepness::<T>::insert(netuid, input.alpha_sigmoid_steepness);
        CommitRevealWeightsEnabled::<T>::insert(netuid, input.commit_reveal_enabled);
        LiquidAlphaConsensusMode::<T>::insert(
            netuid,
            LiquidAlphaMode::from(input.liquid_alpha_consensus_mode),
        );
        SubnetEpochConsensus::<T>::insert(netuid, ConsensusKind::from(input.epoch_consensus));
        Ok(())
    }

    fn insert_mechanism_items(index: u16, input: &EpochInput) -> Result<(), Error<T>> {
        LastUpdate::<T>::insert(index, &input.last_update);
        CommitBlocks::<T>::insert(index, &input.commit_blocks);
        ConsensusByMechanism::<T>::insert(index, &input.previous_consensus);
        let _ = Weights::<T>::clear_prefix(index, u32::MAX, None);
        let _ = Bonds::<T>::clear_prefix(index, u32::MAX, None);
        for (rows, bonds) in [(&input.weights, false), (&input.bonds, true)] {
            for (uid, row) in rows.iter().enumerate() {
                let uid = u16::try_from(uid).map_err(|_| Error::<T>::InputLength)?;
                if row.is_empty() {
                    continue;
                }
                if bonds {
                    Bonds::<T>::insert(index, uid, row);
                } else {
                    Weights::<T>::insert(index, uid, row);
                }
            }
        }
        Ok(())
    }
}

/// The per-uid outputs stored per subnet: one epoch's, or the mechanisms' aggregate.
struct SubnetTerms<'a> {
    active: &'a Vec<bool>,
    stake_weight: &'a Vec<u16>,
    consensus: &'a Vec<u16>,
    dividends: &'a Vec<u16>,
    validator_trust: &'a Vec<u16>,
    new_validator_permit: &'a Vec<bool>,
    emission: &'a Vec<u64>,
    server_emission: &'a Vec<u64>,
    validator_emission: &'a Vec<u64>,
}

impl<'a> SubnetTerms<'a> {
    fn of_epoch(o: &'a EpochOutput) -> Self {
        SubnetTerms {
            active: &o.active,
            stake_weight: &o.stake_weight,
            consensus: &o.consensus,
            dividends: &o.dividends,
            validator_trust: &o.validator_trust,
            new_validator_permit: &o.new_validator_permit,
            emission: &o.emission,
            server_emission: &o.server_emission,
            validator_emission: &o.validator_emission,
        }
    }

    fn of_aggregate(o: &'a yuma::mechanisms::AggregatedOutput) -> Self {
        SubnetTerms {
            active: &o.active,
            stake_weight: &o.stake_weight,
            consensus: &o.consensus,
            dividends: &o.dividends,
            validator_trust: &o.validator_trust,
            new_validator_permit: &o.new_validator_permit,
            emission: &o.emission,
            server_emission: &o.server_emission,
            validator_emission: &o.validator_emission,
        }
    }
}

impl From<LiquidAlphaMode> for yuma::ConsensusMode {
    fn from(m: LiquidAlphaMode) -> Self {
        match m {
            LiquidAlphaMode::Current => yuma::ConsensusMode::Current,
            LiquidAlphaMode::Previous => yuma::ConsensusMode::Previous,
            LiquidAlphaMode::Auto => yuma::ConsensusMode::Auto,
        }
    }
}

impl From<yuma::ConsensusMode> for LiquidAlphaMode {
    fn from(m: yuma::ConsensusMode) -> Self {
        match m {
            yuma::ConsensusMode::Current => LiquidAlphaMode::Current,
            yuma::ConsensusMode::Previous => LiquidAlphaMode::Previous,
            yuma::ConsensusMode::Auto => LiquidAlphaMode::Auto,
        }
    }
}

impl From<ConsensusKind> for yuma::EpochConsensus {
    fn from(k: ConsensusKind) -> Self {
        match k {
            ConsensusKind::Yuma => yuma::EpochConsensus::Yuma,
            ConsensusKind::Null => yuma::EpochConsensus::Null,
        }
    }
}

impl From<yuma::EpochConsensus> for ConsensusKind {
    fn from(k: yuma::EpochConsensus) -> Self {
        match k {
            yuma::EpochConsensus::Yuma => ConsensusKind::Yuma,
            yuma::EpochConsensus::Null => ConsensusKind::Null,
        }
    }
}
