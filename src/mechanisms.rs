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

use alloc::vec::Vec;
use substrate_fixed::types::U64F64;

#[cfg(feature = "codec")]
use parity_scale_codec::{Decode, Encode};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use crate::buffer::Refill;
use crate::{EpochInput, EpochOutput, Error, Workspace};

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
    /// Each mechanism's epoch.
    pub per_mechanism: Vec<EpochOutput>,
    /// The per-uid aggregate.
    pub aggregated: AggregatedOutput,
}

impl MechanismsInput {
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
    run(input, out, |mech, rao, o| {
        crate::epoch::epoch_into_paying(mech, rao, ws, o)
    })
}

/// Runs every mechanism with [`crate::reference`] and aggregates.
pub fn epoch_with_mechanisms_reference(input: &MechanismsInput) -> Result<MechanismsOutput, Error> {
    let mut out = MechanismsOutput::default();
    run(input, &mut out, |mech, rao, o| {
        let mut m = mech.clone();
        m.rao_emission = rao;
        *o = crate::reference::epoch(&m)?;
        Ok(())
    })?;
    Ok(out)
}

/// Checks the mechanisms, splits the emission, runs `epoch(mechanism, its share, its output)`
/// for each into `out.per_mechanism` and aggregates into `out.aggregated`.
fn run(
    input: &MechanismsInput,
    out: &mut MechanismsOutput,
    mut epoch: impl FnMut(&EpochInput, u64, &mut EpochOutput) -> Result<(), Error>,
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
    split_emissions_into(
        input.rao_emission,
        count,
        input.emission_split.as_deref(),
        &mut out.split,
    );
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
    let runs = input.mechanisms.iter().zip(&out.split);
    for (k, ((mech, &emission), o)) in runs.zip(out.per_mechanism.iter_mut()).enumerate() {
        epoch(mech, emission, o).map_err(|e| Error::InMechanism {
            index: k,
            error: alloc::boxed::Box::new(e),
        })?;
        let weight = U64F64::saturating_from_num(emission)
            .checked_div(U64F64::saturating_from_num(input.rao_emission))
            .unwrap_or(U64F64::saturating_from_num(u8::from(k == 0)));
        aggregate(agg, o, weight, k == 0);
    }
    Ok(())
}

/// Adds one mechanism's output, weighted by its share of the emission, to the aggregate.
fn aggregate(agg: &mut AggregatedOutput, out: &EpochOutput, weight: U64F64, first: bool) {
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
        *d = acc_u64(*d, s, weight);
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
