//! Wide multiplies (64 × 64 → 128 bits) and the fixed-point products built on them.
//!
//! **Contract.** [`wide_mul_u64`] / [`wide_mul_i64`] return the exact 128-bit product;
//! [`mul_shr32`] its bits shifted right by 32 (modulo 2⁶⁴); [`mul_sat`] is
//! `I32F32::saturating_mul`, [`mul_unit`] the same product for a factor in `[0, 1]`, and
//! [`mul_or_zero`] `checked_mul().unwrap_or(0)` — bit for bit, for every input.
//!
//! **Why they are exact.** An I32F32 product is `⌊(a·b) / 2³²⌋` of the raw bits (an arithmetic
//! shift, i.e. toward −∞, as `substrate-fixed` truncates), then checked or saturated against the
//! `i64` range. Here the 128-bit product is formed exactly (one native multiply on 64-bit
//! targets; on wasm32 and 32-bit targets the schoolbook sum of four 32 × 32 → 64 products with
//! their carries — [`wide_mul_u64_portable`], with the signed form corrected by subtracting each
//! negative factor's partner from the high half), shifted by 32, and range-checked: the same
//! value. With `0 ≤ a ≤ 1` the product's magnitude never exceeds `|x|`, so [`mul_unit`] needs no
//! range check; any other `a` takes [`mul_sat`]. `--cfg yuma_portable_mul` runs the portable forms
//! on any host (CI runs the conformance and property tests through them); they are proptested
//! against `u128` / `i128`.

use substrate_fixed::types::I32F32;

use super::{ONE, ZERO};

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
