//! # yuma-wasm — the `yuma` epoch in JavaScript
//!
//! wasm-bindgen exports over [`yuma::json`], so Node and the browser accept the same documents as
//! the `yuma` CLI (an `EpochInput`, a `MechanismsInput`, or a golden-vector file) and report the
//! same errors. Every export takes and returns JSON text; u64 values stay exact in that text.
//!
//! Every export that computes an epoch runs it under the rules of the input's `spec_version`
//! ([`yuma::runtime`]: spec 425 below 446, spec 475 from 446 to 475, an error above), or under
//! the rules of an assumed spec (`assume_spec`, as `yuma --assume-spec`): an optional last
//! argument, or an `assume_spec` key of the overrides JSON of `analyze` and `explain_with`.
//!
//! | export | returns |
//! |---|---|
//! | `epoch(json, assume_spec?)` | the output JSON, as `yuma epoch FILE` prints it |
//! | `epoch_with_trace(json, assume_spec?)` | the same with a `trace` field, as `yuma epoch --trace FILE` |
//! | `verify(json, assume_spec?)` | `{name, category, kind, n, passed, error, has_expected, mismatches, output, rules, runtime, epoch_info}` |
//! | `analyze(json, overrides)` | `{report, traces}`: what the verifier page renders (`overrides` may hold `assume_spec`) |
//! | `run_timed(json, reps, assume_spec?)` | `{n, reps, parse_ms, first_ms, median_ms, min_ms, max_ms, runtime}` |
//! | `simulate(scenario, assume_spec?)` | `{epochs, csv, n, blocks, patched, params, runtime, rules_runs, spec_versions, epoch_info, ...}`, as `yuma simulate` |
//! | `explain(json, uid, assume_spec?)` | the text of `yuma explain --uid UID` |
//! | `explain_with(json, overrides, uid, mechanism)` | the same after what-if overrides (and `assume_spec`) / of one mechanism |
//! | `explain_epoch(scenario, epoch, uid, assume_spec?)` | the same for one epoch of a scenario |
//! | `explain_data(json, overrides, uid, mechanism)` | the same account as data (`yuma::explain::Explanation`), for charts |
//! | `runtime_of(json, assume_spec?)` | which rules a document or scenario runs under, without computing it |
//! | `known_rules()` | the rule sets this build reproduces: `[{spec, name, source, specs}, ...]` |
//! | `version()` | `"yuma 0.1.0 (reproduces runtime specs up to 475: …)"`, as `yuma --version` |
//! | `new ChainFetch(netuid, block?, rpc, fetched_at, assume_spec?)` | a fetch of one epoch from a node, driven by the caller's transport (`step`, `answer`, `snapshot`), as `yuma fetch` |
//! | `verify_snapshot(json, assume_spec?)` | `{netuid, block, rules, passed, error, unsupported_runtime, compared, mismatches, skipped, n, output, chain, meta}`, as `yuma verify SNAPSHOT` |
//!
//! The reports carry the rules that ran: `runtime` is `{rules: {name, source, specs} | null,
//! spec_version, assumed, assume_spec, input_rules, newest_spec, error}` (`spec_version` is the
//! input's own; `input_rules` the rules it names itself, `null` when it names a runtime newer than
//! any reproduced; `error` why `rules` could not be chosen), and `epoch_info` per mechanism (or
//! per scenario epoch) is `{consensus: "yuma" | "null", null_winner, liquid_alpha}`, where
//! `liquid_alpha` (spec ≥ 446, Yuma 3 with liquid alpha) is `{applied, previous, mode,
//! bonds_penalty, stored}`: whether liquid alpha ran, and whether the consensus it read was the
//! stored previous one (the trace's `liquid_alpha_consensus` differs from this epoch's
//! `consensus`, as `yuma explain` tells them apart).
//!
//! Malformed input throws a JS `Error` whose message is the CLI's text without the
//! `yuma: <path>: ` prefix; nothing here panics on any input.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use yuma::json::{
    self as yj, Document, Implementation, Mismatch, OutputDoc, VectorExpected, VectorFile,
    VectorInput,
};
use yuma::runtime::{self, Rules};
use yuma::scenario::{self, EpochPatch, Scenario, ScenarioError};
use yuma::{EpochInput, EpochOutput, EpochTrace, MechanismsInput, MechanismsOutput, Workspace};

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: present in browsers and in Node >= 16.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn perf_now() -> f64;
}

/// The input a document describes (one per call: the size difference does not matter).
#[allow(clippy::large_enum_variant)]
enum Input {
    Epoch(EpochInput),
    Mechanisms(MechanismsInput),
}

/// A parsed document: its input, and the vector file around it if it is one.
struct Loaded {
    input: Input,
    vector: Option<Box<VectorFile>>,
}

/// Most weight and bond entries one call takes, across every input it holds (a scenario's
/// patches and a document's mechanisms included): the page's analysis of an input with 2²⁴ entries
/// took 3 GB in Node, one with 2²⁵ (a full 4096-uid subnet, which the CLI takes) ran out of
/// WebAssembly's 4 GB and trapped, so the browser build refuses such inputs up front.
pub const MAX_ENTRIES: usize = 1 << 24;

/// Refuses `entries` above [`MAX_ENTRIES`], with a message pointing at the CLI.
fn check_entries(entries: usize) -> Result<(), String> {
    if entries > MAX_ENTRIES {
        return Err(format!(
            "{entries} weight and bond entries in all: the WebAssembly build takes at most \
             {MAX_ENTRIES} (its memory is 4 GB); the yuma command takes up to {}",
            yuma::Limits::DEFAULT.max_entries
        ));
    }
    Ok(())
}

/// [`scenario::parse_scenario`], refusing scenarios whose initial input and patches hold more
/// than [`MAX_ENTRIES`] weight and bond entries.
fn load_scenario(text: &str) -> Result<Scenario, String> {
    let s = scenario::parse_scenario(text.as_bytes()).map_err(|e| e.to_string())?;
    check_entries(s.stored_entries())?;
    Ok(s)
}

