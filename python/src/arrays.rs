//! Outputs as array buffers for numpy: each per-uid field a `(dtype, bytearray)` pair, each
//! sparse field (`bonds`, the traced weight matrices) a `("csr", indptr, indices, dtype, data)`
//! tuple; the Python side wraps them with `numpy.frombuffer` (no copy, writable). Values that are
//! not per uid (`bonds_persisted`, `null_winner`, budgets) are plain Python objects.
//!
//! Written from the typed outputs, so an empty field keeps its dtype.

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict, PyTuple};

use yuma::mechanisms::AggregatedOutput;
use yuma::{EpochOutput, EpochTrace, MechanismsOutput};

use crate::topy::to_py;

/// A value numpy stores with a fixed little-endian dtype.
pub trait Le: Copy {
    /// numpy's name for it.
    const DTYPE: &'static str;
    /// Its size in bytes.
    const SIZE: usize;
    /// Writes its little-endian bytes into `out` (`SIZE` bytes).
    fn put(self, out: &mut [u8]);
}

macro_rules! le {
    ($t:ty, $dtype:literal) => {
        impl Le for $t {
            const DTYPE: &'static str = $dtype;
            const SIZE: usize = core::mem::size_of::<$t>();
            fn put(self, out: &mut [u8]) {
                for (d, s) in out.iter_mut().zip(self.to_le_bytes()) {
                    *d = s;
                }
            }
        }
    };
}

le!(u16, "<u2");
le!(u64, "<u8");
le!(i64, "<i8");

impl Le for bool {
    const DTYPE: &'static str = "|b1";
    const SIZE: usize = 1;
    fn put(self, out: &mut [u8]) {
        if let Some(b) = out.first_mut() {
            *b = u8::from(self);
        }
    }
}

fn too_large() -> PyErr {
    pyo3::exceptions::PyMemoryError::new_err("array too large")
}

/// The little-endian bytes of `values` in a `bytearray`.
fn buffer<'py, T: Le>(
    py: Python<'py>,
    values: impl ExactSizeIterator<Item = T>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let len = values.len().checked_mul(T::SIZE).ok_or_else(too_large)?;
    PyByteArray::new_with(py, len, |buf| {
        for (chunk, v) in buf.chunks_exact_mut(T::SIZE).zip(values) {
            v.put(chunk);
        }
        Ok(())
    })
}

/// `(dtype, bytearray)`.
pub fn array<'py, T: Le>(py: Python<'py>, values: &[T]) -> PyResult<Bound<'py, PyAny>> {
    let b = buffer(py, values.iter().copied())?;
    Ok(PyTuple::new(py, [T::DTYPE.into_pyobject(py)?.into_any(), b.into_any()])?.into_any())
}

/// `("csr", indptr <i8, indices <u2, dtype, data)`: the rows as compressed sparse rows, entries in
/// their stored order (scipy's `csr_matrix((data, indices, indptr))`).
pub fn csr<'py, T: Le>(py: Python<'py>, rows: &[Vec<(u16, T)>]) -> PyResult<Bound<'py, PyAny>> {
    let mut indptr: Vec<i64> = Vec::with_capacity(rows.len().saturating_add(1));
    let mut at: i64 = 0;
    indptr.push(at);
    for r in rows {
        at = at
            .checked_add(i64::try_from(r.len()).map_err(|_| too_large())?)
            .ok_or_else(too_large)?;
        indptr.push(at);
    }
    let nnz = usize::try_from(at).map_err(|_| too_large())?;
    let indices = buffer(py, Counted::new(rows.iter().flatten().map(|e| e.0), nnz))?;
    let data = buffer(py, Counted::new(rows.iter().flatten().map(|e| e.1), nnz))?;
    let items: [Bound<'py, PyAny>; 5] = [
        "csr".into_pyobject(py)?.into_any(),
        buffer(py, indptr.iter().copied())?.into_any(),
        indices.into_any(),
        T::DTYPE.into_pyobject(py)?.into_any(),
        data.into_any(),
    ];
    Ok(PyTuple::new(py, items)?.into_any())
}

/// An iterator with a known length (a flattened iterator has none).
struct Counted<I> {
    inner: I,
    left: usize,
}

impl<I> Counted<I> {
    fn new(inner: I, len: usize) -> Self {
        Counted { inner, left: len }
    }
}

impl<I: Iterator> Iterator for Counted<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        if self.left == 0 {
            return None;
        }
        self.left = self.left.saturating_sub(1);
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<I: Iterator> ExactSizeIterator for Counted<I> {}

