//! Bad inputs through the `yuma` binary: every one must exit with code 2, print exactly one
//! non-empty line on stderr naming the problem (and nothing on stdout), and finish promptly.
//!
//! Each case is fed both on stdin (`yuma epoch -`) and as a file. A child that has not finished
//! after `LIMIT` is killed and the test fails; timings are printed, not asserted.
//! Also: more weight/bond entries than `Limits::DEFAULT` are rejected, a valid n = 65535 input
//! succeeds, and `yuma verify` exits 2 on a missing path and 1 on a tampered vector. Then the
//! CLI's other failure paths: a full stdout, directories without vectors, scenario files given
//! to `epoch`/`verify`, conflicting or zero options, and the wording of number and pair errors.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_yuma");
/// A child still running after this is killed and the case fails (the target is ~2 s at most).
const LIMIT: Duration = Duration::from_secs(10);

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    elapsed: Duration,
}

/// Runs `yuma args…` with `stdin` (or no stdin), killing it after `limit`.
fn run_with_limit(args: &[&str], stdin: Option<&[u8]>, limit: Duration) -> Run {
    let start = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn yuma");
    let writer = stdin.map(|bytes| {
        let bytes = bytes.to_vec();
        let mut pipe = child.stdin.take().expect("stdin pipe");
        // The child may exit before reading everything: a broken pipe is fine.
        thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let mut out_pipe = child.stdout.take().expect("stdout pipe");
    let mut err_pipe = child.stderr.take().expect("stderr pipe");
    let out_reader = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out_pipe.read_to_end(&mut v);
        v
    });
    let err_reader = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err_pipe.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for yuma") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`yuma {}` did not finish within {limit:?}; killed",
                args.join(" ")
            );
        }
        thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    if let Some(w) = writer {
        let _ = w.join();
    }
    Run {
        code: status.code(),
        stdout: out_reader.join().expect("stdout reader"),
        stderr: String::from_utf8_lossy(&err_reader.join().expect("stderr reader")).into_owned(),
        elapsed,
    }
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_with_limit(args, stdin, LIMIT)
}

/// A fresh directory under cargo's per-test scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli_bad_input-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn base() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/epoch-small.json");
    serde_json::from_slice(&std::fs::read(path).expect("read data/epoch-small.json"))
        .expect("data/epoch-small.json is JSON")
}

fn base_bytes() -> Vec<u8> {
    serde_json::to_vec(&base()).expect("serialize")
}

fn with(f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
    let mut v = base();
    f(v.as_object_mut().expect("object"));
    serde_json::to_vec(&v).expect("serialize")
}

fn set(key: &str, value: Value) -> Vec<u8> {
    with(|m| {
        m.insert(key.into(), value);
    })
}

fn remove(key: &str) -> Vec<u8> {
    with(|m| {
        m.remove(key);
    })
}

/// The base input with `key` set to raw JSON text (numbers `serde_json::Value` cannot hold).
fn set_raw(key: &str, raw: &str) -> Vec<u8> {
    let text = String::from_utf8(set(key, json!("__RAW__"))).expect("utf8");
    text.replacen("\"__RAW__\"", raw, 1).into_bytes()
}

/// A per-uid array of the base input resized to `len` (repeating its first entry).
fn resized(key: &str, len: usize) -> Vec<u8> {
    with(|m| {
        let arr = m[key].as_array().expect("array").clone();
        let first = arr.first().cloned().unwrap_or(Value::Null);
        m.insert(key.into(), Value::Array(vec![first; len]));
    })
}

fn prepend_member(doc: &[u8], member: &str) -> Vec<u8> {
    let text = String::from_utf8(doc.to_vec()).expect("utf8");
    let rest = text.strip_prefix('{').expect("object");
    format!("{{{member},{rest}").into_bytes()
}

fn vector_file(input: Value) -> Value {
    json!({ "name": "t", "category": "tiny", "input": input })
}

fn zero_n_input() -> Value {
    let mut v = base();
    let m = v.as_object_mut().expect("object");
    m.insert("n".into(), json!(0));
    for key in [
        "last_update",
        "block_at_registration",
        "alpha_stake",
        "tao_stake",
        "validator_permit",
        "weights",
        "bonds",
        "commit_blocks",
    ] {
        m.insert(key.into(), json!([]));
    }
    v
}

