//! Stake weights, validator permits and active stake.
//!
//! * total stake `s_i = alpha_i + tao_i · tao_weight` in I64F64 (saturating);
//! * stake below `stake_threshold` counts as 0, except the owner's;
//! * normalized with a wrapping I64F64 sum, then saturated to I32F32;
//! * new permits: the `k` largest non-zero stakes (stable ascending sort, so on a tie at the
//!   cutoff the lower uid loses), plus the owner;
//! * active stake: stake of active uids holding a (stored) permit, normalized.

use alloc::vec::Vec;
use substrate_fixed::types::{I32F32, I64F64};

use crate::fixed::{
    fixed64_to_fixed32, fixed64_to_u64, normalize, safe_div_64, tao_weight, u64_to_fixed64,
    wrapping_sum_64, ZERO,
};
use crate::EpochInput;

/// Total stake per uid: `alpha + tao · tao_weight`, I64F64, saturating.
///
/// ```
/// let input = yuma::EpochInput { n: 1, alpha_stake: vec![5], tao_stake: vec![7], tao_weight: u64::MAX, ..Default::default() };
/// let mut total = Vec::new();
/// yuma::stake::total_stake(&input, &mut total);
/// assert_eq!(total[0].to_num::<u64>(), 12);
/// ```
pub fn total_stake(input: &EpochInput, out: &mut Vec<I64F64>) {
    let tw = tao_weight(input.tao_weight);
    out.clear();
    out.extend(
        input
            .alpha_stake
            .iter()
            .zip(input.tao_stake.iter())
            .map(|(&a, &t)| u64_to_fixed64(a).saturating_add(u64_to_fixed64(t).saturating_mul(tw))),
    );
}

/// Normalized stake weight per uid (threshold applied, owner exempt), as I32F32.
pub fn stake_weights(input: &EpochInput, total: &[I64F64], out: &mut Vec<I32F32>) {
    let zero = I64F64::from_bits(0);
    let filtered = |uid: usize, s: I64F64| {
        let is_owner = input.owner_uid.map(usize::from) == Some(uid);
        if !is_owner && fixed64_to_u64(s) < input.stake_threshold {
            zero
        } else {
            s
        }
    };
    let sum = wrapping_sum_64(total.iter().enumerate().map(|(i, &s)| filtered(i, s)));
    out.clear();
    out.extend(total.iter().enumerate().map(|(i, &s)| {
        let f = filtered(i, s);
        fixed64_to_fixed32(if sum == zero { f } else { safe_div_64(f, sum) })
    }));
}

/// New validator permits: top-`k` non-zero stakes, owner forced. `idx` is scratch.
///
/// ```
/// use yuma::fixed::{ONE, ZERO};
/// let mut permits = Vec::new();
/// yuma::stake::new_permits(&[ONE, ZERO, ONE], 1, None, &mut Vec::new(), &mut permits);
/// assert_eq!(permits, vec![false, false, true]); // tie at the cutoff: the lower uid loses
/// ```
pub fn new_permits(
    stake: &[I32F32],
    k: usize,
    owner: Option<u16>,
    idx: &mut Vec<u32>,
    out: &mut Vec<bool>,
) {
    let n = stake.len();
    out.clear();
    out.extend(stake.iter().map(|s| *s != ZERO));
    if n >= k {
        let losers = n.saturating_sub(k);
        idx.clear();
        idx.extend((0..n).map(|i| u32::try_from(i).unwrap_or(u32::MAX)));
        // Stable ascending sort by stake == ascending by (stake, uid).
        let key = |i: &u32| {
            let s = stake
                .get(usize::try_from(*i).unwrap_or(usize::MAX))
                .copied()
                .unwrap_or(ZERO);
            (s, *i)
        };
        if losers > 0 && losers < n {
            idx.select_nth_unstable_by_key(losers, key);
        }
        for &i in idx.iter().take(losers) {
            if let Some(p) = out.get_mut(usize::try_from(i).unwrap_or(usize::MAX)) {
                *p = false;
            }
        }
    }
    if let Some(p) = owner.and_then(|o| out.get_mut(usize::from(o))) {
        *p = true;
    }
}

/// Whether uid `i` holds a stored permit (owner forced if its index exists).
#[inline]
pub fn has_permit(permits: &[bool], owner: Option<u16>, i: usize) -> bool {
    match permits.get(i) {
        Some(&p) => p || owner.map(usize::from) == Some(i),
        None => false,
    }
}

/// Whether a uid whose last weight update was at `last_update` is active (within the cutoff).
#[inline]
pub fn is_active(input: &EpochInput, last_update: u64) -> bool {
    last_update.saturating_add(input.activity_cutoff) >= input.current_block
}

/// Whether uid `i`'s stake counts in the active stake: it holds a stored permit (the owner's
/// forced when `owner` names it), or the stored permit vector is empty (upstream's empty mask
/// masks nothing).
#[inline]
pub fn counts_in_active_stake(input: &EpochInput, owner: Option<u16>, i: usize) -> bool {
    let permits = &input.validator_permit;
    permits.is_empty() || has_permit(permits, owner, i)
}

/// Active stake: stake of active uids with a stored permit, normalized. An empty stored permit
/// vector masks nothing here (upstream's empty-mask case). `owner` is the uid whose stored
/// permit is forced: the subnet owner under Yuma, none under Null consensus.
pub fn active_stake(
    input: &EpochInput,
    owner: Option<u16>,
    stake: &[I32F32],
    active: &[bool],
    out: &mut Vec<I32F32>,
) {
    out.clear();
    out.extend(stake.iter().enumerate().map(|(i, &s)| {
        let is_active = active.get(i).copied().unwrap_or(false);
        if is_active && counts_in_active_stake(input, owner, i) {
            s
        } else {
            ZERO
        }
    }));
    normalize(out);
}
