//! Lane kernels: the hot passes of the epoch over `u64` lanes, using range facts that make each
//! 64 × 64 → 128-bit product of the scalar code a 32 × 32 → 64-bit one.
//!
//! **The range facts.** Once an epoch's inputs are checked (once per epoch, in
//! `bonds::lanes::yuma2_lanes` and `epoch::lane_ranges`), every operand of the Yuma 2 bonds
//! stage is an I32F32 value in `[0, 1]`: raw bits in `[0, 2³²]`. Then
//! * a product `⌊a·b / 2³²⌋` of two such values is `a·b >> 32` on 32-bit halves, except that
//!   `1.0 = 2³²` does not fit 32 bits: `1·b = b` and `a·1 = a` are selected instead
//!   ([`mul`]) — the same bits as [`crate::fixed::mul_sat`] and [`crate::fixed::mul_unit`];
//! * a quotient `⌊x·2³² / d⌋` (I32F32 `x / d`, `0 ≤ x < 2³²`, `d ≥ 2` bits) by a divisor shared by
//!   a column is Granlund–Montgomery's multiply-high `q = ⌊N·M / 2⁶⁴⌋` with `N = x·2³²`, which
//!   splits into `x·M_hi + ⌊x·M_lo / 2³²⌋` (two 32 × 32 products: `N·M / 2⁶⁴ = x·M / 2³²` exactly,
//!   and `x·M_hi·2³²` is a multiple of `2³²`), then `((N − q) >> 1 + q) >> shift` — the same
//!   algorithm [`crate::fixed::Divisor`] uses, so the same `⌊N / d⌋`; `x = 2³²` takes the column's
//!   precomputed `⌊2⁶⁴ / d⌋` ([`LaneDivisors`]), and a quotient above `i64::MAX` is 0, as
//!   `checked_div` gives;
//! * sums of such values over a row or a column stay below `2⁶³` (at most 65 535 terms of at most
//!   `2³²`), so the scalar code's saturating adds never saturate there and plain adds in any order
//!   give the same bits.
//!
//! Inputs outside those ranges (stake totals that wrap, `bonds_moving_average` above 10⁶, weight
//! rows past `1.0`, bond columns of 32 768 rows or more, a divisor of one bit) are detected per
//! epoch and take the scalar code.
//!
//! **Forms.** The kernels are written once, in safe Rust over slices (the portable form, and what
//! wasm32 and the bare-metal targets run). On x86_64 with `std`, [`dispatch`] recompiles the same
//! code for AVX2 and for AVX-512 (`#[target_feature]`) and picks the best form the CPU has at run
//! time; that module holds the crate's only `unsafe` (calling those functions after
//! `is_x86_feature_detected!`). [`Kernels`] on the [`crate::Workspace`] selects a form, so tests
//! and benchmarks run each on the same host.

pub mod dispatch;
pub mod rows;
pub mod yuma2;

use alloc::vec::Vec;

/// `1.0` in I32F32 bits.
pub const ONE: u64 = 1 << 32;

/// Whether the portable form runs the row passes on lanes ([`Kernels::lane_rows`]).
const PORTABLE_ROWS: bool = cfg!(target_arch = "wasm32");

/// Which form of the lane kernels an epoch runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Kernels {
    /// The best form this CPU has (AVX-512, AVX2, or portable lanes).
    #[default]
    Auto,
    /// The scalar code only (no lane kernels).
    Scalar,
    /// The portable lane kernels (no target features).
    Portable,
    /// The lane kernels compiled for AVX2 (x86_64 with `std`; otherwise portable).
    Avx2,
    /// The lane kernels compiled for AVX-512 F/VL/DQ (x86_64 with `std`; otherwise portable).
    Avx512,
}

impl Kernels {
    /// Every form, for tests and benchmarks.
    pub const ALL: [Kernels; 5] = [
        Kernels::Auto,
        Kernels::Scalar,
        Kernels::Portable,
        Kernels::Avx2,
        Kernels::Avx512,
    ];

    /// The form that runs: `Auto` resolved to what the CPU has, and a form the CPU (or the
    /// build) lacks resolved to the best one below it.
    pub fn resolve(self) -> Kernels {
        dispatch::resolve(self)
    }

