//! A readable account of one uid's epoch that adds up: every figure it prints is the chain's own
//! intermediate, and every total is printed beside the terms it is the sum of, so a validator or
//! miner can recompute their payout from the text alone.
//!
//! * a **validator**'s dividends: for each miner its bond normalized over validators
//!   (`colnorm`, what the chain multiplies), × the miner's incentive = the term; the sum of the
//!   terms (Yuma 3: × the validator's active stake); that over the same sum of every validator
//!   = the dividend share; then as `u16` and in rao;
//! * a **miner**'s incentive: for each validator its active stake × its weight clipped at
//!   consensus = the term; the sum (the rank); that over the sum of every uid's rank = the
//!   incentive; then as `u16` and in rao;
//! * the **emission**: `(incentive + dividends) / Σ over uids of (incentive + dividends)` ×
//!   `rao_emission`, floored.
//!
//! [`explanation`] returns the account as data ([`Explanation`], serde-serializable with feature
//! `serde`: what the page charts); [`Explanation::text`] renders it. Fractions are printed with
//! nine decimals (the I32F32 resolution is 2⁻³² ≈ 2.3 × 10⁻¹⁰), so printed terms reach printed
//! totals within half a unit of the ninth decimal per term; `u16` outputs as `30880 / 65535 =
//! 0.47120`. Figures in \[brackets\] name the trace field (`yuma epoch --trace`).
//!
//! ```
//! let input = yuma::EpochInput {
//!     n: 2, current_block: 1000, tempo: 100, activity_cutoff: 5000,
//!     last_update: vec![990, 990], block_at_registration: vec![0, 0],
//!     alpha_stake: vec![1_000, 0], tao_stake: vec![0, 0],
//!     validator_permit: vec![true, false], max_allowed_validators: 64,
//!     weights: vec![vec![(1, 65535)], vec![]], bonds: vec![vec![], vec![]],
//!     kappa: 32767, bonds_moving_average: 900_000, commit_blocks: vec![None, None],
//!     rao_emission: 1_000_000, ..Default::default()
//! };
//! let e = yuma::explain::explanation(&input, 1, None).unwrap();
//! assert_eq!(e.miner.as_ref().unwrap().incentive_u16, 65535);
//! let text = yuma::explain::explain(&input, 1).unwrap();
//! assert!(text.contains("incentive 1.000000000"));
//! ```

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;

#[cfg(feature = "serde")]
use serde::Serialize;
use substrate_fixed::types::I32F32;

use crate::fixed::{
    fixed_proportion_to_u16, mul_sat, safe_div, safe_div_fast, sat_add, share_of_rao, wrapping_sum,
    ZERO,
};
use crate::runtime::Rules;
use crate::{EpochInput, EpochOutput, EpochTrace, Error, NullTrace, Workspace, YumaTrace};

/// A fixed-point value as a decimal with six places (integer arithmetic only).
pub fn decimal(bits: i64) -> String {
    fraction(bits, 6)
}

/// A fixed-point value (I32F32 bits) as a decimal with `places` places, rounded to nearest
/// (integer arithmetic only).
///
/// ```
/// assert_eq!(yuma::explain::fraction(1 << 31, 9), "0.500000000");
/// assert_eq!(yuma::explain::fraction(-(1 << 32), 2), "-1.00");
/// ```
pub fn fraction(bits: i64, places: u32) -> String {
    let neg = bits < 0;
    let mag = u128::from(bits.unsigned_abs());
    let scale = 10u128.saturating_pow(places).max(1);
    let scaled = mag.saturating_mul(scale).saturating_add(1 << 31) >> 32;
    let (int, frac) = (
        scaled.checked_div(scale).unwrap_or(0),
        scaled.checked_rem(scale).unwrap_or(0),
    );
    let sign = if neg { "-" } else { "" };
    if places == 0 {
        return format!("{sign}{int}");
    }
    format!(
        "{sign}{int}.{frac:0w$}",
        w = usize::try_from(places).unwrap_or(9)
    )
}

fn f9(bits: i64) -> String {
    fraction(bits, 9)
}

/// A `u16` proportion as `30880 / 65535 = 0.47120`.
///
/// ```
/// assert_eq!(yuma::explain::u16_fraction(30880), "30880 / 65535 = 0.47120");
/// ```
pub fn u16_fraction(x: u16) -> String {
    // x / 65535 to five places, rounded to nearest, in integers.
    let scaled = (u64::from(x).saturating_mul(200_000).saturating_add(65_535)) / 131_070;
    format!("{x} / 65535 = {}.{:05}", scaled / 100_000, scaled % 100_000)
}

