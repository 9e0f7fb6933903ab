//! `yuma` — compute, verify and time Bittensor Yuma Consensus epochs, bit-exact with subtensor.

mod bench;
mod epoch;
mod explain;
mod fetch;
mod input;
mod output;
mod simulate;
mod sweep;
mod sweep_html;
mod synth;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::bench::cmd_bench;
use crate::epoch::cmd_epoch;
use crate::explain::cmd_explain;
use crate::fetch::cmd_fetch;
use crate::input::Fail;
use crate::simulate::cmd_simulate;
use crate::sweep::{cmd_sweep, SweepArgs};
use crate::synth::cmd_synth;
use crate::verify::cmd_verify;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "yuma",
    version = concat!(
        env!("CARGO_PKG_VERSION"),
        " (reproduces runtime specs up to 475: opentensor/subtensor 14bc6f9f964b9cc362e9635dd110a487fa5d15a0 \
         below spec 446, RaoFoundation/subtensor as read at coldint/subtensor 02214123eb6d1aae01812fe515f0e0535c9b9da0 from 446)"
    ),
    about = "Compute Bittensor's Yuma Consensus epoch exactly as the subtensor chain does",
    long_about = "Compute Bittensor's Yuma Consensus epoch exactly as the subtensor chain does \
(opentensor/subtensor @ 14bc6f9f, epoch_mechanism), bit for bit, from a JSON snapshot of a subnet.\n\n\
Inputs are JSON in the schema of the crate's golden vectors (every field is documented with \
yuma::EpochInput at https://docs.rs/yuma): an EpochInput, a MechanismsInput (an object with a \
`mechanisms` key), or a golden-vector file (an object with `input` and `expected`). \
`yuma synth` writes one to start from.\n\n\
Exit codes: 0 success, 1 a vector or snapshot did not match, 2 bad input or usage (and a \
runtime this version does not reproduce), 3 a node or network failure.",
    after_help = "Examples:\n  \
yuma synth --n 256 --validators 64 > subnet.json   # a synthetic busy subnet\n  \
yuma epoch --table subnet.json                     # its epoch, one row per uid\n  \
yuma explain subnet.json --uid 3                   # how uid 3's payout was formed\n  \
yuma epoch --trace vector.json                     # every intermediate, as raw bits\n  \
yuma verify vectors/                               # check golden vectors (recursively)\n  \
yuma fetch --rpc wss://entrypoint-finney.opentensor.ai:443 --netuid 1 --epoch latest -o e.json\n  \
yuma verify e.json                                 # recompute a real epoch, compare with the chain\n  \
yuma simulate scenario.json --csv epochs.csv       # many epochs, state carried forward\n  \
yuma sweep scenario.json --grid 'kappa=32767,45000;yuma3_enabled=false,true' --html sweep.html\n  \
yuma bench subnet.json --reps 20                   # time the fast pipeline and the reference"
)]
struct Cli {
    /// Compute under the rules of this runtime spec, whatever the input's `spec_version` says
    /// (for an input of a runtime newer than this version reproduces, or to compare rules).
    #[arg(long, global = true, value_name = "SPEC")]
    assume_spec: Option<u32>,
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
    /// Check vector files and chain snapshots (or directories of them) against their `expected`
    /// results, or against what the chain stored.
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
    /// Fetch one epoch of a real subnet from a node: the state it read (block B − 1, with block
    /// B's pre-epoch corrections), the results it stored (block B), and how (a chain snapshot).
    ///
    /// Uses only the node's standard JSON-RPC (http(s):// or ws(s)://; state at B − 1 and B, so an
    /// archive node for old blocks). Progress on stderr. The snapshot is written only once
    /// complete. `yuma verify SNAPSHOT` recomputes it and compares with the chain; `yuma epoch
    /// --table` and `yuma explain` read it as an input. Exit 2 for bad arguments (a block or subnet
    /// that does not exist, a block where no epoch ran) or a runtime this version does not
    /// reproduce; 3 when the node fails, times out or answers what the runtime cannot have stored.
    Fetch {
        /// The node's JSON-RPC endpoint (e.g. wss://entrypoint-finney.opentensor.ai:443; an
        /// archive node such as wss://archive.chain.opentensor.ai:443 for blocks it has pruned).
        #[arg(long, value_name = "URL")]
        rpc: String,
        /// The subnet.
        #[arg(long)]
        netuid: u16,
        /// The epoch block B (the block whose on_initialize ran the subnet's epoch).
        #[arg(
            long,
            value_name = "B",
            conflicts_with = "epoch",
            required_unless_present = "epoch"
        )]
        block: Option<u64>,
        /// `latest`: the subnet's most recent epoch.
        #[arg(long, value_name = "latest", value_parser = ["latest"])]
        epoch: Option<String>,
        /// Write the snapshot here (default: stdout).
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Seconds one request may take.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Retries of a request a busy or unreachable node failed.
        #[arg(long, default_value_t = 4)]
        retries: u32,
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
        /// Which form of the lane kernels the fast pipeline runs (auto: the best this CPU has;
        /// a form the CPU lacks runs as the best one below it; the form that ran is printed).
        #[arg(long, value_enum, default_value_t = KernelsArg::Auto)]
        kernels: KernelsArg,
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
    /// Run a scenario once per point of a grid of hyperparameters, the points in parallel, and
    /// compare them.
    ///
    /// --grid 'kappa=32767,45000;bonds_penalty=0,65535;yuma3_enabled=false,true' sweeps the
    /// cartesian product (here 8 points, at most 10000): any one-value EpochInput field a
    /// scenario patch sets, with a patch's values (numbers, true/false, null, words such as
    /// `previous`). Each point is the scenario with the point's values in `initial`, run as
    /// `yuma simulate` runs it: an epoch whose patch sets a grid field itself overrides it from
    /// there on (noted on stderr). Prints per point the rao paid to miners and validators and the
    /// top incentive / dividends summed over the epochs, then what differs most between points;
    /// --csv writes tidy rows (point, the grid values, epoch, block, uid, outputs), --html one
    /// self-contained page with SVG charts. A progress bar and the throughput on stderr. Exit 2
    /// for a bad grid (one line) or a point whose epoch fails.
    Sweep {
        /// Scenario file; `-` reads stdin.
        scenario: PathBuf,
        /// FIELD=V1,V2,...;FIELD=... (e.g. 'kappa=32767,45000;yuma3_enabled=false,true').
        #[arg(long, value_name = "SPEC")]
        grid: String,
        /// Threads (default: the cores available).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Write a tidy CSV: point, one column per grid field, epoch, block, uid, incentive,
        /// dividends, emission, ...
        #[arg(long, value_name = "OUT")]
        csv: Option<PathBuf>,
        /// Write one self-contained HTML page with SVG charts (per-uid incentive and dividends
        /// over epochs per point, total emission per point).
        #[arg(long, value_name = "OUT")]
        html: Option<PathBuf>,
    },
    /// Explain one uid's epoch so that it adds up: stake and permit; as a miner each validator's
    /// stake × weight clipped at consensus, their sum, its share of all ranks (the incentive);
    /// as a validator each miner's normalized bond × incentive, their sum, its share over
    /// validators (the dividends); then the u16 values and the rao paid.
    Explain {
        /// EpochInput, vector file or scenario; `-` reads stdin.
        file: PathBuf,
        /// The uid to explain.
        #[arg(long)]
        uid: u16,
        /// For a scenario: which epoch, counted from 0 (default: the last).
        #[arg(long)]
        epoch: Option<usize>,
        /// For a subnet with several mechanisms: which one, counted from 0 (its share of the
        /// emission as the subnet's epoch paid it).
        #[arg(long, value_name = "K")]
        mechanism: Option<usize>,
        /// Print every term of every sum (default: the ten largest, then the rest as one sum).
        #[arg(long)]
        all: bool,
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
pub(crate) enum Impl {
    Main,
    Reference,
    Both,
}

/// `--kernels`: a form of `yuma::lanes::Kernels`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KernelsArg {
    Auto,
    Scalar,
    Portable,
    Avx2,
    Avx512,
}

