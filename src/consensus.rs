//! Consensus (stake-weighted median per column at kappa), clipping, validator trust, incentive.
//!
//! Upstream finds each column's median with a mid-pivot partition search over a dense
//! columns × validators table (`weighted_median_col_sparse`). [`weighted_median_columns`] returns
//! exactly what that search returns, for every stake vector, without the table: validators that
//! set no weight on the column score 0, so they are handled as one mass and never
//! materialized, and a column costs `O(k log k)` in the `k` validators that weight it.
//!
//! Which form computes a column is decided once per epoch from the stakes ([`pivot::stake_signs`]):
//! * **Interval** (every epoch whose stake sums do not wrap: stakes `≥ 0`, exact sum at most
//!   `I32F32::MAX`): no stake sum in upstream's search saturates, and the search always returns
//!   the score `v` whose stake interval contains the minority point,
//!
//!   `below(v) ≤ minority < below(v) + stake(v)`,  `minority = Σ stake − kappa`,
//!
//!   where `below(v)` is the stake of validators scoring less than `v` (the lowest or the highest
//!   score when no such `v` exists). [`column_median`] and [`keyed_median`] compute that interval.
//! * **Otherwise** (a wrapped stake normalization: normalized stakes far above 1, sums beyond
//!   I32F32): upstream's `saturating_add` bounds make the answer depend on the pivots the search
//!   visits, and [`pivot::pivot_median`] replays them.
use alloc::vec::Vec;
use substrate_fixed::types::I32F32;

use crate::buffer::Refill;
use crate::fixed::{fmin, is_pos, mul_unit, normalize, sat_add, wrapping_sum, ZERO};
use crate::sparse::Csr;

pub mod pivot;
pub mod wavelet;

use pivot::{PivotScratch, StakeSigns};

/// Scratch buffers for [`weighted_median_columns`].
#[derive(Debug, Default, Clone)]
pub struct MedianScratch {
    use_stake: Vec<I32F32>,
    col_ptr: Vec<u32>,
    fill: Vec<u32>,
    score: Vec<I32F32>,
    stake: Vec<I32F32>,
    owner: Vec<u32>,
    pairs: Vec<(I32F32, I32F32)>,
    keys: Vec<u64>,
    entries: Vec<(u32, I32F32)>,
    pivot: PivotScratch,
}

fn idx(x: u32) -> usize {
    usize::try_from(x).unwrap_or(usize::MAX)
}

/// The weighted median of one column from its `(score, stake)` entries (scores `> 0`), the
/// validator count `members`, the total stake `total` and `minority`. Validators without an entry
/// score 0. `pairs` is reordered in place (an in-place weighted quickselect: `O(k)` on average,
/// `O(k log k)` at worst, as after `2·log₂ k + 8` partition rounds the rest is sorted —
/// [`crate::synth::middle_pivot_killer`] builds a score order that needs the cap).
///
/// Its domain is [`StakeSigns::Interval`]: stakes `≥ 0` whose exact sum, the zero group's
/// included, is at most `I32F32::MAX` (so `total` is that sum); there it equals upstream's
/// search. [`weighted_median_columns`] checks the domain once per epoch and computes every other
/// stake vector with [`pivot::pivot_median`]; outside it this function's result is
/// deterministic but is not upstream's.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// let half = I32F32::from_num(0.5);
/// let mut pairs = vec![(I32F32::from_num(0.25), half)];
/// // Two validators of equal stake, one scores 0.25, one scores 0 (no entry). At kappa 0.5 the
/// // minority point is 0.5: the zero score holds [0, 0.5), 0.25 holds [0.5, 1), so 0.25 wins.
/// let m = yuma::consensus::column_median(&mut pairs, 2, I32F32::from_num(1), half);
/// assert_eq!(m, I32F32::from_num(0.25));
/// // At kappa 0.6 the minority point is 0.4, inside the zero score's interval.
/// let minority = I32F32::from_num(1) - I32F32::from_num(0.6);
/// assert_eq!(yuma::consensus::column_median(&mut pairs, 2, I32F32::from_num(1), minority), I32F32::from_num(0));
/// ```
pub fn column_median(
    pairs: &mut [(I32F32, I32F32)],
    members: usize,
    total: I32F32,
    minority: I32F32,
) -> I32F32 {
    if members == 0 {
        return ZERO;
    }
    let has_zero_group = members > pairs.len();
    let (mut lowest, mut highest, mut positive_stake) = (I32F32::max_value(), ZERO, ZERO);
    for &(v, s) in pairs.iter() {
        lowest = lowest.min(v);
        highest = highest.max(v);
        positive_stake = positive_stake.wrapping_add(s);
    }
    if has_zero_group {
        lowest = ZERO;
    }
    if minority < ZERO {
        return lowest;
    }
    if minority >= total {
        return highest;
    }
    // Stake below the current slice; the zero group holds [0, zero_mass).
    let mut below = if has_zero_group {
        total.wrapping_sub(positive_stake)
    } else {
        ZERO
    };
    if minority < below {
        return ZERO;
    }
    // Partition rounds allowed before the rest is sorted instead (introselect): a score order
    // that defeats the middle pivot round after round cannot make a column cost more than
    // `O(k log k)` — without the cap, `k` validators could cost `k²/2` comparisons.
    let mut rounds = 2usize
        .saturating_mul(usize::BITS.saturating_sub(pairs.len().leading_zeros()) as usize)
        .saturating_add(8);
    let mut slice = pairs;
    loop {
        if rounds == 0 {
            return sorted_scan(slice, below, minority, highest);
        }
        rounds = rounds.saturating_sub(1);
        let Some(&(pivot, _)) = slice.get(slice.len() / 2) else {
            return highest;
        };
        let (lt, gt, lo_mass, eq_mass) = partition3(slice, pivot);
        if minority < below.wrapping_add(lo_mass) {
            slice = slice.get_mut(..lt).unwrap_or(&mut []);
        } else if minority < below.wrapping_add(lo_mass).wrapping_add(eq_mass) {
            return pivot;
        } else {
            below = below.wrapping_add(lo_mass).wrapping_add(eq_mass);
            slice = slice.get_mut(gt..).unwrap_or(&mut []);
        }
    }
}

