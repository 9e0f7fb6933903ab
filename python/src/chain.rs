//! The chain bridge ([`yuma::chain`]) from Python: fetch one epoch of a real subnet from a node,
//! and verify a chain snapshot against what the chain stored.
//!
//! Failures are the CLI's: its exit-2 cases (a bad argument, a block or subnet that does not
//! exist, a runtime this version does not reproduce, a malformed snapshot) raise `InputError`,
//! its exit-3 cases (the node unreachable, failing, or answering what the runtime cannot have
//! stored) `ChainError`, with `yuma`'s message.

use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use yuma::chain::rpc::{RpcClient, RpcOptions};
use yuma::chain::{self, ChainError, FetchOptions, Progress, Target};

use crate::source::{Fail, Src};
use crate::topy::to_py;

/// `InputError` for the CLI's exit 2, `ChainError(message, code)` for its exit 3.
fn raise(py: Python<'_>, e: &ChainError) -> PyErr {
    let message = e.to_string();
    if e.exit_code() == 2 {
        return Fail::plain(message).into_py(py, None);
    }
    let made = py
        .import("yuma_consensus._errors")
        .and_then(|m| m.getattr("ChainError"))
        .and_then(|cls| cls.call1((message.clone(), e.exit_code())));
    match made {
        Ok(err) => PyErr::from_value(err),
        Err(_) => pyo3::exceptions::PyRuntimeError::new_err(message),
    }
}

/// Fetches the epoch of subnet `netuid` that ran in block `block` (`None`: the latest) from the
/// node at `rpc`, as `yuma fetch` does, and returns the snapshot's JSON text. `progress(step,
/// steps, stage)` is called at each stage (with the GIL; the reads run without it).
#[pyfunction]
#[pyo3(signature = (rpc, netuid, block = None, *, timeout = 30, retries = 4, assume_spec = None, fetched_at = String::new(), progress = None))]
#[allow(clippy::too_many_arguments)]
pub fn fetch(
    py: Python<'_>,
    rpc: &str,
    netuid: u16,
    block: Option<u64>,
    timeout: u64,
    retries: u32,
    assume_spec: Option<u32>,
    fetched_at: String,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    let target = block.map_or(Target::Latest, Target::Block);
    let opts = RpcOptions {
        timeout: Duration::from_secs(timeout.max(1)),
        retries,
        ..RpcOptions::default()
    };
    let fetch_opts = FetchOptions {
        assume_spec,
        source: rpc.to_string(),
        fetched_at,
    };
    let mut callback_error: Option<PyErr> = None;
    let fetched = py.detach(|| {
        let mut client = RpcClient::new(rpc, opts)?;
        let mut report = |p: Progress| {
            if let (Some(cb), None) = (&progress, &callback_error) {
                Python::attach(|py| {
                    if let Err(e) = cb.call1(py, (p.step, p.steps, p.stage)) {
                        callback_error = Some(e);
                    }
                });
            }
        };
        let snapshot = chain::fetch_epoch(&mut client, netuid, target, &fetch_opts, &mut report)?;
        snapshot.to_json()
    });
    if let Some(e) = callback_error {
        return Err(e);
    }
    fetched.map_err(|e| raise(py, &e))
}

/// Whether the bytes are a chain snapshot (`format` `yuma-chain-snapshot/…`).
#[pyfunction]
pub fn is_snapshot(data: &[u8]) -> bool {
    chain::snapshot::is_snapshot(data)
}

/// Recomputes a chain snapshot's epoch and compares it with what the chain stored, per uid and
/// field, as `yuma verify SNAPSHOT`: `{netuid, block, rules, passed, error, unsupported_runtime,
/// compared, mismatches: [{field, uid, got, expected}], skipped: [{uid, reason}]}`.
#[pyfunction]
#[pyo3(signature = (src, *, assume_spec = None))]
pub fn verify_snapshot<'py>(
    py: Python<'py>,
    src: &Bound<'py, PyAny>,
    assume_spec: Option<u32>,
) -> PyResult<Bound<'py, PyDict>> {
    let src = Src::extract(src)?;
    let checked = py.detach(|| -> Result<_, Fail> {
        let bytes = src.bytes()?;
        let snap = chain::parse_snapshot(&bytes).map_err(|e| Fail::plain(e.to_string()))?;
        Ok(chain::verify(&snap, assume_spec))
    });
    let report = checked.map_err(|f| f.into_py(py, src.shown().as_deref()))?;
    let d = to_py(py, &report)?;
    Ok(d.cast_into::<PyDict>()?)
}
