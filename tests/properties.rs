//! Property tests: the fast pipeline equals the reference on generated subnets (outputs and
//! traces), the fast median equals upstream's pivot search, and the epoch's invariants hold.

use proptest::prelude::*;
use substrate_fixed::types::I32F32;
use yuma::{EpochInput, EpochTrace};

fn sparse_rows(n: u16, max_len: usize) -> impl Strategy<Value = Vec<Vec<(u16, u16)>>> {
    let cols = n.saturating_add(2);
    let row = prop::collection::vec((0..cols.max(1), any::<u16>()), 0..=max_len);
    prop::collection::vec(row, n as usize..=n as usize)
}

fn sorted_unique(rows: Vec<Vec<(u16, u16)>>, n: u16) -> Vec<Vec<(u16, u16)>> {
    rows.into_iter()
        .map(|mut r| {
            r.retain(|(j, _)| *j < n);
            r.sort_by_key(|e| e.0);
            r.dedup_by_key(|e| e.0);
            r
        })
        .collect()
}

prop_compose! {
    /// A chain-shaped subnet. Blocks come from a small range so that the masks' boundary
    /// comparisons (`<=` vs `<`) are exercised often. `wild` allows everything the chain can store (unsorted rows,
    /// duplicates, out-of-range uids, short vectors, u64::MAX stakes); otherwise rows are sorted
    /// and unique and stakes moderate.
    fn subnet(wild: bool)(n in 0u16..24)(
        n in Just(n),
        current_block in 0u64..60,
        tempo in 0u16..30,
        activity_cutoff in 0u64..40,
        lmsb in prop_oneof![Just(0u64), 0u64..60],
        last_update in prop::collection::vec(0u64..60, if wild { 0..=(n as usize + 2) } else { n as usize..=n as usize }),
        reg in prop::collection::vec(0u64..60, n as usize..=n as usize),
        alpha in prop::collection::vec(prop_oneof![Just(0u64), 0u64..1_000_000_000_000, if wild { Just(u64::MAX).boxed() } else { Just(7u64).boxed() }], n as usize..=n as usize),
        tao in prop::collection::vec(prop_oneof![Just(0u64), 0u64..1_000_000_000_000], n as usize..=n as usize),
        tao_weight in any::<u64>(),
        stake_threshold in prop_oneof![Just(0u64), 0u64..1_000_000_000],
        owner in prop::option::of(0u16..n.max(1)),
        permits in prop::collection::vec(any::<bool>(), if wild { 0..=(n as usize + 1) } else { n as usize..=n as usize }),
        max_validators in 0u16..30,
        weights in sparse_rows(n, 8),
        bonds in sparse_rows(n, 8),
        kappa in any::<u16>(),
        penalty in prop_oneof![Just(0u16), Just(65535u16), any::<u16>()],
        bma in prop_oneof![Just(900_000u64), 0u64..2_000_000],
        yuma3 in any::<bool>(),
        liquid in any::<bool>(),
        alpha_low in any::<u16>(),
        alpha_high in any::<u16>(),
        steepness in any::<i16>(),
        commit_reveal in any::<bool>(),
        commits in prop::collection::vec(prop::option::of(0u64..60), n as usize..=n as usize),
        rao in prop_oneof![Just(0u64), any::<u64>(), 0u64..10_000_000_000],
        newer in newer_fields(n),
    ) -> EpochInput {
        let (weights, bonds) = if wild { (weights, bonds) } else { (sorted_unique(weights, n), sorted_unique(bonds, n)) };
        EpochInput {
            n, current_block, tempo, activity_cutoff, last_mechanism_step_block: lmsb,
            last_update, block_at_registration: reg, alpha_stake: alpha, tao_stake: tao,
            tao_weight, stake_threshold, owner_uid: owner.filter(|_| n > 0),
            validator_permit: permits, max_allowed_validators: max_validators,
            weights, bonds, kappa, bonds_penalty: penalty, bonds_moving_average: bma,
            yuma3_enabled: yuma3, liquid_alpha_enabled: liquid,
            alpha_low: alpha_low.min(alpha_high), alpha_high: alpha_high.max(alpha_low),
            alpha_sigmoid_steepness: steepness, commit_reveal_enabled: commit_reveal,
            commit_blocks: commits, rao_emission: rao,
            spec_version: newer.0, liquid_alpha_consensus_mode: newer.1,
            previous_consensus: newer.2, last_yuma_step_block: newer.3,
            epoch_consensus: newer.4, mining_budget: newer.5.0,
            dividend_budget: newer.5.1, fallback_budget: newer.5.2,
        }
    }
}

