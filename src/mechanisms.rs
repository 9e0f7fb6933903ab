//! Mechanisms: a subnet's emission split across its mechanisms, one epoch per mechanism, and the
//! per-uid aggregate the chain stores (upstream's `split_emissions` + `epoch_with_mechanisms`).
//!
//! * split: with `emission_split`, mechanism `k` gets `rao · split_k / 65535` (u128, truncated;
//!   a short split is zero-padded, a long one cut); without it, `rao / count` each; the rounding
//!   remainder goes to mechanism 0;
//! * each mechanism's weight is `split_k / rao` (U64F64; with `rao = 0` mechanism 0 weighs 1);
//! * aggregate: emissions and stake add up (saturating); u16 fields accumulate
//!   `u16(U64F64(acc) + U64F64(x) · weight)` truncating at every step; `emission` the same in u64;
//!   `active` and permits are OR-ed; `incentive` is mechanism 0's only.
//!
//! Spec ≥ 446 (`epoch_with_mechanism_budgets` @ 02214123): the subnet's emission arrives as
//! three budgets — miners', local dividends', root's (`miner_budget`, `local_dividend_budget`,
//! `root_budget`; without them `rao − rao/2`, `rao/2`, 0) — each split across the mechanisms on
//! its own; a split whose length is not the mechanism count is ignored (even split). A Yuma
//! mechanism gets the split of the budgets' (saturating) sum, as before; a Null mechanism gets
//! its three slices: `sub_emission = miner + local + root`, mining `miner`, dividends
//! `local + root`, fallback `miner + local` (the root budget never reaches miners), and its
//! emission aggregates summed, not weighted. `spec_version` and `epoch_consensus` are
//! subnet-level: given at the top they apply to every mechanism; otherwise the mechanisms must
//! agree on them.

use alloc::vec::Vec;
use substrate_fixed::types::U64F64;

#[cfg(feature = "codec")]
use parity_scale_codec::{Decode, Encode};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use crate::buffer::Refill;
use crate::epoch::{Pay, Subnet};
use crate::null::Budgets;
use crate::runtime::Rules;
use crate::{EpochConsensus, EpochInput, EpochOutput, Error, Workspace};

/// Input of [`epoch_with_mechanisms`]. Each mechanism's own `rao_emission` is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub struct MechanismsInput {
    /// Emission of the whole subnet this epoch.
    pub rao_emission: u64,
    /// Shares of `u16::MAX` per mechanism, or `None` for an even split.
    pub emission_split: Option<Vec<u16>>,
    /// One epoch input per mechanism (all with the same `n`).
    pub mechanisms: Vec<EpochInput>,
    /// The subnet's runtime (`spec_version`) for every mechanism; `None`: the mechanisms' own
    /// (which must agree).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub spec_version: Option<u32>,
    /// `SubnetEpochConsensus` for every mechanism; `None`: the mechanisms' own (which must
    /// agree). Spec ≥ 446.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub epoch_consensus: Option<EpochConsensus>,
    /// Spec ≥ 446: the miners' budget (with the two below, or none of the three).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub miner_budget: Option<u64>,
    /// Spec ≥ 446: the local dividends' budget.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub local_dividend_budget: Option<u64>,
    /// Spec ≥ 446: the root dividends' budget (never paid to miners).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub root_budget: Option<u64>,
}

/// The budgets one mechanism's epoch receives (spec ≥ 446).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub struct MechanismBudgets {
    /// Miners' budget when some uid has stake.
    pub mining_budget: u64,
    /// Validators' budget when some uid has stake.
    pub dividend_budget: u64,
    /// Miners' budget when no uid has stake.
    pub fallback_budget: u64,
}

/// The per-uid aggregate across mechanisms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub struct AggregatedOutput {
    /// Weighted dividends.
    pub dividends: Vec<u16>,
    /// Mechanism 0's incentive, weighted.
    pub incentive: Vec<u16>,
    /// Summed validator emission.
    pub validator_emission: Vec<u64>,
    /// Summed server emission.
    pub server_emission: Vec<u64>,
    /// Weighted stake weight.
    pub stake_weight: Vec<u16>,
    /// Active in any mechanism.
    pub active: Vec<bool>,
    /// Weighted emission.
    pub emission: Vec<u64>,
    /// Weighted consensus.
    pub consensus: Vec<u16>,
    /// Weighted validator trust.
    pub validator_trust: Vec<u16>,
    /// Permit in any mechanism.
    pub new_validator_permit: Vec<bool>,
    /// Stake summed across mechanisms.
    pub stake: Vec<u64>,
}

