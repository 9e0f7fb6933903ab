//! Parameter sweeps: grid specs and their errors, every point bit-equal to the scenario run alone
//! with its `initial` patched (through the scenario API and through `yuma simulate`), the same
//! report on 1 and 2 threads, and `yuma sweep` end to end (summary, CSV, self-contained HTML,
//! exit codes, files left alone when a run fails).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::Value;
use yuma::scenario::{parse_scenario, Scenario};
use yuma::sweep::{run_sweep, run_sweep_assuming, EpochRecord, Grid, SweepReport, MAX_POINTS};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn scenario_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("data/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    assert!(v.len() >= 12, "the shipped scenarios");
    v
}

fn load(path: &Path) -> (Value, Scenario) {
    let bytes = std::fs::read(path).unwrap();
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    (doc, parse_scenario(&bytes).unwrap())
}

fn err(spec: &str) -> String {
    match Grid::parse(spec) {
        Ok(g) => panic!("{spec:?} parsed: {} points", g.point_count()),
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.contains('\n'), "one line: {msg}");
            assert!(msg.starts_with("grid: "), "{msg}");
            msg
        }
    }
}

// ---------------------------------------------------------------- grid specs

#[test]
fn grid_points_are_the_cartesian_product_last_axis_fastest() {
    let g =
        Grid::parse("kappa=32767,45000;bonds_penalty=0,65535;yuma3_enabled=false,true").unwrap();
    assert_eq!(g.point_count(), 8);
    let fields: Vec<_> = g.axes().iter().map(|a| a.field()).collect();
    assert_eq!(fields, ["kappa", "bonds_penalty", "yuma3_enabled"]);
    let labels: Vec<String> = (0..8).map(|i| g.point(i).unwrap().label()).collect();
    assert_eq!(
        labels[0],
        "kappa=32767, bonds_penalty=0, yuma3_enabled=false"
    );
    assert_eq!(
        labels[1],
        "kappa=32767, bonds_penalty=0, yuma3_enabled=true"
    );
    assert_eq!(
        labels[2],
        "kappa=32767, bonds_penalty=65535, yuma3_enabled=false"
    );
    assert_eq!(
        labels[5],
        "kappa=45000, bonds_penalty=0, yuma3_enabled=true"
    );
    assert_eq!(
        labels[7],
        "kappa=45000, bonds_penalty=65535, yuma3_enabled=true"
    );
    let mut sorted = labels.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 8, "every point distinct");
    assert!(g.point(8).is_none());

    let mut input = yuma::EpochInput::default();
    g.point(6).unwrap().apply(&mut input);
    assert_eq!(
        (input.kappa, input.bonds_penalty, input.yuma3_enabled),
        (45000, 65535, false)
    );
}

#[test]
fn grid_spellings() {
    // White space, an empty part, a trailing `;`.
    let g = Grid::parse("  kappa = 1 , 2 ;; tempo=3 ; ").unwrap();
    assert_eq!(g.point_count(), 2);
    assert_eq!(g.axes()[0].values(), ["1", "2"]);
    // Words and JSON strings; null for the optional fields; a variant spelled like a JSON literal.
    let g = Grid::parse(
        "liquid_alpha_consensus_mode=current,\"previous\",auto;owner_uid=null,3;\
         epoch_consensus=yuma,null;spec_version=null,475",
    )
    .unwrap();
    assert_eq!(g.point_count(), 3 * 2 * 2 * 2);
    assert_eq!(g.axes()[0].values(), ["current", "previous", "auto"]);
    let mut input = yuma::EpochInput::default();
    g.point(g.point_count() - 1).unwrap().apply(&mut input);
    assert_eq!(input.liquid_alpha_consensus_mode, yuma::ConsensusMode::Auto);
    assert_eq!(input.owner_uid, Some(3));
    assert_eq!(input.epoch_consensus, yuma::EpochConsensus::Null);
    assert_eq!(input.spec_version, Some(475));
    // Extremes of each type.
    let g = Grid::parse(
        "alpha_sigmoid_steepness=-32768,32767;tao_weight=0,18446744073709551615;kappa=0,65535",
    )
    .unwrap();
    let mut input = yuma::EpochInput::default();
    g.point(g.point_count() - 1).unwrap().apply(&mut input);
    assert_eq!(
        (input.alpha_sigmoid_steepness, input.tao_weight, input.kappa),
        (32767, u64::MAX, 65535)
    );
    // Parse via FromStr too.
    let g: Grid = "kappa=1".parse().unwrap();
    assert_eq!(g.point_count(), 1);
}

