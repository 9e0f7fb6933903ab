//! A wavelet matrix over distinct small integers (validator indices): the two order-statistic
//! queries [`pivot`](super::pivot)'s exact median search needs in `O(bits)` each, after an
//! `O(len · bits)` build into reused buffers.
//!
//! The sequence `A` (positions `0..len`) is stored level by level from the top bit: at each level
//! a bit vector holds that bit of every value, and the next level holds the values stably
//! partitioned by it (zeros first). A position range `[l, r)` of values sharing the bits chosen so
//! far maps to `[rank₀(l), rank₀(r))` (next bit 0) or `[zeros + rank₁(l), zeros + rank₁(r))`
//! (next bit 1) on the level below, so both queries are one descent.
//!
//! ```
//! use yuma::consensus::wavelet::Wavelet;
//! let mut w = Wavelet::default();
//! w.build(&[5, 1, 7, 3], 10);
//! assert_eq!(w.kth_smallest(1, 4, 0), Some(1)); // of {1, 7, 3} the smallest
//! assert_eq!(w.kth_smallest(1, 4, 2), Some(7));
//! // Of 0..10 without the values at positions 2..4 ({7, 3}): 0 1 2 4 5 6 8 9.
//! assert_eq!(w.kth_missing(2, 4, 3), Some(4));
//! ```

use alloc::vec::Vec;

use crate::buffer::Refill;

/// One level: a bit vector with its rank directory.
#[derive(Debug, Default, Clone)]
struct Level {
    words: Vec<u64>,
    /// `ones[w]`: set bits in `words[..w]` (`words.len() + 1` entries).
    ones: Vec<u32>,
    /// Values with this level's bit clear.
    zeros: usize,
}

impl Level {
    /// Set bits among the first `i` positions.
    #[inline]
    fn rank1(&self, i: usize) -> usize {
        let (w, b) = (i / 64, i % 64);
        let before = self.ones.get(w).map_or(0, |&x| x as usize);
        let word = self.words.get(w).copied().unwrap_or(0);
        let mask = (1u64 << b).wrapping_sub(1);
        before.wrapping_add((word & mask).count_ones() as usize)
    }

    /// Clear bits among the first `i` positions.
    #[inline]
    fn rank0(&self, i: usize) -> usize {
        i.wrapping_sub(self.rank1(i))
    }
}

/// A wavelet matrix over values below a bound `universe ≤ 2³²`.
#[derive(Debug, Default, Clone)]
pub struct Wavelet {
    levels: Vec<Level>,
    universe: u64,
    len: usize,
    cur: Vec<u32>,
    next: Vec<u32>,
}

impl Wavelet {
    /// Builds the matrix over `values` (each below `universe`), reusing every buffer.
    pub fn build(&mut self, values: &[u32], universe: u64) {
        let bits = u64::BITS.saturating_sub(universe.saturating_sub(1).leading_zeros());
        let bits = usize::try_from(bits).unwrap_or(0);
        self.universe = universe;
        self.len = values.len();
        self.levels.resize_with(bits, Level::default);
        self.levels.truncate(bits);
        self.cur.clear();
        self.cur.extend_from_slice(values);
        let words = values.len().div_ceil(64);
        let Wavelet {
            levels, cur, next, ..
        } = self;
        // `levels[0]` holds the top bit.
        for (depth, level) in levels.iter_mut().enumerate() {
            let bit = bits.saturating_sub(depth).saturating_sub(1);
            level.words.refill(words, 0);
            level.ones.clear();
            let mut zeros = 0usize;
            for (i, &v) in cur.iter().enumerate() {
                if (v >> bit) & 1 == 1 {
                    if let Some(w) = level.words.get_mut(i / 64) {
                        *w |= 1 << (i % 64);
                    }
                } else {
                    zeros = zeros.wrapping_add(1);
                }
            }
            let mut acc = 0u32;
            for &w in &level.words {
                level.ones.push(acc);
                acc = acc.wrapping_add(w.count_ones());
            }
            level.ones.push(acc); // rank at a multiple of 64, the end included
            level.zeros = zeros;
            next.clear();
            next.extend(cur.iter().copied().filter(|&v| (v >> bit) & 1 == 0));
            next.extend(cur.iter().copied().filter(|&v| (v >> bit) & 1 == 1));
            core::mem::swap(cur, next);
        }
    }

