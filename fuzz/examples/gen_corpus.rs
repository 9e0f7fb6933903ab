//! Writes the seed corpora under `fuzz/corpus/<target>/` from the public vectors in
//! `tests/vectors` (a fixed list of small-n vectors, so the output is deterministic and small).
//!
//! ```sh
//! CARGO_TARGET_DIR=fuzz/target cargo run --manifest-path fuzz/Cargo.toml --example gen_corpus
//! ```
//!
//! * `epoch_json`: each vector's input as compact JSON (bare `EpochInput` / `MechanismsInput`),
//!   plus a few whole vector files (with `expected` and `trace`) and `data/epoch-small.json`;
//! * `epoch_structured`: each epoch input written in `arbitrary`'s byte format for
//!   `yuma_fuzz::Raw` (checked: the bytes decode back to exactly that input);
//! * `weighted_median`: real columns (active stake, normalized weights and kappa from a vector's
//!   trace) in `arbitrary`'s format for `yuma_fuzz::median::Case` (checked the same way);
//! * `scale_roundtrip`: a type tag byte + the SCALE encoding of inputs and expected outputs, and a
//!   few encodings whose length prefix (up to 2^32 - 1) promises far more than the bytes hold.
//!
//! Existing files in those four directories are replaced.

use std::fs;
use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Unstructured};
use parity_scale_codec::Encode;
use yuma::json::{parse_document, Document, VectorExpected, VectorFile, VectorInput};
use yuma::EpochInput;
use yuma_fuzz::median::{self, Case};
use yuma_fuzz::Raw;

/// Small vectors covering every category and most edge behaviours.
const VECTORS: &[&str] = &[
    "tiny-n0-y2-rao-nonzero",
    "tiny-n1-0-y3",
    "tiny-n2-validator-miner-bonds-y2",
    "tiny-n2-cross-weights-y3",
    "tiny-n3-owner-self-weight-y3",
    "tiny-n3-disagree-zero-entry-y2",
    "tiny-everyone-inactive-y3",
    "tiny-rao-18446744073709551615-y2",
    "tiny-tao-weight-max-y3",
    "yuma2-000-n8",
    "yuma2-002-n4",
    "yuma2-003-n4-la",
    "yuma2-013-n8-la",
    "yuma3-012-n4",
    "yuma3-013-n4-la",
    "yuma3-059-n8-la",
    "yuma3-062-n8",
    "edge-unsorted-weights-y3-1",
    "edge-unsorted-weights-penalty-extreme-y3-1",
    "edge-weights-uid-ge-n-y3-1",
    "edge-bonds-uid-ge-n-unsorted-y3-1",
    "edge-extra-rows-beyond-n-y3-1",
    "edge-last-update-short-y2-0",
    "edge-last-update-long-y3-0",
    "edge-permit-short-y2-0",
    "edge-permit-empty-y3-0",
    "edge-stake-sum-overflow-wrap-y2-0",
    "edge-stake-sum-wrap-median-y2-5",
    "edge-stake-sum-wrap-median-y3-9",
    "edge-stake-sum-wrap-median-y3la-1",
    "edge-stake-u64-max-single-y3-0",
    "edge-commit-reveal-boundaries-y3-0",
    "edge-bma-above-one-y3-0",
    "edge-current-block-below-tempo-y2-0",
    "edge-tempo-zero-y3-0",
    "edge-owner-zero-stake-no-permit-y2-0",
    "edge-tiny-next-to-huge-y2-0",
    "seq-one-epoch-switch-y3-e05",
    "seq-kappa-moves-first-y2-e03",
    "mech-011-m3-n8",
    "mech-013-m2-n8",
    "mech-016-m3-n8",
    "spec475/la-008-auto-same-bp65535-n64",
    "spec475/la-020-previous-same-bp65535-n8",
    "spec475/cut-012-y3-before-lms-n64",
    "spec475/null-000-random-n64",
    "spec475/null-010-tie-all-n4",
    "spec475/compat-003-y3-n4",
    "spec475/mech475-000-null-budgets-m1-n64",
];

