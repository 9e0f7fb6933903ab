//! Arbitrary bytes → `yuma::json::parse_document` → the epoch (or the mechanisms epoch).
//!
//! Must never panic, hang or blow up memory: malformed documents and inputs the chain cannot
//! produce are errors, never crashes. Whatever parses is also run through the reference and must
//! give the very same `Result` (outputs, traces and errors), and a vector file's verification
//! report must not depend on the implementation. Error messages must be a single line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yuma::json::{self, Document, Implementation, VectorInput};

fn run_epoch(input: &yuma::EpochInput) {
    let fast = yuma::epoch_with_trace(input);
    let slow = yuma::reference::epoch_with_trace(input);
    assert_eq!(fast, slow, "main and reference differ on a parsed input");
    if let Ok((out, trace)) = &fast {
        // What the CLI prints must serialize.
        let _ = json::output_json(out, Some(trace));
    }
}

fn run_mechanisms(input: &yuma::MechanismsInput) {
    let fast = yuma::epoch_with_mechanisms(input);
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
            let a = json::verify_vector(&v, Implementation::Main);
            let b = json::verify_vector(&v, Implementation::Reference);
            assert_eq!(a.passed, b.passed);
            assert_eq!(a.error, b.error);
            assert_eq!(a.mismatches, b.mismatches);
        }
    }
});