impl KernelsArg {
    fn form(self) -> yuma::lanes::Kernels {
        use yuma::lanes::Kernels;
        match self {
            KernelsArg::Auto => Kernels::Auto,
            KernelsArg::Scalar => Kernels::Scalar,
            KernelsArg::Portable => Kernels::Portable,
            KernelsArg::Avx2 => Kernels::Avx2,
            KernelsArg::Avx512 => Kernels::Avx512,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let assume = cli.assume_spec;
    let result = match &cli.command {
        Command::Epoch {
            file,
            trace,
            pretty,
            table,
            reference,
        } => cmd_epoch(file, *trace, *pretty, *table, *reference, assume),
        Command::Verify {
            paths,
            implementation,
            all,
        } => cmd_verify(paths, *implementation, *all, assume),
        Command::Bench {
            files,
            reps,
            reference_reps,
            table,
            kernels,
        } => cmd_bench(
            files,
            usize::try_from(*reps).unwrap_or(usize::MAX),
            usize::try_from(*reference_reps).unwrap_or(usize::MAX),
            *table,
            kernels.form(),
            assume,
        ),
        Command::Simulate {
            scenario,
            json,
            csv,
        } => cmd_simulate(scenario, json.as_deref(), csv.as_deref(), assume),
        Command::Sweep {
            scenario,
            grid,
            jobs,
            csv,
            html,
        } => cmd_sweep(&SweepArgs {
            scenario,
            grid,
            jobs: jobs.map(usize::from),
            csv: csv.as_deref(),
            html: html.as_deref(),
            assume,
        }),
        Command::Explain {
            file,
            uid,
            epoch,
            mechanism,
            all,
        } => cmd_explain(file, *uid, *epoch, *mechanism, *all, assume),
        Command::Fetch {
            rpc,
            netuid,
            block,
            epoch,
            output,
            timeout,
            retries,
        } => cmd_fetch(
            rpc,
            *netuid,
            *block,
            epoch.is_some(),
            output.as_deref(),
            *timeout,
            *retries,
            assume,
        ),
        Command::Synth {
            n,
            validators,
            weights_per_row,
            yuma3,
            liquid_alpha,
            seed,
            form_bonds,
        } => cmd_synth(
            yuma::synth::SynthParams {
                n: *n,
                validators: *validators,
                weights_per_row: *weights_per_row,
                yuma3: *yuma3 || *liquid_alpha,
                liquid_alpha: *liquid_alpha,
                seed: *seed,
            },
            *form_bonds,
        ),
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
