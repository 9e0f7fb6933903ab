//! Masks + row normalization, and clipping / validator trust / ranks, on dense weight rows over
//! `u64` lanes ([`super`] for the range facts).
//!
//! A *dense* row holds every uid `0..n` once, in order (the usual validator row of a busy
//! subnet): its per-column inputs (registration blocks, consensus, incentive accumulators) are
//! then contiguous, so each pass is a loop the compiler vectorizes. Other rows take the scalar
//! code, row by row, inside the same pass.
//!
//! * **Masks**: the keep bit of each entry is the scalar mask's (`j ≠ i` unless owner,
//!   `last_update_i > registered_j`, `commit_i ≥ registered_j`); the row sum of kept u16 weights is
//!   an integer `S`, and the scalar code divides each kept `w·2³²` by `S·2³²` when `0 < S < 2³¹`
//!   (the I32F32 sum positive): `⌊w·2³² / S⌋` — [`super::div`] with `x = w` and divisor `S`
//!   (`S = 1` is `w·2³²` itself). All values are computed, then the kept ones are written (the
//!   same entries, in order).
//! * **Clipping**: with consensus and weights in `[0, 1]` an entry is kept unless its consensus
//!   is 0 and its weight positive, clipped to `min(w, c)`; the trust is the row's plain sum, and
//!   each rank gains `mul(s_i, kept)` (active stake `s_i ∈ [0, 1]` summing to at most 1 over the
//!   rows, so the scalar code's saturating rank sums never saturate).

use alloc::vec::Vec;

use substrate_fixed::types::I32F32;

use super::{div, mul, LaneDivisor};
use crate::buffer::Refill;
use crate::fixed::{fmin, is_pos, u16_to_fixed, Divisor};
use crate::io::stored_entries;
use crate::sparse::{Csr, Slots};
use crate::stake::has_permit;
use crate::weights::EntryMask;
use crate::EpochInput;

/// Scratch rows of the lane passes.
#[derive(Debug, Default, Clone)]
pub struct RowScratch {
    vals: Vec<u64>,
    keeps: Vec<u64>,
    ranks: Vec<u64>,
}

/// Whether a row's columns strictly ascend below `n` (so they can be spread over `n` cells).
#[inline(always)]
fn ascending_below(cols: &[u16], n: usize) -> bool {
    cols.iter()
        .zip(cols.iter().skip(1))
        .fold(true, |ok, (a, b)| ok & (a < b))
        && cols.last().is_none_or(|&j| usize::from(j) < n)
}

/// Whether a row holds every uid `0..n` once, in order.
#[inline(always)]
fn dense_row(cols: impl ExactSizeIterator<Item = u16>, n: usize) -> bool {
    // A fold rather than a short-circuiting `all`, so the comparison vectorizes.
    cols.len() == n
        && cols
            .zip(0usize..)
            .fold(true, |ok, (j, k)| ok & (usize::from(j) == k))
}

/// [`crate::weights::masked_weights`] with dense rows over lanes, in the form `form`.
pub fn masked_weights(
    form: super::Kernels,
    input: &EpochInput,
    last_update: &[u64],
    out: &mut Csr,
    s: &mut RowScratch,
) {
    let n = usize::from(input.n);
    out.rebuild(stored_entries(&input.weights, n), |out| {
        super::dispatch::masked_rows(form, input, last_update, out, s);
    });
}

