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
