//! `yuma` — compute, verify and time Bittensor Yuma Consensus epochs, bit-exact with subtensor.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use yuma::json::{self, Document, Implementation, VectorFile};

#[derive(Parser)]
#[command(
    name = "yuma",
    version = concat!(
        env!("CARGO_PKG_VERSION"),
        " (reproduces opentensor/subtensor 14bc6f9f964b9cc362e9635dd110a487fa5d15a0)"
    ),
    about = "Compute Bittensor's Yuma Consensus epoch exactly as the subtensor chain does",
    long_about = "Compute Bittensor's Yuma Consensus epoch exactly as the subtensor chain does \
(opentensor/subtensor @ 14bc6f9f, epoch_mechanism), bit for bit, from a JSON snapshot of a subnet.\n\n\
Inputs are JSON: an EpochInput (the fields listed in tests/vectors/README.md), a MechanismsInput \
(an object with a `mechanisms` key), or a golden-vector file (an object with `input` and `expected`).\n\n\
Exit codes: 0 success, 1 a vector did not match, 2 bad input or usage.",
    after_help = "Examples:\n  yuma epoch data/epoch-small.json\n  yuma simulate data/scenarios/kappa-moves-first-y3.json --csv /tmp/out.csv\n  yuma explain data/subnet-256.json --uid 3\n  yuma epoch --table data/subnet-256.json\n  yuma epoch --trace tests/vectors/tiny-n2-cross-weights-y2.json\n  yuma verify tests/vectors\n  yuma bench ../shared/bench/b256-v64-y2.json --reps 20"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compute one epoch and print the EpochOutput as JSON on stdout.
    Epoch {
        /// EpochInput, MechanismsInput or vector file; `-` reads stdin.
        file: PathBuf,
        /// Add a `trace` field with the raw I32F32 bits of every intermediate.
        #[arg(long)]
        trace: bool,
        /// Indent the JSON.
        #[arg(long)]
        pretty: bool,
        /// Print a per-uid table for people instead of JSON.
        #[arg(long, conflicts_with_all = ["trace", "pretty"])]
        table: bool,
        /// Use the upstream-shaped reference implementation instead of the fast pipeline.
        #[arg(long)]
        reference: bool,
    },
    /// Check vector files (or directories of them) against their `expected` results.
    ///
    /// Directories are searched recursively for `.json` files. Prints one line per failing
    /// vector (the first differing field and uid) and a summary `N passed, M failed` counting
    /// files (with `--implementation both` a file passes when it passes on both). Exits 1 if
    /// any vector fails, 2 if a file is not a readable vector (the others are still checked) or a
    /// directory holds no `.json` file.
    Verify {
        /// Vector files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Which implementation to check.
        #[arg(long, value_enum, default_value_t = Impl::Main)]
        implementation: Impl,
        /// Print every mismatch of a failing vector, not just the first.
        #[arg(long)]
        all: bool,
    },
    /// Time the fast pipeline and the reference (JSON parsing excluded).
    ///
    /// Prints one JSON line per file: {"file":..,"n":..,"nnz":..,"mechanisms":..,"main_ns":..,
    /// "reference_ns":..,"speedup":..} with median times (nnz: stored weight and bond entries;
    /// mechanisms: null for an epoch input; reference_ns and speedup null with
    /// --reference-reps 0), or with --table one readable table, sorted by n, at the end. A file
    /// that cannot be timed is reported on stderr and the others are still timed (exit 2);
    /// scenario files found in a directory are skipped with a note.
    Bench {
        /// EpochInput, MechanismsInput or vector files, or directories of them (every `.json`
        /// file below); `-` reads one input from stdin.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Timed runs of the fast pipeline (at least 1).
        #[arg(long, default_value_t = 21, value_parser = clap::value_parser!(u32).range(1..))]
        reps: u32,
        /// Timed runs of the reference (slow on large liquid-alpha inputs; 0 skips it).
        #[arg(long, default_value_t = 3)]
        reference_reps: u32,
        /// Print a table (file, n, reference, main, speed-up) instead of JSON lines.
        #[arg(long)]
        table: bool,
    },
    /// Run a multi-epoch scenario: {"initial": EpochInput, "epochs": [PATCH, ...]}.
    ///
    /// Epoch k runs on the previous state carried forward (bonds, permits, epoch block) with
    /// PATCH k's fields replaced. Prints a per-epoch summary; --json / --csv write every output.
    Simulate {
        /// Scenario file; `-` reads stdin.
        scenario: PathBuf,
        /// Write a JSON array with one EpochOutput per epoch.
        #[arg(long, value_name = "OUT")]
        json: Option<PathBuf>,
        /// Write a tidy CSV (epoch, uid, stake, incentive, dividends, emission, ...).
        #[arg(long, value_name = "OUT")]
        csv: Option<PathBuf>,
    },
    /// Explain one uid's epoch: stake and permit, weights received vs consensus and clipping,
    /// trust, bonds and how its dividends were formed — each figure tagged with its trace field.
    Explain {
        /// EpochInput, vector file or scenario; `-` reads stdin.
        file: PathBuf,
        /// The uid to explain.
        #[arg(long)]
        uid: u16,
        /// For a scenario: which epoch, counted from 0 (default: the last).
        #[arg(long)]
        epoch: Option<usize>,
    },
    /// Print a deterministic synthetic EpochInput shaped like a busy subnet (for benchmarks).
    Synth {
        /// Subnet size.
        #[arg(long, default_value_t = 256)]
        n: u16,
        /// Validators (power-law stake, permits).
        #[arg(long, default_value_t = 64)]
        validators: u16,
        /// Weights and bonds per validator row.
        #[arg(long, default_value_t = 256)]
        weights_per_row: u16,
        /// Yuma 3 bonds.
        #[arg(long)]
        yuma3: bool,
        /// Liquid alpha (implies --yuma3).
        #[arg(long)]
        liquid_alpha: bool,
        /// PRNG seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Replace the random bonds with the bonds K epochs on this subnet form from none (each
        /// epoch on the previous one's bonds), as a subnet whose validators keep their weights
        /// has them.
        #[arg(long, value_name = "K", default_value_t = 0)]
        form_bonds: u32,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Impl {
    Main,
    Reference,
    Both,
}

/// A failure that ends the command: message for stderr, and the exit code.
struct Fail(String, u8);

fn bad_input(msg: impl std::fmt::Display) -> Fail {
    Fail(msg.to_string(), 2)
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, Fail> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| bad_input(format!("stdin: {e}")))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| match e.kind() {
            // The same words as `verify` and `bench` use for a path that does not exist.
            std::io::ErrorKind::NotFound => {
                bad_input(format!("{}: no such file or directory", path.display()))
            }
            _ => bad_input(format!("{}: {e}", path.display())),
        })
    }
}