/// Also copied whole (name, category, input, expected, trace) into the `epoch_json` corpus.
const WHOLE_FILES: &[&str] = &[
    "tiny-n2-cross-weights-y2",
    "mech-013-m2-n8",
    "edge-permit-short-y2-0",
];

/// Vectors whose columns seed `weighted_median` (at most `COLUMNS_PER_VECTOR` each).
const MEDIAN_VECTORS: &[&str] = &[
    "tiny-n3-disagree-zero-entry-y2",
    "yuma2-000-n8",
    "yuma2-013-n8-la",
    "yuma3-062-n8",
    "yuma3-059-n8-la",
    "edge-unsorted-weights-y3-1",
    "edge-tiny-next-to-huge-y2-0",
    "edge-stake-sum-overflow-wrap-y2-0",
    "edge-stake-sum-wrap-median-y2-5",
    "edge-stake-sum-wrap-median-y3la-0",
    "edge-stake-sum-wrap-median-y3la-4",
    "seq-one-epoch-switch-y3-e05",
];
const COLUMNS_PER_VECTOR: usize = 3;

/// Writes values in the byte format `arbitrary` 1.x reads them from.
#[derive(Default)]
struct W(Vec<u8>);

impl W {
    fn u8(&mut self, x: u8) {
        self.0.push(x);
    }
    fn u16(&mut self, x: u16) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn i16(&mut self, x: i16) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn bool(&mut self, b: bool) {
        self.u8(u8::from(b));
    }
    /// Enum variant `k` of `count`: derive(Arbitrary) picks `(u32 · count) >> 32`.
    fn variant(&mut self, k: u32, count: u32) {
        let v = ((u64::from(k) << 32) + u64::from(count) - 1) / u64::from(count);
        self.u32(u32::try_from(v).expect("variant index"));
    }
    /// A `Vec` that is not the last field: a `true` byte before each element, `false` after.
    fn vec<T>(&mut self, items: &[T], mut f: impl FnMut(&mut W, &T)) {
        for it in items {
            self.bool(true);
            f(self, it);
        }
        self.bool(false);
    }
    // yuma_fuzz enums, by variant position (see src/lib.rs).
    fn block(&mut self, x: u64) {
        self.variant(2, 4); // Block::Any
        self.u64(x);
    }
    fn stake(&mut self, x: u64) {
        self.variant(3, 6); // Stake::Any
        self.u64(x);
    }
    fn u16_any(&mut self, x: u16) {
        self.variant(0, 4); // U16::Any
        self.u16(x);
    }
    fn uid(&mut self, x: u16) {
        self.variant(3, 4); // Uid::Any
        self.u16(x);
    }
    /// `PerUid<T>`: exactly `n` entries, or a wrong length (`len < n + 4`) selected by `len_sel`.
    fn per_uid<T>(&mut self, n: u16, items: &[T], f: impl FnMut(&mut W, &T)) -> Option<()> {
        self.len_sel(n, items.len())?;
        self.vec(items, f);
        Some(())
    }
    fn len_sel(&mut self, n: u16, len: usize) -> Option<()> {
        if len == usize::from(n) {
            self.u8(0);
            self.u16(0);
        } else if len < usize::from(n) + 4 {
            self.u8(255);
            self.u16(u16::try_from(len).ok()?);
        } else {
            return None;
        }
        Some(())
    }
    fn rao(&mut self, x: Option<u64>) {
        match x {
            Some(x) => {
                self.bool(true);
                self.variant(2, 4); // Rao::Any
                self.u64(x);
            }
            None => self.bool(false),
        }
    }
    /// `Raw::newer`: `None` for an input without the fields of spec ≥ 446, else all of them.
    fn newer(&mut self, input: &EpochInput) {
        let plain = EpochInput {
            spec_version: None,
            liquid_alpha_consensus_mode: Default::default(),
            previous_consensus: Vec::new(),
            last_yuma_step_block: None,
            epoch_consensus: Default::default(),
            mining_budget: None,
            dividend_budget: None,
            fallback_budget: None,
            ..input.clone()
        };
        if &plain == input {
            self.bool(false);
            return;
        }
        self.bool(true);
        match input.spec_version {
            None => self.variant(0, 6),
            Some(425) => self.variant(1, 6),
            Some(445) => self.variant(2, 6),
            Some(446) => self.variant(3, 6),
            Some(475) => self.variant(4, 6),
            Some(x) => {
                self.variant(5, 6);
                self.u32(x);
            }
        }
        self.variant(
            match input.liquid_alpha_consensus_mode {
                yuma::ConsensusMode::Auto => 0,
                yuma::ConsensusMode::Current => 1,
                yuma::ConsensusMode::Previous => 2,
            },
            3,
        );
        self.vec(&input.previous_consensus, |w, &v| w.u16_any(v));
        match input.last_yuma_step_block {
            Some(b) => {
                self.bool(true);
                self.block(b);
            }
            None => self.bool(false),
        }
        self.bool(input.epoch_consensus == yuma::EpochConsensus::Null);
        self.rao(input.mining_budget);
        self.rao(input.dividend_budget);
        self.rao(input.fallback_budget);
    }
    fn rows(&mut self, n: u16, rows: &[Vec<(u16, u16)>]) -> Option<()> {
        self.len_sel(n, rows.len())?;
        self.bool(false); // cycle
        self.vec(rows, |w, r| {
            w.vec(r, |w, &(j, v)| {
                w.uid(j);
                w.u16_any(v);
            })
        });
        Some(())
    }
}