/// Parses a document, refusing more than [`MAX_ENTRIES`] weight and bond entries in all.
fn load(text: &str) -> Result<Loaded, String> {
    let (input, vector) = match yj::parse_document(text.as_bytes()).map_err(|e| e.to_string())? {
        Document::Epoch(i) => (Input::Epoch(i), None),
        Document::Mechanisms(m) => (Input::Mechanisms(m), None),
        Document::Vector(v) => {
            let input = match &v.input {
                VectorInput::Epoch(i) => Input::Epoch(i.clone()),
                VectorInput::Mechanisms(m) => Input::Mechanisms(m.clone()),
            };
            (input, Some(v))
        }
    };
    check_entries(match &input {
        Input::Epoch(i) => i.stored_entries(),
        Input::Mechanisms(m) => m.stored_entries(),
    })?;
    Ok(Loaded { input, vector })
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

// ---------------------------------------------------------------- runtime rules

/// The rule sets this build reproduces, each with the spec that selects it when assumed.
fn known_rules_list() -> Vec<(u32, Rules)> {
    [runtime::DEFAULT_SPEC, runtime::NEWEST_CHECKED_SPEC]
        .into_iter()
        .filter_map(|spec| Rules::for_spec(Some(spec), None).ok().map(|r| (spec, r)))
        .collect()
}

/// A rule set as the reports name it.
#[derive(Serialize)]
struct RulesInfo {
    name: &'static str,
    source: &'static str,
    specs: &'static str,
}

impl From<Rules> for RulesInfo {
    fn from(r: Rules) -> Self {
        RulesInfo {
            name: r.name(),
            source: r.source(),
            specs: r.specs(),
        }
    }
}

/// Which rules a computation ran (or runs) under, and why: every report's `runtime`.
#[derive(Serialize)]
struct Runtime {
    /// The rules that ran (`None`: they could not be chosen; see `error`).
    rules: Option<RulesInfo>,
    /// The input's own `spec_version` (`None`: absent, computed as spec 425).
    spec_version: Option<u32>,
    /// Whether the rules were assumed (`assume_spec`) rather than read from the input.
    assumed: bool,
    /// The spec assumed, if any.
    assume_spec: Option<u32>,
    /// The rules the input's own `spec_version` names (`None` when it is newer than any
    /// reproduced, or the mechanisms disagree).
    input_rules: Option<RulesInfo>,
    /// The newest spec this build reproduces.
    newest_spec: u32,
    /// Why `rules` could not be chosen (the library's message), if they could not.
    error: Option<String>,
}

impl Runtime {
    fn new(
        spec_version: Option<u32>,
        rules: impl Fn(Option<u32>) -> Result<Rules, yuma::Error>,
        assume: Option<u32>,
    ) -> Self {
        let ran = rules(assume);
        Runtime {
            spec_version,
            assumed: assume.is_some(),
            assume_spec: assume,
            input_rules: rules(None).ok().map(RulesInfo::from),
            newest_spec: runtime::NEWEST_CHECKED_SPEC,
            error: ran.as_ref().err().map(|e| e.to_string()),
            rules: ran.ok().map(RulesInfo::from),
        }
    }

    fn of_epoch(i: &EpochInput, assume: Option<u32>) -> Self {
        Self::new(i.spec_version, |a| i.rules(a), assume)
    }

    fn of_mechanisms(m: &MechanismsInput, assume: Option<u32>) -> Self {
        // The subnet's spec_version, or its mechanisms' (which `rules` checks agree).
        let spec = m
            .spec_version
            .or_else(|| m.mechanisms.first().and_then(|e| e.spec_version));
        Self::new(spec, |a| m.rules(a), assume)
    }

    fn of(input: &Input, assume: Option<u32>) -> Self {
        match input {
            Input::Epoch(i) => Self::of_epoch(i, assume),
            Input::Mechanisms(m) => Self::of_mechanisms(m, assume),
        }
    }

    /// Whether an assumption replaced the rules the input names with other ones (a what-if);
    /// assuming rules for an input whose own are not reproduced is not.
    fn rules_changed(&self) -> bool {
        match (&self.rules, &self.input_rules) {
            (Some(r), Some(own)) => self.assumed && r.name != own.name,
            _ => false,
        }
    }
}

/// What liquid alpha read and did in a spec ≥ 446 Yuma 3 epoch.
#[derive(Serialize)]
struct LiquidAlphaInfo {
    /// Whether liquid alpha ran (the selected consensus is not all zero) or the fixed alpha did.
    applied: bool,
    /// Whether the consensus it read was the stored previous one (`previous_consensus`): the
    /// trace's `liquid_alpha_consensus` differs from this epoch's `consensus`.
    previous: bool,
    /// The input's `liquid_alpha_consensus_mode`.
    mode: Value,
    /// The input's `bonds_penalty` (`auto` reads the stored consensus at 65535).
    bonds_penalty: u16,
    /// Entries of the stored `previous_consensus`.
    stored: usize,
}

/// The kind of an epoch that ran, from its trace.
#[derive(Serialize)]
struct EpochInfo {
    /// `"yuma"` or `"null"`.
    consensus: &'static str,
    /// Null consensus: the sole validator (`None` when `n = 0`, and for Yuma epochs).
    null_winner: Option<u16>,
    /// Spec ≥ 446, Yuma 3 with liquid alpha: which consensus fed liquid alpha, and whether it ran.
    liquid_alpha: Option<LiquidAlphaInfo>,
}

impl EpochInfo {
    fn of(input: &EpochInput, trace: &EpochTrace) -> Self {
        match trace {
            EpochTrace::Null(t) => EpochInfo {
                consensus: "null",
                null_winner: t.null_winner,
                liquid_alpha: None,
            },
            EpochTrace::Yuma(t) => EpochInfo {
                consensus: "yuma",
                null_winner: None,
                liquid_alpha: match (&t.liquid_alpha_consensus, t.liquid_alpha_applied) {
                    (Some(c), Some(applied)) => Some(LiquidAlphaInfo {
                        applied,
                        previous: c != &t.consensus,
                        mode: to_value(&input.liquid_alpha_consensus_mode),
                        bonds_penalty: input.bonds_penalty,
                        stored: input.previous_consensus.len(),
                    }),
                    _ => None,
                },
            },
        }
    }
}

/// Mechanism `k` of `m` as [`yuma::epoch_with_mechanisms`] ran it (`out` is its output): its
/// share of the emission, from spec 446 its budgets, and the subnet's `spec_version` and
/// `epoch_consensus`, so one epoch of it is that mechanism's epoch.
fn mechanism_input(m: &MechanismsInput, out: &MechanismsOutput, k: usize) -> Option<EpochInput> {
    yuma::mechanisms::mechanism_as_run(m, out, k)
}

/// One epoch under `assume`, with its trace.
fn run_epoch(i: &EpochInput, assume: Option<u32>) -> Result<(EpochOutput, EpochTrace), String> {
    let mut ws = Workspace::new();
    ws.assume_spec = assume;
    let mut out = EpochOutput::default();
    yuma::epoch_into(i, &mut ws, &mut out).map_err(|e| e.to_string())?;
    Ok((out, ws.trace()))
}

/// Every mechanism under `assume`.
fn run_mechanisms(m: &MechanismsInput, assume: Option<u32>) -> Result<MechanismsOutput, String> {
    let mut ws = Workspace::new();
    ws.assume_spec = assume;
    let mut out = MechanismsOutput::default();
    yuma::mechanisms::epoch_with_mechanisms_into(m, &mut ws, &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Each mechanism's trace (`None` where it cannot be computed), from the inputs
/// [`mechanism_input`] rebuilds.
fn mechanism_traces(
    m: &MechanismsInput,
    out: &MechanismsOutput,
    assume: Option<u32>,
) -> Vec<Option<EpochTrace>> {
    (0..m.mechanisms.len())
        .map(|k| {
            let i = mechanism_input(m, out, k)?;
            run_epoch(&i, assume).ok().map(|(_, t)| t)
        })
        .collect()
}

/// [`EpochInfo`] per mechanism (`None` where its trace is missing).
fn mechanism_infos(m: &MechanismsInput, traces: &[Option<EpochTrace>]) -> Vec<Option<EpochInfo>> {
    m.mechanisms
        .iter()
        .zip(traces)
        .map(|(i, t)| t.as_ref().map(|t| EpochInfo::of(i, t)))
        .collect()
}

// ---------------------------------------------------------------- epoch, verify

fn epoch_text(text: &str, trace: bool, assume: Option<u32>) -> Result<String, String> {
    // Serialized straight to text (no `Value` tree): the output of a large subnet costs its text.
    let text = match load(text)?.input {
        Input::Epoch(i) => {
            let mut ws = Workspace::new();
            ws.assume_spec = assume;
            let mut out = EpochOutput::default();
            yuma::epoch_into(&i, &mut ws, &mut out).map_err(|e| e.to_string())?;
            let t = trace.then(|| ws.trace());
            serde_json::to_string(&OutputDoc {
                output: &out,
                trace: t.as_ref(),
            })
        }
        // As the CLI: a mechanisms document prints its MechanismsOutput, without a trace.
        Input::Mechanisms(m) => serde_json::to_string(&run_mechanisms(&m, assume)?),
    };
    text.map_err(|e| e.to_string())
}

fn n_of(input: &Input) -> u16 {
    match input {
        Input::Epoch(i) => i.n,
        Input::Mechanisms(m) => m.mechanisms.first().map_or(0, |e| e.n),
    }
}

fn kind_of(input: &Input) -> &'static str {
    match input {
        Input::Epoch(_) => "epoch",
        Input::Mechanisms(_) => "mechanisms",
    }
}

/// [`EpochInfo`] per mechanism of a document (one for an epoch input), computed again (the
/// library's verification keeps no trace); `None` where the epoch cannot be computed.
fn document_infos(input: &Input, assume: Option<u32>) -> Vec<Option<EpochInfo>> {
    match input {
        Input::Epoch(i) => vec![run_epoch(i, assume).ok().map(|(_, t)| EpochInfo::of(i, &t))],
        Input::Mechanisms(m) => match run_mechanisms(m, assume) {
            Ok(out) => mechanism_infos(m, &mechanism_traces(m, &out, assume)),
            Err(_) => m.mechanisms.iter().map(|_| None).collect(),
        },
    }
}

fn verify_text(text: &str, assume: Option<u32>) -> Result<String, String> {
    let loaded = load(text)?;
    let Some(vector) = loaded.vector else {
        return Err("not a vector file (no `input`/`expected`)".into());
    };
    let report = yj::verify_vector_assuming(&vector, Implementation::Main, assume);
    let computed = report.error.is_none();
    let mut v = to_value(&report);
    if let Value::Object(map) = &mut v {
        map.insert("kind".into(), kind_of(&loaded.input).into());
        map.insert("n".into(), n_of(&loaded.input).into());
        map.insert("description".into(), vector.description.clone().into());
        map.insert(
            "runtime".into(),
            to_value(&Runtime::of(&loaded.input, assume)),
        );
        let infos = if computed {
            document_infos(&loaded.input, assume)
        } else {
            Vec::new()
        };
        map.insert("epoch_info".into(), to_value(&infos));
    }
    Ok(v.to_string())
}

// ---------------------------------------------------------------- analyze (the page)

/// Hyperparameters the page's what-if panel may change, and the runtime spec whose rules to
/// assume. Absent fields keep the input's value (and its own rules).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overrides {
    kappa: Option<u16>,
    bonds_penalty: Option<u16>,
    bonds_moving_average: Option<u64>,
    yuma3_enabled: Option<bool>,
    liquid_alpha_enabled: Option<bool>,
    alpha_low: Option<u16>,
    alpha_high: Option<u16>,
    alpha_sigmoid_steepness: Option<i16>,
    /// Compute under the rules of this spec ([`Workspace::assume_spec`]).
    assume_spec: Option<u32>,
}

impl Overrides {
    fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        serde_json::from_str(text).map_err(|e| format!("overrides: {e}"))
    }

    /// Applies the hyperparameter overrides; true if any value changed.
    fn apply(&self, i: &mut EpochInput) -> bool {
        fn set<T: Copy + PartialEq>(dst: &mut T, v: Option<T>) -> bool {
            match v {
                Some(v) if *dst != v => {
                    *dst = v;
                    true
                }
                _ => false,
            }
        }
        let mut changed = set(&mut i.kappa, self.kappa);
        changed |= set(&mut i.bonds_penalty, self.bonds_penalty);
        changed |= set(&mut i.bonds_moving_average, self.bonds_moving_average);
        changed |= set(&mut i.yuma3_enabled, self.yuma3_enabled);
        changed |= set(&mut i.liquid_alpha_enabled, self.liquid_alpha_enabled);
        changed |= set(&mut i.alpha_low, self.alpha_low);
        changed |= set(&mut i.alpha_high, self.alpha_high);
        changed |= set(&mut i.alpha_sigmoid_steepness, self.alpha_sigmoid_steepness);
        changed
    }
}

