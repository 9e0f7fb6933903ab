//! The epoch's input, output and trace types, field for field as the golden vectors name them.
//!
//! With feature `serde` they (de)serialize with exactly the JSON names of the vector format; with
//! feature `codec` they are SCALE `Encode`/`Decode`.

use alloc::vec::Vec;

#[cfg(feature = "codec")]
use parity_scale_codec::{Decode, Encode};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// One stored sparse row: `(uid_j, value)` pairs, in stored order.
pub type SparseRowU16 = Vec<(u16, u16)>;

/// Everything `epoch_mechanism` reads for one subnet mechanism.
///
/// Per-uid vectors hold one entry per uid `0..n`, except `last_update` and `validator_permit`,
/// which are used as the chain stores them (a short `last_update` is padded with 0; a short
/// `validator_permit` means "no permit" for the missing uids, and an empty one is a special case).
///
/// With feature `codec` it is SCALE `Encode`/`Decode`. Decoding untrusted bytes is safe (every
/// length prefix is checked against the bytes left), but `weights` and `bonds` are vectors of
/// vectors: each empty row costs one byte on the wire and a 24-byte `Vec` in memory, so bound
/// the length of the bytes you accept, and check the decoded input with [`EpochInput::validate`]
/// before computing. (The types carry no `TypeInfo`/`MaxEncodedLen`: they are unbounded
/// snapshots, not storage items.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub struct EpochInput {
    /// Subnetwork size; uids are `0..n`.
    pub n: u16,
    /// Block the epoch runs at.
    pub current_block: u64,
    /// Subnet tempo.
    pub tempo: u16,
    /// Inactive if `last_update + activity_cutoff < current_block`.
    pub activity_cutoff: u64,
    /// Block of the previous epoch (0 = none; then `current_block - tempo` is used).
    pub last_mechanism_step_block: u64,
    /// Per uid, block of the last weight set.
    pub last_update: Vec<u64>,
    /// Per uid, block at registration (`n` entries).
    pub block_at_registration: Vec<u64>,
    /// Per uid inherited alpha stake (`n` entries).
    pub alpha_stake: Vec<u64>,
    /// Per uid root TAO stake (`n` entries).
    pub tao_stake: Vec<u64>,
    /// Raw chain value; the weight is `tao_weight / u64::MAX`.
    pub tao_weight: u64,
    /// Minimum total stake to keep a stake weight (the owner is exempt).
    pub stake_threshold: u64,
    /// The subnet owner's uid, if registered.
    pub owner_uid: Option<u16>,
    /// Validator permits as stored before the epoch.
    pub validator_permit: Vec<bool>,
    /// `k` for the new top-k permits.
    pub max_allowed_validators: u16,
    /// Weight rows as stored: `(uid_j, w)`, any order, may hold `uid_j >= n`.
    pub weights: Vec<SparseRowU16>,
    /// Bond rows as stored (Yuma 2: column max-upscaled; Yuma 3: proportions of `u16::MAX`).
    pub bonds: Vec<SparseRowU16>,
    /// Consensus quantile, fraction of `u16::MAX`.
    pub kappa: u16,
    /// Bonds penalty, fraction of `u16::MAX`.
    pub bonds_penalty: u16,
    /// Per million; EMA alpha = `1 - value / 1e6`.
    pub bonds_moving_average: u64,
    /// Yuma 3 bonds.
    pub yuma3_enabled: bool,
    /// Liquid alpha (Yuma 3 only).
    pub liquid_alpha_enabled: bool,
    /// Liquid alpha lower bound, fraction of `u16::MAX`.
    pub alpha_low: u16,
    /// Liquid alpha upper bound, fraction of `u16::MAX`.
    pub alpha_high: u16,
    /// Liquid alpha sigmoid steepness.
    pub alpha_sigmoid_steepness: i16,
    /// Commit-reveal weights.
    pub commit_reveal_enabled: bool,
    /// Per uid, block of the earliest still-active weight commit (`n` entries).
    pub commit_blocks: Vec<Option<u64>>,
    /// Emission to distribute this epoch, in rao.
    pub rao_emission: u64,
    /// The runtime that runs the epoch (`spec_version`; `None`: spec 425). It picks the rules
    /// ([`crate::runtime::Rules::for_spec`]); below 446 every field after this one is ignored.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub spec_version: Option<u32>,
    /// Which consensus liquid alpha's sigmoid reads (`LiquidAlphaConsensusMode[netuid]`,
    /// default `Auto`). Spec ≥ 446.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "ConsensusMode::is_auto")
    )]
    pub liquid_alpha_consensus_mode: ConsensusMode,
    /// The consensus the previous epoch stored for this mechanism (`ConsensusByMechanism`,
    /// `Vec<PerU16>` parts), any length; empty when nothing is stored. Spec ≥ 446.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub previous_consensus: Vec<u16>,
    /// `LastYumaStepBlock[netuid]`, when stored: the block of the last Yuma epoch (the bond
    /// cutoff is the block after it). Spec ≥ 446.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub last_yuma_step_block: Option<u64>,
    /// `SubnetEpochConsensus[netuid]`: Yuma (the default) or Null. Spec ≥ 446.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "EpochConsensus::is_yuma")
    )]
    pub epoch_consensus: EpochConsensus,
    /// Null consensus: what miners share (default `rao_emission − rao_emission / 2`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub mining_budget: Option<u64>,
    /// Null consensus: what validators share (default `rao_emission / 2`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub dividend_budget: Option<u64>,
    /// Null consensus: what miners share when no uid has stake (default `rao_emission`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub fallback_budget: Option<u64>,
}

