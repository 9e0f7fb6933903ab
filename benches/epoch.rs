//! Criterion benchmarks: whole epochs on busy-subnet shapes, the stage kernels, a scaling series
//! at fixed weights per row, and a lower bound for the Yuma 2 bonds stage (`bound/*`: its exact
//! arithmetic on dense rows, checked against the pipeline's result before it is timed, beside the
//! pipeline's stage on the same input), and the same for liquid alpha's exponential series on
//! b1024-v128-y3la (`bound/liquid-*`).
//!
//! Inputs come from `../shared/bench/*.json` when that directory exists beside the repository,
//! otherwise from `yuma::synth` with the same shapes (deterministic).
//!
//! `cargo bench --bench epoch -- --warm-up-time 1 --measurement-time 3 --noplot`

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use substrate_fixed::types::I32F32;
use yuma::synth::{subnet, SynthParams};
use yuma::EpochInput;

/// (file stem, n, validators, weights per row, yuma3, liquid alpha)
const SHAPES: [(&str, u16, u16, u16, bool, bool); 7] = [
    ("b256-v64-y2", 256, 64, 256, false, false),
    ("b256-v64-y3la", 256, 64, 256, true, true),
    ("b1024-v128-y2", 1024, 128, 1024, false, false),
    ("b1024-v128-y3la", 1024, 128, 1024, true, true),
    ("b4096-v256-y2", 4096, 256, 1024, false, false),
    ("b4096-v256-y3", 4096, 256, 1024, true, false),
    ("b4096-v256-y3la", 4096, 256, 1024, true, true),
];

fn load(
    stem: &str,
    n: u16,
    validators: u16,
    per_row: u16,
    yuma3: bool,
    la: bool,
) -> (EpochInput, &'static str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/bench")
        .join(format!("{stem}.json"));
    if let Ok(bytes) = std::fs::read(&path) {
        if let Ok(yuma::json::Document::Epoch(input)) = yuma::json::parse_document(&bytes) {
            return (input, "shared");
        }
    }
    let p = SynthParams {
        n,
        validators,
        weights_per_row: per_row,
        yuma3,
        liquid_alpha: la,
        seed: 1,
    };
    (subnet(&p), "synth")
}

fn epochs(c: &mut Criterion) {
    let mut g = c.benchmark_group("epoch");
    g.sample_size(20);
    for (stem, n, v, w, y3, la) in SHAPES {
        let (input, source) = load(stem, n, v, w, y3, la);
        let mut ws = yuma::Workspace::new();
        let mut out = yuma::EpochOutput::default();
        g.bench_function(BenchmarkId::new("main", format!("{stem}-{source}")), |b| {
            b.iter(|| yuma::epoch_into(black_box(&input), &mut ws, &mut out).unwrap())
        });
        if n <= 256 {
            g.bench_function(
                BenchmarkId::new("reference", format!("{stem}-{source}")),
                |b| b.iter(|| yuma::reference::epoch(black_box(&input)).unwrap()),
            );
        }
    }
    // b1024-v128-y3la with bonds the subnet formed itself (`synth::form_bonds`, four epochs from
    // none): the shared file's bonds are uniform random proportions, which put the liquid-alpha
    // exponents evenly over [-5, 5]; formed bonds sit near the weights, so the exponents sit near
    // 5, as on a subnet whose validators keep their weights.
    let (mut input, source) = load("b1024-v128-y3la", 1024, 128, 1024, true, true);
    yuma::synth::form_bonds(&mut input, 4).unwrap();
    let mut ws = yuma::Workspace::new();
    let mut out = yuma::EpochOutput::default();
    g.bench_function(
        BenchmarkId::new("main", format!("b1024-v128-y3la-formed-bonds-{source}")),
        |b| b.iter(|| yuma::epoch_into(black_box(&input), &mut ws, &mut out).unwrap()),
    );
    g.finish();
}

