//! Emission: incentive and dividends normalized by their combined sum, paid out in rao.
//!
//! * `server_i = incentive_i / Σ(incentive + dividends)`, `validator_i = dividends_i / Σ(…)`,
//!   `emission_i = normalize(incentive + dividends)_i` (per-uid sums saturating, totals wrapping);
//! * when `Σ(incentive + dividends) = 0`, validator emission and emission fall back to the active
//!   stake, or to the stake if no stake is active; server emission stays as computed (0);
//! * rao amounts are `I96F32(share) · I96F32(rao_emission)` saturated to u64, truncated — totals can
//!   fall a few rao short of `rao_emission`.

use alloc::vec::Vec;
use substrate_fixed::types::I32F32;

use crate::fixed::{normalize, safe_div_fast, share_of_rao, wrapping_sum, ZERO};

/// Rao amounts per uid.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Emission {
    /// Paid for incentive.
    pub server: Vec<u64>,
    /// Paid for dividends.
    pub validator: Vec<u64>,
    /// Paid in total.
    pub combined: Vec<u64>,
}

/// Computes the three emission vectors into `out` (`scratch` holds the normalized combined shares).
///
/// ```
/// use yuma::fixed::{ONE, ZERO};
/// let mut e = yuma::emission::Emission::default();
/// yuma::emission::emission(&[ONE, ZERO], &[ZERO, ONE], &[ZERO, ONE], &[ZERO, ONE], 1_000, &mut Vec::new(), &mut e);
/// assert_eq!(e.server, vec![500, 0]);
/// assert_eq!(e.validator, vec![0, 500]);
/// ```
pub fn emission(
    incentive: &[I32F32],
    dividends: &[I32F32],
    stake: &[I32F32],
    active_stake: &[I32F32],
    rao_emission: u64,
    scratch: &mut Vec<I32F32>,
    out: &mut Emission,
) {
    scratch.clear();
    scratch.extend(
        incentive
            .iter()
            .zip(dividends.iter())
            .map(|(i, d)| i.saturating_add(*d)),
    );
    let sum = wrapping_sum(scratch.iter().copied());
    normalize(scratch);
    let share = |x: I32F32| {
        if sum == ZERO {
            x
        } else {
            safe_div_fast(x, sum)
        }
    };
    out.server.clear();
    out.server.extend(
        incentive
            .iter()
            .map(|&x| share_of_rao(share(x), rao_emission)),
    );
    let fallback = if sum == ZERO {
        Some(if wrapping_sum(active_stake.iter().copied()) == ZERO {
            stake
        } else {
            active_stake
        })
    } else {
        None
    };
    out.validator.clear();
    out.combined.clear();
    match fallback {
        Some(f) => {
            out.validator
                .extend(f.iter().map(|&x| share_of_rao(x, rao_emission)));
            out.combined
                .extend(f.iter().map(|&x| share_of_rao(x, rao_emission)));
        }
        None => {
            out.validator.extend(
                dividends
                    .iter()
                    .map(|&x| share_of_rao(share(x), rao_emission)),
            );
            out.combined
                .extend(scratch.iter().map(|&x| share_of_rao(x, rao_emission)));
        }
    }
}
