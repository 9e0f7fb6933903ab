//! JSON documents (feature `json`): epoch inputs, golden-vector files, and comparison reports.
//!
//! One concept that reads best whole (a little past issue 23's ~600 lines): reading a document and
//! reporting how one differs share the field paths and the one-line error wording, so they stay in
//! one file.
//!
//! Shared by the CLI and the WASM build so both accept the same files and word their errors the
//! same way. Errors are one line naming the field path and the position.
//!
//! ```
//! let doc = yuma::json::parse_document(br#"{"n": 0, "current_block": 1, "tempo": 1, "activity_cutoff": 1,
//!   "last_mechanism_step_block": 0, "last_update": [], "block_at_registration": [], "alpha_stake": [],
//!   "tao_stake": [], "tao_weight": 0, "stake_threshold": 0, "owner_uid": null, "validator_permit": [],
//!   "max_allowed_validators": 0, "weights": [], "bonds": [], "kappa": 0, "bonds_penalty": 0,
//!   "bonds_moving_average": 0, "yuma3_enabled": false, "liquid_alpha_enabled": false, "alpha_low": 0,
//!   "alpha_high": 0, "alpha_sigmoid_steepness": 0, "commit_reveal_enabled": false, "commit_blocks": [],
//!   "rao_emission": 0}"#).unwrap();
//! assert!(matches!(doc, yuma::json::Document::Epoch(_)));
//! ```

extern crate std;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::mechanisms::{MechanismsInput, MechanismsOutput};
use crate::{EpochInput, EpochOutput, EpochTrace};

/// A document the tools accept.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // parsed once per file; boxing would only add indirection
pub enum Document {
    /// A bare [`EpochInput`].
    Epoch(EpochInput),
    /// A bare [`MechanismsInput`] (recognized by its `mechanisms` key).
    Mechanisms(MechanismsInput),
    /// A golden-vector file: an input plus, usually, the claimed results.
    Vector(Box<VectorFile>),
}

impl Document {
    /// The input the document holds: a bare input as is, a vector file's `input` (its claimed
    /// results dropped).
    pub fn into_input(self) -> VectorInput {
        match self {
            Document::Epoch(i) => VectorInput::Epoch(i),
            Document::Mechanisms(m) => VectorInput::Mechanisms(m),
            Document::Vector(v) => v.input,
        }
    }
}

/// The input of a vector file.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum VectorInput {
    /// An epoch vector.
    Epoch(EpochInput),
    /// A `mechanisms` vector.
    Mechanisms(MechanismsInput),
}

/// The claimed results of a vector file.
#[derive(Debug, Clone)]
pub enum VectorExpected {
    /// An [`EpochOutput`].
    Epoch(EpochOutput),
    /// A [`MechanismsOutput`].
    Mechanisms(MechanismsOutput),
}

/// A golden-vector file (`name`, `category`, `input`, `expected`, optional `trace`).
#[derive(Debug, Clone)]
pub struct VectorFile {
    /// Vector name.
    pub name: String,
    /// Vector category (`tiny`, `yuma2`, …, `mechanisms`).
    pub category: String,
    /// Free-text description.
    pub description: String,
    /// The input.
    pub input: VectorInput,
    /// Claimed results, if the file carries them.
    pub expected: Option<VectorExpected>,
    /// Claimed intermediates, if the file carries them.
    pub trace: Option<EpochTrace>,
}

/// A malformed document: one line naming what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonError {}

/// Top-level object as raw members, rejecting duplicate keys.
struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut out: Vec<(String, Box<RawValue>)> = Vec::new();
                // A set, not a scan of `out`: an object of many keys costs O(k log k).
                let mut seen = alloc::collections::BTreeSet::new();
                while let Some(k) = map.next_key::<String>()? {
                    if !seen.insert(k.clone()) {
                        return Err(serde::de::Error::custom(format!(
                            "duplicate key `{}`",
                            k.escape_debug()
                        )));
                    }
                    let v: Box<RawValue> = map.next_value()?;
                    out.push((k, v));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl Members {
    fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses `text` as `T`, naming the failing field path on error.
fn parse_as<T: DeserializeOwned>(text: &str, context: &str) -> Result<T, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = explained(&e.into_inner().to_string());
        let at = if path == "." || path.is_empty() {
            String::from(context)
        } else if context.is_empty() {
            format!("`{path}`")
        } else {
            format!("`{context}.{path}`")
        };
        if at.is_empty() {
            JsonError(one_line(&inner.to_string()))
        } else {
            JsonError(one_line(&format!("{at}: {inner}")))
        }
    })?;
    de.end()
        .map_err(|e| JsonError(one_line(&format!("{context}: {e}"))))?;
    Ok(value)
}

