//! The conformance sample: a few golden vectors (one or more of each kind) that ship with the
//! published crate, through both implementations. The repository runs all of them
//! (`tests/conformance.rs`); this file is what `cargo test` can check from the crate alone.

use std::path::Path;

use yuma::json::{parse_document, verify_vector, Document, Implementation};

/// The sample, by vector name (files in `tests/vectors/`; `Cargo.toml`'s `include` ships them).
pub const SAMPLE: &[&str] = &[
    "tiny-n2-cross-weights-y2",
    "tiny-n3-owner-self-weight-y3",
    "yuma2-000-n8",
    "yuma3-013-n4-la",
    "yuma3-059-n8-la",
    "edge-unsorted-weights-y3-1",
    "edge-commit-reveal-boundaries-y3-0",
    "edge-stake-sum-overflow-wrap-y2-0",
    "edge-stake-sum-wrap-median-y2-5",
    "seq-kappa-moves-first-y3-e03",
    "mech-013-m2-n8",
];

#[test]
fn sample_vectors_pass_through_both_implementations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for name in SAMPLE {
        let path = dir.join(format!("{name}.json"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Ok(Document::Vector(v)) = parse_document(&bytes) else {
            panic!("{name}: not a vector file");
        };
        for imp in [Implementation::Main, Implementation::Reference] {
            let report = verify_vector(&v, imp);
            assert!(
                report.passed,
                "{name} ({imp:?}): {:?} {:?}",
                report.error,
                report.mismatches.first()
            );
        }
    }
}

/// The package ships exactly the sample: every name above is in `Cargo.toml`'s `include`.
#[test]
fn the_sample_is_what_the_package_includes() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("Cargo.toml");
    let included: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("\"/tests/vectors/"))
        .filter_map(|l| l.strip_suffix(".json\","))
        .collect();
    let mut sample = SAMPLE.to_vec();
    sample.sort_unstable();
    let mut included = included;
    included.sort_unstable();
    assert_eq!(included, sample, "Cargo.toml's include and SAMPLE differ");
}