/// Output of [`epoch_with_mechanisms`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(deny_unknown_fields)
)]
#[cfg_attr(feature = "codec", derive(Encode, Decode))]
pub struct MechanismsOutput {
    /// Emission per mechanism.
    pub split: Vec<u64>,
    /// Spec ≥ 446: the budgets each mechanism's epoch received.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub mechanism_budgets: Option<Vec<MechanismBudgets>>,
    /// Each mechanism's epoch.
    pub per_mechanism: Vec<EpochOutput>,
    /// The per-uid aggregate.
    pub aggregated: AggregatedOutput,
}

impl MechanismsInput {
    /// The rules every mechanism's epoch runs under: by the subnet's `spec_version` (or the
    /// mechanisms' common one), or by `assume_spec` when given.
    pub fn rules(&self, assume_spec: Option<u32>) -> Result<Rules, Error> {
        Rules::for_spec(subnet_items(self)?.spec_version, assume_spec)
    }

    /// The weight and bond entries of every mechanism together
    /// ([`EpochInput::stored_entries`] summed).
    pub fn stored_entries(&self) -> usize {
        self.mechanisms
            .iter()
            .fold(0usize, |a, m| a.saturating_add(m.stored_entries()))
    }
}

/// Most mechanisms a subnet can have (the chain's mechanism id is a `u8`).
pub const MAX_MECHANISMS: usize = 256;

/// Splits `rao` across `count` mechanisms.
///
/// ```
/// assert_eq!(yuma::mechanisms::split_emissions(10, 3, None), vec![4, 3, 3]);
/// assert_eq!(yuma::mechanisms::split_emissions(100, 2, Some(&[65535])), vec![100, 0]);
/// ```
pub fn split_emissions(rao: u64, count: usize, split: Option<&[u16]>) -> Vec<u64> {
    let mut out = Vec::new();
    split_emissions_into(rao, count, split, &mut out);
    out
}

/// [`split_emissions`] under `rules`: from spec 446 a split whose length differs from `count`
/// is ignored (an even split), where spec 425 zero-pads or cuts it.
///
/// ```
/// use yuma::runtime::Rules;
/// use yuma::mechanisms::split_emissions_under;
/// assert_eq!(split_emissions_under(Rules::Spec425, 90, 3, Some(&[65535])), vec![90, 0, 0]);
/// assert_eq!(split_emissions_under(Rules::Spec475, 90, 3, Some(&[65535])), vec![30, 30, 30]);
/// ```
pub fn split_emissions_under(
    rules: Rules,
    rao: u64,
    count: usize,
    split: Option<&[u16]>,
) -> Vec<u64> {
    let mut out = Vec::new();
    split_emissions_into(rao, count, valid_split(rules, count, split), &mut out);
    out
}

/// The split the rules use: under the newer ones only one of exactly `count` entries.
fn valid_split(rules: Rules, count: usize, split: Option<&[u16]>) -> Option<&[u16]> {
    split.filter(|s| !rules.split_needs_exact_length() || s.len() == count)
}

/// [`split_emissions`] into a reused buffer.
fn split_emissions_into(rao: u64, count: usize, split: Option<&[u16]>, out: &mut Vec<u64>) {
    out.clear();
    match split {
        Some(s) => out.extend(s.iter().take(count).map(|&x| {
            let v = u128::from(rao)
                .saturating_mul(u128::from(x))
                .checked_div(u128::from(u16::MAX))
                .unwrap_or(0);
            u64::try_from(v).unwrap_or(u64::MAX)
        })),
        None => {
            let per = u64::try_from(count)
                .ok()
                .and_then(|c| rao.checked_div(c))
                .unwrap_or(0);
            out.resize(count, per);
        }
    }
    out.resize(count, 0);
    let given = out.iter().fold(0u64, |a, &b| a.wrapping_add(b));
    if let Some(first) = out.first_mut() {
        *first = first.saturating_add(rao.saturating_sub(given));
    }
}

fn acc_u16(existing: u16, added: u16, weight: U64F64) -> u16 {
    U64F64::saturating_from_num(existing)
        .saturating_add(U64F64::saturating_from_num(added).saturating_mul(weight))
        .saturating_to_num::<u16>()
}

fn acc_u64(existing: u64, added: u64, weight: U64F64) -> u64 {
    U64F64::saturating_from_num(existing)
        .saturating_add(U64F64::saturating_from_num(added).saturating_mul(weight))
        .saturating_to_num::<u64>()
}