/// `LiquidAlphaConsensusMode`: which consensus liquid alpha's sigmoid reads (spec ≥ 446).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "lowercase")
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub enum ConsensusMode {
    /// This epoch's consensus.
    Current,
    /// The stored consensus of the previous epoch (`previous_consensus`).
    Previous,
    /// The stored one when `bonds_penalty` is 65535, else this epoch's (the chain's default).
    #[default]
    Auto,
}

impl ConsensusMode {
    /// Whether this is the default, [`ConsensusMode::Auto`].
    pub fn is_auto(&self) -> bool {
        *self == ConsensusMode::Auto
    }
}

/// `EpochConsensus`: how a subnet's epoch distributes emission (spec ≥ 446).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "lowercase")
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub enum EpochConsensus {
    /// Yuma consensus (the default).
    #[default]
    Yuma,
    /// Null consensus: a sole validator, its raw weights, no consensus, trust or bonds.
    Null,
}

impl EpochConsensus {
    /// Whether this is the default, [`EpochConsensus::Yuma`].
    pub fn is_yuma(&self) -> bool {
        *self == EpochConsensus::Yuma
    }
}

/// What the chain stores after the epoch, per uid (every vector has `n` entries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub struct EpochOutput {
    /// Active this epoch.
    pub active: Vec<bool>,
    /// Total stake (alpha + tao · tao_weight), saturated to u64.
    pub stake: Vec<u64>,
    /// Normalized stake as a fraction of `u16::MAX`.
    pub stake_weight: Vec<u16>,
    /// Stake-weighted median of the weights each uid received.
    pub consensus: Vec<u16>,
    /// Normalized rank.
    pub incentive: Vec<u16>,
    /// Normalized dividends.
    pub dividends: Vec<u16>,
    /// Sum of a validator's clipped weights.
    pub validator_trust: Vec<u16>,
    /// Permits after the epoch.
    pub new_validator_permit: Vec<bool>,
    /// Rao paid for incentive.
    pub server_emission: Vec<u64>,
    /// Rao paid for dividends.
    pub validator_emission: Vec<u64>,
    /// Rao paid in total (normalized incentive + dividends).
    pub emission: Vec<u64>,
    /// The bond rows the chain stores after the epoch.
    pub bonds: Vec<SparseRowU16>,
    /// Spec ≥ 446: what the epoch writes to `ConsensusByMechanism` (`consensus`; zeros under
    /// Null) — the next epoch's `previous_consensus`. `None` under older rules.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub consensus_by_mechanism: Option<Vec<u16>>,
    /// Spec ≥ 446: whether the epoch writes `Bonds` (false under Null: the next epoch reads the
    /// input's bonds unchanged, and `bonds` holds `n` empty rows). `None` under older rules.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub bonds_persisted: Option<bool>,
}

impl EpochOutput {
    /// Server plus validator emission over all uids, in rao (summed in u128, so it cannot wrap).
    /// At most the epoch's `rao_emission`, unless the input overflows the chain's arithmetic (a
    /// total stake at or above 2⁶³ wraps its I64F64 stake sum), which the chain pays as is.
    ///
    /// ```
    /// let out = yuma::EpochOutput {
    ///     server_emission: vec![u64::MAX, 1],
    ///     validator_emission: vec![2, 0],
    ///     ..Default::default()
    /// };
    /// assert_eq!(out.total_paid(), u128::from(u64::MAX) + 3);
    /// ```
    pub fn total_paid(&self) -> u128 {
        self.server_emission
            .iter()
            .chain(&self.validator_emission)
            .fold(0u128, |a, &x| a.saturating_add(u128::from(x)))
    }
}