#[test]
fn every_one_value_patch_field_is_a_grid_field() {
    for (field, value) in [
        ("current_block", "5"),
        ("tempo", "360"),
        ("activity_cutoff", "5000"),
        ("last_mechanism_step_block", "1"),
        ("tao_weight", "18446744073709551615"),
        ("stake_threshold", "0"),
        ("owner_uid", "null"),
        ("max_allowed_validators", "64"),
        ("kappa", "32767"),
        ("bonds_penalty", "65535"),
        ("bonds_moving_average", "900000"),
        ("yuma3_enabled", "true"),
        ("liquid_alpha_enabled", "false"),
        ("alpha_low", "45875"),
        ("alpha_high", "58982"),
        ("alpha_sigmoid_steepness", "-1000"),
        ("commit_reveal_enabled", "true"),
        ("rao_emission", "1000000000"),
        ("spec_version", "475"),
        ("liquid_alpha_consensus_mode", "previous"),
        ("last_yuma_step_block", "null"),
        ("epoch_consensus", "null"),
        ("mining_budget", "7"),
        ("dividend_budget", "null"),
        ("fallback_budget", "9"),
    ] {
        let spec = format!("{field}={value}");
        let g = Grid::parse(&spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_eq!(g.axes()[0].field(), field);
        // The same value through a scenario patch gives the same input.
        let patch: yuma::scenario::EpochPatch =
            serde_json::from_str(&format!("{{\"{field}\": {}}}", json_of(field, value))).unwrap();
        let (mut a, mut b) = (yuma::EpochInput::default(), yuma::EpochInput::default());
        g.point(0).unwrap().apply(&mut a);
        patch.apply(&mut b);
        assert_eq!(a, b, "{spec}");
    }
}

/// The JSON a scenario patch holds for a grid value as these tests write it: the enums' variants
/// as strings, everything else as written.
fn json_of(field: &str, value: &str) -> String {
    match field {
        "epoch_consensus" | "liquid_alpha_consensus_mode" => format!("\"{value}\""),
        _ => value.into(),
    }
}

#[test]
fn unknown_fields_suggest_the_nearest_one_like_a_patch() {
    let e = err("kapa=1,2");
    assert!(
        e.starts_with("grid: kapa=1: unknown field `kapa` (did you mean `kappa`?); a grid takes one of `current_block`, "),
        "{e}"
    );
    // Only grid fields are offered, and no position in a document the user never wrote.
    assert!(
        !e.contains("`weights`") && !e.contains("`n`,") && !e.contains(" at line "),
        "{e}"
    );
    assert!(
        e.contains("`yuma3_enabled`") && e.contains("`fallback_budget`"),
        "{e}"
    );
    // The same suggestion a scenario patch gets.
    let patch = parse_scenario(
        br#"{"initial": {"n": 0, "current_block": 10, "tempo": 1, "activity_cutoff": 1,
        "last_mechanism_step_block": 0, "last_update": [], "block_at_registration": [], "alpha_stake": [],
        "tao_stake": [], "tao_weight": 0, "stake_threshold": 0, "owner_uid": null, "validator_permit": [],
        "max_allowed_validators": 0, "weights": [], "bonds": [], "kappa": 0, "bonds_penalty": 0,
        "bonds_moving_average": 0, "yuma3_enabled": false, "liquid_alpha_enabled": false, "alpha_low": 0,
        "alpha_high": 0, "alpha_sigmoid_steepness": 0, "commit_reveal_enabled": false, "commit_blocks": [],
        "rao_emission": 0}, "epochs": [{"kapa": 1}]}"#,
    )
    .unwrap_err();
    assert!(
        patch
            .0
            .contains("unknown field `kapa` (did you mean `kappa`?)"),
        "{}",
        patch.0
    );
    let e = err("yuma3_enable=true");
    assert!(e.contains("(did you mean `yuma3_enabled`?)"), "{e}");
    // Far from every field: no suggestion.
    let e = err("zzzzzzzz=1");
    assert!(
        e.contains("unknown field `zzzzzzzz`;") && !e.contains("did you mean"),
        "{e}"
    );
}

