use std::io::IsTerminal;
use std::path::PathBuf;

use crate::input::{collect_files, load, Fail};
use crate::output::{clear, say_line};
use crate::Impl;
use yuma::json::{self, Document, Implementation, VectorFile};

pub(crate) fn cmd_verify(
    paths: &[PathBuf],
    which: Impl,
    all: bool,
    assume: Option<u32>,
) -> Result<(), Fail> {
    let files: Vec<PathBuf> = collect_files(paths, "verify")?
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    let imps: &[(Implementation, &str)] = match which {
        Impl::Main => &[(Implementation::Main, "main")],
        Impl::Reference => &[(Implementation::Reference, "reference")],
        Impl::Both => &[
            (Implementation::Main, "main"),
            (Implementation::Reference, "reference"),
        ],
    };
    let progress = std::io::stderr().is_terminal();
    let (mut passed, mut failed, mut unreadable) = (0usize, 0usize, 0usize);
    let mut not_reproduced = 0usize;
    // Files per runtime rules, for the summary.
    let mut by_rules: std::collections::BTreeMap<&'static str, (String, usize)> =
        std::collections::BTreeMap::new();
    // Files that are not readable vectors are bad input (reported on stderr, exit 2), not
    // failed vectors; the others are still checked.
    let total = files.len();
    for (k, f) in files.iter().enumerate() {
        if progress {
            eprint!(
                "\r\x1b[2K[{}/{}] {}",
                k.saturating_add(1),
                total,
                f.display()
            );
        }
        let bytes = std::fs::read(f).unwrap_or_default();
        if yuma::chain::snapshot::is_snapshot(&bytes) {
            clear(progress);
            match verify_snapshot(f, &bytes, all, assume)? {
                Checked::Passed => passed = passed.saturating_add(1),
                Checked::Failed => failed = failed.saturating_add(1),
                Checked::NotReproduced => not_reproduced = not_reproduced.saturating_add(1),
                Checked::Unreadable => unreadable = unreadable.saturating_add(1),
            }
            continue;
        }
        let vector: Box<VectorFile> = match load(f) {
            Ok(Document::Vector(v)) => v,
            Ok(other) => {
                clear(progress);
                let what = match other {
                    Document::Epoch(_) => {
                        "it is an EpochInput, with no expected results to compare: compute it with `yuma epoch`"
                    }
                    _ => "it is a MechanismsInput, with no expected results to compare: compute it with `yuma epoch`",
                };
                eprintln!(
                    "yuma: {}: not a vector file (no `input`/`expected`); {what}",
                    f.display()
                );
                unreadable = unreadable.saturating_add(1);
                continue;
            }
            Err(Fail(msg, _)) => {
                clear(progress);
                eprintln!("yuma: {msg}");
                unreadable = unreadable.saturating_add(1);
                continue;
            }
        };
        // A vector without a `name` is reported by its path.
        // A vector is reported by its name and its path (by its path alone without a name).
        let name = if vector.name.is_empty() {
            f.display().to_string()
        } else {
            format!("{} ({})", vector.name, f.display())
        };
        // A file passes when it passes on every implementation asked for.
        let mut all_passed = true;
        for (k, (imp, label)) in imps.iter().enumerate() {
            let r = json::verify_vector_assuming(&vector, *imp, assume);
            if let (0, Some(rules)) = (k, r.rules) {
                let e = by_rules
                    .entry(rules.name())
                    .or_insert_with(|| (rules.to_string(), 0));
                e.1 = e.1.saturating_add(1);
            }
            if r.passed {
                continue;
            }
            all_passed = false;
            clear(progress);
            let tag = if imps.len() > 1 {
                format!(" [{label}]")
            } else {
                String::new()
            };
            match (&r.error, r.mismatches.first()) {
                (Some(e), _) => say_line(format_args!("FAIL {name}{tag}: error: {e}"))?,
                (None, Some(m)) => {
                    let more = r.mismatches.len().saturating_sub(1);
                    let extra = if more > 0 && !all {
                        format!(" (+{more} more)")
                    } else {
                        String::new()
                    };
                    say_line(format_args!("FAIL {name}{tag}: {m}{extra}"))?;
                    if all {
                        for m in r.mismatches.iter().skip(1) {
                            say_line(format_args!("     {m}"))?;
                        }
                    }
                }
                (None, None) => say_line(format_args!(
                    "FAIL {name}{tag}: no expected result in the file"
                ))?,
            }
        }
        if all_passed {
            passed = passed.saturating_add(1);
        } else {
            failed = failed.saturating_add(1);
        }
    }
    clear(progress);
    for (rules, count) in by_rules.values() {
        let files = if *count == 1 { "file" } else { "files" };
        say_line(format_args!("runtime rules {rules}: {count} {files}"))?;
    }
    let on = if imps.len() > 1 {
        " (vector files; each checked with main and with reference)"
    } else {
        ""
    };
    let not = if not_reproduced > 0 {
        format!(", {not_reproduced} of a runtime this version does not reproduce")
    } else {
        String::new()
    };
    if unreadable > 0 || not_reproduced > 0 {
        let unread = if unreadable > 0 {
            format!(", {unreadable} not readable as vectors or snapshots")
        } else {
            String::new()
        };
        say_line(format_args!(
            "{passed} passed, {failed} failed{unread}{not}{on}"
        ))?;
        Err(Fail(String::new(), 2))
    } else {
        say_line(format_args!("{passed} passed, {failed} failed{on}"))?;
        if failed > 0 {
            Err(Fail(String::new(), 1))
        } else {
            Ok(())
        }
    }
}