/// Parses UTF-8 JSON bytes as `T` with the same strictness and error wording as
/// [`parse_document`].
pub(crate) fn parse_bytes_as<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    let text = utf8(bytes)?;
    parse_as(text, "")
}

/// The document as UTF-8 text. A leading byte-order mark (some Windows tools write one) is
/// rejected like any other stray character, but with a message that names it.
fn utf8(bytes: &[u8]) -> Result<&str, JsonError> {
    let text = core::str::from_utf8(bytes).map_err(|e| {
        JsonError(format!(
            "input is not UTF-8: invalid byte at offset {}",
            e.valid_up_to()
        ))
    })?;
    if text.starts_with('\u{feff}') {
        return Err(JsonError(String::from(
            "document: starts with a UTF-8 byte-order mark (U+FEFF) at line 1 column 1; save \
             the file without it",
        )));
    }
    Ok(text)
}

/// serde_json's wording, made to say what is wrong with a snapshot's numbers and pairs:
/// * a number it read as a float where an integer belongs may be written as an integer but
///   out of range (`18446744073709551616`), not only have a fraction or exponent;
/// * "trailing characters" inside a value means an array with too many elements (a weight or
///   bond entry is a `[uid, value]` pair).
fn explained(msg: &str) -> String {
    if let Some((num, rest)) = msg
        .strip_prefix("invalid type: floating point `")
        .and_then(|r| r.split_once("`, expected "))
    {
        let (ty, at) = rest
            .split_once(" at line ")
            .map_or((rest, ""), |(t, a)| (t, a));
        let at = if at.is_empty() {
            String::new()
        } else {
            format!(", at line {at}")
        };
        return format!(
            "expected {ty}, found {num}: not an integer, or an integer outside the range of {ty}{at}"
        );
    }
    if let Some(at) = msg.strip_prefix("trailing characters") {
        return format!("array has more elements than expected (a weight or bond entry is a [uid, value] pair){at}");
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, known)) = rest.split_once("`, expected one of ") {
            let candidates = known
                .split(", ")
                .map(|c| c.split(" at line ").next().unwrap_or(c).trim_matches('`'));
            if let Some(best) = closest(field, candidates) {
                return format!(
                    "unknown field `{field}` (did you mean `{best}`?), expected one of {known}"
                );
            }
        }
    }
    String::from(msg)
}

