//! Compressed sparse rows: `row_ptr` (`rows + 1` offsets), `col` (`u16` uids) and `val` (I32F32).
//!
//! Rows keep the order their entries were pushed in; upstream depends on stored order in a few
//! places (liquid alpha scans rows assuming ascending uids), so no operation here sorts.
//!
//! ```
//! use yuma::sparse::Csr;
//! use yuma::fixed::ONE;
//! let mut m = Csr::default();
//! m.push(3, ONE);
//! m.end_row();
//! m.end_row();
//! assert_eq!(m.rows(), 2);
//! assert_eq!(m.row(0).0, &[3]);
//! assert!(m.row(1).0.is_empty());
//! ```

use alloc::vec::Vec;
use substrate_fixed::types::I32F32;

use crate::buffer::Refill;
use crate::fixed::{Divisor, ZERO};

/// A CSR matrix with `u16` column indices and I32F32 values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csr {
    /// Row `i` holds entries `row_ptr[i]..row_ptr[i + 1]`.
    pub row_ptr: Vec<u32>,
    /// Column (uid) of each entry.
    pub col: Vec<u16>,
    /// Value of each entry.
    pub val: Vec<I32F32>,
}

impl Default for Csr {
    /// An empty matrix with no rows; allocates nothing (so `core::mem::take` is free).
    fn default() -> Self {
        Csr {
            row_ptr: Vec::new(),
            col: Vec::new(),
            val: Vec::new(),
        }
    }
}

fn to_usize(x: u32) -> usize {
    usize::try_from(x).unwrap_or(usize::MAX)
}

impl Csr {
    /// Empties the matrix, keeping its allocations.
    pub fn clear(&mut self) {
        self.row_ptr.clear();
        self.row_ptr.push(0);
        self.col.clear();
        self.val.clear();
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.row_ptr.len().saturating_sub(1)
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.col.len()
    }

    /// Appends an entry to the open row.
    #[inline]
    pub fn push(&mut self, j: u16, v: I32F32) {
        self.col.push(j);
        self.val.push(v);
    }

    /// Closes the open row.
    #[inline]
    pub fn end_row(&mut self) {
        if self.row_ptr.is_empty() {
            self.row_ptr.push(0);
        }
        self.row_ptr
            .push(u32::try_from(self.col.len()).unwrap_or(u32::MAX));
    }

    /// Entry range of row `i` (empty when out of range).
    #[inline]
    pub fn range(&self, i: usize) -> core::ops::Range<usize> {
        let a = self.row_ptr.get(i).copied().map(to_usize).unwrap_or(0);
        let b = self
            .row_ptr
            .get(i.saturating_add(1))
            .copied()
            .map(to_usize)
            .unwrap_or(a);
        a..b.max(a)
    }

    /// Columns and values of row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> (&[u16], &[I32F32]) {
        let r = self.range(i);
        (
            self.col.get(r.clone()).unwrap_or(&[]),
            self.val.get(r).unwrap_or(&[]),
        )
    }

    /// Mutable values of row `i`.
    #[inline]
    pub fn row_vals_mut(&mut self, i: usize) -> &mut [I32F32] {
        let r = self.range(i);
        self.val.get_mut(r).unwrap_or(&mut [])
    }

    /// Copies `other` into `self`, reusing allocations.
    pub fn copy_from(&mut self, other: &Csr) {
        self.row_ptr.clone_from(&other.row_ptr);
        self.col.clone_from(&other.col);
        self.val.clone_from(&other.val);
    }

    /// Rows as `(uid, raw bits)` pairs (the trace format).
    pub fn to_bits_rows(&self) -> Vec<Vec<(u16, i64)>> {
        (0..self.rows())
            .map(|i| {
                let (c, v) = self.row(i);
                c.iter().zip(v).map(|(&j, x)| (j, x.to_bits())).collect()
            })
            .collect()
    }

    /// `v_ij ← v_ij / by_j` for every entry with `by_j ≠ 0` (zero and columns beyond `by`: untouched).
    pub fn divide_cols(&mut self, by: &[I32F32], divs: &mut Vec<Divisor>) {
        prepare_divisors(by, divs);
        for (&j, v) in self.col.iter().zip(self.val.iter_mut()) {
            if let Some(d) = divs.get(usize::from(j)) {
                *v = d.div(*v);
            }
        }
    }
}