    /// The `t`-th smallest (from 0) of the values at positions `l..r`; `None` when there are not
    /// that many.
    pub fn kth_smallest(&self, l: usize, r: usize, t: usize) -> Option<u32> {
        let (mut l, mut r, mut t) = (l, r.min(self.len), t);
        if l >= r || t >= r.wrapping_sub(l) {
            return None;
        }
        let mut value = 0u32;
        for level in &self.levels {
            let (l0, r0) = (level.rank0(l), level.rank0(r));
            let zeros_here = r0.wrapping_sub(l0);
            value <<= 1;
            if t < zeros_here {
                (l, r) = (l0, r0);
            } else {
                t = t.wrapping_sub(zeros_here);
                value |= 1;
                l = level.zeros.wrapping_add(l.wrapping_sub(l0));
                r = level.zeros.wrapping_add(r.wrapping_sub(r0));
            }
        }
        Some(value)
    }

    /// The `t`-th smallest (from 0) value of `0..universe` **not** among the values at positions
    /// `l..r` (the values must be distinct); `None` when there are not that many.
    pub fn kth_missing(&self, l: usize, r: usize, t: usize) -> Option<u32> {
        let (mut l, mut r, mut t) = (l, r.min(self.len), t);
        if l > r {
            l = r;
        }
        let bits = self.levels.len();
        let mut base = 0u64; // the chosen bits, shifted into place
        for (depth, level) in self.levels.iter().enumerate() {
            let bit = bits.saturating_sub(depth).saturating_sub(1);
            let half = 1u64 << bit;
            // Values of `0..universe` in the subtree `base + [0, half)`.
            let domain = self.universe.saturating_sub(base).min(half);
            let (l0, r0) = (level.rank0(l), level.rank0(r));
            let present = u64::try_from(r0.wrapping_sub(l0)).unwrap_or(u64::MAX);
            let missing = domain.saturating_sub(present);
            let tt = u64::try_from(t).unwrap_or(u64::MAX);
            if tt < missing {
                (l, r) = (l0, r0);
            } else {
                t = usize::try_from(tt.wrapping_sub(missing)).unwrap_or(usize::MAX);
                base |= half;
                l = level.zeros.wrapping_add(l.wrapping_sub(l0));
                r = level.zeros.wrapping_add(r.wrapping_sub(r0));
            }
        }
        let present_leaf = u64::try_from(r.saturating_sub(l)).unwrap_or(u64::MAX);
        (t == 0 && base < self.universe && present_leaf == 0)
            .then(|| u32::try_from(base).ok())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_match_sorting() {
        // 128 values: ranks at the 64-bit word boundaries.
        let long: alloc::vec::Vec<u32> = (0..128u32).map(|i| (i * 37) % 131).collect();
        check(&long, &[131, 200]);
        check(&[9u32, 3, 0, 14, 7, 1, 12, 5], &[15, 16, 17, 100]);
    }

    fn check(values: &[u32], universes: &[u64]) {
        let mut w = Wavelet::default();
        for &universe in universes {
            w.build(values, universe);
            for l in 0..=values.len() {
                for r in l..=values.len() {
                    let mut part = values.get(l..r).unwrap_or(&[]).to_vec();
                    part.sort_unstable();
                    for t in 0..=part.len() {
                        assert_eq!(w.kth_smallest(l, r, t), part.get(t).copied());
                    }
                    let missing: alloc::vec::Vec<u32> =
                        (0..universe as u32).filter(|v| !part.contains(v)).collect();
                    for t in 0..=missing.len() {
                        assert_eq!(
                            w.kth_missing(l, r, t),
                            missing.get(t).copied(),
                            "{l} {r} {t}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn degenerate_universes() {
        let mut w = Wavelet::default();
        w.build(&[], 1);
        assert_eq!(w.kth_smallest(0, 0, 0), None);
        assert_eq!(w.kth_missing(0, 0, 0), Some(0));
        assert_eq!(w.kth_missing(0, 0, 1), None);
        w.build(&[0], 1);
        assert_eq!(w.kth_missing(0, 1, 0), None);
        assert_eq!(w.kth_missing(1, 1, 0), Some(0));
    }
}
