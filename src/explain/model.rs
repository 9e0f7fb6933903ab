//! The account as data: what `yuma explain` prints and the page charts, every figure the chain's
//! own (I32F32 values as raw bits).

use alloc::string::String;
use alloc::vec::Vec;

#[cfg(feature = "serde")]
use serde::Serialize;

/// How much of an account to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Print every term (default: the largest [`Options::top`], the rest as one sum).
    pub all: bool,
    /// Terms printed when not `all`.
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            all: false,
            top: 10,
        }
    }
}

/// One uid's epoch, figure by figure (I32F32 values as raw bits).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Explanation {
    /// The uid.
    pub uid: u16,
    /// Subnet size.
    pub n: u16,
    /// The epoch block.
    pub block: u64,
    /// The rules that ran (`spec 425 (…)`).
    pub rules: String,
    /// `Yuma 2`, `Yuma 3`, `Yuma 3, liquid alpha` or `Null`.
    pub consensus: String,
    /// Spec ≥ 446 with liquid alpha: which consensus its sigmoid read, and whether it ran.
    pub liquid_alpha: Option<String>,
    /// Whether the uid is the subnet owner's.
    pub owner: bool,
    /// The hyperparameters the epoch ran with, as one line.
    pub parameters: String,
    /// Stake, activity and permits.
    pub stake: StakeAccount,
    /// What it earned as a miner (Yuma), when it earned anything or received weights.
    pub miner: Option<MinerAccount>,
    /// What it earned as a validator (Yuma), when it holds a permit, set weights or has bonds.
    pub validator: Option<ValidatorAccount>,
    /// A Null epoch's account.
    pub null: Option<NullAccount>,
    /// The rao paid.
    pub emission: EmissionAccount,
    /// Where the account's own recomputation disagrees with the pipeline (never, if the account
    /// is right; a test checks it is empty on every vector).
    pub discrepancies: Vec<String>,
}

/// Stake, activity and permits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct StakeAccount {
    /// `alpha_stake` (rao).
    pub alpha_stake: u64,
    /// `tao_stake` (rao).
    pub tao_stake: u64,
    /// `tao_weight` as stored (of `u64::MAX`).
    pub tao_weight: u64,
    /// Total stake `alpha + tao × tao_weight` (rao).
    pub total_stake: u64,
    /// Below `stake_threshold` (so counted as 0), the owner excepted.
    pub below_threshold: bool,
    /// Normalized stake (bits).
    pub stake_weight: i64,
    /// As stored (`StakeWeight`).
    pub stake_weight_u16: u16,
    /// Active this epoch.
    pub active: bool,
    /// Its `last_update`.
    pub last_update: u64,
    /// The cutoff.
    pub activity_cutoff: u64,
    /// The block.
    pub current_block: u64,
    /// Stored permit.
    pub permit_before: bool,
    /// New permit.
    pub permit_after: bool,
    /// Active, permitted stake, normalized (bits).
    pub active_stake: i64,
}

/// One validator's contribution to a miner's rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct MinerTerm {
    /// The validator.
    pub validator: u16,
    /// Its active stake (bits).
    pub active_stake: i64,
    /// Its normalized weight on the miner (bits).
    pub weight: i64,
    /// That weight clipped at the miner's consensus (bits).
    pub clipped: i64,
    /// `active_stake × clipped` (bits).
    pub term: i64,
}

/// A miner's incentive.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct MinerAccount {
    /// Its consensus (bits), and as stored.
    pub consensus: i64,
    /// `Consensus` as stored.
    pub consensus_u16: u16,
    /// The quantile (`kappa`).
    pub kappa: u16,
    /// Per validator, largest term first.
    pub terms: Vec<MinerTerm>,
    /// `Σ terms`: the rank (bits).
    pub rank: i64,
    /// `Σ` over every uid of its rank (bits).
    pub rank_total: i64,
    /// `rank / rank_total` (bits).
    pub incentive: i64,
    /// As stored.
    pub incentive_u16: u16,
    /// Stake-weighted weight clipping removed: `Σ active_stake × (weight − clipped)` (bits).
    pub clipped_away: i64,
}

/// One miner's contribution to a validator's dividends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct DividendTerm {
    /// The miner.
    pub miner: u16,
    /// The validator's EMA bond on it normalized over validators (bits).
    pub bond: i64,
    /// The EMA bond as computed before that normalization (Yuma 3: a proportion; Yuma 2: as
    /// stored, column max-upscaled) (bits).
    pub ema_bond: i64,
    /// The miner's incentive (bits).
    pub incentive: i64,
    /// `bond × incentive` (bits).
    pub term: i64,
}

/// A validator's dividends.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct ValidatorAccount {
    /// Weights it set that count (after the masks).
    pub weights_set: usize,
    /// Validator trust (bits): `Σ` of its clipped weights.
    pub validator_trust: i64,
    /// As stored.
    pub validator_trust_u16: u16,
    /// Per miner, largest term first.
    pub terms: Vec<DividendTerm>,
    /// `Σ terms` (bits).
    pub bond_sum: i64,
    /// Yuma 3: the factor `active_stake` (bits).
    pub stake_factor: Option<i64>,
    /// The validator's raw dividend: `bond_sum` (Yuma 3: `× active_stake`) (bits).
    pub raw: i64,
    /// `Σ` over every validator of its raw dividend (bits).
    pub raw_total: i64,
    /// Validators with a raw dividend above 0.
    pub validators: usize,
    /// `raw / raw_total` (bits).
    pub dividends: i64,
    /// As stored.
    pub dividends_u16: u16,
    /// Its stored bond row after this epoch (`Bonds`).
    pub bonds_after: Vec<(u16, u16)>,
}

/// A Null epoch's account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct NullAccount {
    /// The sole validator.
    pub winner: Option<u16>,
    /// This uid's incentive share, and all of them.
    pub incentive_share: u64,
    /// `Σ` incentive shares.
    pub incentive_shares: u128,
    /// This uid's dividend share (raw I64F64 stake bits), and all of them.
    pub dividend_share: u128,
    /// `Σ` dividend shares.
    pub dividend_shares: u128,
    /// The miners' budget apportioned.
    pub miner_budget: u64,
    /// The validators' budget apportioned.
    pub validator_budget: u64,
    /// Incentive (bits).
    pub incentive: i64,
    /// Dividends (bits).
    pub dividends: i64,
}

/// The rao paid.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct EmissionAccount {
    /// Incentive (bits).
    pub incentive: i64,
    /// Dividends (bits).
    pub dividends: i64,
    /// `Σ` over uids of `incentive + dividends` (bits).
    pub emission_sum: i64,
    /// When that sum is 0: what the emission falls back to.
    pub fallback: Option<String>,
    /// `incentive / emission_sum` (bits).
    pub server_share: i64,
    /// `dividends / emission_sum` (bits; the fallback share when it applies).
    pub validator_share: i64,
    /// `(incentive + dividends) / emission_sum` (bits; the fallback share when it applies).
    pub share: i64,
    /// The epoch's emission.
    pub rao_emission: u64,
    /// Paid for incentive.
    pub server_emission: u64,
    /// Paid for dividends.
    pub validator_emission: u64,
    /// Paid in all (`Emission`).
    pub emission: u64,
}
