//! Bonds: penalty interpolation, the Yuma 2 and Yuma 3 EMAs (fixed or liquid alpha), dividends.
//!
//! * weights for bonds `W_b = W + penalty · (clip(W) − W)` (exactly `W` at penalty 0 and
//!   `clip(W)` at penalty 1, otherwise per cell in column order, positives kept);
//! * **Yuma 2**: `B` column-normalized, `ΔB = W_b ∘ S` column-normalized,
//!   `B' = α·ΔB + (1−α)·B` column-normalized, `d = B'ᵀ · incentive` normalized, and `B'` stored
//!   column max-upscaled; `α = 1 − bonds_moving_average / 1e6`;
//! * **Yuma 3**: `B` as proportions of `u16::MAX`, `B' = min(1, α·W_b + (1−α)·B)` with the fixed
//!   `α` or the liquid-alpha sigmoid per cell, `d_i = S_i · Σ_j colnorm(B')_ij · incentive_j`
//!   normalized.
//!
//! Bonds whose column uid registered after the last epoch (`last_tempo <= registered`) are
//! dropped first. Every accumulation keeps upstream's order, so saturation happens where it does
//! on chain.

use alloc::vec::Vec;
use substrate_fixed::types::{I32F32, I64F64};

use crate::fixed::{
    exp_safe, fixed_to_u16_proportion, normalize, u16_proportion_to_fixed, u16_to_fixed,
    wrapping_sum, ONE, ZERO,
};
use crate::sparse::Csr;
use crate::{EpochInput, Error};

/// Liquid-alpha hyperparameters as the chain converts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidAlphaParams {
    /// `alpha_low / 65535`.
    pub low: I32F32,
    /// `alpha_high / 65535`.
    pub high: I32F32,
    /// Sigmoid steepness.
    pub steepness: I32F32,
}

impl LiquidAlphaParams {
    /// Reads the parameters from an input.
    pub fn new(input: &EpochInput) -> Self {
        LiquidAlphaParams {
            low: u16_proportion_to_fixed(input.alpha_low),
            high: u16_proportion_to_fixed(input.alpha_high),
            steepness: I32F32::from_bits(i64::from(input.alpha_sigmoid_steepness) << 32),
        }
    }
}

/// The liquid alpha of one cell:
/// `clamp(low + σ·(high − low), low, high)` with
/// `σ = 1 / (1 + exp(steepness / −100 · (diff − 0.5)))`, where `diff` is
/// `clamp(w − c, 0, 1)` when `w ≥ b`, else `clamp(b − w, 0, 1)`.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::bonds::{alpha_sigmoid, LiquidAlphaParams};
/// let p = LiquidAlphaParams { low: I32F32::from_num(0.7), high: I32F32::from_num(0.9), steepness: I32F32::from_num(1000) };
/// let a = alpha_sigmoid(I32F32::from_num(0.5), I32F32::from_num(0.5), I32F32::from_num(0), &p);
/// assert!(a >= p.low && a <= p.high);
/// ```
pub fn alpha_sigmoid(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    p: &LiquidAlphaParams,
) -> I32F32 {
    let clamp01 = |x: I32F32| x.min(ONE).max(ZERO);
    let diff = if weight >= bond {
        clamp01(weight.saturating_sub(consensus))
    } else {
        clamp01(bond.saturating_sub(weight))
    };
    let half = I32F32::from_bits(1 << 31);
    let minus_hundred = I32F32::from_bits(-100_i64 << 32);
    let x = p
        .steepness
        .saturating_div(minus_hundred)
        .saturating_mul(diff.saturating_sub(half));
    let sigmoid = ONE.saturating_div(ONE.saturating_add(exp_safe(x)));
    let alpha = p
        .low
        .saturating_add(sigmoid.saturating_mul(p.high.saturating_sub(p.low)));
    alpha.min(p.high).max(p.low)
}

/// Yuma 2 EMA alpha: `1 − I32F32(bma / 1e6)`, every step saturating.
pub fn yuma2_alpha(bonds_moving_average: u64) -> I32F32 {
    let bma = I64F64::saturating_from_num(bonds_moving_average)
        .checked_div(I64F64::saturating_from_num(1_000_000u32))
        .unwrap_or(I64F64::from_bits(0));
    ONE.saturating_sub(I32F32::saturating_from_num(bma))
}

