use std::io::Write;
use std::path::Path;

use crate::input::{bad_input, load, shown, Fail};
use crate::output::{
    fraction4, note_overpaid, note_short_rows, print_json, say_line, stdout_failed,
};
use yuma::json::{self};

/// The per-uid columns `print_table` shows: an epoch's output, or a mechanisms aggregate, which
/// stores no bonds (`bonds: None`: the column shows `-`).
pub(crate) struct TableView<'a> {
    active: &'a [bool],
    new_validator_permit: &'a [bool],
    stake: &'a [u64],
    stake_weight: &'a [u16],
    consensus: &'a [u16],
    incentive: &'a [u16],
    dividends: &'a [u16],
    validator_trust: &'a [u16],
    server_emission: &'a [u64],
    validator_emission: &'a [u64],
    emission: &'a [u64],
    bonds: Option<&'a [Vec<(u16, u16)>]>,
}

impl<'a> From<&'a yuma::EpochOutput> for TableView<'a> {
    fn from(o: &'a yuma::EpochOutput) -> Self {
        TableView {
            active: &o.active,
            new_validator_permit: &o.new_validator_permit,
            stake: &o.stake,
            stake_weight: &o.stake_weight,
            consensus: &o.consensus,
            incentive: &o.incentive,
            dividends: &o.dividends,
            validator_trust: &o.validator_trust,
            server_emission: &o.server_emission,
            validator_emission: &o.validator_emission,
            emission: &o.emission,
            bonds: Some(&o.bonds),
        }
    }
}

impl<'a> From<&'a yuma::mechanisms::AggregatedOutput> for TableView<'a> {
    fn from(a: &'a yuma::mechanisms::AggregatedOutput) -> Self {
        TableView {
            active: &a.active,
            new_validator_permit: &a.new_validator_permit,
            stake: &a.stake,
            stake_weight: &a.stake_weight,
            consensus: &a.consensus,
            incentive: &a.incentive,
            dividends: &a.dividends,
            validator_trust: &a.validator_trust,
            server_emission: &a.server_emission,
            validator_emission: &a.validator_emission,
            emission: &a.emission,
            bonds: None,
        }
    }
}

/// One row per uid.
pub(crate) fn print_table<'a>(out: impl Into<TableView<'a>>) -> Result<(), Fail> {
    let out = out.into();
    let mut w = std::io::stdout().lock();
    let mut line = |s: String| writeln!(w, "{s}").map_err(stdout_failed);
    line(format!(
        "{:>5} {:>6} {:>6} {:>20} {:>8} {:>9} {:>9} {:>9} {:>9} {:>15} {:>15} {:>5}",
        "uid",
        "active",
        "permit",
        "stake",
        "stake_wt",
        "consensus",
        "incentive",
        "dividends",
        "v_trust",
        "server_rao",
        "validator_rao",
        "bonds"
    ))?;
    for uid in 0..out.stake.len() {
        let b = |v: &[bool]| {
            if v.get(uid).copied().unwrap_or(false) {
                "yes"
            } else {
                "-"
            }
        };
        let u = |v: &[u16]| fraction4(v.get(uid).copied().unwrap_or(0));
        let r = |v: &[u64]| v.get(uid).copied().unwrap_or(0);
        line(format!(
            "{:>5} {:>6} {:>6} {:>20} {:>8} {:>9} {:>9} {:>9} {:>9} {:>15} {:>15} {:>5}",
            uid,
            b(out.active),
            b(out.new_validator_permit),
            r(out.stake),
            u(out.stake_weight),
            u(out.consensus),
            u(out.incentive),
            u(out.dividends),
            u(out.validator_trust),
            r(out.server_emission),
            r(out.validator_emission),
            out.bonds.map_or_else(
                || "-".to_string(),
                |b| b.get(uid).map_or(0, |r| r.len()).to_string()
            ),
        ))?;
    }
    let total: u128 = out.emission.iter().map(|&x| u128::from(x)).sum();
    line(format!(
        "{} uids, {} rao emitted. stake_wt, consensus, incentive, dividends and v_trust \
         (validator trust) are u16 fractions of 65535 shown as decimals; bonds counts the uid's \
         stored bond entries.",
        out.stake.len(),
        total
    ))?;
    w.flush().map_err(stdout_failed)
}