/// The rest of [`column_median`]'s search by sorting: the score whose stake interval holds the
/// minority point, as the partition rounds find it.
fn sorted_scan(
    slice: &mut [(I32F32, I32F32)],
    below: I32F32,
    minority: I32F32,
    highest: I32F32,
) -> I32F32 {
    slice.sort_unstable_by_key(|&(score, _)| score);
    first_over_minority(slice.iter().copied(), below, minority, highest)
}

/// The score of the first `(score, stake)` of `ascending` (in ascending score order) at which the
/// stake accumulated from `below` (wrapping) first exceeds `minority`; `highest` when none does.
/// The final scan of both medians.
#[inline(always)]
fn first_over_minority(
    ascending: impl IntoIterator<Item = (I32F32, I32F32)>,
    mut below: I32F32,
    minority: I32F32,
    highest: I32F32,
) -> I32F32 {
    for (score, stake) in ascending {
        below = below.wrapping_add(stake);
        if minority < below {
            return score;
        }
    }
    highest
}

/// Three-way partition around `pivot`: `[..lt) < pivot`, `[lt..gt) == pivot`, `[gt..) > pivot`,
/// returning `lt`, `gt` and the stake below and at the pivot.
fn partition3(v: &mut [(I32F32, I32F32)], pivot: I32F32) -> (usize, usize, I32F32, I32F32) {
    let (mut lt, mut i, mut gt) = (0usize, 0usize, v.len());
    let (mut lo_mass, mut eq_mass) = (ZERO, ZERO);
    while i < gt {
        let Some(&(x, s)) = v.get(i) else { break };
        if x < pivot {
            lo_mass = lo_mass.wrapping_add(s);
            swap_ends(v.get_mut(lt..=i));
            lt = lt.saturating_add(1);
            i = i.saturating_add(1);
        } else if x > pivot {
            gt = gt.saturating_sub(1);
            swap_ends(v.get_mut(i..=gt));
        } else {
            eq_mass = eq_mass.wrapping_add(s);
            i = i.saturating_add(1);
        }
    }
    (lt, gt, lo_mass, eq_mass)
}

/// Swaps the first and last element of a window (nothing for fewer than two): `slice::swap`
/// without a panicking index.
fn swap_ends<T>(window: Option<&mut [T]>) {
    if let Some([first, .., last]) = window {
        core::mem::swap(first, last);
    }
}

/// The weight rows of the validators the median counts (positive active stake), in uid order.
fn voter_rows<'a>(
    active_stake: &'a [I32F32],
    weights: &'a Csr,
) -> impl Iterator<Item = (&'a [u16], &'a [I32F32])> + 'a {
    active_stake
        .iter()
        .enumerate()
        .filter(|(_, x)| is_pos(**x))
        .map(|(i, _)| weights.row(i))
}

