//! The compute weights of the epoch hook, fitted to the benchmarks in `benchmarking.rs`
//! (`bash integrations/frame/bench.sh`: frame-benchmarking's least-squares fit of the fastest of
//! 15 runs at 9 steps per component). Measured natively (the mock runtime, `--release`) on an AMD
//! EPYC, 2 cores shared with other work, Rust 1.95, on 2026-12-02; the README has the data and
//! how it compares with `yuma bench`. A runtime re-measures on its reference hardware.
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
    /// 3.96 ms + 28.6 ns · e.
    fn epoch_yuma2(n: u32, e: u32) -> Weight {
        linear(3_959_471_019, 0, 28_591, n, e)
    }
    /// 2.53 ms + 20.4 ns · n + 27.1 ns · e.
    fn epoch_yuma3(n: u32, e: u32) -> Weight {
        linear(2_532_302_000, 20_389, 27_113, n, e)
    }
    /// 16.86 ms + 25.9 ns · e (the base carries the densest point, n = 1024 with every
    /// validator weighting every uid; see the README).
    fn epoch_liquid_alpha(n: u32, e: u32) -> Weight {
        linear(16_856_781_476, 0, 25_927, n, e)
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