fn shown(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "stdin".into()
    } else {
        path.display().to_string()
    }
}

fn load(path: &Path) -> Result<Document, Fail> {
    let bytes = read_bytes(path)?;
    json::parse_document(&bytes).map_err(|e| not_a_scenario(path, &bytes, e))
}

/// The parse error for a document, unless it is a scenario file: then the commands that take one.
fn not_a_scenario(path: &Path, bytes: &[u8], e: impl std::fmt::Display) -> Fail {
    if yuma::scenario::parse_scenario(bytes).is_ok() {
        bad_input(format!(
            "{}: this is a scenario (`initial` + `epochs`); run it with `yuma simulate` or \
             `yuma explain --uid U [--epoch K]`",
            shown(path)
        ))
    } else {
        bad_input(format!("{}: {e}", shown(path)))
    }
}

/// Notes on stderr when `weights` or `bonds` hold fewer than `n` rows: the missing rows read as
/// empty (a uid with nothing stored), which is exact for the chain but may mean a truncated
/// snapshot.
fn note_short_rows(path: &Path, input: &yuma::EpochInput) {
    let n = usize::from(input.n);
    for (field, rows) in [
        ("weights", input.weights.len()),
        ("bonds", input.bonds.len()),
    ] {
        if rows < n {
            eprintln!(
                "yuma: note: {}: `{field}` has {rows} rows for n = {n}; {} no stored {field}",
                shown(path),
                if rows.saturating_add(1) == n {
                    format!("uid {rows} reads as having")
                } else {
                    format!("uids {rows} to {} read as having", n.saturating_sub(1))
                }
            );
        }
    }
}

/// Notes on stderr when an epoch pays out more than its `rao_emission`: an input whose values
/// overflow the chain's arithmetic (a total stake at or above 2⁶³ wraps the chain's I64F64 stake
/// sum), computed exactly as the chain computes it.
fn note_overpaid(path: &Path, what: &str, rao_emission: u64, out: &yuma::EpochOutput) {
    let paid = out.total_paid();
    if paid > u128::from(rao_emission) {
        eprintln!(
            "yuma: note: {}: {what}pays {paid} rao in all, more than its rao_emission of \
             {rao_emission}: the input overflows the chain's arithmetic (a total stake at or above \
             2^63 wraps its I64F64 stake sum), and the chain would pay exactly this",
            shown(path)
        );
    }
}

fn stdout_failed(e: std::io::Error) -> Fail {
    Fail(format!("stdout: {e}"), 2)
}

