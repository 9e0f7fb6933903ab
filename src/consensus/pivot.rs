//! Upstream's weighted median, exactly, for every stake vector: the mid-pivot partition search
//! of `epoch/math.rs::weighted_median` replayed pivot by pivot, with its saturating stake sums,
//! without the dense table.
//!
//! ## Why a replay
//! When the validators' stakes are non-negative and their exact sum fits I32F32 (every epoch
//! whose total stake does not wrap), upstream's search returns the score whose stake interval
//! holds the minority point, whatever pivots it visits; [`column_median`](super::column_median)
//! and [`keyed_median`](super::keyed_median) compute that interval directly. Outside that domain —
//! stakes summing past 2⁶⁴ rao wrap the I64F64 stake sum, the normalized stakes grow far above 1
//! and their sums leave the I32F32 range (golden vectors `edge-stake-sum-wrap-median-*`) — the
//! search's `saturating_add` bounds stop describing an interval, and its answer depends on the
//! pivots it visits: the score of the middle element, **in validator order**, of the current
//! partition. [`pivot_median`] visits the same pivots.
//!
//! ## How it stays `O(k log k)`
//! Every partition upstream visits is the set of validators whose score lies in an open interval
//! `(a, b)` of earlier pivots, kept in validator order. With the column's `k` positive scores
//! sorted once, that set is a range of sorted positions — plus the validators without an entry
//! (score 0) while no pivot has sent the search upward. The pivot (the middle element by
//! validator) is then an order statistic of the validator indices in a position range, answered
//! by a [`Wavelet`] matrix in `O(log n)`: [`Wavelet::kth_smallest`] without the zero group,
//! [`Wavelet::kth_missing`] (the validators *not* above `b`) with it. The stake below and above
//! the pivot are prefix sums over the sorted positions. Upstream's stakes in one column all share
//! a sign (they are positive stakes divided by one wrapped sum), and a saturating sum of
//! same-sign terms is the exact sum clamped to I32F32, whatever the order; so each round costs
//! `O(log n)` and a column at most `O(k log k)`, even for a score order that defeats the middle
//! pivot round after round. Stakes of mixed signs (which no epoch produces; the kernel is public)
//! make upstream's sums depend on validator order, and are replayed on a dense column in
//! `O(members)` per round.

use alloc::vec::Vec;
use substrate_fixed::types::I32F32;

use super::wavelet::Wavelet;
use crate::buffer::Refill;
use crate::fixed::{sat_add, sat_sub, ZERO};

/// The sign class of a column's stakes: what [`pivot_median`] may assume of their sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StakeSigns {
    /// Every stake `≥ 0` and their exact sum at most `I32F32::MAX`: no stake sum in upstream's
    /// search saturates or wraps, and the interval kernels are exact.
    Interval,
    /// Every stake `≥ 0` or every stake `≤ 0`, sums beyond I32F32: saturating sums are the exact
    /// sums clamped, in any order.
    SameSign,
    /// Both signs: upstream's sums depend on validator order.
    Mixed,
}

/// The exact sum of `stake` (as I32F32 bits, in `i128`) and its [`StakeSigns`] class.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::consensus::pivot::{stake_signs, StakeSigns};
/// let half = I32F32::from_num(0.5);
/// assert_eq!(stake_signs(&[half, half]).1, StakeSigns::Interval);
/// let big = I32F32::from_num(1_500_000_000);
/// assert_eq!(stake_signs(&[big, big]).1, StakeSigns::SameSign); // 3·10⁹ > I32F32::MAX
/// assert_eq!(stake_signs(&[half, -half]).1, StakeSigns::Mixed);
/// ```
pub fn stake_signs(stake: &[I32F32]) -> (i128, StakeSigns) {
    let (mut sum, mut neg, mut pos) = (0i128, false, false);
    for s in stake {
        let b = s.to_bits();
        sum = sum.wrapping_add(i128::from(b));
        neg |= b < 0;
        pos |= b > 0;
    }
    let class = if neg && pos {
        StakeSigns::Mixed
    } else if !neg && sum <= i128::from(i64::MAX) {
        StakeSigns::Interval
    } else {
        StakeSigns::SameSign
    };
    (sum, class)
}