fn params(i: &EpochInput) -> Value {
    json!({
        "kappa": i.kappa,
        "bonds_penalty": i.bonds_penalty,
        "bonds_moving_average": i.bonds_moving_average,
        "yuma3_enabled": i.yuma3_enabled,
        "liquid_alpha_enabled": i.liquid_alpha_enabled,
        "alpha_low": i.alpha_low,
        "alpha_high": i.alpha_high,
        "alpha_sigmoid_steepness": i.alpha_sigmoid_steepness,
        "max_allowed_validators": i.max_allowed_validators,
        "rao_emission": i.rao_emission,
        "spec_version": i.spec_version,
        "liquid_alpha_consensus_mode": to_value(&i.liquid_alpha_consensus_mode),
        "epoch_consensus": to_value(&i.epoch_consensus),
    })
}

/// Mechanism 0's [`params`] (the what-if panel starts from them), with the subnet's
/// `spec_version` and `epoch_consensus` where the document gives them for every mechanism.
fn mechanisms_params(m: &MechanismsInput) -> Value {
    let mut p = m.mechanisms.first().map_or(Value::Null, params);
    if let Value::Object(map) = &mut p {
        if let Some(s) = m.spec_version {
            map.insert("spec_version".into(), s.into());
        }
        if let Some(c) = m.epoch_consensus {
            map.insert("epoch_consensus".into(), to_value(&c));
        }
    }
    p
}

/// The parts of a trace the page charts: consensus and the weights before and after clipping.
#[derive(Serialize)]
struct ChartTrace<'a> {
    consensus: &'a [i64],
    weights_normalized: &'a [Vec<(u16, i64)>],
    clipped_weights: &'a [Vec<(u16, i64)>],
}