/// Writes `text` to stdout and flushes: a closed pipe or a full disk is a one-line error (exit 2),
/// never a panic.
fn say(text: impl std::fmt::Display) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    write!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(stdout_failed)
}

/// [`say`] with a newline.
fn say_line(text: impl std::fmt::Display) -> Result<(), Fail> {
    say(format_args!("{text}\n"))
}

fn print_json<T: serde::Serialize + ?Sized>(v: &T, pretty: bool) -> Result<(), Fail> {
    let text = if pretty {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    }
    .map_err(|e| Fail(e.to_string(), 2))?;
    say_line(text)
}

/// A u16 fraction of 65535 shown with four decimals, rounded half up (integer math only):
/// `32767` → `0.5000`.
fn fraction4(x: u16) -> String {
    let scaled = (u32::from(x) * 20_000 + 65_535) / 131_070;
    format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
}

/// The per-uid columns `print_table` shows: an epoch's output, or a mechanisms aggregate, which
/// stores no bonds (`bonds: None`: the column shows `-`).
struct TableView<'a> {
    active: &'a [bool],
    new_validator_permit: &'a [bool],
    stake: &'a [u64],
    stake_weight: &'a [u16],
    consensus: &'a [u16],
    incentive: &'a [u16],
    dividends: &'a [u16],
    validator_trust: &'a [u16],
    server_emission: &'a [u64],
    validator_emission: &'a [u64],
    emission: &'a [u64],
    bonds: Option<&'a [Vec<(u16, u16)>]>,
}

impl<'a> From<&'a yuma::EpochOutput> for TableView<'a> {
    fn from(o: &'a yuma::EpochOutput) -> Self {
        TableView {
            active: &o.active,
            new_validator_permit: &o.new_validator_permit,
            stake: &o.stake,
            stake_weight: &o.stake_weight,
            consensus: &o.consensus,
            incentive: &o.incentive,
            dividends: &o.dividends,
            validator_trust: &o.validator_trust,
            server_emission: &o.server_emission,
            validator_emission: &o.validator_emission,
            emission: &o.emission,
            bonds: Some(&o.bonds),
        }
    }
}

impl<'a> From<&'a yuma::mechanisms::AggregatedOutput> for TableView<'a> {
    fn from(a: &'a yuma::mechanisms::AggregatedOutput) -> Self {
        TableView {
            active: &a.active,
            new_validator_permit: &a.new_validator_permit,
            stake: &a.stake,
            stake_weight: &a.stake_weight,
            consensus: &a.consensus,
            incentive: &a.incentive,
            dividends: &a.dividends,
            validator_trust: &a.validator_trust,
            server_emission: &a.server_emission,
            validator_emission: &a.validator_emission,
            emission: &a.emission,
            bonds: None,
        }
    }
}

/// One row per uid.
fn print_table<'a>(out: impl Into<TableView<'a>>) -> Result<(), Fail> {
    let out = out.into();
    let mut w = std::io::stdout().lock();
    let mut line = |s: String| writeln!(w, "{s}").map_err(stdout_failed);
    line(format!(
        "{:>5} {:>6} {:>6} {:>20} {:>8} {:>9} {:>9} {:>9} {:>9} {:>15} {:>15} {:>5}",
        "uid",
        "active",
        "permit",
        "stake",
        "stake_wt",
        "consensus",
        "incentive",
        "dividends",
        "v_trust",
        "server_rao",
        "validator_rao",
        "bonds"
    ))?;
    for uid in 0..out.stake.len() {
        let b = |v: &[bool]| {
            if v.get(uid).copied().unwrap_or(false) {
                "yes"
            } else {
                "-"
            }
        };
        let u = |v: &[u16]| fraction4(v.get(uid).copied().unwrap_or(0));
        let r = |v: &[u64]| v.get(uid).copied().unwrap_or(0);
        line(format!(
            "{:>5} {:>6} {:>6} {:>20} {:>8} {:>9} {:>9} {:>9} {:>9} {:>15} {:>15} {:>5}",
            uid,
            b(out.active),
            b(out.new_validator_permit),
            r(out.stake),
            u(out.stake_weight),
            u(out.consensus),
            u(out.incentive),
            u(out.dividends),
            u(out.validator_trust),
            r(out.server_emission),
            r(out.validator_emission),
            out.bonds.map_or_else(
                || "-".to_string(),
                |b| b.get(uid).map_or(0, |r| r.len()).to_string()
            ),
        ))?;
    }
    let total: u128 = out.emission.iter().map(|&x| u128::from(x)).sum();
    line(format!(
        "{} uids, {} rao emitted. stake_wt, consensus, incentive, dividends and v_trust \
         (validator trust) are u16 fractions of 65535 shown as decimals; bonds counts the uid's \
         stored bond entries.",
        out.stake.len(),
        total
    ))?;
    w.flush().map_err(stdout_failed)
}