#[test]
fn bad_grid_specs_are_one_line_each() {
    assert!(err("").contains("no fields"));
    assert!(err(" ; ;").contains("no fields"));
    assert!(err("kappa").contains("`kappa`: expected FIELD=V1,V2,..."));
    assert!(err("=1,2").contains("no field name before `=`"));
    assert_eq!(
        err("kappa=1;bonds_penalty=0;kappa=2"),
        "grid: `kappa` is given twice; list its values once (kappa=A,B,...)"
    );
    assert_eq!(
        err("kappa="),
        "grid: `kappa=`: no values (give kappa=A,B,...)"
    );
    assert_eq!(
        err("kappa= ;tempo=1"),
        "grid: `kappa=`: no values (give kappa=A,B,...)"
    );
    assert_eq!(err("kappa=1,,2"), "grid: `kappa=1,,2`: value 2 is empty");
    assert_eq!(err("kappa=1,"), "grid: `kappa=1,`: value 2 is empty");
    // A value the field cannot hold: the patch's words.
    assert_eq!(
        err("kappa=70000"),
        "grid: kappa=70000: invalid value: integer `70000`, expected u16"
    );
    assert_eq!(
        err("kappa=-1"),
        "grid: kappa=-1: invalid value: integer `-1`, expected u16"
    );
    let e = err("kappa=1.5");
    assert!(
        e.starts_with("grid: kappa=1.5: expected u16, found 1.5"),
        "{e}"
    );
    let e = err("kappa=high");
    assert!(
        e.starts_with("grid: kappa=high: invalid type: string \"high\", expected u16"),
        "{e}"
    );
    let e = err("yuma3_enabled=yes");
    assert!(
        e.starts_with("grid: yuma3_enabled=yes: invalid type: string \"yes\", expected a boolean"),
        "{e}"
    );
    let e = err("liquid_alpha_consensus_mode=latest");
    assert!(
        e.contains("unknown variant `latest`, expected one of `current`, `previous`, `auto`"),
        "{e}"
    );
    let e = err("owner_uid=[1]");
    assert!(
        e.contains("a grid value is one number, true/false, null or a word"),
        "{e}"
    );
    // Not hyperparameters.
    assert!(err("weights=1").contains("`weights` is a per-uid vector, not a hyperparameter"));
    assert!(err("alpha_stake=1,2").contains("per-uid vector"));
    assert!(err("n=4").contains("`n` is the subnet size, not a hyperparameter"));
    // The same value twice (however spelled).
    assert_eq!(
        err("kappa=1,2,1"),
        "grid: kappa: the value 1 is listed twice"
    );
    assert!(err("liquid_alpha_consensus_mode=previous,\"previous\"").contains("listed twice"));
    // Too many points.
    let hundred: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    let hundred = hundred.join(",");
    let ok = format!("kappa={hundred};bonds_penalty={hundred}");
    assert_eq!(Grid::parse(&ok).unwrap().point_count(), MAX_POINTS);
    assert_eq!(
        err(&format!("{ok};yuma3_enabled=false,true")),
        "grid: 20000 points (100 × 100 × 2); a sweep runs at most 10000"
    );
    let many: Vec<String> = (0..65535).map(|i| i.to_string()).collect();
    let many = many.join(",");
    let e = err(&format!(
        "kappa={many};alpha_low={many};alpha_high={many};bonds_penalty={many};tempo={many}"
    ));
    assert!(
        e.contains("too many points (65535 × 65535 × 65535 × 65535 × 65535)"),
        "{e}"
    );
}

