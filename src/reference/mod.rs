//! The reference epoch: subtensor's `epoch_mechanism`, step for step, on upstream-shaped data
//! (`Vec<Vec<(u16, I32F32)>>`, a fresh vector per step, a dense score table in the median).
//!
//! It exists to be read next to upstream and to judge the fast pipeline in [`crate::epoch`](mod@crate::epoch);
//! both must produce identical bits. It is quadratic in `n` in places where upstream is.
//!
//! ```
//! let input = yuma::EpochInput { n: 0, ..Default::default() };
//! let out = yuma::reference::epoch(&input).unwrap();
//! assert!(out.stake.is_empty());
//! ```

pub mod math;

use alloc::vec;
use alloc::vec::Vec;
use substrate_fixed::types::{I32F32, I64F64};

use crate::bonds::{yuma2_alpha, yuma3_fixed_alpha};
use crate::epoch::{Pay, Subnet};
use crate::fixed::{
    fixed64_to_fixed32, fixed64_to_u64, fixed_proportion_to_u16, fixed_to_u16_proportion,
    share_of_rao, tao_weight, u16_proportion_to_fixed, u16_to_fixed, u64_to_fixed64, wrapping_sum,
    ZERO,
};
use crate::liquid_alpha::{alpha_sigmoid, LiquidAlphaParams};
use crate::null::Budgets;
use crate::runtime::Rules;
use crate::{
    ConsensusMode, EpochInput, EpochOutput, EpochTrace, Error, Limits, NullBudgets, NullTrace,
    YumaTrace,
};
use math::*;

/// The most dense cells the reference may allocate (2²⁹ I32F32 values, 4 GiB). Like upstream it
/// builds dense tables: the median's `n × validators` score table (validators: the uids with
/// stake, a stored permit and a recent update) and, with Yuma 3 liquid alpha, an `n × n` alpha
/// per cell. An input whose [`dense_cells`] exceed this returns [`Error::ReferenceTooLarge`] instead of
/// exhausting memory. The fast pipeline has no such limit.
pub const MAX_DENSE_CELLS: usize = 1 << 29;

/// An upper bound on the dense cells the reference allocates for `input` (see
/// [`MAX_DENSE_CELLS`]): `n × validators`, plus `n × n` when Yuma 3 liquid alpha is on.
///
/// ```
/// let n = 65_535u16;
/// let len = usize::from(n);
/// let mut input = yuma::EpochInput {
///     n,
///     current_block: 1_000,
///     activity_cutoff: 5_000,
///     last_update: vec![1_000; len],
///     block_at_registration: vec![0; len],
///     alpha_stake: vec![1; len],
///     tao_stake: vec![0; len],
///     commit_blocks: vec![None; len],
///     validator_permit: vec![true; len],
///     ..Default::default()
/// };
/// // Every uid a staked, permitted, active validator: a 65535 × 65535 table (34 GB).
/// assert_eq!(yuma::reference::dense_cells(&input), len * len);
/// assert!(matches!(yuma::reference::epoch(&input), Err(yuma::Error::ReferenceTooLarge { .. })));
/// assert!(yuma::epoch(&input).is_ok());
/// // Four validators: a 65535 × 4 table, and the reference agrees with the pipeline.
/// input.validator_permit = (0..len).map(|i| i < 4).collect();
/// assert_eq!(yuma::reference::dense_cells(&input), len * 4);
/// assert_eq!(yuma::reference::epoch(&input), yuma::epoch(&input));
/// ```
pub fn dense_cells(input: &EpochInput) -> usize {
    let n = usize::from(input.n);
    // The uids the active stake can count (the pipeline's own masks; stake > 0 bounded above).
    let validators = (0..n)
        .filter(|&i| {
            let active =
                crate::stake::is_active(input, input.last_update.get(i).copied().unwrap_or(0));
            let staked = input.alpha_stake.get(i).is_some_and(|&s| s > 0)
                || input.tao_stake.get(i).is_some_and(|&s| s > 0);
            active && staked && crate::stake::counts_in_active_stake(input, input.owner_uid, i)
        })
        .count();
    let liquid = if input.yuma3_enabled && input.liquid_alpha_enabled {
        n.saturating_mul(n)
    } else {
        0
    };
    n.saturating_mul(validators).saturating_add(liquid)
}

