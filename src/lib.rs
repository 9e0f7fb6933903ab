//! # yuma — Bittensor's Yuma Consensus epoch, bit for bit
//!
//! A deterministic, `no_std`, fixed-point re-implementation of subtensor's `epoch_mechanism`:
//! weight masking and clipping, stake-weighted consensus, validator trust, incentive, bonds
//! (Yuma 2 EMA, Yuma 3, liquid alpha, bonds penalty), dividends, emission and Null consensus, as
//! pure functions — for each runtime version under its own rules ([`runtime`]: spec 425 from
//! opentensor/subtensor @ `14bc6f9f`, specs 446–475 from RaoFoundation/subtensor as read at
//! `02214123`), chosen by the input's `spec_version`.
//!
//! ```
//! use yuma::{epoch, EpochInput};
//! let input = EpochInput {
//!     n: 2, current_block: 1_000, tempo: 100, activity_cutoff: 5_000,
//!     last_update: vec![990, 990], block_at_registration: vec![0, 0],
//!     alpha_stake: vec![1_000_000, 0], tao_stake: vec![0, 0],
//!     validator_permit: vec![true, false], max_allowed_validators: 64,
//!     weights: vec![vec![(1, 65_535)], vec![]], bonds: vec![vec![], vec![]],
//!     kappa: 32_767, bonds_moving_average: 900_000, commit_blocks: vec![None, None],
//!     rao_emission: 1_000_000_000, ..Default::default()
//! };
//! let out = epoch(&input)?;                       // the fast pipeline
//! assert_eq!(out, yuma::reference::epoch(&input)?); // the upstream-shaped reference agrees
//! # Ok::<(), yuma::Error>(())
//! ```
//!
//! Stages, one module each: [`stake`] → [`weights`] → [`consensus`] → [`bonds`] /
//! [`liquid_alpha`] → [`emission`] (or [`null`] under Null consensus), orchestrated by
//! [`epoch`](mod@epoch); [`mechanisms`] splits a subnet's emission across its mechanisms;
//! [`runtime`] picks the rules; [`fixed`] holds the chain's fixed-point conventions and
//! [`sparse`] the CSR layout. [`reference`](mod@reference) is the same epoch shaped like upstream.
//!
//! ## The contract
//! * **Bit-exact**: every output equals what subtensor computes for the same state (checked on
//!   the 859 golden vectors of both runtimes, outputs and traced intermediates, for both
//!   implementations).
//! * **No floats** in the math, **no panics** (the crate denies indexing, `unwrap`, `expect`,
//!   `panic!` and unchecked arithmetic): an input the chain cannot hold (a per-uid vector of the
//!   wrong length, more entries than [`Limits`] allow) is an [`Error`] naming the field. The
//!   stage kernels (`consensus`, `bonds`, `sparse`, …) are public for tests and benchmarks and
//!   take sizes such as `columns` from their caller: like `Vec::with_capacity`, a size beyond
//!   memory fails the allocation.
//!   The epoch calls derive every size from `n ≤ 65535` and [`Limits`].
//! * **Overflows as on chain**: values the chain's types hold but its arithmetic overflows are
//!   computed the way the chain computes them, not refused. Total stake at or above 2⁶³ wraps
//!   the chain's I64F64 stake sum (golden vectors `edge-stake-sum-overflow-wrap-*`), which can
//!   pay out more than `rao_emission`, and can leave the normalized stakes so large that the
//!   weighted median's `saturating_add` sums decide the consensus (`edge-stake-sum-wrap-median-*`;
//!   [`consensus::pivot`] replays upstream's search there); an `emission_split` summing above 65535 does the same
//!   across mechanisms. `yuma epoch` notes such an epoch on stderr. A Yuma 3
//!   `bonds_moving_average` of 2,147,483,648,000,000 or more overflows upstream's `from_num`
//!   conversions, which wrap in the release runtime; [`bonds::yuma3_fixed_alpha`] wraps the same.
//! * **Predictable cost**: [`epoch()`] runs in `O(nnz log nnz)` for `nnz` stored weights and bonds
//!   (no `n × n` work), inputs are bounded by [`Limits`], and [`epoch_into`] with a reused
//!   [`Workspace`] allocates nothing once its buffers have grown. [`epoch_with_trace`] adds every
//!   intermediate's raw bits. The reference is quadratic in `n`, like upstream, and refuses
//!   inputs whose dense tables would exceed [`reference::MAX_DENSE_CELLS`].
//!
//! ## Features
//! * none (`default-features = false`): the math, `no_std` + `alloc` — what a runtime links;
//! * `codec`: SCALE `Encode`/`Decode` for the input, output and trace types;
//! * `serde`: `Serialize`/`Deserialize` with the golden vectors' JSON field names;
//! * `std`: needed by the tools below (the math never uses it);
//! * `json` (`std` + `serde`): the `json` module (document parser and comparison
//!   reports) and the `scenario` module (multi-epoch files) — what the CLI and the WASM page share;
//! * `sweep` (`json` + rayon): the `sweep` module (a scenario run once per point of a grid of
//!   hyperparameters, in parallel);
//! * `cli` (default): the `yuma` binary.
#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::float_arithmetic
)]

extern crate alloc;

pub mod bonds;
mod buffer;
#[cfg(feature = "chain")]
pub mod chain;
pub mod consensus;
pub mod emission;
pub mod epoch;
mod error;
pub mod explain;
pub mod fixed;
mod io;
#[cfg(feature = "json")]
pub mod json;
pub mod lanes;
pub mod liquid_alpha;
pub mod mechanisms;
pub mod null;
pub mod reference;
pub mod runtime;
#[cfg(feature = "json")]
pub mod scenario;
pub mod simulate;
pub mod sparse;
pub mod stake;
#[cfg(feature = "sweep")]
pub mod sweep;
pub mod synth;
pub mod weights;

pub use epoch::{epoch, epoch_into, epoch_with_trace, Workspace};
pub use error::Error;
pub use io::{
    ConsensusMode, EpochConsensus, EpochInput, EpochOutput, EpochTrace, Limits, NullBudgets,
    NullTrace, SparseRowU16, YumaTrace,
};
pub use mechanisms::{epoch_with_mechanisms, MechanismsInput, MechanismsOutput};

/// This crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The subtensor commit whose `epoch_mechanism` the spec 425 rules reproduce (inputs without a
/// `spec_version`); [`runtime::Rules::source`] names each rule set's.
pub const REFERENCE_COMMIT: &str = "14bc6f9f964b9cc362e9635dd110a487fa5d15a0";
