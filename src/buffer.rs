//! Reused buffers: how every stage resets its scratch vectors without giving up their
//! allocations (so a reused [`Workspace`](crate::Workspace) allocates nothing in steady state).

use alloc::vec::Vec;

/// A reused buffer refilled to `len` copies of `x`, keeping its allocation (`clear` then
/// `resize`): how every stage resets its scratch vectors.
pub(crate) trait Refill<T> {
    /// Clears the vector and fills it with `len` copies of `x`.
    fn refill(&mut self, len: usize, x: T);
}

impl<T: Clone> Refill<T> for Vec<T> {
    #[inline]
    fn refill(&mut self, len: usize, x: T) {
        self.clear();
        self.resize(len, x);
    }
}
