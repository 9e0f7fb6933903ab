//! `yuma_consensus._native`: the PyO3 glue under the `yuma_consensus` Python package.
//!
//! Every function takes a document as JSON bytes or as a path (the Python layer turns dicts and
//! JSON strings into bytes), reads and parses it with [`yuma::json`] — the CLI's parser, so the
//! same document fails with the same words — and computes with the GIL released. Results come
//! back as Python objects shaped like the CLI's JSON (u64 values exact `int`s), or as array
//! buffers for numpy ([`arrays`]). Nothing here panics on any input: every failure is an
//! `InputError` (bad input, the CLI's exit 2) or a Python error from the interpreter.

#![forbid(unsafe_code)]
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

mod arrays;
mod chain;
mod source;
mod topy;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use yuma::json::{self as yj, Document, Implementation, OutputDoc, VectorInput};
use yuma::runtime::{self, Rules};
use yuma::scenario::EpochPatch;
use yuma::{EpochInput, EpochOutput, EpochTrace, MechanismsInput, MechanismsOutput, Workspace};

use crate::source::{Fail, Src};
use crate::topy::to_py;

// ---------------------------------------------------------------- runtime rules

/// Which rules ran and why, as `yuma` says it: `runtime rules: spec 475 (…); the input's
/// spec_version 475`.
fn rules_line(rules: Rules, spec: Option<u32>, assume: Option<u32>) -> String {
    let why = match (assume, spec) {
        (Some(a), _) => format!("assumed with --assume-spec {a}"),
        (None, Some(s)) => format!("the input's spec_version {s}"),
        (None, None) => "the input has no spec_version".to_string(),
    };
    format!("runtime rules: {rules}; {why}")
}

/// The rules a computation ran under: `{rules, source, specs, spec_version, assumed,
/// assume_spec, line}`.
fn runtime_dict<'py>(
    py: Python<'py>,
    rules: Rules,
    spec: Option<u32>,
    assume: Option<u32>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rules", rules.name())?;
    d.set_item("source", rules.source())?;
    d.set_item("specs", rules.specs())?;
    d.set_item("spec_version", spec)?;
    d.set_item("assumed", assume.is_some())?;
    d.set_item("assume_spec", assume)?;
    d.set_item("line", rules_line(rules, spec, assume))?;
    Ok(d)
}

/// A mechanisms input's spec: the subnet's, or its mechanisms' (which `rules` checks agree).
fn mechanisms_spec(m: &MechanismsInput) -> Option<u32> {
    m.spec_version
        .or_else(|| m.mechanisms.first().and_then(|x| x.spec_version))
}

// ---------------------------------------------------------------- notes

/// The CLI's note when `weights` or `bonds` hold fewer than `n` rows.
fn short_rows(input: &EpochInput, notes: &mut Vec<String>) {
    let n = usize::from(input.n);
    for (field, rows) in [
        ("weights", input.weights.len()),
        ("bonds", input.bonds.len()),
    ] {
        if rows < n {
            notes.push(format!(
                "`{field}` has {rows} rows for n = {n}; {} no stored {field}",
                if rows.saturating_add(1) == n {
                    format!("uid {rows} reads as having")
                } else {
                    format!("uids {rows} to {} read as having", n.saturating_sub(1))
                }
            ));
        }
    }
}

/// The CLI's note when an epoch pays more than its `rao_emission` (a wrapped stake sum).
fn overpaid(what: &str, rao_emission: u64, out: &EpochOutput, notes: &mut Vec<String>) {
    let paid = out.total_paid();
    if paid > u128::from(rao_emission) {
        notes.push(format!(
            "{what}pays {paid} rao in all, more than its rao_emission of {rao_emission}: the \
             input overflows the chain's arithmetic (a total stake at or above 2^63 wraps its \
             I64F64 stake sum), and the chain would pay exactly this"
        ));
    }
}

// ---------------------------------------------------------------- epoch

