//! Fixed-point helpers: the chain's conversions and its overflow conventions, one named function each.
//!
//! Every helper states how it behaves at the edges in its name or doc:
//! * `safe_div` — division where a zero divisor **or an overflowing quotient** gives 0
//!   (the chain's `SafeDiv` is `checked_div().unwrap_or_default()`);
//! * `wrapping_sum` — plain `Iterator::sum` on the chain, which is compiled without overflow
//!   checks and therefore wraps;
//! * `saturating_*` — saturating conversions and arithmetic, as named by `substrate-fixed`.

use crate::sparse::Refill;
use substrate_fixed::transcendental::exp;
use substrate_fixed::types::{I32F32, I64F64, I96F32, U96F32};

/// `0` as I32F32.
pub const ZERO: I32F32 = I32F32::from_bits(0);
/// `1` as I32F32.
pub const ONE: I32F32 = I32F32::from_bits(1 << 32);
/// `u16::MAX` (65535) as I32F32.
pub const U16_MAX: I32F32 = I32F32::from_bits(65_535 << 32);

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

/// Whether `u128` multiplies are native instructions here (64-bit targets other than
/// WebAssembly), unless `--cfg yuma_portable_mul` asks for the portable forms.
const NATIVE_WIDE_MUL: bool = cfg!(all(
    target_pointer_width = "64",
    not(target_family = "wasm"),
    not(yuma_portable_mul)
));

/// `a · b` as the full 128-bit product — the crate's unsigned 64 × 64 → 128 multiply.
///
/// On targets with a native 64-bit multiply-high (64-bit targets other than WebAssembly) this
/// is one `u128` multiply, a single instruction. On wasm32, wasm64 and 32-bit targets every
/// `u128` multiply is a call to `__multi3` (a full 128 × 128 product), so they use
/// [`wide_mul_u64_portable`] instead: inline, and one 64-bit multiply when both factors fit in
/// 32 bits. Both give the same bits for every input (proptested). Building with
/// `RUSTFLAGS="--cfg yuma_portable_mul"` selects the portable forms on every target, so the
/// native test suite can run the pipeline through them (CI does).
///
/// ```
/// assert_eq!(yuma::fixed::wide_mul_u64(u64::MAX, u64::MAX), u128::from(u64::MAX) * u128::from(u64::MAX));
/// ```
#[inline(always)]
pub fn wide_mul_u64(a: u64, b: u64) -> u128 {
    if NATIVE_WIDE_MUL {
        u128::from(a).wrapping_mul(u128::from(b))
    } else {
        wide_mul_u64_portable(a, b)
    }
}

/// `a · b` as the full signed 128-bit product; like [`wide_mul_u64`], one `i128` multiply on
/// 64-bit targets other than WebAssembly, [`wide_mul_i64_portable`] elsewhere.
///
/// ```
/// assert_eq!(yuma::fixed::wide_mul_i64(i64::MIN, -1), -i128::from(i64::MIN));
/// ```
#[inline(always)]
pub fn wide_mul_i64(a: i64, b: i64) -> i128 {
    if NATIVE_WIDE_MUL {
        i128::from(a).wrapping_mul(i128::from(b))
    } else {
        wide_mul_i64_portable(a, b)
    }
}

/// `⌊a·b / 2³²⌋` modulo 2⁶⁴ — the whole quotient when `a·b < 2⁹⁶`. On targets without a native
/// multiply-high (see [`wide_mul_u64`]) it takes three 64-bit multiplies: with
/// `a = a₁·2³² + a₀` and `b = b₁·2³² + b₀`, `⌊a·b / 2³²⌋ = a·b₁ + a₁·b₀ + ⌊a₀·b₀ / 2³²⌋`
/// (summed modulo 2⁶⁴).
///
/// ```
/// let (a, b) = ((1u64 << 62) + 12345, 20u64 << 32);
/// assert_eq!(yuma::fixed::mul_shr32(a, b >> 4), ((u128::from(a) * u128::from(b >> 4)) >> 32) as u64);
/// ```
#[inline(always)]
pub fn mul_shr32(a: u64, b: u64) -> u64 {
    if NATIVE_WIDE_MUL {
        (wide_mul_u64(a, b) >> 32) as u64
    } else {
        mul_shr32_portable(a, b)
    }
}

/// [`mul_shr32`] from three 64-bit multiplies, compiled on every target for the tests.
///
/// ```
/// let (a, b) = (u64::MAX >> 3, 7u64 << 32 | 99);
/// assert_eq!(yuma::fixed::mul_shr32_portable(a, b), ((u128::from(a) * u128::from(b)) >> 32) as u64);
/// ```
#[inline(always)]
pub fn mul_shr32_portable(a: u64, b: u64) -> u64 {
    let (a0, a1) = (u64::from(a as u32), a >> 32);
    let (b0, b1) = (u64::from(b as u32), b >> 32);
    a.wrapping_mul(b1)
        .wrapping_add(a1.wrapping_mul(b0))
        .wrapping_add(a0.wrapping_mul(b0) >> 32)
}