/// Runs every mechanism with the fast pipeline and aggregates: upstream's `split_emissions`
/// (by `emission_split`, or evenly), one epoch per mechanism on its share, and the per-uid
/// aggregate. An error in one mechanism is [`Error::InMechanism`] with its index.
///
/// The split follows upstream's formula as is: a split whose entries sum above 65535 (which
/// the chain refuses to store) pays the mechanisms more than `rao_emission` in total.
///
/// ```
/// let one = yuma::EpochInput {
///     n: 2, current_block: 1000, tempo: 100, activity_cutoff: 5000,
///     last_update: vec![990, 990], block_at_registration: vec![0, 0],
///     alpha_stake: vec![1_000, 0], tao_stake: vec![0, 0],
///     validator_permit: vec![true, false], max_allowed_validators: 64,
///     weights: vec![vec![(1, 65535)], vec![]], bonds: vec![vec![], vec![]],
///     kappa: 32767, bonds_moving_average: 900_000, commit_blocks: vec![None, None],
///     ..Default::default()
/// };
/// let input = yuma::MechanismsInput {
///     rao_emission: 1_000,
///     emission_split: None,
///     mechanisms: vec![one.clone(), one],
///     ..Default::default()
/// };
/// let out = yuma::epoch_with_mechanisms(&input)?;
/// assert_eq!(out.split, vec![500, 500]);
/// assert_eq!(out.per_mechanism.len(), 2);
/// assert_eq!(out.per_mechanism[0].emission.iter().sum::<u64>(), 500); // its share
/// # Ok::<(), yuma::Error>(())
/// ```
pub fn epoch_with_mechanisms(input: &MechanismsInput) -> Result<MechanismsOutput, Error> {
    let mut out = MechanismsOutput::default();
    epoch_with_mechanisms_into(input, &mut Workspace::new(), &mut out)?;
    Ok(out)
}

/// [`epoch_with_mechanisms`] reusing one [`Workspace`] for every mechanism and the buffers of
/// `out`: once they have grown, further calls allocate nothing (`tests/no_alloc.rs` counts), and
/// no mechanism's input is copied. Each mechanism is checked against `ws.limits`. On an error
/// `out` holds no meaningful result.
///
/// ```
/// let one = yuma::EpochInput {
///     n: 2, current_block: 1000, tempo: 100, activity_cutoff: 5000,
///     last_update: vec![990, 990], block_at_registration: vec![0, 0],
///     alpha_stake: vec![1_000, 0], tao_stake: vec![0, 0],
///     validator_permit: vec![true, false], max_allowed_validators: 64,
///     weights: vec![vec![(1, 65535)], vec![]], bonds: vec![vec![], vec![]],
///     kappa: 32767, bonds_moving_average: 900_000, commit_blocks: vec![None, None],
///     ..Default::default()
/// };
/// let mut input = yuma::MechanismsInput {
///     rao_emission: 1_000,
///     emission_split: Some(vec![16384, 49151]),
///     mechanisms: vec![one.clone(), one],
///     ..Default::default()
/// };
/// let mut ws = yuma::Workspace::new();
/// let mut out = yuma::MechanismsOutput::default();
/// for block in [1000, 1100] {
///     for m in &mut input.mechanisms {
///         m.current_block = block;
///     }
///     yuma::mechanisms::epoch_with_mechanisms_into(&input, &mut ws, &mut out)?;
///     assert_eq!(out, yuma::epoch_with_mechanisms(&input)?);
/// }
/// // 1000 · 16384 / 65535 = 250 and 1000 · 49151 / 65535 = 749 (truncated); the rao left over
/// // goes to mechanism 0.
/// assert_eq!(out.split, vec![251, 749]);
/// # Ok::<(), yuma::Error>(())
/// ```
pub fn epoch_with_mechanisms_into(
    input: &MechanismsInput,
    ws: &mut Workspace,
    out: &mut MechanismsOutput,
) -> Result<(), Error> {
    let assume = ws.assume_spec;
    run(input, assume, out, |mech, pay, subnet, o| {
        crate::epoch::epoch_into_paying(mech, pay, subnet, ws, o)
    })
}

/// Runs every mechanism with [`crate::reference`] and aggregates.
pub fn epoch_with_mechanisms_reference(input: &MechanismsInput) -> Result<MechanismsOutput, Error> {
    epoch_with_mechanisms_reference_assuming(input, None)
}

/// [`epoch_with_mechanisms_reference`] under the rules of `assume_spec` when given.
pub fn epoch_with_mechanisms_reference_assuming(
    input: &MechanismsInput,
    assume_spec: Option<u32>,
) -> Result<MechanismsOutput, Error> {
    let mut out = MechanismsOutput::default();
    run(input, assume_spec, &mut out, |mech, pay, subnet, o| {
        *o = crate::reference::run(mech, pay, subnet, assume_spec)?.0;
        Ok(())
    })?;
    Ok(out)
}