/// Stake-weighted median per column (`columns` wide) of `weights` over validators with positive
/// `active_stake`, at quantile `kappa`: upstream's `weighted_median_col_sparse`, bit for bit, for
/// every stake vector (see the module docs for the forms it chooses between). Within a row a
/// repeated column counts once (the last entry wins), as in upstream's score table.
///
/// Weights are non-negative, as [`crate::weights::masked_weights`] produces them: a negative
/// weight counts as a zero score here (upstream's search would rank it below zero).
pub fn weighted_median_columns(
    active_stake: &[I32F32],
    weights: &Csr,
    columns: usize,
    kappa: I32F32,
    s: &mut MedianScratch,
    out: &mut Vec<I32F32>,
) {
    out.refill(columns, ZERO);
    // Validators with positive stake, renormalized (as upstream does).
    s.use_stake.clear();
    s.use_stake
        .extend(active_stake.iter().copied().filter(|x| is_pos(*x)));
    let members = s.use_stake.len();
    normalize(&mut s.use_stake);
    let total = wrapping_sum(s.use_stake.iter().copied());
    let minority = total.saturating_sub(kappa);
    if members == 0 {
        return;
    }
    let signs = pivot::stake_signs(&s.use_stake);
    let interval = signs.1 == StakeSigns::Interval;

    let simple = interval
        && voter_rows(active_stake, weights).all(|(cols, vals)| {
            crate::bonds::strictly_ascending(cols, columns)
                && vals.iter().all(|v| (0..1 << 48).contains(&v.to_bits()))
        });
    if simple && members <= usize::from(u16::MAX) {
        keyed_medians(
            active_stake,
            weights,
            columns,
            members,
            total,
            minority,
            s,
            out,
        );
        return;
    }

    // General rows (repeated or unsorted columns): column counts (upper bound: duplicates
    // counted), then a CSC fill where a repeated column overwrites.
    s.col_ptr.refill(columns.saturating_add(1), 0);
    for (cols, _) in voter_rows(active_stake, weights) {
        for &j in cols {
            if let Some(c) = s.col_ptr.get_mut(usize::from(j).saturating_add(1)) {
                *c = c.saturating_add(1);
            }
        }
    }
    let mut acc = 0u32;
    for c in s.col_ptr.iter_mut() {
        acc = acc.saturating_add(*c);
        *c = acc;
    }
    let cap = idx(acc);
    s.score.refill(cap, ZERO);
    s.stake.refill(cap, ZERO);
    s.owner.refill(cap, u32::MAX);
    s.fill.clear();
    s.fill.extend(s.col_ptr.iter().take(columns).copied());
    let mut k = 0u32;
    for (i, &st) in active_stake.iter().enumerate() {
        if st <= ZERO {
            continue;
        }
        let my_stake = s.use_stake.get(idx(k)).copied().unwrap_or(ZERO);
        let (cols, vals) = weights.row(i);
        for (&j, &v) in cols.iter().zip(vals) {
            let ju = usize::from(j);
            let (Some(f), Some(&start)) = (s.fill.get_mut(ju), s.col_ptr.get(ju)) else {
                continue;
            };
            // A repeated column in the same row overwrites the earlier entry.
            let prev = idx(f.saturating_sub(1));
            if *f > start && s.owner.get(prev) == Some(&k) {
                if let Some(x) = s.score.get_mut(prev) {
                    *x = v;
                }
                continue;
            }
            let at = idx(*f);
            if let (Some(a), Some(b), Some(o)) = (
                s.score.get_mut(at),
                s.stake.get_mut(at),
                s.owner.get_mut(at),
            ) {
                *a = v;
                *b = my_stake;
                *o = k;
            }
            *f = f.saturating_add(1);
        }
        k = k.saturating_add(1);
    }
    for (c, med) in out.iter_mut().enumerate() {
        let start = s.col_ptr.get(c).copied().map(idx).unwrap_or(0);
        let end = s.fill.get(c).copied().map(idx).unwrap_or(start);
        if interval {
            s.pairs.clear();
            for t in start..end {
                if let (Some(&v), Some(&w)) = (s.score.get(t), s.stake.get(t)) {
                    if v > ZERO {
                        s.pairs.push((v, w));
                    }
                }
            }
            *med = column_median(&mut s.pairs, members, total, minority);
        } else {
            // Entries in validator order (the fill runs validator by validator).
            s.entries.clear();
            for t in start..end {
                if let (Some(&v), Some(&k)) = (s.score.get(t), s.owner.get(t)) {
                    if v > ZERO {
                        s.entries.push((k, v));
                    }
                }
            }
            *med = pivot::pivot_median(
                &s.entries,
                &s.use_stake,
                signs,
                total,
                minority,
                &mut s.pivot,
            );
        }
    }
}

