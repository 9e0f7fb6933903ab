//! A readable account of one uid's epoch: where its stake, consensus, incentive, bonds and
//! dividends came from, each figure tagged with the trace field it is read from.
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
//! let text = yuma::explain::explain(&input, 1).unwrap();
//! assert!(text.contains("consensus"));
//! ```

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use substrate_fixed::types::I32F32;

use crate::runtime::Rules;
use crate::{EpochInput, EpochOutput, EpochTrace, Error, NullTrace, Workspace, YumaTrace};

/// A fixed-point value as a decimal with six places (integer arithmetic only).
pub fn decimal(bits: i64) -> String {
    let neg = bits < 0;
    let mag = u128::from(bits.unsigned_abs());
    let scaled = mag.saturating_mul(1_000_000).saturating_add(1 << 31) >> 32;
    let (int, frac) = (scaled / 1_000_000, scaled % 1_000_000);
    format!("{}{int}.{frac:06}", if neg { "-" } else { "" })
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

/// Computes the epoch and explains uid `uid`. Fails like [`crate::epoch()`], or with
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
    if uid >= input.n {
        return Err(Error::UidOutOfRange { uid, n: input.n });
    }
    let mut ws = Workspace::new();
    ws.assume_spec = assume_spec;
    let mut out = EpochOutput::default();
    crate::epoch_into(input, &mut ws, &mut out)?;
    let rules = ws.rules().unwrap_or(Rules::Spec425);
    Ok(render(input, rules, &out, &ws.trace(), uid))
}

/// The account of `uid` from an epoch already computed under `rules`.
pub fn render(
    input: &EpochInput,
    rules: Rules,
    out: &EpochOutput,
    t: &EpochTrace,
    uid: u16,
) -> String {
    match t {
        EpochTrace::Yuma(t) => render_yuma(input, rules, out, t, uid),
        EpochTrace::Null(t) => render_null(input, rules, out, t, uid),
    }
}

/// The header line: the uid, the subnet, the epoch kind, the block and the rules.
fn header(s: &mut String, input: &EpochInput, rules: Rules, uid: u16, mode: &str) {
    let _ = writeln!(
        s,
        "uid {uid} of n = {} ({mode}), epoch at block {}",
        input.n, input.current_block
    );
    let _ = writeln!(s, "Runtime rules: {rules}");
}

/// A Null epoch's account: the winner, the shares and the apportioned budgets.
fn render_null(
    input: &EpochInput,
    rules: Rules,
    out: &EpochOutput,
    t: &NullTrace,
    uid: u16,
) -> String {
    let u = usize::from(uid);
    let mut s = String::new();
    header(&mut s, input, rules, uid, "Null consensus");
    match t.null_winner {
        Some(w) => {
            let _ = writeln!(
                s,
                "\nThe sole validator is uid {w}: the first uid with the largest total stake ({} rao).",
                get(&out.stake, usize::from(w))
            );
        }
        None => {
            let _ = writeln!(s, "\nNo validator (the subnet has no uids).");
        }
    }
    let share = get(&t.incentive_shares, u);
    let total_shares = t
        .incentive_shares
        .iter()
        .fold(0u128, |a, &x| a.saturating_add(u128::from(x)));
    let _ = writeln!(
        s,
        "\nAs a miner\n  incentive share  {share} of {total_shares} (the sole validator's weight on uid {uid}; \
         all shares are 1 when it weights nothing)\n  incentive        {}  [incentive[{u}]]\n  \
         server emission  {} rao of the miner budget {} rao (whole units by exact cumulative ratios)",
        decimal(get(&t.incentive, u)),
        get(&out.server_emission, u),
        t.null_budgets.miner_budget
    );
    let dshare = t.dividend_shares.get(u).copied().unwrap_or(0);
    let _ = writeln!(
        s,
        "\nAs a validator\n  dividend share   {dshare} (its total stake's raw I64F64 bits)\n  \
         dividends        {}  [dividends[{u}]]\n  validator emission {} rao of the validator \
         budget {} rao",
        decimal(get(&t.dividends, u)),
        get(&out.validator_emission, u),
        t.null_budgets.validator_budget
    );
    let _ = writeln!(
        s,
        "\nTotal emission to uid {uid}: {} rao",
        get(&out.emission, u)
    );
    s
}