impl<'a> From<&'a EpochTrace> for ChartTrace<'a> {
    fn from(t: &'a EpochTrace) -> Self {
        match t {
            EpochTrace::Yuma(t) => ChartTrace {
                consensus: &t.consensus,
                weights_normalized: &t.weights_normalized,
                clipped_weights: &t.clipped_weights,
            },
            // Null consensus: the sole validator's masked row, nothing clipped, no consensus.
            EpochTrace::Null(t) => ChartTrace {
                consensus: &[],
                weights_normalized: &t.weights_masked,
                clipped_weights: &t.weights_masked,
            },
        }
    }
}

/// The result of [`analyze`]: two JSON texts, so the page can decode the large traces (whose
/// numbers all fit in an f64) with a plain `JSON.parse`.
#[wasm_bindgen(getter_with_clone)]
pub struct Analysis {
    /// Output, comparison, parameters and timings (u64 values may exceed 2^53).
    pub report: String,
    /// One chart trace per mechanism (`null` where it cannot be computed).
    pub traces: String,
}

/// The `report` of [`analyze`], serialized straight to text (no `Value` tree of the output).
#[derive(Serialize)]
struct Report<'a> {
    kind: &'static str,
    name: Option<&'a str>,
    category: Option<&'a str>,
    n: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    mechanisms: Option<usize>,
    has_expected: bool,
    whatif: bool,
    /// Whether an override changed a hyperparameter (part of `whatif`).
    params_changed: bool,
    /// Whether the assumed rules differ from the ones the input names (part of `whatif`).
    rules_changed: bool,
    compared: bool,
    passed: Option<bool>,
    mismatches: &'a [Mismatch],
    params: Value,
    runtime: &'a Runtime,
    epoch_info: &'a [Option<EpochInfo>],
    parse_ms: f64,
    compute_ms: f64,
    output: ReportOutput<'a>,
    /// The CLI's notes on stderr (`yuma epoch`, `yuma explain`): `weights` or `bonds` with
    /// fewer rows than `n` (a truncated snapshot?), per mechanism as `mechanism K: …`.
    notes: &'a [String],
}

/// `yuma epoch`'s note when `weights` or `bonds` hold fewer than `n` rows (the CLI's words).
fn short_rows(input: &EpochInput, prefix: &str, notes: &mut Vec<String>) {
    let n = usize::from(input.n);
    for (field, rows) in [
        ("weights", input.weights.len()),
        ("bonds", input.bonds.len()),
    ] {
        if rows < n {
            let who = if rows.saturating_add(1) == n {
                format!("uid {rows} reads as having")
            } else {
                format!("uids {rows} to {} read as having", n.saturating_sub(1))
            };
            notes.push(format!(
                "{prefix}`{field}` has {rows} rows for n = {n}; {who} no stored {field}"
            ));
        }
    }
}

/// An epoch's output (as `yuma epoch` prints it) or a mechanisms output.
#[derive(Serialize)]
#[serde(untagged)]
enum ReportOutput<'a> {
    Epoch(OutputDoc<'a>),
    Mechanisms(&'a MechanismsOutput),
}

fn analyze_text(text: &str, overrides: &str) -> Result<(String, String), String> {
    let t0 = perf_now();
    let overrides = Overrides::parse(overrides)?;
    let assume = overrides.assume_spec;
    let Loaded { mut input, vector } = load(text)?;
    let parse_ms = perf_now() - t0;
    let changed = match &mut input {
        Input::Epoch(i) => overrides.apply(i),
        Input::Mechanisms(m) => m
            .mechanisms
            .iter_mut()
            .fold(false, |c, i| overrides.apply(i) | c),
    };
    let rt = Runtime::of(&input, assume);
    let rules_changed = rt.rules_changed();
    let whatif = changed || rules_changed;
    let expected = vector.as_ref().and_then(|v| v.expected.as_ref());
    let compared = expected.is_some() && !whatif;
    let mut mismatches = Vec::new();
    let mut notes = Vec::new();
    match &input {
        Input::Epoch(i) => short_rows(i, "", &mut notes),
        Input::Mechanisms(m) => {
            for (k, i) in m.mechanisms.iter().enumerate() {
                short_rows(i, &format!("mechanism {k}: "), &mut notes);
            }
        }
    }
    let report = |output: ReportOutput,
                  mismatches: &[Mismatch],
                  params,
                  infos: &[Option<EpochInfo>],
                  compute_ms| {
        serde_json::to_string(&Report {
            kind: kind_of(&input),
            name: vector.as_ref().map(|v| v.name.as_str()),
            category: vector.as_ref().map(|v| v.category.as_str()),
            n: n_of(&input),
            mechanisms: match &input {
                Input::Mechanisms(m) => Some(m.mechanisms.len()),
                Input::Epoch(_) => None,
            },
            has_expected: expected.is_some(),
            whatif,
            params_changed: changed,
            rules_changed,
            compared,
            passed: compared.then_some(mismatches.is_empty()),
            mismatches,
            params,
            runtime: &rt,
            epoch_info: infos,
            parse_ms,
            compute_ms,
            output,
            notes: &notes,
        })
    };
    let (report, traces) = match &input {
        Input::Epoch(i) => {
            let mut ws = Workspace::new();
            ws.assume_spec = assume;
            let mut out = EpochOutput::default();
            let t = perf_now();
            yuma::epoch_into(i, &mut ws, &mut out).map_err(|e| e.to_string())?;
            let compute_ms = perf_now() - t;
            let trace = ws.trace();
            if compared {
                if let Some(VectorExpected::Epoch(e)) = expected {
                    mismatches = yj::mismatches("", &out, e);
                }
                if let Some(vt) = vector.as_ref().and_then(|v| v.trace.as_ref()) {
                    mismatches.extend(yj::mismatches("trace", &trace, vt));
                }
            }
            let output = ReportOutput::Epoch(OutputDoc {
                output: &out,
                trace: None,
            });
            let infos = [Some(EpochInfo::of(i, &trace))];
            (
                report(output, &mismatches, params(i), &infos, compute_ms),
                serde_json::to_string(&[ChartTrace::from(&trace)]),
            )
        }
        Input::Mechanisms(m) => {
            let t = perf_now();
            let out = run_mechanisms(m, assume)?;
            let compute_ms = perf_now() - t;
            if compared {
                if let Some(VectorExpected::Mechanisms(e)) = expected {
                    mismatches = yj::mismatches("", &out, e);
                }
            }
            // Each mechanism again, as it ran, for its trace.
            let traces = mechanism_traces(m, &out, assume);
            let infos = mechanism_infos(m, &traces);
            let effective = mechanisms_params(m);
            (
                report(
                    ReportOutput::Mechanisms(&out),
                    &mismatches,
                    effective,
                    &infos,
                    compute_ms,
                ),
                serde_json::to_string(
                    &traces
                        .iter()
                        .map(|t| t.as_ref().map(ChartTrace::from))
                        .collect::<Vec<_>>(),
                ),
            )
        }
    };
    let err = |e: serde_json::Error| e.to_string();
    Ok((report.map_err(err)?, traces.map_err(err)?))
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(0.0)
}

fn run_timed_text(text: &str, reps: u32, assume: Option<u32>) -> Result<String, String> {
    let t0 = perf_now();
    let loaded = load(text)?;
    let parse_ms = perf_now() - t0;
    let reps = reps.max(1);
    let mut times = Vec::new();
    let first_ms;
    // As `yuma bench`: one untimed-for-the-median run warms the workspace.
    let mut ws = Workspace::new();
    ws.assume_spec = assume;
    match &loaded.input {
        Input::Epoch(i) => {
            let mut out = EpochOutput::default();
            let t = perf_now();
            yuma::epoch_into(i, &mut ws, &mut out).map_err(|e| e.to_string())?;
            first_ms = perf_now() - t;
            for _ in 0..reps {
                let t = perf_now();
                yuma::epoch_into(i, &mut ws, &mut out).map_err(|e| e.to_string())?;
                times.push(perf_now() - t);
            }
        }
        Input::Mechanisms(m) => {
            let mut out = MechanismsOutput::default();
            let mut run = |ws: &mut Workspace| {
                yuma::mechanisms::epoch_with_mechanisms_into(m, ws, &mut out)
                    .map_err(|e| e.to_string())
            };
            let t = perf_now();
            run(&mut ws)?;
            first_ms = perf_now() - t;
            for _ in 0..reps {
                let t = perf_now();
                run(&mut ws)?;
                times.push(perf_now() - t);
            }
        }
    }
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    let max = times.iter().copied().fold(0.0, f64::max);
    Ok(json!({
        "kind": kind_of(&loaded.input),
        "n": n_of(&loaded.input),
        "reps": reps,
        "parse_ms": parse_ms,
        "first_ms": first_ms,
        "median_ms": median(&mut times),
        "min_ms": min,
        "max_ms": max,
        "runtime": to_value(&Runtime::of(&loaded.input, assume)),
    })
    .to_string())
}

// ---------------------------------------------------------------- scenarios, explain

/// The state epoch `epoch` of a scenario runs on, replayed as [`yuma::scenario::run`] does
/// (under `assume`): earlier epochs are computed to carry their bonds and permits forward.
fn scenario_state(s: &Scenario, epoch: usize, assume: Option<u32>) -> Result<EpochInput, String> {
    let count = s.epochs.len();
    if epoch >= count {
        return Err(format!(
            "epoch {epoch}: the scenario has {}",
            scenario::epochs_counted(count)
        ));
    }
    let mut state: Option<EpochInput> = None;
    scenario::run_with_assuming(s, assume, |k, st, _| {
        if k == epoch {
            state = Some(st.clone());
        }
        k < epoch
    })
    .map_err(|e| e.to_string())?;
    state.ok_or_else(|| format!("epoch {epoch}: not reached"))
}

/// The state a scenario's first epoch runs on (its initial input patched by `epochs[0]`), or
/// the initial input when it has no epochs: what its `runtime` describes.
fn scenario_first_state(s: &Scenario) -> EpochInput {
    let mut st = s.initial.clone();
    if let Some(p) = s.epochs.first() {
        p.apply(&mut st);
    }
    st
}

/// A run of consecutive epochs under the same rules.
#[derive(Serialize)]
struct RulesRun {
    rules: RulesInfo,
    first: usize,
    last: usize,
}

/// What [`simulate`] returns, serialized straight to text (no `Value` tree of the outputs).
#[derive(Serialize)]
struct Simulated<'a> {
    n: Vec<u16>,
    blocks: Vec<u64>,
    patched: Vec<Vec<&'a str>>,
    params: Value,
    runtime: Runtime,
    rules_runs: Vec<RulesRun>,
    spec_versions: Vec<Option<u32>>,
    epoch_info: Vec<EpochInfo>,
    parse_ms: f64,
    compute_ms: f64,
    epochs: &'a [EpochOutput],
    csv: String,
}

