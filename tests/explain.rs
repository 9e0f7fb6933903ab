//! `yuma explain` adds up: on every vector, for uids of every kind (validator, miner, inactive,
//! without a permit, the owner), the printed terms reach the printed sums, the printed sums and
//! normalizers give the printed shares, and the shares give the printed u16 values and rao —
//! within the printed precision (nine decimals; half a unit per printed figure).

use std::path::{Path, PathBuf};

use yuma::json::{Document, VectorInput};

fn vectors() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors"),
        &mut out,
    );
    out
}

// Printed figures are read exactly, as integers of 10⁻⁹ ("nano"): no float rounding in the
// check (values run up to 2³¹ in the wrapped-stake vectors).
const NANO: i128 = 1_000_000_000;

/// A printed number (`12`, `0.471208703`, `-3.5`) in nano.
fn nano(tok: &str) -> Option<i128> {
    let (neg, t) = match tok.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, tok),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 9
    {
        return None;
    }
    let mut v: i128 = int.parse().ok()?;
    v = v.checked_mul(NANO)?;
    let mut f: i128 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..9 {
        f *= 10;
    }
    v += f;
    Some(if neg { -v } else { v })
}

/// The numbers of a line, in order, in nano.
fn numbers(line: &str) -> Vec<i128> {
    line.split_whitespace()
        .filter_map(|t| nano(t.trim_end_matches([',', ';', ')', ':'])))
        .collect()
}

fn within(a: i128, b: i128, tol: i128, what: &str, text: &str) {
    assert!(
        (a - b).abs() <= tol,
        "{what}: {a} vs {b} nano (tolerance {tol})\n{text}"
    );
}

/// `a × b = t` with a, b, t each printed to nine decimals (rounded), t the chain's floor of the
/// exact product: |â·b̂ − t̂| ≤ (â + b̂)/2 + 1/4 + 1/2 + 2⁻³² in nano.
fn product(a: i128, b: i128, t: i128, line: &str) {
    let p = a * b / NANO;
    let tol = (a.abs() + b.abs()) / (2 * NANO) + 2;
    within(p, t, tol, "term = a × b", line);
}

/// `share = x / total` (the chain's floor of the quotient), each printed rounded.
fn ratio(x: i128, total: i128, share: i128, line: &str) {
    if total <= 1 {
        return;
    }
    let lo = ((x - 1).max(0) * NANO) / (total + 1) - 2;
    let hi = ((x + 1) * NANO) / (total - 1) + 2;
    assert!(
        share >= lo && share <= hi,
        "share {share} of {x} / {total} not in [{lo}, {hi}] nano: {line}"
    );
}

/// `share × rao_emission = paid` rao, floored.
fn rao(share: i128, rao_emission: i128, paid: i128, line: &str) {
    let r = rao_emission / NANO; // the printed rao amount, an integer
    let p = paid / NANO;
    let got = share * r / NANO;
    let tol = r / NANO + 2;
    assert!(
        (got - p).abs() <= tol,
        "{share} nano × {r} = {got} vs {p} rao: {line}"
    );
}

/// Checks one printed account; returns which kinds of figures it checked.
fn check(text: &str) -> Kinds {
    let mut k = Kinds::default();
    let lines: Vec<&str> = text.lines().collect();
    // Term blocks: "    uid J  A × B = T" lines (and "the other K terms sum to X"), then "Σ terms".
    let mut terms: Vec<i128> = Vec::new();
    for line in &lines {
        let t = line.trim_start();
        if line.starts_with("    uid ") {
            let nums = numbers(t);
            let (a, b, term) = (nums[1], nums[2], *nums.last().unwrap());
            product(a, b, term, line);
            terms.push(term);
        } else if let Some(rest) = t.strip_prefix("the other ") {
            let x = nano(
                rest.split(" sum to ")
                    .nth(1)
                    .unwrap()
                    .split_whitespace()
                    .next()
                    .unwrap(),
            )
            .unwrap();
            terms.push(x);
        } else if let Some(rest) = t.strip_prefix("Σ terms") {
            let total = *numbers(rest).last().unwrap();
            let sum: i128 = terms.iter().sum();
            // Each printed term is rounded by at most half a nano.
            within(
                sum,
                total,
                terms.len() as i128 / 2 + 1,
                "Σ printed terms = printed Σ",
                text,
            );
            terms.clear();
            k.sums += 1;
        } else if t.starts_with("× active stake") {
            let n = numbers(t);
            product(n[0], n[1], n[2], line);
        } else if t.starts_with("incentive ") && t.contains(" / Σ every uid's rank ") {
            let n = numbers(t);
            ratio(n[0], n[1], n[2], line);
            k.shares += 1;
        } else if t.starts_with("dividends ") && t.contains(" / Σ over the ") {
            let n = numbers(t);
            // raw, count of validators, total, share
            ratio(n[0], n[2], n[3], line);
            k.shares += 1;
        } else if t.starts_with("server emission  incentive")
            || t.starts_with("validator emission  dividends")
            || t.starts_with("emission         (incentive + dividends)")
        {
            let n = numbers(t);
            // x, sum, share, rao, paid
            if n[1] > 0 {
                ratio(n[0], n[1], n[2], line);
            }
            rao(n[2], n[3], n[4], line);
            k.rao += 1;
        }
        if t.starts_with("server ") && t.contains(" rao + validator ") {
            // Null: the two apportioned amounts make the emission.
            let n = numbers(t);
            assert_eq!(n[0] + n[1], n[2], "{line}");
            k.rao += 1;
        }
        if t.starts_with("as stored ") || t.contains("; as stored ") {
            let after = t.rsplit("as stored ").next().unwrap();
            let n = numbers(after);
            // X / 65535 = F, F to five decimals.
            let x = n[0] / NANO;
            let f5 = n[2] / 10_000; // F in units of 10⁻⁵
            let exact = x * 100_000 * 2;
            assert!(
                (exact - f5 * 65_535 * 2).abs() <= 65_535,
                "u16 fraction: {line}"
            );
            k.u16s += 1;
        }
    }
    // u16 conversions of the shares: ⌊share × 65535⌋ within the share's printed rounding.
    for pair in lines.windows(2) {
        let (a, b) = (pair[0].trim_start(), pair[1].trim_start());
        if (a.starts_with("dividends ") || a.starts_with("incentive "))
            && b.starts_with("as stored ")
        {
            let share = *numbers(a.split('[').next().unwrap()).last().unwrap();
            let stored = numbers(b)[0] / NANO;
            let lo = ((share - 1) * 65_535).div_euclid(NANO);
            let hi = ((share + 1) * 65_535).div_euclid(NANO);
            assert!(
                stored >= lo.clamp(0, 65_535) && stored <= hi.clamp(0, 65_535),
                "u16 of {share}: {stored} not in [{lo}, {hi}]\n{a}\n{b}"
            );
        }
    }
    assert!(!text.contains("warning: this account disagrees"), "{text}");
    k
}

