//! Building the account from an epoch's output and trace: the stake, the hyperparameters, and the
//! Null epoch's account.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;

use super::yuma::yuma;
use super::{get, EmissionAccount, Explanation, NullAccount, StakeAccount};
use crate::runtime::Rules;
use crate::{EpochInput, EpochOutput, EpochTrace, NullTrace};

/// The hyperparameters an epoch reads, as one line.
fn parameters(input: &EpochInput) -> String {
    let mut p = format!(
        "kappa {} / 65535, bonds_penalty {} / 65535, bonds_moving_average {}, activity_cutoff {}, \
         max_allowed_validators {}, stake_threshold {}",
        input.kappa,
        input.bonds_penalty,
        input.bonds_moving_average,
        input.activity_cutoff,
        input.max_allowed_validators,
        input.stake_threshold
    );
    if input.yuma3_enabled && input.liquid_alpha_enabled {
        let _ = write!(
            p,
            ", alpha_low {} / 65535, alpha_high {} / 65535, alpha_sigmoid_steepness {}",
            input.alpha_low, input.alpha_high, input.alpha_sigmoid_steepness
        );
    }
    p
}

fn kind(input: &EpochInput, t: &EpochTrace) -> &'static str {
    match (t, input.yuma3_enabled, input.liquid_alpha_enabled) {
        (EpochTrace::Null(_), _, _) => "Null",
        (_, false, _) => "Yuma 2",
        (_, true, false) => "Yuma 3",
        (_, true, true) => "Yuma 3, liquid alpha",
    }
}

pub(super) fn build(
    input: &EpochInput,
    rules: Rules,
    out: &EpochOutput,
    t: &EpochTrace,
    normalized: Option<&[Vec<(u16, i64)>]>,
    uid: u16,
) -> Explanation {
    let u = usize::from(uid);
    let (stake_bits, active_stake_bits) = match t {
        EpochTrace::Yuma(y) => (get(&y.stake, u), get(&y.active_stake, u)),
        EpochTrace::Null(n) => (get(&n.stake, u), get(&n.active_stake, u)),
    };
    let total = get(&out.stake, u);
    let owner = input.owner_uid == Some(uid);
    let stake = StakeAccount {
        alpha_stake: get(&input.alpha_stake, u),
        tao_stake: get(&input.tao_stake, u),
        tao_weight: input.tao_weight,
        total_stake: total,
        below_threshold: !owner && total < input.stake_threshold,
        stake_weight: stake_bits,
        stake_weight_u16: get(&out.stake_weight, u),
        active: get(&out.active, u),
        last_update: get(&input.last_update, u),
        activity_cutoff: input.activity_cutoff,
        current_block: input.current_block,
        permit_before: get(&input.validator_permit, u),
        permit_after: get(&out.new_validator_permit, u),
        active_stake: active_stake_bits,
    };
    let mut e = Explanation {
        uid,
        n: input.n,
        block: input.current_block,
        rules: rules.to_string(),
        consensus: kind(input, t).to_string(),
        liquid_alpha: None,
        owner,
        parameters: parameters(input),
        stake,
        miner: None,
        validator: None,
        null: None,
        emission: EmissionAccount {
            incentive: 0,
            dividends: 0,
            emission_sum: 0,
            fallback: None,
            server_share: 0,
            validator_share: 0,
            share: 0,
            rao_emission: input.rao_emission,
            server_emission: get(&out.server_emission, u),
            validator_emission: get(&out.validator_emission, u),
            emission: get(&out.emission, u),
        },
        discrepancies: Vec::new(),
    };
    match t {
        EpochTrace::Yuma(y) => yuma(&mut e, input, out, y, normalized),
        EpochTrace::Null(nt) => null(&mut e, out, nt),
    }
    e
}

fn null(e: &mut Explanation, out: &EpochOutput, t: &NullTrace) {
    let u = usize::from(e.uid);
    e.null = Some(NullAccount {
        winner: t.null_winner,
        incentive_share: get(&t.incentive_shares, u),
        incentive_shares: t
            .incentive_shares
            .iter()
            .fold(0u128, |a, &x| a.saturating_add(u128::from(x))),
        dividend_share: t.dividend_shares.get(u).copied().unwrap_or(0),
        dividend_shares: t
            .dividend_shares
            .iter()
            .fold(0u128, |a, &x| a.saturating_add(x)),
        miner_budget: t.null_budgets.miner_budget,
        validator_budget: t.null_budgets.validator_budget,
        incentive: get(&t.incentive, u),
        dividends: get(&t.dividends, u),
    });
    e.emission.incentive = get(&t.incentive, u);
    e.emission.dividends = get(&t.dividends, u);
    let sum = e
        .emission
        .server_emission
        .saturating_add(e.emission.validator_emission);
    if sum != get(&out.emission, u) {
        e.discrepancies.push(format!(
            "server + validator emission {sum} ≠ emission {}",
            get(&out.emission, u)
        ));
    }
}
