//! Division by an invariant divisor: [`Divisor`] prepares one column's (or row's) divisor once and
//! then divides many values by it with a multiply-high instead of a 128-bit division.
//!
//! **Contract.** [`Divisor::div`] equals [`safe_div`](super::safe_div)(super::safe_div)`(x, d)` for every `x`
//! (0 for a zero divisor or an overflowing quotient); [`Divisor::or_keep`] leaves values unchanged
//! for a zero `d`, as upstream's column normalization and max-upscale skip zero sums.
//!
//! **Why it is exact.** The quotient is `⌊N / D⌋` with `N = x·2³²` (fraction mode, `0 ≤ x < 2³²`)
//! or `N = x`, `D = d / 2³²` (integer mode, both multiples of 2³²) — both fit in 64 bits there.
//! For `D ≥ 2` not a power of two, with `l = ⌊log₂ D⌋` and `m = ⌊2^(64+l) / D⌋`, the magic
//! `M = 2m + 1` (plus one more when twice the remainder reaches `D`) gives
//! `⌊N / D⌋ = ((N − q)/2 + q) >> l` with `q = ⌊N·M / 2⁶⁴⌋` for every `N < 2⁶⁴` — libdivide's
//! branch-free 64-bit algorithm (Granlund–Montgomery); a power of two is a shift. A quotient
//! above `i64::MAX` is overflow (0), as `checked_div` reports. Every other input (negative
//! values, larger fractions, `D < 2`) goes through `safe_div_fast`. Tested against `safe_div` on
//! the edges (`divisor_matches_safe_div_on_edges`) and proptested on random bits.

use substrate_fixed::types::I32F32;

use super::{safe_div_fast, wide_mul_u64, ONE, ZERO};