fn get<T: Copy + Default>(v: &[T], i: usize) -> T {
    v.get(i).copied().unwrap_or_default()
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn fx(bits: i64) -> I32F32 {
    I32F32::from_bits(bits)
}

/// How much of an account to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Print every term (default: the largest [`Options::top`], the rest as one sum).
    pub all: bool,
    /// Terms printed when not `all`.
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            all: false,
            top: 10,
        }
    }
}

/// One uid's epoch, figure by figure (I32F32 values as raw bits).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Explanation {
    /// The uid.
    pub uid: u16,
    /// Subnet size.
    pub n: u16,
    /// The epoch block.
    pub block: u64,
    /// The rules that ran (`spec 425 (…)`).
    pub rules: String,
    /// `Yuma 2`, `Yuma 3`, `Yuma 3, liquid alpha` or `Null`.
    pub consensus: String,
    /// Spec ≥ 446 with liquid alpha: which consensus its sigmoid read, and whether it ran.
    pub liquid_alpha: Option<String>,
    /// Whether the uid is the subnet owner's.
    pub owner: bool,
    /// The hyperparameters the epoch ran with, as one line.
    pub parameters: String,
    /// Stake, activity and permits.
    pub stake: StakeAccount,
    /// What it earned as a miner (Yuma), when it earned anything or received weights.
    pub miner: Option<MinerAccount>,
    /// What it earned as a validator (Yuma), when it holds a permit, set weights or has bonds.
    pub validator: Option<ValidatorAccount>,
    /// A Null epoch's account.
    pub null: Option<NullAccount>,
    /// The rao paid.
    pub emission: EmissionAccount,
    /// Where the account's own recomputation disagrees with the pipeline (never, if the account
    /// is right; a test checks it is empty on every vector).
    pub discrepancies: Vec<String>,
}

/// Stake, activity and permits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct StakeAccount {
    /// `alpha_stake` (rao).
    pub alpha_stake: u64,
    /// `tao_stake` (rao).
    pub tao_stake: u64,
    /// `tao_weight` as stored (of `u64::MAX`).
    pub tao_weight: u64,
    /// Total stake `alpha + tao × tao_weight` (rao).
    pub total_stake: u64,
    /// Below `stake_threshold` (so counted as 0), the owner excepted.
    pub below_threshold: bool,
    /// Normalized stake (bits).
    pub stake_weight: i64,
    /// As stored (`StakeWeight`).
    pub stake_weight_u16: u16,
    /// Active this epoch.
    pub active: bool,
    /// Its `last_update`.
    pub last_update: u64,
    /// The cutoff.
    pub activity_cutoff: u64,
    /// The block.
    pub current_block: u64,
    /// Stored permit.
    pub permit_before: bool,
    /// New permit.
    pub permit_after: bool,
    /// Active, permitted stake, normalized (bits).
    pub active_stake: i64,
}

/// One validator's contribution to a miner's rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct MinerTerm {
    /// The validator.
    pub validator: u16,
    /// Its active stake (bits).
    pub active_stake: i64,
    /// Its normalized weight on the miner (bits).
    pub weight: i64,
    /// That weight clipped at the miner's consensus (bits).
    pub clipped: i64,
    /// `active_stake × clipped` (bits).
    pub term: i64,
}

/// A miner's incentive.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct MinerAccount {
    /// Its consensus (bits), and as stored.
    pub consensus: i64,
    /// `Consensus` as stored.
    pub consensus_u16: u16,
    /// The quantile (`kappa`).
    pub kappa: u16,
    /// Per validator, largest term first.
    pub terms: Vec<MinerTerm>,
    /// `Σ terms`: the rank (bits).
    pub rank: i64,
    /// `Σ` over every uid of its rank (bits).
    pub rank_total: i64,
    /// `rank / rank_total` (bits).
    pub incentive: i64,
    /// As stored.
    pub incentive_u16: u16,
    /// Stake-weighted weight clipping removed: `Σ active_stake × (weight − clipped)` (bits).
    pub clipped_away: i64,
}

