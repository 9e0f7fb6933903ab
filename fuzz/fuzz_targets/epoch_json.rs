//! Arbitrary bytes → `yuma::json::parse_document` → the epoch (or the mechanisms epoch).
//!
//! Must never panic, hang or blow up memory: malformed documents and inputs the chain cannot
//! produce are errors, never crashes. Whatever parses is also run through the reference and must
//! give the very same `Result` (outputs, traces and errors), and a vector file's verification
//! report must not depend on the implementation — except beyond `reference::MAX_DENSE_CELLS`, where
//! the reference must refuse (`Error::ReferenceTooLarge`, or an earlier error). Error messages must be a single line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yuma::json::{self, Document, Implementation, VectorInput};

/// Beyond the reference's size limit: it must refuse (and the comparisons are skipped).
fn beyond_reference(cells: usize, slow: impl FnOnce() -> Result<(), yuma::Error>) -> bool {
    if cells <= yuma::reference::MAX_DENSE_CELLS {
        return false;
    }
    let r = slow();
    assert!(r.is_err(), "the reference accepted {cells} dense cells");
    true
}

fn cells_of(inputs: &[yuma::EpochInput]) -> usize {
    inputs
        .iter()
        .map(yuma::reference::dense_cells)
        .max()
        .unwrap_or(0)
}

/// Main against the reference; `false` (nothing compared) beyond the reference's size limit.
fn run_epoch(input: &yuma::EpochInput) -> bool {
    let fast = yuma::epoch_with_trace(input);
    if beyond_reference(cells_of(core::slice::from_ref(input)), || {
        yuma::reference::epoch(input).map(|_| ())
    }) {
        return false;
    }
    let slow = yuma::reference::epoch_with_trace(input);
    assert_eq!(fast, slow, "main and reference differ on a parsed input");
    if let Ok((out, trace)) = &fast {
        // What the CLI prints must serialize.
        let _ = json::output_json(out, Some(trace));
    }
    true
}

/// As [`run_epoch`], for a mechanisms input.
fn run_mechanisms(input: &yuma::MechanismsInput) -> bool {
    let fast = yuma::epoch_with_mechanisms(input);
    if beyond_reference(cells_of(&input.mechanisms), || {
        yuma::mechanisms::epoch_with_mechanisms_reference(input).map(|_| ())
    }) {
        return false;
    }
    let slow = yuma::mechanisms::epoch_with_mechanisms_reference(input);
    assert_eq!(fast, slow, "mechanisms: main and reference differ");
    true
}

fuzz_target!(|data: &[u8]| {
    let doc = match json::parse_document(data) {
        Ok(doc) => doc,
        Err(e) => {
            // The documented contract (and the CLI's): an error is one line.
            assert!(
                !e.0.contains(['\n', '\r']),
                "multi-line error message: {:?}",
                e.0
            );
            return;
        }
    };
    match doc {
        Document::Epoch(input) => {
            run_epoch(&input);
        }
        Document::Mechanisms(m) => {
            run_mechanisms(&m);
        }
        Document::Vector(v) => {
            let compared = match &v.input {
                VectorInput::Epoch(input) => run_epoch(input),
                VectorInput::Mechanisms(m) => run_mechanisms(m),
            };
            if !compared {
                return;
            }
            let a = json::verify_vector(&v, Implementation::Main);
            let b = json::verify_vector(&v, Implementation::Reference);
            assert_eq!(a.passed, b.passed);
            assert_eq!(a.error, b.error);
            assert_eq!(a.mismatches, b.mismatches);
        }
    }
});
