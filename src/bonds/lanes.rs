//! The Yuma 2 dense passes over `u64` lanes ([`crate::lanes`]), when the epoch's values lie in the
//! lane kernels' ranges.

use alloc::vec::Vec;
use substrate_fixed::types::I32F32;

use super::{last_tempo, registered_since, yuma2_alpha, BondsScratch};
use crate::buffer::Refill;
use crate::fixed::{normalize, ZERO};
use crate::lanes::{self, dispatch};
use crate::runtime::Rules;
use crate::sparse::Csr;
use crate::EpochInput;

/// [`yuma2_dense`] over `u64` lanes ([`crate::lanes`]): the same passes and the same bits, when
/// the epoch's values lie in the ranges the lane kernels need — every active stake, weight and
/// incentive in `[0, 1]`, the active rows' stake summing to at most 1 (so every `ΔB` column sums
/// to at most 1), `bonds_moving_average` at most 10⁶ (`α ∈ [0, 1]`), fewer than 32 768 active rows
/// (stored-bond column sums below `2³¹ · 2³²`), and no divisor of one bit. Returns `false`
/// (having written no output) otherwise, and the scalar passes run.
///
/// [`yuma2_dense`]: super::yuma2::yuma2_dense
#[allow(clippy::too_many_arguments)]
pub(super) fn yuma2_lanes(
    input: &EpochInput,
    rules: Rules,
    wfb: &Csr,
    active_stake: &[I32F32],
    incentive: &[I32F32],
    s: &mut BondsScratch,
    ema: &mut Csr,
    dividends: &mut Vec<I32F32>,
) -> bool {
    let n = usize::from(input.n);
    let one = lanes::ONE;
    let unit = |x: I32F32| u64::try_from(x.to_bits()).ok().filter(|&b| b <= one);
    let Some(alpha) = unit(yuma2_alpha(input.bonds_moving_average)) else {
        return false;
    };
    let one_minus = one.saturating_sub(alpha);
    let (active, bonds) = (&s.active, input.bonds.get(..n).unwrap_or(&input.bonds));
    if active.len() >= 32_768 {
        return false;
    }
    let l = &mut s.lanes;
    l.incentive.clear();
    for &x in incentive {
        match unit(x) {
            Some(b) => l.incentive.push(b),
            None => return false,
        }
    }
    let mut stake_sum = 0u64;
    for &i in active.iter() {
        match active_stake.get(i as usize).copied().and_then(unit) {
            Some(b) => stake_sum = stake_sum.saturating_add(b),
            None => return false,
        }
    }
    if stake_sum > one {
        return false;
    }
    // ΔB = W_b ∘ S into zeroed rows, and its column sums.
    let cells = active.len().saturating_mul(n);
    l.dense.refill(cells, 0);
    l.sums.refill(n, 0);
    for (&i, row) in active.iter().zip(l.dense.chunks_exact_mut(n)) {
        let st = active_stake
            .get(i as usize)
            .copied()
            .and_then(unit)
            .unwrap_or(0);
        // The row's weights spread over its cells (its columns strictly ascend below n, so each
        // cell is written at most once), then ΔB and the column sums in one vector pass.
        let (cols, vals) = wfb.row(i as usize);
        let mut ok = true;
        if cols.len() == n {
            for (d, &w) in row.iter_mut().zip(vals) {
                let b = w.to_bits() as u64;
                ok &= b <= one;
                *d = b;
            }
        } else {
            for (&j, &w) in cols.iter().zip(vals) {
                let b = w.to_bits() as u64;
                ok &= b <= one;
                if let Some(d) = row.get_mut(usize::from(j)) {
                    *d = b;
                }
            }
        }
        if !ok {
            return false;
        }
        for (d, c) in row.iter_mut().zip(l.sums.iter_mut()) {
            *d = lanes::mul(*d, st);
            *c = c.wrapping_add(*d);
        }
    }
    if !l.new.prepare(&l.sums) {
        return false;
    }
    // Stored bonds: masked per column, their column sums in whole bonds.
    let lt = last_tempo(input, rules);
    let reg = &input.block_at_registration;
    l.live.clear();
    l.live.extend((0..n).map(|j| {
        if registered_since(lt, reg, j) {
            0
        } else {
            u64::MAX
        }
    }));
    l.sums.refill(n, 0);
    for &i in active.iter() {
        let row = bonds.get(i as usize).map_or(&[][..], |r| r.as_slice());
        if row.len() == n {
            for ((c, &(_, b)), &m) in l.sums.iter_mut().zip(row).zip(l.live.iter()) {
                *c = c.wrapping_add(u64::from(b) & m);
            }
        } else {
            for &(j, b) in row {
                let ju = usize::from(j);
                if let (Some(c), Some(&m)) = (l.sums.get_mut(ju), l.live.get(ju)) {
                    *c = c.wrapping_add(u64::from(b) & m);
                }
            }
        }
    }
    if !l.old.prepare(&l.sums) {
        return false;
    }
    let form = s.kernels;
    l.sums.refill(n, 0);
    l.spread.refill(n, 0);
    dispatch::yuma2_ema(
        form,
        &mut l.dense,
        n,
        active,
        bonds,
        &l.live,
        &l.new,
        &l.old,
        alpha,
        one_minus,
        &mut l.sums,
        &mut l.spread,
    );
    if !l.ema.prepare(&l.sums) {
        return false;
    }
    l.maxes.refill(n, 0);
    l.dividends.refill(active.len(), 0);
    dispatch::yuma2_colnorm(
        form,
        &mut l.dense,
        n,
        &l.ema,
        &l.incentive,
        &mut l.maxes,
        &mut l.dividends,
    );
    if !l.max.prepare(&l.maxes) {
        return false;
    }
    // From here on the outputs are written.
    dividends.refill(n, ZERO);
    for (&i, &d) in active.iter().zip(&l.dividends) {
        if let Some(slot) = dividends.get_mut(i as usize) {
            *slot = I32F32::from_bits(i64::try_from(d).unwrap_or(i64::MAX));
        }
    }
    normalize(dividends);
    let emit = |dense: &[u64], out: &mut Csr| {
        let mut rows = active.iter().zip(dense.chunks_exact(n)).peekable();
        out.rebuild(cells, |out| {
            for i in 0..n {
                if let Some((_, row)) = rows.next_if(|&(&a, _)| a as usize == i) {
                    for (j, &v) in (0u16..).zip(row) {
                        out.push_if(
                            j,
                            I32F32::from_bits(i64::try_from(v).unwrap_or(0)),
                            v != lanes::yuma2::NO_ENTRY,
                        );
                    }
                }
                out.end_row();
            }
        });
    };
    if s.keep_normalized {
        emit(&l.dense, &mut s.normalized);
    }
    dispatch::yuma2_upscale(form, &mut l.dense, n, &l.max);
    emit(&l.dense, ema);
    true
}