/// One miner's contribution to a validator's dividends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct DividendTerm {
    /// The miner.
    pub miner: u16,
    /// The validator's EMA bond on it normalized over validators (bits).
    pub bond: i64,
    /// The EMA bond as computed before that normalization (Yuma 3: a proportion; Yuma 2: as
    /// stored, column max-upscaled) (bits).
    pub ema_bond: i64,
    /// The miner's incentive (bits).
    pub incentive: i64,
    /// `bond × incentive` (bits).
    pub term: i64,
}

/// A validator's dividends.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct ValidatorAccount {
    /// Weights it set that count (after the masks).
    pub weights_set: usize,
    /// Validator trust (bits): `Σ` of its clipped weights.
    pub validator_trust: i64,
    /// As stored.
    pub validator_trust_u16: u16,
    /// Per miner, largest term first.
    pub terms: Vec<DividendTerm>,
    /// `Σ terms` (bits).
    pub bond_sum: i64,
    /// Yuma 3: the factor `active_stake` (bits).
    pub stake_factor: Option<i64>,
    /// The validator's raw dividend: `bond_sum` (Yuma 3: `× active_stake`) (bits).
    pub raw: i64,
    /// `Σ` over every validator of its raw dividend (bits).
    pub raw_total: i64,
    /// Validators with a raw dividend above 0.
    pub validators: usize,
    /// `raw / raw_total` (bits).
    pub dividends: i64,
    /// As stored.
    pub dividends_u16: u16,
    /// Its stored bond row after this epoch (`Bonds`).
    pub bonds_after: Vec<(u16, u16)>,
}

/// A Null epoch's account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct NullAccount {
    /// The sole validator.
    pub winner: Option<u16>,
    /// This uid's incentive share, and all of them.
    pub incentive_share: u64,
    /// `Σ` incentive shares.
    pub incentive_shares: u128,
    /// This uid's dividend share (raw I64F64 stake bits), and all of them.
    pub dividend_share: u128,
    /// `Σ` dividend shares.
    pub dividend_shares: u128,
    /// The miners' budget apportioned.
    pub miner_budget: u64,
    /// The validators' budget apportioned.
    pub validator_budget: u64,
    /// Incentive (bits).
    pub incentive: i64,
    /// Dividends (bits).
    pub dividends: i64,
}

/// The rao paid.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct EmissionAccount {
    /// Incentive (bits).
    pub incentive: i64,
    /// Dividends (bits).
    pub dividends: i64,
    /// `Σ` over uids of `incentive + dividends` (bits).
    pub emission_sum: i64,
    /// When that sum is 0: what the emission falls back to.
    pub fallback: Option<String>,
    /// `incentive / emission_sum` (bits).
    pub server_share: i64,
    /// `dividends / emission_sum` (bits; the fallback share when it applies).
    pub validator_share: i64,
    /// `(incentive + dividends) / emission_sum` (bits; the fallback share when it applies).
    pub share: i64,
    /// The epoch's emission.
    pub rao_emission: u64,
    /// Paid for incentive.
    pub server_emission: u64,
    /// Paid for dividends.
    pub validator_emission: u64,
    /// Paid in all (`Emission`).
    pub emission: u64,
}

/// Computes the epoch and explains uid `uid`, as text. Fails like [`crate::epoch()`], or with
/// [`Error::UidOutOfRange`] when `uid >= n`.
pub fn explain(input: &EpochInput, uid: u16) -> Result<String, Error> {
    explain_assuming(input, uid, None)
}

/// [`explain`] under the rules of `assume_spec` when given ([`Workspace::assume_spec`]).
pub fn explain_assuming(
    input: &EpochInput,
    uid: u16,
    assume_spec: Option<u32>,
) -> Result<String, Error> {
    explanation(input, uid, assume_spec).map(|e| e.text(&Options::default()))
}

/// Computes the epoch (under `assume_spec` when given) and returns uid `uid`'s account.
pub fn explanation(
    input: &EpochInput,
    uid: u16,
    assume_spec: Option<u32>,
) -> Result<Explanation, Error> {
    if uid >= input.n {
        return Err(Error::UidOutOfRange { uid, n: input.n });
    }
    let mut ws = Workspace::new();
    ws.assume_spec = assume_spec;
    ws.keep_normalized_bonds();
    let mut out = EpochOutput::default();
    crate::epoch_into(input, &mut ws, &mut out)?;
    let rules = ws.rules().unwrap_or(Rules::Spec425);
    let trace = ws.trace();
    let normalized = (!input.yuma3_enabled).then(|| ws.normalized_bonds().to_bits_rows());
    Ok(build(
        input,
        rules,
        &out,
        &trace,
        normalized.as_deref(),
        uid,
    ))
}

