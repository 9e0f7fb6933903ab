//! Chain snapshots: what one epoch of a real subnet read (`input`), what the chain stored
//! (`chain`), and how both were obtained (`meta`) — the document `yuma fetch` writes — and
//! their verification, per uid and field.
//!
//! ```json
//! { "format": "yuma-chain-snapshot/1",
//!   "input": { …an EpochInput, or a MechanismsInput when the subnet has several mechanisms… },
//!   "chain": { "active": […], "emission": […], "consensus": […], "dividends": […],
//!              "validator_trust": […], "validator_permit": […], "stake_weight": […],
//!              "incentive": [[…] per mechanism], "bonds": [[rows] per mechanism],
//!              "consensus_by_mechanism": [[…] per mechanism] (spec ≥ 446) },
//!   "meta": { "netuid", "block", "block_hash", "parent_hash", "spec_version", "rules", "rpc",
//!             "fetched_at", "masked_uids", "rao_emission": {…how it was obtained…},
//!             "warnings", … } }
//! ```
//!
//! The chain's vectors are kept as stored at block B (they may be longer than the epoch's `n`
//! when uids were appended in B); [`verify`] compares the first `n` entries, by the position the
//! chain wrote them at, and skips the uids listed in `meta.masked_uids` (overwritten in block B
//! after the epoch, so the stored value is not the epoch's).

extern crate std;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::ChainError;
use crate::json::{Document, Mismatch, VectorInput};
use crate::mechanisms::{MechanismsInput, MechanismsOutput};
use crate::{EpochInput, EpochOutput, SparseRowU16};

/// The `format` every snapshot carries.
pub const FORMAT: &str = "yuma-chain-snapshot/1";

/// A fetched epoch: its input, the chain's stored results, and how they were obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSnapshot {
    /// What the epoch read.
    pub input: SnapshotInput,
    /// What the chain stored at block B.
    pub chain: StoredResults,
    /// Where and how.
    pub meta: SnapshotMeta,
}

/// A snapshot's input: one mechanism's [`EpochInput`], or the subnet's [`MechanismsInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum SnapshotInput {
    /// A subnet with one mechanism.
    Epoch(EpochInput),
    /// A subnet with several.
    Mechanisms(MechanismsInput),
}

impl SnapshotInput {
    /// As the JSON tools' input.
    pub fn to_vector_input(&self) -> VectorInput {
        match self {
            SnapshotInput::Epoch(i) => VectorInput::Epoch(i.clone()),
            SnapshotInput::Mechanisms(m) => VectorInput::Mechanisms(m.clone()),
        }
    }

    /// The subnet size `n` of the epoch.
    pub fn n(&self) -> u16 {
        match self {
            SnapshotInput::Epoch(i) => i.n,
            SnapshotInput::Mechanisms(m) => m.mechanisms.first().map_or(0, |i| i.n),
        }
    }
}

/// The results the epoch stored, read at block B (`SubtensorModule` items).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredResults {
    /// `Active[netuid]`.
    pub active: Vec<bool>,
    /// `Emission[netuid]` (rao).
    pub emission: Vec<u64>,
    /// `Consensus[netuid]`.
    pub consensus: Vec<u16>,
    /// `Dividends[netuid]`.
    pub dividends: Vec<u16>,
    /// `ValidatorTrust[netuid]`.
    pub validator_trust: Vec<u16>,
    /// `ValidatorPermit[netuid]` (the epoch's new permits).
    pub validator_permit: Vec<bool>,
    /// `StakeWeight[netuid]`.
    pub stake_weight: Vec<u16>,
    /// `Incentive[mechanism index]`, per mechanism.
    pub incentive: Vec<Vec<u16>>,
    /// `Bonds[mechanism index][uid]` for uids `0..n`, per mechanism.
    pub bonds: Vec<Vec<SparseRowU16>>,
    /// `ConsensusByMechanism[mechanism index]`, per mechanism (spec ≥ 446).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consensus_by_mechanism: Option<Vec<Vec<u16>>>,
}

/// A uid whose stored results are not the epoch's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskedUid {
    /// The uid.
    pub uid: u16,
    /// Why (`re-registered in block 4,000,001 after the epoch: Keys changed`).
    pub reason: String,
}

