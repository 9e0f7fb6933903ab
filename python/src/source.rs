//! Where a document comes from (JSON bytes, or a file), reading and parsing it with the CLI's
//! wording, and the `InputError` every failure becomes.
//!
//! A failure's message is the line `yuma` prints for the same input without its `yuma: ` prefix:
//! for a file, `PATH: what is wrong`; for bytes (the CLI's stdin), the text after `stdin: `.

use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyBytes;

use yuma::json::{self, Document, JsonError};
use yuma::scenario::{self, Scenario};

/// A document's bytes, or the file that holds them.
pub enum Src {
    /// JSON text (UTF-8 bytes), as `yuma epoch -` reads it on stdin.
    Bytes(PyBackedBytes),
    /// A file, as `yuma epoch FILE` reads it.
    Path(PathBuf),
}

impl Src {
    /// `bytes` / `bytearray` are JSON text; anything else must be a path (`str`, `os.PathLike`).
    pub fn extract(ob: &Bound<'_, PyAny>) -> PyResult<Src> {
        if ob.is_instance_of::<PyBytes>() || ob.is_instance_of::<pyo3::types::PyByteArray>() {
            return Ok(Src::Bytes(
                ob.extract::<PyBackedBytes>().map_err(PyErr::from)?,
            ));
        }
        Ok(Src::Path(ob.extract::<PathBuf>()?))
    }

    /// How the CLI names it in messages: the path, or nothing for bytes (its `stdin`).
    pub fn shown(&self) -> Option<String> {
        match self {
            Src::Bytes(_) => None,
            Src::Path(p) => Some(p.display().to_string()),
        }
    }

    /// The document's bytes: the CLI's `read_bytes`, word for word.
    pub fn bytes(&self) -> Result<Bytes<'_>, Fail> {
        match self {
            Src::Bytes(b) => Ok(Bytes::Borrowed(b)),
            Src::Path(p) => read_file(p).map(Bytes::Owned),
        }
    }
}

/// Bytes from Python, or read from a file.
pub enum Bytes<'a> {
    /// Held by a Python `bytes` object.
    Borrowed(&'a [u8]),
    /// Read from a file.
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(b) => b,
            Bytes::Owned(v) => v,
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, Fail> {
    if path.is_dir() {
        return Err(Fail::plain(
            "is a directory; give one file (`yuma verify` and `yuma bench` take directories)",
        ));
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Fail::plain("no such file or directory"),
        _ => Fail::plain(e.to_string()),
    })
}

/// Why a call failed: the message after the source's name, and the input field it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    /// What is wrong (without the source's name).
    pub detail: String,
    /// The input field the message names (`n`, `input.weights[3]`, `mechanisms[1].alpha_stake`).
    pub field: Option<String>,
}

impl Fail {
    /// A failure that names no field.
    pub fn plain(detail: impl Into<String>) -> Fail {
        Fail {
            detail: detail.into(),
            field: None,
        }
    }

    /// A malformed document: the field is the path the message starts with.
    pub fn json(e: &JsonError) -> Fail {
        Fail {
            field: json_field(&e.0),
            detail: e.0.clone(),
        }
    }

    /// An input the epoch refuses.
    pub fn epoch(e: &yuma::Error) -> Fail {
        Fail {
            field: error_field(e),
            detail: e.to_string(),
        }
    }

    /// `InputError(message, detail, field, source)`, `message` as the CLI prints it.
    pub fn into_py(self, py: Python<'_>, src: Option<&str>) -> PyErr {
        let message = match src {
            Some(s) => format!("{s}: {}", self.detail),
            None => self.detail.clone(),
        };
        let made = py
            .import("yuma_consensus._errors")
            .and_then(|m| m.getattr("InputError"))
            .and_then(|cls| cls.call1((message.clone(), self.detail, self.field, src)));
        match made {
            Ok(err) => PyErr::from_value(err),
            // The package is not importable (the extension loaded on its own): still a ValueError.
            Err(_) => pyo3::exceptions::PyValueError::new_err(message),
        }
    }
}

