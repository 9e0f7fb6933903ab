//! Scenarios (feature `json`): an initial subnet state and one patch per epoch.
//!
//! ```json
//! { "initial": { ...EpochInput... },
//!   "epochs": [ {}, { "weights": [...], "current_block": 1360 }, ... ] }
//! ```
//!
//! Epoch 0 runs on `apply(initial, epochs[0])`; epoch `k` on
//! `apply(transition(state_{k−1}, output_{k−1}), epochs[k])`, where a patch replaces the fields it
//! names (any [`EpochInput`] field) and [`transition`](crate::simulate::transition) carries bonds,
//! permits and the epoch block forward (from spec 446 also the stored consensus and the Yuma step
//! block; a Null epoch leaves the bonds as they were).
//!
//! ```
//! let text = br#"{"initial": {"n": 0, "current_block": 10, "tempo": 1, "activity_cutoff": 1,
//!   "last_mechanism_step_block": 0, "last_update": [], "block_at_registration": [], "alpha_stake": [],
//!   "tao_stake": [], "tao_weight": 0, "stake_threshold": 0, "owner_uid": null, "validator_permit": [],
//!   "max_allowed_validators": 0, "weights": [], "bonds": [], "kappa": 0, "bonds_penalty": 0,
//!   "bonds_moving_average": 0, "yuma3_enabled": false, "liquid_alpha_enabled": false, "alpha_low": 0,
//!   "alpha_high": 0, "alpha_sigmoid_steepness": 0, "commit_reveal_enabled": false, "commit_blocks": [],
//!   "rao_emission": 0}, "epochs": [{}, {"current_block": 20}]}"#;
//! let scenario = yuma::scenario::parse_scenario(text).unwrap();
//! let outputs = yuma::scenario::run(&scenario, |_, _| {}).unwrap();
//! assert_eq!(outputs.len(), 2);
//! ```

extern crate std;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Deserializer};

use crate::json::JsonError;
use crate::simulate::transition_in_place;
use crate::{EpochInput, EpochOutput, SparseRowU16};

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

macro_rules! patch {
    ($($field:ident : $ty:ty),* $(,)?) => {
        /// A patch: the [`EpochInput`] fields it names replace the state's (`owner_uid: null`
        /// clears the owner). Unknown fields are rejected.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct EpochPatch {
            $(
                #[allow(missing_docs)]
                #[serde(default, deserialize_with = "present")]
                pub $field: Option<$ty>,
            )*
        }

        impl EpochPatch {
            /// Replaces the named fields of `state`.
            pub fn apply(&self, state: &mut EpochInput) {
                $(
                    if let Some(v) = &self.$field {
                        state.$field.clone_from(v);
                    }
                )*
            }

            /// Names of the fields this patch sets.
            pub fn fields(&self) -> Vec<&'static str> {
                let mut out = Vec::new();
                $(
                    if self.$field.is_some() {
                        out.push(stringify!($field));
                    }
                )*
                out
            }
        }
    };
}

patch! {
    n: u16,
    current_block: u64,
    tempo: u16,
    activity_cutoff: u64,
    last_mechanism_step_block: u64,
    last_update: Vec<u64>,
    block_at_registration: Vec<u64>,
    alpha_stake: Vec<u64>,
    tao_stake: Vec<u64>,
    tao_weight: u64,
    stake_threshold: u64,
    owner_uid: Option<u16>,
    validator_permit: Vec<bool>,
    max_allowed_validators: u16,
    weights: Vec<SparseRowU16>,
    bonds: Vec<SparseRowU16>,
    kappa: u16,
    bonds_penalty: u16,
    bonds_moving_average: u64,
    yuma3_enabled: bool,
    liquid_alpha_enabled: bool,
    alpha_low: u16,
    alpha_high: u16,
    alpha_sigmoid_steepness: i16,
    commit_reveal_enabled: bool,
    commit_blocks: Vec<Option<u64>>,
    rao_emission: u64,
    spec_version: Option<u32>,
    liquid_alpha_consensus_mode: crate::ConsensusMode,
    previous_consensus: Vec<u16>,
    last_yuma_step_block: Option<u64>,
    epoch_consensus: crate::EpochConsensus,
    mining_budget: Option<u64>,
    dividend_budget: Option<u64>,
    fallback_budget: Option<u64>,
}

/// A parsed scenario.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The state before epoch 0.
    pub initial: EpochInput,
    /// One patch per epoch (an empty object changes nothing).
    pub epochs: Vec<EpochPatch>,
}

impl Scenario {
    /// The weight and bond entries of the initial input and of every patch together
    /// ([`EpochInput::stored_entries`] and the patches' `weights` and `bonds` rows): what the
    /// document holds, whichever epochs run.
    ///
    /// ```
    /// use yuma::scenario::{EpochPatch, Scenario};
    /// let mut initial = yuma::EpochInput::default();
    /// initial.weights = vec![vec![(0, 1), (1, 2)]];
    /// let patch = EpochPatch { bonds: Some(vec![vec![(0, 3)]]), ..Default::default() };
    /// let s = Scenario { initial, epochs: vec![patch, EpochPatch::default()] };
    /// assert_eq!(s.stored_entries(), 3);
    /// ```
    pub fn stored_entries(&self) -> usize {
        let rows = |r: &Option<Vec<SparseRowU16>>| {
            r.as_deref()
                .map_or(0, |rows| crate::io::stored_entries(rows, usize::MAX))
        };
        self.epochs
            .iter()
            .fold(self.initial.stored_entries(), |a, p| {
                a.saturating_add(rows(&p.weights))
                    .saturating_add(rows(&p.bonds))
            })
    }
}

