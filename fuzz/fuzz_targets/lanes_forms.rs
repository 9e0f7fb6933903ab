//! Every form of the lane kernels (`yuma::lanes::Kernels`: auto, portable, AVX2, AVX-512 — each
//! resolved to what this CPU has) must give the scalar code's bits, output and trace, or the
//! very same error, on subnets shaped the way the lanes run: full bond rows, sorted weight rows,
//! every validator with a permit. One target drives every lane kernel through the epoch, the
//! shape picking which one runs:
//!
//! * masks + row normalization and clipping/trust/ranks (`lanes::rows`) on every input whose
//!   weights, consensus and stakes lie in `[0, 1]`;
//! * the dense Yuma 2 bonds stage (`lanes::yuma2`: EMA, column normalization, max-upscale) when
//!   every validator stores a full bond row, the partial-row path when only some do (`sparse`);
//! * and the inputs that must fall back to scalar: a sole validator with all the stake (weights
//!   and stakes of exactly 1.0), `bonds_moving_average` past 10⁶ (α out of `[0, 1]`), stakes whose
//!   sum wraps past 2⁶⁴, zero and one-bit divisors (columns with one bond of 1 rao's worth).
//!
//! Also `lanes::mul` / `lanes::div` against `fixed::mul_sat` / `fixed::safe_div` on the bits
//! the fuzzer gives (clamped to the lanes' domain `[0, 2³²]`).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use substrate_fixed::types::I32F32;
use yuma::lanes::{self, Kernels};
use yuma::{EpochInput, EpochOutput, Workspace};

#[derive(Debug, Arbitrary)]
enum Val {
    Zero,
    One,
    Max,
    Any(u16),
}

impl Val {
    fn get(&self) -> u16 {
        match *self {
            Val::Zero => 0,
            Val::One => 1,
            Val::Max => u16::MAX,
            Val::Any(x) => x,
        }
    }
}

#[derive(Debug, Arbitrary)]
enum StakeV {
    Zero,
    Small(u32),
    Any(u64),
    Max,
    /// A third of 2⁶⁴ and a bit: three of them wrap the I64F64 sum.
    Wrap,
}

impl StakeV {
    fn get(&self) -> u64 {
        match *self {
            StakeV::Zero => 0,
            StakeV::Small(x) => u64::from(x),
            StakeV::Any(x) => x,
            StakeV::Max => u64::MAX,
            StakeV::Wrap => 6_148_914_691_236_517_206,
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Subnet {
    n: u8,
    validators: u8,
    stakes: Vec<StakeV>,
    weights: Vec<Val>,
    bonds: Vec<Val>,
    /// 0 → 900 000 (the default), 1 → 10⁶, 2 → 10⁶ + 1, else any value up to 4 · 10⁶.
    bma_sel: u8,
    bma: u32,
    /// Bit 0: zero weights kept in the rows; bit 1: only even validators store bonds;
    /// bit 2: every fifth uid registered after the last step; bit 3: bonds penalty below 1;
    /// bit 4: Yuma 3; bit 5: liquid alpha; bit 6: some validators without a permit;
    /// bit 7: kappa from `kappa`.
    wild: u8,
    kappa: u16,
    prim: Vec<(u64, u64)>,
}

impl Subnet {
    fn build(&self) -> EpochInput {
        let n = usize::from(self.n % 48) + 1;
        let v = (usize::from(self.validators % 16) + 1).min(n);
        let pick = |xs: &[Val], k: usize| xs.get(k % xs.len().max(1)).map_or(0, Val::get);
        let wild = self.wild;
        let mut w: Vec<Vec<(u16, u16)>> = vec![Vec::new(); n];
        let mut b: Vec<Vec<(u16, u16)>> = vec![Vec::new(); n];
        for (i, (wi, bi)) in w.iter_mut().zip(b.iter_mut()).enumerate().take(v) {
            *wi = (0..n)
                .map(|j| (j as u16, pick(&self.weights, i * n + j)))
                .filter(|e| e.1 > 0 || wild & 1 == 1)
                .collect();
            if wild & 2 == 0 || i % 2 == 0 {
                *bi = (0..n)
                    .map(|j| (j as u16, pick(&self.bonds, i * n + j)))
                    .collect();
            }
        }
        let stake = |i: usize| {
            self.stakes
                .get(i % self.stakes.len().max(1))
                .map_or(1_000_000_000, StakeV::get)
        };
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
            alpha_stake: (0..n).map(|i| if i < v { stake(i) } else { 0 }).collect(),
            tao_stake: vec![0; n],
            tao_weight: 0,
            validator_permit: (0..n)
                .map(|i| i < v && (wild & 64 == 0 || i % 3 != 1))
                .collect(),
            max_allowed_validators: v as u16,
            weights: w,
            bonds: b,
            kappa: if wild & 128 == 128 { self.kappa } else { 32_767 },
            bonds_penalty: if wild & 8 == 8 { 30_000 } else { 65_535 },
            bonds_moving_average: match self.bma_sel % 4 {
                0 => 900_000,
                1 => 1_000_000,
                2 => 1_000_001,
                _ => u64::from(self.bma % 4_000_000),
            },
            yuma3_enabled: wild & 16 == 16,
            liquid_alpha_enabled: wild & 32 == 32,
            commit_blocks: vec![None; n],
            rao_emission: 1_000_000_000,
            ..Default::default()
        }
    }
}

fn run(input: &EpochInput, k: Kernels) -> Result<(EpochOutput, yuma::EpochTrace), yuma::Error> {
    let mut ws = Workspace::new();
    ws.kernels = k;
    let mut out = EpochOutput::default();
    yuma::epoch_into(input, &mut ws, &mut out).map(|()| (out, ws.trace()))
}

fuzz_target!(|s: Subnet| {
    let input = s.build();
    let scalar = run(&input, Kernels::Scalar);
    for k in Kernels::ALL {
        assert_eq!(
            run(&input, k),
            scalar,
            "{} (runs as {}) differs from scalar",
            k.name(),
            k.resolve().name()
        );
    }

    for &(a, b) in s.prim.iter().take(64) {
        let (a, b) = (a % (lanes::ONE + 1), b % (lanes::ONE + 1));
        let want = yuma::fixed::mul_sat(I32F32::from_bits(a as i64), I32F32::from_bits(b as i64));
        assert_eq!(lanes::mul(a, b), want.to_bits() as u64, "mul {a} {b}");
        if let Some(p) = lanes::LaneDivisor::new(b.max(2)) {
            let d = b.max(2);
            let got = lanes::div(a, p.magic >> 32, p.magic & 0xFFFF_FFFF, p.shift, p.one);
            let want =
                yuma::fixed::safe_div(I32F32::from_bits(a as i64), I32F32::from_bits(d as i64));
            assert_eq!(got, want.to_bits() as u64, "div {a} {d}");
        }
    }
});