/// The candidate nearest to `word` by edit distance, when it is near enough to be a typo: at
/// most 2 edits, and fewer than half of the word's letters.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 2).min(2);
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d > 0 && d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings (by `char`).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i.saturating_add(1);
        }
        for (j, cb) in b.iter().enumerate() {
            let up = row.get(j.saturating_add(1)).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let cost = diag.saturating_add(usize::from(ca != *cb));
            let best = cost.min(up.saturating_add(1)).min(left.saturating_add(1));
            diag = up;
            if let Some(cell) = row.get_mut(j.saturating_add(1)) {
                *cell = best;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

fn is_mechanisms(m: &Members) -> bool {
    m.get("mechanisms").is_some()
}

/// Parses a document: an [`EpochInput`], a [`MechanismsInput`], or a vector file (an object with
/// an `input` key). Rejects non-UTF-8 bytes, unknown or duplicate keys, wrong types, floats or
/// negative numbers where integers are expected, and out-of-range integers.
pub fn parse_document(bytes: &[u8]) -> Result<Document, JsonError> {
    let text = utf8(bytes)?;
    if text.trim().is_empty() {
        return Err(JsonError(String::from(
            "document: empty (nothing but white space before EOF)",
        )));
    }
    let members: Members =
        serde_json::from_str(text).map_err(|e| JsonError(one_line(&format!("document: {e}"))))?;
    if let Some(v) = snapshot_of(&members)? {
        return Ok(Document::Vector(Box::new(v)));
    }
    let Some(input) = members.get("input") else {
        return if is_mechanisms(&members) {
            parse_as(text, "").map(Document::Mechanisms)
        } else {
            parse_as(text, "").map(Document::Epoch)
        };
    };
    for (k, _) in &members.0 {
        if !matches!(
            k.as_str(),
            "name" | "category" | "description" | "reference" | "input" | "expected" | "trace"
        ) {
            return Err(JsonError(format!(
                "vector file: unknown key `{}`",
                k.escape_debug()
            )));
        }
    }
    let string = |key: &str| -> Result<String, JsonError> {
        members
            .get(key)
            .map(|r| parse_as::<String>(r.get(), key))
            .transpose()
            .map(|s| s.unwrap_or_default())
    };
    let category = string("category")?;
    let input_members: Members = serde_json::from_str(input.get())
        .map_err(|e| JsonError(one_line(&format!("input: {e}"))))?;
    let mech = category == "mechanisms" || is_mechanisms(&input_members);
    let (input, expected) = if mech {
        let i = VectorInput::Mechanisms(parse_as(input.get(), "input")?);
        let e = members
            .get("expected")
            .map(|r| parse_as(r.get(), "expected").map(VectorExpected::Mechanisms))
            .transpose()?;
        (i, e)
    } else {
        let i = VectorInput::Epoch(parse_as(input.get(), "input")?);
        let e = members
            .get("expected")
            .map(|r| parse_as(r.get(), "expected").map(VectorExpected::Epoch))
            .transpose()?;
        (i, e)
    };
    let trace = match members.get("trace") {
        Some(r) if !mech => Some(parse_as(r.get(), "trace")?),
        _ => None,
    };
    Ok(Document::Vector(Box::new(VectorFile {
        name: string("name")?,
        category,
        description: string("description")?,
        input,
        expected,
        trace,
    })))
}

/// A chain snapshot (`yuma fetch`'s document, `format` `yuma-chain-snapshot/…`) as a vector
/// file without claimed results: its `input`, named by the subnet and block of its `meta`
/// (category `chain-snapshot`). Its stored results are compared by `yuma verify`
/// (`chain::snapshot::verify`), not here. `None` when the document is not a snapshot.
fn snapshot_of(members: &Members) -> Result<Option<VectorFile>, JsonError> {
    let Some(format) = members.get("format") else {
        return Ok(None);
    };
    let format: String = parse_as(format.get(), "format")?;
    if !format.starts_with("yuma-chain-snapshot/") {
        return Ok(None);
    }
    let input = members
        .get("input")
        .ok_or_else(|| JsonError(String::from("chain snapshot: no `input`")))?;
    let input_members: Members = serde_json::from_str(input.get())
        .map_err(|e| JsonError(one_line(&format!("input: {e}"))))?;
    let input = if is_mechanisms(&input_members) {
        VectorInput::Mechanisms(parse_as(input.get(), "input")?)
    } else {
        VectorInput::Epoch(parse_as(input.get(), "input")?)
    };
    #[derive(Deserialize)]
    struct Where {
        netuid: Option<u16>,
        block: Option<u64>,
    }
    let at = members
        .get("meta")
        .and_then(|m| serde_json::from_str::<Where>(m.get()).ok());
    let name = match at {
        Some(Where {
            netuid: Some(n),
            block: Some(b),
        }) => format!("subnet {n} at block {b}"),
        _ => String::from("chain snapshot"),
    };
    Ok(Some(VectorFile {
        name,
        category: String::from("chain-snapshot"),
        description: String::from("an epoch fetched from a node (`yuma fetch`)"),
        input,
        expected: None,
        trace: None,
    }))
}

/// One differing cell between a computed and a claimed result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// Field name (`incentive`, `bonds`, `trace.consensus`, `per_mechanism[1].dividends`, …).
    pub field: String,
    /// The uid (row) where the values differ, if the field is per uid.
    pub uid: Option<usize>,
    /// Computed value, as JSON.
    pub got: String,
    /// Claimed value, as JSON.
    pub expected: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.uid {
            Some(u) => write!(
                f,
                "{} uid {}: got {}, expected {}",
                self.field, u, self.got, self.expected
            ),
            None => write!(
                f,
                "{}: got {}, expected {}",
                self.field, self.got, self.expected
            ),
        }
    }
}