/// The field path a JSON error names: the path it starts with (`` `input.weights[3]`: … ``, or
/// a context such as `input: …`), joined with the key a missing, unknown or duplicate key error
/// names (`` missing field `n` `` → `n`; `vector file: unknown key `x`` → `x`).
pub fn json_field(msg: &str) -> Option<String> {
    let (at, rest) = if let Some(rest) = msg.strip_prefix('`') {
        match rest.split_once("`: ") {
            Some((p, rest)) => (Some(p), rest),
            None => (None, msg),
        }
    } else if let Some(rest) = msg.strip_prefix("vector file: ") {
        (None, rest)
    } else {
        match msg.split_once(": ") {
            Some((head, rest))
                if matches!(
                    head,
                    "input" | "expected" | "trace" | "name" | "category" | "description"
                ) =>
            {
                (Some(head), rest)
            }
            _ => (None, msg),
        }
    };
    let key = [
        "missing field `",
        "unknown field `",
        "duplicate key `",
        "unknown key `",
    ]
    .iter()
    .find_map(|p| rest.strip_prefix(p))
    .and_then(|r| r.split_once('`'))
    .map(|(k, _)| k);
    match (at, key) {
        (Some(p), Some(k)) => Some(format!("{p}.{k}")),
        (Some(p), None) => Some(p.to_string()),
        (None, Some(k)) => Some(k.to_string()),
        (None, None) => None,
    }
}

/// The field an epoch error names, as a path into the input.
pub fn error_field(e: &yuma::Error) -> Option<String> {
    use yuma::Error as E;
    Some(match e {
        E::Length { field, .. } | E::TooLarge { field, .. } => (*field).to_string(),
        E::TooManyEntries { .. } => "weights".to_string(),
        E::Mechanisms { .. } => "mechanisms".to_string(),
        E::MechanismSize { index, .. } => format!("mechanisms[{index}].n"),
        E::UnsupportedRuntime { .. } => "spec_version".to_string(),
        E::Inconsistent { fields, .. } => fields.replace('`', ""),
        E::InMechanism { index, error } => match error_field(error) {
            Some(f) => format!("mechanisms[{index}].{f}"),
            None => format!("mechanisms[{index}]"),
        },
        _ => return None,
    })
}

/// A parsed document, or why not: the CLI's `load` (a scenario file is named as one).
pub fn load(bytes: &[u8]) -> Result<Document, Fail> {
    json::parse_document(bytes).map_err(|e| {
        if scenario::parse_scenario(bytes).is_ok() {
            Fail::plain(
                "this is a scenario (`initial` + `epochs`); run it with `yuma simulate` or \
                 `yuma explain --uid U [--epoch K]`",
            )
        } else {
            Fail::json(&e)
        }
    })
}

/// A parsed scenario, or why not: the CLI's `simulate` wording (an epoch input, mechanisms
/// input or vector file is named as what it is).
pub fn load_scenario(bytes: &[u8]) -> Result<Scenario, Fail> {
    scenario::parse_scenario(bytes).map_err(|e| {
        let hint = match json::parse_document(bytes) {
            Ok(Document::Epoch(_)) => Some(
                "an EpochInput, not a scenario: run it with `yuma epoch`, or simulate it as \
                 {\"initial\": INPUT, \"epochs\": [{}, ...]}",
            ),
            Ok(Document::Mechanisms(_)) => Some(
                "a MechanismsInput, not a scenario: run it with `yuma epoch` (a scenario \
                 carries one EpochInput forward)",
            ),
            Ok(Document::Vector(_)) => Some(
                "a vector file, not a scenario: check it with `yuma verify`, or run its input \
                 with `yuma epoch`",
            ),
            Err(_) => None,
        };
        match hint {
            Some(hint) => Fail::plain(format!("this is {hint}")),
            None => Fail::json(&e),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_json_errors() {
        assert_eq!(
            json_field("`n`: invalid value: integer `70000`, expected u16 at line 1 column 11"),
            Some("n".into())
        );
        assert_eq!(
            json_field("`input.weights[0][1]`: invalid type"),
            Some("input.weights[0][1]".into())
        );
        assert_eq!(
            json_field("vector file: unknown key `extra`"),
            Some("extra".into())
        );
        assert_eq!(json_field("input: expected value"), Some("input".into()));
        assert_eq!(
            json_field("input: missing field `n` at line 1 column 9"),
            Some("input.n".into())
        );
        assert_eq!(
            json_field("unknown field `kapa` (did you mean `kappa`?), expected one of `n`"),
            Some("kapa".into())
        );
        assert_eq!(
            json_field("`mechanisms[0]`: duplicate key `tempo` at line 1"),
            Some("mechanisms[0].tempo".into())
        );
        assert_eq!(json_field("document: EOF while parsing"), None);
    }

    #[test]
    fn fields_of_epoch_errors() {
        let e = yuma::Error::InMechanism {
            index: 1,
            error: Box::new(yuma::Error::Length {
                field: "alpha_stake",
                expected: 8,
                found: 7,
            }),
        };
        assert_eq!(error_field(&e), Some("mechanisms[1].alpha_stake".into()));
    }
}
