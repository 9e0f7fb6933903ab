//! The Yuma 2 bonds stage: the sparse passes, and the same passes on dense rows for a busy
//! subnet's shape.

use alloc::vec::Vec;
use substrate_fixed::types::I32F32;

use super::lanes::yuma2_lanes;
use super::{
    div_or_keep, ema_fixed, last_tempo, load_bonds, registered_since, strictly_ascending,
    yuma2_alpha, BondsScratch,
};
use crate::buffer::Refill;
use crate::fixed::{fmax, is_pos, mul_sat, mul_unit, normalize, sat_add, sat_sub, ONE, ZERO};
use crate::lanes::Kernels;
use crate::runtime::Rules;
use crate::sparse::{prepare_divisors, Csr};
use crate::EpochInput;

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

/// How many dense cells per stored entry the dense passes take on: 2 for full bond rows (scalar
/// or lanes), 1 for partial rows spread over their cells (lanes only). Measured on
/// b4096-v256-y2 (256 partial rows of 1024 of 4096 uids: 2 cells per stored entry), spreading
/// cost more than the sparse passes save in every form (portable 15.4–16.7 ms, AVX2 8.9–9.8,
/// AVX-512 7.6–8.7, against 7.0–7.6 ms sparse), so such rows stay sparse.
const DENSITY_FULL: usize = 2;
/// See [`DENSITY_FULL`].
const DENSITY_PARTIAL: usize = 1;

/// Marks an EMA cell that holds no entry (`B'` not positive) once the cells hold `colnorm(B')`.
const NO_ENTRY: i64 = i64::MIN;

/// [`yuma2`] on dense rows, for the usual shape of a busy subnet: every stored bond row is empty
/// or holds each uid `0..n` once in order, and every row of `W_b` strictly ascends below `n`.
/// Each active row (one with bonds or weights) becomes `n` contiguous cells, so every pass is a
/// zip over a row and the per-column divisors, with no merge and no indexed gather; the result —
/// the same entries, values and dividends as the sparse passes — is emitted as CSR at the end.
/// Returns `false`, having written no output (only its scratch), for any other shape, or when
/// the dense cells would outnumber twice the stored entries (full rows) or the stored entries
/// (partial rows, lanes only).
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
    let lanes_on = s.kernels != Kernels::Scalar;
    let budget = stored.saturating_mul(if all_full {
        DENSITY_FULL
    } else {
        DENSITY_PARTIAL
    });
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