/// Every per-uid difference between two serializable results (objects of arrays), in field order.
/// Arrays of different lengths are compared on their common prefix, and the length difference
/// is one more mismatch without a uid (`got: "256 entries", expected: "10 entries"`). `split`
/// (per mechanism, not per uid) is reported as `split[k]`.
pub fn mismatches<T: Serialize>(prefix: &str, got: &T, expected: &T) -> Vec<Mismatch> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(got), serde_json::to_value(expected)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    diff_values(prefix, &a, &b, &mut out);
    out
}

fn entries(n: usize) -> String {
    if n == 1 {
        String::from("1 entry")
    } else {
        format!("{n} entries")
    }
}

fn diff_values(
    prefix: &str,
    a: &serde_json::Value,
    b: &serde_json::Value,
    out: &mut Vec<Mismatch>,
) {
    use serde_json::Value;
    let (Value::Object(ma), Value::Object(mb)) = (a, b) else {
        if a != b {
            out.push(Mismatch {
                field: prefix.to_string(),
                uid: None,
                got: a.to_string(),
                expected: b.to_string(),
            });
        }
        return;
    };
    for (k, va) in ma {
        let vb = mb.get(k).unwrap_or(&Value::Null);
        let field = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match (va, vb) {
            (Value::Array(xa), Value::Array(xb)) => {
                if xa.iter().chain(xb).all(|x| !x.is_object()) {
                    // `split` is per mechanism; every other such array is per uid.
                    let per_uid = k != "split";
                    for (i, (x, y)) in xa.iter().zip(xb).enumerate() {
                        if x != y {
                            out.push(Mismatch {
                                field: if per_uid {
                                    field.clone()
                                } else {
                                    format!("{field}[{i}]")
                                },
                                uid: per_uid.then_some(i),
                                got: x.to_string(),
                                expected: y.to_string(),
                            });
                        }
                    }
                } else {
                    for (i, (x, y)) in xa.iter().zip(xb).enumerate() {
                        diff_values(&format!("{field}[{i}]"), x, y, out);
                    }
                }
                // A length difference is one mismatch, not one per missing entry.
                if xa.len() != xb.len() {
                    out.push(Mismatch {
                        field,
                        uid: None,
                        got: entries(xa.len()),
                        expected: entries(xb.len()),
                    });
                }
            }
            _ => {
                if va != vb {
                    diff_values(&field, va, vb, out);
                }
            }
        }
    }
}

/// An epoch output as one JSON object — its fields in order, then the trace as a `trace` field
/// when given. Serializes straight to text (no `serde_json::Value` tree), so printing the output
/// of a full 4096-uid subnet costs its text, not a tree of it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct OutputDoc<'a> {
    /// The epoch's result.
    #[serde(flatten)]
    pub output: &'a EpochOutput,
    /// Its intermediate results, when requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<&'a EpochTrace>,
}

/// [`OutputDoc`] as a `serde_json::Value`.
pub fn output_json(out: &EpochOutput, trace: Option<&EpochTrace>) -> serde_json::Value {
    serde_json::to_value(OutputDoc { output: out, trace }).unwrap_or(serde_json::Value::Null)
}

/// The result of checking one vector.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Vector name.
    pub name: String,
    /// Vector category.
    pub category: String,
    /// Whether the file carried claimed results and every output (and trace) field matched.
    pub passed: bool,
    /// Whether the file carried claimed results (`expected`).
    pub has_expected: bool,
    /// The computed output (absent when the epoch could not be computed).
    pub output: Option<serde_json::Value>,
    /// Why the epoch could not be computed, if it could not.
    pub error: Option<String>,
    /// Differences, outputs first, then trace fields (`trace.*`).
    pub mismatches: Vec<Mismatch>,
    /// The runtime rules the epoch ran under (absent when they could not be chosen).
    #[serde(serialize_with = "rules_name")]
    pub rules: Option<crate::runtime::Rules>,
}