/// How `rao_emission` (and the budgets, spec ≥ 446) were obtained: no storage holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaoProvenance {
    /// The emission the epoch distributed (the sum of the three budgets).
    pub value: u64,
    /// The three drained amounts (`PendingServerEmission`, `PendingValidatorEmission`,
    /// `PendingRootAlphaDivs` after block B's emission): miners', validators', root's.
    pub budgets: [u64; 3],
    /// One sentence: how the value was found and what confirmed it.
    pub method: String,
    /// The three pending amounts at block B − 1.
    pub pending_before: [u64; 3],
    /// The estimate of what block B added to them.
    pub block_increment: [u64; 3],
    /// Whether the stored `Emission` was reproduced with this value.
    pub confirmed: bool,
    /// Every total in this range reproduces the stored `Emission` (when it was searched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consistent_range: Option<[u64; 2]>,
}

/// Where a snapshot came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotMeta {
    /// The subnet.
    pub netuid: u16,
    /// The epoch block B (its state is read at B − 1, its results at B).
    pub block: u64,
    /// Hash of block B.
    pub block_hash: String,
    /// Hash of block B − 1.
    pub parent_hash: String,
    /// The runtime that executed block B (`state_getRuntimeVersion` at B − 1).
    pub spec_version: u32,
    /// The rules the crate applies to it (`spec 425 (…)`), and whether they were assumed.
    pub rules: String,
    /// Mechanisms of the subnet (`MechanismCountCurrent`).
    pub mechanisms: u8,
    /// Where it was read from (the RPC URL, or the reader's name).
    pub rpc: String,
    /// When (as the fetching tool's clock gave it, RFC 3339 UTC).
    pub fetched_at: String,
    /// The uids not compared, and why.
    pub masked_uids: Vec<MaskedUid>,
    /// How `rao_emission` was obtained.
    pub rao_emission: RaoProvenance,
    /// Stored uid positions, when `Keys` does not hold exactly `0..n` (the chain writes its
    /// result vectors by position in `Keys`): position `p` holds uid `stored_uids[p]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_uids: Option<Vec<u16>>,
    /// Anything a reader of the comparison should know.
    pub warnings: Vec<String>,
    /// The crate version that fetched it.
    pub fetched_by: String,
}

#[derive(Serialize)]
struct Out<'a> {
    format: &'a str,
    input: serde_json::Value,
    chain: &'a StoredResults,
    meta: &'a SnapshotMeta,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct In {
    format: String,
    input: Box<RawValue>,
    chain: Box<RawValue>,
    meta: Box<RawValue>,
}

impl ChainSnapshot {
    /// The snapshot as its JSON document (pretty-printed, ending in a newline).
    pub fn to_json(&self) -> Result<String, ChainError> {
        let input = match &self.input {
            SnapshotInput::Epoch(i) => serde_json::to_value(i),
            SnapshotInput::Mechanisms(m) => serde_json::to_value(m),
        }
        .map_err(|e| ChainError::Snapshot(format!("snapshot: {e}")))?;
        let doc = Out {
            format: FORMAT,
            input,
            chain: &self.chain,
            meta: &self.meta,
        };
        let mut s = serde_json::to_string_pretty(&doc)
            .map_err(|e| ChainError::Snapshot(format!("snapshot: {e}")))?;
        s.push('\n');
        Ok(s)
    }
}

/// Whether `bytes` look like a chain snapshot (a JSON object whose `format` is
/// [`FORMAT`]) rather than a vector or an input.
pub fn is_snapshot(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        format: Option<String>,
    }
    serde_json::from_slice::<Probe>(bytes)
        .ok()
        .and_then(|p| p.format)
        .is_some_and(|f| f.starts_with("yuma-chain-snapshot/"))
}

fn part<T: for<'de> Deserialize<'de>>(raw: &RawValue, name: &str) -> Result<T, ChainError> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." || path.is_empty() {
            String::from(name)
        } else {
            format!("{name}.{path}")
        };
        ChainError::Snapshot(format!("snapshot: {at}: {}", e.inner()))
    })
}