    /// Whether this (resolved) form runs the row passes — masks + row normalization, clipping,
    /// trust and ranks ([`rows`]) — on lanes. The AVX2 and AVX-512 forms do; the portable form
    /// only where `PORTABLE_ROWS` says it pays: on x86_64 at the baseline (SSE2, two 64-bit
    /// lanes without 64-bit multiplies or compares) the portable row passes measured slower than
    /// the scalar ones (b1024-v128-y2: masks +45%, clipping +19%), so there the scalar row
    /// passes run and only the bonds stage uses lanes; under wasm32 (no `u128` multiply) the
    /// lane row passes pay (Node: b1024-v128-y2 5.02 → 4.69 ms, b256-v64-y2 0.61 → 0.56 ms).
    pub fn lane_rows(self) -> bool {
        match self {
            Kernels::Scalar => false,
            Kernels::Portable => PORTABLE_ROWS,
            Kernels::Auto | Kernels::Avx2 | Kernels::Avx512 => true,
        }
    }

    /// Its name (`auto`, `scalar`, `portable`, `avx2`, `avx512`).
    pub fn name(self) -> &'static str {
        match self {
            Kernels::Auto => "auto",
            Kernels::Scalar => "scalar",
            Kernels::Portable => "portable",
            Kernels::Avx2 => "avx2",
            Kernels::Avx512 => "avx512",
        }
    }
}

/// `⌊a·b / 2³²⌋` for `a, b ∈ [0, 2³²]` (I32F32 values in `[0, 1]`), on 32-bit halves.
///
/// ```
/// use yuma::lanes::{mul, ONE};
/// assert_eq!(mul(ONE, 7), 7);
/// assert_eq!(mul(1 << 31, 1 << 31), 1 << 30);
/// ```
#[inline(always)]
pub fn mul(a: u64, b: u64) -> u64 {
    // Both halves are below 2³², so the product fits 64 bits (the multiply cannot wrap).
    let p = (a & 0xFFFF_FFFF).wrapping_mul(b & 0xFFFF_FFFF) >> 32;
    let p = if b == ONE { a } else { p };
    if a == ONE {
        b
    } else {
        p
    }
}

/// One divisor's lane parts: `⌊x·2³² / d⌋` for `x ∈ [0, 2³²]` by [`div`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LaneDivisor {
    /// The magic multiplier (0 for a power of two).
    pub magic: u64,
    /// The final shift.
    pub shift: u64,
    /// `⌊2⁶⁴ / d⌋`, or 0 when that exceeds `i64::MAX` (the quotient of `x = 1.0`).
    pub one: u64,
}

impl LaneDivisor {
    /// The parts for divisor bits `d`: `None` for `d = 1` (the one divisor the branch-free form
    /// cannot express; the caller takes the scalar code). `d = 0` gives parts that map `x = 0`
    /// to 0, the only value a zero column holds.
    pub fn new(d: u64) -> Option<LaneDivisor> {
        match d {
            0 => return Some(LaneDivisor::default()),
            1 => return None,
            _ => {}
        }
        let l = 63u32.saturating_sub(d.leading_zeros());
        let one_q = (1u128 << 64).checked_div(u128::from(d)).unwrap_or(0);
        let one = if one_q > i64::MAX as u128 {
            0
        } else {
            one_q as u64
        };
        if d.is_power_of_two() {
            return Some(LaneDivisor {
                magic: 0,
                shift: u64::from(l.saturating_sub(1)),
                one,
            });
        }
        let num = 1u128 << 64u32.saturating_add(l);
        let m = num.checked_div(u128::from(d)).unwrap_or(0) as u64;
        let rem = num.checked_rem(u128::from(d)).unwrap_or(0) as u64;
        let twice_rem = rem.wrapping_add(rem);
        let mut m2 = m.wrapping_add(m);
        if twice_rem >= d || twice_rem < rem {
            m2 = m2.wrapping_add(1);
        }
        Some(LaneDivisor {
            magic: m2.wrapping_add(1),
            shift: u64::from(l),
            one,
        })
    }
}

