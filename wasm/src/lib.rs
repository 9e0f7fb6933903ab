//! # yuma-wasm — the `yuma` epoch in JavaScript
//!
//! wasm-bindgen exports over [`yuma::json`], so Node and the browser accept the same documents as
//! the `yuma` CLI (an `EpochInput`, a `MechanismsInput`, or a golden-vector file) and report the
//! same errors. Every export takes and returns JSON text; u64 values stay exact in that text.
//!
//! | export | returns |
//! |---|---|
//! | `epoch(json)` | the output JSON, as `yuma epoch FILE` prints it |
//! | `epoch_with_trace(json)` | the same with a `trace` field, as `yuma epoch --trace FILE` |
//! | `verify(json)` | `{name, category, kind, n, passed, error, has_expected, mismatches, output}` |
//! | `analyze(json, overrides)` | `{report, traces}`: what the verifier page renders |
//! | `run_timed(json, reps)` | `{n, reps, parse_ms, first_ms, median_ms, min_ms, max_ms}` |
//! | `simulate(scenario)` | `{epochs, csv, n, blocks, patched, params, ...}`, as `yuma simulate` |
//! | `explain(json, uid)` | the text of `yuma explain --uid UID` |
//! | `explain_with(json, overrides, uid, mechanism)` | the same after what-if overrides / of one mechanism |
//! | `explain_epoch(scenario, epoch, uid)` | the same for one epoch of a scenario |
//! | `version()` | `"yuma 0.1.0 (subtensor 14bc6f9f…)"` |
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

