//! The Yuma 2 bonds stage on dense rows, over `u64` lanes ([`super`] for the range facts).
//!
//! The same passes as `bonds::yuma2::yuma2_dense` — `ΔB = W_b ∘ S`, `B' = α·colnorm(ΔB) +
//! (1−α)·colnorm(B)`, `colnorm(B')` with the dividends and column maxima, the column max-upscale —
//! on raw bits, each pass a loop over a row's cells and the columns' divisors that the compiler
//! vectorizes (and [`super::dispatch`] recompiles for AVX2 / AVX-512). Each per-cell step is the
//! scalar step's value by the lemmas of [`super`]; the row and column sums are exact (no
//! saturation below `2⁶³`).

use super::{div, mul, LaneDivisors};

/// A marker for a cell without an entry (`B'` not positive), outside every value's range.
pub const NO_ENTRY: u64 = 1 << 63;

/// `B'` of every active row, in place, and its column sums: cell `e` of row `k` (uid
/// `active[k]`) holds `ΔB` on entry; `bonds[uid]` is its stored bond row (empty, or every uid
/// once in order, or any strictly ascending row below n) as u16 values masked by `live` (all
/// ones, or zero for a uid registered since the last tempo); `spread` is scratch of n cells.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub fn ema_pass(
    dense: &mut [u64],
    n: usize,
    active: &[u32],
    bonds: &[alloc::vec::Vec<(u16, u16)>],
    live: &[u64],
    new: &LaneDivisors,
    old: &LaneDivisors,
    alpha: u64,
    one_minus: u64,
    sums: &mut [u64],
    spread: &mut [u64],
) {
    let nd = (
        &new.magic_hi[..],
        &new.magic_lo[..],
        &new.shift[..],
        &new.one[..],
    );
    let od = (
        &old.magic_hi[..],
        &old.magic_lo[..],
        &old.shift[..],
        &old.one[..],
    );
    for (row, &i) in dense.chunks_exact_mut(n).zip(active) {
        let b_row = bonds
            .get(i as usize)
            .map(alloc::vec::Vec::as_slice)
            .filter(|r| !r.is_empty());
        let cells = row
            .iter_mut()
            .zip(nd.0.iter().zip(nd.1).zip(nd.2.iter().zip(nd.3)))
            .zip(sums.iter_mut());
        match b_row {
            None => {
                for ((e, ((mh, ml), (sh, one))), c) in cells {
                    *e = mul(alpha, div(*e, *mh, *ml, *sh, *one));
                    *c = c.wrapping_add(*e);
                }
            }
            Some(b_row) => {
                // The stored row over all n cells (a strictly ascending row below n; a full
                // one is every uid in order).
                if b_row.len() == n {
                    for (x, &(_, b)) in spread.iter_mut().zip(b_row) {
                        *x = u64::from(b);
                    }
                } else {
                    spread.fill(0);
                    for &(j, b) in b_row {
                        if let Some(x) = spread.get_mut(usize::from(j)) {
                            *x = u64::from(b);
                        }
                    }
                }
                let olds = spread
                    .iter()
                    .zip(live)
                    .zip(od.0.iter().zip(od.1).zip(od.2.iter().zip(od.3)));
                for (((e, ((mh, ml), (sh, one))), c), ((&b, l), ((omh, oml), (osh, oone)))) in
                    cells.zip(olds)
                {
                    let stored = b & l;
                    let o = mul(one_minus, div(stored, *omh, *oml, *osh, *oone));
                    *e = mul(alpha, div(*e, *mh, *ml, *sh, *one)).wrapping_add(o);
                    *c = c.wrapping_add(*e);
                }
            }
        }
    }
}

/// `colnorm(B')` in place, each row's dividend `Σ_j incentive_j · colnorm(B')_ij` into
/// `dividends`, the column maxima into `maxes`; cells whose `B'` is 0 become [`NO_ENTRY`].
#[inline(always)]
pub fn colnorm_pass(
    dense: &mut [u64],
    n: usize,
    ema: &LaneDivisors,
    incentive: &[u64],
    maxes: &mut [u64],
    dividends: &mut [u64],
) {
    let ed = (
        &ema.magic_hi[..],
        &ema.magic_lo[..],
        &ema.shift[..],
        &ema.one[..],
    );
    for (row, d_out) in dense.chunks_exact_mut(n).zip(dividends.iter_mut()) {
        let mut d = 0u64;
        let cells = row
            .iter_mut()
            .zip(ed.0.iter().zip(ed.1).zip(ed.2.iter().zip(ed.3)))
            .zip(incentive.iter().zip(maxes.iter_mut()));
        for ((e, ((mh, ml), (sh, one))), (&x, m)) in cells {
            let v = div(*e, *mh, *ml, *sh, *one);
            d = d.wrapping_add(mul(x, v));
            *m = (*m).max(v);
            *e = if *e > 0 { v } else { NO_ENTRY };
        }
        *d_out = d;
    }
}

/// The column max-upscale in place (marked cells kept).
#[inline(always)]
pub fn upscale_pass(dense: &mut [u64], n: usize, maxes: &LaneDivisors) {
    let md = (
        &maxes.magic_hi[..],
        &maxes.magic_lo[..],
        &maxes.shift[..],
        &maxes.one[..],
    );
    for row in dense.chunks_exact_mut(n) {
        let cells = row
            .iter_mut()
            .zip(md.0.iter().zip(md.1).zip(md.2.iter().zip(md.3)));
        for (v, ((mh, ml), (sh, one))) in cells {
            let q = div(*v, *mh, *ml, *sh, *one);
            *v = if *v == NO_ENTRY { NO_ENTRY } else { q };
        }
    }
}