/// Reused buffers of [`pivot_median`].
#[derive(Debug, Default, Clone)]
pub struct PivotScratch {
    /// The column's valid entries in validator order.
    entries: Vec<(u32, I32F32)>,
    /// The same sorted by `(score, validator)`.
    sorted: Vec<(I32F32, u32)>,
    validators: Vec<u32>,
    /// `prefix[p]`: exact stake of `sorted[..p]`.
    prefix: Vec<i128>,
    wavelet: Wavelet,
    dense: Vec<I32F32>,
    current: Vec<u32>,
    lower: Vec<u32>,
    upper: Vec<u32>,
}

/// Upstream's `weighted_median` of one column, bit for bit, for any stakes.
///
/// * `entries`: the validators that score the column positively, as `(validator, score)` with
///   `score > 0`, in strictly ascending validator order (the others score 0);
/// * `stake`: every member's stake, indexed by validator (`members = stake.len()`);
/// * `stake_sum`: [`stake_signs`]`(stake)`, computed once for all columns;
/// * `total`: the wrapping sum of `stake` (upstream's `stake_sum`, the initial upper bound) and
///   `minority = total.saturating_sub(kappa)`.
///
/// Entries out of order or naming a validator `≥ members` are ignored.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::consensus::pivot::{pivot_median, stake_signs, PivotScratch};
/// // Three validators whose normalized stakes sum past I32F32::MAX (a wrapped stake total).
/// let big = I32F32::from_bits(0x5555_5555_5555_5555);
/// let stake = [big, big, big];
/// let total = big.wrapping_add(big).wrapping_add(big);
/// let minority = total.saturating_sub(I32F32::from_num(0.5));
/// let entries = [(0, I32F32::from_num(0.25)), (1, I32F32::from_num(0.5)), (2, I32F32::from_num(0.75))];
/// let mut s = PivotScratch::default();
/// let m = pivot_median(&entries, &stake, stake_signs(&stake), total, minority, &mut s);
/// let idx = [0, 1, 2];
/// let scores = [entries[0].1, entries[1].1, entries[2].1];
/// assert_eq!(m, yuma::reference::math::weighted_median(&stake, &scores, &idx, minority, I32F32::from_num(0), total));
/// ```
pub fn pivot_median(
    entries: &[(u32, I32F32)],
    stake: &[I32F32],
    stake_sum: (i128, StakeSigns),
    total: I32F32,
    minority: I32F32,
    s: &mut PivotScratch,
) -> I32F32 {
    let members = stake.len();
    if stake_sum.1 == StakeSigns::Mixed {
        return replay_dense(entries, stake, total, minority, s);
    }
    // Entries in validator order, valid ones only, sorted by score.
    s.entries.clear();
    let mut last: Option<u32> = None;
    for &(k, v) in entries {
        if usize::try_from(k).is_ok_and(|k| k < members) && last.is_none_or(|l| l < k) && v > ZERO {
            s.entries.push((k, v));
            last = Some(k);
        }
    }
    let entries = &s.entries;
    let by_validator = |k: u32| -> I32F32 {
        match entries.binary_search_by_key(&k, |e| e.0) {
            Ok(p) => entries.get(p).map_or(ZERO, |e| e.1),
            Err(_) => ZERO,
        }
    };
    s.sorted.clear();
    s.sorted.extend(entries.iter().map(|&(k, v)| (v, k)));
    s.sorted.sort_unstable();
    s.validators.clear();
    s.validators.extend(s.sorted.iter().map(|e| e.1));
    s.prefix.clear();
    s.prefix.push(0);
    let mut acc = 0i128;
    for &(_, k) in &s.sorted {
        let st = stake.get(k as usize).map_or(0, |x| x.to_bits());
        acc = acc.wrapping_add(i128::from(st));
        s.prefix.push(acc);
    }
    let universe = u64::try_from(members).unwrap_or(u64::MAX);
    s.wavelet.build(&s.validators, universe);
    let kk = s.sorted.len();
    let zero_count = members.saturating_sub(kk);
    let zero_stake = stake_sum.0.wrapping_sub(acc);
    let prefix = |p: usize| s.prefix.get(p).copied().unwrap_or(0);
    let clamp =
        |x: i128| I32F32::from_bits(x.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64);
    // First sorted position in `pl..pr` whose score is `>= v` (or `> v` with `strict`).
    let search = |pl: usize, pr: usize, v: I32F32, strict: bool| -> usize {
        let part = s.sorted.get(pl..pr).unwrap_or(&[]);
        pl.wrapping_add(part.partition_point(|e| if strict { e.0 <= v } else { e.0 < v }))
    };

    // The partition: sorted positions `pl..pr`, plus the zero group while `zeros_in`.
    let (mut pl, mut pr, mut zeros_in) = (0usize, kk, true);
    let (mut lo, mut hi) = (ZERO, total);
    let mut rounds = 0usize;
    loop {
        let size = pr
            .wrapping_sub(pl)
            .wrapping_add(if zeros_in { zero_count } else { 0 });
        if size == 0 {
            return ZERO;
        }
        // The middle element by validator order.
        let t = size / 2;
        let pivot_validator = if zeros_in {
            // Members not above the partition (`pl == 0` while the zero group is in).
            s.wavelet.kth_missing(pr, kk, t)
        } else {
            s.wavelet.kth_smallest(pl, pr, t)
        };
        let pivot = pivot_validator.map_or(ZERO, by_validator);
        let (lower_end, upper_start) = if pivot > ZERO {
            (search(pl, pr, pivot, false), search(pl, pr, pivot, true))
        } else {
            (pl, pl)
        };
        let zeros_below = zeros_in && pivot > ZERO && zero_count > 0;
        let lower_stake = prefix(lower_end)
            .wrapping_sub(prefix(pl))
            .wrapping_add(if zeros_below { zero_stake } else { 0 });
        let lower_any = lower_end > pl || zeros_below;
        let upper_stake = prefix(pr).wrapping_sub(prefix(upper_start));
        let upper_any = pr > upper_start;
        if minority < sat_add(lo, clamp(lower_stake)) && lower_any {
            hi = sat_add(lo, clamp(lower_stake));
            pr = lower_end;
        } else if sat_sub(hi, clamp(upper_stake)) <= minority && upper_any {
            lo = sat_sub(hi, clamp(upper_stake));
            pl = upper_start;
            zeros_in = false;
        } else {
            return pivot;
        }
        rounds = rounds.saturating_add(1);
        if rounds > members {
            return ZERO;
        }
    }
}

