use std::path::Path;

use crate::input::{bad_input, not_a_scenario, read_bytes, shown, Fail};
use crate::output::{note_short_rows, say};
use yuma::json::{self};

/// An epoch input from a document's bytes: a bare EpochInput or an epoch vector's input, or
/// with `mechanism` one mechanism of a mechanisms document as the subnet's epoch ran it.
pub(crate) fn epoch_input(
    file: &Path,
    bytes: &[u8],
    mechanism: Option<usize>,
    assume: Option<u32>,
) -> Result<yuma::EpochInput, Fail> {
    match (
        json::parse_document(bytes)
            .map_err(|e| not_a_scenario(file, bytes, e))?
            .into_input(),
        mechanism,
    ) {
        (json::VectorInput::Epoch(i), None) => Ok(i),
        (json::VectorInput::Epoch(_), Some(_)) => Err(bad_input(format!(
            "{}: --mechanism applies to a subnet with several mechanisms; this is one epoch",
            shown(file)
        ))),
        (json::VectorInput::Mechanisms(m), None) => Err(bad_input(format!(
            "{}: a subnet with {} mechanisms: add --mechanism K (0 to {}) to explain one",
            shown(file),
            m.mechanisms.len(),
            m.mechanisms.len().saturating_sub(1)
        ))),
        (json::VectorInput::Mechanisms(m), Some(k)) => {
            let count = m.mechanisms.len();
            if k >= count {
                return Err(bad_input(format!(
                    "{}: --mechanism {k}: the subnet has {count} mechanisms (0 to {})",
                    shown(file),
                    count.saturating_sub(1)
                )));
            }
            let mut ws = yuma::Workspace::new();
            ws.assume_spec = assume;
            let mut out = yuma::MechanismsOutput::default();
            yuma::mechanisms::epoch_with_mechanisms_into(&m, &mut ws, &mut out)
                .map_err(|e| bad_input(format!("{}: {e}", shown(file))))?;
            yuma::mechanisms::mechanism_as_run(&m, &out, k)
                .ok_or_else(|| bad_input(format!("{}: --mechanism {k}: out of range", shown(file))))
        }
    }
}

pub(crate) fn cmd_explain(
    file: &Path,
    uid: u16,
    epoch: Option<usize>,
    mechanism: Option<usize>,
    all: bool,
    assume: Option<u32>,
) -> Result<(), Fail> {
    let bytes = read_bytes(file)?;
    let input = match yuma::scenario::parse_scenario(&bytes) {
        Ok(_) if mechanism.is_some() => {
            return Err(bad_input(format!(
                "{}: --mechanism applies to mechanisms documents; a scenario runs one mechanism",
                shown(file)
            )));
        }
        Ok(scenario) => {
            let count = scenario.epochs.len();
            if count == 0 {
                return Err(bad_input(format!(
                    "{}: the scenario has no epochs to explain",
                    shown(file)
                )));
            }
            let k = epoch.unwrap_or(count.saturating_sub(1));
            if k >= count {
                return Err(bad_input(format!(
                    "{}: --epoch {k}: the scenario has {}",
                    shown(file),
                    yuma::scenario::epochs_counted(count)
                )));
            }
            let mut state = None;
            yuma::scenario::run_with_assuming(&scenario, assume, |i, st, _| {
                if i == k {
                    state = Some(st.clone());
                }
                i < k
            })
            .map_err(|e| bad_input(format!("{}: {e}", shown(file))))?;
            state.ok_or_else(|| bad_input(format!("{}: epoch {k} not reached", shown(file))))?
        }
        Err(_) if epoch.is_some() => {
            return Err(bad_input(format!(
                "{}: --epoch applies to scenario files only",
                shown(file)
            )));
        }
        Err(_) => {
            let input = epoch_input(file, &bytes, mechanism, assume)?;
            note_short_rows(file, &input);
            input
        }
    };
    let opts = yuma::explain::Options {
        all,
        ..Default::default()
    };
    let text = yuma::explain::explanation(&input, uid, assume)
        .map_err(|e| bad_input(format!("{}: {e}", shown(file))))?
        .text(&opts);
    say(text)
}