/// Medians for rows whose columns strictly ascend and whose scores are below 2⁴⁸: each column's
/// positive scores become `u64` keys `score << 16 | validator` (stake looked up by validator),
/// resolved in place by [`keyed_median`].
#[allow(clippy::too_many_arguments)]
fn keyed_medians(
    active_stake: &[I32F32],
    weights: &Csr,
    columns: usize,
    members: usize,
    total: I32F32,
    minority: I32F32,
    s: &mut MedianScratch,
    out: &mut [I32F32],
) {
    // Column counts of positive scores, then their offsets: `col_ptr[j]..col_ptr[j + 1]`.
    s.col_ptr.refill(columns.saturating_add(1), 0);
    let col_ptr = s.col_ptr.as_mut_slice();
    for (cols, vals) in voter_rows(active_stake, weights) {
        for (&j, v) in cols.iter().zip(vals) {
            if let Some(c) = col_ptr.get_mut(usize::from(j).wrapping_add(1)) {
                *c = c.wrapping_add(u32::from(is_pos(*v)));
            }
        }
    }
    let mut acc = 0u32;
    for c in col_ptr.iter_mut() {
        acc = acc.wrapping_add(*c);
        *c = acc;
    }
    // Keys column by column, `fill[j]` the next free slot of column `j`.
    s.keys.refill(idx(acc), 0);
    s.fill.clear();
    s.fill.extend(col_ptr.iter().take(columns).copied());
    let (keys, fill) = (s.keys.as_mut_slice(), s.fill.as_mut_slice());
    for ((cols, vals), k) in voter_rows(active_stake, weights).zip(0u64..) {
        for (&j, v) in cols.iter().zip(vals) {
            if is_pos(*v) {
                if let Some(f) = fill.get_mut(usize::from(j)) {
                    if let Some(slot) = keys.get_mut(idx(*f)) {
                        *slot = ((v.to_bits() as u64) << 16) | k;
                    }
                    *f = f.wrapping_add(1);
                }
            }
        }
    }
    for (c, med) in out.iter_mut().enumerate() {
        let start = s.col_ptr.get(c).copied().map(idx).unwrap_or(0);
        let end = s.fill.get(c).copied().map(idx).unwrap_or(start);
        let keys = s.keys.get_mut(start..end).unwrap_or(&mut []);
        *med = keyed_median(keys, &s.use_stake, members, total, minority);
    }
}

