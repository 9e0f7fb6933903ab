//! The golden vectors through the mock runtime: each vector's input is written into storage, the
//! pallet's `on_initialize` runs the epoch at the vector's block, and every stored output is
//! compared with the vector's `expected` — then the input the pallet would build for the next
//! epoch is compared with `yuma::simulate::transition` (what the chain carries between epochs).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use frame_support::traits::Hooks;
use yuma::json::{mismatches, parse_document, Document, VectorExpected, VectorInput};
use yuma::mechanisms::MechanismsOutput;
use yuma::{EpochInput, EpochOutput, MechanismsInput};

use crate::mock::{new_test_ext, set_rules_spec, RuntimeEvent, System, Test, Yuma};
use crate::{
    is_epoch_block, mechanism_index, Active, Bonds, Consensus, ConsensusByMechanism, Dividends,
    Emission, Event, Incentive, ServerEmission, StakeWeight, SubnetInput, ValidatorEmission,
    ValidatorPermit, ValidatorTrust,
};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// Every `.json` file under `dir`, recursively, sorted.
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// A netuid whose epoch is due at `block` under `tempo` (any netuid for tempo 0, which the
/// schedule never runs).
fn due_netuid(block: u64, tempo: u16) -> u16 {
    if tempo == 0 {
        return 1;
    }
    let period = u64::from(tempo) + 1;
    let netuid = ((period - (block + 1) % period) % period) as u16;
    assert!(is_epoch_block(netuid, tempo, block));
    netuid
}

/// The family a vector counts in: rules, then what it exercises.
fn family(spec: Option<u32>, m: &EpochInput, mechanisms: bool) -> String {
    let rules = if spec.unwrap_or(425) >= 446 {
        "spec 475"
    } else {
        "spec 425"
    };
    let kind = if mechanisms {
        "mechanisms"
    } else if spec.unwrap_or(425) >= 446 && m.epoch_consensus == yuma::EpochConsensus::Null {
        "null"
    } else if m.yuma3_enabled && m.liquid_alpha_enabled {
        "liquid alpha"
    } else if m.yuma3_enabled {
        "yuma 3"
    } else {
        "yuma 2"
    };
    format!("{rules} {kind}")
}

struct Diffs(Vec<String>);

impl Diffs {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: &T, expected: &T) {
        if got != expected {
            self.0
                .push(format!("{what}: stored {got:?}, expected {expected:?}"));
        }
    }
}

/// Runs the hook at `block` (or, for tempo 0, which the hook never runs, the pallet's epoch
/// directly) and returns the `EpochRan` event's `(rules, mechanisms, split)`.
fn run_hook(netuid: u16, tempo: u16, block: u64, d: &mut Diffs) -> Option<(u32, u8, Vec<u64>)> {
    System::set_block_number(block);
    let weight = Yuma::on_initialize(block);
    if tempo == 0 {
        d.eq("hook with tempo 0 ran", &System::events().len(), &0);
        Yuma::run_epoch(netuid, block).unwrap();
    } else if weight.ref_time() == 0 {
        d.0.push("the hook reported no weight".into());
    }
    let mut ran = None;
    for record in System::events() {
        match record.event {
            RuntimeEvent::Yuma(Event::EpochRan {
                netuid: got,
                rules,
                mechanisms,
                split,
            }) => {
                d.eq("EpochRan netuid", &got, &netuid);
                ran = Some((rules, mechanisms, split));
            }
            other => d.0.push(format!("unexpected event {other:?}")),
        }
    }
    if ran.is_none() {
        d.0.push("no EpochRan event".into());
    }
    ran
}

fn check_rows(d: &mut Diffs, index: u16, n: u16, want: &[Vec<(u16, u16)>]) {
    for uid in 0..n {
        let empty = Vec::new();
        let w = want.get(usize::from(uid)).unwrap_or(&empty);
        d.eq(
            &format!("Bonds[{index}, {uid}]"),
            &Bonds::<Test>::get(index, uid),
            w,
        );
    }
}

fn rules_of(spec: Option<u32>) -> u32 {
    if spec.unwrap_or(425) >= 446 {
        475
    } else {
        425
    }
}