fn cmd_epoch(
    file: &Path,
    trace: bool,
    pretty: bool,
    table: bool,
    reference: bool,
) -> Result<(), Fail> {
    let doc = load(file)?;
    let mechanisms = |m: &yuma::MechanismsInput| {
        if trace {
            Err(bad_input(format!(
                "{}: --trace applies to an epoch input; this is a mechanisms input (run one \
                 mechanism's EpochInput on its own for its trace)",
                shown(file)
            )))
        } else {
            print_mechanisms(file, m, reference, pretty, table)
        }
    };
    let input = match doc.into_input() {
        json::VectorInput::Epoch(i) => i,
        json::VectorInput::Mechanisms(m) => return mechanisms(&m),
    };
    note_short_rows(file, &input);
    let fail = |e: yuma::Error| bad_input(format!("{}: {e}", shown(file)));
    let (out, t) = match (trace, reference) {
        (true, false) => yuma::epoch_with_trace(&input).map(|(o, t)| (o, Some(t))),
        (true, true) => yuma::reference::epoch_with_trace(&input).map(|(o, t)| (o, Some(t))),
        (false, false) => yuma::epoch(&input).map(|o| (o, None)),
        (false, true) => yuma::reference::epoch(&input).map(|o| (o, None)),
    }
    .map_err(fail)?;
    note_overpaid(file, "the epoch ", input.rao_emission, &out);
    if table {
        return print_table(&out);
    }
    let doc = json::OutputDoc {
        output: &out,
        trace: t.as_ref(),
    };
    print_json(&doc, pretty)
}

fn print_mechanisms(
    file: &Path,
    m: &yuma::MechanismsInput,
    reference: bool,
    pretty: bool,
    table: bool,
) -> Result<(), Fail> {
    for mech in &m.mechanisms {
        note_short_rows(file, mech);
    }
    let out = if reference {
        yuma::mechanisms::epoch_with_mechanisms_reference(m)
    } else {
        yuma::epoch_with_mechanisms(m)
    }
    .map_err(|e| bad_input(format!("{}: {e}", shown(file))))?;
    for (k, (o, &rao)) in out.per_mechanism.iter().zip(&out.split).enumerate() {
        note_overpaid(file, &format!("mechanism {k} "), rao, o);
    }
    if table {
        // One table per mechanism, each headed by its share of the emission.
        for (k, o) in out.per_mechanism.iter().enumerate() {
            let rao = out.split.get(k).copied().unwrap_or(0);
            say_line(format_args!("mechanism {k} ({rao} rao of the split)"))?;
            print_table(o)?;
            say_line("")?;
        }
        // The per-uid aggregate the chain stores (no bonds: each mechanism keeps its own).
        say_line(
            "aggregate (u16 fields weighted by each mechanism's share, emissions and stake \
             summed; incentive is mechanism 0's)",
        )?;
        return print_table(&out.aggregated);
    }
    print_json(&out, pretty)
}