/// What an epoch call computed (one per call: the size difference does not matter).
#[allow(clippy::large_enum_variant)]
enum Computed {
    Epoch {
        out: EpochOutput,
        trace: Option<EpochTrace>,
        rules: Rules,
        spec: Option<u32>,
    },
    Mechanisms {
        out: MechanismsOutput,
        rules: Rules,
        spec: Option<u32>,
    },
}

/// What the caller asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Any document: an epoch input's output, a mechanisms input's output.
    Any,
    /// An epoch input with its trace (`yuma epoch --trace`).
    Trace,
    /// A mechanisms input (`epoch_with_mechanisms`).
    Mechanisms,
}

fn run_epoch_doc(
    src: &Src,
    want: Want,
    assume: Option<u32>,
    notes: &mut Vec<String>,
) -> Result<Computed, Fail> {
    let bytes = src.bytes()?;
    let input = source::load(&bytes)?.into_input();
    drop(bytes);
    match input {
        VectorInput::Epoch(input) => {
            if want == Want::Mechanisms {
                return Err(Fail::plain(
                    "this is an EpochInput; epoch_with_mechanisms takes a MechanismsInput (an \
                     object with `mechanisms`) or a mechanisms vector: compute it with epoch()",
                ));
            }
            short_rows(&input, notes);
            let rules = input.rules(assume).map_err(|e| Fail::epoch(&e))?;
            let mut ws = Workspace::new();
            ws.assume_spec = assume;
            let mut out = EpochOutput::default();
            yuma::epoch_into(&input, &mut ws, &mut out).map_err(|e| Fail::epoch(&e))?;
            overpaid("the epoch ", input.rao_emission, &out, notes);
            Ok(Computed::Epoch {
                trace: (want == Want::Trace).then(|| ws.trace()),
                out,
                rules,
                spec: input.spec_version,
            })
        }
        VectorInput::Mechanisms(m) => {
            if want == Want::Trace {
                // The CLI's words for `yuma epoch --trace` on a mechanisms input.
                return Err(Fail::plain(
                    "--trace applies to an epoch input; this is a mechanisms input (run one \
                     mechanism's EpochInput on its own for its trace)",
                ));
            }
            for mech in &m.mechanisms {
                short_rows(mech, notes);
            }
            let rules = m.rules(assume).map_err(|e| Fail::epoch(&e))?;
            let mut ws = Workspace::new();
            ws.assume_spec = assume;
            let mut out = MechanismsOutput::default();
            yuma::mechanisms::epoch_with_mechanisms_into(&m, &mut ws, &mut out)
                .map_err(|e| Fail::epoch(&e))?;
            for (k, (o, &rao)) in out.per_mechanism.iter().zip(&out.split).enumerate() {
                overpaid(&format!("mechanism {k} "), rao, o, notes);
            }
            Ok(Computed::Mechanisms {
                out,
                rules,
                spec: mechanisms_spec(&m),
            })
        }
    }
}