type Newer = (
    Option<u32>,
    yuma::ConsensusMode,
    Vec<u16>,
    Option<u64>,
    yuma::EpochConsensus,
    (Option<u64>, Option<u64>, Option<u64>),
);

/// The fields of spec ≥ 446: a spec version on either side of the boundary (or none), every
/// liquid-alpha consensus mode, a stored consensus of any length (all zero now and then), a
/// Yuma step block near the other blocks or at the extremes, Yuma or Null, budgets or none.
fn newer_fields(n: u16) -> impl Strategy<Value = Newer> {
    let n = usize::from(n);
    (
        prop_oneof![
            Just(None),
            Just(Some(425u32)),
            Just(Some(445)),
            Just(Some(446)),
            Just(Some(475))
        ],
        prop_oneof![
            Just(yuma::ConsensusMode::Auto),
            Just(yuma::ConsensusMode::Current),
            Just(yuma::ConsensusMode::Previous)
        ],
        prop_oneof![
            Just(Vec::new()),
            prop::collection::vec(any::<u16>(), 0..=(n + 2)),
            prop::collection::vec(Just(0u16), n..=n),
        ],
        prop_oneof![Just(None), (0u64..60).prop_map(Some), Just(Some(u64::MAX))],
        prop_oneof![3 => Just(yuma::EpochConsensus::Yuma), 1 => Just(yuma::EpochConsensus::Null)],
        (
            prop::option::of(any::<u64>()),
            prop::option::of(any::<u64>()),
            prop::option::of(prop_oneof![any::<u64>(), 0u64..1000]),
        ),
    )
}

fn sum_bits(v: &[i64]) -> i128 {
    v.iter().map(|&x| i128::from(x)).sum()
}

