//! Liquid alpha (Yuma 3): the per-cell EMA alpha from a sigmoid of how far a validator's weight
//! is from consensus, and the liquid EMA of the bonds (upstream's `compute_liquid_alpha_values`
//! and `mat_ema_alpha_sparse`).
//!
//! * per cell `(i, j)`: `diff = clamp(w − c_j, 0, 1)` when `w ≥ b`, else `clamp(b − w, 0, 1)`;
//!   `α = clamp(low + σ·(high − low), low, high)` with
//!   `σ = 1 / (1 + exp_safe(steepness / −100 · (diff − 0.5)))` ([`alpha_sigmoid`]);
//! * `B'_ij = min(1, (1 − α)·b + max(0, α·w))` for each stored weight, positives kept; bonds on
//!   columns the row no longer weights are dropped ([`ema_liquid`]).
//!
//! Upstream evaluates `α` for every cell of an `n × n` matrix, reading each row with a forward
//! scan that assumes ascending uids (unsorted entries read as 0). Only cells holding a weight
//! can reach the output, so [`ema_liquid`] evaluates exactly those, with the weight and bond the
//! scan would have read there (the visible run of a row stored out of order), and the
//! sigmoids in one batch ([`crate::fixed::logistic_grouped`], bit-identical to the series).

use alloc::vec::Vec;
use substrate_fixed::types::I32F32;

use crate::bonds::{dense_scratch, strictly_ascending, BondsScratch};
use crate::fixed::{
    exp_safe, fmax, fmin, is_pos, mul_sat, sat_add, sat_sub, u16_proportion_to_fixed, ONE, ZERO,
};
use crate::runtime::Rules;
use crate::sparse::Csr;
use crate::{ConsensusMode, EpochInput};

/// The consensus liquid alpha's sigmoid reads this epoch, written to `selected`, and whether
/// liquid alpha runs (upstream's `compute_consensus_for_liquid_alpha` and the gate after it):
///
/// * spec 425: this epoch's `current` consensus;
/// * spec ≥ 446: `liquid_alpha_consensus_mode` picks this epoch's consensus (`current`), the
///   stored `previous_consensus` (`previous`), or the stored one exactly when `bonds_penalty` is
///   65535 (`auto`); a stored one that is empty means the current one, otherwise each u16 becomes
///   `v / 65535`, zero-padded or cut to `n`.
///
/// Liquid alpha runs when it is on (Yuma 3 with `liquid_alpha_enabled`) and the selected
/// consensus is neither empty nor all zero; otherwise the fixed alpha runs.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::liquid_alpha::select_consensus;
/// use yuma::runtime::Rules;
/// let input = yuma::EpochInput { n: 2, yuma3_enabled: true, liquid_alpha_enabled: true,
///     bonds_penalty: 65535, previous_consensus: vec![65535], ..Default::default() };
/// let current = [I32F32::from_num(0.5), I32F32::from_num(0.5)];
/// let mut selected = Vec::new();
/// // Spec 425 reads this epoch's consensus; spec 475 (auto, penalty 65535) the stored one.
/// assert!(select_consensus(&input, Rules::Spec425, &current, &mut selected));
/// assert_eq!(selected, current);
/// assert!(select_consensus(&input, Rules::Spec475, &current, &mut selected));
/// assert_eq!(selected, [I32F32::from_num(1), I32F32::from_num(0)]);
/// ```
pub fn select_consensus(
    input: &EpochInput,
    rules: Rules,
    current: &[I32F32],
    selected: &mut Vec<I32F32>,
) -> bool {
    let use_previous = rules.liquid_alpha_consensus_modes()
        && match input.liquid_alpha_consensus_mode {
            ConsensusMode::Current => false,
            ConsensusMode::Previous => true,
            ConsensusMode::Auto => input.bonds_penalty == u16::MAX,
        }
        && !input.previous_consensus.is_empty();
    selected.clear();
    if use_previous {
        selected.extend(
            input
                .previous_consensus
                .iter()
                .take(current.len())
                .map(|&v| u16_proportion_to_fixed(v)),
        );
        selected.resize(current.len(), ZERO);
    } else {
        selected.extend_from_slice(current);
    }
    input.yuma3_enabled
        && input.liquid_alpha_enabled
        && !selected.is_empty()
        && selected.iter().any(|c| *c != ZERO)
}

/// Liquid-alpha hyperparameters as the chain converts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidAlphaParams {
    /// `alpha_low / 65535`.
    pub low: I32F32,
    /// `alpha_high / 65535`.
    pub high: I32F32,
    /// Sigmoid steepness.
    pub steepness: I32F32,
    /// `steepness / −100` (saturating), hoisted out of the per-cell formula.
    pub factor: I32F32,
}

impl LiquidAlphaParams {
    /// Reads the parameters from an input.
    pub fn new(input: &EpochInput) -> Self {
        LiquidAlphaParams {
            low: u16_proportion_to_fixed(input.alpha_low),
            high: u16_proportion_to_fixed(input.alpha_high),
            steepness: I32F32::from_bits(i64::from(input.alpha_sigmoid_steepness) << 32),
            factor: I32F32::from_bits(i64::from(input.alpha_sigmoid_steepness) << 32)
                .saturating_div(I32F32::from_bits(-100_i64 << 32)),
        }
    }
}

