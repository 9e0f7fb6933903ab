//! Fixed-point helpers: the chain's conversions and its overflow conventions, one named function each.
//!
//! Every helper states how it behaves at the edges in its name or doc:
//! * `safe_div` — division where a zero divisor **or an overflowing quotient** gives 0
//!   (the chain's `SafeDiv` is `checked_div().unwrap_or_default()`);
//! * `wrapping_sum` — plain `Iterator::sum` on the chain, which is compiled without overflow
//!   checks and therefore wraps;
//! * `saturating_*` — saturating conversions and arithmetic, as named by `substrate-fixed`.
//!
//! One concept a file, each opening with its contract and the proof that its fast forms give
//! the chain's bits: `arith` (division, saturation, sums), `convert` (u16 / rao / stake
//! conversions), `wide_mul` (128-bit products), `divisor` (division by an invariant divisor),
//! `exp` (`exp_safe` and its batched series), `sigmoid` (the liquid alpha's bounded sigmoid),
//! `apportion` (Null consensus's exact whole-unit payouts).
//! Everything is re-exported here, so every helper is `yuma::fixed::NAME`.

use substrate_fixed::types::I32F32;

mod apportion;
mod arith;
mod convert;
mod divisor;
mod exp;
mod sigmoid;
mod wide_mul;

pub use apportion::*;
pub use arith::*;
pub use convert::*;
pub use divisor::*;
pub use exp::*;
pub use sigmoid::*;
pub use wide_mul::*;

/// `0` as I32F32.
pub const ZERO: I32F32 = I32F32::from_bits(0);

/// `1` as I32F32.
pub const ONE: I32F32 = I32F32::from_bits(1 << 32);

/// `u16::MAX` (65535) as I32F32.
pub const U16_MAX: I32F32 = I32F32::from_bits(65_535 << 32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants() {
        assert_eq!(ONE, I32F32::from_num(1));
        assert_eq!(U16_MAX, I32F32::from_num(65535));
    }
}
