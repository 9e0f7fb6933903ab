//! The chain's conversions between stored integers (u16 proportions, rao amounts, u64 stakes) and
//! the fixed-point types, one named function each (the names are upstream's).
//!
//! **Contract.** Each conversion returns upstream's bits for every input: `u16_to_fixed`,
//! `u16_proportion_to_fixed` (`x / 65535`), `fixed_to_u16_proportion`, `fixed_proportion_to_u16`
//! (`saturating(x · 65535)` truncated), the I64F64 ↔ I32F32 / u64 conversions (saturating),
//! `tao_weight` (through U96F32, so only 32 fractional bits survive) and `share_of_rao`
//! (`I96F32(x) · I96F32(rao)`, saturated to u64, truncated).
//!
//! **Why the fast forms are exact.** [`u16_proportion_to_fixed_fast`] uses
//! `2³² = 65535 · 65537 + 1`, so `⌊x·2³²/65535⌋ = 65537·x + ⌊x/65535⌋` — checked for all 65536
//! inputs (`fast_proportion_equals_division_for_every_u16`). [`fixed_proportion_to_u16_fast`]
//! clamps `x` to `[0, 1]` first: every `x ≤ 0` maps to 0 and every `x ≥ 1` to 65535 in the
//! saturating form too, and inside `[0, 1]` the product stays below 2⁴⁸, so no saturation can
//! occur (proptested against the saturating form).

use substrate_fixed::types::{I32F32, I64F64, I96F32, U96F32};

use super::{mul_sat, safe_div, ONE, U16_MAX};

/// A u16 stored as an integer-valued I32F32 (`u16_to_fixed`): `65535 → 65535.0`.
#[inline]
pub fn u16_to_fixed(x: u16) -> I32F32 {
    I32F32::from_bits(i64::from(x) << 32)
}

/// A u16 proportion of `u16::MAX` as I32F32: `x / 65535` (`u16_proportion_to_fixed`).
///
/// ```
/// assert_eq!(yuma::fixed::u16_proportion_to_fixed(65535), yuma::fixed::ONE);
/// ```
#[inline]
pub fn u16_proportion_to_fixed(x: u16) -> I32F32 {
    safe_div(u16_to_fixed(x), U16_MAX)
}

/// [`u16_proportion_to_fixed`] without a division: `2³² = 65535 · 65537 + 1`, so
/// `⌊x·2³² / 65535⌋ = 65537·x + ⌊x / 65535⌋`, and the last term is 1 only for `x = 65535`.
/// Bit-identical for every u16 (tested exhaustively).
///
/// ```
/// use yuma::fixed::{u16_proportion_to_fixed, u16_proportion_to_fixed_fast};
/// assert_eq!(u16_proportion_to_fixed_fast(12345), u16_proportion_to_fixed(12345));
/// ```
#[inline(always)]
pub fn u16_proportion_to_fixed_fast(x: u16) -> I32F32 {
    let x = i64::from(x);
    I32F32::from_bits(x.wrapping_mul(65_537).wrapping_add(i64::from(x == 65_535)))
}

/// `x / 65535` (`fixed_to_fixed_u16_proportion`): a stored u16 value as a proportion.
#[inline]
pub fn fixed_to_u16_proportion(x: I32F32) -> I32F32 {
    safe_div(x, U16_MAX)
}

/// A proportion in `[0, 1]` to u16: `saturating(x · 65535)`, truncated, saturating to `0..=65535`
/// (`fixed_proportion_to_u16`).
///
/// ```
/// assert_eq!(yuma::fixed::fixed_proportion_to_u16(yuma::fixed::ONE), 65535);
/// ```
#[inline]
pub fn fixed_proportion_to_u16(x: I32F32) -> u16 {
    mul_sat(x, U16_MAX).saturating_to_num::<u16>()
}

/// [`fixed_proportion_to_u16`] on the raw bits: `⌊x·65535⌋` (the product saturating at the I32F32
/// range) clamped to `0..=65535`. Bit-identical for every input (proptested). Every `x ≤ 0`
/// gives 0 and every `x ≥ 1` gives 65535, so `x` is clamped to `[0, 1]` first and the product,
/// below 2⁴⁸, needs no overflow check (a checked 64-bit multiply is a 128-bit one on wasm32).
///
/// ```
/// use yuma::fixed::{fixed_proportion_to_u16, fixed_proportion_to_u16_fast, ONE};
/// assert_eq!(fixed_proportion_to_u16_fast(ONE), fixed_proportion_to_u16(ONE));
/// ```
#[inline(always)]
pub fn fixed_proportion_to_u16_fast(x: I32F32) -> u16 {
    let p = x.to_bits().clamp(0, ONE.to_bits()).wrapping_mul(65_535);
    // 0 ≤ p ≤ 65535·2³², so p >> 32 fits u16 (the cast is exact; no branch, so loops vectorize).
    (p >> 32) as u16
}

/// I64F64 → I32F32, saturating (`fixed64_to_fixed32`).
#[inline]
pub fn fixed64_to_fixed32(x: I64F64) -> I32F32 {
    I32F32::saturating_from_num(x)
}

/// I64F64 → u64, saturating, fraction truncated (`fixed64_to_u64`).
#[inline]
pub fn fixed64_to_u64(x: I64F64) -> u64 {
    x.saturating_to_num::<u64>()
}

/// A u64 as I64F64, saturating at `I64F64::MAX` for values above `i64::MAX`.
#[inline]
pub fn u64_to_fixed64(x: u64) -> I64F64 {
    I64F64::saturating_from_num(x)
}

/// The chain's tao weight: `U96F32(raw) / U96F32(u64::MAX)`, as I64F64 (32 fractional bits survive).
#[inline]
pub fn tao_weight(raw: u64) -> I64F64 {
    let w = U96F32::saturating_from_num(raw)
        .checked_div(U96F32::saturating_from_num(u64::MAX))
        .unwrap_or(U96F32::from_bits(0));
    I64F64::saturating_from_num(w)
}

/// A normalized share times a rao amount: `saturating(I96F32(x) · I96F32(rao))` as u64, truncated,
/// negative results give 0.
///
/// ```
/// assert_eq!(yuma::fixed::share_of_rao(yuma::fixed::ONE, 1_000), 1_000);
/// ```
#[inline]
pub fn share_of_rao(x: I32F32, rao: u64) -> u64 {
    I96F32::saturating_from_num(x)
        .saturating_mul(I96F32::saturating_from_num(rao))
        .saturating_to_num::<u64>()
}

/// Raw bits of an I32F32 slice (for traces).
pub fn to_bits(v: &[I32F32]) -> alloc::vec::Vec<i64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_proportion_equals_division_for_every_u16() {
        for x in 0..=u16::MAX {
            assert_eq!(
                u16_proportion_to_fixed_fast(x),
                u16_proportion_to_fixed(x),
                "{x}"
            );
        }
    }

    #[test]
    fn proportion_roundtrip() {
        for x in [0u16, 1, 2, 100, 32767, 32768, 65534, 65535] {
            let f = u16_proportion_to_fixed(x);
            let back = fixed_proportion_to_u16(f);
            assert!(back == x || back.wrapping_add(1) == x, "{x} -> {back}");
        }
    }

    #[test]
    fn tao_weight_bounds() {
        assert_eq!(tao_weight(u64::MAX), I64F64::from_num(1));
        assert_eq!(tao_weight(0), I64F64::from_num(0));
    }
}