/// The subnet-level items of a mechanisms input: its own, or the mechanisms' common ones.
fn subnet_items(input: &MechanismsInput) -> Result<Subnet, Error> {
    let common = |field: &'static str, differ: bool| {
        if differ {
            Err(Error::Inconsistent {
                fields: field,
                reason: "the mechanisms of one subnet run one runtime and one consensus, but \
                         theirs differ (give it once, at the top level)",
            })
        } else {
            Ok(())
        }
    };
    let first = input.mechanisms.first();
    let spec_version = match input.spec_version {
        Some(v) => Some(v),
        None => {
            let v = first.and_then(|m| m.spec_version);
            common(
                "`spec_version`",
                input.mechanisms.iter().any(|m| m.spec_version != v),
            )?;
            v
        }
    };
    let epoch_consensus = match input.epoch_consensus {
        Some(c) => Some(c),
        None => {
            let c = first.map(|m| m.epoch_consensus);
            common(
                "`epoch_consensus`",
                input
                    .mechanisms
                    .iter()
                    .any(|m| Some(m.epoch_consensus) != c),
            )?;
            c
        }
    };
    Ok(Subnet {
        spec_version,
        epoch_consensus,
    })
}

/// The subnet's three budgets (spec ≥ 446): the given ones, or `epoch_with_mechanisms`'s.
fn subnet_budgets(input: &MechanismsInput) -> Result<(u64, u64, u64), Error> {
    match (
        input.miner_budget,
        input.local_dividend_budget,
        input.root_budget,
    ) {
        (Some(m), Some(l), Some(r)) => Ok((m, l, r)),
        (None, None, None) => {
            let b = Budgets::of_emission(input.rao_emission);
            Ok((b.mining, b.dividend, 0))
        }
        _ => Err(Error::Inconsistent {
            fields: "`miner_budget`, `local_dividend_budget`, `root_budget`",
            reason: "give all three or none",
        }),
    }
}

/// Mechanism `k` of `input` as the subnet's epoch ran it, as a standalone [`EpochInput`]: its
/// share of the emission (`out.split[k]`, from [`epoch_with_mechanisms`] of `input`) and, spec ≥
/// 446, its budgets, with the subnet's `spec_version` and `epoch_consensus`. Computing it gives
/// `out.per_mechanism[k]` (what `yuma explain --mechanism K` explains). `None` when `k` is out
/// of range.
pub fn mechanism_as_run(
    input: &MechanismsInput,
    out: &MechanismsOutput,
    k: usize,
) -> Option<EpochInput> {
    let mut i = input.mechanisms.get(k)?.clone();
    i.rao_emission = *out.split.get(k)?;
    if let Some(b) = out.mechanism_budgets.as_ref().and_then(|b| b.get(k)) {
        i.mining_budget = Some(b.mining_budget);
        i.dividend_budget = Some(b.dividend_budget);
        i.fallback_budget = Some(b.fallback_budget);
    }
    if input.spec_version.is_some() {
        i.spec_version = input.spec_version;
    }
    if let Some(c) = input.epoch_consensus {
        i.epoch_consensus = c;
    }
    Some(i)
}

