//! The `yuma` binary end to end: `epoch --trace` prints exactly each vector's trace, `verify`
//! passes the whole suite, and `simulate` / `explain` / `epoch --table` work on shipped examples.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn yuma(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuma"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run yuma")
}

/// Runs `yuma` expecting success; its stdout.
fn yuma_ok(args: &[&str]) -> String {
    let out = yuma(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "yuma {args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn vectors() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

#[test]
fn epoch_trace_equals_every_vector_trace() {
    let mut checked = 0;
    for f in vectors() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let Some(trace) = v.get("trace") else {
            continue;
        };
        let out = yuma(&["epoch", "--trace", f.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(&printed["trace"], trace, "{}", f.display());
        let mut rest = printed.clone();
        rest.as_object_mut().unwrap().remove("trace");
        assert_eq!(rest, v["expected"], "{}", f.display());
        checked += 1;
    }
    assert!(checked >= 600, "only {checked} vectors carry a trace");
}

#[test]
fn verify_passes_the_whole_suite() {
    let stdout = yuma_ok(&["verify", "tests/vectors"]);
    assert!(
        stdout.trim_end().ends_with("859 passed, 0 failed"),
        "{stdout}"
    );
    // Which rules ran, per runtime: the 664 public vectors and the 195 of spec 475.
    assert!(
        stdout.contains("runtime rules spec 425 (opentensor/subtensor@14bc6f9f"),
        "{stdout}"
    );
    assert!(stdout.contains("): 664 files"), "{stdout}");
    assert!(stdout.contains("): 195 files"), "{stdout}");
}

#[test]
fn examples_run() {
    let table = yuma(&["epoch", "--table", "data/subnet-256.json"]);
    assert!(table.status.success());
    assert_eq!(
        String::from_utf8_lossy(&table.stdout).lines().count(),
        256 + 3,
        "the rules line, the header, 256 rows, the legend"
    );

    let dir = std::env::temp_dir().join(format!("yuma-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, csv) = (dir.join("out.json"), dir.join("out.csv"));
    let sim = yuma(&[
        "simulate",
        "data/scenarios/kappa-moves-first-y3.json",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let outputs: Vec<yuma::EpochOutput> =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(outputs.len(), 12);
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(csv_text.lines().count(), 1 + 12 * outputs[0].stake.len());
    let _ = std::fs::remove_dir_all(&dir);

    let ex = yuma(&["explain", "data/subnet-256.json", "--uid", "4"]);
    let text = String::from_utf8_lossy(&ex.stdout);
    assert!(ex.status.success());
    for needle in [
        "Stake",
        "As a miner",
        "As a validator",
        "Σ terms",
        "dividends[4]",
        "as stored        30880 / 65535 = 0.47120",
        "the other 22 terms sum to",
        "= 71982193757 rao",
    ] {
        assert!(
            text.contains(needle),
            "explain output lacks {needle}:\n{text}"
        );
    }
    // A miner of the same subnet: its consensus, clipped weights and rank.
    let miner = yuma(&["explain", "data/subnet-256.json", "--uid", "252", "--all"]);
    let text = String::from_utf8_lossy(&miner.stdout);
    assert!(miner.status.success());
    for needle in [
        "consensus[252]",
        "= rank",
        "/ Σ every uid's rank",
        "incentive[252]",
    ] {
        assert!(
            text.contains(needle),
            "explain output lacks {needle}:\n{text}"
        );
    }
    assert!(
        !text.contains("the other "),
        "--all lists every term:\n{text}"
    );
    // A mechanisms document needs --mechanism.
    let mech = yuma(&["explain", "tests/vectors/mech-013-m2-n8.json", "--uid", "1"]);
    assert_eq!(mech.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&mech.stderr).contains("add --mechanism K (0 to 1)"));
    let mech = yuma(&[
        "explain",
        "tests/vectors/mech-013-m2-n8.json",
        "--uid",
        "1",
        "--mechanism",
        "1",
    ]);
    assert!(
        mech.status.success(),
        "{}",
        String::from_utf8_lossy(&mech.stderr)
    );
    let bad = yuma(&["explain", "data/subnet-256.json", "--uid", "300"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// `simulate` writes `--json` and `--csv` as the epochs run: the files equal the library's
/// whole-run forms byte for byte (`serde_json` of `scenario::run`, `scenario::to_csv`), a
/// scenario with no epochs gives `[]` and the header, and a scenario that fails part-way leaves
/// existing files as they were and no temporary file behind.
#[test]
fn simulate_streams_its_files_and_leaves_them_alone_on_failure() {
    let dir = std::env::temp_dir().join(format!("yuma-cli-stream-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (json, csv) = (dir.join("out.json"), dir.join("out.csv"));
    let (js, cs) = (json.to_str().unwrap(), csv.to_str().unwrap());
    let path = "data/scenarios/stable-miner-y2.json";
    yuma_ok(&["simulate", path, "--json", js, "--csv", cs]);
    let scenario = yuma::scenario::parse_scenario(&std::fs::read(path).unwrap()).expect("scenario");
    let outputs = yuma::scenario::run(&scenario, |_, _| {}).expect("runs");
    assert_eq!(
        std::fs::read_to_string(&json).unwrap(),
        serde_json::to_string(&outputs).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        yuma::scenario::to_csv(&outputs)
    );

    let initial = std::fs::read_to_string("data/epoch-small.json").unwrap();
    let write = |name: &str, epochs: &str| {
        let p = dir.join(name);
        std::fs::write(
            &p,
            format!("{{\"initial\": {initial}, \"epochs\": {epochs}}}"),
        )
        .unwrap();
        p
    };
    let empty = write("empty.json", "[]");
    yuma_ok(&[
        "simulate",
        empty.to_str().unwrap(),
        "--json",
        js,
        "--csv",
        cs,
    ]);
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "[]");
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        yuma::scenario::CSV_HEADER
    );

    // Epoch 2 gets a stake vector of the wrong length.
    let failing = write("failing.json", r#"[{}, {}, {"alpha_stake": [1]}, {}]"#);
    std::fs::write(&json, "old json").unwrap();
    std::fs::write(&csv, "old csv").unwrap();
    let r = yuma(&[
        "simulate",
        failing.to_str().unwrap(),
        "--json",
        js,
        "--csv",
        cs,
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("epoch 2"));
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "old json");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "old csv");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["empty.json", "failing.json", "out.csv", "out.json"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `bench` times several files (or a directory's) and prints one JSON line per file, or one
/// table with `--table`; a file that is not an epoch input is reported and the others still run.
#[test]
fn bench_times_many_files_as_json_lines_or_a_table() {
    let small = "data/epoch-small.json";
    let vector = "tests/vectors/tiny-n2-cross-weights-y2.json";
    let out = yuma(&[
        "bench",
        small,
        vector,
        "--reps",
        "2",
        "--reference-reps",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], small);
    assert_eq!(lines[1]["file"], vector);
    assert_eq!(lines[1]["n"], 2);
    for l in &lines {
        assert!(l["main_ns"].as_u64().unwrap() > 0, "{l}");
        assert!(l["reference_ns"].as_u64().unwrap() > 0, "{l}");
        assert!(l["speedup"].as_f64().unwrap() > 0.0, "{l}");
    }
    let out = yuma(&["bench", small, "--reps", "1", "--reference-reps", "0"]);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        line["reference_ns"].is_null() && line["speedup"].is_null(),
        "{line}"
    );

    // A mechanisms vector is timed too (all its mechanisms, with their nnz).
    let mech = "tests/vectors/mech-001-m4-n16.json";
    let out = yuma(&["bench", mech, "--reps", "1", "--reference-reps", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["mechanisms"], 4, "{line}");
    assert!(line["nnz"].as_u64().unwrap() > 0, "{line}");

    // Scenario files found in a directory are skipped with a note; a named one is an error.
    let out = yuma(&["bench", "data", "--reps", "1", "--table"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("skipped 12 scenario files"), "{stderr}");
    let mut rows = stdout.lines();
    assert!(rows.next().unwrap().starts_with("file"), "{stdout}");
    // Sorted by n: the 8-uid example, then the 256-uid one.
    let row = rows.next().unwrap();
    assert!(
        row.starts_with(small) && row.trim_end().ends_with('×'),
        "{stdout}"
    );
    assert!(
        rows.next().unwrap().starts_with("data/subnet-256.json"),
        "{stdout}"
    );
    assert!(
        rows.next()
            .unwrap()
            .starts_with("medians of 1 main and 3 reference runs"),
        "{stdout}"
    );
    let named = "data/scenarios/stable-miner-y2.json";
    let out = yuma(&[
        "bench",
        named,
        small,
        "--reps",
        "1",
        "--reference-reps",
        "0",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("yuma simulate") && stderr.contains("1 of 2 files could not be timed"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

/// `verify --implementation both` counts files, each passing on both implementations.
#[test]
fn verify_both_counts_files() {
    let v = "tests/vectors/tiny-n2-cross-weights-y2.json";
    let stdout = yuma_ok(&["verify", v, "--implementation", "both"]);
    assert!(
        stdout
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("1 passed, 0 failed"),
        "{stdout}"
    );
}

/// `--version` names the subtensor commit the crate reproduces (as the WASM `version()` does).
#[test]
fn version_names_the_reference_commit() {
    let stdout = yuma_ok(&["--version"]);
    assert!(
        stdout.contains(env!("CARGO_PKG_VERSION")) && stdout.contains(yuma::REFERENCE_COMMIT),
        "{stdout}"
    );
}

#[test]
fn synth_forms_bonds_from_none_over_k_epochs() {
    let args = [
        "synth",
        "--n",
        "64",
        "--validators",
        "8",
        "--weights-per-row",
        "16",
        "--liquid-alpha",
    ];
    let parse = |s: String| serde_json::from_str::<yuma::EpochInput>(&s).unwrap();
    let random = parse(yuma_ok(&args));
    let formed = parse(yuma_ok(&[&args[..], &["--form-bonds", "3"]].concat()));
    // Three epochs from no bonds, each on the previous output's bonds and permits.
    let mut state = random.clone();
    state.bonds.iter_mut().for_each(Vec::clear);
    for _ in 0..3 {
        let out = yuma::epoch(&state).unwrap();
        state = yuma::simulate::transition(&state, &out);
    }
    assert_eq!(formed.bonds, state.bonds);
    assert_ne!(formed.bonds, random.bonds);
    // Everything else is the synthetic subnet's.
    let mut rest = formed.clone();
    rest.bonds = random.bonds.clone();
    assert_eq!(rest, random);
    assert_eq!(
        parse(yuma_ok(&[&args[..], &["--form-bonds", "0"]].concat())),
        random
    );
}
