//! Multi-epoch state: what the chain carries from one epoch to the next.
//!
//! After an epoch the chain stores the output bonds and the new permits, and remembers the block
//! the epoch ran at; everything else (weights, stakes, hyperparameters, …) changes only through
//! extrinsics, which a simulation supplies as patches (see `scenario::Scenario` with feature
//! `json`).
//!
//! ```
//! let input = yuma::EpochInput { n: 0, current_block: 7, ..Default::default() };
//! let out = yuma::epoch(&input)?;
//! let next = yuma::simulate::transition(&input, &out);
//! assert_eq!(next.last_mechanism_step_block, 7);
//! # Ok::<(), yuma::Error>(())
//! ```

use crate::{EpochInput, EpochOutput};

/// The next epoch's state: `bonds` ← the output bonds, `validator_permit` ← the new permits,
/// `last_mechanism_step_block` ← this epoch's `current_block`; every other field unchanged.
pub fn transition(state: &EpochInput, output: &EpochOutput) -> EpochInput {
    let mut next = state.clone();
    transition_in_place(&mut next, output);
    next
}

/// [`transition`] in place, reusing `state`'s buffers.
pub fn transition_in_place(state: &mut EpochInput, output: &EpochOutput) {
    state.bonds.clone_from(&output.bonds);
    state
        .validator_permit
        .clone_from(&output.new_validator_permit);
    state.last_mechanism_step_block = state.current_block;
}