/// `input` in `arbitrary`'s format for `yuma_fuzz::Raw`, or `None` if `Raw` cannot express it.
fn encode_raw(input: &EpochInput) -> Option<Vec<u8>> {
    if input.n > 300 {
        return None;
    }
    let n = input.n;
    let mut w = W::default();
    w.variant(2, 3); // NSel::Up
    w.u16(n);
    w.block(input.current_block);
    w.u16_any(input.tempo);
    w.bool(false); // tempo_small
    w.block(input.activity_cutoff);
    w.block(input.last_mechanism_step_block);
    w.per_uid(n, &input.last_update, |w, &x| w.block(x))?;
    w.per_uid(n, &input.block_at_registration, |w, &x| w.block(x))?;
    w.per_uid(n, &input.alpha_stake, |w, &x| w.stake(x))?;
    w.per_uid(n, &input.tao_stake, |w, &x| w.stake(x))?;
    w.variant(2, 4); // TaoWeight::Any
    w.u64(input.tao_weight);
    w.stake(input.stake_threshold);
    match input.owner_uid {
        Some(u) => {
            w.bool(true);
            w.uid(u);
        }
        None => w.bool(false),
    }
    w.per_uid(n, &input.validator_permit, |w, &b| w.bool(b))?;
    w.u16_any(input.max_allowed_validators);
    w.bool(false); // max_validators_small
    w.rows(n, &input.weights)?;
    w.rows(n, &input.bonds)?;
    w.u16_any(input.kappa);
    w.u16_any(input.bonds_penalty);
    w.variant(2, 4); // Bma::Any
    w.u64(input.bonds_moving_average);
    w.bool(input.yuma3_enabled);
    w.bool(input.liquid_alpha_enabled);
    w.u16_any(input.alpha_low);
    w.u16_any(input.alpha_high);
    w.i16(input.alpha_sigmoid_steepness);
    w.bool(input.commit_reveal_enabled);
    w.per_uid(n, &input.commit_blocks, |w, c| match c {
        Some(b) => {
            w.bool(true);
            w.block(*b);
        }
        None => w.bool(false),
    })?;
    w.variant(2, 4); // Rao::Any
    w.u64(input.rao_emission);
    w.bool(false); // warm_up
    w.bool(false); // wrap
    w.newer(input); // newer (last field: take_rest)
    Some(w.0)
}

