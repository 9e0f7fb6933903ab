//! Turns a fuzz artifact into something a person (or the CLI) can read.
//!
//! ```sh
//! CARGO_TARGET_DIR=fuzz/target cargo run --manifest-path fuzz/Cargo.toml --example repro -- \
//!     epoch_structured fuzz/artifacts/epoch_structured/crash-...
//! ```
//!
//! * `epoch_structured`: prints the decoded `EpochInput` as JSON on stdout (feed it to
//!   `yuma epoch -`), and on stderr both implementations' results and the emission totals;
//! * `weighted_median`: prints the decoded column and both medians;
//! * `scale_roundtrip`: prints the decoded value (or the decode error);
//! * `epoch_json`: prints the parse result and both implementations' results.

use std::env;
use std::fs;

use arbitrary::{Arbitrary, Unstructured};
use parity_scale_codec::Decode;
use substrate_fixed::types::I32F32;
use yuma::json::{parse_document, Document, VectorInput};
use yuma::{EpochInput, EpochOutput, MechanismsInput};
use yuma_fuzz::median::Case;
use yuma_fuzz::Raw;

fn report_epoch(input: &EpochInput) {
    let fast = yuma::epoch_with_trace(input);
    let slow = yuma::reference::epoch_with_trace(input);
    eprintln!("main == reference: {}", fast == slow);
    for (label, r) in [("main", &fast), ("reference", &slow)] {
        match r {
            Ok((out, _)) => {
                let server: u128 = out.server_emission.iter().map(|&x| u128::from(x)).sum();
                let validator: u128 = out.validator_emission.iter().map(|&x| u128::from(x)).sum();
                eprintln!(
                    "{label}: server {server} + validator {validator} = {} of rao_emission {}",
                    server + validator,
                    input.rao_emission
                );
                eprintln!(
                    "{label}: {}",
                    serde_json::to_string(out).unwrap_or_default()
                );
            }
            Err(e) => eprintln!("{label}: error: {e}"),
        }
    }
}

fn report_mechanisms(m: &MechanismsInput) {
    let fast = yuma::epoch_with_mechanisms(m);
    let slow = yuma::mechanisms::epoch_with_mechanisms_reference(m);
    eprintln!("main == reference: {}", fast == slow);
    eprintln!("main: {fast:?}");
}

fn main() {
    let args: Vec<String> = env::args().collect();
    let (Some(target), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: repro <target> <artifact>");
        std::process::exit(2);
    };
    let data = fs::read(path).expect("read artifact");
    match target.as_str() {
        "epoch_structured" => {
            let raw = Raw::arbitrary_take_rest(Unstructured::new(&data)).expect("decode");
            eprintln!("{raw:#?}");
            let input = raw.build(raw.n.get());
            println!("{}", serde_json::to_string(&input).expect("json"));
            report_epoch(&input);
        }
        "weighted_median" => {
            let case = Case::arbitrary_take_rest(Unstructured::new(&data)).expect("decode");
            println!("{case:#?}");
            if let Case::Pipeline { entries, kappa } = case {
                let column = yuma_fuzz::median::Column::new(&entries, kappa);
                let slow = column.reference();
                let yuma_fuzz::median::Column {
                    stake,
                    score,
                    total,
                    minority,
                } = column;
                let zero = I32F32::from_bits(0);
                let mut pairs: Vec<(I32F32, I32F32)> = stake
                    .iter()
                    .zip(&score)
                    .filter(|(_, s)| **s > zero)
                    .map(|(w, s)| (*s, *w))
                    .collect();
                let fast = yuma::consensus::column_median(&mut pairs, stake.len(), total, minority);
                println!("stake {stake:?}\nscore {score:?}\ntotal {total} minority {minority}");
                println!(
                    "fast {fast} ({}), reference {slow} ({})",
                    fast.to_bits(),
                    slow.to_bits()
                );
            }
        }
        "scale_roundtrip" => {
            let Some((&which, mut bytes)) = data.split_first() else {
                return;
            };
            match which % 3 {
                0 => println!("{:?}", EpochInput::decode(&mut bytes)),
                1 => println!("{:?}", MechanismsInput::decode(&mut bytes)),
                _ => println!("{:?}", EpochOutput::decode(&mut bytes)),
            }
            println!("{} bytes left", bytes.len());
        }
        "epoch_json" => match parse_document(&data) {
            Err(e) => println!("error: {e:?}"),
            Ok(Document::Epoch(i)) => report_epoch(&i),
            Ok(Document::Mechanisms(m)) => report_mechanisms(&m),
            Ok(Document::Vector(v)) => match &v.input {
                VectorInput::Epoch(i) => report_epoch(i),
                VectorInput::Mechanisms(m) => report_mechanisms(m),
            },
        },
        other => eprintln!("unknown target {other}"),
    }
}
