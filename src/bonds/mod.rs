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
//!
//! The stage's files: this one holds the alphas, the scratch, the bond cutoff, loading the stored
//! bonds and the penalty interpolation; `ema.rs` the fixed-alpha EMA merge both Yumas use,
//! `yuma2.rs` the Yuma 2 stage (sparse and dense rows), `lanes.rs` its `u64`-lane path and
//! `yuma3.rs` the Yuma 3 stage.

mod ema;
mod lanes;
mod yuma2;
mod yuma3;

pub use ema::ema_fixed;
pub use yuma2::yuma2;
pub use yuma3::yuma3;

use alloc::vec::Vec;
use substrate_fixed::types::{I32F32, I64F64};

use crate::buffer::Refill;
use crate::fixed::{
    is_pos, mul_sat, sat_add, sat_sub, u16_proportion_to_fixed_fast, u16_to_fixed, Divisor, ONE,
    ZERO,
};
use crate::io::stored_entries;
use crate::lanes::{Kernels, LaneDivisors};
use crate::runtime::Rules;
use crate::sparse::Csr;
use crate::EpochInput;

/// Yuma 2 EMA alpha: `1 − I32F32(bma / 1e6)`, every step saturating.
pub fn yuma2_alpha(bonds_moving_average: u64) -> I32F32 {
    let bma = I64F64::saturating_from_num(bonds_moving_average)
        .checked_div(I64F64::saturating_from_num(1_000_000u32))
        .unwrap_or(I64F64::from_bits(0));
    ONE.saturating_sub(I32F32::saturating_from_num(bma))
}

/// Yuma 3 fixed alpha: `1 − I32F32(I64F64(bma) / 1e6)`, converted as the chain's release runtime
/// converts it. Upstream (`compute_disabled_liquid_alpha`) uses `from_num` for both conversions;
/// `substrate-fixed` only asserts against overflow there with debug assertions on, which the
/// runtime's release build has off, so an out-of-range value **wraps**: a `bonds_moving_average`
/// of 2⁶³ or more becomes negative in I64F64, and a quotient of 2³¹ or more loses its high integer
/// bits in I32F32. Those alphas are far outside `[0, 1]`, and the epoch then computes with them,
/// as the chain does.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::bonds::yuma3_fixed_alpha;
/// assert_eq!(yuma3_fixed_alpha(900_000), I32F32::from_num(1) - I32F32::from_num(0.9));
/// // 3·10¹⁵ / 10⁶ = 3·10⁹ wraps to 3·10⁹ − 2³² in I32F32; 1 minus that is 1 294 967 297.
/// assert_eq!(yuma3_fixed_alpha(3_000_000_000_000_000), I32F32::from_num(1_294_967_297));
/// ```
pub fn yuma3_fixed_alpha(bonds_moving_average: u64) -> I32F32 {
    let bma = I64F64::wrapping_from_num(bonds_moving_average);
    let scaled = bma.saturating_div(I64F64::from_bits(1_000_000_i128 << 64));
    ONE.saturating_sub(I32F32::wrapping_from_num(scaled))
}

/// Reusable buffers for the bonds stage.
#[derive(Debug, Default, Clone)]
pub struct BondsScratch {
    /// Stored bonds after conversion and masking.
    pub bonds: Csr,
    /// Yuma 2: also keep `colnorm(B')` — the bonds dividends are computed from, before the
    /// column max-upscale — in `normalized` (for explanations; off in the pipeline).
    pub(crate) keep_normalized: bool,
    /// `colnorm(B')` of the last Yuma 2 epoch, when `keep_normalized` is set.
    pub(crate) normalized: Csr,
    /// Interpolated weights for bonds (only when `0 < penalty < 1`).
    pub interp: Csr,
    delta: Csr,
    pub(crate) acc: Vec<I32F32>,
    acc2: Vec<I32F32>,
    touched: Vec<u16>,
    pub(crate) mark: Vec<bool>,
    pub(crate) visible_w: Vec<(u16, I32F32)>,
    pub(crate) visible_b: Vec<(u16, I32F32)>,
    pub(crate) xs: Vec<I32F32>,
    pub(crate) bs: Vec<I32F32>,
    pub(crate) sigmoids: Vec<I32F32>,
    pub(crate) logistic: crate::fixed::LogisticScratch,
    /// Yuma 2 on dense rows: the active rows, their `rows × n` cells, and per column the mask
    /// that drops bonds on uids registered since the last tempo.
    active: Vec<u32>,
    dense: Vec<I32F32>,
    live: Vec<i64>,
    sums: Vec<I32F32>,
    new_divs: Vec<Divisor>,
    old_divs: Vec<Divisor>,
    ema_divs: Vec<Divisor>,
    /// Which form of the lane kernels runs (set per epoch from the workspace, resolved).
    pub(crate) kernels: Kernels,
    lanes: LaneScratch,
}

