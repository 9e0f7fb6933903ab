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
//!
//! The module's files: this one holds the entry points and the number formats; `model.rs` the
//! account as data, `build.rs` its frame (stake, parameters, the Null account), `yuma.rs` a Yuma
//! epoch's miner, validator and emission accounts, and `text.rs` the rendering.

mod build;
mod model;
mod text;
mod yuma;

pub use model::{
    DividendTerm, EmissionAccount, Explanation, MinerAccount, MinerTerm, NullAccount, Options,
    StakeAccount, ValidatorAccount,
};

use alloc::format;
use alloc::string::String;

use substrate_fixed::types::I32F32;

use crate::runtime::Rules;
use crate::{EpochInput, EpochOutput, EpochTrace, Error, Workspace};
use build::build;

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
