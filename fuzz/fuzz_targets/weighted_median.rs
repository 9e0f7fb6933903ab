//! Every weighted median the pipeline uses must equal upstream's pivot search
//! (`yuma::reference::math::weighted_median`) on every column it can be given:
//!
//! * the exact search `yuma::consensus::pivot::pivot_median` on **any** column — pipeline-shaped,
//!   wrapped stake sums (`Case::Wrapped`: raw stakes summing just past a multiple of 2⁶⁴, so the
//!   normalized stakes stay huge and upstream's saturating sums decide), or wild bits (stakes of
//!   both signs, arbitrary `minority` and `total`; scores non-negative, as weights are);
//! * the interval kernels `yuma::consensus::column_median` and `keyed_median` (a quickselect
//!   over the positive scores, and an in-place key sort that long columns narrow to one stake
//!   bucket first) wherever their domain holds (`StakeSigns::Interval`: stakes `≥ 0` whose exact
//!   sum fits I32F32, which the pipeline checks once per epoch); elsewhere they only have to
//!   return.
//!
//! Set up as `tests/properties.rs` and `tests/wrapped_stake.rs` do: stakes normalized with
//! `yuma::fixed::normalize`, `minority = total.saturating_sub(kappa)`, the reference sees every
//! validator, the fast medians only the positive-score entries plus the member count. Scores are
//! drawn from a few coarse levels so ties are common.
#![no_main]

use libfuzzer_sys::fuzz_target;
use substrate_fixed::types::I32F32;
use yuma_fuzz::median::{Case, Column};

const ZERO: I32F32 = I32F32::from_bits(0);

fn fast_pairs(stake: &[I32F32], score: &[I32F32]) -> Vec<(I32F32, I32F32)> {
    stake
        .iter()
        .zip(score)
        .filter(|(_, s)| **s > ZERO)
        .map(|(w, s)| (*s, *w))
        .collect()
}

fn keys(score: &[I32F32]) -> Vec<u64> {
    score
        .iter()
        .enumerate()
        .filter(|(_, s)| (1..1i64 << 48).contains(&s.to_bits()))
        .map(|(k, s)| ((s.to_bits() as u64) << 16) | (k as u64 & 0xFFFF))
        .collect()
}

/// The column through every median: the exact search always equals upstream; the interval
/// kernels do in their domain, when `total` and `minority` are the pipeline's (`pipeline`).
fn check(column: &Column, pipeline: bool) {
    let slow = column.reference();
    let exact = column.pivot();
    assert_eq!(
        exact.to_bits(),
        slow.to_bits(),
        "pivot_median {exact} != reference {slow} (total {}, minority {})",
        column.total,
        column.minority
    );
    let (stake, score) = (&column.stake, &column.score);
    let mut pairs = fast_pairs(stake, score);
    let fast = yuma::consensus::column_median(&mut pairs, stake.len(), column.total, column.minority);
    let keyed_ok = stake.len() <= usize::from(u16::MAX)
        && score.iter().all(|s| (0..1i64 << 48).contains(&s.to_bits()));
    let mut keys = keys(score);
    let keyed = yuma::consensus::keyed_median(&mut keys, stake, stake.len(), column.total, column.minority);
    if pipeline && column.interval() {
        assert_eq!(fast.to_bits(), slow.to_bits(), "column_median {fast} != reference {slow}");
        if keyed_ok {
            assert_eq!(keyed.to_bits(), slow.to_bits(), "keyed median {keyed} != reference {slow}");
        }
    }
}

fuzz_target!(|case: Case| match case {
    Case::Pipeline { entries, kappa } => check(&Column::new(&entries, kappa), true),
    Case::Wrapped {
        entries,
        multiple,
        past,
        kappa,
    } => check(&Column::wrapped(&entries, multiple, past, kappa), true),
    Case::Wild {
        entries,
        minority,
        total,
    } => {
        // Any stakes and bounds; scores non-negative, as weights are.
        let column = Column {
            stake: entries.iter().map(|e| I32F32::from_bits(e.0)).collect(),
            score: entries.iter().map(|e| I32F32::from_bits(e.1 & i64::MAX)).collect(),
            total: I32F32::from_bits(total),
            minority: I32F32::from_bits(minority),
        };
        check(&column, false);
    }
});
