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
    let out = yuma(&["verify", "tests/vectors"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("650 passed, 0 failed"),
        "{stdout}"
    );
}

#[test]
fn examples_run() {
    let table = yuma(&["epoch", "--table", "examples/subnet-256.json"]);
    assert!(table.status.success());
    assert_eq!(
        String::from_utf8_lossy(&table.stdout).lines().count(),
        256 + 2
    );

    let dir = std::env::temp_dir().join(format!("yuma-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, csv) = (dir.join("out.json"), dir.join("out.csv"));
    let sim = yuma(&[
        "simulate",
        "examples/scenarios/kappa-moves-first-y3.json",
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

    let ex = yuma(&["explain", "examples/subnet-256.json", "--uid", "4"]);
    let text = String::from_utf8_lossy(&ex.stdout);
    assert!(ex.status.success());
    for needle in [
        "Stake",
        "As a miner",
        "As a validator",
        "consensus",
        "dividends[4]",
    ] {
        assert!(
            text.contains(needle),
            "explain output lacks {needle}:\n{text}"
        );
    }
    let bad = yuma(&["explain", "examples/subnet-256.json", "--uid", "300"]);
    assert_eq!(bad.status.code(), Some(2));
}
