//! The storage items one epoch reads and writes: their keys (pallet `SubtensorModule`), the
//! type their values decode as, and their defaults (`ValueQuery` items read as the default when
//! the key is absent; `OptionQuery` ones as absent).
//!
//! Hashers and types follow the declarations in `pallets/subtensor/src/lib.rs` (14bc6f9f; the
//! newer items as the 02214123 code reads them); `docs/chain.md` tabulates them with the source
//! line of each declaration.

use alloc::vec::Vec;

use super::keys::{Hasher, StorageKey};

/// The pallet's name in `construct_runtime!` (index 7).
pub const PALLET: &str = "SubtensorModule";

/// The root subnet.
pub const ROOT: u16 = 0;

/// Mechanism storage index: `mechid · 4096 + netuid` (`get_mechanism_storage_index`).
pub fn mechanism_index(netuid: u16, mechanism: u8) -> u16 {
    u16::from(mechanism)
        .saturating_mul(4096)
        .saturating_add(netuid)
}

fn value(item: &str) -> StorageKey {
    StorageKey::value(PALLET, item)
}

/// A map keyed by a `u16` (netuid or storage index) with `hasher`.
fn by_u16(item: &str, hasher: Hasher, k: u16) -> StorageKey {
    StorageKey::map(PALLET, item, &[(hasher, &k.to_le_bytes())])
}

/// A double map `(u16 [Identity], u16 [Identity])`.
fn by_u16_u16(item: &str, a: u16, b: u16) -> StorageKey {
    StorageKey::map(
        PALLET,
        item,
        &[
            (Hasher::Identity, &a.to_le_bytes()),
            (Hasher::Identity, &b.to_le_bytes()),
        ],
    )
}

/// A double map `(AccountId [Blake2_128Concat], netuid [Identity])`.
fn by_account_netuid(item: &str, account: &[u8; 32], netuid: u16) -> StorageKey {
    StorageKey::map(
        PALLET,
        item,
        &[
            (Hasher::Blake2_128Concat, account),
            (Hasher::Identity, &netuid.to_le_bytes()),
        ],
    )
}

macro_rules! netuid_items {
    ($($(#[$doc:meta])* $fn:ident => $name:literal, $hasher:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $fn(netuid: u16) -> StorageKey {
                by_u16($name, Hasher::$hasher, netuid)
            }
        )*
    };
}