fn check_single(input: EpochInput, exp: EpochOutput) -> Vec<String> {
    let mut d = Diffs(Vec::new());
    set_rules_spec(input.spec_version);
    let block = input.current_block;
    let netuid = due_netuid(block, input.tempo);
    new_test_ext().execute_with(|| {
        Yuma::insert_subnet(netuid, &input).unwrap();
        let Some((rules, mechanisms, split)) = run_hook(netuid, input.tempo, block, &mut d) else {
            return;
        };
        d.eq("rules", &rules, &rules_of(input.spec_version));
        d.eq("mechanisms", &mechanisms, &1);
        d.eq("split", &split, &vec![input.rao_emission]);
        d.eq("Active", &Active::<Test>::get(netuid), &exp.active);
        d.eq(
            "StakeWeight",
            &StakeWeight::<Test>::get(netuid),
            &exp.stake_weight,
        );
        d.eq("Consensus", &Consensus::<Test>::get(netuid), &exp.consensus);
        d.eq("Incentive", &Incentive::<Test>::get(netuid), &exp.incentive);
        d.eq("Dividends", &Dividends::<Test>::get(netuid), &exp.dividends);
        d.eq(
            "ValidatorTrust",
            &ValidatorTrust::<Test>::get(netuid),
            &exp.validator_trust,
        );
        d.eq(
            "ValidatorPermit",
            &ValidatorPermit::<Test>::get(netuid),
            &exp.new_validator_permit,
        );
        d.eq("Emission", &Emission::<Test>::get(netuid), &exp.emission);
        d.eq(
            "ServerEmission",
            &ServerEmission::<Test>::get(netuid),
            &exp.server_emission,
        );
        d.eq(
            "ValidatorEmission",
            &ValidatorEmission::<Test>::get(netuid),
            &exp.validator_emission,
        );
        // A Null epoch writes no bonds: the stored rows stay the input's.
        let bonds = if exp.bonds_persisted == Some(false) {
            &input.bonds
        } else {
            &exp.bonds
        };
        check_rows(&mut d, netuid, input.n, bonds);
        d.eq(
            "ConsensusByMechanism",
            &ConsensusByMechanism::<Test>::get(netuid),
            exp.consensus_by_mechanism
                .as_ref()
                .unwrap_or(&input.previous_consensus),
        );
        // What the next epoch reads is what the chain carries.
        let mut want = yuma::simulate::transition(&input, &exp);
        normalize_next(&mut want);
        match Yuma::epoch_input(netuid, block).unwrap() {
            SubnetInput::Single(next) => report(&mut d, "next input", &next, &want),
            SubnetInput::Mechanisms(_) => d.0.push("next input has mechanisms".into()),
        }
    });
    d.0
}

/// `state` as the pallet rebuilds it after the epoch: the pending emission and budgets taken,
/// rows for uids at or above `n` not read.
fn normalize_next(state: &mut EpochInput) {
    let n = usize::from(state.n);
    state.rao_emission = 0;
    state.mining_budget = None;
    state.dividend_budget = None;
    state.fallback_budget = None;
    state.weights.truncate(n);
    state.bonds.truncate(n);
}

fn report<T: serde::Serialize>(d: &mut Diffs, what: &str, got: &T, want: &T) {
    for m in mismatches(what, got, want).into_iter().take(5) {
        d.0.push(m.to_string());
    }
}

