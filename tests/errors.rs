//! Typed errors of the public calls: the reference's size limit, errors inside a mechanism, and
//! their messages.

use yuma::{EpochInput, Error, MechanismsInput};

fn subnet(n: u16) -> EpochInput {
    let len = usize::from(n);
    EpochInput {
        n,
        current_block: 1_000,
        tempo: 100,
        block_at_registration: vec![0; len],
        alpha_stake: vec![1_000; len],
        tao_stake: vec![0; len],
        commit_blocks: vec![None; len],
        last_update: vec![999; len],
        validator_permit: vec![true; len],
        max_allowed_validators: 64,
        weights: (0..n).map(|i| vec![((i + 1) % n, 65_535)]).collect(),
        bonds_moving_average: 900_000,
        rao_emission: 1_000_000_000,
        ..Default::default()
    }
}

/// A valid n = 65535 input where every uid is a staked, permitted, active validator: the fast
/// pipeline computes it, the reference (a dense 65535 × 65535 median table, ~34 GB) refuses with
/// a typed error instead of exhausting memory. With few validators the reference runs at that n.
#[test]
fn the_reference_refuses_dense_tables_above_its_limit_the_pipeline_does_not() {
    let mut big = subnet(u16::MAX);
    big.activity_cutoff = 5_000;
    let cells = usize::from(u16::MAX) * usize::from(u16::MAX);
    assert_eq!(yuma::reference::dense_cells(&big), cells);
    assert!(yuma::epoch(&big).is_ok());
    let err = yuma::reference::epoch(&big).unwrap_err();
    assert_eq!(
        err,
        Error::ReferenceTooLarge {
            cells,
            limit: yuma::reference::MAX_DENSE_CELLS,
        }
    );
    assert_eq!(
        err.to_string(),
        format!(
            "the reference implementation would need {cells} dense cells (n × validators, + n × n \
             with liquid alpha), above its limit of 536870912 (yuma::reference::MAX_DENSE_CELLS); \
             the main pipeline has no such limit"
        )
    );
    // Eight validators: a 65535 × 8 table; both implementations agree.
    big.validator_permit = (0..usize::from(u16::MAX)).map(|i| i < 8).collect();
    assert_eq!(
        yuma::reference::dense_cells(&big),
        usize::from(u16::MAX) * 8
    );
    assert_eq!(yuma::reference::epoch(&big), yuma::epoch(&big));
    // An empty stored permit vector masks nothing: every uid is a validator again.
    let permits = core::mem::take(&mut big.validator_permit);
    assert_eq!(yuma::reference::dense_cells(&big), cells);
    big.validator_permit = permits;
    // Liquid alpha adds n × n: refused at this n whatever the validators.
    big.yuma3_enabled = true;
    big.liquid_alpha_enabled = true;
    assert!(matches!(
        yuma::reference::epoch(&big),
        Err(Error::ReferenceTooLarge { .. })
    ));
}

#[test]
fn a_failing_mechanism_is_named() {
    let mut m = MechanismsInput {
        rao_emission: 1_000,
        emission_split: None,
        mechanisms: vec![subnet(8), subnet(8), subnet(8)],
        ..Default::default()
    };
    if let Some(third) = m.mechanisms.get_mut(2) {
        third.tao_stake.truncate(5);
    }
    let err = yuma::epoch_with_mechanisms(&m).unwrap_err();
    assert_eq!(
        err.to_string(),
        "mechanism 2: field `tao_stake`: expected 8 entries (one per uid, n = 8), found 5"
    );
    assert_eq!(
        yuma::mechanisms::epoch_with_mechanisms_reference(&m),
        Err(err)
    );

    m.mechanisms[2] = subnet(8);
    m.mechanisms[1] = subnet(7);
    let err = yuma::epoch_with_mechanisms(&m).unwrap_err();
    assert_eq!(
        err,
        Error::MechanismSize {
            index: 1,
            n: 7,
            expected: 8
        }
    );
    assert_eq!(
        err.to_string(),
        "field `mechanisms`: mechanism 1 has n = 7, but mechanism 0 has n = 8 (every mechanism \
         covers the subnet's uids)"
    );
}

#[test]
fn messages_read_well() {
    let empty = EpochInput::default();
    assert_eq!(
        yuma::explain::explain(&empty, 0).unwrap_err().to_string(),
        "uid 0 is not in the subnet (it has no uids: n = 0)"
    );
    let limits = yuma::Limits { max_entries: 3 };
    let err = subnet(8).validate(&limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        "fields `weights` + `bonds`: 8 entries in all, which exceeds the limit of 3 (Limits::max_entries)"
    );
    // `core::error::Error`, with or without `std`.
    let boxed: Box<dyn core::error::Error> = Box::new(err);
    assert!(boxed.to_string().contains("exceeds the limit"));
}

#[cfg(feature = "json")]
#[test]
fn mismatch_reports_name_lengths_and_mechanism_indices() {
    use yuma::json::{mismatches, Mismatch};
    let got = yuma::epoch(&subnet(3)).unwrap();
    let mut short = got.clone();
    short.incentive.truncate(1);
    short.dividends[2] = short.dividends[2].wrapping_add(1);
    let m = mismatches("", &got, &short);
    let shown: Vec<String> = m.iter().map(Mismatch::to_string).collect();
    assert_eq!(
        shown,
        [
            "incentive: got 3 entries, expected 1 entry".to_string(),
            format!(
                "dividends uid 2: got {}, expected {}",
                got.dividends[2], short.dividends[2]
            ),
        ]
    );

    let input = MechanismsInput {
        rao_emission: 1_000,
        emission_split: None,
        mechanisms: vec![subnet(3), subnet(3)],
        ..Default::default()
    };
    let out = yuma::epoch_with_mechanisms(&input).unwrap();
    let mut claimed = out.clone();
    claimed.split[1] += 1;
    let m = mismatches("", &out, &claimed);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].uid, None);
    assert_eq!(m[0].to_string(), "split[1]: got 500, expected 501");
}

/// `json::verify_vector` on a hand-built vector whose claimed results are of the other kind
/// (which `parse_document` never builds) reports an error instead of a pass.
#[cfg(feature = "json")]
#[test]
fn a_vector_with_results_of_the_other_kind_does_not_pass() {
    use yuma::json::{parse_document, verify_vector, Document, Implementation};
    let load = |name: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors")
            .join(name);
        match parse_document(&std::fs::read(path).unwrap()).unwrap() {
            Document::Vector(v) => v,
            _ => panic!("{name} is not a vector"),
        }
    };
    let epoch = load("tiny-n2-cross-weights-y2.json");
    let mech = load("mech-001-m4-n16.json");
    for imp in [Implementation::Main, Implementation::Reference] {
        assert!(verify_vector(&epoch, imp).passed);
        assert!(verify_vector(&mech, imp).passed);
        let mut crossed = epoch.clone();
        crossed.expected = mech.expected.clone();
        let r = verify_vector(&crossed, imp);
        assert!(!r.passed);
        assert!(r.error.unwrap().contains("mechanisms output"));
        let mut crossed = mech.clone();
        crossed.expected = epoch.expected.clone();
        let r = verify_vector(&crossed, imp);
        assert!(!r.passed);
        assert!(r.error.unwrap().contains("epoch output"));
        let mut traced = mech.clone();
        traced.trace = epoch.trace.clone();
        let r = verify_vector(&traced, imp);
        assert!(!r.passed);
        assert!(r.error.unwrap().contains("`trace`"));
    }
}
