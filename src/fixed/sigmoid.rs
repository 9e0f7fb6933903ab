//! The liquid alpha's sigmoid `σ = 1 / (1 + exp_safe(x))`, decided where possible from proven
//! bounds on the exp series instead of running it.
//!
//! **Contract.** [`logistic_of_exp`] is upstream's `1 / (1 + e)` (a saturating add and an I32F32
//! division, here [`reciprocal_bits`]); [`logistic_grouped`] returns `logistic_of_exp(exp_safe(x))`
//! for every input, bit for bit.
//!
//! **Why the bounded form is exact.** For `2 ≤ |x| < 8` the series sum `R` that `exp_safe` adds
//! lies in `[A − D, A + (A >> 36) + 3]`, where `A` is a compile-time table of `e^(k/64)` times a
//! degree-4 polynomial of the rest (never above `2³²·e^x`, at most `2⁻³⁶·⁹` relative plus 2 raw
//! bits below it) and `D` bounds how far the truncated series falls below `2³²·e^x`
//! (`SERIES_DEFICIT`: each term's truncation loss `δ_k ≤ δ_(k−1)·x/k + 1`, plus the terms past the
//! 31st). The sigmoid is monotone in `R`, so when both ends give the same quotient (one division
//! and one multiply-compare) that is the value every `R` in between — the true one included —
//! gives; otherwise the series runs. The table, the approximation's error bound (against an
//! independent 2⁸⁰-scale series) and the bounds' containment of the series sum over a 2M-point
//! sweep are unit-tested here; the batch is proptested against `exp_safe` + reciprocal.

use substrate_fixed::types::I32F32;

use super::{exp_safe_grouped, reciprocal_bits, sat_add, wide_mul_u64, ONE, ZERO};
use crate::buffer::Refill;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::exp::{series_lanes, LANES};
    use crate::fixed::exp_safe;

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
}