/// A Yuma epoch's account.
fn render_yuma(
    input: &EpochInput,
    rules: Rules,
    out: &EpochOutput,
    t: &YumaTrace,
    uid: u16,
) -> String {
    let u = usize::from(uid);
    let mut s = String::new();
    let mode = match (input.yuma3_enabled, input.liquid_alpha_enabled) {
        (false, _) => "Yuma 2",
        (true, false) => "Yuma 3",
        (true, true) => "Yuma 3, liquid alpha",
    };
    header(&mut s, input, rules, uid, mode);
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
        let _ = writeln!(
            s,
            "Liquid alpha read {from} (mode {:?}, bonds_penalty {}): {ran}.",
            input.liquid_alpha_consensus_mode, input.bonds_penalty
        );
    }
    let _ = writeln!(
        s,
        "Figures in [brackets] name the trace field (raw I32F32 bits via `yuma epoch --trace`)."
    );

    // == Stake ==
    let _ = writeln!(s, "\nStake");
    let _ = writeln!(
        s,
        "  total stake      {} rao (alpha {} + tao {} × tao_weight {} = {} / u64::MAX)",
        get(&out.stake, u),
        get(&input.alpha_stake, u),
        get(&input.tao_stake, u),
        decimal(
            crate::fixed::fixed64_to_fixed32(crate::fixed::tao_weight(input.tao_weight)).to_bits()
        ),
        input.tao_weight
    );
    let _ = writeln!(
        s,
        "  stake weight     {}  [stake[{u}] = {}]",
        decimal(get(&t.stake, u)),
        get(&t.stake, u)
    );
    let lu = get(&input.last_update, u);
    let _ = writeln!(
        s,
        "  active           {}  (last update {lu} + cutoff {} vs block {})",
        yes(get(&out.active, u)),
        input.activity_cutoff,
        input.current_block
    );
    let _ = writeln!(
        s,
        "  permit           stored {} -> new {}",
        yes(get(&input.validator_permit, u)),
        yes(get(&out.new_validator_permit, u))
    );
    let _ = writeln!(
        s,
        "  active stake     {}  [active_stake[{u}]]",
        decimal(get(&t.active_stake, u))
    );

    // == As a miner ==
    let received: Vec<(usize, i64, i64)> = t
        .weights_normalized
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let w = row.iter().rev().find(|(j, _)| *j == uid)?.1;
            let c = t
                .clipped_weights
                .get(i)
                .and_then(|r| r.iter().rev().find(|(j, _)| *j == uid))
                .map_or(0, |e| e.1);
            Some((i, w, c))
        })
        .collect();
    let consensus = get(&t.consensus, u);
    let _ = writeln!(s, "\nAs a miner");
    let _ = writeln!(
        s,
        "  weights received {} validator(s)  [weights_normalized[*] column {uid}]",
        received.len()
    );
    let mut by_stake = received.clone();
    by_stake.sort_by_key(|&(i, _, _)| core::cmp::Reverse(get(&t.active_stake, i)));
    for &(i, w, c) in by_stake.iter().take(12) {
        let removed = w.saturating_sub(c);
        let _ = writeln!(
            s,
            "    from uid {i:>5}  active stake {}  weight {}  clipped {}{}",
            decimal(get(&t.active_stake, i)),
            decimal(w),
            decimal(c),
            if removed > 0 {
                format!("  (clipping removed {})", decimal(removed))
            } else {
                String::new()
            }
        );
    }
    if by_stake.len() > 12 {
        let _ = writeln!(s, "    … {} more", by_stake.len().saturating_sub(12));
    }
    let _ = writeln!(
        s,
        "  consensus        {}  [consensus[{u}]]: the stake-weighted quantile at kappa {}/65535 of the weights above",
        decimal(consensus),
        input.kappa
    );
    let removed: i128 = received
        .iter()
        .map(|&(i, w, c)| {
            i128::from(w.saturating_sub(c)).saturating_mul(i128::from(get(&t.active_stake, i)))
                >> 32
        })
        .fold(0i128, |a, b| a.saturating_add(b));
    let _ = writeln!(
        s,
        "  clipping         removed {} of stake-weighted weight (Σ active_stake × (weight − clipped))",
        decimal(i64::try_from(removed).unwrap_or(i64::MAX))
    );
    let _ = writeln!(
        s,
        "  incentive        {}  [incentive[{u}]] = normalized Σ active_stake × clipped weight",
        decimal(get(&t.incentive, u))
    );
    let _ = writeln!(s, "  server emission  {} rao", get(&out.server_emission, u));

    // == As a validator ==
    let _ = writeln!(s, "\nAs a validator");
    let row = t.weights_normalized.get(u).map_or(0, |r| r.len());
    let _ = writeln!(
        s,
        "  weights set      {row} (after masks)  validator trust {}  [validator_trust[{u}]] = Σ clipped weights",
        decimal(get(&t.validator_trust, u))
    );
    let bonds: &[(u16, i64)] = t.ema_bonds.get(u).map_or(&[], |r| r.as_slice());
    let mut contrib: Vec<(u16, i64, i64, i64)> = bonds
        .iter()
        .map(|&(j, b)| {
            let inc = get(&t.incentive, usize::from(j));
            let p = crate::fixed::mul_sat(I32F32::from_bits(b), I32F32::from_bits(inc)).to_bits();
            (j, b, inc, p)
        })
        .collect();
    contrib.sort_by_key(|e| core::cmp::Reverse(e.3));
    let what = if input.yuma3_enabled {
        "EMA bonds (proportions)"
    } else {
        "EMA bonds (column max-upscaled)"
    };
    let _ = writeln!(
        s,
        "  bonds            {} entries  [ema_bonds[{u}]], {what}",
        bonds.len()
    );
    for &(j, b, inc, p) in contrib.iter().take(10) {
        let _ = writeln!(
            s,
            "    on uid {j:>5}  bond {}  × incentive {}  = {}",
            decimal(b),
            decimal(inc),
            decimal(p)
        );
    }
    if contrib.len() > 10 {
        let _ = writeln!(s, "    … {} more", contrib.len().saturating_sub(10));
    }
    let formula = if input.yuma3_enabled {
        "active_stake × Σ_j colnorm(bonds)_j × incentive_j, normalized over validators"
    } else {
        "Σ_j colnorm(bonds)_j × incentive_j, normalized over validators"
    };
    let _ = writeln!(
        s,
        "  dividends        {}  [dividends[{u}]] = {formula}",
        decimal(get(&t.dividends, u))
    );
    let _ = writeln!(
        s,
        "  validator emission {} rao",
        get(&out.validator_emission, u)
    );
    let _ = writeln!(
        s,
        "\nTotal emission to uid {uid}: {} rao of the epoch's {} rao (`rao_emission`)",
        get(&out.emission, u),
        input.rao_emission
    );
    s
}