const ONE_BITS: i128 = 1 << 32;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn main_equals_reference_on_any_storable_input(input in subnet(true)) {
        let fast = yuma::epoch_with_trace(&input);
        let slow = yuma::reference::epoch_with_trace(&input);
        prop_assert_eq!(fast, slow);
    }

    /// Mechanisms through one reused workspace and output (dirtied first by another subnet's
    /// mechanisms) equal the reference's, result or error alike. The mechanisms share `n` and
    /// differ in their hyperparameters and weights.
    #[test]
    fn mechanisms_into_a_reused_workspace_equal_the_reference(
        first in subnet(true),
        others in prop::collection::vec((any::<u16>(), any::<bool>(), any::<bool>(), sparse_rows(24, 8)), 0..4),
        dirty in subnet(true),
        rao in prop_oneof![Just(0u64), any::<u64>(), 0u64..10_000_000_000],
        split in prop::option::of(prop::collection::vec(any::<u16>(), 0..6)),
    ) {
        let n = first.n;
        let mut mechanisms = vec![first.clone()];
        for (kappa, yuma3, liquid, weights) in others {
            let weights = weights.into_iter().take(usize::from(n)).map(|r| r.into_iter().filter(|&(j, _)| j < n).collect()).collect();
            mechanisms.push(EpochInput { kappa, yuma3_enabled: yuma3, liquid_alpha_enabled: liquid, weights, ..first.clone() });
        }
        let input = yuma::MechanismsInput { rao_emission: rao, emission_split: split.clone(), mechanisms, ..Default::default() };
        let mut ws = yuma::Workspace::new();
        let mut out = yuma::MechanismsOutput::default();
        let other = yuma::MechanismsInput { rao_emission: 1, emission_split: split, mechanisms: vec![dirty.clone(), dirty], ..Default::default() };
        let _ = yuma::mechanisms::epoch_with_mechanisms_into(&other, &mut ws, &mut out);
        let fast = yuma::mechanisms::epoch_with_mechanisms_into(&input, &mut ws, &mut out).map(|()| out);
        let slow = yuma::mechanisms::epoch_with_mechanisms_reference(&input);
        prop_assert_eq!(fast, slow);
    }

    /// Yuma 2 on the busy-subnet shape (every stored bond row empty or one bond per uid in
    /// order), which the pipeline runs on dense rows.
    #[test]
    fn main_equals_reference_with_full_bond_rows(
        input in prop_oneof![subnet(false), subnet(true)],
        full in prop::collection::vec(any::<bool>(), 24),
        values in prop::collection::vec(prop_oneof![Just(0u16), Just(65535u16), any::<u16>()], 24 * 24),
    ) {
        let mut input = input;
        let n = usize::from(input.n);
        input.yuma3_enabled = false;
        input.bonds = (0..n)
            .map(|i| {
                if full[i] {
                    (0..n).map(|j| (j as u16, values[i * n + j])).collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let fast = yuma::epoch_with_trace(&input);
        let slow = yuma::reference::epoch_with_trace(&input);
        prop_assert_eq!(fast, slow);
    }

    #[test]
    fn invariants_hold(input in subnet(false)) {
        let (out, trace): (_, EpochTrace) = yuma::epoch_with_trace(&input).unwrap();
        let n = input.n as usize;
        for len in [out.active.len(), out.stake.len(), out.stake_weight.len(), out.consensus.len(),
                    out.incentive.len(), out.dividends.len(), out.validator_trust.len(),
                    out.new_validator_permit.len(), out.server_emission.len(),
                    out.validator_emission.len(), out.emission.len(), out.bonds.len()] {
            prop_assert_eq!(len, n);
        }
        for v in [trace.stake(), trace.active_stake(), trace.incentive(), trace.dividends()] {
            prop_assert!(sum_bits(v) <= ONE_BITS, "normalized vector sums above 1: {}", sum_bits(v));
            prop_assert!(v.iter().all(|&x| x >= 0));
        }
        for row in trace.yuma().map_or(&[][..], |t| &t.clipped_weights) {
            for &(j, w) in row {
                prop_assert!(w <= trace.yuma().unwrap().consensus[j as usize], "clipped weight above consensus");
            }
        }
        let sum = |v: &[u64]| v.iter().map(|&x| u128::from(x)).sum::<u128>();
        let paid = sum(&out.server_emission) + sum(&out.validator_emission);
        match trace.null() {
            // Null pays its budgets exactly: whole units by cumulative ratios.
            Some(t) => {
                prop_assert_eq!(sum(&out.server_emission), u128::from(if n == 0 { 0 } else { t.null_budgets.miner_budget }));
                let staked = t.dividend_shares.iter().any(|&x| x > 0);
                prop_assert_eq!(sum(&out.validator_emission), if staked { u128::from(t.null_budgets.validator_budget) } else { 0 });
            }
            None => prop_assert!(paid <= u128::from(input.rao_emission), "paid {} of {}", paid, input.rao_emission),
        }
        let again = yuma::epoch(&input).unwrap();
        prop_assert_eq!(&again, &out, "not deterministic");
        let mut ws = yuma::Workspace::new();
        let mut reused = yuma::EpochOutput::default();
        yuma::epoch_into(&input, &mut ws, &mut reused).unwrap();
        yuma::epoch_into(&input, &mut ws, &mut reused).unwrap();
        prop_assert_eq!(&reused, &out, "workspace reuse changed the result");
    }

    #[test]
    fn fast_median_equals_upstream_pivot_search(
        stakes in prop::collection::vec(prop_oneof![Just(0i64), 0i64..(1 << 33)], 0..40),
        scores in prop::collection::vec(prop_oneof![Just(0i64), Just(1i64 << 31), 0i64..(1 << 33), 1i64..4], 40),
        kappa in prop_oneof![Just(0u16), Just(65535u16), any::<u16>()],
    ) {
        // Normalize stake as the pipeline does, then compare the two medians.
        let mut stake: Vec<I32F32> = stakes.iter().map(|&s| I32F32::from_bits(s)).collect();
        yuma::fixed::normalize(&mut stake);
        let score: Vec<I32F32> = scores.iter().take(stake.len()).map(|&s| I32F32::from_bits(s)).collect();
        let total = yuma::fixed::wrapping_sum(stake.iter().copied());
        let minority = total.saturating_sub(yuma::fixed::u16_proportion_to_fixed(kappa));
        let idx: Vec<usize> = (0..stake.len()).collect();
        let slow = yuma::reference::math::weighted_median(&stake, &score, &idx, minority, I32F32::from_bits(0), total);
        let mut pairs: Vec<(I32F32, I32F32)> = stake.iter().zip(&score)
            .filter(|(_, s)| **s > I32F32::from_bits(0)).map(|(w, s)| (*s, *w)).collect();
        let mut keys: Vec<u64> = stake.iter().zip(&score).enumerate()
            .filter(|(_, (_, s))| **s > I32F32::from_bits(0))
            .map(|(k, (_, s))| ((s.to_bits() as u64) << 16) | k as u64).collect();
        let fast = yuma::consensus::column_median(&mut pairs, stake.len(), total, minority);
        prop_assert_eq!(fast, slow);
        let keyed = yuma::consensus::keyed_median(&mut keys, &stake, stake.len(), total, minority);
        prop_assert_eq!(keyed, slow);
    }

    /// Columns long enough for `keyed_median`'s bucket pass (at least `BUCKETED_MIN` positive
    /// scores), with scores spread wide, packed into a narrow range (most keys in one bucket),
    /// or tied on a few levels, and stakes that are often zero.
    #[test]
    fn bucketed_median_equals_upstream_pivot_search(
        stakes in prop::collection::vec(prop_oneof![Just(0i64), 1i64..4, 0i64..(1 << 33)], 0..300),
        shape in 0u8..4,
        raw in prop::collection::vec(any::<u64>(), 300),
        kappa in prop_oneof![Just(0u16), Just(65535u16), Just(32767u16), any::<u16>()],
    ) {
        let mut stake: Vec<I32F32> = stakes.iter().map(|&s| I32F32::from_bits(s)).collect();
        yuma::fixed::normalize(&mut stake);
        let score: Vec<I32F32> = raw.iter().take(stake.len()).map(|&r| I32F32::from_bits(match shape {
            0 => (r % (1 << 33)) as i64,                     // wide
            1 => (1 << 31) + (r % 64) as i64,                // narrow: one or two buckets
            2 => [0i64, 1 << 20, 1 << 31, 1 << 32][(r % 4) as usize], // a few tied levels
            _ => if r % 7 == 0 { (r % (1 << 40)) as i64 } else { 1000 + (r % 3) as i64 }, // outliers
        })).collect();
        let total = yuma::fixed::wrapping_sum(stake.iter().copied());
        let minority = total.saturating_sub(yuma::fixed::u16_proportion_to_fixed(kappa));
        let idx: Vec<usize> = (0..stake.len()).collect();
        let slow = yuma::reference::math::weighted_median(&stake, &score, &idx, minority, I32F32::from_bits(0), total);
        let mut keys: Vec<u64> = score.iter().enumerate()
            .filter(|(_, s)| **s > I32F32::from_bits(0))
            .map(|(k, s)| ((s.to_bits() as u64) << 16) | k as u64).collect();
        let mut before = keys.clone();
        let keyed = yuma::consensus::keyed_median(&mut keys, &stake, stake.len(), total, minority);
        prop_assert_eq!(keyed, slow);
        // `keys` comes back permuted, nothing lost.
        before.sort_unstable();
        keys.sort_unstable();
        prop_assert_eq!(keys, before);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Scores in an order that makes every partition round of `column_median` drop a single
    /// score, so its round cap hands the rest to the sorted scan: still upstream's answer, with
    /// ties (ranks divided down), zero stakes and kappa near 0 (the minority point at the top).
    #[test]
    fn median_on_adversarial_order_equals_upstream_pivot_search(
        k in 24usize..400,
        tie in prop_oneof![Just(1i64), 2i64..5],
        stakes in prop::collection::vec(prop_oneof![1i64..2, Just(0i64), 1i64..(1 << 33)], 400),
        kappa in prop_oneof![0u16..4, Just(32767u16), any::<u16>()],
        boundary in prop_oneof![Just(None), (1usize..8).prop_map(Some)],
    ) {
        let ranks = yuma::synth::middle_pivot_killer(k);
        let mut stake: Vec<I32F32> = stakes.iter().take(k).map(|&s| I32F32::from_bits(s)).collect();
        yuma::fixed::normalize(&mut stake);
        let score: Vec<I32F32> = ranks.iter().map(|&r| I32F32::from_bits(((i64::from(r) + tie - 1) / tie) << 20)).collect();
        let total = yuma::fixed::wrapping_sum(stake.iter().copied());
        let mut minority = total.saturating_sub(yuma::fixed::u16_proportion_to_fixed(kappa));
        if let Some(m) = boundary {
            // Exactly the stake below the m-th highest score: the answer's interval starts there.
            let mut by_score: Vec<(I32F32, I32F32)> = score.iter().copied().zip(stake.iter().copied()).collect();
            by_score.sort_by_key(|p| p.0);
            minority = yuma::fixed::wrapping_sum(by_score.iter().take(k - m).map(|p| p.1));
        }
        let idx: Vec<usize> = (0..k).collect();
        let slow = yuma::reference::math::weighted_median(&stake, &score, &idx, minority, I32F32::from_bits(0), total);
        let mut pairs: Vec<(I32F32, I32F32)> = score.iter().zip(&stake).map(|(s, w)| (*s, *w)).collect();
        prop_assert_eq!(yuma::consensus::column_median(&mut pairs, k, total, minority), slow);
    }
}

/// A whole epoch whose consensus columns hold the adversarial score order: `k` validators (uids
/// `2c..`) weight columns `0..c` by their rank and columns `c..2c` by `k + 1 − rank` (equal row
/// sums, so the normalized scores keep the order; rows stored unsorted, so the pipeline takes its
/// general median path), kappa 1/65535 (the minority point at the top). Main equals the
/// reference, Yuma 2 and Yuma 3.
#[test]
fn epoch_with_adversarial_median_columns_equals_reference() {
    let (k, c) = (1500usize, 3usize);
    let ranks = yuma::synth::middle_pivot_killer(k);
    let n = k + 2 * c;
    let weights: Vec<Vec<(u16, u16)>> = (0..n)
        .map(|i| match i.checked_sub(2 * c).and_then(|v| ranks.get(v)) {
            Some(&r) => (c..2 * c)
                .map(|j| (j as u16, (k as u32 + 1 - r) as u16))
                .chain((0..c).map(|j| (j as u16, r as u16)))
                .collect(),
            None => vec![],
        })
        .collect();
    for yuma3 in [false, true] {
        let input = EpochInput {
            n: n as u16,
            current_block: 1000,
            tempo: 100,
            activity_cutoff: 5000,
            last_update: vec![990; n],
            block_at_registration: vec![0; n],
            alpha_stake: vec![1_000_000_000; n],
            tao_stake: vec![0; n],
            validator_permit: vec![true; n],
            max_allowed_validators: n as u16,
            weights: weights.clone(),
            bonds: vec![vec![]; n],
            kappa: 1,
            bonds_moving_average: 900_000,
            yuma3_enabled: yuma3,
            commit_blocks: vec![None; n],
            rao_emission: 1_000_000_000,
            ..Default::default()
        };
        let main = yuma::epoch(&input).unwrap();
        assert_eq!(
            main,
            yuma::reference::epoch(&input).unwrap(),
            "yuma3 {yuma3}"
        );
        // The top-ranked validator's score is each rank column's consensus.
        let top = (u64::from(u16::MAX) * k as u64 / (c * (k + 1)) as u64) as u16;
        assert!(
            main.consensus[..c].iter().all(|&x| x.abs_diff(top) <= 1),
            "{:?}",
            &main.consensus[..c]
        );
    }
}

#[test]
fn empty_subnet() {
    let input = EpochInput::default();
    let out = yuma::epoch(&input).unwrap();
    assert!(out.active.is_empty() && out.bonds.is_empty());
}

#[test]
fn wrong_length_is_a_typed_error() {
    let input = EpochInput {
        n: 2,
        block_at_registration: vec![0],
        ..Default::default()
    };
    let err = yuma::epoch(&input).unwrap_err();
    assert_eq!(
        err,
        yuma::Error::Length {
            field: "block_at_registration",
            expected: 2,
            found: 1
        }
    );
    assert!(err.to_string().contains("block_at_registration"));
}

/// A `bonds_moving_average` beyond the I32F32 range of `bma / 1e6` (≥ 2,147,483,648,000,000), or
/// beyond i64 (≥ 2⁶³), in Yuma 3 without liquid alpha. Upstream's `compute_disabled_liquid_alpha`
/// converts with `from_num`, which wraps in the chain's release runtime (debug assertions off), so
/// the epoch runs with a wrapped alpha. The expected outputs were computed by upstream's `math.rs`
/// (unmodified, `substrate-fixed` 0.6.0, release profile) under a transcription of
/// `epoch_mechanism` that replaces only the storage reads; the same harness reproduces all 620
/// public epoch vectors.
#[test]
fn huge_bonds_moving_average_wraps_as_the_chain_does() {
    assert_eq!(
        yuma::bonds::yuma3_fixed_alpha(3_000_000_000_000_000).to_bits(),
        5_561_842_190_004_518_912
    );
    assert_eq!(
        yuma::bonds::yuma3_fixed_alpha(u64::MAX).to_bits(),
        4_294_971_591
    );
    // Two validators weight uid 2; stored bonds 30000 and 20000.
    let input = |bma: u64| -> EpochInput {
        serde_json::from_value(serde_json::json!({
            "n": 3, "current_block": 1000, "tempo": 100, "activity_cutoff": 5000,
            "last_mechanism_step_block": 0, "last_update": [990, 990, 990],
            "block_at_registration": [0, 0, 0], "alpha_stake": [600_000_000_000u64, 400_000_000_000u64, 0],
            "tao_stake": [0, 0, 0], "tao_weight": 0, "stake_threshold": 0, "owner_uid": null,
            "validator_permit": [true, true, false], "max_allowed_validators": 64,
            "weights": [[[2, 65535]], [[2, 65535]], []], "bonds": [[[2, 30000]], [[2, 20000]], []],
            "kappa": 32767, "bonds_penalty": 65535, "bonds_moving_average": bma,
            "yuma3_enabled": true, "liquid_alpha_enabled": false, "alpha_low": 45875,
            "alpha_high": 58982, "alpha_sigmoid_steepness": 1000, "commit_reveal_enabled": false,
            "commit_blocks": [null, null, null], "rao_emission": 1_000_000_000u64
        }))
        .expect("input")
    };
    let cases = [
        (
            3_000_000_000_000_000u64,
            [35342u16, 30192, 0],
            [269_647_147u64, 230_352_851, 0],
        ),
        (u64::MAX, [39320, 26214, 0], [299_999_981, 200_000_018, 0]),
    ];
    for (bma, dividends, validator_emission) in cases {
        let input = input(bma);
        let out = yuma::epoch(&input).expect("the chain computes this epoch");
        assert_eq!(out.dividends, dividends, "bma {bma}");
        assert_eq!(out.validator_emission, validator_emission, "bma {bma}");
        assert_eq!(out.server_emission, [0, 0, 500_000_000], "bma {bma}");
        assert_eq!(
            out.bonds,
            [vec![(2, 65535)], vec![(2, 65535)], vec![]],
            "bma {bma}"
        );
        assert_eq!(yuma::reference::epoch(&input), Ok(out), "bma {bma}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    #[test]
    fn fast_divisions_equal_checked_div(
        x in prop_oneof![any::<i64>(), 0i64..(1 << 33), (0i64..65536).prop_map(|v| v << 32)],
        d in prop_oneof![any::<i64>(), 1i64..(1 << 34), (1i64..(1 << 30)).prop_map(|v| v << 32), (0u32..63).prop_map(|k| 1i64 << k)],
    ) {
        let (x, d) = (I32F32::from_bits(x), I32F32::from_bits(d));
        let want = yuma::fixed::safe_div(x, d);
        prop_assert_eq!(yuma::fixed::safe_div_fast(x, d), want);
        prop_assert_eq!(yuma::fixed::Divisor::new(d).div(x), want);
        prop_assert_eq!(yuma::fixed::mul_sat(x, d), x.saturating_mul(d));
        prop_assert_eq!(yuma::fixed::mul_sat(d, x), d.saturating_mul(x));
        prop_assert_eq!(yuma::fixed::mul_unit(d, x), d.saturating_mul(x));
        let unit = I32F32::from_bits(d.to_bits().rem_euclid((1 << 32) + 1));
        prop_assert_eq!(yuma::fixed::mul_unit(unit, x), unit.saturating_mul(x));
        prop_assert_eq!(yuma::fixed::fixed_proportion_to_u16_fast(x), yuma::fixed::fixed_proportion_to_u16(x));
        prop_assert_eq!(yuma::fixed::fixed_proportion_to_u16_fast(d), yuma::fixed::fixed_proportion_to_u16(d));
        let e = I32F32::from_bits(x.to_bits() >> 26);
        prop_assert_eq!(yuma::fixed::exp_safe_fast(e), yuma::fixed::exp_safe(e), "exp({:?})", e);
        prop_assert_eq!(yuma::fixed::exp_safe_fast(x), yuma::fixed::exp_safe(x));
    }

    /// The 32-bit-halves multiplies (used on wasm32 and 32-bit targets, where native tests do
    /// not reach them through the pipeline) against `u128`/`i128`, on each side of the
    /// one-multiply fast path (both factors below 2³²), the cross-product carry and the signs.
    #[test]
    fn portable_wide_multiplies_equal_u128(
        a in prop_oneof![any::<u64>(), 0u64..(1 << 32), (1u64 << 32)..(1 << 33), (u64::MAX - (1 << 33))..=u64::MAX],
        b in prop_oneof![any::<u64>(), 0u64..(1 << 32), (1u64 << 32)..(1 << 33), (u64::MAX - (1 << 33))..=u64::MAX],
    ) {
        use yuma::fixed::{wide_mul_i64, wide_mul_i64_portable, wide_mul_u64, wide_mul_u64_portable};
        let want = u128::from(a).wrapping_mul(u128::from(b));
        prop_assert_eq!(wide_mul_u64_portable(a, b), want);
        prop_assert_eq!(wide_mul_u64(a, b), want);
        prop_assert_eq!(yuma::fixed::mul_shr32_portable(a, b), (want >> 32) as u64);
        prop_assert_eq!(yuma::fixed::mul_shr32(a, b), (want >> 32) as u64);
        let (sa, sb) = (a as i64, b as i64);
        let want = i128::from(sa).wrapping_mul(i128::from(sb));
        prop_assert_eq!(wide_mul_i64_portable(sa, sb), want);
        prop_assert_eq!(wide_mul_i64(sa, sb), want);
    }

    #[test]
    fn fast_liquid_alpha_equals_formula(
        c in 0i64..(1 << 33), w in 0i64..(1 << 33), b in 0i64..(1 << 33),
        low in any::<u16>(), high in any::<u16>(), steep in any::<i16>(),
    ) {
        let input = EpochInput { alpha_low: low.min(high), alpha_high: high.max(low), alpha_sigmoid_steepness: steep, ..Default::default() };
        let p = yuma::liquid_alpha::LiquidAlphaParams::new(&input);
        let (c, w, b) = (I32F32::from_bits(c), I32F32::from_bits(w), I32F32::from_bits(b));
        prop_assert_eq!(yuma::liquid_alpha::alpha_sigmoid_fast(c, w, b, &p), yuma::liquid_alpha::alpha_sigmoid(c, w, b, &p));
        // The pipeline's route: the exponent, its sigmoid through the bounded batch, the alpha.
        let x = [yuma::liquid_alpha::sigmoid_exponent(c, w, b, &p)];
        let mut sigmoid = [I32F32::from_bits(0)];
        yuma::fixed::logistic_grouped(&x, &mut sigmoid, &mut Default::default());
        prop_assert_eq!(yuma::liquid_alpha::alpha_from_logistic(sigmoid[0], &p), yuma::liquid_alpha::alpha_sigmoid(c, w, b, &p));
    }
}

proptest! {
    #[test]
    fn batched_logistics_equal_exp_then_reciprocal(
        xs in prop::collection::vec(prop_oneof![
            any::<i64>(),
            -(9i64 << 32)..(9i64 << 32),
            (2i64 << 32)..(8i64 << 32),
            -(8i64 << 32)..-(2i64 << 32),
            (128i64..512).prop_map(|k| k << 26),
            (128i64..512).prop_map(|k| -(k << 26) + 1),
        ], 0..300),
    ) {
        let xs: Vec<I32F32> = xs.into_iter().map(I32F32::from_bits).collect();
        let want: Vec<I32F32> = xs
            .iter()
            .map(|x| yuma::fixed::logistic_of_exp(yuma::fixed::exp_safe(*x)))
            .collect();
        let mut scratch = yuma::fixed::LogisticScratch::default();
        let mut out = vec![I32F32::from_bits(0); xs.len()];
        yuma::fixed::logistic_grouped(&xs, &mut out, &mut scratch);
        prop_assert_eq!(&out, &want);
        // With the scratch reused.
        prefix_of_another_length(&want, |out| yuma::fixed::logistic_grouped(&xs, out, &mut scratch))?;
    }
}

proptest! {
    #[test]
    fn batched_exps_equal_exp_safe(
        xs in prop::collection::vec(prop_oneof![any::<i64>(), -(21i64 << 32)..(21i64 << 32), -(1i64 << 33)..(1i64 << 33)], 0..200),
    ) {
        let xs: Vec<I32F32> = xs.into_iter().map(I32F32::from_bits).collect();
        let want: Vec<I32F32> = xs.iter().map(|x| yuma::fixed::exp_safe(*x)).collect();
        let mut out = vec![I32F32::from_bits(0); xs.len()];
        yuma::fixed::exp_safe_batch(&xs, &mut out);
        prop_assert_eq!(&out, &want);
        let mut out = vec![I32F32::from_bits(0); xs.len()];
        yuma::fixed::exp_safe_grouped(&xs, &mut out, &mut Vec::new());
        prop_assert_eq!(&out, &want);
        prefix_of_another_length(&want, |out| yuma::fixed::exp_safe_batch(&xs, out))?;
        prefix_of_another_length(&want, |out| yuma::fixed::exp_safe_grouped(&xs, out, &mut Vec::new()))?;
    }

    #[test]
    fn keep_divisor_is_identity_or_division(x in any::<i64>(), d in prop_oneof![Just(0i64), any::<i64>()]) {
        let (x, d) = (I32F32::from_bits(x), I32F32::from_bits(d));
        let want = if d == I32F32::from_bits(0) { x } else { yuma::fixed::safe_div(x, d) };
        prop_assert_eq!(yuma::fixed::Divisor::or_keep(d).div(x), want);
    }
}

/// `run` on an output of another length than `want` (the batch kernels' inputs): the common
/// prefix is computed, the rest untouched.
fn prefix_of_another_length(
    want: &[I32F32],
    run: impl FnOnce(&mut [I32F32]),
) -> Result<(), TestCaseError> {
    let other = (want.len() * 3 / 2).saturating_sub(3);
    let keep = I32F32::from_bits(-7);
    let common = other.min(want.len());
    let mut out = vec![keep; other];
    run(&mut out);
    prop_assert_eq!(&out[..common], &want[..common]);
    prop_assert!(out[common..].iter().all(|&e| e == keep));
    Ok(())
}

/// A CSR built from rows, with `lead` unused entries before the first row and `trail` after
/// the last (a matrix whose rows do not start at slot 0 is still well-formed for `Csr::row`).
fn padded_csr(rows: &[Vec<(u16, u16)>], lead: usize, trail: usize) -> yuma::sparse::Csr {
    let mut m = yuma::sparse::Csr::default();
    let junk = |m: &mut yuma::sparse::Csr, count: usize| {
        m.col.extend(std::iter::repeat_n(9u16, count));
        m.val
            .extend(std::iter::repeat_n(I32F32::from_bits(123_456_789), count));
    };
    junk(&mut m, lead);
    m.row_ptr.push(lead as u32);
    for r in rows {
        for &(j, w) in r {
            m.col.push(j);
            m.val.push(I32F32::from_bits(i64::from(w) << 16));
        }
        m.row_ptr.push(m.col.len() as u32);
    }
    junk(&mut m, trail);
    m
}

proptest! {
    /// The bonds kernels read each row through `Csr::row`: entries outside every row (before
    /// the first or after the last) change nothing.
    #[test]
    fn bonds_kernels_ignore_entries_outside_the_rows(
        new in sparse_rows(8, 6),
        old in sparse_rows(8, 6),
        consensus in prop::collection::vec(0i64..(1 << 32), 8),
        lead in 0usize..3,
        trail in 0usize..3,
        steepness in any::<i16>(),
    ) {
        let input = EpochInput { alpha_low: 100, alpha_high: 60000, alpha_sigmoid_steepness: steepness, ..Default::default() };
        let p = yuma::liquid_alpha::LiquidAlphaParams::new(&input);
        let consensus: Vec<I32F32> = consensus.into_iter().map(I32F32::from_bits).collect();
        let run = |new: &yuma::sparse::Csr, old: &yuma::sparse::Csr| {
            let mut out = yuma::sparse::Csr::default();
            yuma::liquid_alpha::ema_liquid(new, old, &consensus, &p, &mut Default::default(), &mut out);
            out.to_bits_rows()
        };
        let compact = run(&padded_csr(&new, 0, 0), &padded_csr(&old, 0, 0));
        let padded = run(&padded_csr(&new, lead, trail), &padded_csr(&old, trail, lead));
        prop_assert_eq!(compact, padded);
    }
}