// ---------------------------------------------------------------- same bits

/// The scenario document with `initial`'s fields set to the point's values (JSON edited
/// directly, independent of the grid's own patching), parsed again.
fn patched(doc: &Value, grid: &Grid, index: usize) -> Scenario {
    let mut doc = doc.clone();
    let point = grid.point(index).unwrap();
    for (field, value) in point.values() {
        let v: Value = match (field, value) {
            ("epoch_consensus", v) | ("liquid_alpha_consensus_mode", v) => Value::from(v),
            (_, v) => serde_json::from_str(v).unwrap(),
        };
        doc["initial"][field] = v;
    }
    parse_scenario(serde_json::to_string(&doc).unwrap().as_bytes()).unwrap()
}

/// Every epoch of the scenario as records, through the scenario API.
fn alone(s: &Scenario, assume: Option<u32>) -> Vec<EpochRecord> {
    let mut out = Vec::new();
    yuma::scenario::run_with_assuming(s, assume, |_, state, o| {
        out.push(EpochRecord::new(state, o));
        true
    })
    .unwrap();
    out
}

fn check_same_bits(
    file: &Path,
    doc: &Value,
    s: &Scenario,
    grid: &Grid,
    report: &SweepReport,
    assume: Option<u32>,
) {
    assert_eq!(report.points.len(), grid.point_count());
    for (i, p) in report.points.iter().enumerate() {
        assert_eq!(p.index, i);
        assert!(
            p.error.is_none(),
            "{}: point {i}: {:?}",
            file.display(),
            p.error
        );
        let want = alone(&patched(doc, grid, i), assume);
        assert_eq!(want.len(), s.epochs.len());
        assert_eq!(
            p.epochs,
            want,
            "{}: point {i} ({})",
            file.display(),
            p.label()
        );
    }
}

const GRID8: &str = "kappa=32767,45000;bonds_penalty=0,65535;yuma3_enabled=false,true";

#[test]
fn every_point_is_the_patched_scenario_run_alone() {
    let mut points = 0;
    for file in scenario_files() {
        let (doc, s) = load(&file);
        for spec in [
            GRID8,
            "liquid_alpha_enabled=false,true;alpha_low=6553,45875;bonds_moving_average=900000,975000",
            "spec_version=null,475;liquid_alpha_consensus_mode=current,previous;epoch_consensus=yuma,null",
            "max_allowed_validators=1,3;stake_threshold=0,5;owner_uid=null,4;tempo=1,360",
        ] {
            let grid = Grid::parse(spec).unwrap();
            let report = run_sweep(&s, &grid, 2, |_| {}).unwrap();
            check_same_bits(&file, &doc, &s, &grid, &report, None);
            points += report.points.len();
        }
    }
    assert_eq!(points, 12 * (8 + 8 + 8 + 16));
}