fn scaling(c: &mut Criterion) {
    // Fixed work per row (256 validators × 256 weights): cost should track nnz, not n².
    let mut g = c.benchmark_group("scaling");
    g.sample_size(10);
    for n in [256u16, 1024, 4096, 16384, 65535] {
        for (label, y3, la) in [("y2", false, false), ("y3la", true, true)] {
            let input = subnet(&SynthParams {
                n,
                validators: 256,
                weights_per_row: 256,
                yuma3: y3,
                liquid_alpha: la,
                seed: 3,
            });
            let mut ws = yuma::Workspace::new();
            let mut out = yuma::EpochOutput::default();
            g.bench_function(BenchmarkId::new(label, n), |b| {
                b.iter(|| yuma::epoch_into(black_box(&input), &mut ws, &mut out).unwrap())
            });
        }
    }
    g.finish();
}

fn kernels(c: &mut Criterion) {
    let mut g = c.benchmark_group("kernels");
    let mut rng = yuma::synth::SplitMix64(9);
    // Weighted median of one column: 256 validators.
    let mut stake: Vec<I32F32> = (0..256)
        .map(|_| I32F32::from_bits(1 + rng.below(1 << 32) as i64))
        .collect();
    yuma::fixed::normalize(&mut stake);
    let total = yuma::fixed::wrapping_sum(stake.iter().copied());
    let minority = total.saturating_sub(yuma::fixed::u16_proportion_to_fixed(32767));
    let keys: Vec<u64> = (0..256u64)
        .map(|k| ((1 + rng.below(1 << 32)) << 16) | k)
        .collect();
    g.bench_function("median/keyed-256", |b| {
        let mut buf = keys.clone();
        b.iter(|| {
            buf.copy_from_slice(&keys);
            yuma::consensus::keyed_median(&mut buf, &stake, 256, total, minority)
        })
    });
    let scores: Vec<I32F32> = keys
        .iter()
        .map(|k| I32F32::from_bits((k >> 16) as i64))
        .collect();
    let idx: Vec<usize> = (0..256).collect();
    g.bench_function("median/upstream-pivot-256", |b| {
        b.iter(|| {
            yuma::reference::math::weighted_median(
                &stake,
                &scores,
                &idx,
                minority,
                I32F32::from_bits(0),
                total,
            )
        })
    });
    // `column_median` on 16,000 validators whose scores defeat its middle pivot round after
    // round (the round cap hands the rest to a sort), and on the same scores in a plain order.
    let k = 16_000usize;
    let equal = I32F32::from_bits((1i64 << 32) / k as i64);
    let total_k = I32F32::from_bits(equal.to_bits() * k as i64);
    let near_top = total_k.saturating_sub(yuma::fixed::u16_proportion_to_fixed(1));
    let killer: Vec<(I32F32, I32F32)> = yuma::synth::middle_pivot_killer(k)
        .iter()
        .map(|&r| (I32F32::from_bits(i64::from(r) << 16), equal))
        .collect();
    let mut plain = killer.clone();
    plain.sort_unstable_by_key(|p| (p.0.to_bits() * 7919) % k as i64);
    for (name, column) in [("adversarial", &killer), ("plain", &plain)] {
        g.bench_function(format!("median/column-{name}-16000"), |b| {
            let mut buf = column.clone();
            b.iter(|| {
                buf.copy_from_slice(column);
                yuma::consensus::column_median(&mut buf, k, total_k, near_top)
            })
        });
    }
    // Exact fixed-point division: invariant divisor vs checked_div.
    let xs: Vec<I32F32> = (0..16384)
        .map(|_| I32F32::from_bits(rng.below(1 << 32) as i64))
        .collect();
    let d = I32F32::from_bits(3_000_000_007);
    let div = yuma::fixed::Divisor::new(d);
    g.bench_function("div/divisor-16k", |b| {
        b.iter(|| xs.iter().fold(0i64, |a, x| a ^ div.div(*x).to_bits()))
    });
    g.bench_function("div/checked-16k", |b| {
        b.iter(|| {
            xs.iter()
                .fold(0i64, |a, x| a ^ yuma::fixed::safe_div(*x, d).to_bits())
        })
    });
    // exp for liquid alpha: batched exact series vs substrate-fixed's exp.
    let es: Vec<I32F32> = (0..1024)
        .map(|_| I32F32::from_bits(rng.below(10 << 32) as i64 - (5 << 32)))
        .collect();
    let mut out = vec![I32F32::from_bits(0); es.len()];
    g.bench_function("exp/batch-1k", |b| {
        b.iter(|| yuma::fixed::exp_safe_batch(&es, &mut out))
    });
    let mut order = Vec::new();
    g.bench_function("exp/grouped-1k", |b| {
        b.iter(|| yuma::fixed::exp_safe_grouped(&es, &mut out, &mut order))
    });
    g.bench_function("exp/substrate-1k", |b| {
        b.iter(|| {
            es.iter()
                .map(|x| yuma::fixed::exp_safe(*x))
                .fold(0i64, |a, y| a ^ y.to_bits())
        })
    });
    // EMA of two sparse matrices (4096 uids, 256 validator rows of 1024 ascending entries each,
    // columns drawn independently): the CSR merge vs upstream's dense row accumulator.
    let (n, rows, per_row) = (4096usize, 256usize, 1024usize);
    let mut random_rows = || -> yuma::reference::math::Sparse {
        (0..n)
            .map(|i| {
                if i >= rows {
                    return Vec::new();
                }
                let mut cols: Vec<u16> = (0..n as u16).collect();
                for k in 0..per_row {
                    let r = k + rng.below((n - k) as u64) as usize;
                    cols.swap(k, r);
                }
                let mut cols = cols[..per_row].to_vec();
                cols.sort_unstable();
                cols.into_iter()
                    .map(|j| (j, I32F32::from_bits(1 + rng.below(1 << 22) as i64)))
                    .collect()
            })
            .collect()
    };
    let (new_rows, old_rows) = (random_rows(), random_rows());
    let to_csr = |m: &yuma::reference::math::Sparse| {
        let mut c = yuma::sparse::Csr::default();
        c.clear();
        for row in m {
            for &(j, v) in row {
                c.push(j, v);
            }
            c.end_row();
        }
        c
    };
    let (new_csr, old_csr) = (to_csr(&new_rows), to_csr(&old_rows));
    let alpha = I32F32::from_bits(1 << 30);
    let mut scratch = yuma::bonds::BondsScratch::default();
    let (mut ema, mut sums) = (yuma::sparse::Csr::default(), Vec::new());
    g.bench_function("ema/csr-merge-4096x256x1024", |b| {
        b.iter(|| {
            yuma::bonds::ema_fixed(
                &new_csr,
                &old_csr,
                |_, w| w,
                |_, b| b,
                alpha,
                n,
                &mut scratch,
                &mut ema,
                &mut sums,
            )
        })
    });
    g.bench_function("ema/upstream-dense-row-4096x256x1024", |b| {
        b.iter(|| yuma::reference::math::mat_ema_sparse(&new_rows, &old_rows, alpha))
    });
    // Ranks `r = Wᵀ·S` with clipping at consensus: the fused CSR pass vs upstream's clip then
    // sparse matmul.
    let stake: Vec<I32F32> = (0..n)
        .map(|i| {
            if i < rows {
                I32F32::from_bits(1 + rng.below(1 << 24) as i64)
            } else {
                I32F32::from_bits(0)
            }
        })
        .collect();
    let consensus: Vec<I32F32> = (0..n)
        .map(|_| I32F32::from_bits(rng.below(1 << 23) as i64))
        .collect();
    let (mut clipped, mut trust, mut incentive) =
        (yuma::sparse::Csr::default(), Vec::new(), Vec::new());
    g.bench_function("matmul/clip-trust-rank-4096x256x1024", |b| {
        b.iter(|| {
            yuma::consensus::clip_trust_incentive(
                &new_csr,
                &consensus,
                &stake,
                &mut clipped,
                &mut trust,
                &mut incentive,
            )
        })
    });
    g.bench_function("matmul/upstream-clip-then-matmul-4096x256x1024", |b| {
        b.iter(|| {
            let c = yuma::reference::math::col_clip_sparse(&new_rows, &consensus);
            yuma::reference::math::matmul_sparse(&c, &stake, n as u16)
        })
    });
    g.finish();
}