fn rules_name<S: serde::Serializer>(
    r: &Option<crate::runtime::Rules>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match r {
        Some(r) => s.serialize_str(r.name()),
        None => s.serialize_none(),
    }
}

/// Which implementation to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    /// The fast pipeline ([`crate::epoch()`]).
    Main,
    /// The upstream-shaped [`crate::reference`].
    Reference,
}

/// Runs a vector's input and compares the result with its `expected` (and `trace`, for epochs).
pub fn verify_vector(v: &VectorFile, imp: Implementation) -> VerifyReport {
    verify_vector_assuming(v, imp, None)
}

/// [`verify_vector`] under the rules of `assume_spec` when given
/// ([`crate::Workspace::assume_spec`]).
pub fn verify_vector_assuming(
    v: &VectorFile,
    imp: Implementation,
    assume_spec: Option<u32>,
) -> VerifyReport {
    let mut report = VerifyReport {
        name: v.name.clone(),
        category: v.category.clone(),
        passed: false,
        has_expected: v.expected.is_some(),
        output: None,
        error: None,
        mismatches: Vec::new(),
        rules: match &v.input {
            VectorInput::Epoch(i) => i.rules(assume_spec).ok(),
            VectorInput::Mechanisms(m) => m.rules(assume_spec).ok(),
        },
    };
    // Claimed results of the other kind (or a trace on a mechanisms vector) compare nothing:
    // an error, never a pass. (`parse_document` never builds such a vector.)
    let kind_error = match (&v.input, &v.expected, &v.trace) {
        (VectorInput::Epoch(_), Some(VectorExpected::Mechanisms(_)), _) => {
            Some("`expected` holds a mechanisms output, but `input` is an epoch input")
        }
        (VectorInput::Mechanisms(_), Some(VectorExpected::Epoch(_)), _) => {
            Some("`expected` holds an epoch output, but `input` is a mechanisms input")
        }
        (VectorInput::Mechanisms(_), _, Some(_)) => {
            Some("a `trace` applies to epoch vectors, but `input` is a mechanisms input")
        }
        _ => None,
    };
    if let Some(e) = kind_error {
        report.error = Some(String::from(e));
        return report;
    }
    match (&v.input, &v.expected) {
        (VectorInput::Epoch(input), expected) => {
            let run = match imp {
                Implementation::Main => {
                    let mut ws = crate::Workspace::new();
                    ws.assume_spec = assume_spec;
                    let mut out = EpochOutput::default();
                    crate::epoch_into(input, &mut ws, &mut out).map(|()| (out, ws.trace()))
                }
                Implementation::Reference => {
                    crate::reference::epoch_with_trace_assuming(input, assume_spec)
                }
            };
            match run {
                Ok((out, trace)) => {
                    if let Some(VectorExpected::Epoch(e)) = expected {
                        report.mismatches = mismatches("", &out, e);
                    }
                    if let Some(t) = &v.trace {
                        report.mismatches.extend(mismatches("trace", &trace, t));
                    }
                    report.output = Some(output_json(&out, None));
                }
                Err(e) => report.error = Some(e.to_string()),
            }
        }
        (VectorInput::Mechanisms(input), expected) => {
            let run = match imp {
                Implementation::Main => {
                    let mut ws = crate::Workspace::new();
                    ws.assume_spec = assume_spec;
                    let mut out = MechanismsOutput::default();
                    crate::mechanisms::epoch_with_mechanisms_into(input, &mut ws, &mut out)
                        .map(|()| out)
                }
                Implementation::Reference => {
                    crate::mechanisms::epoch_with_mechanisms_reference_assuming(input, assume_spec)
                }
            };
            match run {
                Ok(out) => {
                    if let Some(VectorExpected::Mechanisms(e)) = expected {
                        report.mismatches = mismatches("", &out, e);
                    }
                    report.output = serde_json::to_value(&out).ok();
                }
                Err(e) => report.error = Some(e.to_string()),
            }
        }
    }
    report.passed = report.has_expected && report.error.is_none() && report.mismatches.is_empty();
    report
}