/// Buffers of the Yuma 2 lane path (raw bits as `u64`).
#[derive(Debug, Default, Clone)]
struct LaneScratch {
    dense: Vec<u64>,
    sums: Vec<u64>,
    live: Vec<u64>,
    incentive: Vec<u64>,
    maxes: Vec<u64>,
    dividends: Vec<u64>,
    spread: Vec<u64>,
    new: LaneDivisors,
    old: LaneDivisors,
    ema: LaneDivisors,
    max: LaneDivisors,
}

/// The last-tempo block bonds are compared against (upstream's `bond_cutoff_block`): under
/// the newer rules `last_yuma_step_block + 1` (saturating) when that block is stored; otherwise
/// the block after the last mechanism step, or `current_block − tempo` when there was none.
///
/// ```
/// use yuma::runtime::Rules;
/// let input = yuma::EpochInput { current_block: 100, tempo: 10, last_mechanism_step_block: 50,
///     last_yuma_step_block: Some(40), ..Default::default() };
/// assert_eq!(yuma::bonds::last_tempo(&input, Rules::Spec425), 51);
/// assert_eq!(yuma::bonds::last_tempo(&input, Rules::Spec475), 41);
/// ```
pub fn last_tempo(input: &EpochInput, rules: Rules) -> u64 {
    if let (true, Some(b)) = (
        rules.bond_cutoff_from_last_yuma_step(),
        input.last_yuma_step_block,
    ) {
        return b.saturating_add(1);
    }
    if input.last_mechanism_step_block == 0 {
        input.current_block.saturating_sub(u64::from(input.tempo))
    } else {
        input.last_mechanism_step_block.saturating_add(1)
    }
}

/// Whether stored bonds on uid `j` are dropped: it registered at or after `last_tempo`.
#[inline(always)]
fn registered_since(last_tempo: u64, block_at_registration: &[u64], j: usize) -> bool {
    last_tempo <= block_at_registration.get(j).copied().unwrap_or(0)
}

/// Stored bonds (rows `< n`, every column kept) as I32F32 (`proportion` → divided by 65535),
/// without entries whose column uid registered at or after `last_tempo`; also returns the
/// saturating column sums (columns `< n`) in `sums`.
pub fn load_bonds(
    input: &EpochInput,
    rules: Rules,
    proportion: bool,
    out: &mut Csr,
    sums: &mut Vec<I32F32>,
) {
    let n = usize::from(input.n);
    let lt = last_tempo(input, rules);
    let reg = &input.block_at_registration;
    sums.refill(n, ZERO);
    out.rebuild(stored_entries(&input.bonds, n), |out| {
        for i in 0..n {
            for &(j, b) in input.bonds.get(i).map(|r| r.as_slice()).unwrap_or(&[]) {
                let fresh = registered_since(lt, reg, usize::from(j));
                let v = if proportion {
                    u16_proportion_to_fixed_fast(b)
                } else {
                    u16_to_fixed(b)
                };
                out.push_if(j, v, !fresh);
                if let Some(s) = sums.get_mut(usize::from(j)) {
                    *s = sat_add(*s, if fresh { ZERO } else { v });
                }
            }
            out.end_row();
        }
    });
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
    dense_scratch(&mut s.acc, &mut s.mark, columns);
    clear_sized(&mut s.acc2, columns, ZERO);
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
            let v = sat_add(a, mul_sat(ratio, sat_sub(b, a)));
            if is_pos(v) {
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
    // A fold rather than a short-circuiting `all`, so the comparison vectorizes.
    let ascending = cols
        .iter()
        .zip(cols.iter().skip(1))
        .fold(true, |ok, (a, b)| ok & (a < b));
    ascending && cols.last().is_none_or(|&j| usize::from(j) < columns)
}

/// Sizes the dense per-column accumulator and its marks to `columns`, all clear. Users leave
/// them clear after each row, so a matching size means nothing to do.
pub(crate) fn dense_scratch(acc: &mut Vec<I32F32>, mark: &mut Vec<bool>, columns: usize) {
    clear_sized(acc, columns, ZERO);
    clear_sized(mark, columns, false);
}

/// Resizes `v` to `len` entries all equal to `zero`, trusting that a vector of the right size is
/// already clear (every user resets the entries it touched).
fn clear_sized<T: Clone>(v: &mut Vec<T>, len: usize, zero: T) {
    if v.len() != len {
        v.refill(len, zero);
    }
}

/// Divides by `d` unless `d` is zero (then the value is kept): one column of upstream's
/// `inplace_col_normalize_sparse`.
#[inline(always)]
fn div_or_keep(divs: &[Divisor], j: u16, v: I32F32) -> I32F32 {
    divs.get(usize::from(j)).map_or(v, |d| d.div(v))
}