fn simulate_text(text: &str, assume: Option<u32>) -> Result<String, String> {
    let t0 = perf_now();
    let s = load_scenario(text)?;
    let parse_ms = perf_now() - t0;
    let t = perf_now();
    // The loop of `yuma::scenario::run_with_assuming`, keeping each epoch's rules and trace.
    let count = s.epochs.len();
    let mut outputs: Vec<EpochOutput> = Vec::with_capacity(count);
    let mut infos = Vec::with_capacity(count);
    let mut specs = Vec::with_capacity(count);
    let mut runs: Vec<(Rules, usize, usize)> = Vec::new();
    let mut state = s.initial.clone();
    let mut ws = Workspace::new();
    ws.assume_spec = assume;
    let mut out = EpochOutput::default();
    for (k, patch) in s.epochs.iter().enumerate() {
        if k > 0 {
            yuma::simulate::transition_in_place(&mut state, &out);
        }
        patch.apply(&mut state);
        yuma::epoch_into(&state, &mut ws, &mut out)
            .map_err(|error| ScenarioError { epoch: k, error }.to_string())?;
        infos.push(EpochInfo::of(&state, &ws.trace()));
        specs.push(state.spec_version);
        if let Some(r) = ws.rules() {
            match runs.last_mut() {
                Some((last, _, end)) if *last == r => *end = k,
                _ => runs.push((r, k, k)),
            }
        }
        outputs.push(out.clone());
    }
    let compute_ms = perf_now() - t;
    // The block and n each epoch ran at, and the fields its patch replaced (as `yuma simulate`).
    let mut block = s.initial.current_block;
    let mut n = s.initial.n;
    let mut blocks = Vec::with_capacity(count);
    let mut ns = Vec::with_capacity(count);
    for p in &s.epochs {
        block = p.current_block.unwrap_or(block);
        n = p.n.unwrap_or(n);
        blocks.push(block);
        ns.push(n);
    }
    let patched: Vec<Vec<&str>> = s.epochs.iter().map(EpochPatch::fields).collect();
    serde_json::to_string(&Simulated {
        n: ns,
        blocks,
        patched,
        params: params(&s.initial),
        runtime: Runtime::of_epoch(&scenario_first_state(&s), assume),
        rules_runs: runs
            .into_iter()
            .map(|(r, first, last)| RulesRun {
                rules: r.into(),
                first,
                last,
            })
            .collect(),
        spec_versions: specs,
        epoch_info: infos,
        parse_ms,
        compute_ms,
        epochs: &outputs,
        csv: scenario::to_csv(&outputs),
    })
    .map_err(|e| e.to_string())
}