/// Parses a scenario document (same strictness and error wording as [`crate::json::parse_document`]).
pub fn parse_scenario(bytes: &[u8]) -> Result<Scenario, JsonError> {
    crate::json::parse_bytes_as(bytes)
}

/// Why a scenario stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The epoch that failed.
    pub epoch: usize,
    /// The epoch's error.
    pub error: crate::Error,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "epoch {}: {}", self.epoch, self.error)
    }
}

/// Runs every epoch of the scenario; `progress(done, total)` is called after each epoch.
pub fn run(
    s: &Scenario,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<EpochOutput>, ScenarioError> {
    let mut outputs: Vec<EpochOutput> = Vec::with_capacity(s.epochs.len());
    run_with(s, |k, _, out| {
        outputs.push(out.clone());
        progress(k.saturating_add(1), s.epochs.len());
        true
    })?;
    Ok(outputs)
}

/// How many epochs a scenario has, with the epoch numbers it takes (counted from 0), for
/// messages about an epoch out of range.
///
/// ```
/// assert_eq!(yuma::scenario::epochs_counted(12), "12 epochs (0 to 11)");
/// assert_eq!(yuma::scenario::epochs_counted(1), "1 epoch (epoch 0)");
/// ```
pub fn epochs_counted(count: usize) -> String {
    match count {
        0 => String::from("no epochs"),
        1 => String::from("1 epoch (epoch 0)"),
        c => alloc::format!("{c} epochs (0 to {})", c.saturating_sub(1)),
    }
}

/// Runs the scenario epoch by epoch, handing `visit(k, state, output)` each epoch's input state
/// and output; stops early when `visit` returns `false`.
pub fn run_with(
    s: &Scenario,
    visit: impl FnMut(usize, &EpochInput, &EpochOutput) -> bool,
) -> Result<(), ScenarioError> {
    run_with_assuming(s, None, visit)
}

/// [`run_with`] with every epoch under the rules of `assume_spec` when given
/// ([`crate::Workspace::assume_spec`]).
pub fn run_with_assuming(
    s: &Scenario,
    assume_spec: Option<u32>,
    visit: impl FnMut(usize, &EpochInput, &EpochOutput) -> bool,
) -> Result<(), ScenarioError> {
    run_from(s.initial.clone(), &s.epochs, assume_spec, visit)
}

/// [`run_with_assuming`] from `state` in place of the scenario's `initial` (what a sweep point
/// runs: the initial state with the point's values applied, then the scenario's own epochs).
pub(crate) fn run_from(
    mut state: EpochInput,
    epochs: &[EpochPatch],
    assume_spec: Option<u32>,
    mut visit: impl FnMut(usize, &EpochInput, &EpochOutput) -> bool,
) -> Result<(), ScenarioError> {
    let mut ws = crate::Workspace::new();
    ws.assume_spec = assume_spec;
    let mut out = EpochOutput::default();
    for (k, patch) in epochs.iter().enumerate() {
        if k > 0 {
            transition_in_place(&mut state, &out);
        }
        patch.apply(&mut state);
        crate::epoch_into(&state, &mut ws, &mut out)
            .map_err(|error| ScenarioError { epoch: k, error })?;
        if !visit(k, &state, &out) {
            break;
        }
    }
    Ok(())
}

/// The header row of [`to_csv`] (with its newline).
pub const CSV_HEADER: &str = "epoch,uid,active,stake,stake_weight,consensus,incentive,dividends,\
validator_trust,new_validator_permit,server_emission,validator_emission,emission,bonds\n";

/// The outputs as a tidy CSV: [`CSV_HEADER`], then one row per (epoch, uid).
///
/// ```
/// let out = yuma::EpochOutput { stake: vec![5], ..Default::default() };
/// let csv = yuma::scenario::to_csv(&[out.clone(), out]);
/// assert!(csv.starts_with(yuma::scenario::CSV_HEADER));
/// assert_eq!(csv.lines().count(), 3);
/// assert!(csv.ends_with("1,0,0,5,0,0,0,0,0,0,0,0,0,0\n"));
/// ```
pub fn to_csv(outputs: &[EpochOutput]) -> String {
    let mut s = String::from(CSV_HEADER);
    for (k, o) in outputs.iter().enumerate() {
        push_csv_rows(&mut s, k, o);
    }
    s
}

/// Appends epoch `epoch`'s rows of [`to_csv`] (one per uid) to `s`: for writing a long
/// scenario's CSV as it runs, one epoch at a time.
pub fn push_csv_rows(s: &mut String, epoch: usize, o: &EpochOutput) {
    use core::fmt::Write;
    for uid in 0..o.stake.len() {
        let b = |v: &[bool]| u8::from(v.get(uid).copied().unwrap_or(false));
        let u = |v: &[u16]| v.get(uid).copied().unwrap_or(0);
        let r = |v: &[u64]| v.get(uid).copied().unwrap_or(0);
        let _ = writeln!(
            s,
            "{epoch},{uid},{},{},{},{},{},{},{},{},{},{},{},{}",
            b(&o.active),
            r(&o.stake),
            u(&o.stake_weight),
            u(&o.consensus),
            u(&o.incentive),
            u(&o.dividends),
            u(&o.validator_trust),
            b(&o.new_validator_permit),
            r(&o.server_emission),
            r(&o.validator_emission),
            r(&o.emission),
            o.bonds.get(uid).map_or(0, |b| b.len()),
        );
    }
}
