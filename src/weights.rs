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

use crate::fixed::{u16_to_fixed, wrapping_sum, Divisor};
use crate::sparse::Csr;
use crate::stake::has_permit;
use crate::EpochInput;

/// Builds the masked, row-normalized weight matrix (`n` rows) into `out`.
///
/// `last_update` must hold at least `n` entries (padded with 0).
pub fn masked_weights(input: &EpochInput, last_update: &[u64], out: &mut Csr) {
    let n = usize::from(input.n);
    let reg = &input.block_at_registration;
    out.clear();
    for i in 0..n {
        let row = input.weights.get(i).map(|r| r.as_slice()).unwrap_or(&[]);
        if !has_permit(&input.validator_permit, input.owner_uid, i) || row.is_empty() {
            out.end_row();
            continue;
        }
        let updated = last_update.get(i).copied().unwrap_or(0);
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
        let is_owner = input.owner_uid.map(usize::from) == Some(i);
        let start = out.nnz();
        for &(j, w) in row {
            let ju = usize::from(j);
            let Some(&registered) = reg.get(ju) else {
                continue;
            };
            if ju >= n || (ju == i && !is_owner) || updated <= registered {
                continue;
            }
            if input.commit_reveal_enabled && commit < registered {
                continue;
            }
            out.push(j, u16_to_fixed(w));
        }
        let vals = out.val.get_mut(start..).unwrap_or(&mut []);
        let sum: I32F32 = wrapping_sum(vals.iter().copied());
        if crate::fixed::is_pos(sum) {
            let d = Divisor::new(sum);
            for v in vals.iter_mut() {
                *v = d.div(*v);
            }
        }
        out.end_row();
    }
}