/// The liquid alpha of one cell:
/// `clamp(low + σ·(high − low), low, high)` with
/// `σ = 1 / (1 + exp(steepness / −100 · (diff − 0.5)))`, where `diff` is
/// `clamp(w − c, 0, 1)` when `w ≥ b`, else `clamp(b − w, 0, 1)`.
///
/// ```
/// use substrate_fixed::types::I32F32;
/// use yuma::liquid_alpha::{alpha_sigmoid, LiquidAlphaParams};
/// let input = yuma::EpochInput { alpha_low: 45875, alpha_high: 58982, alpha_sigmoid_steepness: 1000, ..Default::default() };
/// let p = LiquidAlphaParams::new(&input);
/// let a = alpha_sigmoid(I32F32::from_num(0.5), I32F32::from_num(0.5), I32F32::from_num(0), &p);
/// assert!(a >= p.low && a <= p.high);
/// ```
pub fn alpha_sigmoid(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    p: &LiquidAlphaParams,
) -> I32F32 {
    let diff = sigmoid_diff(consensus, weight, bond);
    let half = I32F32::from_bits(1 << 31);
    let minus_hundred = I32F32::from_bits(-100_i64 << 32);
    let x = p
        .steepness
        .saturating_div(minus_hundred)
        .saturating_mul(diff.saturating_sub(half));
    let sigmoid = ONE.saturating_div(ONE.saturating_add(exp_safe(x)));
    let alpha = p
        .low
        .saturating_add(sigmoid.saturating_mul(p.high.saturating_sub(p.low)));
    alpha.min(p.high).max(p.low)
}

/// The liquid-alpha distance: `clamp(w − c, 0, 1)` when `w ≥ b` (buying), else
/// `clamp(b − w, 0, 1)` (selling).
#[inline]
pub fn sigmoid_diff(consensus: I32F32, weight: I32F32, bond: I32F32) -> I32F32 {
    let clamp01 = |x: I32F32| fmax(fmin(x, ONE), ZERO);
    if weight.to_bits() >= bond.to_bits() {
        clamp01(sat_sub(weight, consensus))
    } else {
        clamp01(sat_sub(bond, weight))
    }
}

/// The exponent `steepness / −100 · (diff − 0.5)` of [`alpha_sigmoid`] (hoisted factor, exact
/// saturating multiply).
#[inline]
pub fn sigmoid_exponent(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    p: &LiquidAlphaParams,
) -> I32F32 {
    let diff = sigmoid_diff(consensus, weight, bond);
    mul_sat(p.factor, sat_sub(diff, I32F32::from_bits(1 << 31)))
}

/// The alpha of [`alpha_sigmoid`] from `e = exp_safe(exponent)`: `1 / (1 + e)` as one 64-bit
/// division (the denominator is at least 1), then [`alpha_from_logistic`].
#[inline]
pub fn alpha_from_exp(e: I32F32, p: &LiquidAlphaParams) -> I32F32 {
    alpha_from_logistic(crate::fixed::logistic_of_exp(e), p)
}

/// The alpha of [`alpha_sigmoid`] from its sigmoid `σ = 1 / (1 + exp_safe(exponent))`:
/// `clamp(low + σ·(high − low), low, high)`.
#[inline]
pub fn alpha_from_logistic(sigmoid: I32F32, p: &LiquidAlphaParams) -> I32F32 {
    let alpha = sat_add(p.low, mul_sat(sigmoid, sat_sub(p.high, p.low)));
    fmax(fmin(alpha, p.high), p.low)
}

/// [`alpha_sigmoid`] with the same arithmetic done faster ([`sigmoid_exponent`],
/// [`exp_safe_fast`](crate::fixed::exp_safe_fast), [`alpha_from_exp`]). Bit-identical for every
/// input (proptested).
pub fn alpha_sigmoid_fast(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    p: &LiquidAlphaParams,
) -> I32F32 {
    alpha_from_exp(
        crate::fixed::exp_safe_fast(sigmoid_exponent(consensus, weight, bond, p)),
        p,
    )
}

/// The entries a forward scan for ascending `j = 0, 1, …, columns − 1` can see in a row stored
/// in any order: the greedy strictly increasing run of columns, stopping at a column `>= columns`
/// (upstream's liquid-alpha scan reads every other entry as 0).
fn visible_entries(cols: &[u16], vals: &[I32F32], columns: usize, out: &mut Vec<(u16, I32F32)>) {
    out.clear();
    let mut next = 0usize;
    for (&j, &v) in cols.iter().zip(vals) {
        let ju = usize::from(j);
        if ju < next {
            continue;
        }
        if ju >= columns {
            break;
        }
        out.push((j, v));
        next = ju.saturating_add(1);
    }
}

fn lookup(sorted: &[(u16, I32F32)], j: u16) -> I32F32 {
    match sorted.binary_search_by_key(&j, |e| e.0) {
        Ok(p) => sorted.get(p).map(|e| e.1).unwrap_or(ZERO),
        Err(_) => ZERO,
    }
}

