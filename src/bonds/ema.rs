//! The fixed-alpha EMA `alpha·new + (1−alpha)·old` over sparse rows, with its column sums: the
//! merge both the Yuma 2 and the Yuma 3 stage run.

use alloc::vec::Vec;
use substrate_fixed::types::I32F32;

use super::{dense_scratch, strictly_ascending, BondsScratch};
use crate::buffer::Refill;
use crate::fixed::{fmax, is_pos, mul_unit, sat_add, sat_sub, ONE, ZERO};
use crate::sparse::{Csr, Slots};

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