netuid_items! {
    /// `SubnetworkN[netuid]: u16` (default 0).
    subnetwork_n => "SubnetworkN", Identity;
    /// `NetworksAdded[netuid]: bool` (default false): whether the subnet exists.
    networks_added => "NetworksAdded", Identity;
    /// `Tempo[netuid]: u16` (default 360).
    tempo => "Tempo", Identity;
    /// `ActivityCutoffFactorMilli[netuid]: u32` (default 13 889): the cutoff in thousandths of
    /// a tempo.
    activity_cutoff_factor_milli => "ActivityCutoffFactorMilli", Identity;
    /// `LastMechansimStepBlock[netuid]: u64` (default 0; the chain's spelling).
    last_mechanism_step_block => "LastMechansimStepBlock", Identity;
    /// `SubnetOwnerHotkey[netuid]: AccountId32` (`ValueQuery`, but absence means no owner).
    subnet_owner_hotkey => "SubnetOwnerHotkey", Identity;
    /// `ValidatorPermit[netuid]: Vec<bool>` (default []).
    validator_permit => "ValidatorPermit", Identity;
    /// `MaxAllowedValidators[netuid]: u16` (default 128).
    max_allowed_validators => "MaxAllowedValidators", Identity;
    /// `Kappa[netuid]: u16` (default 32 767).
    kappa => "Kappa", Identity;
    /// `BondsPenalty[netuid]: u16` (default 65 535).
    bonds_penalty => "BondsPenalty", Identity;
    /// `BondsMovingAverage[netuid]: u64` (default 900 000).
    bonds_moving_average => "BondsMovingAverage", Identity;
    /// `Yuma3On[netuid]: bool` (default false; Blake2_128Concat).
    yuma3_on => "Yuma3On", Blake2_128Concat;
    /// `LiquidAlphaOn[netuid]: bool` (default false; Blake2_128Concat).
    liquid_alpha_on => "LiquidAlphaOn", Blake2_128Concat;
    /// `AlphaValues[netuid]: (u16, u16)` (default (45 875, 58 982)).
    alpha_values => "AlphaValues", Identity;
    /// `AlphaSigmoidSteepness[netuid]: i16` (default 1000).
    alpha_sigmoid_steepness => "AlphaSigmoidSteepness", Identity;
    /// `CommitRevealWeightsEnabled[netuid]: bool` (default **true**).
    commit_reveal_weights_enabled => "CommitRevealWeightsEnabled", Identity;
    /// `RevealPeriodEpochs[netuid]: u64` (default 1; Twox64Concat).
    reveal_period_epochs => "RevealPeriodEpochs", Twox64Concat;
    /// `SubnetEpochIndex[netuid]: u64` (default 0): the epoch counter commit expiry uses.
    subnet_epoch_index => "SubnetEpochIndex", Identity;
    /// `MechanismCountCurrent[netuid]: u8` (default 1; Twox64Concat).
    mechanism_count_current => "MechanismCountCurrent", Twox64Concat;
    /// `MechanismEmissionSplit[netuid]: Vec<u16>` (`OptionQuery`; Twox64Concat).
    mechanism_emission_split => "MechanismEmissionSplit", Twox64Concat;
    /// `PendingServerEmission[netuid]: u64` (default 0).
    pending_server_emission => "PendingServerEmission", Identity;
    /// `PendingValidatorEmission[netuid]: u64` (default 0).
    pending_validator_emission => "PendingValidatorEmission", Identity;
    /// `PendingRootAlphaDivs[netuid]: u64` (default 0).
    pending_root_alpha_divs => "PendingRootAlphaDivs", Identity;
    /// `SubnetAlphaOutEmission[netuid]: u64` (default 0): alpha issued to the subnet in the
    /// latest block.
    subnet_alpha_out_emission => "SubnetAlphaOutEmission", Identity;
    /// `OwnerCutEnabled[netuid]: bool` (default true).
    owner_cut_enabled => "OwnerCutEnabled", Identity;
    /// `Active[netuid]: Vec<bool>` (the epoch's result).
    active => "Active", Identity;
    /// `Emission[netuid]: Vec<u64>` (the epoch's result).
    emission => "Emission", Identity;
    /// `Consensus[netuid]: Vec<u16>` (`Vec<PerU16>` newer: the same bytes).
    consensus => "Consensus", Identity;
    /// `Dividends[netuid]: Vec<u16>`.
    dividends => "Dividends", Identity;
    /// `ValidatorTrust[netuid]: Vec<u16>`.
    validator_trust => "ValidatorTrust", Identity;
    /// `StakeWeight[netuid]: Vec<u16>`.
    stake_weight => "StakeWeight", Identity;
    /// `LiquidAlphaConsensusMode[netuid]: ConsensusMode` (spec ≥ 446; default `Auto`).
    liquid_alpha_consensus_mode => "LiquidAlphaConsensusMode", Identity;
    /// `LastYumaStepBlock[netuid]: u64` (spec ≥ 446; `OptionQuery`).
    last_yuma_step_block => "LastYumaStepBlock", Identity;
    /// `SubnetEpochConsensus[netuid]: EpochConsensus` (spec ≥ 446; default `Yuma`).
    subnet_epoch_consensus => "SubnetEpochConsensus", Identity;
}

/// `TaoWeight: u64` (default 971 718 665 099 567 868).
pub fn tao_weight() -> StorageKey {
    value("TaoWeight")
}

/// `StakeThreshold: u64` (default 0).
pub fn stake_threshold() -> StorageKey {
    value("StakeThreshold")
}

/// `SubnetOwnerCut: u16` (default 11 796).
pub fn subnet_owner_cut() -> StorageKey {
    value("SubnetOwnerCut")
}

macro_rules! index_items {
    ($($(#[$doc:meta])* $fn:ident => $name:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $fn(index: u16) -> StorageKey {
                by_u16($name, Hasher::Identity, index)
            }
        )*
    };
}

index_items! {
    /// `LastUpdate[index]: Vec<u64>` (default []).
    last_update => "LastUpdate";
    /// `Incentive[index]: Vec<u16>` (the epoch's result per mechanism).
    incentive => "Incentive";
    /// `ConsensusByMechanism[index]: Vec<PerU16>` (spec ≥ 446; default []).
    consensus_by_mechanism => "ConsensusByMechanism";
}