/// A divisor per column, struct-of-arrays so a row's lanes load them contiguously.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaneDivisors {
    /// High halves of the magics.
    pub magic_hi: Vec<u64>,
    /// Low halves of the magics.
    pub magic_lo: Vec<u64>,
    /// Final shifts.
    pub shift: Vec<u64>,
    /// Quotients of `1.0`.
    pub one: Vec<u64>,
}

impl LaneDivisors {
    /// One divisor per value of `by` (raw bits); `false` (and the divisors unusable) if one of
    /// them is `1`.
    pub fn prepare(&mut self, by: &[u64]) -> bool {
        self.magic_hi.clear();
        self.magic_lo.clear();
        self.shift.clear();
        self.one.clear();
        for &d in by {
            let Some(p) = LaneDivisor::new(d) else {
                return false;
            };
            self.magic_hi.push(p.magic >> 32);
            self.magic_lo.push(p.magic & 0xFFFF_FFFF);
            self.shift.push(p.shift & 63);
            self.one.push(p.one);
        }
        true
    }
}

/// `⌊x·2³² / d⌋` (0 past `i64::MAX`) for `x ∈ [0, 2³²]`, from one column's lane parts.
///
/// ```
/// use yuma::lanes::{div, LaneDivisor, ONE};
/// let d = LaneDivisor::new(3_000_000_007).unwrap();
/// let q = div(1_000_000_000, d.magic >> 32, d.magic & 0xFFFF_FFFF, d.shift, d.one);
/// assert_eq!(u128::from(q), (1_000_000_000u128 << 32) / 3_000_000_007);
/// let d = LaneDivisor::new(ONE).unwrap();
/// assert_eq!(div(ONE, d.magic >> 32, d.magic & 0xFFFF_FFFF, d.shift, d.one), ONE);
/// ```
#[inline(always)]
pub fn div(x: u64, magic_hi: u64, magic_lo: u64, shift: u64, one: u64) -> u64 {
    let xl = x & 0xFFFF_FFFF;
    // 32 × 32-bit products (no wrap); their sum is ⌊N·M / 2⁶⁴⌋ < N < 2⁶⁴ (no wrap either).
    let q = xl
        .wrapping_mul(magic_hi)
        .wrapping_add(xl.wrapping_mul(magic_lo) >> 32);
    let n = xl << 32;
    let r = ((n.wrapping_sub(q) >> 1).wrapping_add(q)) >> (shift & 63);
    let r = if r > i64::MAX as u64 { 0 } else { r };
    if x == ONE {
        one
    } else {
        r
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::fixed::{mul_sat, safe_div};
    use substrate_fixed::types::I32F32;

    #[test]
    fn lanes_equal_the_scalar_forms_on_edges() {
        let xs = [
            0u64,
            1,
            2,
            3,
            0x7FFF_FFFF,
            0x8000_0000,
            0xFFFF_FFFE,
            0xFFFF_FFFF,
            ONE,
        ];
        let ds = [
            0u64,
            2,
            3,
            7,
            1 << 16,
            0xFFFF_FFFF,
            ONE,
            ONE + 1,
            3 << 32,
            (1 << 40) + 12345,
            (i64::MAX as u64) >> 1,
            i64::MAX as u64,
        ];
        for &a in &xs {
            for &b in &xs {
                let s = mul_sat(I32F32::from_bits(a as i64), I32F32::from_bits(b as i64));
                assert_eq!(mul(a, b), s.to_bits() as u64, "{a} × {b}");
            }
        }
        for &d in &ds {
            let p = LaneDivisor::new(d).unwrap();
            for &x in &xs {
                if d == 0 && x != 0 {
                    continue;
                }
                let want = safe_div(I32F32::from_bits(x as i64), I32F32::from_bits(d as i64));
                let got = div(x, p.magic >> 32, p.magic & 0xFFFF_FFFF, p.shift, p.one);
                assert_eq!(got, want.to_bits() as u64, "{x} / {d}");
            }
        }
        assert!(LaneDivisor::new(1).is_none());
    }
}
