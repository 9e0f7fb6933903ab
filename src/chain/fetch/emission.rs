//! Recovering the emission the epoch distributed: what block B's coinbase added to the pools,
//! and the budgets whose computed `Emission` matches the stored one.

use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

use substrate_fixed::types::U96F32;

use crate::chain::snapshot::{RaoProvenance, Recomputed, SnapshotInput};
use crate::chain::ChainError;
use crate::mechanisms::MechanismsInput;
use crate::{EpochConsensus, EpochInput};

/// What block B's `emit_to_subnets` added to the three pools, from the alpha issued to the
/// subnet in B (`SubnetAlphaOutEmission`): the owner's cut off, half to miners, the rest to
/// validators and root (root's share unknown here, so counted with validators).
pub(super) fn issuance_increment(alpha_out: u64, cut_enabled: bool, cut: u16) -> [u64; 3] {
    let a0 = U96F32::saturating_from_num(alpha_out);
    let a = if cut_enabled {
        let share = U96F32::saturating_from_num(cut)
            .checked_div(U96F32::saturating_from_num(u16::MAX))
            .unwrap_or(U96F32::from_bits(0));
        a0.saturating_sub(a0.saturating_mul(share))
    } else {
        a0
    };
    let half = U96F32::from_bits(1u128 << 31);
    let s = a.saturating_mul(half);
    let v = a.saturating_sub(s);
    [
        s.saturating_to_num::<u64>(),
        v.saturating_to_num::<u64>(),
        0,
    ]
}

/// The input, short of its emission.
pub(super) struct Shape {
    pub(super) base: Vec<EpochInput>,
    pub(super) split: Option<Vec<u16>>,
    pub(super) newer: bool,
    pub(super) spec: u32,
    pub(super) epoch_consensus: EpochConsensus,
    pub(super) count: u8,
}

impl Shape {
    /// The input paying `budgets` (miners', validators', root's drained amounts).
    ///
    /// Spec ≥ 446 passes the three budgets; they are left out when they are what the crate
    /// derives from the total (a subnet without root dividends reads as a plain emission).
    pub(super) fn build(&self, budgets: [u64; 3]) -> SnapshotInput {
        let [s, v, r] = budgets;
        let total = s.saturating_add(v).saturating_add(r);
        if self.count <= 1 {
            let mut i = self.base.first().cloned().unwrap_or_default();
            i.rao_emission = total;
            if self.newer {
                let mining = s;
                let dividend = v.saturating_add(r);
                let fallback = s.saturating_add(v);
                let half = total / 2;
                let derived =
                    mining == total.saturating_sub(half) && dividend == half && fallback == total;
                if !derived {
                    i.mining_budget = Some(mining);
                    i.dividend_budget = Some(dividend);
                    i.fallback_budget = Some(fallback);
                }
            } else {
                i.epoch_consensus = EpochConsensus::Yuma;
            }
            return SnapshotInput::Epoch(i);
        }
        let mechanisms: Vec<EpochInput> = self
            .base
            .iter()
            .map(|m| EpochInput {
                spec_version: None,
                epoch_consensus: EpochConsensus::Yuma,
                rao_emission: 0,
                ..m.clone()
            })
            .collect();
        let plain =
            !self.newer || (r == 0 && s == total.saturating_sub(total / 2) && v == total / 2);
        SnapshotInput::Mechanisms(MechanismsInput {
            rao_emission: if plain { total } else { 0 },
            emission_split: self.split.clone(),
            mechanisms,
            spec_version: Some(self.spec),
            epoch_consensus: self.newer.then_some(self.epoch_consensus),
            miner_budget: (!plain).then_some(s),
            local_dividend_budget: (!plain).then_some(v),
            root_budget: (!plain).then_some(r),
        })
    }
}

/// The stored `Emission`, and which of its entries count.
pub(super) struct EmissionCheck<'a> {
    pub(super) stored: &'a [u64],
    pub(super) masked: &'a [u16],
    pub(super) positions: &'a [Option<usize>],
    pub(super) assume: Option<u32>,
}

/// How a computed emission compares with the stored one: some entries below, some above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Side {
    below: bool,
    above: bool,
    /// Some compared entry is not zero.
    informative: bool,
}

impl EmissionCheck<'_> {
    fn side(&self, input: &SnapshotInput) -> Result<Side, ChainError> {
        let out = crate::chain::snapshot::recompute(input, self.assume)
            .map_err(|e| ChainError::Argument(format!("the fetched input is refused: {e}")))?;
        let got = match &out {
            Recomputed::Epoch(o) => &o.emission,
            Recomputed::Mechanisms(m) => &m.aggregated.emission,
        };
        let mut side = Side {
            below: false,
            above: false,
            informative: false,
        };
        for (uid, g) in got.iter().enumerate() {
            if self.masked.iter().any(|&m| usize::from(m) == uid) {
                continue;
            }
            let Some(Some(pos)) = self.positions.get(uid) else {
                continue;
            };
            let Some(s) = self.stored.get(*pos) else {
                continue;
            };
            side.below |= g < s;
            side.above |= g > s;
            side.informative |= *g != 0 || *s != 0;
        }
        Ok(side)
    }
}

fn add3(a: [u64; 3], b: [u64; 3]) -> [u64; 3] {
    [
        a[0].saturating_add(b[0]),
        a[1].saturating_add(b[1]),
        a[2].saturating_add(b[2]),
    ]
}