fn epoch_text(text: &str, trace: bool) -> Result<String, String> {
    // Serialized straight to text (no `Value` tree): the output of a large subnet costs its text.
    let text = match load(text)?.input {
        Input::Epoch(i) if trace => {
            let (out, t) = yuma::epoch_with_trace(&i).map_err(|e| e.to_string())?;
            serde_json::to_string(&OutputDoc {
                output: &out,
                trace: Some(&t),
            })
        }
        Input::Epoch(i) => serde_json::to_string(&OutputDoc {
            output: &yuma::epoch(&i).map_err(|e| e.to_string())?,
            trace: None,
        }),
        // As the CLI: a mechanisms document prints its MechanismsOutput, without a trace.
        Input::Mechanisms(m) => {
            serde_json::to_string(&yuma::epoch_with_mechanisms(&m).map_err(|e| e.to_string())?)
        }
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

fn verify_text(text: &str) -> Result<String, String> {
    let loaded = load(text)?;
    let Some(vector) = loaded.vector else {
        return Err("not a vector file (no `input`/`expected`)".into());
    };
    let report = yj::verify_vector(&vector, Implementation::Main);
    let mut v = to_value(&report);
    if let Value::Object(map) = &mut v {
        map.insert("kind".into(), kind_of(&loaded.input).into());
        map.insert("n".into(), n_of(&loaded.input).into());
        map.insert("description".into(), vector.description.clone().into());
    }
    Ok(v.to_string())
}

/// Hyperparameters the page's what-if panel may change. Absent fields keep the input's value.
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
}

impl Overrides {
    fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        serde_json::from_str(text).map_err(|e| format!("overrides: {e}"))
    }

    /// Applies the overrides; true if any value changed.
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
    })
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
    compared: bool,
    passed: Option<bool>,
    mismatches: &'a [Mismatch],
    params: Value,
    parse_ms: f64,
    compute_ms: f64,
    output: ReportOutput<'a>,
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
    let Loaded { mut input, vector } = load(text)?;
    let parse_ms = perf_now() - t0;
    let whatif = match &mut input {
        Input::Epoch(i) => overrides.apply(i),
        Input::Mechanisms(m) => m
            .mechanisms
            .iter_mut()
            .fold(false, |c, i| overrides.apply(i) | c),
    };
    let expected = vector.as_ref().and_then(|v| v.expected.as_ref());
    let compared = expected.is_some() && !whatif;
    let mut mismatches = Vec::new();
    let report = |output: ReportOutput, mismatches: &[Mismatch], params, compute_ms| {
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
            compared,
            passed: compared.then_some(mismatches.is_empty()),
            mismatches,
            params,
            parse_ms,
            compute_ms,
            output,
        })
    };
    let (report, traces) = match &input {
        Input::Epoch(i) => {
            let mut ws = Workspace::new();
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
            (
                report(output, &mismatches, params(i), compute_ms),
                serde_json::to_string(&[ChartTrace::from(&trace)]),
            )
        }
        Input::Mechanisms(m) => {
            let t = perf_now();
            let out = yuma::epoch_with_mechanisms(m).map_err(|e| e.to_string())?;
            let compute_ms = perf_now() - t;
            if compared {
                if let Some(VectorExpected::Mechanisms(e)) = expected {
                    mismatches = yj::mismatches("", &out, e);
                }
            }
            // The weights a mechanism's epoch clips do not depend on its emission share.
            let traces: Vec<Option<EpochTrace>> = m
                .mechanisms
                .iter()
                .map(|e| yuma::epoch_with_trace(e).ok().map(|(_, t)| t))
                .collect();
            let effective = m.mechanisms.first().map_or(Value::Null, params);
            (
                report(
                    ReportOutput::Mechanisms(&out),
                    &mismatches,
                    effective,
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

fn run_timed_text(text: &str, reps: u32) -> Result<String, String> {
    let t0 = perf_now();
    let loaded = load(text)?;
    let parse_ms = perf_now() - t0;
    let reps = reps.max(1);
    let mut times = Vec::new();
    let first_ms;
    match &loaded.input {
        Input::Epoch(i) => {
            // As `yuma bench`: one untimed-for-the-median run warms the workspace.
            let mut ws = Workspace::new();
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
            let t = perf_now();
            yuma::epoch_with_mechanisms(m).map_err(|e| e.to_string())?;
            first_ms = perf_now() - t;
            for _ in 0..reps {
                let t = perf_now();
                yuma::epoch_with_mechanisms(m).map_err(|e| e.to_string())?;
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
    })
    .to_string())
}

/// The state epoch `epoch` of a scenario runs on, replayed as [`yuma::scenario::run`] does:
/// earlier epochs are computed to carry their bonds and permits forward.
fn scenario_state(s: &Scenario, epoch: usize) -> Result<EpochInput, String> {
    let count = s.epochs.len();
    if epoch >= count {
        return Err(format!(
            "epoch {epoch}: the scenario has {}",
            scenario::epochs_counted(count)
        ));
    }
    let mut state: Option<EpochInput> = None;
    scenario::run_with(s, |k, st, _| {
        if k == epoch {
            state = Some(st.clone());
        }
        k < epoch
    })
    .map_err(|e| e.to_string())?;
    state.ok_or_else(|| format!("epoch {epoch}: not reached"))
}

fn simulate_text(text: &str) -> Result<String, String> {
    let t0 = perf_now();
    let s = load_scenario(text)?;
    let parse_ms = perf_now() - t0;
    let t = perf_now();
    let outputs = scenario::run(&s, |_, _| {}).map_err(|e| e.to_string())?;
    let compute_ms = perf_now() - t;
    // The block and n each epoch ran at, and the fields its patch replaced (as `yuma simulate`).
    let mut block = s.initial.current_block;
    let mut n = s.initial.n;
    let mut blocks = Vec::with_capacity(s.epochs.len());
    let mut ns = Vec::with_capacity(s.epochs.len());
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
        parse_ms,
        compute_ms,
        epochs: &outputs,
        csv: scenario::to_csv(&outputs),
    })
    .map_err(|e| e.to_string())
}

/// What [`simulate`] returns, serialized straight to text (no `Value` tree of the outputs).
#[derive(Serialize)]
struct Simulated<'a> {
    n: Vec<u16>,
    blocks: Vec<u64>,
    patched: Vec<Vec<&'a str>>,
    params: Value,
    parse_ms: f64,
    compute_ms: f64,
    epochs: &'a [EpochOutput],
    csv: String,
}

/// `yuma explain` for an epoch document (after the what-if `overrides`); for a mechanisms
/// document, mechanism `mechanism` with its share of the emission.
fn explain_text(
    text: &str,
    overrides: &str,
    mechanism: Option<u32>,
    uid: u16,
) -> Result<String, String> {
    let overrides = Overrides::parse(overrides)?;
    let mut input = match (load(text)?.input, mechanism) {
        (Input::Epoch(i), _) => i,
        // The CLI's words: `yuma explain` takes no mechanisms document.
        (Input::Mechanisms(_), None) => {
            return Err("expected an epoch input, not mechanisms".into())
        }
        (Input::Mechanisms(m), Some(k)) => {
            let count = m.mechanisms.len();
            let split = yuma::mechanisms::split_emissions(
                m.rao_emission,
                count,
                m.emission_split.as_deref(),
            );
            let k = usize::try_from(k).unwrap_or(usize::MAX);
            let share = split.get(k).copied().unwrap_or(0);
            let mut i = m
                .mechanisms
                .into_iter()
                .nth(k)
                .ok_or_else(|| format!("mechanism {k}: the document has {count} mechanisms"))?;
            i.rao_emission = share; // as epoch_with_mechanisms runs it
            i
        }
    };
    overrides.apply(&mut input);
    yuma::explain::explain(&input, uid).map_err(|e| e.to_string())
}

fn explain_epoch_text(text: &str, epoch: u32, uid: u16) -> Result<String, String> {
    let s = load_scenario(text)?;
    let k = usize::try_from(epoch).unwrap_or(usize::MAX);
    let state = scenario_state(&s, k)?;
    yuma::explain::explain(&state, uid)
        .map_err(|error| ScenarioError { epoch: k, error }.to_string())
}

fn js(r: Result<String, String>) -> Result<String, JsError> {
    r.map_err(|e| JsError::new(&e))
}

/// Computes the epoch of an `EpochInput`, a `MechanismsInput`, or a vector file's input, and
/// returns the output JSON exactly as `yuma epoch` prints it (without the newline).
#[wasm_bindgen]
pub fn epoch(input_json: &str) -> Result<String, JsError> {
    js(epoch_text(input_json, false))
}

/// As [`epoch`], with a `trace` field (raw I32F32 bits of every intermediate) for epoch inputs,
/// as `yuma epoch --trace` prints it. Mechanisms inputs return their output without a trace.
#[wasm_bindgen]
pub fn epoch_with_trace(input_json: &str) -> Result<String, JsError> {
    js(epoch_text(input_json, true))
}

/// Checks a vector file against its `expected` (and `trace`) as `yuma verify` does.
///
/// Returns `{name, category, kind, n, passed, error, has_expected, mismatches: [{field, uid, got,
/// expected}], output}`; `error` is set (and `output` null) when the epoch cannot be computed.
/// Throws if the document is malformed or not a vector file.
#[wasm_bindgen]
pub fn verify(vector_json: &str) -> Result<String, JsError> {
    js(verify_text(vector_json))
}

/// What the verifier page renders (`.report` and `.traces`, both JSON): the document's output (after the what-if `overrides_json`, an
/// object with any of `kappa`, `bonds_penalty`, `bonds_moving_average`, `yuma3_enabled`,
/// `liquid_alpha_enabled`, `alpha_low`, `alpha_high`, `alpha_sigmoid_steepness`; `""` for none),
/// its comparison with `expected` (only when no override changed the input), per-mechanism chart
/// traces (`consensus`, `weights_normalized`, `clipped_weights`), the effective hyperparameters,
/// and `parse_ms` / `compute_ms` measured inside WASM.
#[wasm_bindgen]
pub fn analyze(document_json: &str, overrides_json: &str) -> Result<Analysis, JsError> {
    analyze_text(document_json, overrides_json)
        .map(|(report, traces)| Analysis { report, traces })
        .map_err(|e| JsError::new(&e))
}

/// Times the epoch (JSON parsing excluded, as `yuma bench`): one warm-up run, then `reps` runs
/// reusing one workspace. Returns `{kind, n, reps, parse_ms, first_ms, median_ms, min_ms, max_ms}`.
#[wasm_bindgen]
pub fn run_timed(input_json: &str, reps: u32) -> Result<String, JsError> {
    js(run_timed_text(input_json, reps))
}

/// Runs a scenario (`{"initial": EpochInput, "epochs": [PATCH, ...]}`) as `yuma simulate` does.
///
/// Returns `{epochs: [EpochOutput, ...], csv, n: [..], blocks: [..], patched: [[field, ..], ..],
/// params, parse_ms, compute_ms}`: one output per epoch, the tidy CSV of `yuma simulate --csv`,
/// and per epoch the `n` and `current_block` it ran at and the fields its patch replaced. Errors
/// are the CLI's (`epoch K: ...` when an epoch cannot be computed).
#[wasm_bindgen]
pub fn simulate(scenario_json: &str) -> Result<String, JsError> {
    js(simulate_text(scenario_json))
}

/// `yuma explain --uid UID`: a readable account of one uid's epoch, for an `EpochInput` or an
/// epoch vector file. Mechanisms documents are refused, as by the CLI (see [`explain_with`]).
#[wasm_bindgen]
pub fn explain(input_json: &str, uid: u16) -> Result<String, JsError> {
    js(explain_text(input_json, "", None, uid))
}

/// The page's [`explain`]: after the what-if `overrides_json` (as [`analyze`]; `""` for none),
/// and for a mechanisms document, of mechanism `mechanism` (its input with its share of the
/// subnet's emission, as `epoch_with_mechanisms` runs it).
#[wasm_bindgen]
pub fn explain_with(
    document_json: &str,
    overrides_json: &str,
    uid: u16,
    mechanism: Option<u32>,
) -> Result<String, JsError> {
    js(explain_text(document_json, overrides_json, mechanism, uid))
}

/// [`explain`] for epoch `epoch` (from 0) of a scenario: the state that epoch ran on, replayed
/// as [`simulate`] runs it. Errors read `epoch K: ...`.
#[wasm_bindgen]
pub fn explain_epoch(scenario_json: &str, epoch: u32, uid: u16) -> Result<String, JsError> {
    js(explain_epoch_text(scenario_json, epoch, uid))
}

/// `"yuma <version> (subtensor <commit>)"`.
#[wasm_bindgen]
pub fn version() -> String {
    format!(
        "yuma {} (subtensor {})",
        yuma::VERSION,
        yuma::REFERENCE_COMMIT
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

/// The subtensor commit the epoch reproduces.
#[wasm_bindgen]
pub fn reference_commit() -> String {
    yuma::REFERENCE_COMMIT.into()
}