/// Parses a snapshot document (what [`ChainSnapshot::to_json`] writes).
pub fn parse_snapshot(bytes: &[u8]) -> Result<ChainSnapshot, ChainError> {
    let doc: In = serde_json::from_slice(bytes)
        .map_err(|e| ChainError::Snapshot(format!("snapshot: {e}")))?;
    if doc.format != FORMAT {
        return Err(ChainError::Snapshot(format!(
            "snapshot: format `{}` is not `{FORMAT}` (written by another version of yuma?)",
            doc.format.escape_debug()
        )));
    }
    let input = match crate::json::parse_document(doc.input.get().as_bytes()) {
        Ok(Document::Epoch(i)) => SnapshotInput::Epoch(i),
        Ok(Document::Mechanisms(m)) => SnapshotInput::Mechanisms(m),
        Ok(Document::Vector(_)) => {
            return Err(ChainError::Snapshot(String::from(
                "snapshot: input: a vector file, not an epoch or mechanisms input",
            )))
        }
        Err(e) => return Err(ChainError::Snapshot(format!("snapshot: input: {e}"))),
    };
    Ok(ChainSnapshot {
        input,
        chain: part(&doc.chain, "chain")?,
        meta: part(&doc.meta, "meta")?,
    })
}

/// The comparison of a snapshot's recomputed epoch with what the chain stored.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotReport {
    /// The subnet.
    pub netuid: u16,
    /// The epoch block.
    pub block: u64,
    /// The rules the epoch was recomputed under (absent when none applies).
    pub rules: Option<String>,
    /// Every compared cell equal, and the epoch computed.
    pub passed: bool,
    /// Why the epoch could not be recomputed: a runtime this version does not reproduce, or an
    /// input the crate refuses. Never a mismatch.
    pub error: Option<String>,
    /// Whether `error` is an unsupported runtime.
    pub unsupported_runtime: bool,
    /// Cells compared.
    pub compared: usize,
    /// Cells that differ: `field` is the stored item (`emission`, `incentive[1]`,
    /// `bonds[0]`), `uid` the uid.
    pub mismatches: Vec<Mismatch>,
    /// The uids left out, and why.
    pub skipped: Vec<MaskedUid>,
}

/// Which stored item a comparison reads, and how its uids map to positions.
struct Compare<'a> {
    n: usize,
    masked: &'a [u16],
    /// uid → position in the stored vectors.
    position: Vec<Option<usize>>,
    compared: usize,
    out: Vec<Mismatch>,
}

impl Compare<'_> {
    fn field<T: PartialEq + Serialize>(&mut self, name: &str, got: &[T], stored: &[T]) {
        for uid in 0..self.n {
            if self.masked.iter().any(|&m| usize::from(m) == uid) {
                continue;
            }
            let Some(Some(pos)) = self.position.get(uid) else {
                continue;
            };
            let g = got.get(uid);
            let s = stored.get(*pos);
            self.compared = self.compared.saturating_add(1);
            if g != s {
                let show = |v: Option<&T>| {
                    v.map_or_else(
                        || String::from("(not stored)"),
                        |x| serde_json::to_string(x).unwrap_or_default(),
                    )
                };
                self.out.push(Mismatch {
                    field: name.to_string(),
                    uid: Some(uid),
                    got: show(g),
                    expected: show(s),
                });
            }
        }
    }

    fn mechanism(&mut self, k: usize, out: &EpochOutput, chain: &StoredResults) {
        let empty_u16: Vec<u16> = Vec::new();
        let empty_rows: Vec<SparseRowU16> = Vec::new();
        self.field(
            &format!("incentive[{k}]"),
            &out.incentive,
            chain.incentive.get(k).unwrap_or(&empty_u16),
        );
        // Under Null consensus the chain does not write bonds (spec 475).
        if out.bonds_persisted != Some(false) {
            self.field(
                &format!("bonds[{k}]"),
                &out.bonds,
                chain.bonds.get(k).unwrap_or(&empty_rows),
            );
        }
        if let (Some(got), Some(stored)) =
            (&out.consensus_by_mechanism, &chain.consensus_by_mechanism)
        {
            self.field(
                &format!("consensus_by_mechanism[{k}]"),
                got,
                stored.get(k).unwrap_or(&empty_u16),
            );
        }
    }

    fn subnet(&mut self, out: SubnetView<'_>, chain: &StoredResults) {
        self.field("active", out.active, &chain.active);
        self.field("emission", out.emission, &chain.emission);
        self.field("consensus", out.consensus, &chain.consensus);
        self.field("dividends", out.dividends, &chain.dividends);
        self.field(
            "validator_trust",
            out.validator_trust,
            &chain.validator_trust,
        );
        self.field(
            "validator_permit",
            out.new_validator_permit,
            &chain.validator_permit,
        );
        self.field("stake_weight", out.stake_weight, &chain.stake_weight);
    }
}