/// Liquid-alpha EMA: for each entry `(j, w)` of `new` (in stored order, `j < columns`), emits
/// `min(1, (1−α)·b + max(0, α·w))` when positive, where `b` is the last stored bond on `j` and
/// `α` the [`alpha_sigmoid`] of the scanned weight and bond. Bonds on columns the row no longer
/// weights are dropped, as upstream drops them.
pub fn ema_liquid(
    new: &Csr,
    old: &Csr,
    consensus: &[I32F32],
    p: &LiquidAlphaParams,
    s: &mut BondsScratch,
    out: &mut Csr,
) {
    let columns = consensus.len();
    let consensus_of = |j: u16| consensus.get(usize::from(j)).copied().unwrap_or(ZERO);
    // Pass 1: per stored weight (slot `k` of `new`), the sigmoid exponent and the bond it
    // decays, written in place.
    let BondsScratch {
        xs,
        bs,
        acc,
        mark,
        visible_w,
        visible_b,
        ..
    } = s;
    xs.resize(new.nnz(), ZERO);
    bs.resize(new.nnz(), ZERO);
    for i in 0..new.rows() {
        let (ncols, nvals) = new.row(i);
        let (ocols, ovals) = old.row(i);
        let r = new.range(i);
        let (xs, bs) = (
            xs.get_mut(r.clone()).unwrap_or(&mut []),
            bs.get_mut(r).unwrap_or(&mut []),
        );
        if ncols.is_empty() {
            continue;
        }
        if strictly_ascending(ncols, columns)
            && strictly_ascending(ocols, usize::from(u16::MAX).saturating_add(1))
        {
            // Both rows ascend (the chain's normal shape): every entry is visible to the scan,
            // and the last stored bond on a column is its only one — one merge walk finds it.
            let mut pb = 0usize;
            for (((&j, &w), x), bond) in ncols.iter().zip(nvals).zip(xs).zip(bs) {
                while ocols.get(pb).is_some_and(|&c| c < j) {
                    pb = pb.wrapping_add(1);
                }
                let b = match (ocols.get(pb), ovals.get(pb)) {
                    (Some(&c), Some(&v)) if c == j => v,
                    _ => ZERO,
                };
                *x = sigmoid_exponent(consensus_of(j), w, b, p);
                *bond = b;
            }
            continue;
        }
        // Any other shape: the last stored bond per column through dense scratch, and the
        // entries a forward scan sees for the sigmoid.
        dense_scratch(acc, mark, columns);
        for (&j, &b) in ocols.iter().zip(ovals) {
            let ju = usize::from(j);
            if let (Some(d), Some(mk)) = (acc.get_mut(ju), mark.get_mut(ju)) {
                *d = b;
                *mk = true;
            }
        }
        visible_entries(ncols, nvals, columns, visible_w);
        visible_entries(ocols, ovals, columns, visible_b);
        for ((&j, x), bond) in ncols.iter().zip(xs).zip(bs) {
            let ju = usize::from(j);
            *x = if ju < columns {
                sigmoid_exponent(
                    consensus_of(j),
                    lookup(visible_w, j),
                    lookup(visible_b, j),
                    p,
                )
            } else {
                ZERO
            };
            *bond = if mark.get(ju).copied().unwrap_or(false) {
                acc.get(ju).copied().unwrap_or(ZERO)
            } else {
                ZERO
            };
        }
        for &j in ocols {
            let ju = usize::from(j);
            if let Some(d) = acc.get_mut(ju) {
                *d = ZERO;
            }
            if let Some(mk) = mark.get_mut(ju) {
                *mk = false;
            }
        }
    }
    // Pass 2: every sigmoid at once — bounded without the exp series where that decides it,
    // the rest through the series grouped by magnitude.
    s.sigmoids.resize(s.xs.len(), ZERO);
    crate::fixed::logistic_grouped(&s.xs, &mut s.sigmoids, &mut s.logistic);
    // Pass 3: the EMA per stored weight.
    let (sigmoids, bs) = (&s.sigmoids, &s.bs);
    out.rebuild(new.nnz(), |out| {
        for i in 0..new.rows() {
            let (ncols, nvals) = new.row(i);
            // The slots pass 1 wrote for this row (`new.range(i)`, as `new.row(i)` reads).
            let r = new.range(i);
            let (sigmoids, bs) = (
                sigmoids.get(r.clone()).unwrap_or(&[]),
                bs.get(r).unwrap_or(&[]),
            );
            for (((&j, &w), &sigmoid), &old_b) in ncols.iter().zip(nvals).zip(sigmoids).zip(bs) {
                let alpha = alpha_from_logistic(sigmoid, p);
                let decayed = mul_sat(sat_sub(ONE, alpha), old_b);
                let inc = fmax(mul_sat(alpha, w), ZERO);
                let v = fmin(sat_add(decayed, inc), ONE);
                out.push_if(j, v, is_pos(v) && usize::from(j) < columns);
            }
            out.end_row();
        }
    });
}
