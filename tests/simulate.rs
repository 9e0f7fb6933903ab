//! Multi-epoch simulation reproduces the chain: scenarios built from consecutive `seq-*` vectors
//! (each step's input = the previous state carried forward + a patch) match every step's
//! expected output, and the shipped example scenarios are exactly those sequences.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use yuma::scenario::{run, EpochPatch, Scenario};
use yuma::{EpochInput, EpochOutput};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// seq name (without `-eNN`) → [(input, expected)] in epoch order.
fn sequences() -> BTreeMap<String, Vec<(EpochInput, EpochOutput)>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/vectors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("seq-"))
        .collect();
    files.sort();
    let mut out: BTreeMap<String, Vec<(EpochInput, EpochOutput)>> = BTreeMap::new();
    for f in files {
        let stem = f.file_stem().unwrap().to_str().unwrap().to_string();
        let (name, _) = stem.rsplit_once("-e").unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let input: EpochInput = serde_json::from_value(v["input"].clone()).unwrap();
        let expected: EpochOutput = serde_json::from_value(v["expected"].clone()).unwrap();
        out.entry(name.to_string())
            .or_default()
            .push((input, expected));
    }
    out
}

/// The patch that turns `carried` into `target`: every field whose value differs.
fn patch(carried: &EpochInput, target: &EpochInput) -> EpochPatch {
    let (Value::Object(a), Value::Object(b)) = (
        serde_json::to_value(carried).unwrap(),
        serde_json::to_value(target).unwrap(),
    ) else {
        panic!("inputs serialize as objects");
    };
    let diff: Map<String, Value> = b.into_iter().filter(|(k, v)| a.get(k) != Some(v)).collect();
    serde_json::from_value(Value::Object(diff)).unwrap()
}

fn scenario_of(steps: &[(EpochInput, EpochOutput)]) -> Scenario {
    let mut epochs = vec![EpochPatch::default()];
    for w in steps.windows(2) {
        let carried = yuma::simulate::transition(&w[0].0, &w[0].1);
        let p = patch(&carried, &w[1].0);
        for f in p.fields() {
            assert!(
                !matches!(
                    f,
                    "bonds" | "validator_permit" | "last_mechanism_step_block"
                ),
                "the transition should carry {f}"
            );
        }
        epochs.push(p);
    }
    Scenario {
        initial: steps[0].0.clone(),
        epochs,
    }
}

#[test]
fn simulated_sequences_match_every_step() {
    let seqs = sequences();
    assert!(seqs.len() >= 15, "expected the 15 public sequences");
    let mut steps = 0;
    for (name, vs) in &seqs {
        let outputs = run(&scenario_of(vs), |_, _| {}).unwrap();
        assert_eq!(outputs.len(), vs.len());
        for (k, (got, (_, want))) in outputs.iter().zip(vs).enumerate() {
            assert_eq!(got, want, "{name} epoch {k}");
            steps += 1;
        }
    }
    eprintln!("{} sequences, {steps} simulated epochs match", seqs.len());
}

#[test]
fn example_scenarios_are_the_upstream_sequences() {
    let seqs = sequences();
    let dir = root().join("data/scenarios");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_str().unwrap();
        let scenario = yuma::scenario::parse_scenario(&std::fs::read(&p).unwrap()).unwrap();
        let outputs = run(&scenario, |_, _| {}).unwrap();
        let want = &seqs[&format!("seq-{stem}")];
        assert_eq!(outputs.len(), want.len(), "{stem}");
        for (k, (got, (_, w))) in outputs.iter().zip(want).enumerate() {
            assert_eq!(got, w, "{stem} epoch {k}");
        }
        n += 1;
    }
    assert_eq!(n, 12, "six upstream scenarios × Yuma 2/3");
}

#[test]
fn bad_patches_are_rejected_with_the_field_named() {
    let text = br#"{"initial": {}, "epochs": []}"#;
    let err = yuma::scenario::parse_scenario(text)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field"), "{err}");
    let ex = std::fs::read_to_string(root().join("data/scenarios/stable-miner-y2.json")).unwrap();
    let bad = ex.replacen("\"epochs\": [", "\"epochs\": [{\"kapa\": 1}, ", 1);
    let err = yuma::scenario::parse_scenario(bad.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("kapa") && err.contains("epochs[0]"), "{err}");
}
