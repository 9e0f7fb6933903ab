//! # pallet-yuma — the `yuma` epoch inside a FRAME runtime
//!
//! An example pallet that keeps a subnet's epoch state in storage shaped like subtensor's —
//! per-uid vectors keyed by `netuid` (or by the mechanism's storage index), double maps of
//! weight and bond rows keyed `(index, uid) → Vec<(u16, u16)>` — and, from `on_initialize`, runs
//! the epoch of every subnet due at that block: it builds the crate's input from storage
//! ([`Pallet::epoch_input`]), computes it through one reused [`yuma::Workspace`], and writes the
//! outputs back ([`Pallet::run_epoch`]), the way subtensor's coinbase calls its epoch.
//!
//! * A subnet exists when its [`Tempo`] is stored; its epoch is due at `block` when
//!   `(block + netuid + 1) % (tempo + 1) == 0`, and never with tempo 0 (subtensor's schedule).
//! * Without [`MechanismCountCurrent`] a subnet runs one epoch (`epoch_mechanism`,
//!   [`yuma::epoch_into`]); with it, every mechanism through `epoch_with_mechanisms`
//!   ([`yuma::mechanisms::epoch_with_mechanisms_into`]). Per-mechanism items are keyed by
//!   `netuid + mechanism · 4096` ([`mechanism_index`]), like subtensor's `NetUidStorageIndex`.
//! * [`Config::RulesSpec`] names the runtime whose epoch rules are computed ([`yuma::runtime`]).
//! * Errors are values: a subnet whose epoch cannot be computed is skipped, its state left as it
//!   was, and [`Event::EpochFailed`] says why.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod epoch;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use epoch::{is_epoch_block, mechanism_index, Buffers, SubnetInput};
pub use weights::WeightInfo;

/// Subnets a mechanism storage index can address (subtensor's `GLOBAL_MAX_SUBNET_COUNT`).
pub const GLOBAL_MAX_SUBNET_COUNT: u16 = 4096;

/// Most mechanisms a subnet can have here (`GLOBAL_MAX_SUBNET_COUNT · 16 = 65536` indices).
pub const MAX_MECHANISMS: u8 = 16;

#[frame_support::pallet]
pub mod pallet {
    use alloc::vec::Vec;

    use frame_support::pallet_prelude::*;
    use frame_system::pallet_prelude::*;
    use sp_runtime::SaturatedConversion;
    use yuma::SparseRowU16;

    use crate::WeightInfo;

    #[pallet::pallet]
    // Per-uid vectors and rows are unbounded, as in subtensor.
    #[pallet::without_storage_info]
    pub struct Pallet<T>(_);

