//! Every form of the lane kernels (`yuma::lanes::Kernels`) gives the scalar code's bits: on every
//! vector, on random storable subnets of the busy shape the lanes run on (full bond rows, every
//! weight row sorted), with values at the edges of the ranges the lanes need (a sole validator
//! holding all stake, weights of 1.0, `bonds_moving_average` past 10⁶, stakes that wrap), and
//! the lane primitives against the scalar ones on random bits.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use substrate_fixed::types::I32F32;
use yuma::lanes::{self, Kernels};
use yuma::{EpochInput, EpochOutput, Workspace};

fn run(input: &EpochInput, k: Kernels) -> Result<(EpochOutput, yuma::EpochTrace), yuma::Error> {
    let mut ws = Workspace::new();
    ws.kernels = k;
    let mut out = EpochOutput::default();
    yuma::epoch_into(input, &mut ws, &mut out).map(|()| (out, ws.trace()))
}

fn vectors() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut e: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        e.sort();
        for p in e {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    walk(&root.join("tests/vectors"), &mut out);
    walk(&root.join("tests/vectors-own"), &mut out);
    out
}

#[test]
fn every_form_on_every_vector() {
    eprintln!(
        "forms on this host: {}",
        Kernels::ALL
            .iter()
            .map(|k| format!("{} → {}", k.name(), k.resolve().name()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut epochs = 0;
    for p in vectors() {
        let doc = yuma::json::parse_document(&std::fs::read(&p).unwrap()).unwrap();
        let inputs: Vec<EpochInput> = match doc.into_input() {
            yuma::json::VectorInput::Epoch(i) => vec![i],
            yuma::json::VectorInput::Mechanisms(m) => {
                let Ok(out) = yuma::epoch_with_mechanisms(&m) else {
                    continue;
                };
                (0..m.mechanisms.len())
                    .filter_map(|k| yuma::mechanisms::mechanism_as_run(&m, &out, k))
                    .collect()
            }
        };
        for input in inputs {
            let scalar = run(&input, Kernels::Scalar);
            for k in Kernels::ALL {
                assert_eq!(run(&input, k), scalar, "{} under {}", p.display(), k.name());
            }
            epochs += 1;
        }
    }
    assert!(epochs > 900, "{epochs}");
}

/// A busy-shaped subnet: n uids, the first `v` validators with full weight rows (sorted) and
/// full bond rows, stakes of any size.
fn busy(
    n: usize,
    v: usize,
    stakes: &[u64],
    weights: &[u16],
    bonds: &[u16],
    bma: u64,
    wild: u8,
) -> EpochInput {
    let v = v.min(n);
    let mut w: Vec<Vec<(u16, u16)>> = vec![Vec::new(); n];
    let mut b: Vec<Vec<(u16, u16)>> = vec![Vec::new(); n];
    for i in 0..v {
        w[i] = (0..n)
            .map(|j| (j as u16, weights[(i * n + j) % weights.len()]))
            .filter(|e| e.1 > 0 || wild & 1 == 1)
            .collect();
        if wild & 2 == 0 || i % 2 == 0 {
            b[i] = (0..n)
                .map(|j| (j as u16, bonds[(i * n + j) % bonds.len()]))
                .collect();
        }
    }
    EpochInput {
        n: n as u16,
        current_block: 1000,
        tempo: 100,
        activity_cutoff: 5000,
        last_mechanism_step_block: 900,
        last_update: vec![999; n],
        block_at_registration: (0..n)
            .map(|j| if wild & 4 == 4 && j % 5 == 0 { 950 } else { 10 })
            .collect(),
        alpha_stake: (0..n)
            .map(|i| if i < v { stakes[i % stakes.len()] } else { 0 })
            .collect(),
        tao_stake: vec![0; n],
        tao_weight: 0,
        validator_permit: (0..n).map(|i| i < v).collect(),
        max_allowed_validators: v as u16,
        weights: w,
        bonds: b,
        kappa: 32_767,
        bonds_penalty: if wild & 8 == 8 { 30_000 } else { 65_535 },
        bonds_moving_average: bma,
        commit_blocks: vec![None; n],
        rao_emission: 1_000_000_000,
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_form_equals_scalar_on_busy_subnets(
        n in 1usize..40,
        v in 1usize..12,
        stakes in prop::collection::vec(prop_oneof![Just(0u64), Just(1u64), 1u64..1_000_000_000_000, Just(u64::MAX), Just(6_148_914_691_236_517_206u64)], 1..12),
        weights in prop::collection::vec(prop_oneof![Just(0u16), Just(1u16), Just(65_535u16), any::<u16>()], 1..64),
        bonds in prop::collection::vec(prop_oneof![Just(0u16), Just(1u16), Just(65_535u16), any::<u16>()], 1..64),
        bma in prop_oneof![Just(900_000u64), Just(0u64), Just(1_000_000u64), Just(1_000_001u64), 0u64..3_000_000],
        wild in 0u8..32,
        yuma3 in any::<bool>(),
    ) {
        let mut input = busy(n, v, &stakes, &weights, &bonds, bma, wild);
        input.yuma3_enabled = yuma3;
        let scalar = run(&input, Kernels::Scalar);
        for k in Kernels::ALL {
            prop_assert_eq!(&run(&input, k), &scalar, "{}", k.name());
        }
    }

    /// The row kernels called directly in every lane form (the epoch runs them only in the
    /// forms where they pay, `Kernels::lane_rows`; the portable form on x86_64 does not), against
    /// the scalar passes' results in a scalar epoch's workspace.
    #[test]
    fn row_kernels_equal_scalar_in_every_form(
        n in 1usize..40,
        v in 1usize..12,
        stakes in prop::collection::vec(prop_oneof![Just(0u64), Just(1u64), 1u64..1_000_000_000_000, Just(u64::MAX)], 1..12),
        weights in prop::collection::vec(prop_oneof![Just(0u16), Just(1u16), Just(65_535u16), any::<u16>()], 1..64),
        wild in 0u8..32,
    ) {
        let input = busy(n, v, &stakes, &weights, &[0], 900_000, wild);
        let mut ws = Workspace::new();
        ws.kernels = Kernels::Scalar;
        let mut out = EpochOutput::default();
        if yuma::epoch_into(&input, &mut ws, &mut out).is_err() {
            return Ok(());
        }
        let unit = |x: &I32F32| u64::try_from(x.to_bits()).ok().filter(|&b| b <= lanes::ONE);
        let consensus: Option<Vec<u64>> = ws.consensus.iter().map(unit).collect();
        let stake: Option<Vec<u64>> = ws.active_stake.iter().map(unit).collect();
        for k in [Kernels::Portable, Kernels::Avx2, Kernels::Avx512] {
            let mut rows = lanes::rows::RowScratch::default();
            let mut masked = yuma::sparse::Csr::default();
            lanes::rows::masked_weights(k, &input, &input.last_update, &mut masked, &mut rows);
            prop_assert_eq!(&masked, &ws.weights, "masks, {}", k.name());
            if let (Some(c), Some(s)) = (&consensus, &stake) {
                if ws.weights.val.iter().all(|w| unit(w).is_some()) {
                    let (mut clipped, mut trust, mut incentive) = Default::default();
                    lanes::rows::clip_trust_ranks(k, &ws.weights, c, s, &mut clipped, &mut trust, &mut rows);
                    lanes::rows::ranks_into(&rows, &mut incentive);
                    yuma::fixed::normalize(&mut incentive);
                    prop_assert_eq!(&clipped, &ws.clipped, "clipped, {}", k.name());
                    prop_assert_eq!(&trust, &ws.validator_trust, "trust, {}", k.name());
                    prop_assert_eq!(&incentive, &ws.incentive, "incentive, {}", k.name());
                }
            }
        }
    }

    #[test]
    fn lane_products_equal_mul_sat(a in prop_oneof![0u64..=lanes::ONE, Just(lanes::ONE), Just(0u64)], b in prop_oneof![0u64..=lanes::ONE, Just(lanes::ONE)]) {
        let s = yuma::fixed::mul_sat(I32F32::from_bits(a as i64), I32F32::from_bits(b as i64));
        prop_assert_eq!(lanes::mul(a, b), s.to_bits() as u64);
    }

    #[test]
    fn lane_quotients_equal_safe_div(
        x in prop_oneof![0u64..=lanes::ONE, Just(lanes::ONE), Just(lanes::ONE - 1), Just(0u64)],
        d in prop_oneof![2u64..=lanes::ONE, 2u64..(i64::MAX as u64), Just(lanes::ONE), Just(2u64), Just(i64::MAX as u64)],
    ) {
        let p = lanes::LaneDivisor::new(d).unwrap();
        let got = lanes::div(x, p.magic >> 32, p.magic & 0xFFFF_FFFF, p.shift, p.one);
        let want = yuma::fixed::safe_div(I32F32::from_bits(x as i64), I32F32::from_bits(d as i64));
        prop_assert_eq!(got, want.to_bits() as u64);
    }
}