/// The epoch's intermediates, as raw bits: a Yuma epoch's or a Null epoch's.
///
/// With feature `serde` it is the golden vectors' `trace` object, whichever fields the
/// epoch's kind has (no tag).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize), serde(untagged))]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub enum EpochTrace {
    /// A Yuma epoch.
    Yuma(YumaTrace),
    /// A Null epoch (spec ≥ 446).
    Null(NullTrace),
}

impl Default for EpochTrace {
    fn default() -> Self {
        EpochTrace::Yuma(YumaTrace::default())
    }
}

impl EpochTrace {
    /// The Yuma trace, if this is one.
    pub fn yuma(&self) -> Option<&YumaTrace> {
        match self {
            EpochTrace::Yuma(t) => Some(t),
            EpochTrace::Null(_) => None,
        }
    }

    /// The Null trace, if this is one.
    pub fn null(&self) -> Option<&NullTrace> {
        match self {
            EpochTrace::Null(t) => Some(t),
            EpochTrace::Yuma(_) => None,
        }
    }

    /// Normalized stake (both kinds).
    pub fn stake(&self) -> &[i64] {
        match self {
            EpochTrace::Yuma(t) => &t.stake,
            EpochTrace::Null(t) => &t.stake,
        }
    }

    /// Active stake (both kinds).
    pub fn active_stake(&self) -> &[i64] {
        match self {
            EpochTrace::Yuma(t) => &t.active_stake,
            EpochTrace::Null(t) => &t.active_stake,
        }
    }

    /// Incentive (both kinds).
    pub fn incentive(&self) -> &[i64] {
        match self {
            EpochTrace::Yuma(t) => &t.incentive,
            EpochTrace::Null(t) => &t.incentive,
        }
    }

    /// Dividends (both kinds).
    pub fn dividends(&self) -> &[i64] {
        match self {
            EpochTrace::Yuma(t) => &t.dividends,
            EpochTrace::Null(t) => &t.dividends,
        }
    }
}

/// Raw I32F32 bits (`to_bits()`) of a Yuma epoch's intermediates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub struct YumaTrace {
    /// Normalized stake.
    pub stake: Vec<i64>,
    /// Active, permitted stake, normalized.
    pub active_stake: Vec<i64>,
    /// Weights after every mask and row normalization.
    pub weights_normalized: Vec<Vec<(u16, i64)>>,
    /// Consensus per uid.
    pub consensus: Vec<i64>,
    /// Weights clipped at consensus.
    pub clipped_weights: Vec<Vec<(u16, i64)>>,
    /// Validator trust.
    pub validator_trust: Vec<i64>,
    /// Incentive.
    pub incentive: Vec<i64>,
    /// Spec ≥ 446, Yuma 3 with liquid alpha: the consensus its sigmoid read (this epoch's or
    /// the stored previous one, per `liquid_alpha_consensus_mode`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub liquid_alpha_consensus: Option<Vec<i64>>,
    /// Spec ≥ 446, Yuma 3 with liquid alpha: whether the liquid alpha ran (the selected
    /// consensus is not all zero) or the fixed alpha did.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub liquid_alpha_applied: Option<bool>,
    /// Yuma 2: EMA bonds after column max-upscale; Yuma 3: the EMA result.
    pub ema_bonds: Vec<Vec<(u16, i64)>>,
    /// Dividends.
    pub dividends: Vec<i64>,
}

/// A Null epoch's intermediates (spec ≥ 446).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub struct NullTrace {
    /// Normalized stake (I32F32 bits).
    pub stake: Vec<i64>,
    /// The sole validator: the first uid with the largest total stake (`None` when `n = 0`).
    pub null_winner: Option<u16>,
    /// Active, permitted stake, normalized (I32F32 bits).
    pub active_stake: Vec<i64>,
    /// The winner's row after the masks, unnormalized (I32F32 bits of the u16 weights).
    pub weights_masked: Vec<Vec<(u16, i64)>>,
    /// Incentive (I32F32 bits).
    pub incentive: Vec<i64>,
    /// Each uid's share of the miner budget (its masked weight; all 1 when every share is 0).
    pub incentive_shares: Vec<u64>,
    /// Each uid's share of the validator budget: its total stake's raw I64F64 bits (0 when not
    /// positive). JSON: decimal strings.
    #[cfg_attr(feature = "serde", serde(with = "u128_strings"))]
    pub dividend_shares: Vec<u128>,
    /// The budgets apportioned, after the no-validator rule.
    pub null_budgets: NullBudgets,
    /// Dividends (I32F32 bits).
    pub dividends: Vec<i64>,
}

