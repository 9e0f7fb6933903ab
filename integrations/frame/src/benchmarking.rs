//! Benchmarks of the epoch hook over `n` (uids) and `e` (stored weight and bond entries).
//!
//! Each writes a synthetic busy subnet (`yuma::synth::subnet`: 256 validators, power-law stake,
//! `e / 512` weights and as many bonds per validator row) into storage and times
//! `on_initialize` at a block where its epoch is due: building the input from storage, the
//! epoch, and writing the outputs back. `yuma synth --n N --validators 256 --weights-per-row
//! W [--yuma3] [--liquid-alpha]` prints the same input for `yuma bench` (see the README).

use frame_benchmarking::v2::*;
use frame_support::traits::Hooks;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::SaturatedConversion;

use crate::{is_epoch_block, Config, LastMechanismStepBlock, Pallet};

/// Validators of the benchmarked subnets.
pub const VALIDATORS: u16 = 256;

/// The synthetic subnet the benchmarks store: `n` uids, [`VALIDATORS`] validators, `e / (2 ·
/// VALIDATORS)` weights (and bonds) per validator row.
pub fn params(n: u32, e: u32, yuma3: bool, liquid_alpha: bool) -> yuma::synth::SynthParams {
    let per_row = e / (2 * u32::from(VALIDATORS)).max(1);
    yuma::synth::SynthParams {
        n: u16::try_from(n).unwrap_or(u16::MAX),
        validators: VALIDATORS,
        weights_per_row: u16::try_from(per_row).unwrap_or(u16::MAX),
        yuma3,
        liquid_alpha,
        seed: 1,
    }
}

/// The verification: the epoch ran and wrote its block.
fn ran<T: Config>(netuid: u16, block: u64) -> Result<(), BenchmarkError> {
    if LastMechanismStepBlock::<T>::get(netuid) == block {
        Ok(())
    } else {
        Err(BenchmarkError::Stop("the epoch did not run"))
    }
}

/// Stores the subnet at a netuid due at its block; returns `(netuid, block)`.
fn setup<T: Config>(p: &yuma::synth::SynthParams) -> Result<(u16, u64), BenchmarkError> {
    let input = yuma::synth::subnet(p);
    let block = input.current_block;
    let period = u64::from(input.tempo).saturating_add(1);
    let offset = block.saturating_add(1) % period;
    let netuid = u16::try_from((period - offset) % period).unwrap_or(0);
    if !is_epoch_block(netuid, input.tempo, block) {
        return Err(BenchmarkError::Stop("no due netuid"));
    }
    Pallet::<T>::insert_subnet(netuid, &input).map_err(|_| BenchmarkError::Stop("insert"))?;
    frame_system::Pallet::<T>::set_block_number(block.saturated_into::<BlockNumberFor<T>>());
    Ok((netuid, block))
}

#[benchmarks]
mod benchmarks {
    use super::*;

    /// A Yuma 2 epoch.
    #[benchmark]
    fn epoch_yuma2(n: Linear<1024, 4096>, e: Linear<512, 524_288>) -> Result<(), BenchmarkError> {
        let (netuid, block) = setup::<T>(&params(n, e, false, false))?;
        #[block]
        {
            Pallet::<T>::on_initialize(block.saturated_into());
        }
        ran::<T>(netuid, block)
    }

    /// A Yuma 3 epoch (fixed alpha).
    #[benchmark]
    fn epoch_yuma3(n: Linear<1024, 4096>, e: Linear<512, 524_288>) -> Result<(), BenchmarkError> {
        let (netuid, block) = setup::<T>(&params(n, e, true, false))?;
        #[block]
        {
            Pallet::<T>::on_initialize(block.saturated_into());
        }
        ran::<T>(netuid, block)
    }

    /// A Yuma 3 epoch with liquid alpha.
    #[benchmark]
    fn epoch_liquid_alpha(
        n: Linear<1024, 4096>,
        e: Linear<512, 524_288>,
    ) -> Result<(), BenchmarkError> {
        let (netuid, block) = setup::<T>(&params(n, e, true, true))?;
        #[block]
        {
            Pallet::<T>::on_initialize(block.saturated_into());
        }
        ran::<T>(netuid, block)
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);

    /// Times the benchmarks natively in the mock runtime (each point the fastest of `REPEAT`
    /// runs) and fits the weight formula (frame-benchmarking's least squares):
    /// `cargo test --release -p pallet-yuma --features runtime-benchmarks -- --ignored
    /// measure_weights --nocapture` (see the README).
    #[cfg(test)]
    mod measure {
        use std::time::{Duration, Instant};

        use frame_benchmarking::{
            Analysis, BenchmarkParameter, BenchmarkResult, BenchmarkSelector, BenchmarkingSetup,
            Recording,
        };

        use super::SelectedBenchmark;
        use crate::mock::{new_test_ext, Test};

        /// Times the benchmark's `#[block]` (what `BenchmarkRecording` times, by `Instant`).
        #[derive(Default)]
        struct Timer {
            start: Option<Instant>,
            elapsed: Option<Duration>,
        }

        impl Recording for Timer {
            fn start(&mut self) {
                self.start = Some(Instant::now());
            }
            fn stop(&mut self) {
                self.elapsed = self.start.map(|s| s.elapsed());
            }
        }