/// Computes the epoch (see the module docs).
pub fn epoch(input: &EpochInput) -> Result<EpochOutput, Error> {
    epoch_with_trace(input).map(|(o, _)| o)
}

/// Computes the epoch and its trace.
pub fn epoch_with_trace(input: &EpochInput) -> Result<(EpochOutput, EpochTrace), Error> {
    epoch_with_trace_assuming(input, None)
}

/// [`epoch_with_trace`] under the rules of `assume_spec` when given (as
/// [`crate::Workspace::assume_spec`] does for the fast pipeline).
pub fn epoch_with_trace_assuming(
    input: &EpochInput,
    assume_spec: Option<u32>,
) -> Result<(EpochOutput, EpochTrace), Error> {
    let pay = Pay {
        rao: input.rao_emission,
        budgets: Budgets::of_input(input, input.rao_emission),
    };
    run(input, pay, Subnet::default(), assume_spec)
}

fn to_sparse(rows: &[Vec<(u16, u16)>], n: usize, keep_col: impl Fn(u16) -> bool) -> Sparse {
    let mut out: Sparse = vec![Vec::new(); n];
    for (row, dst) in rows.iter().zip(out.iter_mut()) {
        dst.extend(
            row.iter()
                .filter(|(j, _)| keep_col(*j))
                .map(|&(j, v)| (j, u16_to_fixed(v))),
        );
    }
    out
}

fn sparse_bits(m: &Sparse) -> Vec<Vec<(u16, i64)>> {
    m.iter()
        .map(|r| r.iter().map(|&(j, v)| (j, v.to_bits())).collect())
        .collect()
}