/// An [`EpochOutput`] (and its trace, as a `trace` key) as arrays.
pub fn epoch_output<'py>(
    py: Python<'py>,
    o: &EpochOutput,
    trace: Option<&EpochTrace>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("active", array(py, &o.active)?)?;
    d.set_item("stake", array(py, &o.stake)?)?;
    d.set_item("stake_weight", array(py, &o.stake_weight)?)?;
    d.set_item("consensus", array(py, &o.consensus)?)?;
    d.set_item("incentive", array(py, &o.incentive)?)?;
    d.set_item("dividends", array(py, &o.dividends)?)?;
    d.set_item("validator_trust", array(py, &o.validator_trust)?)?;
    d.set_item("new_validator_permit", array(py, &o.new_validator_permit)?)?;
    d.set_item("server_emission", array(py, &o.server_emission)?)?;
    d.set_item("validator_emission", array(py, &o.validator_emission)?)?;
    d.set_item("emission", array(py, &o.emission)?)?;
    d.set_item("bonds", csr(py, &o.bonds)?)?;
    if let Some(c) = &o.consensus_by_mechanism {
        d.set_item("consensus_by_mechanism", array(py, c)?)?;
    }
    if let Some(b) = o.bonds_persisted {
        d.set_item("bonds_persisted", b)?;
    }
    if let Some(t) = trace {
        d.set_item("trace", epoch_trace(py, t)?)?;
    }
    Ok(d)
}

/// An [`EpochTrace`] as arrays: raw fixed-point bits as `int64`, sparse matrices as CSR.
pub fn epoch_trace<'py>(py: Python<'py>, t: &EpochTrace) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match t {
        EpochTrace::Yuma(t) => {
            d.set_item("stake", array(py, &t.stake)?)?;
            d.set_item("active_stake", array(py, &t.active_stake)?)?;
            d.set_item("weights_normalized", csr(py, &t.weights_normalized)?)?;
            d.set_item("consensus", array(py, &t.consensus)?)?;
            d.set_item("clipped_weights", csr(py, &t.clipped_weights)?)?;
            d.set_item("validator_trust", array(py, &t.validator_trust)?)?;
            d.set_item("incentive", array(py, &t.incentive)?)?;
            if let Some(c) = &t.liquid_alpha_consensus {
                d.set_item("liquid_alpha_consensus", array(py, c)?)?;
            }
            if let Some(a) = t.liquid_alpha_applied {
                d.set_item("liquid_alpha_applied", a)?;
            }
            d.set_item("ema_bonds", csr(py, &t.ema_bonds)?)?;
            d.set_item("dividends", array(py, &t.dividends)?)?;
        }
        EpochTrace::Null(t) => {
            d.set_item("stake", array(py, &t.stake)?)?;
            d.set_item("null_winner", t.null_winner)?;
            d.set_item("active_stake", array(py, &t.active_stake)?)?;
            d.set_item("weights_masked", csr(py, &t.weights_masked)?)?;
            d.set_item("incentive", array(py, &t.incentive)?)?;
            d.set_item("incentive_shares", array(py, &t.incentive_shares)?)?;
            // numpy has no 128-bit integers: exact Python ints.
            d.set_item("dividend_shares", t.dividend_shares.clone())?;
            d.set_item("null_budgets", to_py(py, &t.null_budgets)?)?;
            d.set_item("dividends", array(py, &t.dividends)?)?;
        }
    }
    Ok(d)
}

/// The per-uid aggregate of a mechanisms epoch as arrays (it stores no bonds).
pub fn aggregated<'py>(py: Python<'py>, a: &AggregatedOutput) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("dividends", array(py, &a.dividends)?)?;
    d.set_item("incentive", array(py, &a.incentive)?)?;
    d.set_item("validator_emission", array(py, &a.validator_emission)?)?;
    d.set_item("server_emission", array(py, &a.server_emission)?)?;
    d.set_item("stake_weight", array(py, &a.stake_weight)?)?;
    d.set_item("active", array(py, &a.active)?)?;
    d.set_item("emission", array(py, &a.emission)?)?;
    d.set_item("consensus", array(py, &a.consensus)?)?;
    d.set_item("validator_trust", array(py, &a.validator_trust)?)?;
    d.set_item("new_validator_permit", array(py, &a.new_validator_permit)?)?;
    d.set_item("stake", array(py, &a.stake)?)?;
    Ok(d)
}

/// A [`MechanismsOutput`] as arrays, keys in the order of its JSON.
pub fn mechanisms_output<'py>(
    py: Python<'py>,
    m: &MechanismsOutput,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("split", array(py, &m.split)?)?;
    if let Some(b) = &m.mechanism_budgets {
        d.set_item("mechanism_budgets", to_py(py, b)?)?;
    }
    let outs = m
        .per_mechanism
        .iter()
        .map(|o| epoch_output(py, o, None))
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("per_mechanism", outs)?;
    d.set_item("aggregated", aggregated(py, &m.aggregated)?)?;
    Ok(d)
}