/// The `.json` files under `dir` and its subdirectories, sorted by path.
fn json_files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Fail> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| bad_input(format!("{}: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            json_files_under(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    Ok(())
}

/// The files named and the `.json` files under the directories named, each with whether it was
/// found in a directory (rather than named).
fn collect_files(paths: &[PathBuf], command: &str) -> Result<Vec<(PathBuf, bool)>, Fail> {
    let mut files = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            return Err(bad_input(format!(
                "{command} reads files and directories, not stdin (`-`)"
            )));
        }
        if p.is_dir() {
            let mut found = Vec::new();
            json_files_under(p, &mut found)?;
            if found.is_empty() {
                return Err(bad_input(format!(
                    "{}: no .json files in this directory or below it",
                    p.display()
                )));
            }
            files.extend(found.into_iter().map(|f| (f, true)));
        } else if p.exists() {
            files.push((p.clone(), false));
        } else {
            return Err(bad_input(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
    }
    Ok(files)
}

fn cmd_verify(paths: &[PathBuf], which: Impl, all: bool) -> Result<(), Fail> {
    let files: Vec<PathBuf> = collect_files(paths, "verify")?
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    let imps: &[(Implementation, &str)] = match which {
        Impl::Main => &[(Implementation::Main, "main")],
        Impl::Reference => &[(Implementation::Reference, "reference")],
        Impl::Both => &[
            (Implementation::Main, "main"),
            (Implementation::Reference, "reference"),
        ],
    };
    let progress = std::io::stderr().is_terminal();
    let (mut passed, mut failed, mut unreadable) = (0usize, 0usize, 0usize);
    // Files that are not readable vectors are bad input (reported on stderr, exit 2), not
    // failed vectors; the others are still checked.
    let total = files.len();
    for (k, f) in files.iter().enumerate() {
        if progress {
            eprint!(
                "\r\x1b[2K[{}/{}] {}",
                k.saturating_add(1),
                total,
                f.display()
            );
        }
        let vector: Box<VectorFile> = match load(f) {
            Ok(Document::Vector(v)) => v,
            Ok(_) => {
                clear(progress);
                eprintln!(
                    "yuma: {}: not a vector file (no `input`/`expected`)",
                    f.display()
                );
                unreadable = unreadable.saturating_add(1);
                continue;
            }
            Err(Fail(msg, _)) => {
                clear(progress);
                eprintln!("yuma: {msg}");
                unreadable = unreadable.saturating_add(1);
                continue;
            }
        };
        // A vector without a `name` is reported by its path.
        let name = if vector.name.is_empty() {
            f.display().to_string()
        } else {
            vector.name.clone()
        };
        // A file passes when it passes on every implementation asked for.
        let mut all_passed = true;
        for (imp, label) in imps {
            let r = json::verify_vector(&vector, *imp);
            if r.passed {
                continue;
            }
            all_passed = false;
            clear(progress);
            let tag = if imps.len() > 1 {
                format!(" [{label}]")
            } else {
                String::new()
            };
            match (&r.error, r.mismatches.first()) {
                (Some(e), _) => say_line(format_args!("FAIL {name}{tag}: error: {e}"))?,
                (None, Some(m)) => {
                    let more = r.mismatches.len().saturating_sub(1);
                    let extra = if more > 0 && !all {
                        format!(" (+{more} more)")
                    } else {
                        String::new()
                    };
                    say_line(format_args!("FAIL {name}{tag}: {m}{extra}"))?;
                    if all {
                        for m in r.mismatches.iter().skip(1) {
                            say_line(format_args!("     {m}"))?;
                        }
                    }
                }
                (None, None) => say_line(format_args!(
                    "FAIL {name}{tag}: no expected result in the file"
                ))?,
            }
        }
        if all_passed {
            passed = passed.saturating_add(1);
        } else {
            failed = failed.saturating_add(1);
        }
    }
    clear(progress);
    let on = if imps.len() > 1 {
        " (vector files; each checked with main and with reference)"
    } else {
        ""
    };
    if unreadable > 0 {
        say_line(format_args!(
            "{passed} passed, {failed} failed, {unreadable} not readable as vectors{on}"
        ))?;
        Err(Fail(String::new(), 2))
    } else {
        say_line(format_args!("{passed} passed, {failed} failed{on}"))?;
        if failed > 0 {
            Err(Fail(String::new(), 1))
        } else {
            Ok(())
        }
    }
}

fn clear(progress: bool) {
    if progress {
        eprint!("\r\x1b[2K");
    }
}

fn median_ns(mut xs: Vec<u128>) -> u128 {
    xs.sort_unstable();
    xs.get(xs.len() / 2).copied().unwrap_or(0)
}

fn time_runs(
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
struct BenchRow {
    file: String,
    n: u16,
    /// Stored weight and bond entries (all mechanisms' for a mechanisms input).
    nnz: usize,
    mechanisms: Option<usize>,
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
fn time_both(
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
enum Benched {
    Timed(BenchRow),
    /// A scenario found in a directory (not timed; `simulate` runs it).
    Scenario,
}

fn bench_one(
    file: &Path,
    reps: usize,
    reference_reps: usize,
    skip_scenario: bool,
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
                || yuma::mechanisms::epoch_with_mechanisms_reference(&m).map(|_| ()),
            )?;
            return Ok(Benched::Timed(BenchRow {
                file: name.clone(),
                n: m.mechanisms.first().map_or(0, |x| x.n),
                nnz: m.stored_entries(),
                mechanisms: Some(m.mechanisms.len()),
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
        || yuma::reference::epoch(&input).map(|_| ()),
    )?;
    Ok(Benched::Timed(BenchRow {
        file: name.clone(),
        n: input.n,
        nnz: input.stored_entries(),
        mechanisms: None,
        main_ns,
        reference_ns,
    }))
}

/// A duration with its unit: `812 ns`, `358.2 µs`, `5.563 ms`, `3.669 s` (integer math).
fn duration(ns: u128) -> String {
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

fn cmd_bench(
    paths: &[PathBuf],
    reps: usize,
    reference_reps: usize,
    table: bool,
) -> Result<(), Fail> {
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
        match bench_one(f, reps, reference_reps, *in_dir) {
            Ok(Benched::Scenario) => scenarios = scenarios.saturating_add(1),
            Ok(Benched::Timed(row)) if table => rows.push(row),
            Ok(Benched::Timed(row)) => say_line(serde_json::json!({
                "file": row.file,
                "n": row.n,
                "nnz": row.nnz,
                "mechanisms": row.mechanisms,
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
            "{:<width$}  {:>5}  {:>9}  {:>12}  {:>12}  {:>9}",
            "file", "n", "nnz", "reference", "main", "speed-up"
        );
        say_line(&head)?;
        for r in &rows {
            let reference = r.reference_ns.map_or_else(|| "-".to_string(), duration);
            let speedup = r
                .speedup()
                .map_or_else(|| "-".to_string(), |x| format!("{x:.1}×"));
            say_line(format_args!(
                "{:<width$}  {:>5}  {:>9}  {:>12}  {:>12}  {:>9}",
                label(r),
                r.n,
                r.nnz,
                reference,
                duration(r.main_ns),
                speedup
            ))?;
        }
        say_line(format_args!(
            "medians of {reps} main and {reference_reps} reference runs per file, JSON parsing \
             excluded; nnz = stored weight and bond entries"
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

/// An epoch input from a document's bytes: a bare EpochInput or an epoch vector's input.
fn epoch_input(file: &Path, bytes: &[u8]) -> Result<yuma::EpochInput, Fail> {
    let not_mechanisms = || {
        bad_input(format!(
            "{}: expected an epoch input, not mechanisms",
            shown(file)
        ))
    };
    match json::parse_document(bytes)
        .map_err(|e| not_a_scenario(file, bytes, e))?
        .into_input()
    {
        json::VectorInput::Epoch(i) => Ok(i),
        json::VectorInput::Mechanisms(_) => Err(not_mechanisms()),
    }
}

fn cmd_explain(file: &Path, uid: u16, epoch: Option<usize>) -> Result<(), Fail> {
    let bytes = read_bytes(file)?;
    let input = match yuma::scenario::parse_scenario(&bytes) {
        Ok(scenario) => {
            let count = scenario.epochs.len();
            let k = epoch.unwrap_or(count.saturating_sub(1));
            if k >= count {
                return Err(bad_input(format!(
                    "{}: --epoch {k}: the scenario has {}",
                    shown(file),
                    yuma::scenario::epochs_counted(count)
                )));
            }
            let mut state = None;
            yuma::scenario::run_with(&scenario, |i, st, _| {
                if i == k {
                    state = Some(st.clone());
                }
                i < k
            })
            .map_err(|e| bad_input(format!("{}: {e}", shown(file))))?;
            state.ok_or_else(|| bad_input(format!("{}: epoch {k} not reached", shown(file))))?
        }
        Err(_) if epoch.is_some() => {
            return Err(bad_input(format!(
                "{}: --epoch applies to scenario files only",
                shown(file)
            )));
        }
        Err(_) => {
            let input = epoch_input(file, &bytes)?;
            note_short_rows(file, &input);
            input
        }
    };
    let text = yuma::explain::explain(&input, uid)
        .map_err(|e| bad_input(format!("{}: {e}", shown(file))))?;
    say(text)
}

fn cmd_simulate(file: &Path, json_out: Option<&Path>, csv_out: Option<&Path>) -> Result<(), Fail> {
    if let (Some(j), Some(c)) = (json_out, csv_out) {
        if j == c || same_target(j, c) {
            return Err(bad_input(format!(
                "--json and --csv both name {}; give them different paths",
                j.display()
            )));
        }
    }
    let bytes = read_bytes(file)?;
    let scenario = yuma::scenario::parse_scenario(&bytes).map_err(|e| {
        // An epoch input, mechanisms input or vector file: say what it is and what runs it.
        let hint = match json::parse_document(&bytes) {
            Ok(Document::Epoch(_)) => Some(
                "an EpochInput, not a scenario: run it with `yuma epoch`, or simulate it as \
                 {\"initial\": INPUT, \"epochs\": [{}, ...]}",
            ),
            Ok(Document::Mechanisms(_)) => Some(
                "a MechanismsInput, not a scenario: run it with `yuma epoch` (a scenario \
                 carries one EpochInput forward)",
            ),
            Ok(Document::Vector(_)) => Some(
                "a vector file, not a scenario: check it with `yuma verify`, or run its input \
                 with `yuma epoch`",
            ),
            Err(_) => None,
        };
        match hint {
            Some(hint) => bad_input(format!("{}: this is {hint}", shown(file))),
            None => bad_input(format!("{}: {e}", shown(file))),
        }
    })?;
    // Outputs are written as the epochs run, so memory stays one epoch's however long the
    // scenario is; the summary keeps one short row per epoch.
    let mut json_w = json_out.map(StreamedFile::create).transpose()?;
    let mut csv_w = csv_out.map(StreamedFile::create).transpose()?;
    let tty = std::io::stderr().is_terminal();
    let started = Instant::now();
    let total = scenario.epochs.len();
    let mut rows: Vec<String> = Vec::with_capacity(total);
    let mut block = scenario.initial.current_block;
    let mut chunk = String::new();
    let mut failed: Option<Fail> = None;
    let ran = yuma::scenario::run_with(&scenario, |k, _, o| {
        let written = (|| -> Result<(), Fail> {
            if let Some(w) = json_w.as_mut() {
                w.write(if k == 0 { "[" } else { "," })?;
                w.write_json(o)?;
            }
            if let Some(w) = csv_w.as_mut() {
                chunk.clear();
                if k == 0 {
                    chunk.push_str(yuma::scenario::CSV_HEADER);
                }
                yuma::scenario::push_csv_rows(&mut chunk, k, o);
                w.write(&chunk)?;
            }
            Ok(())
        })();
        if let Err(e) = written {
            failed = Some(e);
            return false;
        }
        block = scenario
            .epochs
            .get(k)
            .and_then(|p| p.current_block)
            .unwrap_or(block);
        rows.push(summary_row(k, block, o));
        if tty {
            let width = 30usize;
            let done = k.saturating_add(1);
            let filled = done
                .saturating_mul(width)
                .checked_div(total)
                .unwrap_or(width);
            eprint!(
                "\r\x1b[2K[{}{}] epoch {done}/{total}",
                "#".repeat(filled),
                "-".repeat(width.saturating_sub(filled))
            );
        }
        true
    });
    clear(tty);
    let outcome = match (ran, failed) {
        (_, Some(e)) => Err(e),
        (Err(e), None) => Err(bad_input(format!("{}: {e}", shown(file)))),
        (Ok(()), None) => Ok(()),
    };
    if let Err(e) = outcome {
        json_w
            .into_iter()
            .chain(csv_w)
            .for_each(StreamedFile::abandon);
        return Err(e);
    }
    if let Some(w) = json_w.as_mut() {
        w.write(if total == 0 { "[]" } else { "]" })?;
    }
    if let Some(w) = csv_w.as_mut() {
        if total == 0 {
            w.write(yuma::scenario::CSV_HEADER)?;
        }
    }
    for w in json_w.into_iter().chain(csv_w) {
        w.finish()?;
    }
    say_line(format_args!(
        "{:>5} {:>8} {:>16} {:>16} {:>22} {:>22}",
        "epoch",
        "block",
        "server_rao",
        "validator_rao",
        "top incentive (uid)",
        "top dividends (uid)"
    ))?;
    for row in &rows {
        say_line(row)?;
    }
    if !rows.is_empty() {
        say_line("incentive and dividends: u16 fractions of 65535 shown as decimals")?;
    }
    eprintln!(
        "{} epochs in {:.1} ms{}{}",
        rows.len(),
        started.elapsed().as_secs_f64() * 1e3,
        json_out.map_or_else(String::new, |p| format!(", JSON: {}", p.display())),
        csv_out.map_or_else(String::new, |p| format!(", CSV: {}", p.display()))
    );
    Ok(())
}

/// Whether two output paths spelled differently (`out.json`, `./out.json`, `dir/../out.json`) name
/// the same file: the same file name in the same directory, symlinks in the directories resolved.
fn same_target(a: &Path, b: &Path) -> bool {
    let key = |p: &Path| -> Option<PathBuf> {
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
        Some(
            dir.unwrap_or(Path::new("."))
                .canonicalize()
                .ok()?
                .join(p.file_name()?),
        )
    };
    matches!((key(a), key(b)), (Some(x), Some(y)) if x == y)
}

/// One line of `yuma simulate`'s summary: the epoch, its block, the rao paid to servers and
/// validators, and the uids with the top incentive and dividends.
fn summary_row(k: usize, block: u64, o: &yuma::EpochOutput) -> String {
    let top = |v: &[u16]| {
        v.iter()
            .enumerate()
            .max_by_key(|(i, x)| (**x, std::cmp::Reverse(*i)))
            .map_or_else(
                || "-".to_string(),
                |(i, x)| format!("{} ({i})", fraction4(*x)),
            )
    };
    format!(
        "{k:>5} {block:>8} {:>16} {:>16} {:>22} {:>22}",
        o.server_emission
            .iter()
            .map(|&x| u128::from(x))
            .sum::<u128>(),
        o.validator_emission
            .iter()
            .map(|&x| u128::from(x))
            .sum::<u128>(),
        top(&o.incentive),
        top(&o.dividends)
    )
}

/// An output file written piece by piece: into a temporary sibling that replaces `path` only once
/// everything is written (so a run that fails leaves `path` as it was), or straight into `path`
/// (created or truncated, as `std::fs::write` would) when that is not a regular file: a symlink,
/// `/dev/stdout`, a pipe.
struct StreamedFile {
    path: PathBuf,
    tmp: Option<PathBuf>,
    w: std::io::BufWriter<std::fs::File>,
}

impl StreamedFile {
    fn create(path: &Path) -> Result<Self, Fail> {
        let fail = |at: &Path, e: std::io::Error| Fail(format!("{}: {e}", at.display()), 2);
        let special = std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file());
        let tmp = (!special).then(|| {
            let name = path.file_name().map_or_else(
                || std::ffi::OsString::from("out"),
                std::ffi::OsStr::to_os_string,
            );
            let mut t = std::ffi::OsString::from(".");
            t.push(name);
            t.push(format!(".yuma-{}.tmp", std::process::id()));
            path.with_file_name(t)
        });
        let file =
            std::fs::File::create(tmp.as_deref().unwrap_or(path)).map_err(|e| fail(path, e))?;
        Ok(StreamedFile {
            path: path.to_path_buf(),
            tmp,
            w: std::io::BufWriter::new(file),
        })
    }

    /// A failure to write this file, named by its path.
    fn fail(&self, e: impl std::fmt::Display) -> Fail {
        Fail(format!("{}: {e}", self.path.display()), 2)
    }

    fn write(&mut self, text: &str) -> Result<(), Fail> {
        self.w.write_all(text.as_bytes()).map_err(|e| self.fail(e))
    }

    /// `v` as compact JSON, serialized straight into the file.
    fn write_json<T: serde::Serialize>(&mut self, v: &T) -> Result<(), Fail> {
        serde_json::to_writer(&mut self.w, v).map_err(|e| self.fail(e))
    }

    fn finish(mut self) -> Result<(), Fail> {
        self.w.flush().map_err(|e| self.fail(e))?;
        if let Some(t) = &self.tmp {
            std::fs::rename(t, &self.path).map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    fn abandon(self) {
        if let Some(t) = &self.tmp {
            let _ = std::fs::remove_file(t);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Epoch {
            file,
            trace,
            pretty,
            table,
            reference,
        } => cmd_epoch(file, *trace, *pretty, *table, *reference),
        Command::Verify {
            paths,
            implementation,
            all,
        } => cmd_verify(paths, *implementation, *all),
        Command::Bench {
            files,
            reps,
            reference_reps,
            table,
        } => cmd_bench(
            files,
            usize::try_from(*reps).unwrap_or(usize::MAX),
            usize::try_from(*reference_reps).unwrap_or(usize::MAX),
            *table,
        ),
        Command::Simulate {
            scenario,
            json,
            csv,
        } => cmd_simulate(scenario, json.as_deref(), csv.as_deref()),
        Command::Explain { file, uid, epoch } => cmd_explain(file, *uid, *epoch),
        Command::Synth {
            n,
            validators,
            weights_per_row,
            yuma3,
            liquid_alpha,
            seed,
            form_bonds,
        } => {
            let params = yuma::synth::SynthParams {
                n: *n,
                validators: *validators,
                weights_per_row: *weights_per_row,
                yuma3: *yuma3 || *liquid_alpha,
                liquid_alpha: *liquid_alpha,
                seed: *seed,
            };
            let limit = yuma::Limits::DEFAULT.max_entries;
            if params.entries() > limit {
                return finish(Err(bad_input(format!(
                    "--validators {} x --weights-per-row {} (each at most n = {}) makes {} weight \
                     and bond entries; an epoch takes at most {limit} (Limits::max_entries)",
                    validators,
                    weights_per_row,
                    n,
                    params.entries()
                ))));
            }
            let mut input = yuma::synth::subnet(&params);
            if let Err(e) = yuma::synth::form_bonds(&mut input, *form_bonds) {
                return finish(Err(Fail(format!("forming bonds: {e}"), 2)));
            }
            print_json(&input, false)
        }
    };
    finish(result)
}

/// The exit code of a command, its failure message on stderr.
fn finish(result: Result<(), Fail>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg, code)) => {
            if !msg.is_empty() {
                eprintln!("yuma: {msg}");
            }
            ExitCode::from(code)
        }
    }
}
