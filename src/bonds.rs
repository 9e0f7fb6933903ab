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

use crate::buffer::Refill;
use crate::fixed::{
    fmax, is_pos, mul_or_zero, mul_sat, mul_unit, normalize, sat_add, sat_sub,
    u16_proportion_to_fixed_fast, u16_to_fixed, Divisor, ONE, ZERO,
};
use crate::io::stored_entries;
use crate::lanes::{self, dispatch, Kernels, LaneDivisors};
use crate::runtime::Rules;
use crate::sparse::{col_sums, prepare_divisors, Csr, Slots};
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

/// `alpha·new + (1−alpha)·old` per cell (saturating; `new`'s entries first, then `old`'s), over
/// columns `< columns`, positives kept in ascending column order; `nv(j, w)` and `ov(j, b)`
/// transform the stored values on the fly (e.g. column normalization). The saturating column
/// sums of the result (in storage order) are left in `sums`.
///
/// Rows whose columns strictly ascend (the chain's normal shape) are merged in one linear pass;
/// other rows go through a dense accumulator, which reproduces upstream's handling of repeated
/// and out-of-order entries.
#[allow(clippy::too_many_arguments)]
pub fn ema_fixed<NV, OV>(
    new: &Csr,
    old: &Csr,
    nv: NV,
    ov: OV,
    alpha: I32F32,
    columns: usize,
    s: &mut BondsScratch,
    out: &mut Csr,
    sums: &mut Vec<I32F32>,
) where
    NV: Fn(u16, I32F32) -> I32F32,
    OV: Fn(u16, I32F32) -> I32F32,
{
    let one_minus = sat_sub(ONE, alpha);
    sums.refill(columns, ZERO);
    let cap = new.nnz().saturating_add(old.nnz());
    out.rebuild(cap, |slots| {
        let mut sink = Sink { slots, sums };
        for i in 0..new.rows() {
            let (nc, nvals) = new.row(i);
            let (oc, ovals) = old.row(i);
            if strictly_ascending(nc, columns)
                && strictly_ascending(oc, usize::from(u16::MAX).saturating_add(1))
            {
                // Old entries beyond `columns` drop out (they are a suffix of an ascending row).
                let keep = oc.partition_point(|&j| usize::from(j) < columns);
                let (oc, ovals) = (
                    oc.get(..keep).unwrap_or(&[]),
                    ovals.get(..keep).unwrap_or(&[]),
                );
                // (Empty rows skip the comparison: `==` on slices calls `memcmp`, whose masked
                // vector load is slow on a dangling or end-of-buffer pointer.)
                if !nc.is_empty() && nc == oc {
                    // The steady state: a validator's bonds sit on exactly the uids it weights.
                    for ((&j, &w), &b) in nc.iter().zip(nvals).zip(ovals) {
                        sink.emit(
                            j,
                            sat_add(mul_unit(alpha, nv(j, w)), mul_unit(one_minus, ov(j, b))),
                        );
                    }
                } else {
                    let (mut a, mut b) = (0usize, 0usize);
                    while let (Some(&x), Some(&y)) = (nc.get(a), oc.get(b)) {
                        let w = nvals.get(a).copied().unwrap_or(ZERO);
                        let o = ovals.get(b).copied().unwrap_or(ZERO);
                        if x == y {
                            sink.emit(
                                x,
                                sat_add(mul_unit(alpha, nv(x, w)), mul_unit(one_minus, ov(y, o))),
                            );
                            a = a.wrapping_add(1);
                            b = b.wrapping_add(1);
                        } else if x < y {
                            sink.emit(x, mul_unit(alpha, nv(x, w)));
                            a = a.wrapping_add(1);
                        } else {
                            sink.emit(y, mul_unit(one_minus, ov(y, o)));
                            b = b.wrapping_add(1);
                        }
                    }
                    for (&j, &w) in nc.iter().zip(nvals).skip(a) {
                        sink.emit(j, mul_unit(alpha, nv(j, w)));
                    }
                    for (&j, &o) in oc.iter().zip(ovals).skip(b) {
                        sink.emit(j, mul_unit(one_minus, ov(j, o)));
                    }
                }
            } else {
                dense_scratch(&mut s.acc, &mut s.mark, columns);
                s.touched.clear();
                let news = nc
                    .iter()
                    .zip(nvals)
                    .map(|(&j, &w)| (j, mul_unit(alpha, nv(j, w))));
                let olds = oc
                    .iter()
                    .zip(ovals)
                    .map(|(&j, &b)| (j, mul_unit(one_minus, ov(j, b))));
                for (j, x) in news.chain(olds) {
                    let ju = usize::from(j);
                    if let (Some(d), Some(mk)) = (s.acc.get_mut(ju), s.mark.get_mut(ju)) {
                        *d = sat_add(*d, x);
                        if !*mk {
                            *mk = true;
                            s.touched.push(j);
                        }
                    }
                }
                s.touched.sort_unstable();
                for &j in &s.touched {
                    let ju = usize::from(j);
                    if let Some(d) = s.acc.get_mut(ju) {
                        sink.emit(j, *d);
                        *d = ZERO;
                    }
                    if let Some(mk) = s.mark.get_mut(ju) {
                        *mk = false;
                    }
                }
            }
            sink.slots.end_row();
        }
    });
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

/// Where [`ema_fixed`] writes: the entries (kept when positive) and their column sums.
struct Sink<'a, 'b> {
    slots: &'a mut Slots<'b>,
    sums: &'a mut [I32F32],
}

impl Sink<'_, '_> {
    #[inline(always)]
    fn emit(&mut self, j: u16, v: I32F32) {
        self.slots.push_if(j, v, is_pos(v));
        if let Some(sm) = self.sums.get_mut(usize::from(j)) {
            *sm = sat_add(*sm, fmax(v, ZERO));
        }
    }
}

/// Divides by `d` unless `d` is zero (then the value is kept): one column of upstream's
/// `inplace_col_normalize_sparse`.
#[inline(always)]
fn div_or_keep(divs: &[Divisor], j: u16, v: I32F32) -> I32F32 {
    divs.get(usize::from(j)).map_or(v, |d| d.div(v))
}

/// The Yuma 2 bonds stage: stored bonds column-normalized, `ΔB = W_b ∘ S` column-normalized,
/// `B' = α·ΔB + (1−α)·B` column-normalized, dividends `d = B'ᵀ · incentive` normalized, and `B'`
/// column max-upscaled for storage — in four passes, normalizing on the fly (on dense rows when
/// the bonds have the busy-subnet shape, see `yuma2_dense`; the same result either way).
#[allow(clippy::too_many_arguments)]
pub fn yuma2(
    input: &EpochInput,
    rules: Rules,
    wfb: &Csr,
    active_stake: &[I32F32],
    incentive: &[I32F32],
    s: &mut BondsScratch,
    ema: &mut Csr,
    dividends: &mut Vec<I32F32>,
) {
    if yuma2_dense(
        input,
        rules,
        wfb,
        active_stake,
        incentive,
        s,
        ema,
        dividends,
    ) {
        return;
    }
    let n = usize::from(input.n);
    // ΔB = W_b ∘ S (kept per entry) and its column sums, then the stored bonds and theirs.
    let mut delta = core::mem::take(&mut s.delta);
    delta.row_ptr.clone_from(&wfb.row_ptr);
    delta.col.clone_from(&wfb.col);
    delta.val.refill(wfb.nnz(), ZERO);
    s.sums.refill(n, ZERO);
    for (i, &st) in (0..wfb.rows()).zip(active_stake) {
        let r = wfb.range(i);
        let (cols, vals, out) = (
            wfb.col.get(r.clone()).unwrap_or(&[]),
            wfb.val.get(r.clone()).unwrap_or(&[]),
            delta.val.get_mut(r).unwrap_or(&mut []),
        );
        for ((&j, &w), d) in cols.iter().zip(vals).zip(out) {
            *d = mul_sat(w, st);
            if let Some(c) = s.sums.get_mut(usize::from(j)) {
                *c = sat_add(*c, *d);
            }
        }
    }
    prepare_divisors(&s.sums, &mut s.new_divs);
    let mut old = core::mem::take(&mut s.bonds);
    let mut sums = core::mem::take(&mut s.sums);
    load_bonds(input, rules, false, &mut old, &mut sums);
    prepare_divisors(&sums, &mut s.old_divs);
    let (new_divs, old_divs) = (
        core::mem::take(&mut s.new_divs),
        core::mem::take(&mut s.old_divs),
    );
    let alpha = yuma2_alpha(input.bonds_moving_average);
    ema_fixed(
        &delta,
        &old,
        |j, d| div_or_keep(&new_divs, j, d),
        |j, b| div_or_keep(&old_divs, j, b),
        alpha,
        n,
        s,
        ema,
        &mut sums,
    );
    (s.new_divs, s.old_divs, s.bonds, s.delta) = (new_divs, old_divs, old, delta);
    // Normalize B' by column, accumulate dividends and column maxima.
    prepare_divisors(&sums, &mut s.ema_divs);
    sums.refill(n, ZERO); // now column maxima
    dividends.clear();
    for i in 0..ema.rows() {
        let r = ema.range(i);
        let (cols, vals) = (
            ema.col.get(r.clone()).unwrap_or(&[]),
            ema.val.get_mut(r).unwrap_or(&mut []),
        );
        let mut d = ZERO;
        for (&j, v) in cols.iter().zip(vals.iter_mut()) {
            *v = div_or_keep(&s.ema_divs, j, *v);
            d = sat_add(
                d,
                mul_sat(incentive.get(usize::from(j)).copied().unwrap_or(ZERO), *v),
            );
            if let Some(m) = sums.get_mut(usize::from(j)) {
                *m = fmax(*m, *v);
            }
        }
        dividends.push(d);
    }
    normalize(dividends);
    if s.keep_normalized {
        s.normalized.copy_from(ema);
    }
    ema.divide_cols(&sums, &mut s.ema_divs);
    s.sums = sums;
}

/// How many dense cells per stored entry the lane path takes on (the scalar dense passes: 2).
const LANE_DENSITY: usize = 4;

/// Marks an EMA cell that holds no entry (`B'` not positive) once the cells hold `colnorm(B')`.
const NO_ENTRY: i64 = i64::MIN;

/// [`yuma2`] on dense rows, for the usual shape of a busy subnet: every stored bond row is empty
/// or holds each uid `0..n` once in order, and every row of `W_b` strictly ascends below `n`.
/// Each active row (one with bonds or weights) becomes `n` contiguous cells, so every pass is a
/// zip over a row and the per-column divisors, with no merge and no indexed gather; the result —
/// the same entries, values and dividends as the sparse passes — is emitted as CSR at the end.
/// Returns `false`, having written no output (only its scratch), for any other shape, or when
/// the dense cells would outnumber twice the stored entries.
#[allow(clippy::too_many_arguments)]
fn yuma2_dense(
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
    let bonds = input.bonds.get(..n).unwrap_or(&input.bonds);
    let full = |row: &[(u16, u16)]| {
        row.is_empty()
            || (row.len() == n
                && (0u16..)
                    .zip(row)
                    .fold(true, |ok, (k, &(j, _))| ok & (k == j)))
    };
    // The scalar dense passes need full bond rows; the lane passes spread any strictly
    // ascending row over its cells.
    let all_full = bonds.iter().all(|r| full(r));
    let ascending = |row: &[(u16, u16)]| {
        row.iter()
            .zip(row.iter().skip(1))
            .fold(true, |ok, (a, b)| ok & (a.0 < b.0))
            && row.last().is_none_or(|&(j, _)| usize::from(j) < n)
    };
    if n == 0
        || wfb.rows() != n
        || incentive.len() != n
        || !(all_full || (s.kernels != Kernels::Scalar && bonds.iter().all(|r| ascending(r))))
        || !(0..n).all(|i| strictly_ascending(wfb.row(i).0, n))
    {
        return false;
    }
    // Rows with a stored-bond row or a weight (others yield empty rows and no dividend), and
    // only while `ΔB` is defined for them (`yuma2` pairs rows with `active_stake`).
    s.active.clear();
    let mut stored = wfb.nnz();
    for i in 0..n {
        let b = bonds.get(i).map_or(0, |r| r.len());
        if b != 0 || !wfb.row(i).0.is_empty() {
            s.active.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        stored = stored.saturating_add(b);
    }
    let cells = s.active.len().saturating_mul(n);
    // Dense cells cost about a quarter as much on lanes as on the scalar passes.
    let lanes_on = s.kernels != Kernels::Scalar;
    let budget = stored.saturating_mul(if lanes_on { LANE_DENSITY } else { 2 });
    if active_stake.len() < n || cells > budget {
        return false;
    }
    if lanes_on
        && yuma2_lanes(
            input,
            rules,
            wfb,
            active_stake,
            incentive,
            s,
            ema,
            dividends,
        )
    {
        return true;
    }
    if !all_full || cells > stored.saturating_mul(2) {
        return false;
    }
    let BondsScratch {
        active,
        dense,
        live,
        sums,
        new_divs,
        old_divs,
        ema_divs,
        keep_normalized,
        normalized,
        ..
    } = s;
    // The kept cells of the dense rows as CSR rows `0..n`.
    let emit = |dense: &[I32F32], out: &mut Csr| {
        let mut rows = active.iter().zip(dense.chunks_exact(n)).peekable();
        out.rebuild(cells, |out| {
            for i in 0..n {
                if let Some((_, row)) = rows.next_if(|&(&a, _)| a as usize == i) {
                    for (j, &v) in (0u16..).zip(row) {
                        out.push_if(j, v, v.to_bits() != NO_ENTRY);
                    }
                }
                out.end_row();
            }
        });
    };
    let lt = last_tempo(input, rules);
    live.clear();
    let reg = &input.block_at_registration;
    live.extend((0..n).map(|j| if registered_since(lt, reg, j) { 0 } else { -1 }));
    let bond_row = |i: usize| bonds.get(i).map_or(&[][..], |r| r.as_slice());
    let stored_bond = |b: u16, live: i64| I32F32::from_bits((i64::from(b) << 32) & live);
    // ΔB = W_b ∘ S scattered into zeroed rows, with its column sums in storage order.
    dense.refill(cells, ZERO);
    sums.refill(n, ZERO);
    for (&i, row) in active.iter().zip(dense.chunks_exact_mut(n)) {
        let i = i as usize;
        let st = active_stake.get(i).copied().unwrap_or(ZERO);
        let (cols, vals) = wfb.row(i);
        for (&j, &w) in cols.iter().zip(vals) {
            let ju = usize::from(j);
            if let (Some(d), Some(c)) = (row.get_mut(ju), sums.get_mut(ju)) {
                *d = mul_sat(w, st);
                *c = sat_add(*c, *d);
            }
        }
    }
    prepare_divisors(sums, new_divs);
    // The stored bonds' column sums (uids registered since the last tempo count 0).
    sums.refill(n, ZERO);
    for &i in active.iter() {
        for ((c, &(_, b)), &l) in sums.iter_mut().zip(bond_row(i as usize)).zip(live.iter()) {
            *c = sat_add(*c, stored_bond(b, l));
        }
    }
    prepare_divisors(sums, old_divs);
    // B' = α·colnorm(ΔB) + (1−α)·colnorm(B), and its column sums.
    let alpha = yuma2_alpha(input.bonds_moving_average);
    let one_minus = sat_sub(ONE, alpha);
    sums.refill(n, ZERO);
    for (&i, row) in active.iter().zip(dense.chunks_exact_mut(n)) {
        let b_row = bond_row(i as usize);
        let cols = new_divs.iter().zip(sums.iter_mut());
        if b_row.is_empty() {
            for (e, (dn, c)) in row.iter_mut().zip(cols) {
                *e = mul_unit(alpha, dn.div(*e));
                *c = sat_add(*c, fmax(*e, ZERO));
            }
        } else {
            let olds = b_row.iter().zip(live.iter()).zip(old_divs.iter());
            for ((e, (dn, c)), ((&(_, b), &l), dold)) in row.iter_mut().zip(cols).zip(olds) {
                let old = mul_unit(one_minus, dold.div(stored_bond(b, l)));
                *e = sat_add(mul_unit(alpha, dn.div(*e)), old);
                *c = sat_add(*c, fmax(*e, ZERO));
            }
        }
    }
    // colnorm(B'), dividends `B'ᵀ · incentive` and column maxima; cells without an entry (B' not
    // positive) are marked.
    prepare_divisors(sums, ema_divs);
    sums.refill(n, ZERO);
    dividends.refill(n, ZERO);
    for (&i, row) in active.iter().zip(dense.chunks_exact_mut(n)) {
        let mut d = ZERO;
        let cols = ema_divs.iter().zip(incentive).zip(sums.iter_mut());
        for (e, ((de, &x), m)) in row.iter_mut().zip(cols) {
            // (A negative α — `bonds_moving_average` above 10⁶ — can leave B' negative.)
            let v = de.div(fmax(*e, ZERO));
            d = sat_add(d, mul_unit(x, v));
            *m = fmax(*m, v);
            *e = if is_pos(*e) {
                v
            } else {
                I32F32::from_bits(NO_ENTRY)
            };
        }
        if let Some(slot) = dividends.get_mut(i as usize) {
            *slot = d;
        }
    }
    normalize(dividends);
    if *keep_normalized {
        emit(dense, normalized);
    }
    // Column max-upscale in place (marks kept), then the kept cells emitted as CSR.
    prepare_divisors(sums, ema_divs);
    for row in dense.chunks_exact_mut(n) {
        for (v, dm) in row.iter_mut().zip(ema_divs.iter()) {
            if v.to_bits() != NO_ENTRY {
                *v = dm.div(*v);
            }
        }
    }
    emit(dense, ema);
    true
}

/// [`yuma2_dense`] over `u64` lanes ([`crate::lanes`]): the same passes and the same bits, when
/// the epoch's values lie in the ranges the lane kernels need — every active stake, weight and
/// incentive in `[0, 1]`, the active rows' stake summing to at most 1 (so every `ΔB` column sums
/// to at most 1), `bonds_moving_average` at most 10⁶ (`α ∈ [0, 1]`), fewer than 32 768 active rows
/// (stored-bond column sums below `2³¹ · 2³²`), and no divisor of one bit. Returns `false`
/// (having written no output) otherwise, and the scalar passes run.
#[allow(clippy::too_many_arguments)]
fn yuma2_lanes(
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