/// `(name, bytes, a word the message must contain)`.
fn cases() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let valid = base_bytes();
    let n = base()["n"].as_u64().expect("n") as usize;
    let mut nested = vec![b'['; 100_000];
    nested.extend(vec![b']'; 100_000]);
    let mut nested_field = b"{\"n\":".to_vec();
    nested_field.extend(vec![b'['; 100_000]);
    let mut nested_vector = b"{\"input\":".to_vec();
    nested_vector.extend(vec![b'['; 100_000]);
    nested_vector.extend(vec![b']'; 100_000]);
    nested_vector.push(b'}');
    let mut nested_objects = Vec::new();
    for _ in 0..100_000 {
        nested_objects.extend_from_slice(b"{\"a\":");
    }
    let mut bad_utf8 = valid.clone();
    let at = bad_utf8.len() / 2;
    bad_utf8.splice(at..at, [0xff, 0xfe]);
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend_from_slice(&valid);
    let mut trailing = valid.clone();
    trailing.extend_from_slice(b" {}");

    vec![
        // Wrong types.
        ("n as string", set("n", json!("8")), "n"),
        ("weights as object", set("weights", json!({})), "weights"),
        ("permit as integers", set("validator_permit", json!([1, 0, 1, 0, 0, 1, 0, 1])), "validator_permit"),
        ("owner_uid as string", set("owner_uid", json!("x")), "owner_uid"),
        ("yuma3_enabled as string", set("yuma3_enabled", json!("true")), "yuma3_enabled"),
        ("commit_blocks as bools", set("commit_blocks", json!(vec![true; 8])), "commit_blocks"),
        ("weight pair of three", set("weights", json!([[[1, 2, 3]], [], [], [], [], [], [], []])), "weights"),
        ("weight pair of one", set("weights", json!([[[1]], [], [], [], [], [], [], []])), "weights"),
        ("weight row of numbers", set("weights", json!([[1, 2], [], [], [], [], [], [], []])), "weights"),
        ("document is an array", b"[]".to_vec(), "object"),
        ("document is a number", b"42".to_vec(), "object"),
        ("document is null", b"null".to_vec(), "object"),
        ("document is a string", b"\"epoch\"".to_vec(), "object"),
        // Missing and unknown fields.
        ("missing n", remove("n"), "n"),
        ("missing weights", remove("weights"), "weights"),
        ("missing rao_emission", remove("rao_emission"), "rao_emission"),
        ("empty object", b"{}".to_vec(), "missing field"),
        ("unknown field", set("extra", json!(1)), "extra"),
        // Per-uid arrays the chain cannot produce (≠ n entries).
        ("alpha_stake short", resized("alpha_stake", n - 1), "alpha_stake"),
        ("alpha_stake long", resized("alpha_stake", n + 1), "alpha_stake"),
        ("tao_stake short", resized("tao_stake", n - 1), "tao_stake"),
        ("tao_stake empty", resized("tao_stake", 0), "tao_stake"),
        ("block_at_registration long", resized("block_at_registration", n + 3), "block_at_registration"),
        ("block_at_registration empty", resized("block_at_registration", 0), "block_at_registration"),
        ("commit_blocks short", resized("commit_blocks", n - 1), "commit_blocks"),
        ("commit_blocks long", resized("commit_blocks", n + 1), "commit_blocks"),
        // Integer overflow.
        ("n = 70000", set("n", json!(70_000)), "n"),
        ("n = 65536", set("n", json!(65_536)), "n"),
        ("kappa = -1", set("kappa", json!(-1)), "kappa"),
        ("kappa = 65536", set("kappa", json!(65_536)), "kappa"),
        ("steepness = 40000", set("alpha_sigmoid_steepness", json!(40_000)), "alpha_sigmoid_steepness"),
        ("steepness = -40000", set("alpha_sigmoid_steepness", json!(-40_000)), "alpha_sigmoid_steepness"),
        ("rao_emission = 2^64", set_raw("rao_emission", "18446744073709551616"), "rao_emission"),
        ("current_block = 10^30", set_raw("current_block", "1000000000000000000000000000000"), "current_block"),
        ("tempo = 65536", set("tempo", json!(65_536)), "tempo"),
        ("max_allowed_validators = 65536", set("max_allowed_validators", json!(65_536)), "max_allowed_validators"),
        ("weight value 65536", set("weights", json!([[[3, 65_536]], [], [], [], [], [], [], []])), "weights"),
        ("weight uid -1", set("weights", json!([[[-1, 5]], [], [], [], [], [], [], []])), "weights"),
        ("alpha_stake entry 2^64", set_raw("alpha_stake", "[18446744073709551616,0,0,0,0,0,0,0]"), "alpha_stake"),
        // Floats and negative numbers where unsigned integers are expected.
        ("kappa = 1.5", set("kappa", json!(1.5)), "kappa"),
        ("current_block = 1.0", set_raw("current_block", "1.0"), "current_block"),
        ("rao_emission = 1e3", set_raw("rao_emission", "1e3"), "rao_emission"),
        ("alpha_stake float", set("alpha_stake", json!([1.5, 0, 0, 0, 0, 0, 0, 0])), "alpha_stake"),
        ("current_block = -1", set("current_block", json!(-1)), "current_block"),
        ("alpha_stake negative", set("alpha_stake", json!([-5, 0, 0, 0, 0, 0, 0, 0])), "alpha_stake"),
        ("tempo = -1", set("tempo", json!(-1)), "tempo"),
        ("last_update negative", set("last_update", json!([-1])), "last_update"),
        // Duplicate keys, at every level.
        ("duplicate n", prepend_member(&valid, "\"n\": 8"), "duplicate"),
        ("duplicate weights", prepend_member(&valid, "\"weights\": []"), "duplicate"),
        (
            "duplicate key in a vector file",
            prepend_member(&serde_json::to_vec(&vector_file(base())).expect("json"), "\"name\": \"u\""),
            "duplicate",
        ),
        (
            "duplicate key in a vector's input",
            {
                let input = String::from_utf8(prepend_member(&valid, "\"kappa\": 1")).expect("utf8");
                format!("{{\"name\":\"t\",\"input\":{input}}}").into_bytes()
            },
            "duplicate",
        ),
        (
            "duplicate key in a mechanism",
            {
                let input = String::from_utf8(prepend_member(&valid, "\"tempo\": 1")).expect("utf8");
                format!("{{\"rao_emission\":1,\"emission_split\":null,\"mechanisms\":[{input}]}}").into_bytes()
            },
            "duplicate",
        ),
        // Absurd nesting.
        ("100000 nested arrays", nested, "object"),
        ("100000 unclosed arrays in a field", nested_field, "EOF"),
        ("100000 nested arrays as a vector's input", nested_vector, "input"),
        ("100000 unclosed objects", nested_objects, "line"),
        // Encoding and framing.
        ("non-UTF-8 bytes", bad_utf8, "UTF-8"),
        ("only non-UTF-8 bytes", vec![0xff, 0xfe, 0x80], "UTF-8"),
        ("byte order mark", bom, "line 1"),
        ("truncated in half", valid[..valid.len() / 2].to_vec(), "EOF"),
        ("truncated by one byte", valid[..valid.len() - 1].to_vec(), "EOF"),
        ("trailing data", trailing, "trailing"),
        ("empty", Vec::new(), "EOF"),
        ("whitespace only", b" \n\t ".to_vec(), "EOF"),
        // Inputs that parse but that the epoch rejects.
        (
            "no mechanisms",
            serde_json::to_vec(&json!({"rao_emission": 1, "emission_split": null, "mechanisms": []})).expect("json"),
            "mechanisms",
        ),
        (
            "mechanisms with different n",
            serde_json::to_vec(&json!({"rao_emission": 1, "emission_split": null, "mechanisms": [base(), zero_n_input()]}))
                .expect("json"),
            "mechanisms",
        ),
        (
            "257 mechanisms",
            serde_json::to_vec(&json!({"rao_emission": 1, "emission_split": null, "mechanisms": vec![zero_n_input(); 257]}))
                .expect("json"),
            "mechanisms",
        ),
        (
            "vector file with a bad input",
            serde_json::to_vec(&vector_file(json!({"n": 1}))).expect("json"),
            "input",
        ),
        (
            "vector file with an unknown key",
            serde_json::to_vec(&json!({"input": base(), "extra": 1})).expect("json"),
            "extra",
        ),
    ]
}

