//! Input of the `weighted_median` target.

use arbitrary::Arbitrary;

/// One score of a column (an I32F32 weight after row normalization).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Score {
    Zero,
    Half,
    One,
    /// Coarse levels: many ties.
    Level(u8),
    /// Up to 2.0 (like the property test's `0..2^33`).
    Fine(u32, bool),
}

impl Score {
    pub fn bits(self) -> i64 {
        match self {
            Score::Zero => 0,
            Score::Half => 1 << 31,
            Score::One => 1 << 32,
            Score::Level(x) => i64::from(x) << 24,
            Score::Fine(x, hi) => i64::from(x) | (i64::from(hi) << 32),
        }
    }
}

/// One validator's stake (I32F32 bits) before normalization.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Stake {
    Zero,
    Small(u8),
    /// `0..2^33` like the property test.
    Any(u32, bool),
    /// Up to 2^40 before normalization (sums stay far from wrapping).
    Big(u64),
    /// Any I32F32 bits: huge (sums wrap), negative (stakes of both signs).
    Bits(i64),
}

impl Stake {
    pub fn bits(self) -> i64 {
        match self {
            Stake::Zero => 0,
            Stake::Small(x) => i64::from(x),
            Stake::Any(x, hi) => i64::from(x) | (i64::from(hi) << 32),
            Stake::Big(x) => (x & ((1 << 40) - 1)) as i64,
            Stake::Bits(x) => x,
        }
    }
}

/// How far past a multiple of 2⁶⁴ the raw stakes of a [`Case::Wrapped`] column sum.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Past {
    /// By 2³² (1.0): the wrapped sum normalizes nothing, every stake stays huge.
    One,
    /// By a multiple of 2³¹.
    Halves(u8),
    /// By anything.
    Any(u64),
}

/// A column: as the pipeline builds it, wild bits, or stakes whose sum wraps.
#[derive(Arbitrary, Debug)]
pub enum Case {
    Pipeline {
        entries: Vec<(Stake, Score)>,
        kappa: u16,
    },
    Wild {
        entries: Vec<(i64, i64)>,
        minority: i64,
        total: i64,
    },
    /// Raw stakes in proportion to the `u16` shares whose I32F32 bits sum to `multiple · 2⁶⁴ +
    /// past` (each below 2⁶³), normalized: the pipeline's wrapped-stake region.
    Wrapped {
        entries: Vec<(u16, Score)>,
        multiple: u8,
        past: Past,
        kappa: u16,
    },
}

/// Raw stakes (I32F32 bits, each below 2⁶³) in proportion to `shares`, summing (as `u128`) to
/// `multiple · 2⁶⁴ + past` where the parts allow.
pub fn wrapped_stakes(shares: &[u16], multiple: u8, past: Past) -> Vec<i64> {
    let past: u128 = match past {
        Past::One => 1 << 32,
        Past::Halves(k) => u128::from(k) << 31,
        Past::Any(x) => u128::from(x),
    };
    let target = (u128::from(multiple % 4 + 1) << 64) + past;
    let weights: Vec<u128> = shares.iter().map(|&w| u128::from(w) + 1).collect();
    let sum: u128 = weights.iter().sum::<u128>().max(1);
    let cap = (1u128 << 63) - 1;
    let mut out: Vec<u128> = weights.iter().map(|w| (target * w / sum).min(cap)).collect();
    let mut left = target.saturating_sub(out.iter().sum());
    for x in out.iter_mut() {
        let room = (cap - *x).min(left);
        *x += room;
        left -= room;
    }
    out.into_iter().map(|x| x as i64).collect()
}

/// A pipeline-shaped column as both medians see it: stakes normalized with
/// `yuma::fixed::normalize`, the scores, the total stake and
/// `minority = total.saturating_sub(kappa)`.
pub struct Column {
    pub stake: Vec<substrate_fixed::types::I32F32>,
    pub score: Vec<substrate_fixed::types::I32F32>,
    pub total: substrate_fixed::types::I32F32,
    pub minority: substrate_fixed::types::I32F32,
}

impl Column {
    /// Builds the column from a `Case::Pipeline`'s entries and kappa.
    pub fn new(entries: &[(Stake, Score)], kappa: u16) -> Self {
        let raw: Vec<i64> = entries.iter().map(|e| e.0.bits()).collect();
        let scores: Vec<Score> = entries.iter().map(|e| e.1).collect();
        Self::from_raw(&raw, &scores, kappa)
    }

    /// Builds a `Case::Wrapped` column.
    pub fn wrapped(entries: &[(u16, Score)], multiple: u8, past: Past, kappa: u16) -> Self {
        let shares: Vec<u16> = entries.iter().map(|e| e.0).collect();
        let scores: Vec<Score> = entries.iter().map(|e| e.1).collect();
        Self::from_raw(&wrapped_stakes(&shares, multiple, past), &scores, kappa)
    }

    fn from_raw(raw: &[i64], scores: &[Score], kappa: u16) -> Self {
        use substrate_fixed::types::I32F32;
        let mut stake: Vec<I32F32> = raw.iter().map(|&b| I32F32::from_bits(b)).collect();
        yuma::fixed::normalize(&mut stake);
        let score: Vec<I32F32> = scores.iter().map(|e| I32F32::from_bits(e.bits())).collect();
        let total = yuma::fixed::wrapping_sum(stake.iter().copied());
        let minority = total.saturating_sub(yuma::fixed::u16_proportion_to_fixed(kappa));
        Column {
            stake,
            score,
            total,
            minority,
        }
    }

    /// The exact search (`yuma::consensus::pivot::pivot_median`) on this column's positive
    /// scores.
    pub fn pivot(&self) -> substrate_fixed::types::I32F32 {
        let zero = substrate_fixed::types::I32F32::from_bits(0);
        let entries: Vec<(u32, substrate_fixed::types::I32F32)> = self
            .score
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > zero)
            .map(|(k, s)| (k as u32, *s))
            .collect();
        let signs = yuma::consensus::pivot::stake_signs(&self.stake);
        let mut scratch = yuma::consensus::pivot::PivotScratch::default();
        yuma::consensus::pivot::pivot_median(&entries, &self.stake, signs, self.total, self.minority, &mut scratch)
    }

    /// Whether the interval kernels apply (stakes `≥ 0`, exact sum within I32F32).
    pub fn interval(&self) -> bool {
        yuma::consensus::pivot::stake_signs(&self.stake).1
            == yuma::consensus::pivot::StakeSigns::Interval
    }

    /// Upstream's pivot search over every validator.
    pub fn reference(&self) -> substrate_fixed::types::I32F32 {
        let idx: Vec<usize> = (0..self.stake.len()).collect();
        let zero = substrate_fixed::types::I32F32::from_bits(0);
        yuma::reference::math::weighted_median(
            &self.stake,
            &self.score,
            &idx,
            self.minority,
            zero,
            self.total,
        )
    }
}