enum Checked {
    Passed,
    Failed,
    NotReproduced,
    Unreadable,
}

/// Recomputes a chain snapshot and compares it with what the chain stored.
fn verify_snapshot(
    path: &std::path::Path,
    bytes: &[u8],
    all: bool,
    assume: Option<u32>,
) -> Result<Checked, Fail> {
    let snap = match yuma::chain::parse_snapshot(bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("yuma: {}: {e}", path.display());
            return Ok(Checked::Unreadable);
        }
    };
    let r = yuma::chain::verify(&snap, assume);
    let name = format!(
        "subnet {} at block {} ({})",
        r.netuid,
        r.block,
        path.display()
    );
    let skipped = if r.skipped.is_empty() {
        String::new()
    } else {
        let uids: Vec<String> = r.skipped.iter().map(|m| m.uid.to_string()).collect();
        format!(
            "; uid {} not compared (re-registered after the epoch)",
            uids.join(", ")
        )
    };
    if r.unsupported_runtime {
        say_line(format_args!(
            "NOT REPRODUCED {name}: {}",
            r.error.as_deref().unwrap_or("")
        ))?;
        return Ok(Checked::NotReproduced);
    }
    if let Some(e) = &r.error {
        say_line(format_args!("FAIL {name}: error: {e}"))?;
        return Ok(Checked::Failed);
    }
    let rules = r.rules.as_deref().unwrap_or("?");
    if r.passed {
        if all {
            say_line(format_args!(
                "ok {name}: {} stored values equal under {rules}{skipped}",
                r.compared
            ))?;
        }
        return Ok(Checked::Passed);
    }
    let shown = if all { r.mismatches.len() } else { 10 };
    say_line(format_args!(
        "FAIL {name}: {} of {} stored values differ under {rules}{skipped}",
        r.mismatches.len(),
        r.compared
    ))?;
    for m in r.mismatches.iter().take(shown) {
        say_line(format_args!(
            "     {}{}: computed {}, chain stored {}",
            m.field,
            m.uid.map(|u| format!(" uid {u}")).unwrap_or_default(),
            m.got,
            m.expected
        ))?;
    }
    if r.mismatches.len() > shown {
        say_line(format_args!(
            "     … and {} more (--all shows every one)",
            r.mismatches.len().saturating_sub(shown)
        ))?;
    }
    Ok(Checked::Failed)
}