/// The subnet-level results of an epoch or of the aggregate across mechanisms.
struct SubnetView<'a> {
    active: &'a [bool],
    emission: &'a [u64],
    consensus: &'a [u16],
    dividends: &'a [u16],
    validator_trust: &'a [u16],
    new_validator_permit: &'a [bool],
    stake_weight: &'a [u16],
}

macro_rules! view {
    ($o:expr) => {
        SubnetView {
            active: &$o.active,
            emission: &$o.emission,
            consensus: &$o.consensus,
            dividends: &$o.dividends,
            validator_trust: &$o.validator_trust,
            new_validator_permit: &$o.new_validator_permit,
            stake_weight: &$o.stake_weight,
        }
    };
}

/// The outputs of recomputing a snapshot's input.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Recomputed {
    /// One mechanism.
    Epoch(EpochOutput),
    /// Several.
    Mechanisms(MechanismsOutput),
}

/// Runs a snapshot's input under the rules of its runtime (or of `assume_spec`).
pub fn recompute(
    input: &SnapshotInput,
    assume_spec: Option<u32>,
) -> Result<Recomputed, crate::Error> {
    let mut ws = crate::Workspace::new();
    ws.assume_spec = assume_spec;
    match input {
        SnapshotInput::Epoch(i) => {
            let mut out = EpochOutput::default();
            crate::epoch_into(i, &mut ws, &mut out).map(|()| Recomputed::Epoch(out))
        }
        SnapshotInput::Mechanisms(m) => {
            let mut out = MechanismsOutput::default();
            crate::mechanisms::epoch_with_mechanisms_into(m, &mut ws, &mut out)
                .map(|()| Recomputed::Mechanisms(out))
        }
    }
}

/// The stored cells `out` disagrees with (per uid and field), and how many were compared.
pub fn compare(snapshot: &ChainSnapshot, out: &Recomputed) -> (usize, Vec<Mismatch>) {
    let n = usize::from(snapshot.input.n());
    let masked: Vec<u16> = snapshot.meta.masked_uids.iter().map(|m| m.uid).collect();
    let position = match &snapshot.meta.stored_uids {
        None => (0..n).map(Some).collect(),
        Some(order) => (0..n)
            .map(|uid| order.iter().position(|&u| usize::from(u) == uid))
            .collect(),
    };
    let mut c = Compare {
        n,
        masked: &masked,
        position,
        compared: 0,
        out: Vec::new(),
    };
    match out {
        Recomputed::Epoch(o) => {
            c.subnet(view!(o), &snapshot.chain);
            c.mechanism(0, o, &snapshot.chain);
        }
        Recomputed::Mechanisms(m) => {
            c.subnet(view!(m.aggregated), &snapshot.chain);
            for (k, o) in m.per_mechanism.iter().enumerate() {
                c.mechanism(k, o, &snapshot.chain);
            }
        }
    }
    (c.compared, c.out)
}

/// Recomputes the snapshot's epoch and compares it with what the chain stored, per uid and
/// field (the uids in `meta.masked_uids` skipped). A runtime this version does not reproduce is
/// reported as such (`unsupported_runtime`), never as a mismatch — unless `assume_spec` asks for
/// a known rule set.
pub fn verify(snapshot: &ChainSnapshot, assume_spec: Option<u32>) -> SnapshotReport {
    let rules = match &snapshot.input {
        SnapshotInput::Epoch(i) => i.rules(assume_spec),
        SnapshotInput::Mechanisms(m) => m.rules(assume_spec),
    };
    let mut report = SnapshotReport {
        netuid: snapshot.meta.netuid,
        block: snapshot.meta.block,
        rules: rules.as_ref().ok().map(|r| r.name().to_string()),
        passed: false,
        error: None,
        unsupported_runtime: false,
        compared: 0,
        mismatches: Vec::new(),
        skipped: snapshot.meta.masked_uids.clone(),
    };
    if let Err(crate::Error::UnsupportedRuntime { spec_version, .. }) = rules {
        report.unsupported_runtime = true;
        report.error = Some(
            ChainError::UnsupportedRuntime {
                spec_version,
                block: snapshot.meta.block,
            }
            .to_string(),
        );
        return report;
    }
    match recompute(&snapshot.input, assume_spec) {
        Ok(out) => {
            let (compared, mismatches) = compare(snapshot, &out);
            report.compared = compared;
            report.mismatches = mismatches;
            report.passed = report.mismatches.is_empty();
        }
        Err(e) => report.error = Some(e.to_string()),
    }
    report
}
