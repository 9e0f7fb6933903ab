//! The Yuma 3 bonds stage: the fixed- or liquid-alpha EMA on bonds as proportions, and its
//! dividends.

use alloc::vec::Vec;
use substrate_fixed::types::I32F32;

use super::{div_or_keep, ema_fixed, load_bonds, yuma3_fixed_alpha, BondsScratch};
use crate::fixed::{mul_or_zero, mul_sat, normalize, ZERO};
use crate::runtime::Rules;
use crate::sparse::{col_sums, prepare_divisors, Csr};
use crate::EpochInput;

/// The Yuma 3 bonds stage: stored bonds as proportions, `B' = min(1, α·W_b + (1−α)·B)` with the
/// fixed alpha, or the liquid alpha per cell from `liquid_consensus` when it is given (see
/// [`crate::liquid_alpha::select_consensus`]), and dividends
/// `d_i = S_i · Σ_j colnorm(B')_ij · incentive_j` normalized. `ema` keeps `B'`.
#[allow(clippy::too_many_arguments)]
pub fn yuma3(
    input: &EpochInput,
    rules: Rules,
    wfb: &Csr,
    liquid_consensus: Option<&[I32F32]>,
    active_stake: &[I32F32],
    incentive: &[I32F32],
    s: &mut BondsScratch,
    ema: &mut Csr,
    dividends: &mut Vec<I32F32>,
) {
    let n = usize::from(input.n);
    let mut old = core::mem::take(&mut s.bonds);
    let mut sums = core::mem::take(&mut s.sums);
    load_bonds(input, rules, true, &mut old, &mut sums);
    if let Some(consensus) = liquid_consensus {
        crate::liquid_alpha::ema_liquid(
            wfb,
            &old,
            consensus,
            &crate::liquid_alpha::LiquidAlphaParams::new(input),
            s,
            ema,
        );
    } else {
        let alpha = yuma3_fixed_alpha(input.bonds_moving_average);
        ema_fixed(wfb, &old, |_, w| w, |_, b| b, alpha, n, s, ema, &mut sums);
    }
    s.bonds = old;
    if liquid_consensus.is_some() {
        col_sums(&ema.col, &ema.val, n, &mut sums);
    }
    prepare_divisors(&sums, &mut s.ema_divs);
    dividends.clear();
    for (i, &st) in (0..ema.rows()).zip(active_stake.iter()) {
        let (cols, vals) = ema.row(i);
        let per =
            cols.iter()
                .zip(vals)
                .fold(ZERO, |acc, (&j, &b)| match incentive.get(usize::from(j)) {
                    Some(&x) => acc.wrapping_add(mul_sat(div_or_keep(&s.ema_divs, j, b), x)),
                    None => acc,
                });
        dividends.push(mul_or_zero(per, st));
    }
    normalize(dividends);
    s.sums = sums;
}