#[test]
fn every_point_matches_yuma_simulate_on_the_patched_file() {
    let file = root().join("data/scenarios/kappa-moves-first-y3.json");
    let (doc, s) = load(&file);
    let grid = Grid::parse(GRID8).unwrap();
    let report = run_sweep(&s, &grid, 2, |_| {}).unwrap();
    let csv = report.to_csv();
    let dir = tempdir("same-as-simulate");
    for i in 0..grid.point_count() {
        let path = dir.join(format!("point-{i}.json"));
        let mut d = doc.clone();
        for (field, value) in grid.point(i).unwrap().values() {
            d["initial"][field] = serde_json::from_str(value).unwrap();
        }
        std::fs::write(&path, serde_json::to_string(&d).unwrap()).unwrap();
        let out_csv = dir.join(format!("point-{i}.csv"));
        let out = yuma(&[
            "simulate",
            path.to_str().unwrap(),
            "--csv",
            out_csv.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // simulate's rows: epoch,uid,...; the sweep's: point,<values>,epoch,block,uid,...
        let simulated = std::fs::read_to_string(&out_csv).unwrap();
        let prefix = format!(
            "{i},{},",
            grid.point(i)
                .unwrap()
                .values()
                .map(|(_, v)| v)
                .collect::<Vec<_>>()
                .join(",")
        );
        let swept: Vec<String> = csv
            .lines()
            .skip(1)
            .filter(|l| l.starts_with(&prefix))
            .map(|l| {
                let rest = &l[prefix.len()..];
                let cols: Vec<&str> = rest.split(',').collect();
                // Drop the block column.
                let mut v = vec![cols[0]];
                v.extend(&cols[2..]);
                v.join(",")
            })
            .collect();
        let simulated: Vec<&str> = simulated.lines().skip(1).collect();
        assert_eq!(swept.len(), 12 * 5);
        assert_eq!(swept, simulated, "point {i}");
    }
}

#[test]
fn a_patch_setting_a_grid_field_overrides_it_from_its_epoch_on() {
    let file = root().join("data/scenarios/stable-miner-y2.json");
    let (mut doc, _) = load(&file);
    doc["epochs"][5]["yuma3_enabled"] = Value::from(true);
    doc["epochs"][8]["yuma3_enabled"] = Value::from(false);
    let s = parse_scenario(serde_json::to_string(&doc).unwrap().as_bytes()).unwrap();
    let grid = Grid::parse("yuma3_enabled=false,true;kappa=32767,40000").unwrap();
    assert_eq!(grid.scenario_overrides(&s), [("yuma3_enabled", vec![5, 8])]);
    let report = run_sweep(&s, &grid, 2, |_| {}).unwrap();
    check_same_bits(&file, &doc, &s, &grid, &report, None);
    // Points 0 and 2 differ in yuma3_enabled only: different outputs before epoch 5.
    assert_ne!(report.points[0].epochs[..5], report.points[2].epochs[..5]);
}

#[test]
fn assume_spec_applies_to_every_point() {
    let file = root().join("data/scenarios/liquid-alpha-disabled-y3.json");
    let (doc, s) = load(&file);
    let grid = Grid::parse("spec_version=999999,475;kappa=32767,45000").unwrap();
    let refused = run_sweep(&s, &grid, 2, |_| {}).unwrap();
    let failed: Vec<_> = refused
        .failures()
        .map(|(p, e)| (p.index, e.epoch))
        .collect();
    assert_eq!(failed, [(0, 0), (1, 0)]);
    assert!(refused.points[0].epochs.is_empty());
    assert!(refused.points[2].error.is_none() && refused.points[2].epochs.len() == 12);
    let assumed = run_sweep_assuming(&s, &grid, 2, Some(475), |_| {}).unwrap();
    check_same_bits(&file, &doc, &s, &grid, &assumed, Some(475));
    // Under the assumed rules spec 999999 runs exactly as spec 475 does.
    assert_eq!(assumed.points[0].epochs, assumed.points[2].epochs);
    // And assuming spec 425 for spec 475 points changes the rules they run under.
    let old = run_sweep_assuming(
        &s,
        &Grid::parse("spec_version=475").unwrap(),
        1,
        Some(425),
        |_| {},
    )
    .unwrap();
    assert_eq!(
        old.points[0].epochs,
        alone(
            &patched(&doc, &Grid::parse("spec_version=475").unwrap(), 0),
            Some(425)
        )
    );
}

// ---------------------------------------------------------------- threads

#[test]
fn one_thread_and_two_threads_give_the_same_report() {
    let file = root().join("data/scenarios/stable-miner-y3.json");
    let (_, s) = load(&file);
    let grid = Grid::parse(
        "kappa=0,32767,45000,65535;bonds_penalty=0,32768,65535;liquid_alpha_enabled=false,true;yuma3_enabled=false,true",
    )
    .unwrap();
    assert_eq!(grid.point_count(), 48);
    let one = run_sweep(&s, &grid, 1, |_| {}).unwrap();
    let two = run_sweep(&s, &grid, 2, |_| {}).unwrap();
    let all = run_sweep(&s, &grid, 0, |_| {}).unwrap();
    let three = run_sweep(&s, &grid, 3, |_| {}).unwrap();
    assert_eq!(one, two);
    assert_eq!(one, all);
    assert_eq!(one, three);
    assert_eq!(one.to_csv(), two.to_csv());
    assert_eq!(one.uid_spreads(), two.uid_spreads());
    assert_eq!(one.axis_effects(), two.axis_effects());
}

#[test]
fn progress_counts_every_epoch_and_point() {
    let (_, s) = load(&root().join("data/scenarios/one-epoch-switch-y2.json"));
    let grid = Grid::parse("kappa=1,2,3,4,5;spec_version=null,999999").unwrap();
    let calls = AtomicUsize::new(0);
    let last = Mutex::new(None);
    let max_points = AtomicUsize::new(0);
    let max_epochs = AtomicUsize::new(0);
    let report = run_sweep(&s, &grid, 2, |p| {
        calls.fetch_add(1, Ordering::Relaxed);
        assert!(p.points_done <= p.points && p.epochs_done <= p.epochs);
        assert_eq!((p.points, p.epochs), (10, 120));
        max_points.fetch_max(p.points_done, Ordering::Relaxed);
        max_epochs.fetch_max(p.epochs_done, Ordering::Relaxed);
        *last.lock().unwrap() = Some(p);
    })
    .unwrap();
    // 5 points run 12 epochs each; 5 fail at epoch 0 (one call each, their epochs counted done).
    assert_eq!(calls.into_inner(), 5 * 12 + 5);
    assert_eq!(max_points.into_inner(), 10);
    assert_eq!(max_epochs.into_inner(), 120);
    assert_eq!(report.failures().count(), 5);
    assert!(last.into_inner().unwrap().is_some());
}

// ---------------------------------------------------------------- report analysis

#[test]
fn totals_spreads_and_axis_effects_add_up() {
    let (_, s) = load(&root().join("data/scenarios/stable-miner-y2.json"));
    let grid =
        Grid::parse("stake_threshold=0,1;yuma3_enabled=false,true;kappa=32767,45000").unwrap();
    let report = run_sweep(&s, &grid, 2, |_| {}).unwrap();
    let totals = report.totals();
    for (p, t) in report.points.iter().zip(&totals) {
        let sum: u128 = p
            .epochs
            .iter()
            .flat_map(|e| &e.emission)
            .map(|&x| u128::from(x))
            .sum();
        assert_eq!(t.emission.iter().sum::<u128>(), sum);
        let inc: u64 = p.epochs.iter().map(|e| u64::from(e.incentive[5])).sum();
        assert_eq!(t.incentive[5], inc);
    }
    // Spreads: recomputed directly.
    for sp in report.uid_spreads() {
        let col: Vec<u128> = totals.iter().map(|t| t.emission[sp.uid]).collect();
        assert_eq!(sp.low, *col.iter().min().unwrap());
        assert_eq!(sp.high, *col.iter().max().unwrap());
        assert_eq!(col[sp.low_point], sp.low);
        assert_eq!(col[sp.high_point], sp.high);
    }
    // Effects: stake_threshold 0 vs 1 rao changes nothing here, kappa neither in this subnet;
    // Yuma 3 moves emission, and the pair named differs in yuma3_enabled only.
    let effects = report.axis_effects();
    assert_eq!(
        effects.iter().map(|e| e.field).collect::<Vec<_>>(),
        ["stake_threshold", "yuma3_enabled", "kappa"]
    );
    assert_eq!(effects[0].moved, 0);
    assert_eq!(effects[0].uid, None);
    let y3 = effects[1];
    assert!(y3.moved > 0);
    let (lo, hi) = (
        grid.point(y3.low_point).unwrap(),
        grid.point(y3.high_point).unwrap(),
    );
    let differing: Vec<_> = lo
        .values()
        .zip(hi.values())
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0)
        .collect();
    assert_eq!(differing, ["yuma3_enabled"]);
    let uid = y3.uid.unwrap();
    assert_eq!(
        y3.moved,
        totals[y3.high_point].emission[uid] - totals[y3.low_point].emission[uid]
    );
    // The largest such change over every pair differing in yuma3_enabled only.
    let mut best = 0;
    for i in 0..8 {
        for j in 0..8 {
            let (a, b) = (grid.point(i).unwrap(), grid.point(j).unwrap());
            let diff: Vec<_> = a
                .values()
                .zip(b.values())
                .filter(|(x, y)| x != y)
                .map(|(x, _)| x.0)
                .collect();
            if diff == ["yuma3_enabled"] {
                for u in 0..6 {
                    best = best.max(totals[i].emission[u].saturating_sub(totals[j].emission[u]));
                }
            }
        }
    }
    assert_eq!(y3.moved, best);
}

// ---------------------------------------------------------------- the CLI

fn yuma(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuma"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run yuma")
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("yuma-sweep-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs `yuma` expecting exit `code`; (stdout, stderr).
fn expect(args: &[&str], code: i32) -> (String, String) {
    let out = yuma(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "yuma {args:?}:\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

#[test]
fn cli_writes_the_summary_csv_and_a_self_contained_page() {
    let dir = tempdir("cli");
    let csv = dir.join("sweep.csv");
    let html = dir.join("sweep.html");
    let file = "data/scenarios/stable-miner-y2.json";
    let (stdout, stderr) = expect(
        &[
            "sweep",
            file,
            "--grid",
            GRID8,
            "--jobs",
            "2",
            "--csv",
            csv.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ],
        0,
    );
    // The summary: one row per point, the totals, what differs.
    assert!(stdout.starts_with(
        "sweep of data/scenarios/stable-miner-y2.json: 8 points (kappa × bonds_penalty × yuma3_enabled), 12 epochs each\n"
    ), "{stdout}");
    assert!(
        stdout.contains("miners_rao") && stdout.contains("top dividends Σ (uid)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n    7  45000          65535           true"),
        "{stdout}"
    );
    assert!(
        stdout.contains("what differs most between points"),
        "{stdout}"
    );
    assert!(stdout.contains("by parameter"), "{stdout}");
    assert!(
        stderr.contains("8 points × 12 epochs = 96 epochs in "),
        "{stderr}"
    );
    assert!(
        stderr.contains(" on 2 threads: ") && stderr.contains(" epochs/s"),
        "{stderr}"
    );

    // The CSV is the library's report, byte for byte.
    let (_, s) = load(&root().join(file));
    let report = run_sweep(&s, &Grid::parse(GRID8).unwrap(), 1, |_| {}).unwrap();
    let written = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(written, report.to_csv());
    assert!(written.starts_with(
        "point,kappa,bonds_penalty,yuma3_enabled,epoch,block,uid,active,stake,stake_weight,consensus,incentive,dividends,validator_trust,new_validator_permit,server_emission,validator_emission,emission,bonds\n"
    ));
    assert_eq!(written.lines().count(), 1 + 8 * 12 * 6);
    // The totals printed are the CSV's.
    let point0_miners: u128 = written
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("0,"))
        .map(|l| l.split(',').nth(15).unwrap().parse::<u128>().unwrap())
        .sum();
    assert!(
        stdout.contains(&grouped(point0_miners)),
        "{point0_miners}\n{stdout}"
    );

    // The page: self-contained, with the charts.
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.trim_end().ends_with("</html>"));
    for forbidden in [
        "http", "src=", "href=", "<script", "<link", "@import", "url(",
    ] {
        assert!(!page.contains(forbidden), "the page holds {forbidden:?}");
    }
    assert_eq!(
        page.matches("<svg").count(),
        1 + 8 * 2,
        "totals chart + two per point"
    );
    assert_eq!(page.matches("<svg").count(), page.matches("</svg>").count());
    assert!(page.contains(
        "<figcaption>point 7: kappa=45000, bonds_penalty=65535, yuma3_enabled=true</figcaption>"
    ));
    assert!(page.contains("<polyline"));
    assert!(page.contains("Total emission per point"));
    // No temporary files left beside the outputs.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

fn grouped(x: u128) -> String {
    let d = x.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn cli_notes_epochs_whose_patch_sets_a_grid_field() {
    let dir = tempdir("notes");
    let (mut doc, _) = load(&root().join("data/scenarios/stable-miner-y2.json"));
    doc["epochs"][0]["tempo"] = Value::from(1);
    doc["epochs"][4]["kappa"] = Value::from(40000);
    let path = dir.join("s.json");
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();
    let (_, stderr) = expect(
        &[
            "sweep",
            path.to_str().unwrap(),
            "--grid",
            "kappa=1,2;tempo=1,2",
        ],
        0,
    );
    assert!(stderr.contains("the patch of epoch 4 sets `kappa` itself, so from epoch 4 on every point runs the scenario's kappa"), "{stderr}");
    assert!(
        stderr.contains(
            "the patch of epoch 0 sets `tempo` itself, so the grid's values never take effect"
        ),
        "{stderr}"
    );
}

#[test]
fn cli_exit_codes_and_one_line_errors() {
    let file = "data/scenarios/stable-miner-y2.json";
    let one_line = |stderr: &str| {
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("yuma: "), "{stderr}");
    };
    for (grid, says) in [
        ("kapa=1,2", "unknown field `kapa` (did you mean `kappa`?)"),
        (
            "kappa=70000",
            "invalid value: integer `70000`, expected u16",
        ),
        ("kappa=", "`kappa=`: no values"),
        ("kappa=1;kappa=2", "`kappa` is given twice"),
        ("weights=1", "not a hyperparameter"),
        ("", "no fields"),
    ] {
        let (stdout, stderr) = expect(&["sweep", file, "--grid", grid], 2);
        assert!(stdout.is_empty());
        one_line(&stderr);
        assert!(stderr.contains(says), "{grid}: {stderr}");
    }
    let hundred: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let spec = format!("kappa={0};bonds_penalty={0}", hundred.join(","));
    let (_, stderr) = expect(&["sweep", file, "--grid", &spec], 2);
    one_line(&stderr);
    assert!(
        stderr.contains("10201 points (101 × 101); a sweep runs at most 10000"),
        "{stderr}"
    );

    // Not a scenario, no file, bad --jobs, the same path twice.
    let (_, stderr) = expect(&["sweep", "data/epoch-small.json", "--grid", "kappa=1"], 2);
    one_line(&stderr);
    assert!(stderr.contains("an EpochInput, not a scenario"), "{stderr}");
    let (_, stderr) = expect(&["sweep", "no/such.json", "--grid", "kappa=1"], 2);
    assert!(stderr.contains("no such file or directory"), "{stderr}");
    expect(&["sweep", file, "--grid", "kappa=1", "--jobs", "0"], 2);
    expect(&["sweep", file], 2);
    let (_, stderr) = expect(
        &[
            "sweep", file, "--grid", "kappa=1", "--csv", "x.out", "--html", "./x.out",
        ],
        2,
    );
    assert!(stderr.contains("--csv and --html both name"), "{stderr}");

    // A point whose epoch fails: exit 2, and existing output files are left as they were.
    let dir = tempdir("exit");
    let csv = dir.join("out.csv");
    let html = dir.join("out.html");
    std::fs::write(&csv, "keep me").unwrap();
    std::fs::write(&html, "keep me too").unwrap();
    let args = [
        "sweep",
        file,
        "--grid",
        "spec_version=475,999999;kappa=1,2",
        "--csv",
        csv.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ];
    let (stdout, stderr) = expect(&args, 2);
    assert!(stdout.is_empty());
    one_line(&stderr);
    assert!(
        stderr.contains("point 2 of 4 (spec_version=999999, kappa=1): epoch 0: "),
        "{stderr}"
    );
    assert!(stderr.contains("(and 1 more points failed)"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "keep me");
    assert_eq!(std::fs::read_to_string(&html).unwrap(), "keep me too");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "no temporary file left"
    );
    // The same grid under --assume-spec runs.
    let mut assumed = vec!["--assume-spec", "475"];
    assumed.extend(args);
    expect(&assumed, 0);
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .starts_with("point,spec_version,kappa,"));
}
