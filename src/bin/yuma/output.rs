use crate::input::{shown, Fail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Notes on stderr when `weights` or `bonds` hold fewer than `n` rows: the missing rows read as
/// empty (a uid with nothing stored), which is exact for the chain but may mean a truncated
/// snapshot.
pub(crate) fn note_short_rows(path: &Path, input: &yuma::EpochInput) {
    let n = usize::from(input.n);
    for (field, rows) in [
        ("weights", input.weights.len()),
        ("bonds", input.bonds.len()),
    ] {
        if rows < n {
            eprintln!(
                "yuma: note: {}: `{field}` has {rows} rows for n = {n}; {} no stored {field}",
                shown(path),
                if rows.saturating_add(1) == n {
                    format!("uid {rows} reads as having")
                } else {
                    format!("uids {rows} to {} read as having", n.saturating_sub(1))
                }
            );
        }
    }
}

/// Notes on stderr when an epoch pays out more than its `rao_emission`: an input whose values
/// overflow the chain's arithmetic (a total stake at or above 2⁶³ wraps the chain's I64F64 stake
/// sum), computed exactly as the chain computes it.
pub(crate) fn note_overpaid(path: &Path, what: &str, rao_emission: u64, out: &yuma::EpochOutput) {
    let paid = out.total_paid();
    if paid > u128::from(rao_emission) {
        eprintln!(
            "yuma: note: {}: {what}pays {paid} rao in all, more than its rao_emission of \
             {rao_emission}: the input overflows the chain's arithmetic (a total stake at or above \
             2^63 wraps its I64F64 stake sum), and the chain would pay exactly this",
            shown(path)
        );
    }
}

pub(crate) fn stdout_failed(e: std::io::Error) -> Fail {
    Fail(format!("stdout: {e}"), 2)
}

/// Writes `text` to stdout and flushes: a closed pipe or a full disk is a one-line error (exit 2),
/// never a panic.
pub(crate) fn say(text: impl std::fmt::Display) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    write!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(stdout_failed)
}

/// [`say`] with a newline.
pub(crate) fn say_line(text: impl std::fmt::Display) -> Result<(), Fail> {
    say(format_args!("{text}\n"))
}

pub(crate) fn print_json<T: serde::Serialize + ?Sized>(v: &T, pretty: bool) -> Result<(), Fail> {
    let text = if pretty {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    }
    .map_err(|e| Fail(e.to_string(), 2))?;
    say_line(text)
}

/// A u16 fraction of 65535 shown with four decimals, rounded half up (integer math only):
/// `32767` → `0.5000`.
pub(crate) fn fraction4(x: u16) -> String {
    let scaled = (u32::from(x) * 20_000 + 65_535) / 131_070;
    format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
}

pub(crate) fn clear(progress: bool) {
    if progress {
        eprint!("\r\x1b[2K");
    }
}

/// An output file written piece by piece: into a temporary sibling that replaces `path` only once
/// everything is written (so a run that fails leaves `path` as it was), or straight into `path`
/// (created or truncated, as `std::fs::write` would) when that is not a regular file: a symlink,
/// `/dev/stdout`, a pipe.
pub(crate) struct StreamedFile {
    path: PathBuf,
    tmp: Option<PathBuf>,
    w: std::io::BufWriter<std::fs::File>,
}

impl StreamedFile {
    pub(crate) fn create(path: &Path) -> Result<Self, Fail> {
        let fail = |at: &Path, e: std::io::Error| Fail(format!("{}: {e}", at.display()), 2);
        let special = std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file());
        let tmp = (!special).then(|| {
            let name = path.file_name().map_or_else(
                || std::ffi::OsString::from("out"),
                std::ffi::OsStr::to_os_string,
            );
            let mut t = std::ffi::OsString::from(".");
            t.push(name);
            t.push(format!(".yuma-{}.tmp", std::process::id()));
            path.with_file_name(t)
        });
        let file =
            std::fs::File::create(tmp.as_deref().unwrap_or(path)).map_err(|e| fail(path, e))?;
        Ok(StreamedFile {
            path: path.to_path_buf(),
            tmp,
            w: std::io::BufWriter::new(file),
        })
    }

    /// A failure to write this file, named by its path.
    pub(crate) fn fail(&self, e: impl std::fmt::Display) -> Fail {
        Fail(format!("{}: {e}", self.path.display()), 2)
    }

    pub(crate) fn write(&mut self, text: &str) -> Result<(), Fail> {
        self.w.write_all(text.as_bytes()).map_err(|e| self.fail(e))
    }

    /// `v` as compact JSON, serialized straight into the file.
    pub(crate) fn write_json<T: serde::Serialize>(&mut self, v: &T) -> Result<(), Fail> {
        serde_json::to_writer(&mut self.w, v).map_err(|e| self.fail(e))
    }

    pub(crate) fn finish(mut self) -> Result<(), Fail> {
        self.w.flush().map_err(|e| self.fail(e))?;
        if let Some(t) = &self.tmp {
            std::fs::rename(t, &self.path).map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    pub(crate) fn abandon(self) {
        if let Some(t) = &self.tmp {
            let _ = std::fs::remove_file(t);
        }
    }
}