/// `yuma explain` for an epoch document (after the what-if `overrides`, under their
/// `assume_spec`); for a mechanisms document, mechanism `mechanism` as the subnet's epoch ran it.
fn explain_text(
    text: &str,
    overrides: &str,
    mechanism: Option<u32>,
    uid: u16,
) -> Result<String, String> {
    let overrides = Overrides::parse(overrides)?;
    let assume = overrides.assume_spec;
    let mut input = match (load(text)?.input, mechanism) {
        (Input::Epoch(i), _) => i,
        // The CLI's words: `yuma explain` takes no mechanisms document.
        (Input::Mechanisms(_), None) => {
            return Err("expected an epoch input, not mechanisms".into())
        }
        (Input::Mechanisms(mut m), Some(k)) => {
            let count = m.mechanisms.len();
            let k = usize::try_from(k).unwrap_or(usize::MAX);
            if k >= count {
                return Err(format!(
                    "mechanism {k}: the document has {count} mechanisms"
                ));
            }
            for i in &mut m.mechanisms {
                overrides.apply(i);
            }
            // Its share of the emission (and budgets) as the subnet's epoch paid it.
            let out = run_mechanisms(&m, assume)?;
            mechanism_input(&m, &out, k)
                .ok_or_else(|| format!("mechanism {k}: the document has {count} mechanisms"))?
        }
    };
    overrides.apply(&mut input);
    yuma::explain::explain_assuming(&input, uid, assume).map_err(|e| e.to_string())
}

/// [`explain_with`]'s account as data (`yuma::explain::Explanation` as JSON).
fn explain_data_text(
    text: &str,
    overrides: &str,
    mechanism: Option<u32>,
    uid: u16,
) -> Result<String, String> {
    let o = Overrides::parse(overrides)?;
    let assume = o.assume_spec;
    let mut input = match (load(text)?.input, mechanism) {
        (Input::Epoch(i), _) => i,
        (Input::Mechanisms(_), None) => {
            return Err("expected an epoch input, not mechanisms".into())
        }
        (Input::Mechanisms(mut m), Some(k)) => {
            let count = m.mechanisms.len();
            let k = usize::try_from(k).unwrap_or(usize::MAX);
            for i in &mut m.mechanisms {
                o.apply(i);
            }
            let out = run_mechanisms(&m, assume)?;
            mechanism_input(&m, &out, k)
                .ok_or_else(|| format!("mechanism {k}: the document has {count} mechanisms"))?
        }
    };
    o.apply(&mut input);
    let e = yuma::explain::explanation(&input, uid, assume).map_err(|e| e.to_string())?;
    serde_json::to_string(&e).map_err(|e| e.to_string())
}

fn explain_epoch_text(
    text: &str,
    epoch: u32,
    uid: u16,
    assume: Option<u32>,
) -> Result<String, String> {
    let s = load_scenario(text)?;
    let k = usize::try_from(epoch).unwrap_or(usize::MAX);
    let state = scenario_state(&s, k, assume)?;
    yuma::explain::explain_assuming(&state, uid, assume)
        .map_err(|error| ScenarioError { epoch: k, error }.to_string())
}

/// What [`runtime_of`] returns: a document's or scenario's [`Runtime`], and its kind.
#[derive(Serialize)]
struct RuntimeOf {
    kind: &'static str,
    #[serde(flatten)]
    runtime: Runtime,
}

fn runtime_of_text(text: &str, assume: Option<u32>) -> Result<String, String> {
    let r = match load(text) {
        Ok(l) => RuntimeOf {
            kind: kind_of(&l.input),
            runtime: Runtime::of(&l.input, assume),
        },
        Err(e) => match scenario::parse_scenario(text.as_bytes()) {
            Ok(s) => RuntimeOf {
                kind: "scenario",
                runtime: Runtime::of_epoch(&scenario_first_state(&s), assume),
            },
            Err(_) => return Err(e),
        },
    };
    serde_json::to_string(&r).map_err(|e| e.to_string())
}

fn known_rules_text() -> String {
    let list: Vec<Value> = known_rules_list()
        .into_iter()
        .map(|(spec, r)| {
            json!({"spec": spec, "name": r.name(), "source": r.source(), "specs": r.specs()})
        })
        .collect();
    Value::Array(list).to_string()
}

fn js(r: Result<String, String>) -> Result<String, JsError> {
    r.map_err(|e| JsError::new(&e))
}

// ---------------------------------------------------------------- exports

/// Computes the epoch of an `EpochInput`, a `MechanismsInput`, or a vector file's input, and
/// returns the output JSON exactly as `yuma epoch` prints it (without the newline). With
/// `assume_spec`, under the rules of that runtime spec (`yuma --assume-spec`); without it, under
/// the input's `spec_version` (a spec newer than any reproduced throws the library's error).
#[wasm_bindgen]
pub fn epoch(input_json: &str, assume_spec: Option<u32>) -> Result<String, JsError> {
    js(epoch_text(input_json, false, assume_spec))
}

/// As [`epoch`], with a `trace` field (raw I32F32 bits of every intermediate) for epoch inputs,
/// as `yuma epoch --trace` prints it. Mechanisms inputs return their output without a trace.
#[wasm_bindgen]
pub fn epoch_with_trace(input_json: &str, assume_spec: Option<u32>) -> Result<String, JsError> {
    js(epoch_text(input_json, true, assume_spec))
}

/// Checks a vector file against its `expected` (and `trace`) as `yuma verify` does (under the
/// rules of `assume_spec` when given).
///
/// Returns `{name, category, description, kind, n, passed, error, has_expected, mismatches:
/// [{field, uid, got, expected}], output, rules, runtime, epoch_info}`; `error` is set (and
/// `output` null) when the epoch cannot be computed; `rules` is the rules' name (`"spec 475"`),
/// `runtime` and `epoch_info` as in the module's documentation. Throws if the document is
/// malformed or not a vector file.
#[wasm_bindgen]
pub fn verify(vector_json: &str, assume_spec: Option<u32>) -> Result<String, JsError> {
    js(verify_text(vector_json, assume_spec))
}

/// What the verifier page renders (`.report` and `.traces`, both JSON): the document's output
/// (after the what-if `overrides_json`, an object with any of `kappa`, `bonds_penalty`,
/// `bonds_moving_average`, `yuma3_enabled`, `liquid_alpha_enabled`, `alpha_low`, `alpha_high`,
/// `alpha_sigmoid_steepness`, and `assume_spec`, the runtime spec whose rules to compute under;
/// `""` for none), its comparison with `expected` (only when no override changed the input or
/// its rules), the rules that ran (`runtime`), per mechanism the epoch's kind, Null winner and
/// liquid-alpha consensus (`epoch_info`) and chart traces (`consensus`, `weights_normalized`,
/// `clipped_weights`), the effective hyperparameters, `parse_ms` / `compute_ms` measured
/// inside WASM, and the CLI's `notes` (`weights` or `bonds` with fewer rows than `n`).
#[wasm_bindgen]
pub fn analyze(document_json: &str, overrides_json: &str) -> Result<Analysis, JsError> {
    analyze_text(document_json, overrides_json)
        .map(|(report, traces)| Analysis { report, traces })
        .map_err(|e| JsError::new(&e))
}

/// Times the epoch (JSON parsing excluded, as `yuma bench`): one warm-up run, then `reps` runs
/// reusing one workspace. Returns `{kind, n, reps, parse_ms, first_ms, median_ms, min_ms, max_ms,
/// runtime}`.
#[wasm_bindgen]
pub fn run_timed(input_json: &str, reps: u32, assume_spec: Option<u32>) -> Result<String, JsError> {
    js(run_timed_text(input_json, reps, assume_spec))
}

