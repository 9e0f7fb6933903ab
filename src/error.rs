//! Typed errors for inputs the epoch cannot be computed on.

use core::fmt;

/// Why an epoch could not be computed. Every variant names the offending field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A per-uid vector that the chain always holds with exactly `n` entries has another length.
    Length {
        /// The input field.
        field: &'static str,
        /// Entries expected (`n`).
        expected: usize,
        /// Entries found.
        found: usize,
    },
    /// An input exceeds a documented limit (see [`crate::Limits`]).
    TooLarge {
        /// The input field or quantity.
        field: &'static str,
        /// The configured limit.
        limit: usize,
        /// The value found.
        found: usize,
    },
    /// `bonds_moving_average` is so large that the chain's Yuma 3 fixed-alpha conversion
    /// (`I32F32::from_num(bonds_moving_average / 1e6)`) would panic; the chain cannot produce an
    /// epoch for this input.
    BondsMovingAverageOverflow {
        /// The value found.
        value: u64,
    },
    /// A uid that is not in the subnet (`uid >= n`).
    UidOutOfRange {
        /// The uid asked for.
        uid: u16,
        /// The subnet size.
        n: u16,
    },
    /// `mechanisms` holds no mechanism, or more than the chain supports.
    Mechanisms {
        /// What is wrong.
        reason: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Length {
                field,
                expected,
                found,
            } => write!(
                f,
                "field `{field}`: expected {expected} entries (one per uid, n = {expected}), found {found}"
            ),
            Error::TooLarge {
                field,
                limit,
                found,
            } => write!(f, "field `{field}`: {found} exceeds the limit of {limit}"),
            Error::BondsMovingAverageOverflow { value } => write!(
                f,
                "field `bonds_moving_average`: {value} overflows the chain's Yuma 3 alpha conversion \
                 (must be below 2147483648000000)"
            ),
            Error::UidOutOfRange { uid, n } => {
                write!(f, "uid {uid} is not in the subnet (uids are 0..{n})")
            }
            Error::Mechanisms { reason } => write!(f, "field `mechanisms`: {reason}"),
        }
    }
}

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
impl std::error::Error for Error {}