/// A divisor prepared once for many I32F32 divisions by it ([`Divisor::div`] ≡ [`safe_div`](super::safe_div)).
///
/// The quotient `⌊x·2³² / d⌋` becomes a multiply-high and a shift (division by an invariant
/// integer, Granlund–Montgomery as in libdivide's 64-bit algorithm) whenever the 128-bit
/// dividend reduces to 64 bits:
/// * `0 ≤ x < 2³²` (a value below 1): the dividend is `x·2³²`;
/// * `d` and `x` both multiples of `2³²` (integer-valued, e.g. stored u16 weights and their
///   sums): the dividend is `x` and the divisor `d / 2³²`.
///
/// Anything else falls back to [`safe_div_fast`], so the result is bit-identical to
/// [`safe_div`](super::safe_div) for every `x` (proptested).
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::fixed::{safe_div, Divisor};
/// let d = I32F32::from_bits(3_000_000_007);
/// let div = Divisor::new(d);
/// for x in [0i64, 1, 12345, (1 << 32) - 1, 1 << 32, -7, i64::MAX] {
///     assert_eq!(div.div(I32F32::from_bits(x)), safe_div(I32F32::from_bits(x), d));
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Divisor {
    d: I32F32,
    magic: u64,
    /// The fast path applies to raw bits `a` (as u64) whose rotation `r = a.rotate_right(rot)`
    /// is below `limit`; its dividend is `r << 32`. (Fraction mode: `rot = 0`, `limit = 2³²`,
    /// so `a < 2³²`. Integer mode: `rot = 32`, `limit = 2³¹`, so `a < 2⁶³` with its low 32 bits
    /// zero — and then `r << 32 = a`.)
    limit: u64,
    rot: u8,
    shift: u8,
    /// Dividing by zero keeps the value (upstream's column normalization skips zero sums).
    keep: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DivMode {
    /// Only the generic path applies.
    Fallback,
    /// Dividend `x·2³²` for `0 ≤ x < 2³²`, divisor `d`.
    Fraction,
    /// Dividend `x` for `x` a multiple of `2³²`, divisor `d / 2³²`.
    Integer,
}

impl Default for Divisor {
    fn default() -> Self {
        Divisor::new(ZERO)
    }
}

impl Divisor {
    /// Prepares division by `d`.
    pub fn new(d: I32F32) -> Self {
        let bits = d.to_bits();
        let (mode, base) = if bits <= 0 {
            (DivMode::Fallback, 0)
        } else if bits & 0xFFFF_FFFF == 0 && bits != 1 << 32 {
            (DivMode::Integer, (bits as u64) >> 32)
        } else {
            (DivMode::Fraction, bits as u64)
        };
        let (limit, rot) = match mode {
            DivMode::Fraction => (1u64 << 32, 0),
            DivMode::Integer => (1u64 << 31, 32),
            DivMode::Fallback => (0, 0),
        };
        let mut out = Divisor {
            d,
            magic: 0,
            limit,
            rot,
            shift: 0,
            keep: false,
        };
        if base < 2 {
            // 0: unusable; 1 (d = 2⁻³²): too rare to specialize.
            out.limit = 0;
            return out;
        }
        // Branch-free form (one code path for every divisor ≥ 2):
        // q = ⌊n·magic / 2⁶⁴⌋, result = (((n − q) >> 1) + q) >> shift.
        let l = 63u32.saturating_sub(base.leading_zeros());
        if base.is_power_of_two() {
            out.shift = u8::try_from(l.saturating_sub(1)).unwrap_or(0);
            return out;
        }
        // m = ⌊2^(64+l) / base⌋ < 2^64 and its remainder; then magic = 2m + 1 (+1 if the doubled
        // remainder reaches base).
        let num = 1u128 << (64u32.saturating_add(l));
        let m = num.checked_div(u128::from(base)).unwrap_or(0) as u64;
        let rem = num.checked_rem(u128::from(base)).unwrap_or(0) as u64;
        let twice_rem = rem.wrapping_add(rem);
        let mut m2 = m.wrapping_add(m);
        if twice_rem >= base || twice_rem < rem {
            m2 = m2.wrapping_add(1);
        }
        out.magic = m2.wrapping_add(1);
        out.shift = u8::try_from(l).unwrap_or(0);
        out
    }

    /// Division by `d`, except that a zero `d` leaves every value unchanged — one column of
    /// upstream's `inplace_col_normalize_sparse` / `inplace_col_max_upscale_sparse`, without a
    /// branch on the divisor in the loop.
    ///
    /// ```
    /// use substrate_fixed::types::I32F32;
    /// let keep = yuma::fixed::Divisor::or_keep(I32F32::from_num(0));
    /// assert_eq!(keep.div(I32F32::from_num(3.5)), I32F32::from_num(3.5));
    /// ```
    pub fn or_keep(d: I32F32) -> Self {
        if d != ZERO {
            return Divisor::new(d);
        }
        // Divide by 2³² bits (= 1.0) on the fast path, keep the value on the fallback.
        let mut one = Divisor::new(ONE);
        one.d = ZERO;
        one.keep = true;
        one
    }

    /// `⌊num / base⌋` for any 64-bit `num`.
    #[inline(always)]
    fn div_u64(&self, num: u64) -> u64 {
        let q = (wide_mul_u64(num, self.magic) >> 64) as u64;
        ((num.wrapping_sub(q) >> 1).wrapping_add(q)) >> self.shift
    }

    /// `x / d`, 0 on a zero divisor or overflow — exactly [`safe_div`](super::safe_div)`(x, d)`.
    #[inline(always)]
    pub fn div(&self, x: I32F32) -> I32F32 {
        // Negative values rotate to at least 2³¹ and miss every fast path.
        let r = (x.to_bits() as u64).rotate_right(u32::from(self.rot));
        if r < self.limit {
            let q = self.div_u64(r << 32);
            I32F32::from_bits(if q > i64::MAX as u64 { 0 } else { q as i64 })
        } else if self.keep {
            x
        } else {
            safe_div_fast(x, self.d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::safe_div;

    #[test]
    fn divisor_matches_safe_div_on_edges() {
        let ds = [
            1i64,
            2,
            3,
            7,
            1 << 32,
            3 << 32,
            65535 << 32,
            (1 << 32) + 1,
            4_294_967_295,
            i64::MAX,
            1 << 62,
            123_456_789_012,
            -5,
            0,
        ];
        let xs = [
            0i64,
            1,
            2,
            (1 << 32) - 1,
            1 << 32,
            (1 << 32) + 1,
            65535 << 32,
            i64::MAX,
            -1,
            i64::MIN,
            987_654_321,
        ];
        for &d in &ds {
            let div = Divisor::new(I32F32::from_bits(d));
            for &x in &xs {
                let (x, d) = (I32F32::from_bits(x), I32F32::from_bits(d));
                assert_eq!(div.div(x), safe_div(x, d), "{x:?} / {d:?}");
                assert_eq!(safe_div_fast(x, d), safe_div(x, d), "{x:?} / {d:?}");
            }
        }
    }
}