/// Runs a scenario (`{"initial": EpochInput, "epochs": [PATCH, ...]}`) as `yuma simulate` does
/// (every epoch under the rules of `assume_spec` when given).
///
/// Returns `{epochs: [EpochOutput, ...], csv, n: [..], blocks: [..], patched: [[field, ..], ..],
/// params, runtime, rules_runs: [{rules, first, last}, ..], spec_versions: [..], epoch_info: [..],
/// parse_ms, compute_ms}`: one output per epoch, the tidy CSV of `yuma simulate --csv`, per epoch
/// the `n` and `current_block` it ran at, the fields its patch replaced, its state's
/// `spec_version` and its kind (`epoch_info`), and the rules per run of epochs. Errors are the
/// CLI's (`epoch K: ...` when an epoch cannot be computed).
#[wasm_bindgen]
pub fn simulate(scenario_json: &str, assume_spec: Option<u32>) -> Result<String, JsError> {
    js(simulate_text(scenario_json, assume_spec))
}

/// `yuma explain --uid UID`: a readable account of one uid's epoch, for an `EpochInput` or an
/// epoch vector file (under the rules of `assume_spec` when given). Mechanisms documents are
/// refused, as by the CLI (see [`explain_with`]).
#[wasm_bindgen]
pub fn explain(input_json: &str, uid: u16, assume_spec: Option<u32>) -> Result<String, JsError> {
    let overrides = assume_spec.map_or(String::new(), |s| format!("{{\"assume_spec\": {s}}}"));
    js(explain_text(input_json, &overrides, None, uid))
}

/// The page's [`explain`]: after the what-if `overrides_json` (as [`analyze`], `assume_spec`
/// included; `""` for none), and for a mechanisms document, of mechanism `mechanism` (its input
/// with its share of the subnet's emission and budgets, as `epoch_with_mechanisms` runs it).
#[wasm_bindgen]
pub fn explain_with(
    document_json: &str,
    overrides_json: &str,
    uid: u16,
    mechanism: Option<u32>,
) -> Result<String, JsError> {
    js(explain_text(document_json, overrides_json, mechanism, uid))
}

/// [`explain_with`]'s account as data: `yuma::explain::Explanation` as JSON — `{uid, n, block,
/// rules, consensus, liquid_alpha, owner, stake, miner, validator, null, emission,
/// discrepancies}`, I32F32 values as raw bits (÷ 2³² for the fraction). `miner.terms` are the
/// validators' `{validator, active_stake, weight, clipped, term}` (term = active_stake ×
/// clipped), `validator.terms` the miners' `{miner, bond, ema_bond, incentive, term}` (term =
/// normalized bond × incentive), largest first: what the page charts.
#[wasm_bindgen]
pub fn explain_data(
    document_json: &str,
    overrides_json: &str,
    uid: u16,
    mechanism: Option<u32>,
) -> Result<String, JsError> {
    js(explain_data_text(
        document_json,
        overrides_json,
        mechanism,
        uid,
    ))
}

/// [`explain`] for epoch `epoch` (from 0) of a scenario: the state that epoch ran on, replayed
/// as [`simulate`] runs it (under `assume_spec` when given). Errors read `epoch K: ...`.
#[wasm_bindgen]
pub fn explain_epoch(
    scenario_json: &str,
    epoch: u32,
    uid: u16,
    assume_spec: Option<u32>,
) -> Result<String, JsError> {
    js(explain_epoch_text(scenario_json, epoch, uid, assume_spec))
}

/// Which runtime rules a document (epoch, mechanisms or vector) or a scenario (its first epoch)
/// runs under, without computing it: `{kind, rules, spec_version, assumed, assume_spec,
/// input_rules, newest_spec, error}` (`kind`: `epoch`, `mechanisms` or `scenario`). The page
/// calls it when a run fails, to tell an input of a newer runtime from other errors. Throws if
/// the text is neither a document nor a scenario (the document's error).
#[wasm_bindgen]
pub fn runtime_of(json: &str, assume_spec: Option<u32>) -> Result<String, JsError> {
    js(runtime_of_text(json, assume_spec))
}

/// The runtime rule sets this build reproduces, oldest first: `[{spec, name, source, specs},
/// ...]`, where `spec` is the spec to assume for those rules.
#[wasm_bindgen]
pub fn known_rules() -> String {
    known_rules_text()
}

/// `"yuma <version> (reproduces runtime specs up to 475: <source> below spec 446, <source>
/// from 446)"`, as `yuma --version` prints it.
#[wasm_bindgen]
pub fn version() -> String {
    let known = known_rules_list();
    let parts: Vec<String> = known
        .iter()
        .enumerate()
        .map(|(k, (_, r))| {
            let source = r.source().replace('@', " ");
            if k == 0 {
                format!("{source} below spec {}", runtime::FIRST_NEWER_SPEC)
            } else {
                format!("{source} from {}", runtime::FIRST_NEWER_SPEC)
            }
        })
        .collect();
    format!(
        "yuma {} (reproduces runtime specs up to {}: {})",
        yuma::VERSION,
        runtime::NEWEST_CHECKED_SPEC,
        parts.join(", ")
    )
}

/// The fixed EMA alpha the chain derives from `bonds_moving_average`, as I32F32 raw bits in
/// decimal text: Yuma 2's saturating conversion ([`yuma::bonds::yuma2_alpha`]) or, with `yuma3`,
/// Yuma 3's wrapping one ([`yuma::bonds::yuma3_fixed_alpha`], used when liquid alpha is off or
/// consensus is all zero). The page shows it beside the what-if field.
#[wasm_bindgen]
pub fn ema_alpha_bits(bonds_moving_average: u64, yuma3: bool) -> String {
    let alpha = if yuma3 {
        yuma::bonds::yuma3_fixed_alpha(bonds_moving_average)
    } else {
        yuma::bonds::yuma2_alpha(bonds_moving_average)
    };
    alpha.to_bits().to_string()
}

/// The yuma crate version.
#[wasm_bindgen]
pub fn crate_version() -> String {
    yuma::VERSION.into()
}

/// The subtensor commit of the spec 425 rules (`opentensor/subtensor`); [`known_rules`] names
/// the source of each rule set.
#[wasm_bindgen]
pub fn reference_commit() -> String {
    yuma::REFERENCE_COMMIT.into()
}

// ---------------------------------------------------------------- chain snapshots

/// JSON-RPC calls per request body [`ChainFetch::step`] hands out.
const CALLS_PER_BODY: usize = 8;