/// The epoch of `input` paying `pay` under the subnet's items, step for step as upstream's
/// `epoch_mechanism_with_budgets` (run_epoch.rs; the 02214123 shape, whose branches on the rules
/// and on Null consensus reduce to 14bc6f9f's under [`Rules::Spec425`]).
pub(crate) fn run(
    input: &EpochInput,
    pay: Pay,
    subnet: Subnet,
    assume_spec: Option<u32>,
) -> Result<(EpochOutput, EpochTrace), Error> {
    input.validate(&Limits::DEFAULT)?;
    let rules = subnet.rules(input, assume_spec)?;
    let is_null = subnet.null(input, rules);
    let cells = dense_cells(input);
    if cells > MAX_DENSE_CELLS {
        return Err(Error::ReferenceTooLarge {
            cells,
            limit: MAX_DENSE_CELLS,
        });
    }
    let n16 = input.n;
    let n = usize::from(n16);
    let current_block = input.current_block;

    // == Active & updated ==
    let mut last_update = input.last_update.clone();
    if last_update.len() < n {
        last_update.resize(n, 0);
    }
    let inactive: Vec<bool> = last_update
        .iter()
        .map(|u| u.saturating_add(input.activity_cutoff) < current_block)
        .collect();
    let active: Vec<bool> = inactive.iter().map(|b| !b).collect();
    let reg = &input.block_at_registration;

    // == Stake ==
    let tw = tao_weight(input.tao_weight);
    let total_stake: Vec<I64F64> = input
        .alpha_stake
        .iter()
        .zip(input.tao_stake.iter())
        .map(|(&a, &t)| u64_to_fixed64(a).saturating_add(u64_to_fixed64(t).saturating_mul(tw)))
        .collect();
    let mut filtered: Vec<I64F64> = total_stake
        .iter()
        .enumerate()
        .map(|(uid, &s)| {
            if input.owner_uid != Some(uid as u16) && fixed64_to_u64(s) < input.stake_threshold {
                I64F64::from_bits(0)
            } else {
                s
            }
        })
        .collect();
    inplace_normalize_64(&mut filtered);
    let stake: Vec<I32F32> = filtered.into_iter().map(fixed64_to_fixed32).collect();

    // == Validator permits ==
    // Null: the first uid with the strictly largest unfiltered stake holds the only permit, and
    // the owner's permit is not forced.
    let null_winner = if is_null {
        null_validator_winner(&total_stake)
    } else {
        None
    };
    let mut permits = input.validator_permit.clone();
    if let (false, Some(o)) = (is_null, input.owner_uid) {
        if let Some(p) = permits.get_mut(usize::from(o)) {
            *p = true;
        }
    }
    let forbids: Vec<bool> = permits.iter().map(|b| !b).collect();
    let mut new_permits = if is_null {
        (0..n).map(|uid| Some(uid) == null_winner).collect()
    } else {
        is_topk_nonzero(&stake, usize::from(input.max_allowed_validators))
    };
    if let (false, Some(o)) = (is_null, input.owner_uid) {
        if let Some(p) = new_permits.get_mut(usize::from(o)) {
            *p = true;
        }
    }

    // == Active stake ==
    let mut active_stake = stake.clone();
    inplace_mask_vector(&inactive, &mut active_stake);
    inplace_mask_vector(&forbids, &mut active_stake);
    inplace_normalize(&mut active_stake);

    // == Weights ==
    // Null reads only the winner's row.
    let mut weights = if is_null {
        let mut rows: Sparse = vec![Vec::new(); n];
        if let Some(w) = null_winner {
            if let (Some(dst), Some(row)) = (rows.get_mut(w), input.weights.get(w)) {
                *dst = row
                    .iter()
                    .filter(|(j, _)| *j < n16)
                    .map(|&(j, v)| (j, u16_to_fixed(v)))
                    .collect();
            }
        }
        rows
    } else {
        to_sparse(&input.weights, n, |j| j < n16)
    };
    if !is_null {
        weights = mask_rows_sparse(&forbids, &weights);
    }
    weights = mask_diag_sparse(&weights, input.owner_uid);
    weights = vec_mask_sparse_matrix(&weights, &last_update, reg, &|u, r| u <= r);
    if input.commit_reveal_enabled {
        let commits: Vec<u64> = input
            .commit_blocks
            .iter()
            .map(|c| c.unwrap_or(u64::MAX))
            .collect();
        weights = vec_mask_sparse_matrix(&weights, &commits, reg, &|c, r| c < r);
    }
    if is_null {
        return Ok(null_epoch(
            input,
            pay.budgets,
            Null {
                total_stake: &total_stake,
                stake: &stake,
                active_stake: &active_stake,
                active,
                winner: null_winner,
                weights: &weights,
                new_permits,
            },
        ));
    }
    inplace_row_normalize_sparse(&mut weights);

    // == Consensus, validator trust, incentive ==
    let kappa = u16_proportion_to_fixed(input.kappa);
    let consensus = weighted_median_col_sparse(&active_stake, &weights, n16, kappa);
    let clipped = col_clip_sparse(&weights, &consensus);
    let validator_trust = row_sum_sparse(&clipped);
    let mut incentive = matmul_sparse(&clipped, &active_stake, n16);
    inplace_normalize(&mut incentive);

    // == Bonds and dividends ==
    let penalty = u16_proportion_to_fixed(input.bonds_penalty);
    let weights_for_bonds = interpolate_sparse(&weights, &clipped, n16, penalty);
    // `bond_cutoff_block`: the newer runtime reads `LastYumaStepBlock` first.
    let last_tempo = match (
        rules.bond_cutoff_from_last_yuma_step(),
        input.last_yuma_step_block,
    ) {
        (true, Some(b)) => b.saturating_add(1),
        _ if input.last_mechanism_step_block == 0 => {
            current_block.saturating_sub(u64::from(input.tempo))
        }
        _ => input.last_mechanism_step_block.saturating_add(1),
    };
    let raw_bonds = to_sparse(&input.bonds, n, |_| true);
    let mut liquid_trace: Option<(Vec<I32F32>, bool)> = None;
    let mut dividends: Vec<I32F32>;
    let ema_bonds: Sparse;
    if input.yuma3_enabled {
        let mut bonds: Sparse = raw_bonds
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|(j, v)| (j, fixed_to_u16_proportion(v)))
                    .collect()
            })
            .collect();
        bonds = scalar_vec_mask_sparse_matrix(&bonds, last_tempo, reg, &|t, r| t <= r);
        // `compute_bonds_sparse`: liquid alpha reads the consensus its mode selects.
        let selected = consensus_for_liquid_alpha(input, rules, &consensus);
        let liquid = input.liquid_alpha_enabled
            && !selected.is_empty()
            && selected.iter().any(|c| *c != ZERO);
        if input.liquid_alpha_enabled && rules.liquid_alpha_consensus_modes() {
            liquid_trace = Some((selected.clone(), liquid));
        }
        ema_bonds = if liquid {
            let p = LiquidAlphaParams::new(input);
            let alphas = liquid_alphas(&weights_for_bonds, &bonds, &selected, &p);
            mat_ema_alpha_sparse(&weights_for_bonds, &bonds, &alphas)
        } else {
            let alpha = yuma3_fixed_alpha(input.bonds_moving_average);
            mat_ema_sparse(&weights_for_bonds, &bonds, alpha)
        };
        let mut norm = ema_bonds.clone();
        inplace_col_normalize_sparse(&mut norm, n16);
        let per_validator = row_sum_sparse(&mat_vec_mul_sparse(&norm, &incentive));
        dividends = vec_mul(&per_validator, &active_stake);
        inplace_normalize(&mut dividends);
    } else {
        let mut bonds = scalar_vec_mask_sparse_matrix(&raw_bonds, last_tempo, reg, &|t, r| t <= r);
        inplace_col_normalize_sparse(&mut bonds, n16);
        let mut delta = row_hadamard_sparse(&weights_for_bonds, &active_stake);
        inplace_col_normalize_sparse(&mut delta, n16);
        let mut ema = mat_ema_sparse(&delta, &bonds, yuma2_alpha(input.bonds_moving_average));
        inplace_col_normalize_sparse(&mut ema, n16);
        dividends = matmul_transpose_sparse(&ema, &incentive);
        inplace_normalize(&mut dividends);
        inplace_col_max_upscale_sparse(&mut ema, n16);
        ema_bonds = ema;
    }

    // == Emission ==
    let combined: Vec<I32F32> = incentive
        .iter()
        .zip(dividends.iter())
        .map(|(i, d)| i.saturating_add(*d))
        .collect();
    let emission_sum = wrapping_sum(combined.iter().copied());
    let mut server = incentive.clone();
    let mut validator = dividends.clone();
    let mut total = combined;
    inplace_normalize_using_sum(&mut server, emission_sum);
    inplace_normalize_using_sum(&mut validator, emission_sum);
    inplace_normalize(&mut total);
    if emission_sum == ZERO {
        let fallback = if wrapping_sum(active_stake.iter().copied()) == ZERO {
            &stake
        } else {
            &active_stake
        };
        validator.clone_from(fallback);
        total.clone_from(fallback);
    }
    let rao = |v: &[I32F32]| -> Vec<u64> { v.iter().map(|x| share_of_rao(*x, pay.rao)).collect() };
    let u16s =
        |v: &[I32F32]| -> Vec<u16> { v.iter().map(|x| fixed_proportion_to_u16(*x)).collect() };

    let bonds_out: Vec<Vec<(u16, u16)>> = (0..n)
        .map(|i| {
            if new_permits.get(i).copied().unwrap_or(false) {
                ema_bonds
                    .get(i)
                    .map(|r| {
                        r.iter()
                            .map(|&(j, v)| (j, fixed_proportion_to_u16(v)))
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                Vec::new()
            }
        })
        .collect();

    let output = EpochOutput {
        active: active.into_iter().take(n).collect(),
        stake: total_stake
            .iter()
            .map(|s| s.saturating_to_num::<u64>())
            .collect(),
        stake_weight: u16s(&stake),
        consensus: u16s(&consensus),
        incentive: u16s(&incentive),
        dividends: u16s(&dividends),
        validator_trust: u16s(&validator_trust),
        new_validator_permit: new_permits,
        server_emission: rao(&server),
        validator_emission: rao(&validator),
        emission: rao(&total),
        bonds: bonds_out,
        consensus_by_mechanism: None,
        bonds_persisted: None,
    };
    let mut output = output;
    if rules.writes_consensus_by_mechanism() {
        output.consensus_by_mechanism = Some(output.consensus.clone());
        output.bonds_persisted = Some(true);
    }
    let (liquid_alpha_consensus, liquid_alpha_applied) = match liquid_trace {
        Some((c, applied)) => (Some(crate::fixed::to_bits(&c)), Some(applied)),
        None => (None, None),
    };
    let trace = YumaTrace {
        stake: crate::fixed::to_bits(&stake),
        active_stake: crate::fixed::to_bits(&active_stake),
        weights_normalized: sparse_bits(&weights),
        consensus: crate::fixed::to_bits(&consensus),
        clipped_weights: sparse_bits(&clipped),
        validator_trust: crate::fixed::to_bits(&validator_trust),
        incentive: crate::fixed::to_bits(&incentive),
        liquid_alpha_consensus,
        liquid_alpha_applied,
        ema_bonds: sparse_bits(&ema_bonds),
        dividends: crate::fixed::to_bits(&dividends),
    };
    Ok((output, EpochTrace::Yuma(trace)))
}

/// Upstream's `compute_consensus_for_liquid_alpha`: this epoch's consensus, or under the newer
/// rules the stored previous one when the mode selects it and it is not empty (each u16 as
/// `v / 65535`, resized to `n`).
fn consensus_for_liquid_alpha(input: &EpochInput, rules: Rules, current: &[I32F32]) -> Vec<I32F32> {
    if !rules.liquid_alpha_consensus_modes() {
        return current.to_vec();
    }
    let use_previous = match input.liquid_alpha_consensus_mode {
        ConsensusMode::Current => false,
        ConsensusMode::Previous => true,
        ConsensusMode::Auto => input.bonds_penalty == u16::MAX,
    };
    if !use_previous || input.previous_consensus.is_empty() {
        return current.to_vec();
    }
    let mut previous: Vec<I32F32> = input
        .previous_consensus
        .iter()
        .map(|&v| u16_proportion_to_fixed(v))
        .collect();
    previous.resize(current.len(), ZERO);
    previous.truncate(current.len());
    previous
}

/// Upstream's `null_validator_winner`: the first uid whose stake is strictly above every earlier
/// one's.
fn null_validator_winner(stakes: &[I64F64]) -> Option<usize> {
    let mut winner: Option<usize> = None;
    for (uid, stake) in stakes.iter().enumerate() {
        if winner.is_none_or(|previous| stakes.get(previous).is_some_and(|old| stake > old)) {
            winner = Some(uid);
        }
    }
    winner
}

/// What a Null epoch carries from the shared steps into its own.
struct Null<'a> {
    total_stake: &'a [I64F64],
    stake: &'a [I32F32],
    active_stake: &'a [I32F32],
    active: Vec<bool>,
    winner: Option<usize>,
    /// The winner's row after the masks (every other row empty).
    weights: &'a Sparse,
    new_permits: Vec<bool>,
}