/// Computes a document's epoch: `{kind, output, runtime, notes}`, `output` as the CLI's JSON
/// (`numpy`: as array buffers). `want`: `"any"`, `"trace"` (an epoch input, with its trace) or
/// `"mechanisms"` (a mechanisms input).
#[pyfunction]
#[pyo3(signature = (src, *, want = "any", assume_spec = None, numpy = false))]
fn epoch<'py>(
    py: Python<'py>,
    src: &Bound<'py, PyAny>,
    want: &str,
    assume_spec: Option<u32>,
    numpy: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let want = match want {
        "any" => Want::Any,
        "trace" => Want::Trace,
        "mechanisms" => Want::Mechanisms,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "want: {other:?} (any, trace or mechanisms)"
            )))
        }
    };
    let src = Src::extract(src)?;
    let mut notes = Vec::new();
    let computed = py
        .detach(|| run_epoch_doc(&src, want, assume_spec, &mut notes))
        .map_err(|f| f.into_py(py, src.shown().as_deref()))?;
    let d = PyDict::new(py);
    match &computed {
        Computed::Epoch {
            out,
            trace,
            rules,
            spec,
        } => {
            d.set_item("kind", "epoch")?;
            let output = if numpy {
                arrays::epoch_output(py, out, trace.as_ref())?.into_any()
            } else {
                to_py(
                    py,
                    &OutputDoc {
                        output: out,
                        trace: trace.as_ref(),
                    },
                )?
            };
            d.set_item("output", output)?;
            d.set_item("runtime", runtime_dict(py, *rules, *spec, assume_spec)?)?;
        }
        Computed::Mechanisms { out, rules, spec } => {
            d.set_item("kind", "mechanisms")?;
            let output = if numpy {
                arrays::mechanisms_output(py, out)?.into_any()
            } else {
                to_py(py, out)?
            };
            d.set_item("output", output)?;
            d.set_item("runtime", runtime_dict(py, *rules, *spec, assume_spec)?)?;
        }
    }
    d.set_item("notes", notes)?;
    Ok(d)
}

// ---------------------------------------------------------------- verify

/// Checks a vector file against its `expected` (and `trace`), as `yuma verify` does: `{name,
/// category, description, kind, passed, has_expected, error, mismatches: [(field, uid, got,
/// expected)], output, rules, runtime}` (`got` / `expected` as JSON text). `implementation`:
/// `"main"` or `"reference"`.
#[pyfunction]
#[pyo3(signature = (src, *, assume_spec = None, implementation = "main"))]
fn verify<'py>(
    py: Python<'py>,
    src: &Bound<'py, PyAny>,
    assume_spec: Option<u32>,
    implementation: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let imp = match implementation {
        "main" => Implementation::Main,
        "reference" => Implementation::Reference,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "implementation: {other:?} (main or reference)"
            )))
        }
    };
    let src = Src::extract(src)?;
    let checked = py.detach(|| -> Result<_, Fail> {
        let bytes = src.bytes()?;
        let vector = match source::load(&bytes)? {
            Document::Vector(v) => v,
            other => {
                let what = match other {
                    Document::Epoch(_) => {
                        "it is an EpochInput, with no expected results to compare: compute it \
                         with `yuma epoch`"
                    }
                    _ => {
                        "it is a MechanismsInput, with no expected results to compare: compute \
                         it with `yuma epoch`"
                    }
                };
                return Err(Fail::plain(format!(
                    "not a vector file (no `input`/`expected`); {what}"
                )));
            }
        };
        let report = yj::verify_vector_assuming(&vector, imp, assume_spec);
        let (kind, spec) = match &vector.input {
            VectorInput::Epoch(i) => ("epoch", i.spec_version),
            VectorInput::Mechanisms(m) => ("mechanisms", mechanisms_spec(m)),
        };
        Ok((report, vector.description.clone(), kind, spec))
    });
    let (report, description, kind, spec) =
        checked.map_err(|f| f.into_py(py, src.shown().as_deref()))?;
    let d = PyDict::new(py);
    d.set_item("name", &report.name)?;
    d.set_item("category", &report.category)?;
    d.set_item("description", description)?;
    d.set_item("kind", kind)?;
    d.set_item("passed", report.passed)?;
    d.set_item("has_expected", report.has_expected)?;
    d.set_item("error", &report.error)?;
    // `got` / `expected` as JSON text (or `"256 entries"`); the Python layer parses them.
    let mismatches = report
        .mismatches
        .iter()
        .map(|m| (m.field.as_str(), m.uid, m.got.as_str(), m.expected.as_str()))
        .collect::<Vec<_>>();
    d.set_item("mismatches", PyList::new(py, mismatches)?)?;
    d.set_item(
        "output",
        match &report.output {
            Some(v) => to_py(py, v)?,
            None => py.None().into_bound(py),
        },
    )?;
    match report.rules {
        Some(r) => {
            d.set_item("rules", r.name())?;
            d.set_item("runtime", runtime_dict(py, r, spec, assume_spec)?)?;
        }
        None => {
            d.set_item("rules", py.None())?;
            d.set_item("runtime", py.None())?;
        }
    }
    Ok(d)
}

