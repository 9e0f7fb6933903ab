//! The fast weighted medians (`yuma::consensus::column_median` and the keyed form
//! `keyed_median` the pipeline uses: a quickselect over the positive scores, and an in-place key
//! sort that long columns narrow to one stake bucket first) must equal upstream's pivot search
//! (`yuma::reference::math::weighted_median`)
//! on every column the pipeline can build.
//!
//! Mirrors `fast_median_equals_upstream_pivot_search` in tests/properties.rs: stakes are
//! normalized with `yuma::fixed::normalize`, `minority = total.saturating_sub(kappa)`, the
//! reference sees every validator, the fast median only the positive-score `(score, stake)` pairs
//! plus the member count. Scores are drawn from a few coarse levels so ties are common.
//!
//! A second, "wild" mode feeds arbitrary I32F32 bits (negative, huge, wrapping sums) that the
//! pipeline never produces; there the two only have to return without panicking or hanging.
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

fuzz_target!(|case: Case| match case {
    Case::Pipeline { entries, kappa } => {
        let column = Column::new(&entries, kappa);
        let slow = column.reference();
        let Column {
            stake,
            score,
            total,
            minority,
        } = column;
        let mut pairs = fast_pairs(&stake, &score);
        let fast = yuma::consensus::column_median(&mut pairs, stake.len(), total, minority);
        assert_eq!(
            fast.to_bits(),
            slow.to_bits(),
            "fast median {fast} != reference {slow} (kappa {kappa}, total {total}, minority {minority})"
        );
        // The keyed form the pipeline uses for ascending rows: `score << 16 | validator`.
        if stake.len() <= usize::from(u16::MAX)
            && score.iter().all(|s| (0..1i64 << 48).contains(&s.to_bits()))
        {
            let mut keys: Vec<u64> = score
                .iter()
                .enumerate()
                .filter(|(_, s)| **s > ZERO)
                .map(|(k, s)| ((s.to_bits() as u64) << 16) | k as u64)
                .collect();
            let keyed =
                yuma::consensus::keyed_median(&mut keys, &stake, stake.len(), total, minority);
            assert_eq!(
                keyed.to_bits(),
                slow.to_bits(),
                "keyed median {keyed} != reference {slow}"
            );
        }
    }
    Case::Wild {
        entries,
        minority,
        total,
    } => {
        let stake: Vec<I32F32> = entries.iter().map(|e| I32F32::from_bits(e.0)).collect();
        let score: Vec<I32F32> = entries.iter().map(|e| I32F32::from_bits(e.1)).collect();
        let (minority, total) = (I32F32::from_bits(minority), I32F32::from_bits(total));
        let idx: Vec<usize> = (0..stake.len()).collect();
        let _ = yuma::reference::math::weighted_median(&stake, &score, &idx, minority, ZERO, total);
        let mut pairs = fast_pairs(&stake, &score);
        let _ = yuma::consensus::column_median(&mut pairs, stake.len(), total, minority);
        let mut keys: Vec<u64> = score
            .iter()
            .enumerate()
            .filter(|(_, s)| (1..1i64 << 48).contains(&s.to_bits()))
            .map(|(k, s)| ((s.to_bits() as u64) << 16) | (k as u64 & 0xFFFF))
            .collect();
        let _ = yuma::consensus::keyed_median(&mut keys, &stake, stake.len(), total, minority);
    }
});