/// Yuma 3 fixed alpha: `1 − I32F32(bma / 1e6)`. The chain converts with panicking `from_num`
/// here; inputs for which it would panic are an [`Error::BondsMovingAverageOverflow`].
pub fn yuma3_fixed_alpha(bonds_moving_average: u64) -> Result<I32F32, Error> {
    let overflow = Error::BondsMovingAverageOverflow {
        value: bonds_moving_average,
    };
    let bma = I64F64::checked_from_num(bonds_moving_average).ok_or(overflow.clone())?;
    let scaled = bma.saturating_div(I64F64::from_bits(1_000_000_i128 << 64));
    let small = I32F32::checked_from_num(scaled).ok_or(overflow)?;
    Ok(ONE.saturating_sub(small))
}

/// Reusable buffers for the bonds stage.
#[derive(Debug, Default, Clone)]
pub struct BondsScratch {
    /// Stored bonds after conversion and masking.
    pub bonds: Csr,
    /// Interpolated weights for bonds (only when `0 < penalty < 1`).
    pub interp: Csr,
    /// Yuma 2 `ΔB`.
    pub delta: Csr,
    /// Yuma 3 column-normalized EMA bonds.
    pub norm: Csr,
    acc: Vec<I32F32>,
    acc2: Vec<I32F32>,
    touched: Vec<u16>,
    mark: Vec<bool>,
    visible_w: Vec<(u16, I32F32)>,
    visible_b: Vec<(u16, I32F32)>,
}

/// The last-tempo block bonds are compared against.
pub fn last_tempo(input: &EpochInput) -> u64 {
    if input.last_mechanism_step_block == 0 {
        input.current_block.saturating_sub(u64::from(input.tempo))
    } else {
        input.last_mechanism_step_block.saturating_add(1)
    }
}

/// Stored bonds (rows `< n`, every column kept) as I32F32 (`proportion` → divided by 65535),
/// without entries whose column uid registered at or after `last_tempo`.
pub fn load_bonds(input: &EpochInput, proportion: bool, out: &mut Csr) {
    let n = usize::from(input.n);
    let lt = last_tempo(input);
    out.clear();
    for i in 0..n {
        if let Some(row) = input.bonds.get(i) {
            for &(j, b) in row {
                let registered = input
                    .block_at_registration
                    .get(usize::from(j))
                    .copied()
                    .unwrap_or(0);
                if lt <= registered {
                    continue;
                }
                let v = u16_to_fixed(b);
                out.push(
                    j,
                    if proportion {
                        fixed_to_u16_proportion(v)
                    } else {
                        v
                    },
                );
            }
        }
        out.end_row();
    }
}

/// `W + ratio · (C − W)` per row through dense scratch (last entry of a repeated column wins),
/// positive results in ascending column order.
pub fn interpolate(
    w: &Csr,
    c: &Csr,
    columns: usize,
    ratio: I32F32,
    s: &mut BondsScratch,
    out: &mut Csr,
) {
    out.clear();
    s.acc.clear();
    s.acc.resize(columns, ZERO);
    s.acc2.clear();
    s.acc2.resize(columns, ZERO);
    s.mark.clear();
    s.mark.resize(columns, false);
    for i in 0..w.rows() {
        s.touched.clear();
        for (m, dense) in [(w, &mut s.acc), (c, &mut s.acc2)] {
            let (cols, vals) = m.row(i);
            for (&j, &v) in cols.iter().zip(vals) {
                let ju = usize::from(j);
                if let (Some(d), Some(mk)) = (dense.get_mut(ju), s.mark.get_mut(ju)) {
                    *d = v;
                    if !*mk {
                        *mk = true;
                        s.touched.push(j);
                    }
                }
            }
        }
        s.touched.sort_unstable();
        for &j in &s.touched {
            let ju = usize::from(j);
            let a = s.acc.get(ju).copied().unwrap_or(ZERO);
            let b = s.acc2.get(ju).copied().unwrap_or(ZERO);
            let v = a.saturating_add(ratio.saturating_mul(b.saturating_sub(a)));
            if v > ZERO {
                out.push(j, v);
            }
            for d in [s.acc.get_mut(ju), s.acc2.get_mut(ju)]
                .into_iter()
                .flatten()
            {
                *d = ZERO;
            }
            if let Some(mk) = s.mark.get_mut(ju) {
                *mk = false;
            }
        }
        out.end_row();
    }
}

/// Whether a row's columns strictly ascend and all lie below `columns`.
#[inline]
pub fn strictly_ascending(cols: &[u16], columns: usize) -> bool {
    cols.windows(2).all(|w| matches!(w, [a, b] if a < b))
        && cols.last().is_none_or(|&j| usize::from(j) < columns)
}