// ---------------------------------------------------------------- simulate

/// A scenario run lazily: each `next()` computes one epoch (the GIL released) on the state the
/// previous one carried forward, patched by the scenario's next patch.
#[pyclass(module = "yuma_consensus._native")]
struct Simulation {
    patches: Vec<EpochPatch>,
    state: EpochInput,
    ws: Workspace,
    out: EpochOutput,
    next: usize,
    assume: Option<u32>,
    numpy: bool,
    source: Option<String>,
    failed: bool,
}

#[pymethods]
impl Simulation {
    #[new]
    #[pyo3(signature = (src, *, assume_spec = None, numpy = false))]
    fn new(
        py: Python<'_>,
        src: &Bound<'_, PyAny>,
        assume_spec: Option<u32>,
        numpy: bool,
    ) -> PyResult<Self> {
        let src = Src::extract(src)?;
        let source = src.shown();
        let scenario = py
            .detach(|| {
                let bytes = src.bytes()?;
                source::load_scenario(&bytes)
            })
            .map_err(|f| f.into_py(py, source.as_deref()))?;
        let mut ws = Workspace::new();
        ws.assume_spec = assume_spec;
        Ok(Simulation {
            patches: scenario.epochs,
            state: scenario.initial,
            ws,
            out: EpochOutput::default(),
            next: 0,
            assume: assume_spec,
            numpy,
            source,
            failed: false,
        })
    }

    /// The number of epochs in the scenario.
    fn __len__(&self) -> usize {
        self.patches.len()
    }

    /// Epochs computed so far.
    #[getter]
    fn done(&self) -> usize {
        self.next
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The next epoch: `{epoch, block, n, patched, runtime, output}`.
    fn __next__<'py>(
        mut slf: PyRefMut<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let this = &mut *slf;
        if this.failed {
            return Ok(None);
        }
        let k = this.next;
        let Some(patch) = this.patches.get(k) else {
            return Ok(None);
        };
        let (state, ws, out, assume) = (&mut this.state, &mut this.ws, &mut this.out, this.assume);
        let ran = py.detach(|| -> Result<Rules, Fail> {
            if k > 0 {
                yuma::simulate::transition_in_place(state, out);
            }
            patch.apply(state);
            let at = |e: yuma::Error| Fail {
                detail: format!("epoch {k}: {e}"),
                field: source::error_field(&e),
            };
            // The CLI's order: the epoch (which refuses an unknown runtime itself), then its rules.
            yuma::epoch_into(state, ws, out).map_err(at)?;
            state.rules(assume).map_err(at)
        });
        let rules = match ran {
            Ok(r) => r,
            Err(f) => {
                this.failed = true;
                return Err(f.into_py(py, this.source.as_deref()));
            }
        };
        this.next = k.saturating_add(1);
        let d = PyDict::new(py);
        d.set_item("epoch", k)?;
        d.set_item("block", this.state.current_block)?;
        d.set_item("n", this.state.n)?;
        d.set_item("patched", patch.fields())?;
        d.set_item(
            "runtime",
            runtime_dict(py, rules, this.state.spec_version, this.assume)?,
        )?;
        let output = if this.numpy {
            arrays::epoch_output(py, &this.out, None)?.into_any()
        } else {
            to_py(py, &this.out)?
        };
        d.set_item("output", output)?;
        Ok(Some(d))
    }
}

// ---------------------------------------------------------------- rules, version