fn sum3(a: [u64; 3]) -> u64 {
    a[0].saturating_add(a[1]).saturating_add(a[2])
}

/// Finds the drained budgets: candidates from the pools and the block's issuance, checked
/// against the stored `Emission`; under Yuma, where only the total matters, a search for the
/// totals that reproduce it when no candidate does.
pub(super) fn recover_emission(
    shape: &Shape,
    check: &EmissionCheck<'_>,
    pools: [u64; 3],
    increment: [u64; 3],
    issuance: [u64; 3],
) -> Result<([u64; 3], RaoProvenance), ChainError> {
    let mut candidates: Vec<([u64; 3], &str)> = vec![(
        add3(pools, increment),
        "the pending pools at block B − 1 plus what they grew by in block B − 1",
    )];
    let from_issuance = add3(pools, issuance);
    for k in 0..3u64 {
        let mut c = from_issuance;
        c[1] = c[1].saturating_sub(k);
        candidates.push((
            c,
            "the pending pools at block B − 1 plus block B's issuance to the subnet",
        ));
    }
    let mut first_side = None;
    for (c, how) in &candidates {
        let side = check.side(&shape.build(*c))?;
        first_side.get_or_insert(side);
        if !side.below && !side.above {
            let method = if side.informative {
                format!("{how}, confirmed: it reproduces the stored Emission")
            } else {
                format!(
                    "{how} (not confirmed: the stored Emission is all zero, so it constrains nothing)"
                )
            };
            return Ok((
                *c,
                RaoProvenance {
                    value: sum3(*c),
                    budgets: *c,
                    method,
                    confirmed: side.informative,
                    ..RaoProvenance::default()
                },
            ));
        }
    }
    let estimate = candidates.first().map_or(pools, |c| c.0);
    let unconfirmed = |why: &str| {
        Ok((
            estimate,
            RaoProvenance {
                value: sum3(estimate),
                budgets: estimate,
                method: format!(
                    "estimated as the pending pools at block B − 1 plus what they grew by in block \
                     B − 1; NOT confirmed: {why}, so emission mismatches may come from this estimate"
                ),
                confirmed: false,
                ..RaoProvenance::default()
            },
        ))
    };
    if shape.epoch_consensus == EpochConsensus::Null && shape.newer {
        return unconfirmed("no candidate reproduces the stored Emission (Null consensus pays each budget separately, and they are not searched)");
    }
    // Yuma: the total decides; each uid's emission is non-decreasing in it. Search the least
    // total with no entry below the stored one, and the greatest with none above.
    // A total as budgets: the difference from the estimate goes to (or comes from) the
    // validators' pool first; under Yuma only the total is paid out.
    let build_total = |t: u64| {
        let mut b = estimate;
        let cur = sum3(b);
        if t >= cur {
            b[1] = b[1].saturating_add(t.saturating_sub(cur));
        } else {
            let mut less = cur.saturating_sub(t);
            for x in [1usize, 0, 2] {
                if let Some(v) = b.get_mut(x) {
                    let d = less.min(*v);
                    *v = v.saturating_sub(d);
                    less = less.saturating_sub(d);
                }
            }
        }
        b
    };
    let side_at = |t: u64| check.side(&shape.build(build_total(t)));
    let lo_bound = sum3(pools);
    // An upper bracket with nothing below the stored values.
    let mut hi_bound = sum3(estimate).max(lo_bound);
    let mut span: u64 = sum3(increment).max(sum3(issuance)).max(1 << 16);
    loop {
        if !side_at(hi_bound)?.below {
            break;
        }
        if hi_bound == u64::MAX {
            return unconfirmed("no total reproduces the stored Emission");
        }
        hi_bound = hi_bound.saturating_add(span);
        span = span.saturating_mul(2);
    }
    // Least t in [lo_bound, hi_bound] with nothing below.
    let (mut a, mut b) = (lo_bound, hi_bound);
    while a < b {
        let mid = a.saturating_add(b.saturating_sub(a) / 2);
        if side_at(mid)?.below {
            a = mid.saturating_add(1);
        } else {
            b = mid;
        }
    }
    let least = a;
    let at_least = side_at(least)?;
    if at_least.above {
        return unconfirmed("no total reproduces the stored Emission (some uid's computed emission is above the stored one wherever none is below)");
    }
    // Greatest t ≥ least with nothing above.
    let (mut a, mut b) = (least, hi_bound.saturating_add(span));
    while !side_at(b)?.above && b < u64::MAX {
        a = b;
        b = b.saturating_add(span);
        span = span.saturating_mul(2);
    }
    while a < b {
        let mid = a.saturating_add(b.saturating_sub(a).div_ceil(2));
        if side_at(mid)?.above {
            b = mid.saturating_sub(1);
        } else {
            a = mid;
        }
    }
    let greatest = a;
    let target = sum3(estimate).clamp(least, greatest);
    let chosen = build_total(target);
    Ok((
        chosen,
        RaoProvenance {
            value: sum3(chosen),
            budgets: chosen,
            method: format!(
                "pinned by the stored Emission: every total in [{least}, {greatest}] reproduces it \
                 (the pools at block B − 1 plus their growth in B − 1 estimated {}); the one nearest \
                 that estimate is used",
                sum3(estimate)
            ),
            confirmed: true,
            consistent_range: Some([least, greatest]),
            ..RaoProvenance::default()
        },
    ))
}
