//! Weight masks and row normalization, in one pass over the stored rows.
//!
//! An entry `(i, j, w)` survives when
//! * `j < n` (stored entries for deregistered uids are dropped),
//! * row `i` holds a stored permit (an empty permit vector drops every row),
//! * `j != i`, unless `i` is the subnet owner (the owner keeps its self-weight),
//! * the weight is not outdated: `last_update_i > block_at_registration_j`,
//! * with commit-reveal on, `commit_block_i >= block_at_registration_j` (no commit reads as `u64::MAX`).
//!
//! Each row is then divided by its (wrapping) sum when that sum is positive.

use substrate_fixed::types::I32F32;

use crate::fixed::{is_pos, u16_to_fixed, Divisor};
use crate::io::stored_entries;
use crate::sparse::Csr;
use crate::stake::has_permit;
use crate::EpochInput;

/// The masks of one row `i`: which stored entries `(i, j, w)` survive (every mask above but the
/// permit row). Null consensus applies the same masks to its one row.
pub(crate) struct EntryMask<'a> {
    i: usize,
    is_owner: bool,
    updated: u64,
    commit: u64,
    /// Registration blocks of uids `0..n`: a column that finds its block is a live uid.
    registered: &'a [u64],
}

impl<'a> EntryMask<'a> {
    /// The masks of row `i` (`last_update` padded to `n`).
    pub(crate) fn new(input: &'a EpochInput, last_update: &[u64], i: usize) -> Self {
        let n = usize::from(input.n);
        let reg = &input.block_at_registration;
        // Without commit-reveal every registration passes the commit test.
        let commit = if input.commit_reveal_enabled {
            input
                .commit_blocks
                .get(i)
                .copied()
                .flatten()
                .unwrap_or(u64::MAX)
        } else {
            u64::MAX
        };
        EntryMask {
            i,
            is_owner: input.owner_uid.map(usize::from) == Some(i),
            updated: last_update.get(i).copied().unwrap_or(0),
            commit,
            registered: reg.get(..n).unwrap_or(reg),
        }
    }

    /// Whether the entry on column `j` survives.
    #[inline(always)]
    pub(crate) fn keeps(&self, j: usize) -> bool {
        self.registered
            .get(j)
            .is_some_and(|&registered| self.keeps_registered(j, registered))
    }

    /// Registration blocks of the live uids.
    #[inline(always)]
    pub(crate) fn registered(&self) -> &'a [u64] {
        self.registered
    }

    /// Whether the row is the owner's (its self-weight kept).
    #[inline(always)]
    pub(crate) fn is_owner(&self) -> bool {
        self.is_owner
    }

    /// The row's `last_update`.
    #[inline(always)]
    pub(crate) fn updated(&self) -> u64 {
        self.updated
    }

    /// The row's commit block (`u64::MAX` without one or without commit-reveal).
    #[inline(always)]
    pub(crate) fn commit(&self) -> u64 {
        self.commit
    }

    /// [`EntryMask::keeps`] for a live column `j` registered at `registered`.
    #[inline(always)]
    pub(crate) fn keeps_registered(&self, j: usize, registered: u64) -> bool {
        (j != self.i || self.is_owner) & (self.updated > registered) & (self.commit >= registered)
    }
}

/// Builds the masked, row-normalized weight matrix (`n` rows) into `out`.
///
/// `last_update` must hold at least `n` entries (padded with 0).
pub fn masked_weights(input: &EpochInput, last_update: &[u64], out: &mut Csr) {
    let n = usize::from(input.n);
    out.rebuild(stored_entries(&input.weights, n), |out| {
        for i in 0..n {
            let row = input.weights.get(i).map(|r| r.as_slice()).unwrap_or(&[]);
            if !has_permit(&input.validator_permit, input.owner_uid, i) || row.is_empty() {
                out.end_row();
                continue;
            }
            let mask = EntryMask::new(input, last_update, i);
            let start = out.len();
            // Σ w as an integer: the I32F32 sum is its wrapping `· 2³²`.
            let mut sum = 0u64;
            for &(j, w) in row {
                let ju = usize::from(j);
                let Some(&registered) = mask.registered.get(ju) else {
                    continue;
                };
                let keep = mask.keeps_registered(ju, registered);
                out.push_if(j, u16_to_fixed(w), keep);
                sum = sum.wrapping_add(if keep { u64::from(w) } else { 0 });
            }
            let sum = I32F32::from_bits(sum.wrapping_shl(32) as i64);
            if is_pos(sum) {
                let d = Divisor::new(sum);
                for v in out.vals_since(start).iter_mut() {
                    *v = d.div(*v);
                }
            }
            out.end_row();
        }
    });
}
