//! Division, saturating addition, comparison and sums on I32F32 / I64F64, as the chain does them.
//!
//! **Contract.** Each function returns the bits the chain's expression returns for every input:
//! * [`safe_div`] is subtensor's `SafeDiv` (`checked_div().unwrap_or_default()`): a zero divisor
//!   *or an overflowing quotient* gives 0; [`safe_div_64`] the same on I64F64;
//! * [`sat_add`], [`sat_sub`], [`fmax`], [`fmin`], [`is_pos`] are `saturating_add`,
//!   `saturating_sub`, `Ord::max`, `Ord::min` and `> 0` of `substrate-fixed`;
//! * [`wrapping_sum`] / [`wrapping_sum_64`] are `Iterator::sum`, which wraps in the runtime
//!   (built without overflow checks); [`normalize`] is `inplace_normalize` (each value divided by
//!   that sum, left alone when it is 0).
//!
//! **Why the fast forms are exact.** An I32F32 is its raw `i64` bits over 2³²: addition,
//! subtraction, comparison and their saturation act on the bits exactly as on `i64`, which is
//! what `substrate-fixed` itself computes. Division is `⌊a·2³² / b⌋` (toward zero) checked against
//! the `i64` range; [`safe_div_fast`] cancels the power of two `a` and `b` share (the quotient is
//! unchanged) and, when the reduced dividend is below 2³², `(a' << 32) / b'` is a 64-bit
//! division of the same numbers — a quotient above `i64::MAX` is still reported as overflow (0).
//! Everything else goes through `checked_div`. `tests/properties.rs` checks the division forms
//! against `checked_div` on random and edge bits.

use substrate_fixed::types::{I32F32, I64F64};

use super::ZERO;

/// `x / y`, or 0 when `y == 0` or the quotient overflows (the chain's `safe_div`).
///
/// ```
/// use yuma::fixed::{safe_div, ONE, ZERO};
/// assert_eq!(safe_div(ONE, ZERO), ZERO);
/// ```
#[inline]
pub fn safe_div(x: I32F32, y: I32F32) -> I32F32 {
    x.checked_div(y).unwrap_or(ZERO)
}

/// [`safe_div`] with a fast path: when `x ≥ 0`, `y > 0` and, after cancelling the powers of two
/// they share, the dividend fits in 32 bits, the quotient `⌊x·2³² / y⌋` is one 64-bit hardware
/// division instead of a 128-bit one. Bit-identical to [`safe_div`] for every input (a quotient
/// above `i64::MAX` is an overflow and gives 0, exactly as `checked_div` does).
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::fixed::{safe_div, safe_div_fast};
/// for (x, y) in [(1, 3), (65535, 7), (-5, 2), (i64::MAX, 1), (1 << 40, 1 << 8), (3, 0)] {
///     let (x, y) = (I32F32::from_bits(x), I32F32::from_bits(y));
///     assert_eq!(safe_div_fast(x, y), safe_div(x, y));
/// }
/// ```
#[inline]
pub fn safe_div_fast(x: I32F32, y: I32F32) -> I32F32 {
    let (a, b) = (x.to_bits(), y.to_bits());
    if a >= 0 && b > 0 {
        let t = (a | b).trailing_zeros();
        let (a2, b2) = ((a as u64) >> t, (b as u64) >> t);
        if a2 < (1 << 32) {
            let q = (a2 << 32).checked_div(b2).unwrap_or(0);
            return match i64::try_from(q) {
                Ok(bits) => I32F32::from_bits(bits),
                Err(_) => ZERO,
            };
        }
    }
    safe_div(x, y)
}

/// `a + b` saturating, on the raw bits: the same value as `I32F32::saturating_add`, which
/// `substrate-fixed` computes through a generic overflow select.
#[inline(always)]
pub fn sat_add(a: I32F32, b: I32F32) -> I32F32 {
    I32F32::from_bits(a.to_bits().saturating_add(b.to_bits()))
}

/// `a − b` saturating, on the raw bits (`I32F32::saturating_sub`).
#[inline(always)]
pub fn sat_sub(a: I32F32, b: I32F32) -> I32F32 {
    I32F32::from_bits(a.to_bits().saturating_sub(b.to_bits()))
}

/// The larger of two values, compared on the raw bits (`Ord::max`; `substrate-fixed`'s ordering
/// goes through a cross-type comparison).
#[inline(always)]
pub fn fmax(a: I32F32, b: I32F32) -> I32F32 {
    I32F32::from_bits(a.to_bits().max(b.to_bits()))
}

/// The smaller of two values, compared on the raw bits (`Ord::min`).
#[inline(always)]
pub fn fmin(a: I32F32, b: I32F32) -> I32F32 {
    I32F32::from_bits(a.to_bits().min(b.to_bits()))
}

/// `x > 0`, on the raw bits.
#[inline(always)]
pub fn is_pos(x: I32F32) -> bool {
    x.to_bits() > 0
}

/// `x / y` on I64F64, 0 on a zero divisor or overflow.
#[inline]
pub fn safe_div_64(x: I64F64, y: I64F64) -> I64F64 {
    x.checked_div(y).unwrap_or(I64F64::from_bits(0))
}

/// Sum that wraps on overflow, exactly like `Iterator::sum` in the (overflow-unchecked) runtime.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// let big = I32F32::max_value();
/// assert_eq!(yuma::fixed::wrapping_sum([big, I32F32::from_bits(1)].iter().copied()), I32F32::min_value());
/// ```
#[inline]
pub fn wrapping_sum<I: IntoIterator<Item = I32F32>>(it: I) -> I32F32 {
    it.into_iter().fold(ZERO, |a, b| a.wrapping_add(b))
}

/// Normalizes in place to sum 1: each value divided ([`safe_div`]) by the wrapping sum; left
/// unchanged when that sum is 0 (`inplace_normalize`).
///
/// ```
/// use substrate_fixed::types::I32F32;
/// let mut v = [I32F32::from_num(1), I32F32::from_num(3)];
/// yuma::fixed::normalize(&mut v);
/// assert_eq!(v[1], I32F32::from_num(0.75));
/// ```
pub fn normalize(v: &mut [I32F32]) {
    let sum = wrapping_sum(v.iter().copied());
    if sum != ZERO {
        for x in v.iter_mut() {
            *x = safe_div(*x, sum);
        }
    }
}

/// Wrapping sum on I64F64.
#[inline]
pub fn wrapping_sum_64<I: IntoIterator<Item = I64F64>>(it: I) -> I64F64 {
    it.into_iter()
        .fold(I64F64::from_bits(0), |a, b| a.wrapping_add(b))
}

/// Normalizes I64F64 values in place: each divided ([`safe_div_64`]) by their wrapping sum, left
/// unchanged when that sum is 0 (`inplace_normalize_64`).
///
/// ```
/// use substrate_fixed::types::I64F64;
/// let mut v = [I64F64::from_num(1), I64F64::from_num(3)];
/// yuma::fixed::normalize_64(&mut v);
/// assert_eq!(v[0], I64F64::from_num(0.25));
/// ```
pub fn normalize_64(v: &mut [I64F64]) {
    let sum = wrapping_sum_64(v.iter().copied());
    if sum != I64F64::from_bits(0) {
        for x in v.iter_mut() {
            *x = safe_div_64(*x, sum);
        }
    }
}