#[derive(Default, Debug)]
struct Kinds {
    sums: usize,
    shares: usize,
    rao: usize,
    u16s: usize,
}

#[test]
fn explanations_add_up_on_every_vector() {
    let mut kinds = [0usize; 5]; // validator, miner, inactive, no permit, owner
    let mut accounts = 0;
    let mut figures = Kinds::default();
    for p in vectors() {
        let doc = yuma::json::parse_document(&std::fs::read(&p).unwrap()).unwrap();
        let inputs: Vec<yuma::EpochInput> = match doc.into_input() {
            VectorInput::Epoch(i) => vec![i],
            VectorInput::Mechanisms(m) => {
                let Ok(out) = yuma::epoch_with_mechanisms(&m) else {
                    continue;
                };
                (0..m.mechanisms.len())
                    .filter_map(|k| yuma::mechanisms::mechanism_as_run(&m, &out, k))
                    .collect()
            }
        };
        for input in inputs {
            let Ok(out) = yuma::epoch(&input) else {
                continue;
            };
            let n = input.n as usize;
            // Every uid of small subnets; of large ones the first of each kind and a spread.
            let mut uids: Vec<usize> = if n <= 16 {
                (0..n).collect()
            } else {
                (0..n).step_by(n / 8).collect()
            };
            let first = |f: &dyn Fn(usize) -> bool| (0..n).find(|&u| f(u));
            let picks = [
                first(&|u| out.new_validator_permit[u] && out.dividends[u] > 0),
                first(&|u| out.incentive[u] > 0),
                first(&|u| !out.active[u]),
                first(&|u| {
                    !out.new_validator_permit[u]
                        && !input.validator_permit.get(u).copied().unwrap_or(false)
                }),
                input.owner_uid.map(usize::from).filter(|&u| u < n),
            ];
            for (kind, pick) in picks.iter().enumerate() {
                if let Some(u) = pick {
                    kinds[kind] += 1;
                    uids.push(*u);
                }
            }
            uids.sort();
            uids.dedup();
            for u in uids {
                for all in [false, true] {
                    let e = yuma::explain::explanation(&input, u as u16, None).unwrap();
                    assert!(
                        e.discrepancies.is_empty(),
                        "{}: uid {u}: {:?}",
                        p.display(),
                        e.discrepancies
                    );
                    let text = e.text(&yuma::explain::Options { all, top: 10 });
                    let got = std::panic::catch_unwind(|| check(&text));
                    let k = got.unwrap_or_else(|_| panic!("{} uid {u} (all = {all})", p.display()));
                    figures.sums += k.sums;
                    figures.shares += k.shares;
                    figures.rao += k.rao;
                    figures.u16s += k.u16s;
                    accounts += 1;
                }
            }
        }
    }
    eprintln!("{accounts} accounts checked; kinds (validator, miner, inactive, no permit, owner) {kinds:?}; figures {figures:?}");
    assert!(kinds.iter().all(|&k| k > 20), "{kinds:?}");
    assert!(accounts > 5000);
}

#[test]
fn the_validator_account_reproduces_the_subnet_256_example() {
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/subnet-256.json")).unwrap();
    let Document::Epoch(input) = yuma::json::parse_document(&bytes).unwrap() else {
        panic!()
    };
    let e = yuma::explain::explanation(&input, 4, None).unwrap();
    let v = e.validator.as_ref().unwrap();
    assert_eq!(v.terms.len(), 32);
    let text = e.text(&Default::default());
    assert!(text.contains("the other 22 terms sum to"), "{text}");
    assert!(text.contains(&format!(
        "as stored        {}",
        yuma::explain::u16_fraction(v.dividends_u16)
    )));
    let all = e.text(&yuma::explain::Options { all: true, top: 10 });
    assert_eq!(
        all.lines().filter(|l| l.starts_with("    uid ")).count(),
        32
    );
    check(&text);
    check(&all);
}