/// A lower bound, not a pipeline stage: the exact arithmetic of the Yuma 2 bonds stage on dense
/// rows (64 validators each weighting and bonding all 256 uids, the shape of `b256-v64-y2`),
/// with none of the pipeline's sparse bookkeeping — no masks, column indices, merges or
/// bounds-checked gathers, every loop a zip over contiguous rows. Per entry: `ΔB = w·s` and its
/// column sum, the stored bond's column sum, two column divisions, the two EMA products, the EMA's
/// column sum, its division, the incentive product and column maximum, and the max-upscale
/// division. Whatever the layout, the pipeline's bonds stage cannot be cheaper than this.
struct DenseBonds {
    n: usize,
    w: Vec<I32F32>,
    stake: Vec<I32F32>,
    bonds: Vec<I32F32>,
    incentive: Vec<I32F32>,
}

/// Output buffers of [`dense_bonds`].
struct DenseOut {
    delta: Vec<I32F32>,
    ema: Vec<I32F32>,
    sums: Vec<I32F32>,
    divs: Vec<yuma::fixed::Divisor>,
    old_divs: Vec<yuma::fixed::Divisor>,
    dividends: Vec<I32F32>,
}

fn dense_bonds(d: &DenseBonds, o: &mut DenseOut, alpha: I32F32) {
    use yuma::fixed::{fmax, mul_sat, mul_unit, sat_add, sat_sub, Divisor, ONE, ZERO};
    let (n, one_minus) = (d.n, sat_sub(ONE, alpha));
    let prepare = |sums: &[I32F32], divs: &mut Vec<Divisor>| {
        divs.clear();
        divs.extend(sums.iter().map(|&x| Divisor::or_keep(x)));
    };
    o.sums.fill(ZERO);
    for ((dr, wr), &s) in o
        .delta
        .chunks_exact_mut(n)
        .zip(d.w.chunks_exact(n))
        .zip(&d.stake)
    {
        for ((x, &w), c) in dr.iter_mut().zip(wr).zip(o.sums.iter_mut()) {
            *x = mul_sat(w, s);
            *c = sat_add(*c, *x);
        }
    }
    prepare(&o.sums, &mut o.divs);
    o.sums.fill(ZERO);
    for br in d.bonds.chunks_exact(n) {
        for (c, &b) in o.sums.iter_mut().zip(br) {
            *c = sat_add(*c, b);
        }
    }
    prepare(&o.sums, &mut o.old_divs);
    o.sums.fill(ZERO);
    let rows = o.ema.chunks_exact_mut(n).zip(o.delta.chunks_exact(n));
    for ((er, dr), br) in rows.zip(d.bonds.chunks_exact(n)) {
        let cols = o.divs.iter().zip(&o.old_divs).zip(o.sums.iter_mut());
        for (((e, &x), &b), ((dn, db), c)) in er.iter_mut().zip(dr).zip(br).zip(cols) {
            *e = sat_add(mul_unit(alpha, dn.div(x)), mul_unit(one_minus, db.div(b)));
            *c = sat_add(*c, *e);
        }
    }
    prepare(&o.sums, &mut o.divs);
    o.sums.fill(ZERO);
    for (er, dv) in o.ema.chunks_exact_mut(n).zip(o.dividends.iter_mut()) {
        let mut acc = ZERO;
        let cols = o.divs.iter().zip(&d.incentive).zip(o.sums.iter_mut());
        for (e, ((dn, &x), m)) in er.iter_mut().zip(cols) {
            *e = dn.div(*e);
            acc = sat_add(acc, mul_sat(x, *e));
            *m = fmax(*m, *e);
        }
        *dv = acc;
    }
    prepare(&o.sums, &mut o.divs);
    for er in o.ema.chunks_exact_mut(n) {
        for (e, dn) in er.iter_mut().zip(&o.divs) {
            *e = dn.div(*e);
        }
    }
}