/// `alpha·new + (1−alpha)·old` per cell (saturating; `new`'s entries first, then `old`'s), over
/// columns `< columns`, positives kept in ascending column order.
///
/// Rows whose columns strictly ascend (the chain's normal shape) are merged in one linear pass;
/// other rows go through a dense accumulator, which reproduces upstream's handling of repeated
/// and out-of-order entries.
pub fn ema_fixed(new: &Csr, old: &Csr, alpha: I32F32, columns: usize, s: &mut BondsScratch, out: &mut Csr) {
    let one_minus = ONE.saturating_sub(alpha);
    out.clear();
    out.col.reserve(new.nnz().saturating_add(old.nnz()));
    out.val.reserve(new.nnz().saturating_add(old.nnz()));
    for i in 0..new.rows() {
        let (nc, nv) = new.row(i);
        let (oc, ov) = old.row(i);
        if strictly_ascending(nc, columns) && strictly_ascending(oc, usize::from(u16::MAX).saturating_add(1)) {
            merge_ema_row(nc, nv, oc, ov, alpha, one_minus, columns, out);
        } else {
            dense_ema_row(nc, nv, oc, ov, alpha, one_minus, columns, s, out);
        }
        out.end_row();
    }
}

#[allow(clippy::too_many_arguments)]
#[inline]
fn merge_ema_row(
    nc: &[u16],
    nv: &[I32F32],
    oc: &[u16],
    ov: &[I32F32],
    alpha: I32F32,
    one_minus: I32F32,
    columns: usize,
    out: &mut Csr,
) {
    let (mut a, mut b) = (0usize, 0usize);
    loop {
        let nj = nc.get(a).copied();
        let oj = oc.get(b).copied().filter(|&j| usize::from(j) < columns);
        let (j, v) = match (nj, oj) {
            (None, None) => break,
            (Some(x), Some(y)) if x == y => {
                let n = nv.get(a).copied().unwrap_or(ZERO);
                let o = ov.get(b).copied().unwrap_or(ZERO);
                a = a.saturating_add(1);
                b = b.saturating_add(1);
                (x, alpha.saturating_mul(n).saturating_add(one_minus.saturating_mul(o)))
            }
            (Some(x), y) if y.is_none_or(|y| x < y) => {
                let n = nv.get(a).copied().unwrap_or(ZERO);
                a = a.saturating_add(1);
                (x, alpha.saturating_mul(n))
            }
            (_, Some(y)) => {
                let o = ov.get(b).copied().unwrap_or(ZERO);
                b = b.saturating_add(1);
                (y, one_minus.saturating_mul(o))
            }
            (Some(_), None) => break, // unreachable: covered above
        };
        if v > ZERO {
            out.push(j, v);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn dense_ema_row(
    nc: &[u16],
    nv: &[I32F32],
    oc: &[u16],
    ov: &[I32F32],
    alpha: I32F32,
    one_minus: I32F32,
    columns: usize,
    s: &mut BondsScratch,
    out: &mut Csr,
) {
    if s.acc.len() != columns {
        s.acc.clear();
        s.acc.resize(columns, ZERO);
        s.mark.clear();
        s.mark.resize(columns, false);
    }
    s.touched.clear();
    for (cols, vals, a) in [(nc, nv, alpha), (oc, ov, one_minus)] {
        for (&j, &v) in cols.iter().zip(vals) {
            let ju = usize::from(j);
            if let (Some(d), Some(mk)) = (s.acc.get_mut(ju), s.mark.get_mut(ju)) {
                *d = d.saturating_add(a.saturating_mul(v));
                if !*mk {
                    *mk = true;
                    s.touched.push(j);
                }
            }
        }
    }
    s.touched.sort_unstable();
    for &j in &s.touched {
        let ju = usize::from(j);
        if let Some(d) = s.acc.get_mut(ju) {
            if *d > ZERO {
                out.push(j, *d);
            }
            *d = ZERO;
        }
        if let Some(mk) = s.mark.get_mut(ju) {
            *mk = false;
        }
    }
}

/// The entries a forward scan for ascending `j = 0, 1, …, columns − 1` can see in a row stored
/// in any order: the greedy strictly increasing run of columns, stopping at a column `>= columns`
/// (upstream's liquid-alpha scan reads every other entry as 0).
fn visible_entries(cols: &[u16], vals: &[I32F32], columns: usize, out: &mut Vec<(u16, I32F32)>) {
    out.clear();
    let mut next = 0usize;
    for (&j, &v) in cols.iter().zip(vals) {
        let ju = usize::from(j);
        if ju < next {
            continue;
        }
        if ju >= columns {
            break;
        }
        out.push((j, v));
        next = ju.saturating_add(1);
    }
}

fn lookup(sorted: &[(u16, I32F32)], j: u16) -> I32F32 {
    match sorted.binary_search_by_key(&j, |e| e.0) {
        Ok(p) => sorted.get(p).map(|e| e.1).unwrap_or(ZERO),
        Err(_) => ZERO,
    }
}

/// Liquid-alpha EMA: for each entry `(j, w)` of `new` (in stored order, `j < columns`), emits
/// `min(1, (1−α)·b + max(0, α·w))` when positive, where `b` is the last stored bond on `j` and
/// `α` the [`alpha_sigmoid`] of the scanned weight and bond. Bonds on columns the row no longer
/// weights are dropped, as upstream drops them.
pub fn ema_liquid(
    new: &Csr,
    old: &Csr,
    consensus: &[I32F32],
    p: &LiquidAlphaParams,
    s: &mut BondsScratch,
    out: &mut Csr,
) {
    let columns = consensus.len();
    out.clear();
    s.acc.clear();
    s.acc.resize(columns, ZERO);
    s.mark.clear();
    s.mark.resize(columns, false);
    for i in 0..new.rows() {
        let (ncols, nvals) = new.row(i);
        let (ocols, ovals) = old.row(i);
        if ncols.is_empty() {
            out.end_row();
            continue;
        }
        // Last stored bond per column (dense scratch, cleared below).
        for (&j, &b) in ocols.iter().zip(ovals) {
            let ju = usize::from(j);
            if let (Some(d), Some(mk)) = (s.acc.get_mut(ju), s.mark.get_mut(ju)) {
                *d = b;
                *mk = true;
            }
        }
        visible_entries(ncols, nvals, columns, &mut s.visible_w);
        visible_entries(ocols, ovals, columns, &mut s.visible_b);
        for (&j, &w) in ncols.iter().zip(nvals) {
            let ju = usize::from(j);
            let Some(&c) = consensus.get(ju) else {
                continue;
            };
            let alpha = alpha_sigmoid(c, lookup(&s.visible_w, j), lookup(&s.visible_b, j), p);
            let old_b = if s.mark.get(ju).copied().unwrap_or(false) {
                s.acc.get(ju).copied().unwrap_or(ZERO)
            } else {
                ZERO
            };
            let decayed = ONE.saturating_sub(alpha).saturating_mul(old_b);
            let inc = alpha.saturating_mul(w).max(ZERO);
            let v = decayed.saturating_add(inc).min(ONE);
            if v > ZERO {
                out.push(j, v);
            }
        }
        for &j in ocols {
            let ju = usize::from(j);
            if let Some(d) = s.acc.get_mut(ju) {
                *d = ZERO;
            }
            if let Some(mk) = s.mark.get_mut(ju) {
                *mk = false;
            }
        }
        out.end_row();
    }
}

/// Yuma 2 dividends: `d_i = Σ_j B_ij · incentive_j` (saturating), normalized.
pub fn dividends_yuma2(ema: &Csr, incentive: &[I32F32], out: &mut Vec<I32F32>) {
    out.clear();
    out.extend((0..ema.rows()).map(|i| {
        let (cols, vals) = ema.row(i);
        cols.iter().zip(vals).fold(ZERO, |acc, (&j, &b)| {
            acc.saturating_add(
                incentive
                    .get(usize::from(j))
                    .copied()
                    .unwrap_or(ZERO)
                    .saturating_mul(b),
            )
        })
    }));
    normalize(out);
}

/// Yuma 3 dividends: `d_i = S_i · Σ_j B̂_ij · incentive_j` with `B̂` column-normalized
/// (products saturating, the row sum wrapping, `S_i ·` giving 0 on overflow), normalized.
pub fn dividends_yuma3(
    norm: &Csr,
    incentive: &[I32F32],
    active_stake: &[I32F32],
    out: &mut Vec<I32F32>,
) {
    out.clear();
    out.extend((0..norm.rows()).zip(active_stake.iter()).map(|(i, &s)| {
        let (cols, vals) = norm.row(i);
        let per =
            wrapping_sum(cols.iter().zip(vals).filter_map(|(&j, &b)| {
                incentive.get(usize::from(j)).map(|&x| b.saturating_mul(x))
            }));
        per.checked_mul(s).unwrap_or(ZERO)
    }));
    normalize(out);
}
