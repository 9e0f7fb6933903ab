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
}

impl Stake {
    pub fn bits(self) -> i64 {
        match self {
            Stake::Zero => 0,
            Stake::Small(x) => i64::from(x),
            Stake::Any(x, hi) => i64::from(x) | (i64::from(hi) << 32),
            Stake::Big(x) => (x & ((1 << 40) - 1)) as i64,
        }
    }
}

/// A column: in the pipeline's domain (compared), or wild bits (only must not panic).
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
        use substrate_fixed::types::I32F32;
        let mut stake: Vec<I32F32> = entries
            .iter()
            .map(|e| I32F32::from_bits(e.0.bits()))
            .collect();
        yuma::fixed::normalize(&mut stake);
        let score: Vec<I32F32> = entries
            .iter()
            .map(|e| I32F32::from_bits(e.1.bits()))
            .collect();
        let total = yuma::fixed::wrapping_sum(stake.iter().copied());
        let minority = total.saturating_sub(yuma::fixed::u16_proportion_to_fixed(kappa));
        Column {
            stake,
            score,
            total,
            minority,
        }
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
