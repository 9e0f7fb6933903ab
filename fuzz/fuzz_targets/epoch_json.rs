//! Arbitrary bytes → `yuma::json::parse_document` → the epoch (or the mechanisms epoch).
//!
//! Must never panic, hang or blow up memory: malformed documents and inputs the chain cannot
//! produce are errors, never crashes. Whatever parses is also run through the reference and must
//! give the very same `Result` (outputs, traces and errors), and a vector file's verification
//! report must not depend on the implementation — except above `reference::MAX_N` uids, where
//! the reference must refuse (`Error::TooLarge`, or an earlier error). Error messages must be a single line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yuma::json::{self, Document, Implementation, VectorInput};

/// Beyond the reference's size limit: it must refuse (and the comparisons are skipped).
fn beyond_reference(n: u16, slow: impl FnOnce() -> Result<(), yuma::Error>) -> bool {
    if n <= yuma::reference::MAX_N {
        return false;
    }
    let r = slow();
    assert!(r.is_err(), "the reference accepted n = {n}");
    true
}

fn run_epoch(input: &yuma::EpochInput) {
    let fast = yuma::epoch_with_trace(input);
    if beyond_reference(input.n, || yuma::reference::epoch(input).map(|_| ())) {
        return;
    }
    let slow = yuma::reference::epoch_with_trace(input);
    assert_eq!(fast, slow, "main and reference differ on a parsed input");
    if let Ok((out, trace)) = &fast {
        // What the CLI prints must serialize.
        let _ = json::output_json(out, Some(trace));
    }
}

fn run_mechanisms(input: &yuma::MechanismsInput) {
    let fast = yuma::epoch_with_mechanisms(input);
    let n = input.mechanisms.iter().map(|m| m.n).max().unwrap_or(0);
    if beyond_reference(n, || {
        yuma::mechanisms::epoch_with_mechanisms_reference(input).map(|_| ())
    }) {
        return;
    }
    let slow = yuma::mechanisms::epoch_with_mechanisms_reference(input);
    assert_eq!(fast, slow, "mechanisms: main and reference differ");
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
        Document::Epoch(input) => run_epoch(&input),
        Document::Mechanisms(m) => run_mechanisms(&m),
        Document::Vector(v) => {
            match &v.input {
                VectorInput::Epoch(input) => run_epoch(input),
                VectorInput::Mechanisms(m) => run_mechanisms(m),
            }
            let n = match &v.input {
                VectorInput::Epoch(input) => input.n,
                VectorInput::Mechanisms(m) => m.mechanisms.iter().map(|m| m.n).max().unwrap_or(0),
            };
            if n > yuma::reference::MAX_N {
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
