//! A Yuma epoch's account: the miner's incentive, the validator's dividends and the emission,
//! recomputed from the trace term by term.

use alloc::format;
use alloc::vec::Vec;

use substrate_fixed::types::I32F32;

use super::{fx, get, DividendTerm, Explanation, MinerAccount, MinerTerm, ValidatorAccount};
use crate::fixed::{
    fixed_proportion_to_u16, mul_sat, safe_div, safe_div_fast, sat_add, share_of_rao, wrapping_sum,
    ZERO,
};
use crate::{EpochInput, EpochOutput, YumaTrace};

fn entry(row: Option<&Vec<(u16, i64)>>, j: u16) -> Option<i64> {
    row?.iter().rev().find(|(c, _)| *c == j).map(|e| e.1)
}

pub(super) fn yuma(
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
