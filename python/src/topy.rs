//! Any `serde::Serialize` value as Python objects, the way `serde_json` writes it as JSON: structs
//! and maps become `dict`s (fields in order), sequences and tuples `list`s, integers `int`s of any
//! width (u64 and u128 exact), `None` / unit `None`, unit enum variants their name.
//!
//! So an output dict equals `json.loads` of the CLI's JSON for the same epoch, without the text in
//! between.

use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString};
use pyo3::IntoPyObjectExt;
use serde::ser::{self, Serialize};

/// Why a value could not be converted: a Python error, or a value JSON has no form for.
#[derive(Debug)]
pub enum ToPyError {
    /// Raised by the interpreter (memory, …).
    Py(PyErr),
    /// A value this conversion does not take (floats: the crate has none).
    Unsupported(String),
}

impl fmt::Display for ToPyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToPyError::Py(e) => write!(f, "{e}"),
            ToPyError::Unsupported(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for ToPyError {}

impl ser::Error for ToPyError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ToPyError::Unsupported(msg.to_string())
    }
}

impl From<PyErr> for ToPyError {
    fn from(e: PyErr) -> Self {
        ToPyError::Py(e)
    }
}

impl From<ToPyError> for PyErr {
    fn from(e: ToPyError) -> Self {
        match e {
            ToPyError::Py(e) => e,
            ToPyError::Unsupported(s) => pyo3::exceptions::PyTypeError::new_err(s),
        }
    }
}

/// `value` as Python objects.
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    value.serialize(ToPy { py }).map_err(PyErr::from)
}

/// The serializer: one per value, `Copy` so nested values get their own.
#[derive(Clone, Copy)]
pub struct ToPy<'py> {
    py: Python<'py>,
}

type R<'py> = Result<Bound<'py, PyAny>, ToPyError>;

fn int<'py, T: IntoPyObject<'py>>(py: Python<'py>, v: T) -> R<'py> {
    v.into_bound_py_any(py).map_err(ToPyError::Py)
}

impl<'py> ser::Serializer for ToPy<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Variant<Seq<'py>>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Map<'py>;
    type SerializeStructVariant = Variant<Map<'py>>;

    fn serialize_bool(self, v: bool) -> R<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_i16(self, v: i16) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_i32(self, v: i32) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_i64(self, v: i64) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_i128(self, v: i128) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_u8(self, v: u8) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_u16(self, v: u16) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_u32(self, v: u32) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_u64(self, v: u64) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_u128(self, v: u128) -> R<'py> {
        int(self.py, v)
    }
    fn serialize_f32(self, _: f32) -> R<'py> {
        Err(ToPyError::Unsupported(
            "a float (the crate has none)".into(),
        ))
    }
    fn serialize_f64(self, _: f64) -> R<'py> {
        Err(ToPyError::Unsupported(
            "a float (the crate has none)".into(),
        ))
    }
    fn serialize_char(self, v: char) -> R<'py> {
        let mut buf = [0u8; 4];
        Ok(PyString::new(self.py, v.encode_utf8(&mut buf)).into_any())
    }
    fn serialize_str(self, v: &str) -> R<'py> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> R<'py> {
        Ok(PyBytes::new(self.py, v).into_any())
    }
    fn serialize_none(self) -> R<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> R<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R<'py> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> R<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> R<'py> {
        let d = PyDict::new(self.py);
        d.set_item(variant, value.serialize(self)?)?;
        Ok(d.into_any())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'py>, ToPyError> {
        Ok(Seq {
            to: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'py>, ToPyError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'py>, ToPyError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Seq<'py>>, ToPyError> {
        Ok(Variant {
            variant,
            inner: self.serialize_seq(Some(len))?,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'py>, ToPyError> {
        Ok(Map {
            to: self,
            dict: PyDict::new(self.py),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map<'py>, ToPyError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Map<'py>>, ToPyError> {
        Ok(Variant {
            variant,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

/// A sequence or tuple being built: a `list`.
pub struct Seq<'py> {
    to: ToPy<'py>,
    items: Vec<Bound<'py, PyAny>>,
}

impl<'py> Seq<'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToPyError> {
        self.items.push(value.serialize(self.to)?);
        Ok(())
    }
    fn done(self) -> R<'py> {
        Ok(PyList::new(self.to.py, self.items)?.into_any())
    }
}

impl<'py> ser::SerializeSeq for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToPyError> {
        self.push(value)
    }
    fn end(self) -> R<'py> {
        self.done()
    }
}

impl<'py> ser::SerializeTuple for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToPyError> {
        self.push(value)
    }
    fn end(self) -> R<'py> {
        self.done()
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToPyError> {
        self.push(value)
    }
    fn end(self) -> R<'py> {
        self.done()
    }
}

/// A map or struct being built: a `dict`.
pub struct Map<'py> {
    to: ToPy<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

impl<'py> ser::SerializeMap for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ToPyError> {
        self.key = Some(key.serialize(self.to)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToPyError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ToPyError::Unsupported("a map value without a key".into()))?;
        self.dict.set_item(key, value.serialize(self.to)?)?;
        Ok(())
    }
    fn end(self) -> R<'py> {
        Ok(self.dict.into_any())
    }
}

impl<'py> ser::SerializeStruct for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ToPyError> {
        self.dict.set_item(key, value.serialize(self.to)?)?;
        Ok(())
    }
    fn end(self) -> R<'py> {
        Ok(self.dict.into_any())
    }
}

/// An enum variant with data: `{variant: data}`, as serde_json writes it.
pub struct Variant<S> {
    variant: &'static str,
    inner: S,
}

impl<'py> Variant<Seq<'py>> {
    fn wrap(self) -> R<'py> {
        let py = self.inner.to.py;
        let d = PyDict::new(py);
        d.set_item(self.variant, self.inner.done()?)?;
        Ok(d.into_any())
    }
}

impl<'py> ser::SerializeTupleVariant for Variant<Seq<'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ToPyError> {
        self.inner.push(value)
    }
    fn end(self) -> R<'py> {
        self.wrap()
    }
}

impl<'py> ser::SerializeStructVariant for Variant<Map<'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ToPyError> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> R<'py> {
        let py = self.inner.to.py;
        let d = PyDict::new(py);
        d.set_item(self.variant, self.inner.dict)?;
        Ok(d.into_any())
    }
}