    /// The pallet's configuration.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// The runtime spec whose epoch rules are computed (`None`: spec 425; `Some(475)`: the
        /// newer rules). A runtime names the rules it implements here — its own
        /// `VERSION.spec_version` only if the crate reproduces that spec.
        type RulesSpec: Get<Option<u32>>;
        /// Measured weights ([`crate::weights`]).
        type WeightInfo: WeightInfo;
    }

    /// `LiquidAlphaConsensusMode`: which consensus liquid alpha's sigmoid reads (spec ≥ 446).
    #[derive(
        Encode,
        Decode,
        DecodeWithMemTracking,
        TypeInfo,
        MaxEncodedLen,
        Clone,
        Copy,
        PartialEq,
        Eq,
        Debug,
        Default,
    )]
    pub enum LiquidAlphaMode {
        /// This epoch's consensus.
        Current,
        /// The stored `ConsensusByMechanism` of the previous epoch.
        Previous,
        /// The stored one when `bonds_penalty` is 65535, else this epoch's.
        #[default]
        Auto,
    }

    /// `SubnetEpochConsensus`: how the subnet's epoch distributes emission (spec ≥ 446).
    #[derive(
        Encode,
        Decode,
        DecodeWithMemTracking,
        TypeInfo,
        MaxEncodedLen,
        Clone,
        Copy,
        PartialEq,
        Eq,
        Debug,
        Default,
    )]
    pub enum ConsensusKind {
        /// Yuma consensus.
        #[default]
        Yuma,
        /// Null consensus: a sole validator, its raw weights.
        Null,
    }

    /// What a single-mechanism subnet's Null epoch pays (`epoch_mechanism_with_budgets`'s
    /// arguments); each absent one takes its default from the pending emission.
    #[derive(
        Encode,
        Decode,
        DecodeWithMemTracking,
        TypeInfo,
        MaxEncodedLen,
        Clone,
        Copy,
        PartialEq,
        Eq,
        Debug,
        Default,
    )]
    pub struct EpochBudgets {
        /// Miners' budget when some uid has stake.
        pub mining: Option<u64>,
        /// Validators' budget when some uid has stake.
        pub dividend: Option<u64>,
        /// Miners' budget when no uid has stake.
        pub fallback: Option<u64>,
    }

    /// The coinbase's budgets for a subnet with mechanisms (`epoch_with_mechanism_budgets`,
    /// spec ≥ 446): pending server, validator and root alpha.
    #[derive(
        Encode,
        Decode,
        DecodeWithMemTracking,
        TypeInfo,
        MaxEncodedLen,
        Clone,
        Copy,
        PartialEq,
        Eq,
        Debug,
        Default,
    )]
    pub struct MechanismBudgets {
        /// Miners' budget.
        pub miner: u64,
        /// Local dividends' budget.
        pub local_dividend: u64,
        /// Root dividends' budget (never paid to miners).
        pub root: u64,
    }

    /// Default kappa: one half.
    #[pallet::type_value]
    pub fn DefaultKappa() -> u16 {
        32_767
    }
    /// Default activity cutoff, in blocks.
    #[pallet::type_value]
    pub fn DefaultActivityCutoff() -> u64 {
        5_000
    }
    /// Default bonds moving average, per million.
    #[pallet::type_value]
    pub fn DefaultBondsMovingAverage() -> u64 {
        900_000
    }
    /// Default number of validator permits.
    #[pallet::type_value]
    pub fn DefaultMaxAllowedValidators() -> u16 {
        128
    }
    /// Default liquid alpha bounds (0.7, 0.9 of `u16::MAX`).
    #[pallet::type_value]
    pub fn DefaultAlphaValues() -> (u16, u16) {
        (45_875, 58_982)
    }

    // ---- Subnet-level inputs (keyed by netuid) ----

    /// A subnet's tempo; a subnet exists when this is stored.
    #[pallet::storage]
    pub type Tempo<T> = StorageMap<_, Twox64Concat, u16, u16, OptionQuery>;
    /// Registered uids: `0..n`.
    #[pallet::storage]
    pub type SubnetworkN<T> = StorageMap<_, Twox64Concat, u16, u16, ValueQuery>;
    /// Blocks after a uid's last weights at which it counts as inactive.
    #[pallet::storage]
    pub type ActivityCutoff<T> =
        StorageMap<_, Twox64Concat, u16, u64, ValueQuery, DefaultActivityCutoff>;
    /// Block of the subnet's previous epoch (0: none).
    #[pallet::storage]
    pub type LastMechanismStepBlock<T> = StorageMap<_, Twox64Concat, u16, u64, ValueQuery>;
    /// Block of the last Yuma epoch (spec ≥ 446: the bond cutoff is the block after it).
    #[pallet::storage]
    pub type LastYumaStepBlock<T> = StorageMap<_, Twox64Concat, u16, u64, OptionQuery>;
    /// Per uid, block at registration.
    #[pallet::storage]
    pub type BlockAtRegistration<T> =
        StorageDoubleMap<_, Twox64Concat, u16, Twox64Concat, u16, u64, ValueQuery>;
    /// Per uid alpha stake (what a runtime gathers from its staking pallet; missing entries: 0).
    #[pallet::storage]
    pub type AlphaStake<T> = StorageMap<_, Twox64Concat, u16, Vec<u64>, ValueQuery>;
    /// Per uid root TAO stake (missing entries: 0).
    #[pallet::storage]
    pub type TaoStake<T> = StorageMap<_, Twox64Concat, u16, Vec<u64>, ValueQuery>;
    /// Weight of TAO stake, as a fraction of `u64::MAX`.
    #[pallet::storage]
    pub type TaoWeight<T> = StorageValue<_, u64, ValueQuery>;
    /// Minimum total stake to keep a stake weight (the owner is exempt).
    #[pallet::storage]
    pub type StakeThreshold<T> = StorageValue<_, u64, ValueQuery>;
    /// The subnet owner's uid, if registered.
    #[pallet::storage]
    pub type SubnetOwnerUid<T> = StorageMap<_, Twox64Concat, u16, u16, OptionQuery>;
    /// Validator permits, per uid (written back after every epoch).
    #[pallet::storage]
    pub type ValidatorPermit<T> = StorageMap<_, Twox64Concat, u16, Vec<bool>, ValueQuery>;
    /// `k` of the top-k validator permits.
    #[pallet::storage]
    pub type MaxAllowedValidators<T> =
        StorageMap<_, Twox64Concat, u16, u16, ValueQuery, DefaultMaxAllowedValidators>;
    /// Consensus quantile, fraction of `u16::MAX`.
    #[pallet::storage]
    pub type Kappa<T> = StorageMap<_, Twox64Concat, u16, u16, ValueQuery, DefaultKappa>;
    /// Bonds penalty, fraction of `u16::MAX`.
    #[pallet::storage]
    pub type BondsPenalty<T> = StorageMap<_, Twox64Concat, u16, u16, ValueQuery>;
    /// Bonds moving average, per million.
    #[pallet::storage]
    pub type BondsMovingAverage<T> =
        StorageMap<_, Twox64Concat, u16, u64, ValueQuery, DefaultBondsMovingAverage>;
    /// Yuma 3 bonds.
    #[pallet::storage]
    pub type Yuma3On<T> = StorageMap<_, Twox64Concat, u16, bool, ValueQuery>;
    /// Liquid alpha (Yuma 3).
    #[pallet::storage]
    pub type LiquidAlphaOn<T> = StorageMap<_, Twox64Concat, u16, bool, ValueQuery>;
    /// Liquid alpha bounds `(low, high)`, fractions of `u16::MAX`.
    #[pallet::storage]
    pub type AlphaValues<T> =
        StorageMap<_, Twox64Concat, u16, (u16, u16), ValueQuery, DefaultAlphaValues>;
    /// Liquid alpha sigmoid steepness.
    #[pallet::storage]
    pub type AlphaSigmoidSteepness<T> = StorageMap<_, Twox64Concat, u16, i16, ValueQuery>;
    /// Which consensus liquid alpha reads (spec ≥ 446).
    #[pallet::storage]
    pub type LiquidAlphaConsensusMode<T> =
        StorageMap<_, Twox64Concat, u16, LiquidAlphaMode, ValueQuery>;
    /// Commit-reveal weights.
    #[pallet::storage]
    pub type CommitRevealWeightsEnabled<T> = StorageMap<_, Twox64Concat, u16, bool, ValueQuery>;
    /// Yuma or Null consensus (spec ≥ 446).
    #[pallet::storage]
    pub type SubnetEpochConsensus<T> = StorageMap<_, Twox64Concat, u16, ConsensusKind, ValueQuery>;
    /// Emission waiting for the next epoch, in rao (taken by the epoch).
    #[pallet::storage]
    pub type PendingEmission<T> = StorageMap<_, Twox64Concat, u16, u64, ValueQuery>;
    /// A single-mechanism subnet's Null budgets for the next epoch (taken by the epoch).
    #[pallet::storage]
    pub type PendingEpochBudgets<T> = StorageMap<_, Twox64Concat, u16, EpochBudgets, OptionQuery>;
    /// Mechanisms of the subnet; absent: one `epoch_mechanism`, no split.
    #[pallet::storage]
    pub type MechanismCountCurrent<T> = StorageMap<_, Twox64Concat, u16, u8, OptionQuery>;
    /// Shares of `u16::MAX` per mechanism; absent: an even split.
    #[pallet::storage]
    pub type MechanismEmissionSplit<T> = StorageMap<_, Twox64Concat, u16, Vec<u16>, OptionQuery>;
    /// The coinbase's budgets for a subnet with mechanisms (taken by the epoch).
    #[pallet::storage]
    pub type PendingMechanismBudgets<T> =
        StorageMap<_, Twox64Concat, u16, MechanismBudgets, OptionQuery>;

    // ---- Per-mechanism items (keyed by the mechanism storage index) ----

    /// Per uid, block of the last weights.
    #[pallet::storage]
    pub type LastUpdate<T> = StorageMap<_, Twox64Concat, u16, Vec<u64>, ValueQuery>;
    /// Per uid, block of the earliest still-active weight commit (missing entries: none).
    #[pallet::storage]
    pub type CommitBlocks<T> = StorageMap<_, Twox64Concat, u16, Vec<Option<u64>>, ValueQuery>;
    /// Weight rows `(index, uid) → [(uid_j, w)]`.
    #[pallet::storage]
    pub type Weights<T> =
        StorageDoubleMap<_, Twox64Concat, u16, Twox64Concat, u16, SparseRowU16, ValueQuery>;
    /// Bond rows `(index, uid) → [(uid_j, b)]` (written back after every Yuma epoch).
    #[pallet::storage]
    pub type Bonds<T> =
        StorageDoubleMap<_, Twox64Concat, u16, Twox64Concat, u16, SparseRowU16, ValueQuery>;
    /// The consensus each epoch stores for its mechanism (spec ≥ 446), read back by the next.
    #[pallet::storage]
    pub type ConsensusByMechanism<T> = StorageMap<_, Twox64Concat, u16, Vec<u16>, ValueQuery>;

    // ---- Outputs ----

    /// Per mechanism, incentive.
    #[pallet::storage]
    pub type Incentive<T> = StorageMap<_, Twox64Concat, u16, Vec<u16>, ValueQuery>;
    /// Per uid, active this epoch (any mechanism).
    #[pallet::storage]
    pub type Active<T> = StorageMap<_, Twox64Concat, u16, Vec<bool>, ValueQuery>;
    /// Per uid, normalized stake.
    #[pallet::storage]
    pub type StakeWeight<T> = StorageMap<_, Twox64Concat, u16, Vec<u16>, ValueQuery>;
    /// Per uid consensus (mechanisms: split-weighted).
    #[pallet::storage]
    pub type Consensus<T> = StorageMap<_, Twox64Concat, u16, Vec<u16>, ValueQuery>;
    /// Per uid dividends (mechanisms: split-weighted).
    #[pallet::storage]
    pub type Dividends<T> = StorageMap<_, Twox64Concat, u16, Vec<u16>, ValueQuery>;
    /// Per uid validator trust (mechanisms: split-weighted).
    #[pallet::storage]
    pub type ValidatorTrust<T> = StorageMap<_, Twox64Concat, u16, Vec<u16>, ValueQuery>;
    /// Per uid emission (mechanisms: split-weighted).
    #[pallet::storage]
    pub type Emission<T> = StorageMap<_, Twox64Concat, u16, Vec<u64>, ValueQuery>;
    /// Per uid rao earned as a miner in the last epoch (for the coinbase to credit).
    #[pallet::storage]
    pub type ServerEmission<T> = StorageMap<_, Twox64Concat, u16, Vec<u64>, ValueQuery>;
    /// Per uid rao earned as a validator in the last epoch (for the coinbase to credit).
    #[pallet::storage]
    pub type ValidatorEmission<T> = StorageMap<_, Twox64Concat, u16, Vec<u64>, ValueQuery>;

    /// The pallet's events.
    #[pallet::event]
    #[pallet::generate_deposit(pub(crate) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A subnet's epoch ran and its outputs are stored.
        EpochRan {
            /// The subnet.
            netuid: u16,
            /// The runtime spec whose rules ran (425 or 475).
            rules: u32,
            /// Mechanisms run (1 without mechanisms).
            mechanisms: u8,
            /// Emission per mechanism (without mechanisms: the pending emission).
            split: Vec<u64>,
        },
        /// A subnet's epoch could not be computed; its state is unchanged.
        EpochFailed {
            /// The subnet.
            netuid: u16,
            /// Why.
            error: DispatchError,
        },
    }

    /// Why an epoch could not be computed.
    #[pallet::error]
    pub enum Error<T> {
        /// No stored tempo: the subnet does not exist.
        SubnetNotFound,
        /// The mechanism count is 0 or above [`crate::MAX_MECHANISMS`], or the netuid is too large to
        /// index mechanisms.
        MechanismIndex,
        /// The mechanism budgets are given only in part.
        PartialBudgets,
        /// A per-uid vector has the wrong length or a snapshot has more rows than uids.
        InputLength,
        /// More stored weight and bond entries, or a larger input, than the crate's limits allow.
        InputTooLarge,
        /// The mechanisms disagree on subnet-level items, or their split or count is malformed.
        InconsistentMechanisms,
        /// [`Config::RulesSpec`] names a runtime the crate does not reproduce.
        UnsupportedRuntime,
        /// The epoch failed otherwise.
        EpochFailed,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Runs the epoch of every subnet due at this block, all through one workspace.
        fn on_initialize(now: BlockNumberFor<T>) -> Weight {
            Self::run_due_epochs(now.saturated_into())
        }
    }
}
