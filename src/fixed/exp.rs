//! `exp_safe`, the liquid alpha's exponential, and faster forms of the same arithmetic.
//!
//! **Contract.** [`exp_safe`] is upstream's: the input clamped to `[−20, 20]`, then
//! `substrate_fixed::transcendental::exp` (its 30-term Taylor series with every term
//! `⌊⌊term·x⌋ / i⌋` checked), an overflow giving 0 for `x ≤ 0` and `I32F32::MAX` otherwise.
//! [`exp_safe_fast`], [`exp_safe_batch`] and [`exp_safe_grouped`] return the same bits for every
//! input.
//!
//! **Why the fast forms are exact.** They run the same series on the magnitude and take the
//! reciprocal for negative inputs exactly as `transcendental::exp` does ([`reciprocal_bits`]:
//! `⌊2⁶⁴ / r⌋`). The division of each term by `i = 2..=31` is a multiply-high by a
//! compile-time magic (`SERIES_DIV`, exact for every numerator below 2⁶³ —
//! `series_div_is_exact` checks each `i`), and the loop stops once a term is 0 (every later term
//! is `⌊0·x / i⌋ = 0`). With the clamped magnitude at most `20·2³²` every product quotient stays
//! below 2⁶³, so in the lock-step batches (eight inputs interleaved, optionally grouped by
//! magnitude so a group needs about the same number of terms) none of the scalar series'
//! overflow checks can fire. Checked against `exp_safe` on a sweep and proptested.

use substrate_fixed::transcendental::exp;
use substrate_fixed::types::I32F32;

use super::{mul_shr32, wide_mul_u64, ONE, ZERO};

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
pub(super) const LANES: usize = 8;

/// The raw series sums of `exp` for eight magnitudes `op ≤ 20·2³²` (raw bits), evaluated in lock
/// step until every lane's term is 0. The same arithmetic as [`exp_safe_fast`]: term
/// `i` is `⌊⌊term·op / 2³²⌋ / i⌋`; with `op ≤ 20·2³²` every product quotient stays below 2⁶³
/// (largest term ≈ 4.3·10⁷·2³², sum ≈ e²⁰·2³²), so none of the scalar series' checks can fire.
#[inline(always)]
pub(super) fn series_lanes(op: &[u64; LANES]) -> [u64; LANES] {
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

fn exp_err(neg: bool) -> I32F32 {
    if neg {
        ZERO
    } else {
        I32F32::max_value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