        fn time(bench: &SelectedBenchmark, c: &[(BenchmarkParameter, u32)]) -> u128 {
            new_test_ext().execute_with(|| {
                let mut timer = Timer::default();
                <SelectedBenchmark as BenchmarkingSetup<Test>>::instance(
                    bench, &mut timer, c, true,
                )
                .unwrap();
                timer.elapsed.unwrap().as_nanos()
            })
        }

        /// The points the benchmark CLI takes: each component over `steps` values from its low
        /// to its high end, the others at their high end.
        fn points(
            ranges: &[(BenchmarkParameter, u32, u32)],
            steps: u32,
        ) -> Vec<Vec<(BenchmarkParameter, u32)>> {
            let mut out = Vec::new();
            for (i, &(_, low, high)) in ranges.iter().enumerate() {
                for s in 0..steps {
                    let v = low + (high - low) * s / (steps - 1);
                    out.push(
                        ranges
                            .iter()
                            .enumerate()
                            .map(|(k, &(param, _, h))| (param, if k == i { v } else { h }))
                            .collect(),
                    );
                }
            }
            out
        }

        /// The epoch alone on the same input, the fastest of `repeat` runs: with a fresh
        /// workspace each (`yuma::epoch`, as the hook has in every block), and through one
        /// workspace reused after a first run (`yuma::epoch_into`, as `yuma bench` times it).
        fn time_epoch(p: &yuma::synth::SynthParams, repeat: u32) -> (u128, u128) {
            let input = yuma::synth::subnet(p);
            let fresh = fastest((0..repeat).map(|_| {
                let t = Instant::now();
                let out = yuma::epoch(&input).unwrap();
                let elapsed = t.elapsed().as_nanos();
                assert!(!out.emission.is_empty());
                elapsed
            }));
            let mut ws = yuma::Workspace::new();
            let mut out = yuma::EpochOutput::default();
            yuma::epoch_into(&input, &mut ws, &mut out).unwrap();
            let warm = fastest((0..repeat).map(|_| {
                let t = Instant::now();
                yuma::epoch_into(&input, &mut ws, &mut out).unwrap();
                t.elapsed().as_nanos()
            }));
            (fresh, warm)
        }

        /// Building the input from storage alone (`Pallet::epoch_input`), on the stored subnet.
        fn time_build(p: &yuma::synth::SynthParams) -> u128 {
            new_test_ext().execute_with(|| {
                let (netuid, block) = crate::benchmarking::setup::<Test>(p).unwrap();
                let t = Instant::now();
                let input = crate::Pallet::<Test>::epoch_input(netuid, block).unwrap();
                let elapsed = t.elapsed().as_nanos();
                assert_eq!(u32::from(input.n()), u32::from(p.n));
                elapsed
            })
        }

        /// The fastest of the repeats: on a shared machine the least disturbed run (the code is
        /// deterministic; other load only adds time).
        fn fastest(v: impl IntoIterator<Item = u128>) -> u128 {
            v.into_iter().min().unwrap()
        }

        #[test]
        #[ignore]
        fn measure_weights() {
            let env = |k: &str, d: u32| {
                std::env::var(k)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(d)
            };
            let (steps, repeat) = (env("STEPS", 8), env("REPEAT", 5));
            println!(
                "| benchmark | n | e | hook µs | epoch, fresh workspace µs | epoch, warm workspace µs | hook − fresh epoch µs | building the input µs |"
            );
            println!("|---|---:|---:|---:|---:|---:|---:|---:|");
            let mut fits = Vec::new();
            for (name, bench, yuma3, liquid) in [
                ("epoch_yuma2", SelectedBenchmark::epoch_yuma2, false, false),
                ("epoch_yuma3", SelectedBenchmark::epoch_yuma3, true, false),
                (
                    "epoch_liquid_alpha",
                    SelectedBenchmark::epoch_liquid_alpha,
                    true,
                    true,
                ),
            ] {
                let ranges = <SelectedBenchmark as BenchmarkingSetup<Test>>::components(&bench);
                let mut results = Vec::new();
                for c in points(&ranges, steps) {
                    let (n, e) = (c[0].1, c[1].1);
                    let p = super::params(n, e, yuma3, liquid);
                    let hook = fastest((0..repeat).map(|_| time(&bench, &c)));
                    let (alone, warm) = time_epoch(&p, repeat);
                    let build = fastest((0..repeat).map(|_| time_build(&p)));
                    println!(
                        "| {name} | {n} | {e} | {} | {} | {} | {} | {} |",
                        hook / 1000,
                        alone / 1000,
                        warm / 1000,
                        hook.saturating_sub(alone) / 1000,
                        build / 1000
                    );
                    results.push(BenchmarkResult {
                        components: c.clone(),
                        extrinsic_time: hook,
                        ..Default::default()
                    });
                }
                let fit =
                    Analysis::min_squares_iqr(&results, BenchmarkSelector::ExtrinsicTime).unwrap();
                fits.push((name, fit));
            }
            // Analysis reports weights: picoseconds of ref time.
            for (name, fit) in fits {
                let slopes: Vec<String> = fit
                    .names
                    .iter()
                    .zip(&fit.slopes)
                    .map(|(param, s)| format!("{s} ps·{param}"))
                    .collect();
                println!(
                    "{name}: ref_time = {} ps + {} (standard errors {:?})",
                    fit.base,
                    slopes.join(" + "),
                    fit.errors
                );
            }
        }
    }
}