/// The text of [`explanation`] from an epoch already computed under `rules` (Yuma 2's
/// normalized bonds are recomputed by running it again).
pub fn render(
    input: &EpochInput,
    rules: Rules,
    out: &EpochOutput,
    t: &EpochTrace,
    uid: u16,
) -> String {
    let normalized = if input.yuma3_enabled {
        None
    } else {
        let mut ws = Workspace::new();
        ws.assume_spec = Some(match rules {
            Rules::Spec425 => 425,
            Rules::Spec475 => 475,
        });
        ws.keep_normalized_bonds();
        let mut o = EpochOutput::default();
        crate::epoch_into(input, &mut ws, &mut o)
            .ok()
            .map(|()| ws.normalized_bonds().to_bits_rows())
    };
    build(input, rules, out, t, normalized.as_deref(), uid).text(&Options::default())
}

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

fn build(
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

fn entry(row: Option<&Vec<(u16, i64)>>, j: u16) -> Option<i64> {
    row?.iter().rev().find(|(c, _)| *c == j).map(|e| e.1)
}

fn yuma(
    e: &mut Explanation,
    input: &EpochInput,
    out: &EpochOutput,
    t: &YumaTrace,
    normalized: Option<&[Vec<(u16, i64)>]>,
) {
    let uid = e.uid;
    let u = usize::from(uid);
    let n = usize::from(input.n);
    if let (Some(c), Some(applied)) = (&t.liquid_alpha_consensus, t.liquid_alpha_applied) {
        let from = if c == &t.consensus {
            "this epoch's consensus"
        } else {
            "the previous epoch's stored consensus (`previous_consensus`)"
        };
        let ran = if applied {
            "liquid alpha ran"
        } else {
            "it is all zero, so the fixed alpha ran"
        };
        e.liquid_alpha = Some(format!(
            "Liquid alpha read {from} (mode {:?}, bonds_penalty {}): {ran}.",
            input.liquid_alpha_consensus_mode, input.bonds_penalty
        ));
    }

    // Ranks of every column: Σ_i active_stake_i × clipped_ij (saturating, the chain's order).
    let mut ranks = alloc::vec![ZERO; n];
    for (i, row) in t.clipped_weights.iter().enumerate() {
        let s = fx(get(&t.active_stake, i));
        for &(j, c) in row {
            if let Some(r) = ranks.get_mut(usize::from(j)) {
                *r = sat_add(*r, mul_sat(s, fx(c)));
            }
        }
    }
    let rank_total = wrapping_sum(ranks.iter().copied());
    let incentive_bits = get(&t.incentive, u);
    let mut terms: Vec<MinerTerm> = Vec::new();
    let mut clipped_away = ZERO;
    for (i, row) in t.weights_normalized.iter().enumerate() {
        let Some(w) = entry(Some(row), uid) else {
            continue;
        };
        let c = entry(t.clipped_weights.get(i), uid).unwrap_or(0);
        let s = fx(get(&t.active_stake, i));
        clipped_away = sat_add(clipped_away, mul_sat(s, fx(w.saturating_sub(c))));
        terms.push(MinerTerm {
            validator: u16::try_from(i).unwrap_or(u16::MAX),
            active_stake: s.to_bits(),
            weight: w,
            clipped: c,
            term: mul_sat(s, fx(c)).to_bits(),
        });
    }
    terms.sort_by_key(|m| {
        (
            core::cmp::Reverse(m.term),
            core::cmp::Reverse(m.weight),
            m.validator,
        )
    });
    let rank = get(&ranks, u);
    let incentive = if rank_total == ZERO {
        rank
    } else {
        safe_div(rank, rank_total)
    };
    if incentive.to_bits() != incentive_bits {
        e.discrepancies.push(format!(
            "incentive recomputed {} ≠ trace {}",
            incentive.to_bits(),
            incentive_bits
        ));
    }
    if !terms.is_empty() || incentive_bits != 0 {
        e.miner = Some(MinerAccount {
            consensus: get(&t.consensus, u),
            consensus_u16: get(&out.consensus, u),
            kappa: input.kappa,
            terms,
            rank: rank.to_bits(),
            rank_total: rank_total.to_bits(),
            incentive: incentive_bits,
            incentive_u16: get(&out.incentive, u),
            clipped_away: clipped_away.to_bits(),
        });
    }

    // Dividends: Σ_j colnorm(B)_ij × incentive_j per validator (Yuma 3: × active stake).
    let colnorm: Vec<Vec<(u16, i64)>> = match normalized {
        Some(rows) => rows.to_vec(),
        None => {
            let mut sums = alloc::vec![ZERO; n];
            for row in &t.ema_bonds {
                for &(j, b) in row {
                    if let Some(s) = sums.get_mut(usize::from(j)) {
                        *s = sat_add(*s, fx(b));
                    }
                }
            }
            t.ema_bonds
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|&(j, b)| {
                            let d = get(&sums, usize::from(j));
                            (
                                j,
                                if d == ZERO {
                                    b
                                } else {
                                    safe_div(fx(b), d).to_bits()
                                },
                            )
                        })
                        .collect()
                })
                .collect()
        }
    };
    let raw_of = |i: usize| -> (I32F32, I32F32) {
        // Yuma 2 sums saturating (`matmul_transpose_sparse`), Yuma 3 wrapping (`row_sum_sparse`
        // over `mat_vec_mul_sparse`).
        let sum = colnorm.get(i).map_or(ZERO, |row| {
            row.iter().fold(ZERO, |acc, &(j, b)| {
                let p = mul_sat(fx(b), fx(get(&t.incentive, usize::from(j))));
                if input.yuma3_enabled {
                    acc.wrapping_add(p)
                } else {
                    sat_add(acc, p)
                }
            })
        });
        let raw = if input.yuma3_enabled {
            sum.checked_mul(fx(get(&t.active_stake, i))).unwrap_or(ZERO)
        } else {
            sum
        };
        (sum, raw)
    };
    let raws: Vec<I32F32> = (0..colnorm.len()).map(|i| raw_of(i).1).collect();
    let raw_total = wrapping_sum(raws.iter().copied());
    let (bond_sum, raw) = raw_of(u);
    let dividends_bits = get(&t.dividends, u);
    let dividends = if raw_total == ZERO {
        raw
    } else {
        safe_div(raw, raw_total)
    };
    if dividends.to_bits() != dividends_bits {
        e.discrepancies.push(format!(
            "dividends recomputed {} ≠ trace {}",
            dividends.to_bits(),
            dividends_bits
        ));
    }
    let ema_row = t.ema_bonds.get(u);
    let mut dterms: Vec<DividendTerm> = colnorm
        .get(u)
        .map(|row| {
            row.iter()
                .map(|&(j, b)| {
                    let inc = get(&t.incentive, usize::from(j));
                    DividendTerm {
                        miner: j,
                        bond: b,
                        ema_bond: entry(ema_row, j).unwrap_or(0),
                        incentive: inc,
                        term: mul_sat(fx(b), fx(inc)).to_bits(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    dterms.sort_by_key(|d| {
        (
            core::cmp::Reverse(d.term),
            core::cmp::Reverse(d.bond),
            d.miner,
        )
    });
    let weights_set = t.weights_normalized.get(u).map_or(0, Vec::len);
    let is_validator = e.stake.permit_before
        || e.stake.permit_after
        || weights_set > 0
        || !dterms.is_empty()
        || dividends_bits != 0;
    if is_validator {
        e.validator = Some(ValidatorAccount {
            weights_set,
            validator_trust: get(&t.validator_trust, u),
            validator_trust_u16: get(&out.validator_trust, u),
            terms: dterms,
            bond_sum: bond_sum.to_bits(),
            stake_factor: input.yuma3_enabled.then_some(get(&t.active_stake, u)),
            raw: raw.to_bits(),
            raw_total: raw_total.to_bits(),
            validators: raws.iter().filter(|r| r.to_bits() > 0).count(),
            dividends: dividends_bits,
            dividends_u16: get(&out.dividends, u),
            bonds_after: out.bonds.get(u).cloned().unwrap_or_default(),
        });
    }

    // Emission: shares of Σ (incentive + dividends), or the stake fallback.
    let inc_all: Vec<I32F32> = t.incentive.iter().map(|&b| fx(b)).collect();
    let div_all: Vec<I32F32> = t.dividends.iter().map(|&b| fx(b)).collect();
    let combined: Vec<I32F32> = inc_all
        .iter()
        .zip(&div_all)
        .map(|(a, b)| a.saturating_add(*b))
        .collect();
    let sum = wrapping_sum(combined.iter().copied());
    let i_u = fx(incentive_bits);
    let d_u = fx(dividends_bits);
    let em = &mut e.emission;
    em.incentive = incentive_bits;
    em.dividends = dividends_bits;
    em.emission_sum = sum.to_bits();
    em.server_share = if sum == ZERO {
        i_u.to_bits()
    } else {
        safe_div_fast(i_u, sum).to_bits()
    };
    if sum == ZERO {
        let active_total = wrapping_sum(t.active_stake.iter().map(|&b| fx(b)));
        let (what, v) = if active_total == ZERO {
            (
                "the normalized stake (no stake is active)",
                get(&t.stake, u),
            )
        } else {
            ("the active stake", get(&t.active_stake, u))
        };
        em.fallback = Some(format!(
            "Σ (incentive + dividends) is 0 (no weights count), so validator emission and emission \
             follow {what}"
        ));
        em.validator_share = v;
        em.share = v;
    } else {
        em.validator_share = safe_div_fast(d_u, sum).to_bits();
        em.share = safe_div(get(&combined, u), sum).to_bits();
    }
    let rao = input.rao_emission;
    for (what, share, paid) in [
        ("server emission", em.server_share, em.server_emission),
        (
            "validator emission",
            em.validator_share,
            em.validator_emission,
        ),
        ("emission", em.share, em.emission),
    ] {
        let got = share_of_rao(fx(share), rao);
        if got != paid {
            e.discrepancies
                .push(format!("{what} recomputed {got} ≠ output {paid}"));
        }
    }
    for (what, bits, stored) in [
        ("incentive", incentive_bits, get(&out.incentive, u)),
        ("dividends", dividends_bits, get(&out.dividends, u)),
    ] {
        if fixed_proportion_to_u16(fx(bits)) != stored {
            e.discrepancies
                .push(format!("{what} as u16 ≠ output {stored}"));
        }
    }
}

/// The printed rows of a list of terms: every one (`all`), or the largest `top` and one line
/// for the rest.
fn terms_lines<T>(
    s: &mut String,
    terms: &[T],
    opts: &Options,
    line: impl Fn(&T) -> String,
    value: impl Fn(&T) -> i64,
) {
    let shown = if opts.all {
        terms.len()
    } else {
        opts.top.min(terms.len())
    };
    for t in terms.iter().take(shown) {
        let _ = writeln!(s, "    {}", line(t));
    }
    let rest = terms.get(shown..).unwrap_or(&[]);
    if !rest.is_empty() {
        let sum = rest
            .iter()
            .fold(ZERO, |a, t| sat_add(a, fx(value(t))))
            .to_bits();
        let k = rest.len();
        let _ = writeln!(
            s,
            "    the other {k} term{} sum to {}  (--all lists them)",
            if k == 1 { "" } else { "s" },
            f9(sum)
        );
    }
}

impl Explanation {
    /// The account as text (what `yuma explain` prints).
    pub fn text(&self, opts: &Options) -> String {
        let mut s = String::new();
        let u = self.uid;
        let _ = writeln!(
            s,
            "uid {u} of n = {} ({}), epoch at block {}{}",
            self.n,
            self.consensus,
            self.block,
            if self.owner {
                "; the subnet owner's uid"
            } else {
                ""
            }
        );
        let _ = writeln!(s, "Runtime rules: {}", self.rules);
        let _ = writeln!(s, "Hyperparameters: {}", self.parameters);
        if let Some(la) = &self.liquid_alpha {
            let _ = writeln!(s, "{la}");
        }
        let _ = writeln!(
            s,
            "Fractions have nine decimals; [brackets] name the trace field (`yuma epoch --trace`)."
        );
        self.stake_text(&mut s);
        if let Some(nl) = &self.null {
            Self::null_text(&mut s, nl, u);
        }
        if let Some(m) = &self.miner {
            self.miner_text(&mut s, m, opts);
        } else if self.null.is_none() {
            let _ = writeln!(
                s,
                "\nAs a miner\n  no validator's counted weights reach uid {u}: incentive 0"
            );
        }
        if let Some(v) = &self.validator {
            self.validator_text(&mut s, v, opts);
        } else if self.null.is_none() {
            let _ = writeln!(
                s,
                "\nAs a validator\n  no permit, no counted weights and no bonds: dividends 0"
            );
        }
        self.emission_text(&mut s);
        for d in &self.discrepancies {
            let _ = writeln!(s, "warning: this account disagrees with the epoch: {d}");
        }
        s
    }

    fn stake_text(&self, s: &mut String) {
        let k = &self.stake;
        let _ = writeln!(s, "\nStake");
        let _ = writeln!(
            s,
            "  total stake      alpha {} + tao {} × tao_weight ({} / 18446744073709551615) = {} rao",
            k.alpha_stake, k.tao_stake, k.tao_weight, k.total_stake
        );
        if k.below_threshold {
            let _ = writeln!(s, "  below stake_threshold: counted as 0");
        }
        if self.owner {
            let _ = writeln!(
                s,
                "  owner            exempt from stake_threshold; its weight on itself is kept"
            );
        }
        let _ = writeln!(
            s,
            "  stake weight     {} of all stake  [stake[{}]]; as stored {}",
            f9(k.stake_weight),
            self.uid,
            u16_fraction(k.stake_weight_u16)
        );
        if k.active {
            let _ = writeln!(
                s,
                "  active           yes: last update {} + activity cutoff {} ≥ block {}",
                k.last_update, k.activity_cutoff, k.current_block
            );
        } else {
            let _ = writeln!(
                s,
                "  active           no: last update {} + activity cutoff {} < block {}, so its \
                 weights do not count and its stake is not active",
                k.last_update, k.activity_cutoff, k.current_block
            );
        }
        let _ = writeln!(
            s,
            "  permit           stored {} → new {}",
            yes(k.permit_before),
            yes(k.permit_after)
        );
        let _ = writeln!(
            s,
            "  active stake     {} (stake of active uids holding a stored permit, normalized)  [active_stake[{}]]",
            f9(k.active_stake),
            self.uid
        );
    }

    fn miner_text(&self, s: &mut String, m: &MinerAccount, opts: &Options) {
        let u = self.uid;
        let _ = writeln!(s, "\nAs a miner");
        let _ = writeln!(
            s,
            "  consensus        {} = the stake-weighted {} / 65535 quantile of the weights on uid {u}  [consensus[{u}]]; as stored {}",
            f9(m.consensus),
            m.kappa,
            u16_fraction(m.consensus_u16)
        );
        let _ = writeln!(
            s,
            "  from {} validator{}: active stake × weight clipped at consensus = term",
            m.terms.len(),
            if m.terms.len() == 1 { "" } else { "s" }
        );
        terms_lines(
            s,
            &m.terms,
            opts,
            |t| {
                let clip = if t.clipped < t.weight {
                    format!(" (weight {} clipped)", f9(t.weight))
                } else {
                    String::new()
                };
                format!(
                    "uid {:>5}  {} × {}{clip} = {}",
                    t.validator,
                    f9(t.active_stake),
                    f9(t.clipped),
                    f9(t.term)
                )
            },
            |t| t.term,
        );
        let _ = writeln!(s, "  Σ terms          = rank {}", f9(m.rank));
        let _ = writeln!(
            s,
            "  incentive        rank {} / Σ every uid's rank {} = {}  [incentive[{u}]]",
            f9(m.rank),
            f9(m.rank_total),
            f9(m.incentive)
        );
        let _ = writeln!(s, "  as stored        {}", u16_fraction(m.incentive_u16));
        if m.clipped_away > 0 {
            let _ = writeln!(
                s,
                "  clipping removed {} of stake-weighted weight (Σ active stake × (weight − clipped))",
                f9(m.clipped_away)
            );
        }
    }

    fn validator_text(&self, s: &mut String, v: &ValidatorAccount, opts: &Options) {
        let u = self.uid;
        let _ = writeln!(s, "\nAs a validator");
        let _ = writeln!(
            s,
            "  weights set      {} that count (after the masks); validator trust {} = Σ of them clipped  [validator_trust[{u}]]; as stored {}",
            v.weights_set,
            f9(v.validator_trust),
            u16_fraction(v.validator_trust_u16)
        );
        let what = if self.consensus == "Yuma 2" {
            "its EMA bond normalized over validators (each miner's column sums to 1; stored max-upscaled)"
        } else {
            "its EMA bond normalized over validators (each miner's column sums to 1)"
        };
        let _ = writeln!(
            s,
            "  on {} miner{}: {what} × the miner's incentive = term",
            v.terms.len(),
            if v.terms.len() == 1 { "" } else { "s" }
        );
        terms_lines(
            s,
            &v.terms,
            opts,
            |t| {
                format!(
                    "uid {:>5}  {} × {} = {}",
                    t.miner,
                    f9(t.bond),
                    f9(t.incentive),
                    f9(t.term)
                )
            },
            |t| t.term,
        );
        let _ = writeln!(s, "  Σ terms          = {}", f9(v.bond_sum));
        if let Some(f) = v.stake_factor {
            let _ = writeln!(
                s,
                "  × active stake   {} × {} = {}",
                f9(v.bond_sum),
                f9(f),
                f9(v.raw)
            );
        }
        let _ = writeln!(
            s,
            "  dividends        {} / Σ over the {} validators of the same {} = {}  [dividends[{u}]]",
            f9(v.raw),
            v.validators,
            f9(v.raw_total),
            f9(v.dividends)
        );
        let _ = writeln!(s, "  as stored        {}", u16_fraction(v.dividends_u16));
    }

    fn null_text(s: &mut String, nl: &NullAccount, u: u16) {
        match nl.winner {
            Some(w) => {
                let _ = writeln!(
                    s,
                    "\nNull consensus: uid {w} is the sole validator (the first uid with the largest total stake); its raw weights decide incentive."
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "\nNull consensus: no validator (the subnet has no uids)."
                );
            }
        }
        let _ = writeln!(
            s,
            "\nAs a miner\n  incentive share  {} of {} (the sole validator's weight on uid {u}; every share is 1 when it weights nothing)\n  incentive        {}  [incentive[{u}]]\n  server emission  the miner budget {} rao apportioned by shares (exact cumulative ratios, whole rao)",
            nl.incentive_share,
            nl.incentive_shares,
            f9(nl.incentive),
            nl.miner_budget
        );
        let _ = writeln!(
            s,
            "\nAs a validator\n  dividend share   {} of {} (total stake as raw I64F64 bits)\n  dividends        {}  [dividends[{u}]]\n  validator emission  the validator budget {} rao apportioned by shares",
            nl.dividend_share,
            nl.dividend_shares,
            f9(nl.dividends),
            nl.validator_budget
        );
    }

    fn emission_text(&self, s: &mut String) {
        let em = &self.emission;
        let _ = writeln!(s, "\nEmission (rao_emission {} rao)", em.rao_emission);
        if self.null.is_some() {
            let _ = writeln!(
                s,
                "  server {} rao + validator {} rao = {} rao  [emission]",
                em.server_emission, em.validator_emission, em.emission
            );
            return;
        }
        let _ = writeln!(
            s,
            "  emission sum     Σ over uids of (incentive + dividends) = {}",
            f9(em.emission_sum)
        );
        let _ = writeln!(
            s,
            "  server emission  incentive {} / {} = {} × {} = {} rao",
            f9(em.incentive),
            f9(em.emission_sum),
            f9(em.server_share),
            em.rao_emission,
            em.server_emission
        );
        if let Some(f) = &em.fallback {
            let _ = writeln!(s, "  {f}:");
            let _ = writeln!(
                s,
                "  validator emission  {} × {} = {} rao",
                f9(em.validator_share),
                em.rao_emission,
                em.validator_emission
            );
            let _ = writeln!(
                s,
                "  emission         {} × {} = {} rao",
                f9(em.share),
                em.rao_emission,
                em.emission
            );
        } else {
            let _ = writeln!(
                s,
                "  validator emission  dividends {} / {} = {} × {} = {} rao",
                f9(em.dividends),
                f9(em.emission_sum),
                f9(em.validator_share),
                em.rao_emission,
                em.validator_emission
            );
            let _ = writeln!(
                s,
                "  emission         (incentive + dividends) {} / {} = {} × {} = {} rao  [emission]",
                f9(em.incentive.saturating_add(em.dividends)),
                f9(em.emission_sum),
                f9(em.share),
                em.rao_emission,
                em.emission
            );
        }
        let _ = writeln!(
            s,
            "  (each amount is floored on its own, so server + validator may differ from emission by 1 rao)"
        );
    }
}