fn bound(c: &mut Criterion) {
    let (rows, n) = (64usize, 256usize);
    let mut rng = yuma::synth::SplitMix64(7);
    let mut draw = |len: usize, below: u64, shift: u32| -> Vec<I32F32> {
        (0..len)
            .map(|_| I32F32::from_bits((rng.below(below) << shift) as i64))
            .collect()
    };
    let mut w = draw(rows * n, 1 << 16, 0);
    for r in w.chunks_exact_mut(n) {
        yuma::fixed::normalize(r);
    }
    let mut stake = draw(rows, 1 << 32, 0);
    yuma::fixed::normalize(&mut stake);
    let bonds = draw(rows * n, 1 << 16, 32); // u16 bonds as I32F32 integers, as Yuma 2 loads them
    let mut incentive = draw(n, 1 << 32, 0);
    yuma::fixed::normalize(&mut incentive);
    let d = DenseBonds {
        n,
        w,
        stake,
        bonds,
        incentive,
    };
    let zero = I32F32::from_bits(0);
    let mut o = DenseOut {
        delta: vec![zero; rows * n],
        ema: vec![zero; rows * n],
        sums: vec![zero; n],
        divs: Vec::new(),
        old_divs: Vec::new(),
        dividends: vec![zero; rows],
    };
    let alpha = yuma::bonds::yuma2_alpha(975_000);
    // The bound computes exactly the pipeline's bonds stage: same EMA bonds, same dividends.
    dense_bonds(&d, &mut o, alpha);
    let input = EpochInput {
        n: n as u16,
        current_block: 1000,
        tempo: 100,
        block_at_registration: vec![0; n],
        bonds: (0..n)
            .map(|i| {
                let row = d.bonds.get(i * n..(i + 1) * n).unwrap_or(&[]);
                let bits = |b: &I32F32| (b.to_bits() >> 32) as u16;
                (0u16..).zip(row).map(|(j, b)| (j, bits(b))).collect()
            })
            .collect(),
        bonds_moving_average: 975_000,
        ..Default::default()
    };
    let mut wfb = yuma::sparse::Csr::default();
    wfb.clear();
    for i in 0..n {
        for (j, &w) in (0u16..).zip(d.w.get(i * n..(i + 1) * n).unwrap_or(&[])) {
            wfb.push(j, w);
        }
        wfb.end_row();
    }
    let mut stake = d.stake.clone();
    stake.resize(n, zero);
    let (mut scratch, mut ema, mut dividends) = Default::default();
    let mut pipeline_stage = |ema: &mut yuma::sparse::Csr, dividends: &mut Vec<I32F32>| {
        yuma::bonds::yuma2(
            &input,
            yuma::runtime::Rules::Spec425,
            &wfb,
            &stake,
            &d.incentive,
            &mut scratch,
            ema,
            dividends,
        )
    };
    pipeline_stage(&mut ema, &mut dividends);
    let mut dense_ema = vec![zero; rows * n];
    for i in 0..rows {
        let (cols, vals) = ema.row(i);
        for (&j, &v) in cols.iter().zip(vals) {
            dense_ema[i * n + usize::from(j)] = v;
        }
    }
    assert_eq!(dense_ema, o.ema);
    yuma::fixed::normalize(&mut o.dividends);
    assert_eq!(&dividends[..rows], &o.dividends[..]);
    c.bench_function("bound/yuma2-bonds-dense-64x256", |b| {
        b.iter(|| dense_bonds(&d, &mut o, alpha))
    });
    // The pipeline's own bonds stage on the same input, for comparison with the bound.
    c.bench_function("bound/yuma2-pipeline-stage-64x256", |b| {
        b.iter(|| pipeline_stage(&mut ema, &mut dividends))
    });
}