fn check_mechanisms(input: MechanismsInput, exp: MechanismsOutput) -> Vec<String> {
    let mut d = Diffs(Vec::new());
    let first = input.mechanisms[0].clone();
    let spec = input.spec_version.or(first.spec_version);
    set_rules_spec(spec);
    let block = first.current_block;
    let netuid = due_netuid(block, first.tempo);
    new_test_ext().execute_with(|| {
        Yuma::insert_mechanisms(netuid, &input).unwrap();
        let Some((rules, mechanisms, split)) = run_hook(netuid, first.tempo, block, &mut d) else {
            return;
        };
        d.eq("rules", &rules, &rules_of(spec));
        d.eq(
            "mechanisms",
            &usize::from(mechanisms),
            &input.mechanisms.len(),
        );
        d.eq("split", &split, &exp.split);
        for (k, (m, out)) in input.mechanisms.iter().zip(&exp.per_mechanism).enumerate() {
            let index = mechanism_index(netuid, k as u8).unwrap();
            d.eq(
                &format!("Incentive[{index}]"),
                &Incentive::<Test>::get(index),
                &out.incentive,
            );
            let bonds = if out.bonds_persisted == Some(false) {
                &m.bonds
            } else {
                &out.bonds
            };
            check_rows(&mut d, index, m.n, bonds);
            d.eq(
                &format!("ConsensusByMechanism[{index}]"),
                &ConsensusByMechanism::<Test>::get(index),
                out.consensus_by_mechanism
                    .as_ref()
                    .unwrap_or(&m.previous_consensus),
            );
        }
        let a = &exp.aggregated;
        d.eq("Active", &Active::<Test>::get(netuid), &a.active);
        d.eq(
            "StakeWeight",
            &StakeWeight::<Test>::get(netuid),
            &a.stake_weight,
        );
        d.eq("Consensus", &Consensus::<Test>::get(netuid), &a.consensus);
        d.eq("Dividends", &Dividends::<Test>::get(netuid), &a.dividends);
        d.eq(
            "ValidatorTrust",
            &ValidatorTrust::<Test>::get(netuid),
            &a.validator_trust,
        );
        d.eq(
            "ValidatorPermit",
            &ValidatorPermit::<Test>::get(netuid),
            &a.new_validator_permit,
        );
        d.eq("Emission", &Emission::<Test>::get(netuid), &a.emission);
        d.eq(
            "ServerEmission",
            &ServerEmission::<Test>::get(netuid),
            &a.server_emission,
        );
        d.eq(
            "ValidatorEmission",
            &ValidatorEmission::<Test>::get(netuid),
            &a.validator_emission,
        );
        // What the next epoch reads is what the chain carries.
        let mut want = input.clone();
        yuma::simulate::transition_mechanisms(&mut want, &exp);
        let kind = input.epoch_consensus.unwrap_or(first.epoch_consensus);
        want.rao_emission = 0;
        want.miner_budget = None;
        want.local_dividend_budget = None;
        want.root_budget = None;
        want.spec_version = spec;
        want.epoch_consensus = Some(kind);
        for m in &mut want.mechanisms {
            normalize_next(m);
            m.spec_version = spec;
            m.epoch_consensus = kind;
        }
        match Yuma::epoch_input(netuid, block).unwrap() {
            SubnetInput::Mechanisms(next) => report(&mut d, "next input", &next, &want),
            SubnetInput::Single(_) => d.0.push("next input has no mechanisms".into()),
        }
    });
    d.0
}

/// Runs every vector under `dir` (skipping `skip`), prints the tally per family and fails on any
/// difference.
fn run_dir(dir: &Path, skip: Option<&Path>) -> BTreeMap<String, usize> {
    let mut files = Vec::new();
    json_files(dir, &mut files);
    if let Some(skip) = skip {
        files.retain(|p| !p.starts_with(skip));
    }
    assert!(!files.is_empty(), "no vectors under {}", dir.display());
    let mut tally = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &files {
        let bytes = fs::read(path).unwrap();
        let Document::Vector(v) = parse_document(&bytes).unwrap_or_else(|e| panic!("{e}")) else {
            panic!("{}: not a vector file", path.display());
        };
        let (fam, diffs) = match (v.input, v.expected) {
            (VectorInput::Epoch(i), Some(VectorExpected::Epoch(e))) => {
                (family(i.spec_version, &i, false), check_single(i, e))
            }
            (VectorInput::Mechanisms(m), Some(VectorExpected::Mechanisms(e))) => {
                let spec = m.spec_version.or(m.mechanisms[0].spec_version);
                (family(spec, &m.mechanisms[0], true), check_mechanisms(m, e))
            }
            _ => panic!("{}: no expected output", path.display()),
        };
        *tally.entry(fam).or_insert(0usize) += 1;
        if !diffs.is_empty() {
            failures.push(format!("{}:\n  {}", path.display(), diffs.join("\n  ")));
        }
    }
    let total: usize = tally.values().sum();
    println!(
        "{}: {total} vectors through the mock runtime",
        dir.display()
    );
    for (fam, count) in &tally {
        println!("  {fam}: {count}");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} vectors differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(total, files.len());
    tally
}

#[test]
fn spec425_vectors_through_the_hook() {
    let dir = vectors_dir();
    let tally = run_dir(&dir, Some(&dir.join("spec475")));
    for fam in ["yuma 2", "yuma 3", "liquid alpha", "mechanisms"] {
        assert!(
            tally
                .get(&format!("spec 425 {fam}"))
                .is_some_and(|&c| c > 0),
            "no {fam} vector"
        );
    }
}

#[test]
fn spec475_vectors_through_the_hook() {
    let tally = run_dir(&vectors_dir().join("spec475"), None);
    for fam in ["yuma 2", "liquid alpha", "null", "mechanisms"] {
        assert!(
            tally
                .get(&format!("spec 475 {fam}"))
                .is_some_and(|&c| c > 0),
            "no {fam} vector"
        );
    }
}
