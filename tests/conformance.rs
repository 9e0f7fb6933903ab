//! Every public golden vector, through both implementations: outputs and traces bit for bit.

use std::path::{Path, PathBuf};

use yuma::{EpochInput, EpochOutput, EpochTrace};

#[derive(serde::Deserialize)]
struct Vector {
    name: String,
    category: String,
    input: serde_json::Value,
    expected: serde_json::Value,
    trace: Option<EpochTrace>,
}

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/vectors exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 664,
        "expected the 664 public vectors, found {}",
        files.len()
    );
    files
}

fn first_diff(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return "not objects".into();
    };
    for (k, va) in a {
        let vb = &b[k];
        if va != vb {
            if let (Some(xa), Some(xb)) = (va.as_array(), vb.as_array()) {
                for (i, (x, y)) in xa.iter().zip(xb).enumerate() {
                    if x != y {
                        return format!("{k}[{i}]: got {x}, expected {y}");
                    }
                }
                return format!("{k}: length {} vs {}", xa.len(), xb.len());
            }
            return format!("{k}: got {va}, expected {vb}");
        }
    }
    "equal".into()
}

fn check(run: fn(&EpochInput) -> Result<(EpochOutput, EpochTrace), yuma::Error>, label: &str) {
    let mut failures = Vec::new();
    let mut passed = 0;
    for f in vector_files() {
        let v: Vector = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        if v.category == "mechanisms" {
            continue;
        }
        let input: EpochInput = serde_json::from_value(v.input).unwrap();
        let (out, trace) = match run(&input) {
            Ok(x) => x,
            Err(e) => {
                failures.push(format!("{}: error {e}", v.name));
                continue;
            }
        };
        let got = serde_json::to_value(&out).unwrap();
        if got != v.expected {
            failures.push(format!("{}: {}", v.name, first_diff(&got, &v.expected)));
            continue;
        }
        if let Some(t) = v.trace {
            if t != trace {
                let a = serde_json::to_value(&trace).unwrap();
                let b = serde_json::to_value(&t).unwrap();
                failures.push(format!("{}: trace {}", v.name, first_diff(&a, &b)));
                continue;
            }
        }
        passed += 1;
    }
    for f in &failures {
        eprintln!("[{label}] FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "[{label}] {passed} passed, {} failed",
        failures.len()
    );
    eprintln!("[{label}] {passed} epoch vectors passed");
}

#[test]
fn main_pipeline_matches_every_vector() {
    check(yuma::epoch_with_trace, "main");
}

#[test]
fn reference_matches_every_vector() {
    check(yuma::reference::epoch_with_trace, "reference");
}

/// The busy-subnet benchmark inputs in `../shared/bench` (when present): the fast pipeline —
/// including the dense-row Yuma 2 path, which few of the small vectors take — against the
/// reference, outputs and traces bit for bit.
#[test]
fn bench_inputs_main_equals_reference() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        // The reference evaluates 16.8 M sigmoids on the 4096-uid liquid-alpha input (~4 s
        // optimized, minutes unoptimized).
        if cfg!(debug_assertions) && name.contains("4096") && name.ends_with("la") {
            eprintln!("skipped in a debug build: {name}");
            continue;
        }
        let input: EpochInput = serde_json::from_str(&std::fs::read_to_string(&f).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let fast = yuma::epoch_with_trace(&input);
        let slow = yuma::reference::epoch_with_trace(&input);
        assert!(fast == slow, "{name}: main and reference differ");
    }
}