/// Write access for rebuilding a [`Csr`] in place ([`Csr::rebuild`]): entry slots sized up front
/// and an entry count kept in a local, so the hot loops that fill a matrix store values instead
/// of growing two vectors entry by entry.
pub struct Slots<'a> {
    row_ptr: &'a mut Vec<u32>,
    col: &'a mut [u16],
    val: &'a mut [I32F32],
    len: usize,
}

impl Slots<'_> {
    /// Appends an entry to the open row when `keep` holds — written either way, counted only when
    /// kept, so the loop has no branch on `keep` (ignored once the slots are full).
    #[inline(always)]
    pub fn push_if(&mut self, j: u16, v: I32F32, keep: bool) {
        if let (Some(c), Some(x)) = (self.col.get_mut(self.len), self.val.get_mut(self.len)) {
            *c = j;
            *x = v;
            self.len = self.len.wrapping_add(usize::from(keep));
        }
    }

    /// Entries written so far.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no entry has been written.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Values of the entries written since entry `start`.
    #[inline(always)]
    pub fn vals_since(&mut self, start: usize) -> &mut [I32F32] {
        self.val.get_mut(start..self.len).unwrap_or(&mut [])
    }

    /// The next `len` entry slots of the open row, to fill in place (then [`Slots::commit`] how
    /// many were filled); `None` when fewer than `len` slots are left.
    #[inline(always)]
    pub fn next_slots(&mut self, len: usize) -> Option<(&mut [u16], &mut [I32F32])> {
        let end = self.len.checked_add(len)?;
        let c = self.col.get_mut(self.len..end)?;
        let v = self.val.get_mut(self.len..end)?;
        Some((c, v))
    }

    /// Counts the first `len` slots [`Slots::next_slots`] returned as entries.
    #[inline(always)]
    pub fn commit(&mut self, len: usize) {
        self.len = self.len.saturating_add(len).min(self.col.len());
    }

    /// Closes the open row.
    #[inline(always)]
    pub fn end_row(&mut self) {
        self.row_ptr
            .push(u32::try_from(self.len).unwrap_or(u32::MAX));
    }
}

impl Csr {
    /// Empties the matrix and refills it through `f` with room for `cap` entries (writes beyond
    /// `cap` are dropped). Reuse allocates nothing once the vectors have grown; the slots between
    /// the entries kept last time and `cap` are zero-filled again (one `memset`).
    #[inline(always)]
    pub fn rebuild<R>(&mut self, cap: usize, f: impl FnOnce(&mut Slots<'_>) -> R) -> R {
        self.row_ptr.clear();
        self.row_ptr.push(0);
        self.col.resize(cap, 0);
        self.val.resize(cap, ZERO);
        let mut slots = Slots {
            row_ptr: &mut self.row_ptr,
            col: &mut self.col,
            val: &mut self.val,
            len: 0,
        };
        let r = f(&mut slots);
        let len = slots.len;
        self.col.truncate(len);
        self.val.truncate(len);
        r
    }
}

/// Saturating column sums of entries with `j < columns`, in storage order.
pub fn col_sums(col: &[u16], val: &[I32F32], columns: usize, sums: &mut Vec<I32F32>) {
    sums.refill(columns, ZERO);
    for (&j, &v) in col.iter().zip(val.iter()) {
        if let Some(s) = sums.get_mut(usize::from(j)) {
            *s = crate::fixed::sat_add(*s, v);
        }
    }
}

/// One [`Divisor::or_keep`] per value: division by each, a zero leaving values unchanged.
pub fn prepare_divisors(by: &[I32F32], divs: &mut Vec<Divisor>) {
    divs.clear();
    divs.extend(by.iter().map(|&d| Divisor::or_keep(d)));
}