/// [`column_median`] on keys `score << 16 | validator` (scores `> 0`), stakes looked up by
/// validator, accumulated in key order until the stake first exceeds the minority. The same
/// domain as [`column_median`] ([`StakeSigns::Interval`]).
///
/// Columns of at least [`BUCKETED_MIN`] keys whose stakes are non-negative and cannot wrap are
/// first split into 64 buckets of consecutive key ranges: the stake per bucket locates the bucket
/// holding the answer, and only that bucket's keys are sorted and scanned. Otherwise every key is
/// sorted. Either way `keys` is permuted in place (its order afterwards is unspecified) and the
/// result is the same.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// let stake = [I32F32::from_num(0.25), I32F32::from_num(0.75)];
/// // Validator 0 scores 0.5, validator 1 scores 0.125: at kappa 0.5 the heavier one wins.
/// let mut keys = vec![(I32F32::from_num(0.5).to_bits() as u64) << 16, (I32F32::from_num(0.125).to_bits() as u64) << 16 | 1];
/// let m = yuma::consensus::keyed_median(&mut keys, &stake, 2, I32F32::from_num(1), I32F32::from_num(0.5));
/// assert_eq!(m, I32F32::from_num(0.125));
/// ```
pub fn keyed_median(
    keys: &mut [u64],
    stake: &[I32F32],
    members: usize,
    total: I32F32,
    minority: I32F32,
) -> I32F32 {
    let score = |key: u64| I32F32::from_bits((key >> 16) as i64);
    let weight = |key: u64| {
        stake
            .get((key & 0xFFFF) as usize)
            .map_or(0, |s| s.to_bits())
    };
    if members == 0 {
        return ZERO;
    }
    let (mut lo_key, mut hi_key, mut positive, mut any_bits) = (u64::MAX, 0u64, 0i64, 0u64);
    for &key in keys.iter() {
        lo_key = lo_key.min(key);
        hi_key = hi_key.max(key);
        let w = weight(key);
        positive = positive.wrapping_add(w);
        any_bits |= w as u64;
    }
    let has_zero_group = members > keys.len();
    let lowest = if has_zero_group || keys.is_empty() {
        ZERO
    } else {
        score(lo_key)
    };
    let highest = if keys.is_empty() { ZERO } else { score(hi_key) };
    if minority < ZERO {
        return lowest;
    }
    if minority >= total {
        return highest;
    }
    let minority = minority.to_bits();
    let mut below = if has_zero_group {
        total.to_bits().wrapping_sub(positive)
    } else {
        0
    };
    if minority < below {
        return ZERO;
    }
    // Ascending keys order by score (ties by validator, which does not change the answer):
    // the median is the score at which the cumulative stake first exceeds the minority.
    let mut tail: &mut [u64] = keys;
    // Every stake below 2⁴⁷ and at most 2¹⁶ keys: the running sum never wraps and only grows,
    // so whole buckets can be skipped by their stake.
    if tail.len() >= BUCKETED_MIN
        && tail.len() <= 1 << 16
        && any_bits < 1 << 47
        && below.checked_add(positive).is_some()
    {
        // Keys lie in `[lo_key, hi_key]`; the top `BUCKET_BITS` bits of the offset pick the bucket.
        let width = u64::BITS.saturating_sub(hi_key.wrapping_sub(lo_key).leading_zeros());
        let shift = width.saturating_sub(BUCKET_BITS);
        let bucket = |key: u64| (key.wrapping_sub(lo_key) >> shift) as usize & (BUCKETS - 1);
        let mut mass = [0i64; BUCKETS];
        for &key in tail.iter() {
            if let Some(m) = mass.get_mut(bucket(key)) {
                *m = m.wrapping_add(weight(key));
            }
        }
        let mut target = BUCKETS;
        for (b, &m) in mass.iter().enumerate() {
            if minority < below.wrapping_add(m) {
                target = b;
                break;
            }
            below = below.wrapping_add(m);
        }
        // Move the target bucket's keys (typically one or two) to the front.
        let mut front = 0usize;
        for i in 0..tail.len() {
            if tail.get(i).is_some_and(|&key| bucket(key) == target) {
                swap_ends(tail.get_mut(front..=i));
                front = front.wrapping_add(1);
            }
        }
        tail = tail.get_mut(..front).unwrap_or(&mut []);
    }
    tail.sort_unstable();
    first_over_minority(
        tail.iter()
            .map(|&key| (score(key), I32F32::from_bits(weight(key)))),
        I32F32::from_bits(below),
        I32F32::from_bits(minority),
        highest,
    )
}

/// The smallest column [`keyed_median`] resolves through buckets rather than one full sort.
pub const BUCKETED_MIN: usize = 32;
const BUCKET_BITS: u32 = 6;
const BUCKETS: usize = 1 << BUCKET_BITS;

/// Clips each weight at its column's consensus (a weight above a non-positive consensus is
/// dropped), and in the same pass sums each clipped row (validator trust, wrapping) and the
/// ranks `r_j = Σ_i w_ij · s_i` (saturating, in row order), normalized into the incentive.
pub fn clip_trust_incentive(
    weights: &Csr,
    consensus: &[I32F32],
    active_stake: &[I32F32],
    clipped: &mut Csr,
    trust: &mut Vec<I32F32>,
    incentive: &mut Vec<I32F32>,
) {
    trust.clear();
    incentive.refill(consensus.len(), ZERO);
    // Written branch-free into slots sized for every weight, then cut to what was kept.
    clipped.rebuild(weights.nnz(), |clipped| {
        for i in 0..weights.rows() {
            let s = active_stake.get(i).copied().unwrap_or(ZERO);
            let (cols, vals) = weights.row(i);
            let mut sum = ZERO;
            for (&j, &w) in cols.iter().zip(vals) {
                let c = consensus.get(usize::from(j)).copied().unwrap_or(ZERO);
                // Above a positive consensus: clipped to it; above a non-positive one: dropped.
                let keep = c.to_bits() >= w.to_bits() || is_pos(c);
                let kept = if keep { fmin(w, c) } else { ZERO };
                clipped.push_if(j, kept, keep);
                sum = sum.wrapping_add(kept);
                if let Some(r) = incentive.get_mut(usize::from(j)) {
                    *r = sat_add(*r, mul_unit(s, kept));
                }
            }
            clipped.end_row();
            trust.push(sum);
        }
    });
    normalize(incentive);
}