/// [`wide_mul_u64`] from four 32 × 32 → 64 multiplies (schoolbook on 32-bit halves), or one
/// when both factors are below 2³² — no 128-bit multiply. Compiled on every target so native
/// tests check it against `u128`.
///
/// ```
/// use yuma::fixed::wide_mul_u64_portable;
/// for (a, b) in [(0, 7), (3, 1 << 40), (u64::MAX, 2), (u64::MAX, u64::MAX)] {
///     assert_eq!(wide_mul_u64_portable(a, b), u128::from(a) * u128::from(b));
/// }
/// ```
#[inline(always)]
pub fn wide_mul_u64_portable(a: u64, b: u64) -> u128 {
    if (a | b) >> 32 == 0 {
        return u128::from(a.wrapping_mul(b));
    }
    let half = |x: u64| (u64::from(x as u32), x >> 32);
    let ((a0, a1), (b0, b1)) = (half(a), half(b));
    let low = a0.wrapping_mul(b0);
    // The two cross products, summed with their carry kept (bit 96 of the product). This
    // carry form, unlike the textbook `mid` sum, is not folded back into a `u128` multiply by
    // LLVM's multiply-high idiom recognition (which on wasm32 would call `__multi3` again).
    let (cross, carry) = a0.wrapping_mul(b1).overflowing_add(a1.wrapping_mul(b0));
    let lo = low.wrapping_add(cross << 32);
    let hi = a1
        .wrapping_mul(b1)
        .wrapping_add(cross >> 32)
        .wrapping_add(u64::from(carry) << 32)
        .wrapping_add(u64::from(lo < low));
    (u128::from(hi) << 64) | u128::from(lo)
}

/// [`wide_mul_i64`] from the unsigned product of the two's-complement bit patterns, its high
/// half corrected for each negative factor (`hi −= b` when `a < 0`, `hi −= a` when `b < 0`).
///
/// ```
/// use yuma::fixed::wide_mul_i64_portable;
/// for (a, b) in [(-1, 1), (i64::MIN, i64::MIN), (i64::MAX, -3), (-(1 << 40), 5)] {
///     assert_eq!(wide_mul_i64_portable(a, b), i128::from(a) * i128::from(b));
/// }
/// ```
#[inline(always)]
pub fn wide_mul_i64_portable(a: i64, b: i64) -> i128 {
    let (ua, ub) = (a as u64, b as u64);
    let p = wide_mul_u64_portable(ua, ub);
    let mut hi = (p >> 64) as u64;
    if a < 0 {
        hi = hi.wrapping_sub(ub);
    }
    if b < 0 {
        hi = hi.wrapping_sub(ua);
    }
    ((u128::from(hi) << 64) | (p & u128::from(u64::MAX))) as i128
}

