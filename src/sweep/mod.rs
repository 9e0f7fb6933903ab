//! Parameter sweeps (feature `sweep`): one [`Scenario`] run once per point of a grid of
//! hyperparameter values, the points in parallel on a pool of threads.
//!
//! A grid is written `FIELD=V1,V2,...;FIELD=...`, e.g.
//! `kappa=32767,45000;bonds_penalty=0,65535;yuma3_enabled=false,true` (2 × 2 × 2 = 8 points).
//! A field is any one-value [`EpochInput`] field a scenario patch sets ([`EpochPatch`]): the
//! names, the values each takes and the error messages are a patch's (a value is read as the
//! JSON a patch would hold; a bare word such as `previous` as a JSON string). The per-uid vectors
//! (`weights`, `alpha_stake`, …) and `n` are not hyperparameters and are refused.
//!
//! **What a point runs.** The point's values replace those fields of the scenario's `initial`;
//! the scenario's epochs then run unchanged, the state carried forward as `yuma simulate` carries
//! it. So a point's value holds in every epoch up to the first whose patch sets that field itself:
//! from that epoch on the scenario's value holds, in every point alike (the scenario's scripted
//! changes happen whatever the grid says; [`Grid::scenario_overrides`] lists them). Each point is
//! therefore exactly `yuma simulate` of the scenario with its `initial` patched, bit for bit, and
//! the report is the same whatever the number of threads.
//!
//! ```
//! use yuma::sweep::{run_sweep, Grid};
//! let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
//! let scenario = yuma::scenario::parse_scenario(bytes).unwrap();
//! let grid = Grid::parse("kappa=32767,45000;yuma3_enabled=false,true").unwrap();
//! let report = run_sweep(&scenario, &grid, 2, |_| {}).unwrap();
//! assert_eq!(report.points.len(), 4);
//! assert_eq!(report.points[3].label(), "kappa=45000, yuma3_enabled=true");
//! assert!(report.points.iter().all(|p| p.error.is_none() && p.epochs.len() == 12));
//! ```
//!
//! The module's files: this one runs a sweep; `grid.rs` reads a grid and names its points,
//! `record.rs` keeps one epoch of a point, and `report.rs` gathers the points into the report,
//! its summaries and its CSV.
//!
//! [`EpochInput`]: crate::EpochInput
//! [`EpochPatch`]: crate::scenario::EpochPatch

extern crate std;

mod grid;
mod record;
mod report;

pub use grid::{Axis, Grid, GridError, Point, MAX_POINTS};
pub use record::EpochRecord;
pub use report::{AxisEffect, PointReport, SweepReport, Totals, UidSpread};

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::scenario::{run_from, Scenario};

/// How far a sweep has got, handed to the progress callback after each epoch of any point.
///
/// ```
/// let p = yuma::sweep::SweepProgress { points_done: 1, points: 4, epochs_done: 15, epochs: 48 };
/// assert!(p.points_done <= p.points && p.epochs_done <= p.epochs);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepProgress {
    /// Points finished (every epoch run, or stopped by an error).
    pub points_done: usize,
    /// Points in the grid.
    pub points: usize,
    /// Epochs run so far, over all points.
    pub epochs_done: usize,
    /// Epochs in all: points × the scenario's epochs.
    pub epochs: usize,
}

/// A sweep that could not start: the thread pool could not be built.
///
/// ```
/// let e = yuma::sweep::SweepError(String::from("no threads"));
/// assert_eq!(e.to_string(), "sweep: no threads");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepError(pub String);

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sweep: {}", self.0)
    }
}

impl std::error::Error for SweepError {}

/// The number of threads a sweep uses when asked for 0: the cores available to this process
/// (1 when that cannot be told).
///
/// ```
/// assert!(yuma::sweep::default_jobs() >= 1);
/// ```
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, core::num::NonZeroUsize::get)
}

