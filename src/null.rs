//! Null consensus (spec ≥ 446, `epoch_consensus: "null"`): a sole validator, its raw weights, no
//! consensus, trust or bonds; emission apportioned from budgets.
//!
//! Upstream's `epoch_mechanism_with_budgets` with `EpochConsensus::Null` (run_epoch.rs @ 02214123):
//! * **stake** as in Yuma: total stake `alpha + tao · tao_weight` (I64F64, saturating), the
//!   threshold-filtered normalized stake for `stake_weight`, active stake over the stored
//!   permits — the owner's permit is *not* forced;
//! * **winner**: the first uid with the strictly largest *unfiltered* total stake (all zero →
//!   uid 0; `n = 0` → none); the new permits are the winner's alone;
//! * **weights**: only the winner's stored row, targets `≥ n` dropped; no permit-row mask; the
//!   diagonal masked except the owner's; outdated and commit-reveal masks as in Yuma; no row
//!   normalization;
//! * **shares**: a target's incentive share is its masked u16 weight (a repeated target
//!   overwrites); all zero → every uid gets share 1. A uid's dividend share is its total stake's
//!   raw I64F64 bits when positive — inactive and unpermitted uids included;
//! * **budgets**: with any dividend share, miners get `mining_budget` and validators
//!   `dividend_budget`; otherwise miners get `fallback_budget` and validators nothing; each
//!   budget is apportioned in whole units by exact cumulative ratios
//!   ([`crate::fixed::apportion_units`]);
//! * **outputs**: consensus and validator trust 0; incentive and dividends report the shares
//!   (I64F64 normalized — the sum wraps like the stake sum — then I32F32, then u16); server and
//!   validator emission are the payouts and emission their sum; the zero-emission fallback never
//!   changes them; `Bonds` is not written (`bonds` holds `n` empty rows, `bonds_persisted` false)
//!   and `ConsensusByMechanism` is written as zeros.

use alloc::vec::Vec;
use substrate_fixed::types::{I32F32, I64F64};

use crate::buffer::Refill;
use crate::fixed::{
    apportion_units, fixed64_to_fixed32, fixed_proportion_to_u16_fast, normalize_64, to_bits,
    u16_to_fixed,
};
use crate::{EpochInput, EpochOutput, NullBudgets, NullTrace};

/// What a Null epoch distributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    /// Miners' budget when some uid has stake.
    pub mining: u64,
    /// Validators' budget when some uid has stake.
    pub dividend: u64,
    /// Miners' budget when no uid has stake (validators then get nothing).
    pub fallback: u64,
}

impl Budgets {
    /// `epoch_mechanism`'s budgets for `rao`: `rao − rao/2`, `rao/2`, `rao`.
    pub fn of_emission(rao: u64) -> Budgets {
        let dividend = rao / 2;
        Budgets {
            mining: rao.saturating_sub(dividend),
            dividend,
            fallback: rao,
        }
    }

    /// An input's own budgets: its `mining_budget`, `dividend_budget` and `fallback_budget`
    /// where given, else [`Budgets::of_emission`]`(rao)`.
    pub fn of_input(input: &EpochInput, rao: u64) -> Budgets {
        let d = Budgets::of_emission(rao);
        Budgets {
            mining: input.mining_budget.unwrap_or(d.mining),
            dividend: input.dividend_budget.unwrap_or(d.dividend),
            fallback: input.fallback_budget.unwrap_or(d.fallback),
        }
    }
}

/// Reusable buffers of a Null epoch, and its trace.
#[derive(Debug, Clone, Default)]
pub struct NullScratch {
    /// The winner's masked row: `(target, weight)`, stored order.
    row: Vec<(u16, u16)>,
    incentive_shares: Vec<u128>,
    dividend_shares: Vec<u128>,
    report: Vec<I64F64>,
    /// Incentive (I32F32).
    pub incentive: Vec<I32F32>,
    /// Dividends (I32F32).
    pub dividends: Vec<I32F32>,
    miners: Vec<u64>,
    validators: Vec<u64>,
    winner: Option<u16>,
    budgets: NullBudgets,
}

/// The first uid with the strictly largest stake (`None` for no uids).
///
/// ```
/// use substrate_fixed::types::I64F64;
/// let s = |x: i32| I64F64::from_num(x);
/// assert_eq!(yuma::null::winner(&[s(1), s(3), s(3)]), Some(1)); // a tie keeps the first
/// assert_eq!(yuma::null::winner(&[s(0), s(0)]), Some(0));
/// assert_eq!(yuma::null::winner(&[]), None);
/// ```
pub fn winner(total_stake: &[I64F64]) -> Option<u16> {
    let mut best: Option<(u16, I64F64)> = None;
    for (uid, &s) in (0u16..).zip(total_stake) {
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((uid, s));
        }
    }
    best.map(|(uid, _)| uid)
}