/// The rest of a Null epoch, as upstream's `is_null` branches compute it: dividend shares from
/// the raw stake bits, incentive shares from the masked weights (all 1 when none), both reported
/// normalized, the budgets apportioned in whole units; no consensus, trust or bonds.
fn null_epoch(input: &EpochInput, budgets: Budgets, x: Null<'_>) -> (EpochOutput, EpochTrace) {
    let n = usize::from(input.n);
    let dividend_shares: Vec<u128> = x
        .total_stake
        .iter()
        .map(|s| {
            if *s <= I64F64::from_bits(0) {
                0
            } else {
                s.to_bits() as u128
            }
        })
        .collect();
    let mut dividend_report: Vec<I64F64> = dividend_shares
        .iter()
        .map(|b| I64F64::from_bits(*b as i128))
        .collect();
    inplace_normalize_64(&mut dividend_report);
    let dividends: Vec<I32F32> = dividend_report
        .into_iter()
        .map(fixed64_to_fixed32)
        .collect();

    let mut incentive_shares = vec![0u128; n];
    if let Some(row) = x.winner.and_then(|w| x.weights.get(w)) {
        for &(uid, weight) in row {
            if let Some(v) = incentive_shares.get_mut(usize::from(uid)) {
                *v = u128::from(weight.saturating_to_num::<u16>());
            }
        }
    }
    if incentive_shares.iter().all(|s| *s == 0) {
        incentive_shares.fill(1);
    }
    let mut incentive_report: Vec<I64F64> = incentive_shares
        .iter()
        .map(|s| I64F64::saturating_from_num(*s))
        .collect();
    inplace_normalize_64(&mut incentive_report);
    let incentive: Vec<I32F32> = incentive_report
        .into_iter()
        .map(fixed64_to_fixed32)
        .collect();

    let has_validators = dividend_shares.iter().any(|s| *s > 0);
    let validator_budget = if has_validators { budgets.dividend } else { 0 };
    let miner_budget = if has_validators {
        budgets.mining
    } else {
        budgets.fallback
    };
    let (mut miners, mut validators) = (Vec::new(), Vec::new());
    crate::fixed::apportion_units(&incentive_shares, miner_budget, &mut miners);
    crate::fixed::apportion_units(&dividend_shares, validator_budget, &mut validators);
    let emission: Vec<u64> = miners
        .iter()
        .zip(&validators)
        .map(|(m, v)| m.saturating_add(*v))
        .collect();
    let u16s =
        |v: &[I32F32]| -> Vec<u16> { v.iter().map(|x| fixed_proportion_to_u16(*x)).collect() };
    let output = EpochOutput {
        active: x.active.into_iter().take(n).collect(),
        stake: x
            .total_stake
            .iter()
            .map(|s| s.saturating_to_num::<u64>())
            .collect(),
        stake_weight: u16s(x.stake),
        consensus: vec![0; n],
        incentive: u16s(&incentive),
        dividends: u16s(&dividends),
        validator_trust: vec![0; n],
        new_validator_permit: x.new_permits,
        server_emission: miners,
        validator_emission: validators,
        emission,
        bonds: vec![Vec::new(); n],
        consensus_by_mechanism: Some(vec![0; n]),
        bonds_persisted: Some(false),
    };
    let trace = NullTrace {
        stake: crate::fixed::to_bits(x.stake),
        null_winner: x.winner.and_then(|w| u16::try_from(w).ok()),
        active_stake: crate::fixed::to_bits(x.active_stake),
        weights_masked: sparse_bits(x.weights),
        incentive: crate::fixed::to_bits(&incentive),
        incentive_shares: incentive_shares.iter().map(|s| *s as u64).collect(),
        dividend_shares,
        null_budgets: NullBudgets {
            miner_budget,
            validator_budget,
        },
        dividends: crate::fixed::to_bits(&dividends),
    };
    (output, EpochTrace::Null(trace))
}

/// Upstream's dense liquid-alpha matrix: for every row and every column `j < n`, the weight and
/// bond read by a forward scan that assumes ascending `uid_j` (unsorted entries read as 0).
fn liquid_alphas(
    weights: &Sparse,
    bonds: &Sparse,
    consensus: &[I32F32],
    p: &LiquidAlphaParams,
) -> Vec<Vec<I32F32>> {
    fn scan(row: &[(u16, I32F32)], pos: &mut usize, j: u16) -> I32F32 {
        while let Some(&(i, v)) = row.get(*pos) {
            if i < j {
                *pos = pos.saturating_add(1);
            } else {
                return if i == j { v } else { ZERO };
            }
        }
        ZERO
    }
    weights
        .iter()
        .zip(bonds.iter())
        .map(|(wrow, brow)| {
            let (mut wp, mut bp) = (0usize, 0usize);
            consensus
                .iter()
                .enumerate()
                .map(|(j, &c)| {
                    let j = j as u16;
                    let w = scan(wrow, &mut wp, j);
                    let b = scan(brow, &mut bp, j);
                    alpha_sigmoid(c, w, b, p)
                })
                .collect()
        })
        .collect()
}
