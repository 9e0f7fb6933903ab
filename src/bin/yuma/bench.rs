use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::input::{bad_input, collect_files, not_a_scenario, read_bytes, shown, Fail};
use crate::output::{clear, say_line};
use yuma::json::{self};

pub(crate) fn median_ns(mut xs: Vec<u128>) -> u128 {
    xs.sort_unstable();
    xs.get(xs.len() / 2).copied().unwrap_or(0)
}

pub(crate) fn time_runs(
    reps: usize,
    label: &str,
    mut f: impl FnMut() -> Result<(), yuma::Error>,
) -> Result<u128, Fail> {
    let progress = std::io::stderr().is_terminal();
    let mut times = Vec::with_capacity(reps);
    for r in 0..reps.max(1) {
        if progress {
            eprint!(
                "\r\x1b[2K{label}: run {}/{}",
                r.saturating_add(1),
                reps.max(1)
            );
        }
        let t = Instant::now();
        f().map_err(bad_input)?;
        times.push(t.elapsed().as_nanos());
    }
    clear(progress);
    Ok(median_ns(times))
}

/// One file's `yuma bench` result.
pub(crate) struct BenchRow {
    file: String,
    n: u16,
    /// Stored weight and bond entries (all mechanisms' for a mechanisms input).
    nnz: usize,
    mechanisms: Option<usize>,
    /// The runtime rules the epochs ran under (`spec 425`, …).
    rules: &'static str,
    main_ns: u128,
    reference_ns: Option<u128>,
}

impl BenchRow {
    /// Reference time over main time, to one decimal.
    fn speedup(&self) -> Option<f64> {
        let r = self.reference_ns? as f64;
        Some((r / (self.main_ns.max(1) as f64) * 10.0).round() / 10.0)
    }
}

/// Median times of `reps.0` runs of `main` and `reps.1` runs of `reference` (none when 0),
/// with progress labelled by `name`.
pub(crate) fn time_both(
    name: &str,
    reps: (usize, usize),
    main: impl FnMut() -> Result<(), yuma::Error>,
    reference: impl FnMut() -> Result<(), yuma::Error>,
) -> Result<(u128, Option<u128>), Fail> {
    let named = |Fail(m, c): Fail| Fail(format!("{name}: {m}"), c);
    let main_ns = time_runs(reps.0, &format!("{name}: main"), main).map_err(named)?;
    let reference_ns = match reps.1 {
        0 => None,
        r => Some(time_runs(r, &format!("{name}: reference"), reference).map_err(named)?),
    };
    Ok((main_ns, reference_ns))
}

/// What `bench` made of one file.
pub(crate) enum Benched {
    Timed(BenchRow),
    /// A scenario found in a directory (not timed; `simulate` runs it).
    Scenario,
}

pub(crate) fn bench_one(
    file: &Path,
    reps: usize,
    reference_reps: usize,
    skip_scenario: bool,
    kernels: yuma::lanes::Kernels,
    assume: Option<u32>,
) -> Result<Benched, Fail> {
    let name = shown(file);
    let fail = |e: yuma::Error| bad_input(format!("{name}: {e}"));
    let bytes = read_bytes(file)?;
    let doc = match json::parse_document(&bytes) {
        Ok(doc) => doc,
        Err(_) if skip_scenario && yuma::scenario::parse_scenario(&bytes).is_ok() => {
            return Ok(Benched::Scenario)
        }
        Err(e) => return Err(not_a_scenario(file, &bytes, e)),
    };
    let mut ws = yuma::Workspace::new();
    ws.assume_spec = assume;
    ws.kernels = kernels;
    // One untimed run warms the workspace and the output (steady state: no allocation).
    let input = match doc.into_input() {
        json::VectorInput::Epoch(input) => input,
        json::VectorInput::Mechanisms(m) => {
            let mut out = yuma::MechanismsOutput::default();
            yuma::mechanisms::epoch_with_mechanisms_into(&m, &mut ws, &mut out).map_err(fail)?;
            let (main_ns, reference_ns) = time_both(
                &name,
                (reps, reference_reps),
                || yuma::mechanisms::epoch_with_mechanisms_into(&m, &mut ws, &mut out),
                || {
                    yuma::mechanisms::epoch_with_mechanisms_reference_assuming(&m, assume)
                        .map(|_| ())
                },
            )?;
            return Ok(Benched::Timed(BenchRow {
                file: name.clone(),
                n: m.mechanisms.first().map_or(0, |x| x.n),
                nnz: m.stored_entries(),
                mechanisms: Some(m.mechanisms.len()),
                rules: m.rules(assume).map_err(fail)?.name(),
                main_ns,
                reference_ns,
            }));
        }
    };
    let mut out = yuma::EpochOutput::default();
    yuma::epoch_into(&input, &mut ws, &mut out).map_err(fail)?;
    let (main_ns, reference_ns) = time_both(
        &name,
        (reps, reference_reps),
        || yuma::epoch_into(&input, &mut ws, &mut out),
        || yuma::reference::epoch_with_trace_assuming(&input, assume).map(|_| ()),
    )?;
    Ok(Benched::Timed(BenchRow {
        file: name.clone(),
        n: input.n,
        nnz: input.stored_entries(),
        mechanisms: None,
        rules: input.rules(assume).map_err(fail)?.name(),
        main_ns,
        reference_ns,
    }))
}