/// The rows of [`masked_weights`] into `out` (a plain function, not a closure, so the dispatched
/// forms compile it with their target features).
#[inline(always)]
pub fn masked_rows(
    input: &EpochInput,
    last_update: &[u64],
    out: &mut Slots<'_>,
    s: &mut RowScratch,
) {
    let n = usize::from(input.n);
    let RowScratch { vals, keeps, .. } = s;
    {
        for i in 0..n {
            let row = input.weights.get(i).map(|r| r.as_slice()).unwrap_or(&[]);
            if !has_permit(&input.validator_permit, input.owner_uid, i) || row.is_empty() {
                out.end_row();
                continue;
            }
            let mask = EntryMask::new(input, last_update, i);
            let reg = mask.registered();
            if reg.len() == n && dense_row(row.iter().map(|e| e.0), n) {
                vals.refill(n, 0);
                keeps.refill(n, 0);
                let (self_ok, updated, commit) = (mask.is_owner(), mask.updated(), mask.commit());
                let mut sum = 0u64;
                for (k, ((&(_, w), &r), (v, kp))) in row
                    .iter()
                    .zip(reg)
                    .zip(vals.iter_mut().zip(keeps.iter_mut()))
                    .enumerate()
                {
                    let keep = ((k != i) | self_ok) & (updated > r) & (commit >= r);
                    let w = u64::from(w);
                    *v = w;
                    *kp = u64::from(keep);
                    sum = sum.wrapping_add(if keep { w } else { 0 });
                }
                match LaneDivisor::new(sum) {
                    Some(d) if sum > 0 && sum < (1 << 31) => {
                        let (mh, ml) = (d.magic >> 32, d.magic & 0xFFFF_FFFF);
                        for v in vals.iter_mut() {
                            *v = div(*v, mh, ml, d.shift, d.one);
                        }
                    }
                    // S = 1, or no normalization (S = 0, or the I32F32 sum not positive).
                    _ => {
                        for v in vals.iter_mut() {
                            *v <<= 32;
                        }
                    }
                }
                write_row(out, vals, keeps);
                out.end_row();
                continue;
            }
            // Any other row: the scalar masks.
            let start = out.len();
            let mut sum = 0u64;
            for &(j, w) in row {
                let ju = usize::from(j);
                let Some(&registered) = reg.get(ju) else {
                    continue;
                };
                let keep = mask.keeps_registered(ju, registered);
                out.push_if(j, u16_to_fixed(w), keep);
                sum = sum.wrapping_add(if keep { u64::from(w) } else { 0 });
            }
            let sum = I32F32::from_bits(sum.wrapping_shl(32) as i64);
            if is_pos(sum) {
                let d = Divisor::new(sum);
                for v in out.vals_since(start).iter_mut() {
                    *v = d.div(*v);
                }
            }
            out.end_row();
        }
    }
}

/// Writes a dense row's entries `(k, vals[k])` whose keep bit is set, in order: every cell with
/// one vectorizable store, then the dropped ones cut out by moving the runs between them (a row
/// of a busy subnet drops few: the validator's own weight, uids without an entry).
#[inline(always)]
fn write_row(out: &mut Slots<'_>, vals: &[u64], keeps: &[u64]) {
    let n = vals.len();
    let Some((cols, out_vals)) = out.next_slots(n) else {
        for ((k, &v), &kp) in (0u16..).zip(vals).zip(keeps) {
            out.push_if(k, I32F32::from_bits(v as i64), kp != 0);
        }
        return;
    };
    for ((c, o), (k, &v)) in cols
        .iter_mut()
        .zip(out_vals.iter_mut())
        .zip((0u16..).zip(vals))
    {
        *c = k;
        *o = I32F32::from_bits(v as i64);
    }
    // Cut out the dropped cells: runs of kept cells move down over them.
    let mut kept = 0usize;
    let mut k = 0usize;
    while k < n {
        let run = keeps
            .get(k..)
            .and_then(|rest| rest.iter().position(|&x| x == 0))
            .unwrap_or(n.saturating_sub(k));
        if kept != k && run > 0 {
            cols.copy_within(k..k.saturating_add(run), kept);
            out_vals.copy_within(k..k.saturating_add(run), kept);
        }
        kept = kept.saturating_add(run);
        k = k.saturating_add(run).saturating_add(1);
    }
    out.commit(kept);
}

