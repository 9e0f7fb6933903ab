//! Multi-epoch state: what the chain carries from one epoch to the next.
//!
//! After an epoch the chain stores the output bonds and the new permits, and remembers the block
//! the epoch ran at; from spec 446 it also stores the epoch's consensus per mechanism
//! (`ConsensusByMechanism`, the next epoch's `previous_consensus`) and, after a Yuma epoch at a
//! block above 0, `LastYumaStepBlock`; a Null epoch writes no bonds. Everything else (weights,
//! stakes, hyperparameters, …) changes only through extrinsics, which a simulation supplies as
//! patches (see `scenario::Scenario` with feature `json`).
//!
//! ```
//! let input = yuma::EpochInput { n: 0, current_block: 7, ..Default::default() };
//! let out = yuma::epoch(&input)?;
//! let next = yuma::simulate::transition(&input, &out);
//! assert_eq!(next.last_mechanism_step_block, 7);
//! # Ok::<(), yuma::Error>(())
//! ```

use crate::{EpochInput, EpochOutput};

/// The next epoch's state: `bonds` ← the output bonds (unless the epoch wrote none:
/// `bonds_persisted` false), `validator_permit` ← the new permits, `last_mechanism_step_block`
/// ← this epoch's `current_block`; from spec 446 also `previous_consensus` ← the stored
/// `consensus_by_mechanism`, and `last_yuma_step_block` ← `current_block` after a Yuma epoch at a
/// block above 0. Every other field unchanged.
pub fn transition(state: &EpochInput, output: &EpochOutput) -> EpochInput {
    let mut next = state.clone();
    transition_in_place(&mut next, output);
    next
}

/// [`transition`] in place, reusing `state`'s buffers.
pub fn transition_in_place(state: &mut EpochInput, output: &EpochOutput) {
    if output.bonds_persisted != Some(false) {
        state.bonds.clone_from(&output.bonds);
    }
    state
        .validator_permit
        .clone_from(&output.new_validator_permit);
    if let Some(c) = &output.consensus_by_mechanism {
        state.previous_consensus.clone_from(c);
    }
    if output.bonds_persisted == Some(true) && state.current_block > 0 {
        state.last_yuma_step_block = Some(state.current_block);
    }
    state.last_mechanism_step_block = state.current_block;
}

/// [`transition_in_place`] for every mechanism of a subnet: each mechanism keeps its own bonds
/// and stored consensus, and reads the subnet's permits — the aggregated new permits
/// (`ValidatorPermit` is one item per subnet).
///
/// ```
/// let m = yuma::EpochInput { n: 0, current_block: 7, ..Default::default() };
/// let mut input = yuma::MechanismsInput { mechanisms: vec![m.clone(), m], ..Default::default() };
/// let out = yuma::epoch_with_mechanisms(&input)?;
/// yuma::simulate::transition_mechanisms(&mut input, &out);
/// assert!(input.mechanisms.iter().all(|m| m.last_mechanism_step_block == 7));
/// # Ok::<(), yuma::Error>(())
/// ```
pub fn transition_mechanisms(state: &mut crate::MechanismsInput, output: &crate::MechanismsOutput) {
    for (m, o) in state.mechanisms.iter_mut().zip(&output.per_mechanism) {
        transition_in_place(m, o);
        m.validator_permit
            .clone_from(&output.aggregated.new_validator_permit);
    }
}
