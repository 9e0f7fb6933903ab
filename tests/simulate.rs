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

/// seq name (without `-eNN`) → [(input, expected)] in epoch order: the spec 425 `seq-*` vectors
/// and the newer runtime's `seq475-*`.
fn sequences() -> BTreeMap<String, Vec<(EpochInput, EpochOutput)>> {
    let mut files: Vec<PathBuf> = ["tests/vectors", "tests/vectors/spec475"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root().join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with("seq-") || name.starts_with("seq475-")
        })
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
    let mut diff: Map<String, Value> = b
        .iter()
        .filter(|(k, v)| a.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // Fields serialized only when not at their default: back to the default.
    for k in a.keys().filter(|k| !b.contains_key(*k)) {
        let default = match k.as_str() {
            "liquid_alpha_consensus_mode" => Value::from("auto"),
            "epoch_consensus" => Value::from("yuma"),
            "previous_consensus" => Value::Array(Vec::new()),
            _ => Value::Null,
        };
        diff.insert(k.clone(), default);
    }
    serde_json::from_value(Value::Object(diff)).unwrap()
}

/// The scenario of a sequence: each step's patch is what the transition does not carry — the
/// extrinsics between epochs. The transition must carry the bonds, the step blocks and the stored
/// consensus; the only exceptions are what an extrinsic itself rewrites: the permits when
/// `epoch_consensus` switches (`do_set_epoch_consensus`), a re-registered uid's stored consensus
/// (`ConsensusByMechanism[uid]` zeroed, with its `block_at_registration`).
fn scenario_of(steps: &[(EpochInput, EpochOutput)]) -> Scenario {
    let mut epochs = vec![EpochPatch::default()];
    for w in steps.windows(2) {
        let carried = yuma::simulate::transition(&w[0].0, &w[0].1);
        let p = patch(&carried, &w[1].0);
        let fields = p.fields();
        for f in &fields {
            let allowed = match *f {
                "bonds" | "last_mechanism_step_block" | "last_yuma_step_block" => false,
                "validator_permit" => fields.contains(&"epoch_consensus"),
                "previous_consensus" => fields.contains(&"block_at_registration"),
                _ => true,
            };
            assert!(allowed, "the transition should carry {f} ({fields:?})");
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
    assert!(
        seqs.len() >= 21,
        "expected the 15 public sequences and 6 of spec 475"
    );
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

/// The spec 475 mechanisms sequence (`mech475-seq-*`): each step's input is the previous one
/// carried forward by `simulate::transition_mechanisms` (every mechanism's bonds and stored
/// consensus, the subnet's aggregated permits and step blocks) plus the extrinsics between them.
#[test]
fn mechanism_sequences_carry_every_mechanism() {
    let dir = root().join("tests/vectors/spec475");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("mech475-seq-")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 4, "expected the mech475-seq steps");
    let steps: Vec<(yuma::MechanismsInput, yuma::MechanismsOutput)> = files
        .iter()
        .map(|f| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            (
                serde_json::from_value(v["input"].clone()).unwrap(),
                serde_json::from_value(v["expected"].clone()).unwrap(),
            )
        })
        .collect();
    for (k, w) in steps.windows(2).enumerate() {
        let (input, out) = &w[0];
        assert_eq!(
            &yuma::epoch_with_mechanisms(input).unwrap(),
            out,
            "step {k}"
        );
        let mut carried = input.clone();
        yuma::simulate::transition_mechanisms(&mut carried, out);
        let next = &w[1].0;
        for (m, (a, b)) in carried.mechanisms.iter().zip(&next.mechanisms).enumerate() {
            for f in patch(a, b).fields() {
                assert!(
                    !matches!(
                        f,
                        "bonds"
                            | "validator_permit"
                            | "previous_consensus"
                            | "last_mechanism_step_block"
                            | "last_yuma_step_block"
                    ),
                    "step {k} mechanism {m}: the transition should carry {f}"
                );
            }
        }
    }
}