/// [`crate::consensus::clip_trust_incentive`] with dense rows over lanes, when every weight,
/// consensus and active stake lies in `[0, 1]` and the active stakes sum to at most 1 (the
/// caller checks): ranks accumulate exactly, then are normalized as the scalar code does.
pub fn clip_trust_ranks(
    form: super::Kernels,
    weights: &Csr,
    consensus: &[u64],
    active_stake: &[u64],
    clipped: &mut Csr,
    trust: &mut Vec<I32F32>,
    s: &mut RowScratch,
) {
    trust.clear();
    s.ranks.refill(consensus.len(), 0);
    clipped.rebuild(weights.nnz(), |clipped| {
        super::dispatch::clip_rows(form, weights, consensus, active_stake, clipped, trust, s);
    });
}

/// The rows of [`clip_trust_ranks`] into `clipped` (a plain function, for the dispatched forms).
#[inline(always)]
pub fn clip_rows(
    weights: &Csr,
    consensus: &[u64],
    active_stake: &[u64],
    clipped: &mut Slots<'_>,
    trust: &mut Vec<I32F32>,
    s: &mut RowScratch,
) {
    let n = consensus.len();
    let RowScratch {
        vals: lane_vals,
        keeps,
        ranks,
    } = s;
    {
        for i in 0..weights.rows() {
            let st = active_stake.get(i).copied().unwrap_or(0);
            let (cols, vals) = weights.row(i);
            let mut sum = 0u64;
            if cols.len().saturating_mul(2) >= n && ascending_below(cols, n) {
                // The row spread over all n cells (absent ones: weight 0, not kept).
                lane_vals.refill(n, 0);
                keeps.refill(n, 0);
                if cols.len() == n {
                    for ((v, kp), &w) in lane_vals.iter_mut().zip(keeps.iter_mut()).zip(vals) {
                        *v = w.to_bits() as u64;
                        *kp = 1;
                    }
                } else {
                    for (&j, &w) in cols.iter().zip(vals) {
                        let ju = usize::from(j);
                        if let (Some(v), Some(kp)) = (lane_vals.get_mut(ju), keeps.get_mut(ju)) {
                            *v = w.to_bits() as u64;
                            *kp = 1;
                        }
                    }
                }
                for (((v, kp), &c), r) in lane_vals
                    .iter_mut()
                    .zip(keeps.iter_mut())
                    .zip(consensus)
                    .zip(ranks.iter_mut())
                {
                    let w = *v;
                    // `|`, not `||`: both sides are cheap, and no branch keeps the loop vector.
                    let keep = (*kp != 0) & ((c >= w) | (c > 0));
                    let kept = if keep { w.min(c) } else { 0 };
                    *v = kept;
                    *kp = u64::from(keep);
                    sum = sum.wrapping_add(kept);
                    *r = r.wrapping_add(mul(st, kept));
                }
                write_row(clipped, lane_vals, keeps);
            } else {
                for (&j, &w) in cols.iter().zip(vals) {
                    let c = consensus.get(usize::from(j)).copied().unwrap_or(0);
                    let cf = I32F32::from_bits(c as i64);
                    let keep = c as i64 >= w.to_bits() || is_pos(cf);
                    let kept = if keep {
                        fmin(w, cf)
                    } else {
                        I32F32::from_bits(0)
                    };
                    clipped.push_if(j, kept, keep);
                    let k = u64::try_from(kept.to_bits()).unwrap_or(0);
                    sum = sum.wrapping_add(k);
                    if let Some(r) = ranks.get_mut(usize::from(j)) {
                        *r = r.wrapping_add(mul(st, k));
                    }
                }
            }
            clipped.end_row();
            trust.push(I32F32::from_bits(sum as i64));
        }
    }
}

/// The ranks [`clip_trust_ranks`] accumulated, as I32F32.
pub fn ranks_into(s: &RowScratch, out: &mut Vec<I32F32>) {
    out.clear();
    out.extend(
        s.ranks
            .iter()
            .map(|&r| I32F32::from_bits(i64::try_from(r).unwrap_or(i64::MAX))),
    );
}
