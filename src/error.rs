//! Typed errors for inputs the epoch cannot be computed on.

use alloc::boxed::Box;
use core::fmt;

/// Why an epoch could not be computed. Every variant names the offending field.
///
/// ```
/// let input = yuma::EpochInput { n: 2, ..Default::default() }; // per-uid vectors left empty
/// let err = yuma::epoch(&input).unwrap_err();
/// assert_eq!(
///     err,
///     yuma::Error::Length { field: "block_at_registration", expected: 2, found: 0 }
/// );
/// assert_eq!(
///     err.to_string(),
///     "field `block_at_registration`: expected 2 entries (one per uid, n = 2), found 0"
/// );
/// ```
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
        /// The input field.
        field: &'static str,
        /// The configured limit.
        limit: usize,
        /// The value found.
        found: usize,
    },
    /// The weight and bond rows together hold more `(uid, value)` entries than
    /// [`crate::Limits::max_entries`] allows.
    TooManyEntries {
        /// The limit, `Limits::max_entries`.
        limit: usize,
        /// The entries found in `weights` and `bonds` together.
        found: usize,
    },
    /// The reference implementation would need more dense cells than
    /// [`crate::reference::MAX_DENSE_CELLS`] (see [`crate::reference::dense_cells`]); the fast
    /// pipeline has no such limit.
    ReferenceTooLarge {
        /// The dense cells the input needs: `n × validators`, plus `n × n` with liquid alpha.
        cells: usize,
        /// The limit, [`crate::reference::MAX_DENSE_CELLS`].
        limit: usize,
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
    /// A mechanism's `n` differs from the first mechanism's (they share the subnet's uids).
    MechanismSize {
        /// The mechanism's index in `mechanisms`.
        index: usize,
        /// Its `n`.
        n: u16,
        /// The first mechanism's `n`.
        expected: u16,
    },
    /// The input's runtime is newer than any this version of the crate reproduces (see
    /// [`crate::runtime`]); assume known rules explicitly to compute it anyway.
    UnsupportedRuntime {
        /// The runtime spec asked for.
        spec_version: u32,
        /// The newest spec the crate reproduces.
        newest: u32,
    },
    /// Fields that must be given together, or agree, do not.
    Inconsistent {
        /// The fields.
        fields: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// One mechanism's epoch failed.
    InMechanism {
        /// The mechanism's index in `mechanisms`.
        index: usize,
        /// Why its epoch failed.
        error: Box<Error>,
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
            Error::TooManyEntries { limit, found } => write!(
                f,
                "fields `weights` + `bonds`: {found} entries in all, which exceeds the limit of {limit} \
                 (Limits::max_entries)"
            ),
            Error::ReferenceTooLarge { cells, limit } => write!(
                f,
                "the reference implementation would need {cells} dense cells (n × validators, \
                 + n × n with liquid alpha), above its limit of {limit} \
                 (yuma::reference::MAX_DENSE_CELLS); the main pipeline has no such limit"
            ),
            Error::UidOutOfRange { uid, n: 0 } => {
                write!(f, "uid {uid} is not in the subnet (it has no uids: n = 0)")
            }
            Error::UidOutOfRange { uid, n } => {
                write!(f, "uid {uid} is not in the subnet (uids are 0 to {})", n.saturating_sub(1))
            }
            Error::Mechanisms { reason } => write!(f, "field `mechanisms`: {reason}"),
            Error::MechanismSize { index, n, expected } => write!(
                f,
                "field `mechanisms`: mechanism {index} has n = {n}, but mechanism 0 has n = \
                 {expected} (every mechanism covers the subnet's uids)"
            ),
            Error::UnsupportedRuntime {
                spec_version,
                newest,
            } => write!(
                f,
                "field `spec_version`: runtime {spec_version} is not reproduced by this version of \
                 yuma (it reproduces runtimes up to spec {newest}); to compute it under the newest \
                 known rules anyway, assume them explicitly (--assume-spec {newest}, \
                 Workspace::assume_spec)"
            ),
            Error::Inconsistent { fields, reason } => write!(f, "fields {fields}: {reason}"),
            Error::InMechanism { index, error } => write!(f, "mechanism {index}: {error}"),
        }
    }
}

/// `core::error::Error` (what `std::error::Error` re-exports), so `?` into `Box<dyn Error>`
/// works with or without `std`.
impl core::error::Error for Error {}