/// What a Null epoch paid out in all: miners and validators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub struct NullBudgets {
    /// Apportioned by incentive share.
    pub miner_budget: u64,
    /// Apportioned by dividend share.
    pub validator_budget: u64,
}

/// `Vec<u128>` as JSON strings of decimal digits (JSON numbers stop being exact past 2⁶⁴ in most
/// readers).
#[cfg(feature = "serde")]
mod u128_strings {
    use alloc::string::String;
    use alloc::vec::Vec;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u128], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|x| alloc::format!("{x}")))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u128>, D::Error> {
        let strings: Vec<String> = Vec::deserialize(d)?;
        strings
            .iter()
            .map(|t| {
                t.parse::<u128>()
                    .map_err(|_| D::Error::custom(alloc::format!("`{t}` is not a u128 in decimal")))
            })
            .collect()
    }
}

/// Bounds that keep a hostile input from costing unbounded memory or time. [`crate::epoch_into`]
/// applies its workspace's limits ([`Limits::DEFAULT`] unless changed).
///
/// ```
/// let input = yuma::EpochInput {
///     n: 1,
///     block_at_registration: vec![0],
///     alpha_stake: vec![1],
///     tao_stake: vec![0],
///     commit_blocks: vec![None],
///     weights: vec![vec![(0, 1), (0, 2)]],
///     ..Default::default()
/// };
/// let mut ws = yuma::Workspace::new();
/// ws.limits = yuma::Limits { max_entries: 1 };
/// let mut out = yuma::EpochOutput::default();
/// let err = yuma::epoch_into(&input, &mut ws, &mut out).unwrap_err();
/// assert!(matches!(err, yuma::Error::TooManyEntries { limit: 1, found: 2 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most `(uid, value)` pairs allowed across all weight and bond rows together.
    pub max_entries: usize,
}

impl Limits {
    /// The default: 33,554,432 stored weight and bond entries in total — full 4096 × 4096
    /// weights and full 4096 × 4096 bonds, the most a 4096-uid subnet can hold. (Measured at that
    /// size: `yuma bench` peaks at 1.7 GB resident, the 420 MB file and the parsed input included.)
    pub const DEFAULT: Limits = Limits {
        max_entries: 1 << 25,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

impl EpochInput {
    /// The rules this input's epoch runs under: by its `spec_version`, or by `assume_spec`
    /// when given (see [`crate::runtime::Rules::for_spec`]).
    ///
    /// ```
    /// let input = yuma::EpochInput { spec_version: Some(475), ..Default::default() };
    /// assert_eq!(input.rules(None)?, yuma::runtime::Rules::Spec475);
    /// # Ok::<(), yuma::Error>(())
    /// ```
    pub fn rules(&self, assume_spec: Option<u32>) -> Result<crate::runtime::Rules, crate::Error> {
        crate::runtime::Rules::for_spec(self.spec_version, assume_spec)
    }

    /// The `(uid, value)` entries of every weight and bond row (rows beyond `n` included): what
    /// [`Limits::max_entries`] bounds.
    pub fn stored_entries(&self) -> usize {
        let all = |rows: &[SparseRowU16]| stored_entries(rows, usize::MAX);
        all(&self.weights).saturating_add(all(&self.bonds))
    }

    /// Checks the input against what the chain can hold and against `limits`.
    ///
    /// `block_at_registration`, `alpha_stake`, `tao_stake` and `commit_blocks` must hold `n`
    /// entries; weight and bond rows beyond `n` are ignored (as the chain ignores them) but count
    /// toward `limits.max_entries`.
    pub fn validate(&self, limits: &Limits) -> Result<(), crate::Error> {
        let n = usize::from(self.n);
        let per_uid: [(&'static str, usize); 4] = [
            ("block_at_registration", self.block_at_registration.len()),
            ("alpha_stake", self.alpha_stake.len()),
            ("tao_stake", self.tao_stake.len()),
            ("commit_blocks", self.commit_blocks.len()),
        ];
        for (field, found) in per_uid {
            if found != n {
                return Err(crate::Error::Length {
                    field,
                    expected: n,
                    found,
                });
            }
        }
        let entries = self.stored_entries();
        if entries > limits.max_entries {
            return Err(crate::Error::TooManyEntries {
                limit: limits.max_entries,
                found: entries,
            });
        }
        Ok(())
    }
}

/// Number of stored entries in the first `n` rows of an input matrix (the room a rebuild needs;
/// `usize::MAX` counts every row).
pub(crate) fn stored_entries(rows: &[SparseRowU16], n: usize) -> usize {
    rows.iter()
        .take(n)
        .fold(0usize, |a, r| a.saturating_add(r.len()))
}
