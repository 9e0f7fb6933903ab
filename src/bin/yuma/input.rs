use std::io::Read;
use std::path::{Path, PathBuf};

use yuma::json::{self, Document};

/// A failure that ends the command: message for stderr, and the exit code.
pub(crate) struct Fail(pub(crate) String, pub(crate) u8);

pub(crate) fn bad_input(msg: impl std::fmt::Display) -> Fail {
    Fail(msg.to_string(), 2)
}

pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, Fail> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| bad_input(format!("stdin: {e}")))?;
        Ok(buf)
    } else if path.is_dir() {
        Err(bad_input(format!(
            "{}: is a directory; give one file (`yuma verify` and `yuma bench` take directories)",
            path.display()
        )))
    } else {
        std::fs::read(path).map_err(|e| match e.kind() {
            // The same words as `verify` and `bench` use for a path that does not exist.
            std::io::ErrorKind::NotFound => {
                bad_input(format!("{}: no such file or directory", path.display()))
            }
            _ => bad_input(format!("{}: {e}", path.display())),
        })
    }
}

pub(crate) fn shown(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "stdin".into()
    } else {
        path.display().to_string()
    }
}

pub(crate) fn load(path: &Path) -> Result<Document, Fail> {
    let bytes = read_bytes(path)?;
    json::parse_document(&bytes).map_err(|e| not_a_scenario(path, &bytes, e))
}

/// The parse error for a document, unless it is a scenario file: then the commands that take one.
pub(crate) fn not_a_scenario(path: &Path, bytes: &[u8], e: impl std::fmt::Display) -> Fail {
    if yuma::scenario::parse_scenario(bytes).is_ok() {
        bad_input(format!(
            "{}: this is a scenario (`initial` + `epochs`); run it with `yuma simulate` or \
             `yuma explain --uid U [--epoch K]`",
            shown(path)
        ))
    } else {
        bad_input(format!("{}: {e}", shown(path)))
    }
}

/// The `.json` files under `dir` and its subdirectories, sorted by path.
pub(crate) fn json_files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Fail> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| bad_input(format!("{}: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            json_files_under(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    Ok(())
}

/// The files named and the `.json` files under the directories named, each with whether it was
/// found in a directory (rather than named).
pub(crate) fn collect_files(
    paths: &[PathBuf],
    command: &str,
) -> Result<Vec<(PathBuf, bool)>, Fail> {
    let mut files = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            return Err(bad_input(format!(
                "{command} reads files and directories, not stdin (`-`)"
            )));
        }
        if p.is_dir() {
            let mut found = Vec::new();
            json_files_under(p, &mut found)?;
            if found.is_empty() {
                return Err(bad_input(format!(
                    "{}: no .json files in this directory or below it",
                    p.display()
                )));
            }
            files.extend(found.into_iter().map(|f| (f, true)));
        } else if p.exists() {
            files.push((p.clone(), false));
        } else {
            return Err(bad_input(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
    }
    Ok(files)
}