/// Rows of raw-bit entries (a trace's matrices) as CSR.
fn csr_from_bits(rows: &[Vec<(u16, i64)>]) -> yuma::sparse::Csr {
    let mut m = yuma::sparse::Csr::default();
    m.clear();
    for row in rows {
        for &(j, v) in row {
            m.push(j, I32F32::from_bits(v));
        }
        m.end_row();
    }
    m
}

/// The liquid-alpha bound on b1024-v128-y3la: its epoch's exact exponential series alone (one
/// per stored weight of `W_b`, the pipeline's grouped batch) beside the pipeline's whole EMA stage
/// (`liquid_alpha::ema_liquid`: exponents, series, α and the EMA), both on that epoch's own `W_b`,
/// consensus and stored bonds. Before timing, the stage's output is checked against the traced
/// EMA bonds and the series against `exp_safe`.
fn liquid_bound(c: &mut Criterion) {
    let (input, source) = load("b1024-v128-y3la", 1024, 128, 1024, true, true);
    let (_, trace) = yuma::epoch_with_trace(&input).unwrap();
    let trace = trace.yuma().expect("a Yuma epoch").clone();
    assert_eq!(input.bonds_penalty, u16::MAX, "W_b is the clipped weights");
    let wfb = csr_from_bits(&trace.clipped_weights);
    let consensus: Vec<I32F32> = trace
        .consensus
        .iter()
        .map(|&c| I32F32::from_bits(c))
        .collect();
    let (mut old, mut sums) = (yuma::sparse::Csr::default(), Vec::new());
    yuma::bonds::load_bonds(
        &input,
        yuma::runtime::Rules::Spec425,
        true,
        &mut old,
        &mut sums,
    );
    let p = yuma::liquid_alpha::LiquidAlphaParams::new(&input);
    let mut scratch = yuma::bonds::BondsScratch::default();
    let mut ema = yuma::sparse::Csr::default();
    yuma::liquid_alpha::ema_liquid(&wfb, &old, &consensus, &p, &mut scratch, &mut ema);
    assert_eq!(ema.to_bits_rows(), trace.ema_bonds);
    // Each weight with the stored bond on its column (rows ascend in these files), per row, and
    // their exponents.
    let cells: Vec<Vec<(u16, I32F32, I32F32)>> = (0..wfb.rows())
        .map(|i| {
            let (ocols, ovals) = old.row(i);
            let (cols, vals) = wfb.row(i);
            cols.iter()
                .zip(vals)
                .map(|(&j, &w)| {
                    let b = ocols
                        .binary_search(&j)
                        .map_or(I32F32::from_bits(0), |k| ovals[k]);
                    (j, w, b)
                })
                .collect()
        })
        .collect();
    let xs: Vec<I32F32> = cells
        .iter()
        .flatten()
        .map(|&(j, w, b)| yuma::liquid_alpha::sigmoid_exponent(consensus[usize::from(j)], w, b, &p))
        .collect();
    let mut es = vec![I32F32::from_bits(0); xs.len()];
    let mut order = Vec::new();
    yuma::fixed::exp_safe_grouped(&xs, &mut es, &mut order);
    for (x, e) in xs.iter().zip(&es).step_by(97) {
        assert_eq!(*e, yuma::fixed::exp_safe(*x));
    }
    // These are the pipeline's exponents: the EMA rebuilt from their exps is the traced one.
    let (zero, one) = (I32F32::from_bits(0), I32F32::from_num(1));
    let mut k = 0usize;
    let mut rebuilt = Vec::new();
    for row_cells in &cells {
        let mut row = Vec::new();
        for &(j, w, b) in row_cells {
            let alpha = yuma::liquid_alpha::alpha_from_exp(es[k], &p);
            let decayed = (one - alpha).saturating_mul(b);
            let v = decayed
                .saturating_add(alpha.saturating_mul(w).max(zero))
                .min(one);
            if v > zero {
                row.push((j, v.to_bits()));
            }
            k += 1;
        }
        rebuilt.push(row);
    }
    assert_eq!(rebuilt, trace.ema_bonds);
    let label = format!("b1024-v128-y3la-{source}");
    c.bench_function(&format!("bound/liquid-exp-series-{label}"), |b| {
        b.iter(|| yuma::fixed::exp_safe_grouped(black_box(&xs), &mut es, &mut order))
    });
    // The pipeline's sigmoids for the same exponents: bounds decide most without the series.
    let mut sigmoids = vec![I32F32::from_bits(0); xs.len()];
    let mut logistic = yuma::fixed::LogisticScratch::default();
    yuma::fixed::logistic_grouped(&xs, &mut sigmoids, &mut logistic);
    for (e, s) in es.iter().zip(&sigmoids) {
        assert_eq!(*s, yuma::fixed::logistic_of_exp(*e));
    }
    c.bench_function(&format!("bound/liquid-logistic-{label}"), |b| {
        b.iter(|| yuma::fixed::logistic_grouped(black_box(&xs), &mut sigmoids, &mut logistic))
    });
    c.bench_function(&format!("bound/liquid-ema-stage-{label}"), |b| {
        b.iter(|| {
            yuma::liquid_alpha::ema_liquid(&wfb, &old, &consensus, &p, &mut scratch, &mut ema)
        })
    });
}

criterion_group!(benches, epochs, kernels, scaling, bound, liquid_bound);
criterion_main!(benches);