/// `Keys[netuid][uid]: AccountId32`: the uid's hotkey.
pub fn keys(netuid: u16, uid: u16) -> StorageKey {
    by_u16_u16("Keys", netuid, uid)
}

/// `BlockAtRegistration[netuid][uid]: u64` (default 0).
pub fn block_at_registration(netuid: u16, uid: u16) -> StorageKey {
    by_u16_u16("BlockAtRegistration", netuid, uid)
}

/// `Weights[index][uid]: Vec<(u16, u16)>` (default []).
pub fn weights(index: u16, uid: u16) -> StorageKey {
    by_u16_u16("Weights", index, uid)
}

/// `Bonds[index][uid]: Vec<(u16, u16)>` (default []).
pub fn bonds(index: u16, uid: u16) -> StorageKey {
    by_u16_u16("Bonds", index, uid)
}

/// `Uids[netuid][hotkey]: u16` (`OptionQuery`; the hotkey Blake2_128Concat).
pub fn uids(netuid: u16, hotkey: &[u8; 32]) -> StorageKey {
    StorageKey::map(
        PALLET,
        "Uids",
        &[
            (Hasher::Identity, &netuid.to_le_bytes()),
            (Hasher::Blake2_128Concat, hotkey),
        ],
    )
}

/// The prefix of `Keys[netuid][*]`.
pub fn keys_prefix(netuid: u16) -> StorageKey {
    by_u16("Keys", Hasher::Identity, netuid)
}

/// The prefix of `Weights[index][*]`.
pub fn weights_prefix(index: u16) -> StorageKey {
    by_u16("Weights", Hasher::Identity, index)
}

/// The prefix of `Bonds[index][*]`.
pub fn bonds_prefix(index: u16) -> StorageKey {
    by_u16("Bonds", Hasher::Identity, index)
}

/// `TotalHotkeyAlpha[hotkey][netuid]: u64` (default 0).
pub fn total_hotkey_alpha(hotkey: &[u8; 32], netuid: u16) -> StorageKey {
    by_account_netuid("TotalHotkeyAlpha", hotkey, netuid)
}

/// `ChildKeys[parent][netuid]: Vec<(u64, AccountId32)>` (default []).
pub fn child_keys(parent: &[u8; 32], netuid: u16) -> StorageKey {
    by_account_netuid("ChildKeys", parent, netuid)
}

/// `ParentKeys[child][netuid]: Vec<(u64, AccountId32)>` (default []).
pub fn parent_keys(child: &[u8; 32], netuid: u16) -> StorageKey {
    by_account_netuid("ParentKeys", child, netuid)
}

/// `ChildkeyThresholdSuspended[parent]: ()` (spec ≥ 446; presence = suspended).
pub fn childkey_threshold_suspended(parent: &[u8; 32]) -> StorageKey {
    StorageKey::map(
        PALLET,
        "ChildkeyThresholdSuspended",
        &[(Hasher::Blake2_128Concat, parent)],
    )
}

/// The prefix of `WeightCommits[index][*]` (`Twox64Concat` on both keys; values
/// `VecDeque<(H256, u64 epoch, u64 block, u64)>`).
pub fn weight_commits_prefix(index: u16) -> StorageKey {
    by_u16("WeightCommits", Hasher::Twox64Concat, index)
}

/// The prefix of `TimelockedWeightCommits[index][*]` (`Twox64Concat` on both keys, the second
/// the commit epoch; values `VecDeque<(AccountId32, u64 block, Vec<u8>, u64 round)>`).
pub fn timelocked_weight_commits_prefix(index: u16) -> StorageKey {
    by_u16("TimelockedWeightCommits", Hasher::Twox64Concat, index)
}

/// `TimelockedWeightCommits[index][epoch]`.
pub fn timelocked_weight_commits(index: u16, epoch: u64) -> StorageKey {
    StorageKey::map(
        PALLET,
        "TimelockedWeightCommits",
        &[
            (Hasher::Twox64Concat, &index.to_le_bytes()),
            (Hasher::Twox64Concat, &epoch.to_le_bytes()),
        ],
    )
}

/// Every key of `items` for uids `0..n`.
pub fn per_uid(n: u16, key: impl Fn(u16) -> StorageKey) -> Vec<StorageKey> {
    (0..n).map(key).collect()
}