/// `x · y` saturating — bit-identical to `I32F32::saturating_mul`, computed as one 64 × 64 → 128
/// multiply and a range check (`substrate-fixed` widens to a 128 × 128 multiply).
///
/// ```
/// use substrate_fixed::types::I32F32;
/// let (a, b) = (I32F32::from_num(1.5), I32F32::from_num(-2.25));
/// assert_eq!(yuma::fixed::mul_sat(a, b), a.saturating_mul(b));
/// assert_eq!(yuma::fixed::mul_sat(I32F32::max_value(), a), I32F32::max_value());
/// ```
#[inline(always)]
pub fn mul_sat(x: I32F32, y: I32F32) -> I32F32 {
    let p = wide_mul_i64(x.to_bits(), y.to_bits()) >> 32;
    I32F32::from_bits(p.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

/// `a · x` for a factor `0 ≤ a ≤ 1`: the product's magnitude never exceeds `|x|`, so it needs no
/// saturation check and equals [`mul_sat`]`(a, x)` exactly. For another `a` the result is
/// [`mul_sat`]'s too (checked, slower path), so it is never wrong, only not faster.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::fixed::{mul_sat, mul_unit, ONE};
/// let x = I32F32::from_bits(i64::MIN);
/// assert_eq!(mul_unit(ONE, x), mul_sat(ONE, x));
/// ```
#[inline(always)]
pub fn mul_unit(a: I32F32, x: I32F32) -> I32F32 {
    if (0..=ONE.to_bits()).contains(&a.to_bits()) {
        I32F32::from_bits((wide_mul_i64(a.to_bits(), x.to_bits()) >> 32) as i64)
    } else {
        mul_sat(a, x)
    }
}

/// `x · y`, or 0 when the product overflows — `x.checked_mul(y).unwrap_or(0)`.
#[inline(always)]
pub fn mul_or_zero(x: I32F32, y: I32F32) -> I32F32 {
    let p = wide_mul_i64(x.to_bits(), y.to_bits()) >> 32;
    i64::try_from(p).map_or(ZERO, I32F32::from_bits)
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

/// A divisor prepared once for many I32F32 divisions by it ([`Divisor::div`] ≡ [`safe_div`]).
///
/// The quotient `⌊x·2³² / d⌋` becomes a multiply-high and a shift (division by an invariant
/// integer, Granlund–Montgomery as in libdivide's 64-bit algorithm) whenever the 128-bit
/// dividend reduces to 64 bits:
/// * `0 ≤ x < 2³²` (a value below 1): the dividend is `x·2³²`;
/// * `d` and `x` both multiples of `2³²` (integer-valued, e.g. stored u16 weights and their
///   sums): the dividend is `x` and the divisor `d / 2³²`.
///
/// Anything else falls back to [`safe_div_fast`], so the result is bit-identical to
/// [`safe_div`] for every `x` (proptested).
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

    /// `x / d`, 0 on a zero divisor or overflow — exactly [`safe_div`]`(x, d)`.
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
    u16::try_from(p >> 32).unwrap_or(u16::MAX)
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

/// `exp(x)` with the input clamped to `[-20, 20]`; an overflowing series gives 0 for `x ≤ 0` and
/// `I32F32::MAX` otherwise (`exp_safe`).
pub fn exp_safe(input: I32F32) -> I32F32 {
    let lo = I32F32::from_bits(-20_i64 << 32);
    let hi = I32F32::from_bits(20_i64 << 32);
    let x = if input < lo {
        lo
    } else if hi < input {
        hi
    } else {
        input
    };
    match exp::<I32F32, I32F32>(x) {
        Ok(v) => v,
        Err(()) => {
            if x <= ZERO {
                ZERO
            } else {
                I32F32::max_value()
            }
        }
    }
}

/// [`exp_safe`] computed faster with the same arithmetic: the same Taylor series of
/// `substrate_fixed::transcendental::exp` (30 terms, each `⌊⌊term·x⌋ / i⌋`, checked), with the
/// division by `i` done by multiplication and the loop stopped once a term reaches 0 (every later
/// term is then 0). Bit-identical to [`exp_safe`] for every input (proptested).
pub fn exp_safe_fast(input: I32F32) -> I32F32 {
    let x = exp_clamp(input);
    let neg = x < 0;
    let op = x.unsigned_abs(); // ≤ 20·2³², so every product below fits in 128 bits
    let mut result = op.wrapping_add(1 << 32);
    let mut term = op;
    let mut i = 2usize;
    while i < 32 {
        let prod = wide_mul_u64(term, op) >> 32;
        let Ok(t) = u64::try_from(prod) else {
            return exp_err(neg);
        };
        if t > i64::MAX as u64 {
            return exp_err(neg);
        }
        let (magic, shift) = SERIES_DIV.get(i.wrapping_sub(2)).copied().unwrap_or((0, 0));
        term = ((wide_mul_u64(t, magic) >> 64) as u64) >> shift;
        result = result.wrapping_add(term);
        if result > i64::MAX as u64 {
            return exp_err(neg);
        }
        if term == 0 {
            break;
        }
        i = i.wrapping_add(1);
    }
    exp_from_series(x, result)
}

/// Magic numbers for `⌊p / i⌋`, `i = 2..=31`, exact for every numerator `p < 2⁶³` with one
/// multiply-high and a shift (round-up method: `m = ⌈2^(63+l) / i⌉`, `l = ⌈log₂ i⌉`,
/// `⌊p / i⌋ = ⌊p·m / 2⁶⁴⌋ >> (l − 1)`). Built at compile time; const-evaluated indexing cannot
/// fail at run time.
#[allow(clippy::indexing_slicing)]
const SERIES_DIV: [(u64, u32); 30] = {
    let mut t = [(0u64, 0u32); 30];
    let mut i = 2u64;
    while i < 32 {
        let l = 64 - (i - 1).leading_zeros();
        let num = 1u128 << (63 + l);
        let m = num.div_ceil(i as u128);
        t[(i - 2) as usize] = (m as u64, l - 1);
        i += 1;
    }
    t
};

/// Inputs per lock-step group of the batched series.
const LANES: usize = 8;

/// The raw series sums of `exp` for eight magnitudes `op ≤ 20·2³²` (raw bits), evaluated in lock
/// step until every lane's term is 0. The same arithmetic as [`exp_safe_fast`]: term
/// `i` is `⌊⌊term·op / 2³²⌋ / i⌋`; with `op ≤ 20·2³²` every product quotient stays below 2⁶³
/// (largest term ≈ 4.3·10⁷·2³², sum ≈ e²⁰·2³²), so none of the scalar series' checks can fire.
#[inline(always)]
fn series_lanes(op: &[u64; LANES]) -> [u64; LANES] {
    let mut term = *op;
    let mut result = op.map(|o| o.wrapping_add(1 << 32));
    for &(magic, shift) in SERIES_DIV.iter() {
        let mut any = 0u64;
        for ((t, r), &o) in term.iter_mut().zip(result.iter_mut()).zip(op.iter()) {
            let p = mul_shr32(*t, o);
            *t = ((wide_mul_u64(p, magic) >> 64) as u64) >> shift;
            *r = r.wrapping_add(*t);
            any |= *t;
        }
        if any == 0 {
            break;
        }
    }
    result
}

/// `1 / x` for the raw bits `r ≥ 1` of a positive I32F32 `x`, truncated: `⌊2⁶⁴ / r⌋` as raw bits
/// (0 when that exceeds the I32F32 range, i.e. for `x` below 2⁻³¹). One 64-bit division
/// (`⌊(2⁶⁴ − 1) / r⌋` differs from `⌊2⁶⁴ / r⌋` only when `r` divides 2⁶⁴, a power of two, which
/// is a shift); `r = 0` gives 0.
///
/// ```
/// use yuma::fixed::{reciprocal_bits, ONE};
/// assert_eq!(reciprocal_bits(ONE.to_bits() as u64), ONE);
/// assert_eq!(reciprocal_bits(3 << 32).to_bits(), (1i64 << 32) / 3);
/// ```
#[inline(always)]
pub fn reciprocal_bits(r: u64) -> I32F32 {
    let q = if r.is_power_of_two() {
        1u64.checked_shl(64u32.saturating_sub(r.trailing_zeros()))
            .unwrap_or(0)
    } else {
        u64::MAX.checked_div(r).unwrap_or(0)
    };
    I32F32::from_bits(i64::try_from(q).unwrap_or(0))
}

/// `exp_safe` from the clamped input bits and the raw series sum of its magnitude.
#[inline(always)]
fn exp_from_series(bits: i64, r: u64) -> I32F32 {
    if bits == 0 {
        ONE
    } else if bits == 1 << 32 {
        I32F32::from(substrate_fixed::transcendental::E)
    } else if bits < 0 {
        reciprocal_bits(r)
    } else {
        I32F32::from_bits(r as i64)
    }
}

/// Input bits clamped to `[−20, 20]`, as `exp_safe` clamps.
#[inline(always)]
fn exp_clamp(x: I32F32) -> i64 {
    x.to_bits().clamp(-20 << 32, 20 << 32)
}

/// [`exp_safe_fast`] over a slice, eight inputs at a time with their series interleaved so the
/// multiplies of independent inputs overlap. `out[i]` receives `exp_safe(xs[i])` (bit-identical)
/// for every `i` below both lengths; the rest of the longer slice is not read or written.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// let xs = [I32F32::from_num(1); 9];
/// let mut out = [I32F32::from_num(0); 17];
/// yuma::fixed::exp_safe_batch(&xs, &mut out);
/// assert!(out[..9].iter().all(|&e| e == yuma::fixed::exp_safe(xs[0])));
/// assert!(out[9..].iter().all(|&e| e == I32F32::from_num(0)));
/// ```
pub fn exp_safe_batch(xs: &[I32F32], out: &mut [I32F32]) {
    let len = xs.len().min(out.len());
    let (xs, out) = (
        xs.get(..len).unwrap_or(&[]),
        out.get_mut(..len).unwrap_or(&mut []),
    );
    let mut xc = xs.chunks_exact(LANES);
    let mut oc = out.chunks_exact_mut(LANES);
    for (x8, o8) in (&mut xc).zip(&mut oc) {
        let mut op = [0u64; LANES];
        for (o, x) in op.iter_mut().zip(x8) {
            *o = exp_clamp(*x).unsigned_abs();
        }
        let r = series_lanes(&op);
        for ((o, x), &r) in o8.iter_mut().zip(x8).zip(r.iter()) {
            *o = exp_from_series(exp_clamp(*x), r);
        }
    }
    for (x, o) in xc.remainder().iter().zip(oc.into_remainder().iter_mut()) {
        *o = exp_safe_fast(*x);
    }
}

/// Buckets of [`exp_safe_grouped`]: the magnitude in quarters, `0..=80` for `|x| ≤ 20`.
const EXP_BUCKETS: usize = 81;

/// [`exp_safe_batch`] with the inputs first grouped by magnitude (a counting sort into
/// quarter-unit buckets), so the eight inputs of a lock-step group need about the same number of
/// series terms: small inputs stop after a dozen terms instead of waiting for the largest input
/// of their group. `order` is reusable scratch. Bit-identical to [`exp_safe`] per input.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// let xs: Vec<I32F32> = (-40..40).map(|k| I32F32::from_num(k) / 7).collect();
/// let mut out = vec![I32F32::from_num(0); xs.len()];
/// yuma::fixed::exp_safe_grouped(&xs, &mut out, &mut Vec::new());
/// for (x, e) in xs.iter().zip(&out) {
///     assert_eq!(*e, yuma::fixed::exp_safe(*x));
/// }
/// ```
pub fn exp_safe_grouped(xs: &[I32F32], out: &mut [I32F32], order: &mut alloc::vec::Vec<u32>) {
    let bucket = |x: &I32F32| (exp_clamp(*x).unsigned_abs() >> 30) as usize;
    let mut start = [0u32; EXP_BUCKETS.wrapping_add(1)];
    for x in xs {
        if let Some(c) = start.get_mut(bucket(x).wrapping_add(1)) {
            *c = c.wrapping_add(1);
        }
    }
    let mut acc = 0u32;
    for c in start.iter_mut() {
        acc = acc.wrapping_add(*c);
        *c = acc;
    }
    order.clear();
    order.resize(xs.len(), 0);
    for (k, x) in (0u32..).zip(xs) {
        if let Some(c) = start.get_mut(bucket(x)) {
            if let Some(slot) = order.get_mut(*c as usize) {
                *slot = k;
            }
            *c = c.wrapping_add(1);
        }
    }
    let get = |k: u32| xs.get(k as usize).copied().unwrap_or(ZERO);
    let mut groups = order.chunks_exact(LANES);
    for g in &mut groups {
        let mut bits = [0i64; LANES];
        let mut op = [0u64; LANES];
        for ((b, o), &k) in bits.iter_mut().zip(op.iter_mut()).zip(g) {
            *b = exp_clamp(get(k));
            *o = b.unsigned_abs();
        }
        let r = series_lanes(&op);
        for ((&k, &b), &r) in g.iter().zip(bits.iter()).zip(r.iter()) {
            if let Some(o) = out.get_mut(k as usize) {
                *o = exp_from_series(b, r);
            }
        }
    }
    for &k in groups.remainder() {
        if let Some(o) = out.get_mut(k as usize) {
            *o = exp_safe_fast(get(k));
        }
    }
}

/// `σ = 1 / (1 + e)` for `e = exp_safe(x)` as the liquid alpha computes it: the saturating sum's
/// raw bits (at least 1) through [`reciprocal_bits`].
///
/// ```
/// use yuma::fixed::{exp_safe, logistic_of_exp, ZERO};
/// assert_eq!(logistic_of_exp(exp_safe(ZERO)).to_bits(), 1 << 31); // 1 / (1 + 1)
/// ```
#[inline(always)]
pub fn logistic_of_exp(e: I32F32) -> I32F32 {
    reciprocal_bits(sat_add(ONE, e).to_bits().max(1) as u64)
}

/// `⌊e^(k/64)·2⁵²⌋` for `k = 0..512` (`e^(k/64) < e⁸ < 2¹¹·⁶`), from the Taylor series at
/// scale 2¹⁰⁰ with every term truncated: each entry is at most 2 below the true value and never
/// above it. Built at compile time; const-evaluated indexing cannot fail at run time.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const EXP_TABLE: [u64; 512] = {
    let mut t = [0u64; 512];
    let mut k = 0usize;
    while k < 512 {
        // Largest term (k/64)ⁿ/n! ≤ 8⁸/8! < 2⁹ at scale 2¹⁰⁰, times k < 2⁹: below 2¹¹⁸.
        let mut term = 1u128 << 100;
        let mut sum = term;
        let mut n = 1u128;
        while term != 0 {
            term = term * (k as u128) / (64 * n);
            sum += term;
            n += 1;
        }
        t[k] = (sum >> 48) as u64;
        k += 1;
    }
    t
};

/// For `|x|` in `[a, a + 1)`, `a = 2..=7` (index `a`): an upper bound, in raw bits, on how far
/// `exp`'s truncated series sum `R` falls below `2³²·e^|x|`. Its terms `T_k = ⌊⌊T_(k−1)·X/2³²⌋/k⌋`
/// (`T_1 = X`) are never above the exact terms `E_k = 2³²·x^k/k!` and fall short by
/// `δ_k ≤ δ_(k−1)·x/k + 1` (`δ_1 = 0`), summed over `k = 2..=31`; the terms the series never adds
/// (`k ≥ 32`) sum to at most `2³²·x³²/32!·33/(33 − x)`. Both are evaluated at `x = a + 1`
/// (they grow with `x`) and rounded up. Built at compile time.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const SERIES_DEFICIT: [u64; 8] = {
    let mut t = [0u64; 8];
    let mut a = 2usize;
    while a < 8 {
        let x = (a + 1) as u128;
        // Σ δ_k at scale 2³², each step rounded up.
        let (mut d, mut total, mut k) = (0u128, 0u128, 2u128);
        while k < 32 {
            d = (d * x).div_ceil(k) + (1 << 32);
            total += d;
            k += 1;
        }
        // x³²/32! at scale 2⁶⁴, rounded up (at most 8⁸/8!·2⁶⁴ < 2⁷³ on the way).
        let (mut p, mut k) = (1u128 << 64, 1u128);
        while k <= 32 {
            p = (p * x).div_ceil(k);
            k += 1;
        }
        let tail = (p * 33).div_ceil(33 - x).div_ceil(1 << 32);
        t[a] = (total.div_ceil(1 << 32) + tail) as u64;
        a += 1;
    }
    t
};

/// `A ≤ 2³²·e^x < A + (A >> 36) + 3` for the magnitude `op = x·2³²` (raw bits), `op < 2³⁵`:
/// [`EXP_TABLE`] at `⌊64x⌋/64` times a degree-4 Taylor polynomial of the remaining `ρ < 1/64`.
/// Every step truncates, so `A` never exceeds `2³²·e^x`; the polynomial misses at most
/// `ρ⁵/120·e^ρ < 2⁻³⁶·⁹` of `e^ρ`, and the roundings (table, constants, multiply-highs, the final
/// shift) at most 2 raw bits in all.
#[inline(always)]
fn exp_scaled_approx(op: u64) -> Option<u64> {
    let table = *EXP_TABLE.get((op >> 26) as usize)?;
    let mul_hi = |p: u64, q: u64| (wide_mul_u64(p, q) >> 64) as u64;
    // ρ in Q0.64: the low 26 bits of the magnitude, below 2⁵⁸.
    let rho = (op & ((1 << 26) - 1)) << 32;
    let u = (1u64 << 63).wrapping_add(mul_hi(
        rho,
        (u64::MAX / 6).wrapping_add(mul_hi(rho, u64::MAX / 24)),
    ));
    // e^ρ − 1 ≥ ρ + ρ²·(1/2 + ρ/6 + ρ²/24), in Q0.64 (below 2⁵⁹).
    let f = rho.wrapping_add(mul_hi(rho, mul_hi(rho, u)));
    Some(table.wrapping_add(mul_hi(table, f)) >> 20)
}

/// Whether the magnitude `op` (raw bits) lies in `[2, 8)`, where [`series_bounds`] apply.
#[inline(always)]
fn bounded_magnitude(op: u64) -> bool {
    (2..8).contains(&(op >> 32))
}

/// Bounds `(lo, hi)` on the raw series sum `R` of [`exp_safe`] for the magnitude `op` (raw bits)
/// when `2 ≤ op / 2³² < 8`, without running the series: `R ≤ 2³²·e^x < A + (A >> 36) + 3` and
/// `R ≥ 2³²·e^x − SERIES_DEFICIT ≥ A − SERIES_DEFICIT` for `A` of [`exp_scaled_approx`].
/// `None` outside that range.
#[inline(always)]
fn series_bounds(op: u64) -> Option<(u64, u64)> {
    if !bounded_magnitude(op) {
        return None;
    }
    let deficit = *SERIES_DEFICIT.get((op >> 32) as usize)?;
    let approx = exp_scaled_approx(op)?;
    Some((
        approx.saturating_sub(deficit),
        approx.wrapping_add(approx >> 36).wrapping_add(3),
    ))
}

/// [`logistic_of_exp`]`(exp_safe(x))` when bounds on the series decide it, for `2 ≤ |x| < 8`:
/// the result is monotone in the series sum `R`, so it is exact when both ends of
/// [`series_bounds`] give the same value ([`logistic_positive`], [`logistic_negative`]). `None`
/// otherwise (then the series decides).
#[inline(always)]
fn logistic_bounded(bits: i64) -> Option<I32F32> {
    let (lo, hi) = series_bounds(bits.unsigned_abs())?;
    let (s, decided) = if bits > 0 {
        logistic_positive(lo, hi)
    } else {
        logistic_negative(lo, hi)
    };
    decided.then_some(s)
}

/// For `x > 0` with its series sum `R` in `[lo, hi]`: `σ = ⌊2⁶⁴ / (2³² + R)⌋` at `R = lo`, and
/// whether `R = hi` gives the same (then every `R` between does).
#[inline(always)]
fn logistic_positive(lo: u64, hi: u64) -> (I32F32, bool) {
    let q = reciprocal_bits(lo.wrapping_add(1 << 32));
    (q, same_quotient(q, hi.wrapping_add(1 << 32)))
}

/// For `x < 0` with the series sum `R` of `|x|` in `[lo, hi]`: `exp = ⌊2⁶⁴ / R⌋` at `R = lo`,
/// whether `R = hi` gives the same exp, and the sigmoid of that exp.
#[inline(always)]
fn logistic_negative(lo: u64, hi: u64) -> (I32F32, bool) {
    let e = reciprocal_bits(lo);
    (logistic_of_exp(e), same_quotient(e, hi))
}

/// Whether `⌊2⁶⁴ / d⌋` still equals `q = ⌊2⁶⁴ / d_lo⌋` for `d ≥ d_lo`: exactly when `q·d ≤ 2⁶⁴`
/// (one multiply instead of a second division).
#[inline(always)]
fn same_quotient(q: I32F32, d: u64) -> bool {
    wide_mul_u64(q.to_bits() as u64, d) <= 1u128 << 64
}

/// Reusable scratch of [`logistic_grouped`]: positions by class, the inputs left to the series
/// and their exps, and the grouping order of [`exp_safe_grouped`].
#[derive(Debug, Clone, Default)]
pub struct LogisticScratch {
    positive: alloc::vec::Vec<u32>,
    negative: alloc::vec::Vec<u32>,
    rest: alloc::vec::Vec<u32>,
    xs: alloc::vec::Vec<I32F32>,
    es: alloc::vec::Vec<I32F32>,
    order: alloc::vec::Vec<u32>,
}

/// [`logistic_of_exp`]`(exp_safe(x))` for every `x` of `xs` into `out` (bit-identical per
/// input; `out[k]` for every `k` below both lengths). Where bounds on the series sum decide the
/// result (`2 ≤ |x| < 8`: most such inputs, the more the larger `|x|`, whose series is the
/// longest) no series runs; the other inputs go through [`exp_safe_grouped`]. Allocates nothing
/// once `scratch` has grown.
///
/// Which path an input takes depends on its sign and magnitude. When those change often from one
/// input to the next (judged on the first [`CLASS_SAMPLE`] inputs), the inputs are first sorted
/// into three position lists (positive and negative in range, the rest) without a branch per
/// input, so that each list's loop has predictable branches; otherwise one loop takes them in
/// order.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::fixed::{exp_safe, logistic_grouped, logistic_of_exp, LogisticScratch};
/// let xs: Vec<I32F32> = (-70..70).map(|k| I32F32::from_num(k) / 7).collect();
/// let mut out = vec![I32F32::from_num(0); xs.len()];
/// logistic_grouped(&xs, &mut out, &mut LogisticScratch::default());
/// for (x, s) in xs.iter().zip(&out) {
///     assert_eq!(*s, logistic_of_exp(exp_safe(*x)));
/// }
/// ```
pub fn logistic_grouped(xs: &[I32F32], out: &mut [I32F32], scratch: &mut LogisticScratch) {
    let len = xs.len().min(out.len());
    let (xs, out) = (
        xs.get(..len).unwrap_or(&[]),
        out.get_mut(..len).unwrap_or(&mut []),
    );
    let sample = xs.get(..CLASS_SAMPLE).unwrap_or(xs);
    let changes = sample
        .windows(2)
        .filter(|w| match w {
            [a, b] => logistic_class(a.to_bits()) != logistic_class(b.to_bits()),
            _ => false,
        })
        .count();
    let rest = if changes.saturating_mul(16) > sample.len() {
        logistic_by_class(xs, out, scratch)
    } else {
        logistic_in_order(xs, out, scratch)
    };
    logistic_by_series(xs, out, scratch, rest);
}

/// The sigmoids of the inputs at the first `rest` positions of `scratch.rest`, through
/// [`exp_safe_grouped`].
fn logistic_by_series(
    xs: &[I32F32],
    out: &mut [I32F32],
    scratch: &mut LogisticScratch,
    rest: usize,
) {
    let LogisticScratch {
        rest: index,
        xs: left,
        es,
        order,
        ..
    } = scratch;
    let rest = index.get(..rest).unwrap_or(&[]);
    left.clear();
    left.extend(
        rest.iter()
            .map(|&k| xs.get(k as usize).copied().unwrap_or(ZERO)),
    );
    es.refill(left.len(), ZERO);
    exp_safe_grouped(left, es, order);
    for (&k, &e) in rest.iter().zip(es.iter()) {
        if let Some(o) = out.get_mut(k as usize) {
            *o = logistic_of_exp(e);
        }
    }
}

/// Inputs [`logistic_grouped`] looks at to choose its path.
pub const CLASS_SAMPLE: usize = 1024;

/// 1 for `x > 0` and 2 for `x < 0` with `2 ≤ |x| < 8` (the bounds may decide the sigmoid), 0
/// otherwise (the series decides).
#[inline(always)]
fn logistic_class(bits: i64) -> u8 {
    let in_range = bounded_magnitude(bits.unsigned_abs());
    u8::from(in_range & (bits > 0)) | (u8::from(in_range & (bits < 0)) << 1)
}

/// [`logistic_grouped`]'s in-order path: each input's sigmoid from [`logistic_bounded`] where it
/// decides, the positions of the others in `scratch.rest` (their count returned).
fn logistic_in_order(xs: &[I32F32], out: &mut [I32F32], scratch: &mut LogisticScratch) -> usize {
    let rest = &mut scratch.rest;
    rest.clear();
    for ((k, x), o) in (0u32..).zip(xs).zip(out.iter_mut()) {
        match logistic_bounded(x.to_bits()) {
            Some(s) => *o = s,
            None => rest.push(k),
        }
    }
    rest.len()
}

/// [`logistic_grouped`]'s by-class path: the positions sorted into three lists without a branch
/// per input (each is written to all three; only its own list's count advances), then each
/// in-range list through its bounds, the undecided joining the rest in `scratch.rest` (their
/// count returned).
fn logistic_by_class(xs: &[I32F32], out: &mut [I32F32], scratch: &mut LogisticScratch) -> usize {
    let LogisticScratch {
        positive,
        negative,
        rest,
        ..
    } = scratch;
    for list in [&mut *positive, &mut *negative, &mut *rest] {
        if list.len() < xs.len() {
            list.resize(xs.len(), 0);
        }
    }
    let (mut np, mut nn, mut nr) = (0usize, 0usize, 0usize);
    for (k, x) in (0u32..).zip(xs) {
        let class = logistic_class(x.to_bits());
        for (list, count, member) in [
            (&mut *positive, &mut np, class == 1),
            (&mut *negative, &mut nn, class == 2),
            (&mut *rest, &mut nr, class == 0),
        ] {
            if let Some(slot) = list.get_mut(*count) {
                *slot = k;
            }
            *count = count.wrapping_add(usize::from(member));
        }
    }
    for (list, count, sigmoid) in [
        (
            &*positive,
            np,
            logistic_positive as fn(u64, u64) -> (I32F32, bool),
        ),
        (&*negative, nn, logistic_negative),
    ] {
        for &k in list.get(..count).unwrap_or(&[]) {
            let op = xs.get(k as usize).map_or(0, |x| x.to_bits().unsigned_abs());
            let (s, decided) = series_bounds(op).map_or((ZERO, false), |(lo, hi)| sigmoid(lo, hi));
            if let Some(o) = out.get_mut(k as usize) {
                *o = s;
            }
            if let Some(slot) = rest.get_mut(nr) {
                *slot = k;
            }
            nr = nr.wrapping_add(usize::from(!decided));
        }
    }
    nr
}

fn exp_err(neg: bool) -> I32F32 {
    if neg {
        ZERO
    } else {
        I32F32::max_value()
    }
}

/// Raw bits of an I32F32 slice (for traces).
pub fn to_bits(v: &[I32F32]) -> alloc::vec::Vec<i64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants() {
        assert_eq!(ONE, I32F32::from_num(1));
        assert_eq!(U16_MAX, I32F32::from_num(65535));
    }

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

    #[test]
    fn exp_safe_fast_sweep() {
        let one = 1i64 << 32;
        let mut x = -21 * one;
        while x <= 21 * one {
            let v = I32F32::from_bits(x);
            assert_eq!(exp_safe_fast(v), exp_safe(v), "{v:?}");
            x += 1_048_573; // ~1/4096, odd stride to hit varied low bits
        }
        for bits in [
            0,
            1,
            -1,
            one,
            -one,
            one + 1,
            one - 1,
            20 * one,
            -20 * one,
            i64::MAX,
            i64::MIN,
        ] {
            let v = I32F32::from_bits(bits);
            assert_eq!(exp_safe_fast(v), exp_safe(v), "{v:?}");
        }
    }

    #[test]
    fn exp_safe_batch_matches() {
        let one = 1i64 << 32;
        let xs: alloc::vec::Vec<I32F32> = (0..1000i64)
            .map(|k| I32F32::from_bits((k - 500) * (one / 23) + k * 7919))
            .chain([ZERO, ONE, -ONE, I32F32::max_value(), I32F32::min_value()])
            .collect();
        let mut out = alloc::vec![ZERO; xs.len()];
        exp_safe_batch(&xs, &mut out);
        for (x, o) in xs.iter().zip(&out) {
            assert_eq!(*o, exp_safe(*x), "{x:?}");
        }
    }

    #[test]
    fn exp_safe_grouped_matches() {
        let one = 1i64 << 32;
        let xs: alloc::vec::Vec<I32F32> = (0..3000i64)
            .map(|k| I32F32::from_bits(((k * 7_919) % 3001 - 1500) * (one / 61) + k * 104_729))
            .chain([ZERO, ONE, -ONE, I32F32::max_value(), I32F32::min_value()])
            .collect();
        let mut out = alloc::vec![ZERO; xs.len()];
        let mut order = alloc::vec::Vec::new();
        exp_safe_grouped(&xs, &mut out, &mut order);
        for (x, o) in xs.iter().zip(&out) {
            assert_eq!(*o, exp_safe(*x), "{x:?}");
        }
    }

    #[test]
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    fn exp_table_is_floor_of_e_to_the_k_over_64() {
        // floor(e^(k/64)·2^52) for k = 0, 64, 128, 511, from 60-digit decimal arithmetic; the
        // table may sit up to 2 below it.
        for (k, want) in [
            (0usize, 1u64 << 52),
            (64, 12_242_053_029_736_146),
            (128, 33_277_350_293_763_767),
            (511, 13_216_905_306_464_212_403),
        ] {
            let got = EXP_TABLE[k];
            assert!(got <= want && want - got <= 2, "k = {k}: {got} vs {want}");
        }
        assert!(EXP_TABLE.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(SERIES_DEFICIT[..2], [0, 0]);
        assert!(SERIES_DEFICIT[2..].windows(2).all(|w| w[0] < w[1]));
    }

    /// The raw series sum `R` of `exp` for the magnitude `op`, as [`exp_safe_fast`] adds it.
    fn series_sum(op: u64) -> u64 {
        series_lanes(&[op; LANES])[0]
    }

    /// Magnitudes over `[2, 8)`: a sweep with an odd stride (about 1/4096), every table bucket's
    /// two ends, and both ends of the range.
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    fn bounded_magnitudes() -> alloc::vec::Vec<u64> {
        let (lo, hi) = (2u64 << 32, 8u64 << 32);
        let step = if cfg!(debug_assertions) {
            1_048_573
        } else {
            12_889
        };
        let mut v: alloc::vec::Vec<u64> = (lo..hi).step_by(step).collect();
        for k in 128u64..512 {
            v.extend([k << 26, (k << 26) + 1, ((k + 1) << 26) - 1]);
        }
        v.extend([lo, hi - 1]);
        v
    }

    /// `e^x·2⁸⁰` for `x = op / 2³²` (`op < 2³⁵`), truncated, from the Taylor series at scale 2⁸⁰
    /// (largest term below 2⁸⁹, times `op`: below 2¹²⁴); at most a few hundred below the true
    /// value.
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    fn exp_scaled_80(op: u64) -> u128 {
        let (mut term, mut n) = (1u128 << 80, 1u128);
        let mut sum = term;
        while term != 0 {
            term = term * u128::from(op) / (n << 32);
            sum += term;
            n += 1;
        }
        sum
    }

    #[test]
    #[allow(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::expect_used
    )]
    fn exp_scaled_approx_is_within_its_bound() {
        for op in bounded_magnitudes()
            .into_iter()
            .chain([0, 1, 1 << 26, (1 << 35) - 1])
        {
            let a = exp_scaled_approx(op).expect("below 2^35");
            let exact = exp_scaled_80(op);
            // ⌊2³²·e^x⌋ lies in [exact >> 48, (exact + 2¹⁰) >> 48].
            assert!(
                a <= ((exact + 1024) >> 48) as u64,
                "op = {op}: {a} above e^x"
            );
            assert!(
                ((exact >> 48) as u64) < a + (a >> 36) + 3,
                "op = {op}: {a} too low"
            );
        }
        assert_eq!(exp_scaled_approx(1 << 35), None);
    }

    #[test]
    #[allow(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::expect_used
    )]
    fn series_bounds_contain_the_series_sum() {
        let mut widest = 0;
        for op in bounded_magnitudes() {
            let (lo, hi) = series_bounds(op).expect("in range");
            let r = series_sum(op);
            assert!(lo <= r && r <= hi, "op = {op}: {lo} <= {r} <= {hi}");
            widest = widest.max(hi - lo);
        }
        assert!(widest < 3000, "{widest}");
        for op in [0, 1 << 32, (2 << 32) - 1, 8 << 32, 20 << 32, u64::MAX] {
            assert_eq!(series_bounds(op), None, "{op}");
        }
    }

    #[test]
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    fn logistic_bounded_equals_the_series_logistic() {
        let (mut decided, mut total) = (0usize, 0usize);
        for op in bounded_magnitudes() {
            for bits in [op as i64, -(op as i64)] {
                let x = I32F32::from_bits(bits);
                total += 1;
                if let Some(s) = logistic_bounded(bits) {
                    decided += 1;
                    assert_eq!(s, logistic_of_exp(exp_safe(x)), "{x:?}");
                }
            }
        }
        // Most inputs in range are decided without the series (about 86% of this sweep).
        assert!(decided * 10 > total * 7, "{decided} of {total}");
        for bits in [
            0,
            1,
            -1,
            1 << 32,
            -(1 << 32),
            (2 << 32) - 1,
            8 << 32,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(logistic_bounded(bits), None, "{bits}");
        }
    }

    #[test]
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    fn logistic_grouped_matches() {
        let one = 1i64 << 32;
        let xs: alloc::vec::Vec<I32F32> = (0..5000i64)
            .map(|k| I32F32::from_bits(((k * 7_919) % 5001 - 2500) * (one / 250) + k * 104_729))
            .chain([ZERO, ONE, -ONE, 2 * ONE, -2 * ONE, 8 * ONE, -8 * ONE])
            .chain([I32F32::max_value(), I32F32::min_value()])
            .collect();
        let mut scratch = LogisticScratch::default();
        let mut sorted = xs.clone();
        sorted.sort();
        for xs in [xs, sorted] {
            let want: alloc::vec::Vec<I32F32> =
                xs.iter().map(|x| logistic_of_exp(exp_safe(*x))).collect();
            let mut out = alloc::vec![ZERO; xs.len()];
            logistic_grouped(&xs, &mut out, &mut scratch);
            assert_eq!(out, want);
            // Both paths, whichever the sample chooses.
            type Path = fn(&[I32F32], &mut [I32F32], &mut LogisticScratch) -> usize;
            for path in [logistic_in_order as Path, logistic_by_class] {
                let mut out = alloc::vec![ZERO; xs.len()];
                let rest = path(&xs, &mut out, &mut scratch);
                logistic_by_series(&xs, &mut out, &mut scratch, rest);
                assert_eq!(out, want);
            }
        }
    }

    #[test]
    fn series_div_is_exact() {
        for (i, &(m, s)) in (2u64..).zip(SERIES_DIV.iter()) {
            for p in [
                0u64,
                1,
                i - 1,
                i,
                i + 1,
                (1 << 63) - 1,
                (1 << 63) - i,
                123_456_789_012_345,
            ]
            .into_iter()
            .chain((0..2000u64).map(|k| k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1))
            {
                let q = ((u128::from(p) * u128::from(m)) >> 64) as u64 >> s;
                assert_eq!(q, p / i, "{p} / {i}");
            }
        }
    }

    #[test]
    fn exp_safe_clamps() {
        assert!(exp_safe(I32F32::from_num(100)) > I32F32::from_num(1000));
        assert!(exp_safe(I32F32::from_num(-100)) < I32F32::from_bits(4_294_967)); // 0.001
        assert_eq!(exp_safe(ZERO), ONE);
    }
}