/// One column `j` of a vector: `(stake bits, score bits)` per validator with positive active
/// stake, as the pipeline feeds the median.
fn encode_column(entries: &[(i64, i64)], kappa: u16) -> Vec<u8> {
    let mut w = W::default();
    w.variant(0, 3); // Case::Pipeline
    w.vec(entries, |w, &(stake, score)| {
        w.variant(4, 5); // median::Stake::Bits(i64)
        w.u64(stake as u64);
        w.variant(4, 5); // median::Score::Fine(u32, bool)
        w.u32(score as u32);
        w.bool(score >> 32 != 0);
    });
    w.u16(kappa);
    w.0
}

fn columns(v: &VectorFile, input: &EpochInput) -> Vec<Vec<u8>> {
    let Some(trace) = v.trace.as_ref().and_then(|t| t.yuma()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for j in 0..usize::from(input.n) {
        let mut entries = Vec::new();
        for (i, &s) in trace.active_stake.iter().enumerate() {
            if s <= 0 {
                continue;
            }
            let score = trace
                .weights_normalized
                .get(i)
                .and_then(|r| r.iter().rev().find(|(c, _)| usize::from(*c) == j))
                .map_or(0, |&(_, x)| x);
            entries.push((s, score));
        }
        // Only columns the pipeline has something to decide on, within the encodable range.
        let in_range = entries.iter().all(|&(_, x)| (0..1 << 33).contains(&x));
        if entries.iter().any(|e| e.1 > 0) && in_range {
            let bytes = encode_column(&entries, input.kappa);
            let case = Case::arbitrary_take_rest(Unstructured::new(&bytes)).expect("decode column");
            let Case::Pipeline {
                entries: got,
                kappa,
            } = case
            else {
                panic!("column seed decodes to the wrong variant")
            };
            let got: Vec<(i64, i64)> = got.iter().map(|(s, x)| (s.bits(), x.bits())).collect();
            assert_eq!(
                (got, kappa),
                (entries, input.kappa),
                "column seed does not round-trip"
            );
            out.push(bytes);
        }
        if out.len() >= COLUMNS_PER_VECTOR {
            break;
        }
    }
    out
}

/// SCALE inputs whose length prefix (2^32 - 1, or 2^29) promises far more than the bytes hold:
/// decoding must fail without trying to allocate it.
fn huge_prefix_seeds() -> Vec<(&'static str, Vec<u8>)> {
    use parity_scale_codec::Compact;
    let big = Compact(u32::MAX).encode();
    let len = |v: u32| Compact(v).encode();
    // EpochInput up to `last_update`: n, current_block, tempo, activity_cutoff, lmsb.
    let mut head = vec![0u8];
    (0u16, 1u64, 1u16, 1u64, 0u64).encode_to(&mut head);
    let mut up_to_weights = head.clone();
    for _ in 0..4 {
        up_to_weights.extend(len(0)); // last_update, block_at_registration, alpha, tao
    }
    (0u64, 0u64, None::<u16>).encode_to(&mut up_to_weights); // tao_weight, threshold, owner
    up_to_weights.extend(len(0)); // validator_permit
    0u16.encode_to(&mut up_to_weights); // max_allowed_validators
    let tail = [0u8; 16];
    let cat = |parts: &[&[u8]]| parts.concat();
    vec![
        ("huge-last-update", cat(&[&head, &big, &tail])),
        ("huge-last-update-2p29", cat(&[&head, &len(1 << 29), &tail])),
        ("huge-weights", cat(&[&up_to_weights, &big, &tail])),
        (
            "huge-weight-row",
            cat(&[&up_to_weights, &len(3), &big, &tail]),
        ),
        (
            "huge-mechanisms",
            cat(&[&[1u8], &5u64.encode(), &[0u8], &big, &tail]),
        ),
        (
            "huge-split",
            cat(&[&[1u8], &5u64.encode(), &[1u8], &big, &tail]),
        ),
        ("huge-output-active", cat(&[&[2u8], &big, &[1u8; 16]])),
    ]
}

fn reset(dir: &Path) {
    if dir.exists() {
        fs::remove_dir_all(dir).expect("remove corpus dir");
    }
    fs::create_dir_all(dir).expect("create corpus dir");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::write(dir.join(name), bytes).expect("write seed");
}

fn check_raw(bytes: &[u8], input: &EpochInput, what: &str) {
    let raw = Raw::arbitrary_take_rest(Unstructured::new(bytes)).expect("decode Raw");
    assert_eq!(
        &raw.build(raw.n.get()),
        input,
        "{what}: structured seed does not round-trip"
    );
}

fn main() {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = fuzz.parent().expect("repository root").to_path_buf();
    let vectors = root.join("tests/vectors");
    let corpus = fuzz.join("corpus");
    let dirs = [
        "epoch_json",
        "epoch_structured",
        "weighted_median",
        "scale_roundtrip",
    ]
    .map(|t| corpus.join(t));
    for d in &dirs {
        reset(d);
    }
    let [json_dir, structured_dir, median_dir, scale_dir] = &dirs;
    let _ = median::Score::Zero; // the median types are part of the seed format

    let small =
        fs::read(root.join("data/epoch-small.json")).expect("data/epoch-small.json");
    write(json_dir, "example-epoch-small.json", &small);
    if let Ok(Document::Epoch(input)) = parse_document(&small) {
        let bytes = encode_raw(&input).expect("epoch-small is encodable");
        check_raw(&bytes, &input, "epoch-small");
        write(structured_dir, "example-epoch-small.bin", &bytes);
    }

    for path in VECTORS {
        let text = fs::read(vectors.join(format!("{path}.json")))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let name = &path.replace('/', "-");
        let Ok(Document::Vector(v)) = parse_document(&text) else {
            panic!("{name}: not a vector file")
        };
        if WHOLE_FILES.contains(&name.as_str()) {
            write(json_dir, &format!("{name}.vector.json"), &text);
        }
        match &v.input {
            VectorInput::Epoch(input) => {
                let json = serde_json::to_vec(input).expect("serialize input");
                write(json_dir, &format!("{name}.json"), &json);
                if let Some(bytes) = encode_raw(input) {
                    check_raw(&bytes, input, name);
                    write(structured_dir, &format!("{name}.bin"), &bytes);
                }
                let mut scale = vec![0u8];
                input.encode_to(&mut scale);
                write(scale_dir, &format!("{name}.input.scale"), &scale);
                if let Some(VectorExpected::Epoch(out)) = &v.expected {
                    if input.n <= 4 {
                        let mut scale = vec![2u8];
                        out.encode_to(&mut scale);
                        write(scale_dir, &format!("{name}.output.scale"), &scale);
                    }
                }
                if MEDIAN_VECTORS.contains(&name.as_str()) {
                    for (k, col) in columns(&v, input).iter().enumerate() {
                        write(median_dir, &format!("{name}.col{k}.bin"), col);
                    }
                }
            }
            VectorInput::Mechanisms(m) => {
                let json = serde_json::to_vec(m).expect("serialize input");
                write(json_dir, &format!("{name}.json"), &json);
                let mut scale = vec![1u8];
                m.encode_to(&mut scale);
                write(scale_dir, &format!("{name}.input.scale"), &scale);
                for (k, input) in m.mechanisms.iter().enumerate() {
                    if let Some(bytes) = encode_raw(input) {
                        check_raw(&bytes, input, name);
                        write(structured_dir, &format!("{name}.m{k}.bin"), &bytes);
                    }
                }
            }
        }
    }

    for (name, bytes) in huge_prefix_seeds() {
        write(scale_dir, &format!("{name}.scale"), &bytes);
    }

    let mut total = 0u64;
    for d in &dirs {
        let (mut files, mut bytes) = (0usize, 0u64);
        for e in fs::read_dir(d).expect("read corpus dir") {
            files += 1;
            bytes += e.expect("entry").metadata().expect("metadata").len();
        }
        total += bytes;
        println!(
            "{}: {files} files, {bytes} bytes",
            d.strip_prefix(&root).unwrap_or(d).display()
        );
    }
    println!("total: {total} bytes");
}