/// [`pivot_median`] for stakes of both signs: upstream's loop on a dense column, partitions in
/// validator order, sums saturating in that order.
fn replay_dense(
    entries: &[(u32, I32F32)],
    stake: &[I32F32],
    total: I32F32,
    minority: I32F32,
    s: &mut PivotScratch,
) -> I32F32 {
    let members = stake.len();
    s.dense.refill(members, ZERO);
    let mut last: Option<u32> = None;
    for &(k, v) in entries {
        if last.is_none_or(|l| l < k) && v > ZERO {
            if let Some(d) = s.dense.get_mut(k as usize) {
                *d = v;
                last = Some(k);
            }
        }
    }
    let PivotScratch {
        dense,
        current,
        lower,
        upper,
        ..
    } = s;
    current.clear();
    current.extend((0..members).map(|k| u32::try_from(k).unwrap_or(u32::MAX)));
    let score = |k: u32| dense.get(k as usize).copied().unwrap_or(ZERO);
    let weight = |k: u32| stake.get(k as usize).copied().unwrap_or(ZERO);
    let (mut lo, mut hi) = (ZERO, total);
    let mut rounds = 0usize;
    loop {
        let Some(&mid) = current.get(current.len() / 2) else {
            return ZERO;
        };
        let pivot = score(mid);
        let (mut lo_stake, mut hi_stake) = (ZERO, ZERO);
        lower.clear();
        upper.clear();
        for &k in current.iter() {
            let v = score(k);
            if v < pivot {
                lo_stake = sat_add(lo_stake, weight(k));
                lower.push(k);
            } else if v > pivot {
                hi_stake = sat_add(hi_stake, weight(k));
                upper.push(k);
            }
        }
        if minority < sat_add(lo, lo_stake) && !lower.is_empty() {
            hi = sat_add(lo, lo_stake);
            core::mem::swap(current, lower);
        } else if sat_sub(hi, hi_stake) <= minority && !upper.is_empty() {
            lo = sat_sub(hi, hi_stake);
            core::mem::swap(current, upper);
        } else {
            return pivot;
        }
        rounds = rounds.saturating_add(1);
        if rounds > members {
            return ZERO;
        }
    }
}