/// The rules a document (epoch, mechanisms or vector) or scenario (its first epoch) runs
/// under, without computing it: `{kind, rules, source, specs, spec_version, assumed,
/// assume_spec, line}`.
#[pyfunction]
#[pyo3(signature = (src, *, assume_spec = None))]
fn runtime_of<'py>(
    py: Python<'py>,
    src: &Bound<'py, PyAny>,
    assume_spec: Option<u32>,
) -> PyResult<Bound<'py, PyDict>> {
    let src = Src::extract(src)?;
    let found = py.detach(|| -> Result<_, Fail> {
        let bytes = src.bytes()?;
        let (kind, rules, spec) = match yj::parse_document(&bytes) {
            Ok(doc) => match doc.into_input() {
                VectorInput::Epoch(i) => ("epoch", i.rules(assume_spec), i.spec_version),
                VectorInput::Mechanisms(m) => {
                    ("mechanisms", m.rules(assume_spec), mechanisms_spec(&m))
                }
            },
            Err(e) => {
                let s = yuma::scenario::parse_scenario(&bytes).map_err(|_| Fail::json(&e))?;
                let mut first = s.initial;
                if let Some(p) = s.epochs.first() {
                    p.apply(&mut first);
                }
                ("scenario", first.rules(assume_spec), first.spec_version)
            }
        };
        Ok((kind, rules.map_err(|e| Fail::epoch(&e))?, spec))
    });
    let (kind, rules, spec) = found.map_err(|f| f.into_py(py, src.shown().as_deref()))?;
    let d = runtime_dict(py, rules, spec, assume_spec)?;
    d.set_item("kind", kind)?;
    Ok(d)
}

/// The rule sets this build reproduces, oldest first: `[{spec, rules, source, specs}]`, `spec`
/// the one to assume for them.
#[pyfunction]
fn known_rules(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for spec in [runtime::DEFAULT_SPEC, runtime::NEWEST_CHECKED_SPEC] {
        if let Ok(r) = Rules::for_spec(Some(spec), None) {
            let d = PyDict::new(py);
            d.set_item("spec", spec)?;
            d.set_item("rules", r.name())?;
            d.set_item("source", r.source())?;
            d.set_item("specs", r.specs())?;
            list.append(d)?;
        }
    }
    Ok(list)
}

/// `yuma 0.1.0 (reproduces runtime specs up to 475: …)`, as `yuma --version` prints it.
#[pyfunction]
fn version() -> String {
    let parts: Vec<String> = [runtime::DEFAULT_SPEC, runtime::NEWEST_CHECKED_SPEC]
        .iter()
        .enumerate()
        .filter_map(|(k, &spec)| {
            let r = Rules::for_spec(Some(spec), None).ok()?;
            let source = r.source().replace('@', " ");
            Some(if k == 0 {
                format!("{source} below spec {}", runtime::FIRST_NEWER_SPEC)
            } else {
                format!("{source} from {}", runtime::FIRST_NEWER_SPEC)
            })
        })
        .collect();
    format!(
        "yuma {} (reproduces runtime specs up to {}: {})",
        yuma::VERSION,
        runtime::NEWEST_CHECKED_SPEC,
        parts.join(", ")
    )
}

/// The native half of `yuma_consensus`; use the package, not this module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(epoch, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(runtime_of, m)?)?;
    m.add_function(wrap_pyfunction!(known_rules, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(chain::fetch, m)?)?;
    m.add_function(wrap_pyfunction!(chain::is_snapshot, m)?)?;
    m.add_function(wrap_pyfunction!(chain::verify_snapshot, m)?)?;
    m.add_class::<Simulation>()?;
    m.add("VERSION", yuma::VERSION)?;
    m.add("REFERENCE_COMMIT", yuma::REFERENCE_COMMIT)?;
    m.add("NEWEST_SPEC", runtime::NEWEST_CHECKED_SPEC)?;
    m.add("MAX_ENTRIES", yuma::Limits::DEFAULT.max_entries)?;
    Ok(())
}
