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

use alloc::vec;
use alloc::vec::Vec;
use substrate_fixed::types::U64F64;

#[cfg(feature = "codec")]
use parity_scale_codec::{Decode, Encode};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use crate::{EpochInput, EpochOutput, Error};

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

/// Most mechanisms a subnet can have (the chain's mechanism id is a `u8`).
pub const MAX_MECHANISMS: usize = 256;

/// Splits `rao` across `count` mechanisms.
///
/// ```
/// assert_eq!(yuma::mechanisms::split_emissions(10, 3, None), vec![4, 3, 3]);
/// assert_eq!(yuma::mechanisms::split_emissions(100, 2, Some(&[65535])), vec![100, 0]);
/// ```
pub fn split_emissions(rao: u64, count: usize, split: Option<&[u16]>) -> Vec<u64> {
    let mut out: Vec<u64> = match split {
        Some(s) => s
            .iter()
            .map(|&x| {
                let v = u128::from(rao)
                    .saturating_mul(u128::from(x))
                    .checked_div(u128::from(u16::MAX))
                    .unwrap_or(0);
                u64::try_from(v).unwrap_or(u64::MAX)
            })
            .collect(),
        None => {
            let per = u64::try_from(count)
                .ok()
                .and_then(|c| rao.checked_div(c))
                .unwrap_or(0);
            vec![per; count]
        }
    };
    out.resize(count, 0);
    let given = out.iter().fold(0u64, |a, &b| a.wrapping_add(b));
    if let Some(first) = out.first_mut() {
        *first = first.saturating_add(rao.saturating_sub(given));
    }
    out
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
    run(input, crate::epoch)
}

/// Runs every mechanism with [`crate::reference`] and aggregates.
pub fn epoch_with_mechanisms_reference(input: &MechanismsInput) -> Result<MechanismsOutput, Error> {
    run(input, crate::reference::epoch)
}

fn run(
    input: &MechanismsInput,
    epoch: fn(&EpochInput) -> Result<EpochOutput, Error>,
) -> Result<MechanismsOutput, Error> {
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
    let split = split_emissions(input.rao_emission, count, input.emission_split.as_deref());
    let mut per_mechanism = Vec::with_capacity(count);
    let mut agg = AggregatedOutput {
        dividends: vec![0; n],
        incentive: vec![0; n],
        validator_emission: vec![0; n],
        server_emission: vec![0; n],
        stake_weight: vec![0; n],
        active: vec![false; n],
        emission: vec![0; n],
        consensus: vec![0; n],
        validator_trust: vec![0; n],
        new_validator_permit: vec![false; n],
        stake: vec![0; n],
    };
    for (k, (mech, &emission)) in input.mechanisms.iter().zip(split.iter()).enumerate() {
        let mut m = mech.clone();
        m.rao_emission = emission;
        let out = epoch(&m).map_err(|e| Error::InMechanism {
            index: k,
            error: alloc::boxed::Box::new(e),
        })?;
        let weight = U64F64::saturating_from_num(emission)
            .checked_div(U64F64::saturating_from_num(input.rao_emission))
            .unwrap_or(U64F64::saturating_from_num(u8::from(k == 0)));
        let first = k == 0;
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
        for (d, &s) in agg.active.iter_mut().zip(&out.active) {
            *d |= s;
        }
        for (d, &s) in agg
            .new_validator_permit
            .iter_mut()
            .zip(&out.new_validator_permit)
        {
            *d |= s;
        }
        per_mechanism.push(out);
    }
    Ok(MechanismsOutput {
        split,
        per_mechanism,
        aggregated: agg,
    })
}