pub(crate) fn cmd_epoch(
    file: &Path,
    trace: bool,
    pretty: bool,
    table: bool,
    reference: bool,
    assume: Option<u32>,
) -> Result<(), Fail> {
    let doc = load(file)?;
    let mechanisms = |m: &yuma::MechanismsInput| {
        if trace {
            Err(bad_input(format!(
                "{}: --trace applies to an epoch input; this is a mechanisms input (run one \
                 mechanism's EpochInput on its own for its trace)",
                shown(file)
            )))
        } else {
            print_mechanisms(file, m, reference, pretty, table, assume)
        }
    };
    let input = match doc.into_input() {
        json::VectorInput::Epoch(i) => i,
        json::VectorInput::Mechanisms(m) => return mechanisms(&m),
    };
    note_short_rows(file, &input);
    let fail = |e: yuma::Error| bad_input(format!("{}: {e}", shown(file)));
    let rules = input.rules(assume).map_err(fail)?;
    let (out, t) = if reference {
        yuma::reference::epoch_with_trace_assuming(&input, assume)
    } else {
        let mut ws = yuma::Workspace::new();
        ws.assume_spec = assume;
        let mut out = yuma::EpochOutput::default();
        yuma::epoch_into(&input, &mut ws, &mut out).map(|()| (out, ws.trace()))
    }
    .map_err(fail)?;
    let t = trace.then_some(t);
    note_overpaid(file, "the epoch ", input.rao_emission, &out);
    if table {
        say_line(rules_line(rules, input.spec_version, assume))?;
        return print_table(&out);
    }
    note_rules(rules, input.spec_version, assume);
    let doc = json::OutputDoc {
        output: &out,
        trace: t.as_ref(),
    };
    print_json(&doc, pretty)
}

pub(crate) fn print_mechanisms(
    file: &Path,
    m: &yuma::MechanismsInput,
    reference: bool,
    pretty: bool,
    table: bool,
    assume: Option<u32>,
) -> Result<(), Fail> {
    for mech in &m.mechanisms {
        note_short_rows(file, mech);
    }
    let fail = |e: yuma::Error| bad_input(format!("{}: {e}", shown(file)));
    let rules = m.rules(assume).map_err(fail)?;
    let spec = m
        .spec_version
        .or_else(|| m.mechanisms.first().and_then(|x| x.spec_version));
    let out = if reference {
        yuma::mechanisms::epoch_with_mechanisms_reference_assuming(m, assume)
    } else {
        let mut ws = yuma::Workspace::new();
        ws.assume_spec = assume;
        let mut out = yuma::MechanismsOutput::default();
        yuma::mechanisms::epoch_with_mechanisms_into(m, &mut ws, &mut out).map(|()| out)
    }
    .map_err(fail)?;
    for (k, (o, &rao)) in out.per_mechanism.iter().zip(&out.split).enumerate() {
        note_overpaid(file, &format!("mechanism {k} "), rao, o);
    }
    if table {
        say_line(rules_line(rules, spec, assume))?;
        // One table per mechanism, each headed by its share of the emission.
        for (k, o) in out.per_mechanism.iter().enumerate() {
            let rao = out.split.get(k).copied().unwrap_or(0);
            say_line(format_args!("mechanism {k} ({rao} rao of the split)"))?;
            print_table(o)?;
            say_line("")?;
        }
        // The per-uid aggregate the chain stores (no bonds: each mechanism keeps its own).
        say_line(
            "aggregate (u16 fields weighted by each mechanism's share, emissions and stake \
             summed; incentive is mechanism 0's)",
        )?;
        return print_table(&out.aggregated);
    }
    note_rules(rules, spec, assume);
    print_json(&out, pretty)
}

/// Which rules ran and why: `runtime rules: spec 475 (…), for spec_version 475`.
pub(crate) fn rules_line(
    rules: yuma::runtime::Rules,
    spec: Option<u32>,
    assume: Option<u32>,
) -> String {
    let why = match (assume, spec) {
        (Some(a), _) => format!("assumed with --assume-spec {a}"),
        (None, Some(s)) => format!("the input's spec_version {s}"),
        (None, None) => "the input has no spec_version".to_string(),
    };
    format!("runtime rules: {rules}; {why}")
}

/// [`rules_line`] on stderr, beside JSON output on stdout.
fn note_rules(rules: yuma::runtime::Rules, spec: Option<u32>, assume: Option<u32>) {
    eprintln!("yuma: {}", rules_line(rules, spec, assume));
}
