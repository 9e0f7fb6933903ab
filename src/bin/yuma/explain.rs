use std::path::Path;

use crate::input::{bad_input, not_a_scenario, read_bytes, shown, Fail};
use crate::output::{note_short_rows, say};
use yuma::json::{self};

/// An epoch input from a document's bytes: a bare EpochInput or an epoch vector's input.
pub(crate) fn epoch_input(file: &Path, bytes: &[u8]) -> Result<yuma::EpochInput, Fail> {
    let not_mechanisms = || {
        bad_input(format!(
            "{}: expected an epoch input, not mechanisms",
            shown(file)
        ))
    };
    match json::parse_document(bytes)
        .map_err(|e| not_a_scenario(file, bytes, e))?
        .into_input()
    {
        json::VectorInput::Epoch(i) => Ok(i),
        json::VectorInput::Mechanisms(_) => Err(not_mechanisms()),
    }
}

pub(crate) fn cmd_explain(
    file: &Path,
    uid: u16,
    epoch: Option<usize>,
    assume: Option<u32>,
) -> Result<(), Fail> {
    let bytes = read_bytes(file)?;
    let input = match yuma::scenario::parse_scenario(&bytes) {
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
            let input = epoch_input(file, &bytes)?;
            note_short_rows(file, &input);
            input
        }
    };
    let text = yuma::explain::explain_assuming(&input, uid, assume)
        .map_err(|e| bad_input(format!("{}: {e}", shown(file))))?;
    say(text)
}
