//! Whole-unit apportioning by exact cumulative ratios (Null consensus's payouts).
//!
//! **Contract.** [`apportion_units`] is upstream's `apportion_units` (run_epoch.rs @ 02214123):
//! with `P_i` the prefix sums of the shares and `T` their total, uid `i` receives
//! `⌊P_i·B / T⌋ − ⌊P_(i−1)·B / T⌋` of the budget `B`; every payout is the floor or the ceiling
//! of its exact share, the payouts sum to exactly `B` when `T > 0`, and all are 0 when `T = 0`.
//!
//! **Why it is exact.** Upstream computes in U256 with saturating operations; none saturates:
//! each share is below 2¹²⁸ and there are at most 65535 of them, so `P_i ≤ T < 2¹⁴⁴`, and
//! `P_i·B < 2²⁰⁸`. Here the sums are exact 256-bit integers ([u64; 4]), the product is one
//! 4-limb × 1-limb multiply, and since `P_i ≤ T` the quotient is at most `B < 2⁶⁴`: the dividend
//! shifted down 64 bits is below `T`, so 64 steps of restoring binary division give the quotient
//! exactly (`low_u64` of upstream's quotient is the whole quotient). Checked against `u128`
//! arithmetic wherever that suffices, and on sums beyond it, in the tests below.

use alloc::vec::Vec;

/// An unsigned 256-bit integer, little-endian 64-bit limbs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct U256([u64; 4]);

impl U256 {
    fn from_u128(x: u128) -> Self {
        U256([x as u64, (x >> 64) as u64, 0, 0])
    }

    fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    /// `self + x`, wrapping (never reached: see the module docs).
    fn add(self, x: U256) -> Self {
        let mut out = [0u64; 4];
        let mut carry = false;
        for ((o, &a), &b) in out.iter_mut().zip(&self.0).zip(&x.0) {
            let (s1, c1) = a.overflowing_add(b);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *o = s2;
            carry = c1 | c2;
        }
        U256(out)
    }

    /// `self − x` for `x ≤ self`.
    fn sub(self, x: U256) -> Self {
        let mut out = [0u64; 4];
        let mut borrow = false;
        for ((o, &a), &b) in out.iter_mut().zip(&self.0).zip(&x.0) {
            let (d1, b1) = a.overflowing_sub(b);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            *o = d2;
            borrow = b1 | b2;
        }
        U256(out)
    }

    /// `self · m`, modulo 2²⁵⁶ (exact here: see the module docs).
    fn mul_u64(self, m: u64) -> Self {
        let mut out = [0u64; 4];
        let mut carry = 0u64;
        for (o, &a) in out.iter_mut().zip(&self.0) {
            let p = u128::from(a)
                .wrapping_mul(u128::from(m))
                .wrapping_add(u128::from(carry));
            *o = p as u64;
            carry = (p >> 64) as u64;
        }
        U256(out)
    }

    /// Limb-wise comparison from the top (`Ord` on the array compares from the bottom).
    fn ge(&self, x: &U256) -> bool {
        for (a, b) in self.0.iter().rev().zip(x.0.iter().rev()) {
            if a != b {
                return a > b;
            }
        }
        true
    }

    /// `self · 2 + bit`, wrapping.
    fn shl1_or(self, bit: bool) -> Self {
        let [a, b, c, d] = self.0;
        U256([
            (a << 1) | u64::from(bit),
            (b << 1) | (a >> 63),
            (c << 1) | (b >> 63),
            (d << 1) | (c >> 63),
        ])
    }

    /// `⌊self / d⌋` for `d > 0` when the quotient is below 2⁶⁴ (`self >> 64 < d`).
    fn div_to_u64(self, d: &U256) -> u64 {
        let [low, b, c, e] = self.0;
        let mut r = U256([b, c, e, 0]);
        let mut q = 0u64;
        for bit in (0..64u32).rev() {
            r = r.shl1_or((low >> bit) & 1 == 1);
            if r.ge(d) {
                r = r.sub(*d);
                q |= 1 << bit;
            }
        }
        q
    }
}

/// Upstream's `apportion_units(shares, budget)` into `out` (one payout per share).
///
/// ```
/// let mut out = Vec::new();
/// yuma::fixed::apportion_units(&[1, 1, 1], 100, &mut out);
/// assert_eq!(out, vec![33, 33, 34]); // exact cumulative floors: 33, 66, 100
/// yuma::fixed::apportion_units(&[0, 0], 100, &mut out);
/// assert_eq!(out, vec![0, 0]);
/// ```
pub fn apportion_units(shares: &[u128], budget: u64, out: &mut Vec<u64>) {
    out.clear();
    let total = shares
        .iter()
        .fold(U256::default(), |t, &s| t.add(U256::from_u128(s)));
    if total.is_zero() {
        out.resize(shares.len(), 0);
        return;
    }
    let (mut prefix, mut allocated) = (U256::default(), 0u64);
    out.extend(shares.iter().map(|&s| {
        prefix = prefix.add(U256::from_u128(s));
        let through = prefix.mul_u64(budget).div_to_u64(&total);
        let payout = through.saturating_sub(allocated);
        allocated = through;
        payout
    }));
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use alloc::vec;

    /// The same through `u128` where every product fits.
    fn small(shares: &[u128], budget: u64) -> Vec<u64> {
        let total: u128 = shares.iter().sum();
        if total == 0 {
            return vec![0; shares.len()];
        }
        let (mut prefix, mut allocated) = (0u128, 0u64);
        shares
            .iter()
            .map(|&s| {
                prefix += s;
                let through = (prefix * u128::from(budget) / total) as u64;
                let p = through - allocated;
                allocated = through;
                p
            })
            .collect()
    }

    #[test]
    fn equals_u128_arithmetic_where_it_fits() {
        let cases: [(&[u128], u64); 6] = [
            (&[1, 2, 3], 1_000_000_007),
            (&[0, 5, 0, 7], 13),
            (&[u64::MAX as u128, 1], u32::MAX as u64),
            (&[3; 17], 131_071),
            (&[1], u64::MAX >> 1),
            (&[9, 0], 0),
        ];
        for (shares, budget) in cases {
            let mut out = Vec::new();
            apportion_units(shares, budget, &mut out);
            assert_eq!(out, small(shares, budget), "{shares:?} {budget}");
            if shares.iter().any(|&s| s > 0) {
                assert_eq!(
                    out.iter().map(|&x| u128::from(x)).sum::<u128>(),
                    u128::from(budget)
                );
            }
        }
    }

    #[test]
    fn huge_shares_pay_exactly_the_budget() {
        // I64F64 stake bits near 2¹²⁷: products far beyond u128.
        let big = (1u128 << 127) - 1;
        for budget in [0u64, 1, 3, 131_071, u64::MAX] {
            let shares = [big, big / 3, 0, big, 1];
            let mut out = Vec::new();
            apportion_units(&shares, budget, &mut out);
            let paid: u128 = out.iter().map(|&x| u128::from(x)).sum();
            assert_eq!(paid, u128::from(budget));
            // Each payout is the floor or ceiling of its exact share; the 1-bit share gets 0
            // or 1 unit at most, the zero share nothing.
            assert_eq!(out[2], 0);
            assert!(out[4] <= 1);
            assert!(out[0].abs_diff(out[3]) <= 1);
        }
        // Two equal halves of u64::MAX: the first floors, the second takes the rest.
        let mut out = Vec::new();
        apportion_units(&[big, big], u64::MAX, &mut out);
        assert_eq!(out, vec![u64::MAX / 2, u64::MAX - u64::MAX / 2]);
    }
}
