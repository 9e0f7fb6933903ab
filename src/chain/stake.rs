//! The stake an epoch reads, from raw storage: `get_stake_weights_for_network`'s two inherited
//! amounts per uid (`alpha_stake`, `tao_stake` of [`crate::EpochInput`]).
//!
//! A hotkey's stake on subnet `N` is its own `TotalHotkeyAlpha[hotkey][N]`, less what it lends
//! to its children, plus what its parents lend it; its TAO stake is the same with the root
//! subnet's `TotalHotkeyAlpha[·][0]` moved along the **same** subnet-`N` edges
//! (`staking/stake_utils.rs` 14bc6f9f, `get_inherited_for_hotkey_on_subnet` and
//! `get_tao_inherited_for_hotkey_on_subnet`). In U96F32, every operation saturating:
//!
//! ```text
//! frac(p)   = U96F32(p) / U96F32(u64::MAX)            (p = u64::MAX is exactly 1)
//! lent      = Σ over children (p, _)        U96F32(own) · frac(p)        in stored order
//! borrowed  = Σ over parents  (p, parent)   U96F32(parent's own) · frac(p)
//! inherited = ⌊(U96F32(own) − lent) + borrowed⌋, as u64 (saturating)
//! ```
//!
//! One level only (a parent lends its own stake, not what it inherits); no take, threshold or
//! cap; proportions are not renormalized (`lent` may exceed `own`, and the subtraction stops at
//! 0). On the root subnet itself the alpha amount is `own` unchanged.
//!
//! From spec 446 a parent whose `ChildkeyThresholdSuspended` entry is present lends nothing
//! (its children list reads empty, and it is dropped from its children's parent lists), unless
//! it is the subnet owner's hotkey (`staking/set_children.rs`, `get_children` / `get_parents`).
//! The caller applies that filter to the edges before calling [`inherited`].
//!
//! Each product has an integer operand (`U96F32(own)` has no fraction bits), so the products
//! are exact and rounding happens only in `frac` and the final floor — but this module does
//! not rely on that: it computes with `substrate_fixed`'s own U96F32, as the chain does.
//! `tests/chain.rs` checks it on cases produced by running upstream's functions.

use substrate_fixed::types::U96F32;

/// One edge of the child-key graph: the proportion lent (of `u64::MAX`) and the stake that
/// moves along it (the lender's own amount; unused for the hotkey's own children).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The proportion, of `u64::MAX`.
    pub proportion: u64,
    /// For a parent edge: the parent's own `TotalHotkeyAlpha` on the asset's subnet.
    pub parent_stake: u64,
}

fn frac(p: u64) -> U96F32 {
    U96F32::saturating_from_num(p)
        .checked_div(U96F32::saturating_from_num(u64::MAX))
        .unwrap_or(U96F32::from_bits(0))
}

/// One asset's inherited stake: `own`, less `own · frac(p)` for each child proportion, plus
/// `parent_stake · frac(p)` for each parent edge, as u64 (module docs).
///
/// ```
/// use yuma::chain::stake::{inherited, Edge};
/// // Lend half of 1000 to a child; borrow a quarter of a parent's 400.
/// let half = u64::MAX / 2 + 1;
/// let quarter = u64::MAX / 4 + 1;
/// let got = inherited(1000, &[half], &[Edge { proportion: quarter, parent_stake: 400 }]);
/// assert_eq!(got, 500 + 100);
/// // A parent lending everything leaves nothing (full proportion is exactly 1).
/// assert_eq!(inherited(7, &[u64::MAX], &[]), 0);
/// ```
pub fn inherited(own: u64, children: &[u64], parents: &[Edge]) -> u64 {
    let own = U96F32::saturating_from_num(own);
    let lent = children.iter().fold(U96F32::from_bits(0), |acc, &p| {
        acc.saturating_add(own.saturating_mul(frac(p)))
    });
    let borrowed = parents.iter().fold(U96F32::from_bits(0), |acc, e| {
        acc.saturating_add(
            U96F32::saturating_from_num(e.parent_stake).saturating_mul(frac(e.proportion)),
        )
    });
    own.saturating_sub(lent)
        .saturating_add(borrowed)
        .saturating_to_num::<u64>()
}

/// A uid's two stake amounts on subnet `netuid`: `(alpha_stake, tao_stake)`.
///
/// `own_alpha` / `own_root` are the hotkey's `TotalHotkeyAlpha` on `netuid` and on the root
/// subnet; `children` the proportions of its `ChildKeys[hotkey][netuid]`; `parents_alpha` and
/// `parents_root` its `ParentKeys[hotkey][netuid]` edges with each parent's own stake on
/// `netuid` and on root (both lists in stored order, suspended parents already removed).
pub fn uid_stake(
    netuid: u16,
    own_alpha: u64,
    own_root: u64,
    children: &[u64],
    parents_alpha: &[Edge],
    parents_root: &[Edge],
) -> (u64, u64) {
    let alpha = if netuid == super::items::ROOT {
        own_alpha
    } else {
        inherited(own_alpha, children, parents_alpha)
    };
    (alpha, inherited(own_root, children, parents_root))
}