/// The contract for a rejected input.
fn assert_rejected(label: &str, r: &Run, word: &str) {
    assert_eq!(
        r.code,
        Some(2),
        "{label}: exit code {:?}, stderr {:?}",
        r.code,
        r.stderr
    );
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(
        lines.len() == 1 && !lines[0].trim().is_empty(),
        "{label}: stderr must be exactly one non-empty line, got {:?}",
        r.stderr
    );
    assert!(
        r.stderr.contains(word),
        "{label}: stderr should name the problem ({word:?}): {:?}",
        r.stderr
    );
    assert!(
        r.stdout.is_empty(),
        "{label}: nothing may be printed on stdout, got {} bytes",
        r.stdout.len()
    );
}

#[test]
fn the_valid_base_input_is_accepted() {
    let r = run(&["epoch", "-"], Some(&base_bytes()));
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let out: Value = serde_json::from_slice(&r.stdout).expect("stdout is JSON");
    assert_eq!(out["incentive"].as_array().map(Vec::len), Some(8));
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let dir = scratch("table");
    let mut slowest = (Duration::ZERO, String::new());
    let mut failures = Vec::new();
    for (k, (name, bytes, word)) in cases().into_iter().enumerate() {
        let file = dir.join(format!("case-{k}.json"));
        std::fs::write(&file, &bytes).expect("write case");
        let by_stdin = run(&["epoch", "-"], Some(&bytes));
        let by_file = run(&["epoch", file.to_str().expect("utf8 path")], None);
        for (how, r) in [("stdin", &by_stdin), ("file", &by_file)] {
            let label = format!("{name} ({how})");
            if let Err(e) = std::panic::catch_unwind(|| assert_rejected(&label, r, word)) {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| label.clone());
                failures.push(msg);
            }
            if r.elapsed > slowest.0 {
                slowest = (r.elapsed, label.clone());
            }
        }
        eprintln!(
            "{name:>45}: {:>6.1} ms  {}",
            by_stdin.elapsed.as_secs_f64() * 1e3,
            by_stdin.stderr.trim_end()
        );
    }
    eprintln!("slowest: {} in {:?}", slowest.1, slowest.0);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_newline_inside_an_unknown_vector_key_stays_on_one_line() {
    // A JSON key may hold an escaped newline; the message quoting it must still be one line.
    let doc = serde_json::to_vec(&json!({"input": base(), "bad\nkey": 1})).expect("json");
    let r = run(&["epoch", "-"], Some(&doc));
    assert_rejected("unknown vector key with a newline", &r, "unknown key");
}