/// A fetch of one epoch from a node (`yuma fetch`), with the transport left to JavaScript: the
/// page sends the request bodies [`ChainFetch::step`] returns (HTTP POST, or WebSocket text
/// messages, to the node) and hands each answer back to [`ChainFetch::answer`], until `step`
/// says `done`.
///
/// ```js
/// // block: the epoch block, or undefined for the latest epoch. (No block comments in this
/// // example: wasm-bindgen copies it into a JSDoc comment of the generated JS, which one would end.)
/// const f = new ChainFetch(netuid, block, url, new Date().toISOString());
/// for (;;) {
///   const s = JSON.parse(f.step());      // {done, error, exit_code, stage, step, steps, bodies: [{first, body}], calls}
///   if (s.done) break;
///   for (const b of s.bodies) f.answer(b.first, await send(b.body));
/// }
/// const snapshot = f.snapshot();          // the document `yuma fetch -o` writes
/// ```
#[wasm_bindgen]
pub struct ChainFetch {
    replay: yuma::chain::replay::Replay,
    netuid: u16,
    target: yuma::chain::Target,
    opts: yuma::chain::FetchOptions,
    result: Option<Result<String, (String, u8)>>,
    runs: u32,
}

#[wasm_bindgen]
impl ChainFetch {
    /// A fetch of subnet `netuid`'s epoch at block `block` (the epoch block B; `undefined`: the
    /// latest epoch), recorded as read from `rpc` at `fetched_at`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        netuid: u16,
        block: Option<f64>,
        rpc: String,
        fetched_at: String,
        assume_spec: Option<u32>,
    ) -> Result<ChainFetch, JsError> {
        let target = match block {
            None => yuma::chain::Target::Latest,
            Some(b)
                if b.is_finite()
                    && b >= 0.0
                    && b.fract() == 0.0
                    && b < 9.007_199_254_740_992e15 =>
            {
                yuma::chain::Target::Block(b as u64)
            }
            Some(b) => return Err(JsError::new(&format!("block {b} is not a block number"))),
        };
        Ok(ChainFetch {
            replay: yuma::chain::replay::Replay::new(),
            netuid,
            target,
            opts: yuma::chain::FetchOptions {
                assume_spec,
                source: rpc,
                fetched_at,
            },
            result: None,
            runs: 0,
        })
    }

    /// Runs the fetch as far as the answers received go. Returns `{done, error, exit_code,
    /// stage, step, steps, bodies, calls}`: when not `done`, `bodies` (`[{first, body}]`) are the
    /// JSON-RPC request texts to send next; when `done`, `error` is null (the snapshot is ready)
    /// or the line `yuma fetch` prints, with its `exit_code` (2 arguments or runtime, 3 node).
    pub fn step(&mut self) -> String {
        let mut last = (String::new(), 0u8, 0u8);
        if self.result.is_none() {
            self.runs = self.runs.saturating_add(1);
            self.replay.next_run();
            let mut progress =
                |p: yuma::chain::Progress| last = (p.stage.to_string(), p.step, p.steps);
            let got = yuma::chain::fetch_epoch(
                &mut self.replay,
                self.netuid,
                self.target,
                &self.opts,
                &mut progress,
            );
            match got {
                Err(yuma::chain::ChainError::Pending) => {}
                Ok(s) => {
                    self.result = Some(s.to_json().map_err(|e| (e.to_string(), e.exit_code())))
                }
                Err(e) => self.result = Some(Err((e.to_string(), e.exit_code()))),
            }
        }
        let bodies: Vec<Value> = if self.result.is_none() {
            self.replay
                .bodies(CALLS_PER_BODY)
                .into_iter()
                .map(|(body, first)| json!({"first": first, "body": body.to_string()}))
                .collect()
        } else {
            Vec::new()
        };
        let (error, code) = match &self.result {
            Some(Err((e, c))) => (Some(e.clone()), Some(*c)),
            _ => (None, None),
        };
        json!({
            "done": self.result.is_some(),
            "error": error,
            "exit_code": code,
            "stage": last.0,
            "step": last.1,
            "steps": last.2,
            "bodies": bodies,
            "calls": self.replay.calls_answered,
            "runs": self.runs,
        })
        .to_string()
    }

    /// Takes the node's answer (its text) to the body that started at id `first`. Throws on an
    /// answer that is not JSON or not the answer to those calls (the fetch can be stepped again
    /// to resend them); a JSON-RPC error answer ends the fetch with that error.
    pub fn answer(&mut self, first: f64, answer_text: &str) -> Result<(), JsError> {
        let value: Value = serde_json::from_str(answer_text).map_err(|e| {
            JsError::new(&format!(
                "the node answered with something that is not JSON ({e})"
            ))
        })?;
        let first = if first.is_finite() && first >= 1.0 {
            first as u64
        } else {
            0
        };
        if let Err(e) = self.replay.answer(first, CALLS_PER_BODY, value) {
            self.result = Some(Err((e.to_string(), e.exit_code())));
        }
        Ok(())
    }

    /// The snapshot document (as `yuma fetch -o` writes it), once `step` said `done` without an
    /// error; `undefined` before.
    pub fn snapshot(&self) -> Option<String> {
        match &self.result {
            Some(Ok(s)) => Some(s.clone()),
            _ => None,
        }
    }
}

/// Recomputes a chain snapshot and compares it with what the chain stored (`yuma verify
/// SNAPSHOT`): `{netuid, block, rules, passed, error, unsupported_runtime, compared,
/// mismatches: [{field, uid, got, expected}], skipped: [{uid, reason}], n, output, chain,
/// meta}` — `output` the recomputed epoch (an epoch output, or a mechanisms output), `chain` and
/// `meta` the snapshot's. Throws if the text is not a snapshot.
#[wasm_bindgen]
pub fn verify_snapshot(snapshot_json: &str, assume_spec: Option<u32>) -> Result<String, JsError> {
    let snap = yuma::chain::parse_snapshot(snapshot_json.as_bytes())
        .map_err(|e| JsError::new(&e.to_string()))?;
    let report = yuma::chain::verify(&snap, assume_spec);
    let output = match yuma::chain::snapshot::recompute(&snap.input, assume_spec) {
        Ok(yuma::chain::snapshot::Recomputed::Epoch(o)) => {
            serde_json::to_value(&o).unwrap_or(Value::Null)
        }
        Ok(yuma::chain::snapshot::Recomputed::Mechanisms(m)) => {
            serde_json::to_value(&m).unwrap_or(Value::Null)
        }
        Err(_) => Value::Null,
    };
    let mut v = serde_json::to_value(&report).map_err(|e| JsError::new(&e.to_string()))?;
    if let Value::Object(m) = &mut v {
        m.insert("n".into(), json!(snap.input.n()));
        m.insert("output".into(), output);
        m.insert(
            "chain".into(),
            serde_json::to_value(&snap.chain).unwrap_or(Value::Null),
        );
        m.insert(
            "meta".into(),
            serde_json::to_value(&snap.meta).unwrap_or(Value::Null),
        );
    }
    Ok(v.to_string())
}

/// Whether a JSON text is a chain snapshot (`format` `yuma-chain-snapshot/…`), as `yuma verify`
/// tells them from vectors.
#[wasm_bindgen]
pub fn is_snapshot(json: &str) -> bool {
    yuma::chain::snapshot::is_snapshot(json.as_bytes())
}