/// Runs `scenario` once per point of `grid` on a pool of `jobs` threads (0: [`default_jobs`]),
/// calling `progress` (from any thread) after each epoch. A point whose epoch fails stops there
/// (its [`PointReport::error`]); the others run on. Each point is the scenario with the point's
/// values in `initial` (see the [module docs](self)), run as [`crate::scenario::run_with`] runs it.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y3.json"));
/// let s = yuma::scenario::parse_scenario(bytes).unwrap();
/// let grid = yuma::sweep::Grid::parse("bonds_penalty=0,65535;liquid_alpha_enabled=false,true").unwrap();
/// let calls = AtomicUsize::new(0);
/// let a = yuma::sweep::run_sweep(&s, &grid, 2, |_| { calls.fetch_add(1, Ordering::Relaxed); }).unwrap();
/// assert_eq!(calls.into_inner(), 4 * 12);
/// assert_eq!(a, yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap());
/// ```
pub fn run_sweep(
    scenario: &Scenario,
    grid: &Grid,
    jobs: usize,
    progress: impl Fn(SweepProgress) + Sync,
) -> Result<SweepReport, SweepError> {
    run_sweep_assuming(scenario, grid, jobs, None, progress)
}

/// [`run_sweep`] with every epoch of every point under the rules of `assume_spec` when given
/// ([`crate::Workspace::assume_spec`], `yuma sweep --assume-spec`).
///
/// ```
/// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
/// let s = yuma::scenario::parse_scenario(bytes).unwrap();
/// let grid = yuma::sweep::Grid::parse("spec_version=999999").unwrap();
/// let refused = yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap();
/// assert!(refused.points[0].error.is_some());
/// let assumed = yuma::sweep::run_sweep_assuming(&s, &grid, 1, Some(475), |_| {}).unwrap();
/// assert!(assumed.points[0].error.is_none());
/// ```
pub fn run_sweep_assuming(
    scenario: &Scenario,
    grid: &Grid,
    jobs: usize,
    assume_spec: Option<u32>,
    progress: impl Fn(SweepProgress) + Sync,
) -> Result<SweepReport, SweepError> {
    let jobs = if jobs == 0 { default_jobs() } else { jobs };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("yuma-sweep-{i}"))
        .build()
        .map_err(|e| SweepError(e.to_string()))?;
    let count = grid.point_count();
    let per_point = scenario.epochs.len();
    let epochs_total = count.saturating_mul(per_point);
    let points_done = AtomicUsize::new(0);
    let epochs_done = AtomicUsize::new(0);
    let report = |points_done: usize, epochs_done: usize| SweepProgress {
        points_done,
        points: count,
        epochs_done,
        epochs: epochs_total,
    };
    let run_point = |index: usize| -> Option<PointReport> {
        let point = grid.point(index)?;
        let mut state = scenario.initial.clone();
        point.apply(&mut state);
        let mut epochs: Vec<EpochRecord> = Vec::with_capacity(per_point);
        let ran = run_from(state, &scenario.epochs, assume_spec, |k, st, out| {
            epochs.push(EpochRecord::new(st, out));
            let e = epochs_done
                .fetch_add(1, Ordering::Relaxed)
                .saturating_add(1);
            let last = k.saturating_add(1) == per_point;
            let p = if last {
                points_done
                    .fetch_add(1, Ordering::Relaxed)
                    .saturating_add(1)
            } else {
                points_done.load(Ordering::Relaxed)
            };
            progress(report(p, e));
            true
        });
        if ran.is_err() {
            // The epochs it did not run count as done for the progress.
            let skipped = per_point.saturating_sub(epochs.len());
            let e = epochs_done
                .fetch_add(skipped, Ordering::Relaxed)
                .saturating_add(skipped);
            let p = points_done
                .fetch_add(1, Ordering::Relaxed)
                .saturating_add(1);
            progress(report(p, e));
        }
        Some(PointReport {
            index,
            values: point.values().map(|(f, v)| (f, String::from(v))).collect(),
            epochs,
            error: ran.err(),
        })
    };
    let points: Vec<PointReport> = pool.install(|| {
        (0..count)
            .into_par_iter()
            .with_max_len(1)
            .filter_map(run_point)
            .collect()
    });
    Ok(SweepReport {
        grid: grid.clone(),
        epochs: per_point,
        points,
    })
}