/// A duration with its unit: `812 ns`, `358.2 µs`, `5.563 ms`, `3.669 s` (integer math).
pub(crate) fn duration(ns: u128) -> String {
    if ns < 1_000 {
        format!("{ns} ns")
    } else if ns < 1_000_000 {
        format!("{}.{} µs", ns / 1_000, ns / 100 % 10)
    } else if ns < 1_000_000_000 {
        format!("{}.{:03} ms", ns / 1_000_000, ns / 1_000 % 1_000)
    } else {
        format!("{}.{:03} s", ns / 1_000_000_000, ns / 1_000_000 % 1_000)
    }
}

pub(crate) fn cmd_bench(
    paths: &[PathBuf],
    reps: usize,
    reference_reps: usize,
    table: bool,
    kernels: yuma::lanes::Kernels,
    assume: Option<u32>,
) -> Result<(), Fail> {
    let ran = kernels.resolve().name();
    let files = if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            return Err(bad_input("bench reads stdin (`-`) only as its one input"));
        }
        vec![(PathBuf::from("-"), false)]
    } else {
        collect_files(paths, "bench")?
    };
    let mut rows = Vec::new();
    let (mut failed, mut scenarios) = (0usize, 0usize);
    for (f, in_dir) in &files {
        match bench_one(f, reps, reference_reps, *in_dir, kernels, assume) {
            Ok(Benched::Scenario) => scenarios = scenarios.saturating_add(1),
            Ok(Benched::Timed(row)) if table => rows.push(row),
            Ok(Benched::Timed(row)) => say_line(serde_json::json!({
                "file": row.file,
                "n": row.n,
                "nnz": row.nnz,
                "mechanisms": row.mechanisms,
                "rules": row.rules,
                "kernels": ran,
                "main_ns": row.main_ns,
                "reference_ns": row.reference_ns,
                "speedup": row.speedup(),
            }))?,
            Err(Fail(msg, _)) => {
                eprintln!("yuma: {msg}");
                failed = failed.saturating_add(1);
            }
        }
    }
    if table && !rows.is_empty() {
        rows.sort_by(|a, b| (a.n, a.nnz, &a.file).cmp(&(b.n, b.nnz, &b.file)));
        let label = |r: &BenchRow| match r.mechanisms {
            Some(k) => format!("{} ({k} mechanisms)", r.file),
            None => r.file.clone(),
        };
        let width = rows
            .iter()
            .map(|r| label(r).chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let head = format!(
            "{:<width$}  {:>5}  {:>9}  {:>8}  {:>12}  {:>12}  {:>9}",
            "file", "n", "nnz", "rules", "reference", "main", "speed-up"
        );
        say_line(&head)?;
        for r in &rows {
            let reference = r.reference_ns.map_or_else(|| "-".to_string(), duration);
            let speedup = r
                .speedup()
                .map_or_else(|| "-".to_string(), |x| format!("{x:.1}×"));
            say_line(format_args!(
                "{:<width$}  {:>5}  {:>9}  {:>8}  {:>12}  {:>12}  {:>9}",
                label(r),
                r.n,
                r.nnz,
                r.rules,
                reference,
                duration(r.main_ns),
                speedup
            ))?;
        }
        say_line(format_args!(
            "medians of {reps} main and {reference_reps} reference runs per file, JSON parsing \
             excluded; nnz = stored weight and bond entries; lane kernels: {ran} (--kernels {})",
            kernels.name()
        ))?;
    }
    if scenarios > 0 {
        eprintln!(
            "yuma: note: skipped {scenarios} scenario file{} found in the directories (time a \
             scenario's epochs with `yuma simulate`)",
            if scenarios == 1 { "" } else { "s" }
        );
    }
    if failed > 0 {
        return Err(Fail(
            format!("{failed} of {} files could not be timed", files.len()),
            2,
        ));
    }
    Ok(())
}