#[test]
fn a_newline_inside_an_unknown_input_field_stays_on_one_line() {
    let r = run(&["epoch", "-"], Some(&set("bad\nfield", json!(1))));
    assert_rejected("unknown input field with a newline", &r, "unknown field");
}

#[test]
fn a_100_mb_file_of_zeros_is_rejected_quickly() {
    let dir = scratch("zeros");
    for (name, byte, word) in [("digits", b'0', "line 1"), ("nul", 0u8, "line 1")] {
        let path = dir.join(format!("zeros-{name}.json"));
        std::fs::write(&path, vec![byte; 100 * 1024 * 1024]).expect("write 100 MB");
        let r = run(&["epoch", path.to_str().expect("utf8 path")], None);
        eprintln!(
            "100 MB of {name}: {:.0} ms, {}",
            r.elapsed.as_secs_f64() * 1e3,
            r.stderr.trim_end()
        );
        let _ = std::fs::remove_file(&path);
        assert_rejected(&format!("100 MB of {name} (file)"), &r, word);
    }
    // The same through stdin (NUL bytes).
    let r = run(&["epoch", "-"], Some(&vec![0u8; 100 * 1024 * 1024]));
    eprintln!(
        "100 MB of NUL on stdin: {:.0} ms, {}",
        r.elapsed.as_secs_f64() * 1e3,
        r.stderr.trim_end()
    );
    assert_rejected("100 MB of NUL (stdin)", &r, "line 1");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn more_weight_entries_than_the_limit_are_rejected() {
    // `Limits::DEFAULT` entries in one weight row plus the 13 bond entries (~200 MB of text).
    let limit = yuma::Limits::DEFAULT.max_entries;
    let text = String::from_utf8(set("weights", json!("__W__"))).expect("utf8");
    let mut row = String::with_capacity(limit.saturating_mul(6));
    row.push('[');
    for k in 0..limit {
        if k > 0 {
            row.push(',');
        }
        row.push_str("[1,1]");
    }
    row.push(']');
    let weights = format!("[{row},[],[],[],[],[],[],[]]");
    let text = text.replacen("\"__W__\"", &weights, 1);
    let text = text.replacen("\"bonds\":[[", "\"bonds\":[[[7,7],", 1);
    assert!(text.contains("[[7,7],"), "bond entry inserted");
    let dir = scratch("limit");
    let path = dir.join("too-many-entries.json");
    std::fs::write(&path, &text).expect("write");
    let r = run(&["epoch", path.to_str().expect("utf8 path")], None);
    eprintln!(
        "{} MB, {limit} + 13 entries: {:.0} ms, {}",
        text.len() >> 20,
        r.elapsed.as_secs_f64() * 1e3,
        r.stderr.trim_end()
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_rejected(
        "the limit + 13 weight and bond entries",
        &r,
        "exceeds the limit",
    );
}

#[test]
fn an_empty_file_is_rejected() {
    let dir = scratch("empty");
    let path = dir.join("empty.json");
    std::fs::write(&path, b"").expect("write");
    let r = run(&["epoch", path.to_str().expect("utf8 path")], None);
    assert_rejected("empty file", &r, "EOF");
    let r = run(&["epoch", "-"], None);
    assert_rejected("no stdin at all", &r, "EOF");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_file_is_rejected() {
    let r = run(&["epoch", "/nonexistent/yuma/input.json"], None);
    assert_rejected(
        "missing file",
        &r,
        "/nonexistent/yuma/input.json: no such file or directory",
    );
    let dir = scratch("dir");
    let r = run(&["epoch", dir.to_str().expect("utf8 path")], None);
    assert_rejected("a directory", &r, "cli_bad_input");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn n_65535_with_one_validator_succeeds() {
    const N: usize = 65_535;
    let mut v = base();
    let m = v.as_object_mut().expect("object");
    let mut permit = vec![false; N];
    permit[0] = true;
    let row0: Vec<Value> = (0..N).map(|j| json!([j, 65_535])).collect();
    let mut weights = vec![json!([]); N];
    weights[0] = Value::Array(row0);
    let mut alpha = vec![0u64; N];
    alpha[0] = 1_000_000_000_000;
    let current_block = m["current_block"].as_u64().expect("current_block");
    m.insert("n".into(), json!(N));
    m.insert("last_update".into(), json!(vec![current_block; N]));
    m.insert("block_at_registration".into(), json!(vec![0u64; N]));
    m.insert("alpha_stake".into(), json!(alpha));
    m.insert("tao_stake".into(), json!(vec![0u64; N]));
    m.insert("validator_permit".into(), json!(permit));
    m.insert("owner_uid".into(), Value::Null);
    m.insert("weights".into(), Value::Array(weights));
    m.insert("bonds".into(), json!(vec![Vec::<u8>::new(); N]));
    m.insert("commit_blocks".into(), json!(vec![Value::Null; N]));
    let dir = scratch("n65535");
    let path = dir.join("n65535.json");
    let bytes = serde_json::to_vec(&v).expect("json");
    std::fs::write(&path, &bytes).expect("write");

    let r = run_with_limit(
        &["epoch", path.to_str().expect("utf8 path")],
        None,
        Duration::from_secs(120),
    );
    eprintln!(
        "n = 65535 ({} KB input, {} KB output): yuma epoch took {:.0} ms",
        bytes.len() / 1024,
        r.stdout.len() / 1024,
        r.elapsed.as_secs_f64() * 1e3
    );
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let out: Value = serde_json::from_slice(&r.stdout).expect("stdout is JSON");
    for key in [
        "incentive",
        "consensus",
        "dividends",
        "emission",
        "bonds",
        "new_validator_permit",
    ] {
        assert_eq!(out[key].as_array().map(Vec::len), Some(N), "{key}");
    }
    assert_eq!(
        out["dividends"][0],
        json!(65_535),
        "the only validator takes all dividends"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_missing_path_exits_2() {
    let r = run(&["verify", "/nonexistent/yuma/vectors"], None);
    assert_rejected(
        "verify missing path",
        &r,
        "/nonexistent/yuma/vectors: no such file or directory",
    );
}

#[test]
fn verify_tampered_vector_exits_1() {
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/tiny-n2-cross-weights-y2.json");
    let text = std::fs::read(&src).expect("read vector");
    let dir = scratch("verify");
    let good = dir.join("good.json");
    std::fs::write(&good, &text).expect("write");
    let r = run(&["verify", good.to_str().expect("utf8 path")], None);
    assert_eq!(
        r.code,
        Some(0),
        "untampered copy must pass: {}",
        String::from_utf8_lossy(&r.stdout)
    );

    let mut v: Value = serde_json::from_slice(&text).expect("vector JSON");
    let e = &mut v["expected"]["server_emission"][1];
    *e = json!(e.as_u64().expect("u64") + 1);
    let bad = dir.join("tampered.json");
    std::fs::write(&bad, serde_json::to_vec(&v).expect("json")).expect("write");
    let r = run(&["verify", bad.to_str().expect("utf8 path")], None);
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert_eq!(
        r.code,
        Some(1),
        "tampered vector: stdout {stdout}, stderr {}",
        r.stderr
    );
    assert!(
        stdout.contains("FAIL") && stdout.contains("server_emission"),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 1 failed"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn example(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .to_str()
        .expect("utf8 path")
        .to_string()
}

/// Runs `yuma args…` with stdout on `/dev/full` (every write fails with ENOSPC).
#[cfg(target_os = "linux")]
fn run_to_full_stdout(args: &[&str]) -> (Option<i32>, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("open /dev/full");
    let out = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("run yuma");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn every_command_reports_a_full_stdout_without_panicking() {
    let small = example("data/epoch-small.json");
    let scenario = example("data/scenarios/stable-miner-y3.json");
    let vector = example("tests/vectors/tiny-n2-cross-weights-y2.json");
    let cases: [&[&str]; 7] = [
        &["epoch", &small],
        &["epoch", "--table", &small],
        &["verify", &vector],
        &["explain", &small, "--uid", "0"],
        &["bench", &small, "--reps", "1", "--reference-reps", "0"],
        &["simulate", &scenario],
        &[
            "synth",
            "--n",
            "8",
            "--validators",
            "2",
            "--weights-per-row",
            "2",
        ],
    ];
    for args in cases {
        let (code, stderr) = run_to_full_stdout(args);
        assert_eq!(code, Some(2), "yuma {}: stderr {stderr:?}", args.join(" "));
        assert!(
            stderr.contains("stdout:") && !stderr.contains("panicked"),
            "yuma {}: {stderr:?}",
            args.join(" ")
        );
    }
}

#[test]
fn verify_searches_directories_recursively_and_rejects_empty_ones() {
    let dir = scratch("verify-dirs");
    let nested = dir.join("a/b");
    std::fs::create_dir_all(&nested).expect("mkdir");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let r = run(&["verify", empty.to_str().expect("utf8")], None);
    assert_rejected(
        "verify on a directory without .json files",
        &r,
        "no .json files",
    );
    std::fs::copy(
        example("tests/vectors/tiny-n2-cross-weights-y2.json"),
        nested.join("v.json"),
    )
    .expect("copy vector");
    let r = run(&["verify", dir.to_str().expect("utf8")], None);
    assert_eq!(r.code, Some(0), "stderr {}", r.stderr);
    assert!(String::from_utf8_lossy(&r.stdout).contains("1 passed, 0 failed"));
    let r = run(&["verify", "-"], None);
    assert_rejected("verify on stdin", &r, "stdin");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_counts_unreadable_files_as_bad_input_and_checks_the_rest() {
    let dir = scratch("verify-unreadable");
    let empty = dir.join("empty.json");
    std::fs::write(&empty, b"").expect("write");
    let vector = example("tests/vectors/tiny-n2-cross-weights-y2.json");
    let r = run(&["verify", empty.to_str().expect("utf8"), &vector], None);
    assert_eq!(r.code, Some(2), "stderr {}", r.stderr);
    assert!(r.stderr.contains("empty.json"), "{}", r.stderr);
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        stdout.contains("1 passed, 0 failed, 1 not readable as vectors"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failing_vector_without_a_name_is_reported_by_its_path() {
    let src = example("tests/vectors/tiny-n2-cross-weights-y2.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(src).expect("read")).expect("json");
    v.as_object_mut().expect("object").remove("name");
    let e = &mut v["expected"]["server_emission"][1];
    *e = json!(e.as_u64().expect("u64") + 1);
    let dir = scratch("noname");
    let path = dir.join("unnamed.json");
    std::fs::write(&path, serde_json::to_vec(&v).expect("json")).expect("write");
    let r = run(&["verify", path.to_str().expect("utf8")], None);
    assert_eq!(r.code, Some(1));
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        stdout.contains("FAIL ") && stdout.contains("unnamed.json:"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_scenario_given_to_epoch_or_verify_points_to_simulate() {
    let scenario = example("data/scenarios/stable-miner-y3.json");
    let r = run(&["epoch", &scenario], None);
    assert_rejected("epoch on a scenario", &r, "yuma simulate");
    // `verify` still prints its summary on stdout.
    let r = run(&["verify", &scenario], None);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("yuma simulate"), "{}", r.stderr);
}

#[test]
fn conflicting_or_zero_options_are_rejected() {
    let dir = scratch("options");
    let same = dir.join("out");
    let same = same.to_str().expect("utf8");
    let scenario = example("data/scenarios/stable-miner-y3.json");
    let r = run(
        &["simulate", &scenario, "--json", same, "--csv", same],
        None,
    );
    assert_rejected("--json and --csv on one path", &r, "different paths");
    assert!(!Path::new(same).exists(), "nothing may be written");
    // The same file spelled two ways (`Path` equality would not see through `..`).
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    let dotted = dir.join("sub").join("..").join("out");
    let r = run(
        &[
            "simulate",
            &scenario,
            "--json",
            same,
            "--csv",
            dotted.to_str().expect("utf8"),
        ],
        None,
    );
    assert_rejected(
        "--json and --csv on one file, spelled twice",
        &r,
        "different paths",
    );
    assert!(!Path::new(same).exists(), "nothing may be written");
    let r = run(
        &["bench", &example("data/epoch-small.json"), "--reps", "0"],
        None,
    );
    assert_eq!(r.code, Some(2), "--reps 0: {}", r.stderr);
    let mech = example("tests/vectors/mech-001-m4-n16.json");
    let r = run(&["epoch", "--trace", &mech], None);
    assert_rejected("--trace on a mechanisms input", &r, "mechanisms input");
    let r = run(&["epoch", "--table", &mech], None);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let table = String::from_utf8_lossy(&r.stdout);
    assert!(
        table.contains("mechanism 0 (") && table.contains("mechanism 3 ("),
        "{table}"
    );
    // Then the per-uid aggregate, whose bonds column is `-` (the aggregate stores none).
    let aggregate = table
        .split("aggregate (")
        .nth(1)
        .expect("an aggregate table");
    assert_eq!(
        aggregate
            .lines()
            .filter(|l| l.trim_end().ends_with(" -"))
            .count(),
        16,
        "{aggregate}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn number_and_pair_errors_say_what_is_wrong() {
    let r = run(
        &["epoch", "-"],
        Some(&set_raw("current_block", "18446744073709551616")),
    );
    assert_rejected("u64 overflow", &r, "outside the range of u64");
    let r = run(&["epoch", "-"], Some(&set("weights", json!([[[1, 2, 3]]]))));
    assert_rejected("three-element weight entry", &r, "[uid, value] pair");
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend_from_slice(&base_bytes());
    let r = run(&["epoch", "-"], Some(&bom));
    assert_rejected("byte-order mark", &r, "byte-order mark");
}

#[test]
fn fewer_weight_rows_than_n_are_read_as_empty_with_a_note() {
    let short = with(|m| {
        let rows = m["weights"].as_array().expect("rows").clone();
        m.insert(
            "weights".into(),
            Value::Array(rows[..rows.len() - 1].to_vec()),
        );
    });
    let r = run(&["epoch", "-"], Some(&short));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("note:")
            && r.stderr.contains(
                "`weights` has 7 rows for n = 8; uid 7 reads as having no stored weights"
            ),
        "{}",
        r.stderr
    );
    let full = run(&["epoch", "-"], Some(&base_bytes()));
    assert_eq!(only_rules_line(&full.stderr), "", "{}", full.stderr);
}

/// `stderr` without the line saying which runtime rules ran (every epoch prints one).
fn only_rules_line(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !l.starts_with("yuma: runtime rules: spec 425 "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Stakes whose total wraps the chain's I64F64 sum make the chain pay more than
/// `rao_emission`; `epoch` reproduces that (exit 0, bit-exact) and says so on stderr.
#[test]
fn an_epoch_that_pays_more_than_its_emission_is_noted() {
    let small = std::fs::read(example("data/epoch-small.json")).expect("example");
    let r = run(&["epoch", "-"], Some(&small));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        only_rules_line(&r.stderr),
        "",
        "no note for a normal epoch: {}",
        r.stderr
    );
    // Three uids of u64::MAX stake each, no permits and no weights: every uid's stake weight
    // saturates to 1 after the sum wraps, and each is paid the whole emission.
    let mut input: serde_json::Value = serde_json::from_slice(&small).expect("json");
    let n = 3;
    input["n"] = n.into();
    for (field, value) in [
        ("alpha_stake", serde_json::json!(vec![u64::MAX; n])),
        ("tao_stake", serde_json::json!(vec![0; n])),
        (
            "last_update",
            serde_json::json!(vec![input["current_block"].clone(); n]),
        ),
        ("block_at_registration", serde_json::json!(vec![0; n])),
        ("validator_permit", serde_json::json!(vec![false; n])),
        (
            "commit_blocks",
            serde_json::json!(vec![serde_json::Value::Null; n]),
        ),
        ("weights", serde_json::json!(vec![Vec::<u16>::new(); n])),
        ("bonds", serde_json::json!(vec![Vec::<u16>::new(); n])),
    ] {
        input[field] = value;
    }
    input["owner_uid"] = serde_json::Value::Null;
    let r = run(
        &["epoch", "-"],
        Some(&serde_json::to_vec(&input).expect("json")),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("more than its rao_emission") && r.stderr.contains("2^63"),
        "{}",
        r.stderr
    );
}

/// `synth` refuses sizes whose entries the epoch would refuse, before allocating them (65535
/// validators × 65535 weights would be 8.6 G entries).
#[test]
fn synth_refuses_more_entries_than_an_epoch_takes() {
    let args = [
        "synth",
        "--n",
        "65535",
        "--validators",
        "65535",
        "--weights-per-row",
        "65535",
    ];
    let r = run(&args, None);
    assert_rejected("synth of 8.6 G entries", &r, "Limits::max_entries");
    assert!(r.stdout.is_empty());
    let r = run(
        &[
            "synth",
            "--n",
            "64",
            "--validators",
            "8",
            "--weights-per-row",
            "16",
        ],
        None,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// `simulate` on an epoch input, a mechanisms input or a vector file says what the file is and
/// which command runs it.
#[test]
fn simulate_names_what_a_non_scenario_file_is() {
    let small = std::fs::read(example("data/epoch-small.json")).expect("example");
    let r = run(&["simulate", "-"], Some(&small));
    assert_rejected(
        "epoch input to simulate",
        &r,
        "this is an EpochInput, not a scenario",
    );
    assert!(r.stderr.contains("yuma epoch"), "{}", r.stderr);
    let mech = format!(
        "{{\"rao_emission\":1,\"emission_split\":null,\"mechanisms\":[{}]}}",
        String::from_utf8_lossy(&small)
    );
    let r = run(&["simulate", "-"], Some(mech.as_bytes()));
    assert_rejected(
        "mechanisms input to simulate",
        &r,
        "this is a MechanismsInput",
    );
    let r = run(
        &[
            "simulate",
            &example("tests/vectors/tiny-n2-cross-weights-y2.json"),
        ],
        None,
    );
    assert_rejected("vector file to simulate", &r, "this is a vector file");
    assert!(r.stderr.contains("yuma verify"), "{}", r.stderr);
}

/// The frictions a new user met, each now a clear line.
#[test]
fn frictions_read_as_what_to_do() {
    let dir = scratch("frictions");
    // `epoch` on a directory says which commands take one.
    let r = run(&["epoch", dir.to_str().unwrap()], None);
    assert_rejected("epoch DIR", &r, "is a directory");
    assert!(
        r.stderr
            .contains("`yuma verify` and `yuma bench` take directories"),
        "{}",
        r.stderr
    );

    // A misspelled field suggests the one meant.
    let mut input: serde_json::Value =
        serde_json::from_slice(&std::fs::read(example("data/epoch-small.json")).unwrap()).unwrap();
    let kappa = input.as_object_mut().unwrap().remove("kappa").unwrap();
    input["kapa"] = kappa;
    let r = run(&["epoch", "-"], Some(input.to_string().as_bytes()));
    assert_rejected("kapa", &r, "unknown field `kapa` (did you mean `kappa`?)");

    // `verify` of an EpochInput says it has no expected results and what computes it.
    let r = run(&["verify", &example("data/epoch-small.json")], None);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("it is an EpochInput, with no expected results to compare: compute it with `yuma epoch`"), "{}", r.stderr);

    // A failing vector is named with its path.
    let mut v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(example("tests/vectors/tiny-n2-cross-weights-y2.json")).unwrap(),
    )
    .unwrap();
    v["expected"]["consensus"][0] = 5.into();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, v.to_string()).unwrap();
    let r = run(&["verify", bad.to_str().unwrap()], None);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        stdout.contains(&format!(
            "FAIL tiny-n2-cross-weights-y2 ({}): consensus uid 0",
            bad.display()
        )),
        "{stdout}"
    );

    // `explain` on a scenario without epochs does not mention an `--epoch` nobody gave.
    let small = std::fs::read_to_string(example("data/epoch-small.json")).unwrap();
    let empty = dir.join("empty-scenario.json");
    std::fs::write(&empty, format!("{{\"initial\": {small}, \"epochs\": []}}")).unwrap();
    let r = run(&["explain", empty.to_str().unwrap(), "--uid", "0"], None);
    assert_rejected(
        "explain of an empty scenario",
        &r,
        "the scenario has no epochs to explain",
    );
    assert!(!r.stderr.contains("--epoch"), "{}", r.stderr);

    // `synth` refuses what it would otherwise clamp.
    let r = run(&["synth", "--n", "8", "--validators", "20"], None);
    assert_rejected(
        "synth --validators > n",
        &r,
        "--validators 20 exceeds --n 8",
    );
    let r = run(
        &[
            "synth",
            "--n",
            "8",
            "--validators",
            "4",
            "--weights-per-row",
            "9",
        ],
        None,
    );
    assert_rejected(
        "synth --weights-per-row > n",
        &r,
        "--weights-per-row 9 exceeds --n 8",
    );
}