/// Runs the Null epoch's own steps into `out` and `s`: the winner, its masked row, the shares,
/// the payouts and the outputs that differ from Yuma's. `total_stake`, `stake` (normalized,
/// filtered) and `out.active` / `out.stake` / `out.stake_weight` come from the shared stake
/// stage; `last_update` is padded to `n`.
pub fn epoch(
    input: &EpochInput,
    last_update: &[u64],
    total_stake: &[I64F64],
    budgets: Budgets,
    s: &mut NullScratch,
    out: &mut EpochOutput,
) {
    let n = usize::from(input.n);
    s.winner = winner(total_stake.get(..n).unwrap_or(total_stake));
    out.new_validator_permit.clear();
    out.new_validator_permit
        .extend((0..n).map(|i| s.winner.map(usize::from) == Some(i)));

    // == The winner's row, masked ==
    s.row.clear();
    if let Some(w) = s.winner {
        let i = usize::from(w);
        let keep = crate::weights::EntryMask::new(input, last_update, i);
        let row = input.weights.get(i).map_or(&[][..], |r| r.as_slice());
        s.row.extend(
            row.iter()
                .copied()
                .filter(|&(j, _)| keep.keeps(usize::from(j))),
        );
    }

    // == Shares ==
    s.incentive_shares.refill(n, 0);
    for &(j, w) in &s.row {
        if let Some(x) = s.incentive_shares.get_mut(usize::from(j)) {
            *x = u128::from(w);
        }
    }
    if s.incentive_shares.iter().all(|&x| x == 0) {
        s.incentive_shares.fill(1);
    }
    s.dividend_shares.clear();
    s.dividend_shares.extend(
        total_stake
            .iter()
            .take(n)
            .map(|x| u128::try_from(x.to_bits()).unwrap_or(0)),
    );
    let report = |shares: &[u128], report: &mut Vec<I64F64>, dst: &mut Vec<I32F32>| {
        report.clear();
        report.extend(
            shares
                .iter()
                .map(|&x| I64F64::from_bits(i128::try_from(x).unwrap_or(i128::MAX))),
        );
        normalize_64(report);
        dst.clear();
        dst.extend(report.iter().map(|&x| fixed64_to_fixed32(x)));
    };
    // Incentive shares are integers (`saturating_from_num`); dividend shares raw stake bits.
    s.report.clear();
    s.report.extend(
        s.incentive_shares
            .iter()
            .map(|&x| I64F64::saturating_from_num(x)),
    );
    normalize_64(&mut s.report);
    s.incentive.clear();
    s.incentive
        .extend(s.report.iter().map(|&x| fixed64_to_fixed32(x)));
    report(&s.dividend_shares, &mut s.report, &mut s.dividends);

    // == Budgets and payouts ==
    let has_validators = s.dividend_shares.iter().any(|&x| x > 0);
    s.budgets = if has_validators {
        NullBudgets {
            miner_budget: budgets.mining,
            validator_budget: budgets.dividend,
        }
    } else {
        NullBudgets {
            miner_budget: budgets.fallback,
            validator_budget: 0,
        }
    };
    apportion_units(&s.incentive_shares, s.budgets.miner_budget, &mut s.miners);
    apportion_units(
        &s.dividend_shares,
        s.budgets.validator_budget,
        &mut s.validators,
    );

    // == Outputs ==
    let u16s = |dst: &mut Vec<u16>, src: &[I32F32]| {
        dst.clear();
        dst.extend(src.iter().map(|&x| fixed_proportion_to_u16_fast(x)));
    };
    out.consensus.refill(n, 0);
    out.validator_trust.refill(n, 0);
    u16s(&mut out.incentive, &s.incentive);
    u16s(&mut out.dividends, &s.dividends);
    out.server_emission.clone_from(&s.miners);
    out.validator_emission.clone_from(&s.validators);
    out.emission.clear();
    out.emission.extend(
        s.miners
            .iter()
            .zip(&s.validators)
            .map(|(m, v)| m.saturating_add(*v)),
    );
    out.bonds.truncate(n);
    for r in out.bonds.iter_mut() {
        r.clear();
    }
    out.bonds.resize_with(n, Vec::new);
    let mut zeros = out.consensus_by_mechanism.take().unwrap_or_default();
    zeros.refill(n, 0);
    out.consensus_by_mechanism = Some(zeros);
    out.bonds_persisted = Some(false);
}

impl NullScratch {
    /// The trace of the last Null epoch computed here, with the shared stake stage's `stake` and
    /// `active_stake`.
    pub fn trace(&self, n: u16, stake: &[I32F32], active_stake: &[I32F32]) -> NullTrace {
        let n = usize::from(n);
        let mut weights_masked: Vec<Vec<(u16, i64)>> = (0..n).map(|_| Vec::new()).collect();
        if let Some(row) = self
            .winner
            .and_then(|w| weights_masked.get_mut(usize::from(w)))
        {
            row.extend(
                self.row
                    .iter()
                    .map(|&(j, w)| (j, u16_to_fixed(w).to_bits())),
            );
        }
        NullTrace {
            stake: to_bits(stake),
            null_winner: self.winner,
            active_stake: to_bits(active_stake),
            weights_masked,
            incentive: to_bits(&self.incentive),
            incentive_shares: self
                .incentive_shares
                .iter()
                .map(|&x| u64::try_from(x).unwrap_or(u64::MAX))
                .collect(),
            dividend_shares: self.dividend_shares.clone(),
            null_budgets: self.budgets,
            dividends: to_bits(&self.dividends),
        }
    }
}