/// Checks the mechanisms, splits the emission, runs `epoch(mechanism, what it is paid, the
/// subnet's items, its output)` for each into `out.per_mechanism` and aggregates into
/// `out.aggregated`.
fn run(
    input: &MechanismsInput,
    assume: Option<u32>,
    out: &mut MechanismsOutput,
    mut epoch: impl FnMut(&EpochInput, Pay, Subnet, &mut EpochOutput) -> Result<(), Error>,
) -> Result<(), Error> {
    let count = input.mechanisms.len();
    if count == 0 {
        return Err(Error::Mechanisms {
            reason: "holds no mechanism (the chain always has at least one)",
        });
    }
    if count > MAX_MECHANISMS {
        return Err(Error::TooLarge {
            field: "mechanisms",
            limit: MAX_MECHANISMS,
            found: count,
        });
    }
    let n16 = input.mechanisms.first().map_or(0, |m| m.n);
    if let Some((index, m)) = input
        .mechanisms
        .iter()
        .enumerate()
        .find(|(_, m)| m.n != n16)
    {
        return Err(Error::MechanismSize {
            index,
            n: m.n,
            expected: n16,
        });
    }
    let n = usize::from(n16);
    let subnet = subnet_items(input)?;
    let rules = Rules::for_spec(subnet.spec_version, assume)?;
    let null = rules.null_consensus() && subnet.epoch_consensus == Some(EpochConsensus::Null);
    let split = valid_split(rules, count, input.emission_split.as_deref());
    // What each mechanism is paid, and the total its weight is a share of.
    let total = if rules.split_needs_exact_length() {
        let (miner, local, root) = subnet_budgets(input)?;
        let total = miner.saturating_add(local).saturating_add(root);
        let (mut miners, mut locals, mut roots) = (Vec::new(), Vec::new(), Vec::new());
        split_emissions_into(miner, count, split, &mut miners);
        split_emissions_into(local, count, split, &mut locals);
        split_emissions_into(root, count, split, &mut roots);
        if null {
            out.split.clear();
            out.split.extend(
                miners
                    .iter()
                    .zip(&locals)
                    .zip(&roots)
                    .map(|((m, l), r)| m.saturating_add(*l).saturating_add(*r)),
            );
        } else {
            split_emissions_into(total, count, split, &mut out.split);
        }
        let mut budgets = out.mechanism_budgets.take().unwrap_or_default();
        budgets.clear();
        budgets.extend(
            miners
                .iter()
                .zip(&locals)
                .zip(&roots)
                .map(|((&m, &l), &r)| MechanismBudgets {
                    mining_budget: m,
                    dividend_budget: l.saturating_add(r),
                    fallback_budget: m.saturating_add(l),
                }),
        );
        out.mechanism_budgets = Some(budgets);
        total
    } else {
        split_emissions_into(input.rao_emission, count, split, &mut out.split);
        out.mechanism_budgets = None;
        input.rao_emission
    };
    out.per_mechanism.truncate(count);
    out.per_mechanism.resize_with(count, EpochOutput::default);
    let agg = &mut out.aggregated;
    agg.dividends.refill(n, 0);
    agg.incentive.refill(n, 0);
    agg.validator_emission.refill(n, 0);
    agg.server_emission.refill(n, 0);
    agg.stake_weight.refill(n, 0);
    agg.active.refill(n, false);
    agg.emission.refill(n, 0);
    agg.consensus.refill(n, 0);
    agg.validator_trust.refill(n, 0);
    agg.new_validator_permit.refill(n, false);
    agg.stake.refill(n, 0);
    let budgets = out.mechanism_budgets.as_deref().unwrap_or(&[]);
    let runs = input.mechanisms.iter().zip(&out.split);
    for (k, ((mech, &emission), o)) in runs.zip(out.per_mechanism.iter_mut()).enumerate() {
        let pay = Pay {
            rao: emission,
            budgets: budgets
                .get(k)
                .map_or(Budgets::of_emission(emission), |b| Budgets {
                    mining: b.mining_budget,
                    dividend: b.dividend_budget,
                    fallback: b.fallback_budget,
                }),
        };
        epoch(mech, pay, subnet, o).map_err(|e| Error::InMechanism {
            index: k,
            error: alloc::boxed::Box::new(e),
        })?;
        let weight = U64F64::saturating_from_num(emission)
            .checked_div(U64F64::saturating_from_num(total))
            .unwrap_or(U64F64::saturating_from_num(u8::from(k == 0)));
        aggregate(agg, o, weight, k == 0, null);
    }
    Ok(())
}

/// Adds one mechanism's output, weighted by its share of the emission, to the aggregate (under
/// Null consensus its emission is summed: whole units already paid from funded slices).
fn aggregate(
    agg: &mut AggregatedOutput,
    out: &EpochOutput,
    weight: U64F64,
    first: bool,
    null: bool,
) {
    let add_u16 = |dst: &mut [u16], src: &[u16]| {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = acc_u16(*d, s, weight);
        }
    };
    add_u16(&mut agg.dividends, &out.dividends);
    if first {
        add_u16(&mut agg.incentive, &out.incentive);
    }
    add_u16(&mut agg.stake_weight, &out.stake_weight);
    add_u16(&mut agg.consensus, &out.consensus);
    add_u16(&mut agg.validator_trust, &out.validator_trust);
    for (d, &s) in agg.emission.iter_mut().zip(&out.emission) {
        *d = if null {
            d.saturating_add(s)
        } else {
            acc_u64(*d, s, weight)
        };
    }
    let sum_u64 = |dst: &mut [u64], src: &[u64]| {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = d.saturating_add(s);
        }
    };
    sum_u64(&mut agg.validator_emission, &out.validator_emission);
    sum_u64(&mut agg.server_emission, &out.server_emission);
    sum_u64(&mut agg.stake, &out.stake);
    let or = |dst: &mut [bool], src: &[bool]| {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d |= s;
        }
    };
    or(&mut agg.active, &out.active);
    or(&mut agg.new_validator_permit, &out.new_validator_permit);
}
