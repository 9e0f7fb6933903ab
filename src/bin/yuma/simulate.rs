use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::input::{bad_input, read_bytes, shown, Fail};
use crate::output::{clear, fraction4, say_line, StreamedFile};
use yuma::json::{self, Document};

pub(crate) fn cmd_simulate(
    file: &Path,
    json_out: Option<&Path>,
    csv_out: Option<&Path>,
    assume: Option<u32>,
) -> Result<(), Fail> {
    if let (Some(j), Some(c)) = (json_out, csv_out) {
        if j == c || same_target(j, c) {
            return Err(bad_input(format!(
                "--json and --csv both name {}; give them different paths",
                j.display()
            )));
        }
    }
    let scenario = load_scenario(file)?;
    // Outputs are written as the epochs run, so memory stays one epoch's however long the
    // scenario is; the summary keeps one short row per epoch.
    let mut json_w = json_out.map(StreamedFile::create).transpose()?;
    let mut csv_w = csv_out.map(StreamedFile::create).transpose()?;
    let tty = std::io::stderr().is_terminal();
    let started = Instant::now();
    let total = scenario.epochs.len();
    let mut rows: Vec<String> = Vec::with_capacity(total);
    let mut block = scenario.initial.current_block;
    let mut chunk = String::new();
    let mut failed: Option<Fail> = None;
    // The rules each run of epochs ran under: (rules, first epoch, last epoch).
    let mut rules: Vec<(yuma::runtime::Rules, usize, usize)> = Vec::new();
    let ran = yuma::scenario::run_with_assuming(&scenario, assume, |k, state, o| {
        if let Ok(r) = state.rules(assume) {
            match rules.last_mut() {
                Some((last, _, end)) if *last == r => *end = k,
                _ => rules.push((r, k, k)),
            }
        }
        let written = (|| -> Result<(), Fail> {
            if let Some(w) = json_w.as_mut() {
                w.write(if k == 0 { "[" } else { "," })?;
                w.write_json(o)?;
            }
            if let Some(w) = csv_w.as_mut() {
                chunk.clear();
                if k == 0 {
                    chunk.push_str(yuma::scenario::CSV_HEADER);
                }
                yuma::scenario::push_csv_rows(&mut chunk, k, o);
                w.write(&chunk)?;
            }
            Ok(())
        })();
        if let Err(e) = written {
            failed = Some(e);
            return false;
        }
        block = scenario
            .epochs
            .get(k)
            .and_then(|p| p.current_block)
            .unwrap_or(block);
        rows.push(summary_row(k, block, o));
        if tty {
            let width = 30usize;
            let done = k.saturating_add(1);
            let filled = done
                .saturating_mul(width)
                .checked_div(total)
                .unwrap_or(width);
            eprint!(
                "\r\x1b[2K[{}{}] epoch {done}/{total}",
                "#".repeat(filled),
                "-".repeat(width.saturating_sub(filled))
            );
        }
        true
    });
    clear(tty);
    let outcome = match (ran, failed) {
        (_, Some(e)) => Err(e),
        (Err(e), None) => Err(bad_input(format!("{}: {e}", shown(file)))),
        (Ok(()), None) => Ok(()),
    };
    if let Err(e) = outcome {
        json_w
            .into_iter()
            .chain(csv_w)
            .for_each(StreamedFile::abandon);
        return Err(e);
    }
    if let Some(w) = json_w.as_mut() {
        w.write(if total == 0 { "[]" } else { "]" })?;
    }
    if let Some(w) = csv_w.as_mut() {
        if total == 0 {
            w.write(yuma::scenario::CSV_HEADER)?;
        }
    }
    for w in json_w.into_iter().chain(csv_w) {
        w.finish()?;
    }
    for (r, first, last) in &rules {
        let span = if first == last {
            format!("epoch {first}")
        } else {
            format!("epochs {first}–{last}")
        };
        say_line(format_args!("runtime rules {r}: {span}"))?;
    }
    say_line(format_args!(
        "{:>5} {:>8} {:>16} {:>16} {:>22} {:>22}",
        "epoch",
        "block",
        "server_rao",
        "validator_rao",
        "top incentive (uid)",
        "top dividends (uid)"
    ))?;
    for row in &rows {
        say_line(row)?;
    }
    if !rows.is_empty() {
        say_line("incentive and dividends: u16 fractions of 65535 shown as decimals")?;
    }
    eprintln!(
        "{} epochs in {:.1} ms{}{}",
        rows.len(),
        started.elapsed().as_secs_f64() * 1e3,
        json_out.map_or_else(String::new, |p| format!(", JSON: {}", p.display())),
        csv_out.map_or_else(String::new, |p| format!(", CSV: {}", p.display()))
    );
    Ok(())
}

/// Reads a scenario file; an epoch input, mechanisms input or vector file is named as such, with
/// the command that runs it.
pub(crate) fn load_scenario(file: &Path) -> Result<yuma::scenario::Scenario, Fail> {
    let bytes = read_bytes(file)?;
    yuma::scenario::parse_scenario(&bytes).map_err(|e| {
        // An epoch input, mechanisms input or vector file: say what it is and what runs it.
        let hint = match json::parse_document(&bytes) {
            Ok(Document::Epoch(_)) => Some(
                "an EpochInput, not a scenario: run it with `yuma epoch`, or simulate it as \
                 {\"initial\": INPUT, \"epochs\": [{}, ...]}",
            ),
            Ok(Document::Mechanisms(_)) => Some(
                "a MechanismsInput, not a scenario: run it with `yuma epoch` (a scenario \
                 carries one EpochInput forward)",
            ),
            Ok(Document::Vector(_)) => Some(
                "a vector file, not a scenario: check it with `yuma verify`, or run its input \
                 with `yuma epoch`",
            ),
            Err(_) => None,
        };
        match hint {
            Some(hint) => bad_input(format!("{}: this is {hint}", shown(file))),
            None => bad_input(format!("{}: {e}", shown(file))),
        }
    })
}

/// Whether two output paths spelled differently (`out.json`, `./out.json`, `dir/../out.json`) name
/// the same file: the same file name in the same directory, symlinks in the directories resolved.
pub(crate) fn same_target(a: &Path, b: &Path) -> bool {
    let key = |p: &Path| -> Option<PathBuf> {
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
        Some(
            dir.unwrap_or(Path::new("."))
                .canonicalize()
                .ok()?
                .join(p.file_name()?),
        )
    };
    matches!((key(a), key(b)), (Some(x), Some(y)) if x == y)
}

/// One line of `yuma simulate`'s summary: the epoch, its block, the rao paid to servers and
/// validators, and the uids with the top incentive and dividends.
pub(crate) fn summary_row(k: usize, block: u64, o: &yuma::EpochOutput) -> String {
    let top = |v: &[u16]| {
        v.iter()
            .enumerate()
            .max_by_key(|(i, x)| (**x, std::cmp::Reverse(*i)))
            .map_or_else(
                || "-".to_string(),
                |(i, x)| format!("{} ({i})", fraction4(*x)),
            )
    };
    format!(
        "{k:>5} {block:>8} {:>16} {:>16} {:>22} {:>22}",
        o.server_emission
            .iter()
            .map(|&x| u128::from(x))
            .sum::<u128>(),
        o.validator_emission
            .iter()
            .map(|&x| u128::from(x))
            .sum::<u128>(),
        top(&o.incentive),
        top(&o.dividends)
    )
}
