//! `yuma sweep`: a scenario run once per point of a grid of hyperparameters, the points in
//! parallel; a summary comparing the points on stdout, a tidy CSV and an HTML report.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crate::input::{bad_input, shown, Fail};
use crate::output::{clear, say_line, StreamedFile};
use crate::simulate::{load_scenario, same_target};
use crate::sweep_html;
use yuma::sweep::{Grid, SweepProgress, SweepReport, Totals};

/// What `yuma sweep` was asked to do.
pub(crate) struct SweepArgs<'a> {
    pub(crate) scenario: &'a Path,
    pub(crate) grid: &'a str,
    pub(crate) jobs: Option<usize>,
    pub(crate) csv: Option<&'a Path>,
    pub(crate) html: Option<&'a Path>,
    pub(crate) assume: Option<u32>,
}

pub(crate) fn cmd_sweep(args: &SweepArgs<'_>) -> Result<(), Fail> {
    if let (Some(c), Some(h)) = (args.csv, args.html) {
        if c == h || same_target(c, h) {
            return Err(bad_input(format!(
                "--csv and --html both name {}; give them different paths",
                c.display()
            )));
        }
    }
    let grid = Grid::parse(args.grid).map_err(bad_input)?;
    let scenario = load_scenario(args.scenario)?;
    let file = shown(args.scenario);
    for (field, epochs) in grid.scenario_overrides(&scenario) {
        let list: Vec<String> = epochs.iter().map(usize::to_string).collect();
        let when = if epochs.first() == Some(&0) {
            "so the grid's values never take effect (epoch 0's patch replaces them)".to_string()
        } else {
            format!(
                "so from epoch {} on every point runs the scenario's {field}",
                list.first().map_or("?", String::as_str)
            )
        };
        eprintln!(
            "yuma: note: {file}: the patch of epoch{} {} sets `{field}` itself, {when}",
            if epochs.len() == 1 { "" } else { "s" },
            list.join(", "),
        );
    }
    let jobs = args.jobs.unwrap_or_else(yuma::sweep::default_jobs);
    let mut csv_w = args.csv.map(StreamedFile::create).transpose()?;
    let mut html_w = match args.html.map(StreamedFile::create).transpose() {
        Ok(w) => w,
        Err(e) => {
            csv_w.into_iter().for_each(StreamedFile::abandon);
            return Err(e);
        }
    };
    let abandon = |csv_w: Option<StreamedFile>, html_w: Option<StreamedFile>| {
        csv_w
            .into_iter()
            .chain(html_w)
            .for_each(StreamedFile::abandon);
    };

    let tty = std::io::stderr().is_terminal();
    let started = Instant::now();
    // Milliseconds since `started` of the last bar drawn (+1, so 0 means never).
    let drawn = AtomicU64::new(0);
    let bar = |p: SweepProgress| {
        if !tty {
            return;
        }
        let now = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = drawn.load(Ordering::Relaxed);
        let finished = p.points_done == p.points;
        if !finished && last != 0 && now < last.saturating_add(100) {
            return;
        }
        if drawn
            .compare_exchange(
                last,
                now.saturating_add(1),
                Ordering::Relaxed,
                Ordering::Relaxed,
            )
            .is_err()
        {
            return;
        }
        let width = 30usize;
        let filled = p
            .points_done
            .saturating_mul(width)
            .checked_div(p.points)
            .unwrap_or(width);
        let secs = started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            p.epochs_done as f64 / secs
        } else {
            0.0
        };
        eprint!(
            "\r\x1b[2K[{}{}] {}/{} points, {} epochs/s",
            "#".repeat(filled),
            "-".repeat(width.saturating_sub(filled)),
            p.points_done,
            p.points,
            grouped(rate.round() as u128)
        );
    };
    let ran = yuma::sweep::run_sweep_assuming(&scenario, &grid, jobs, args.assume, bar);
    let elapsed = started.elapsed();
    clear(tty);
    let report = match ran {
        Ok(r) => r,
        Err(e) => {
            abandon(csv_w, html_w);
            return Err(bad_input(e));
        }
    };
    let failures: Vec<_> = report.failures().collect();
    if let Some((p, e)) = failures.first() {
        let more = match failures.len() {
            1 => String::new(),
            k => format!(" (and {} more points failed)", k.saturating_sub(1)),
        };
        abandon(csv_w, html_w);
        return Err(bad_input(format!(
            "{file}: point {} of {} ({}): {e}{more}",
            p.index,
            report.points.len(),
            p.label()
        )));
    }

    let written = (|| -> Result<(), Fail> {
        if let Some(w) = csv_w.as_mut() {
            w.write(&report.csv_header())?;
            let mut chunk = String::new();
            for i in 0..report.points.len() {
                chunk.clear();
                report.push_csv_rows(&mut chunk, i);
                w.write(&chunk)?;
            }
        }
        if let Some(w) = html_w.as_mut() {
            w.write(&sweep_html::page(&file, args.grid, &report))?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        abandon(csv_w, html_w);
        return Err(e);
    }
    for w in csv_w.into_iter().chain(html_w) {
        w.finish()?;
    }

    print_summary(&file, &report)?;

    let epochs = report.points.len().saturating_mul(report.epochs);
    let secs = elapsed.as_secs_f64();
    eprintln!(
        "{} points × {} epochs = {} epochs in {:.1} ms on {jobs} thread{}: {} epochs/s{}{}",
        report.points.len(),
        report.epochs,
        grouped(epochs as u128),
        secs * 1e3,
        if jobs == 1 { "" } else { "s" },
        grouped(if secs > 0.0 {
            (epochs as f64 / secs).round() as u128
        } else {
            0
        }),
        args.csv
            .map_or_else(String::new, |p| format!(", CSV: {}", p.display())),
        args.html
            .map_or_else(String::new, |p| format!(", HTML: {}", p.display()))
    );
    Ok(())
}

/// `1234567` → `1,234,567`.
pub(crate) fn grouped(x: u128) -> String {
    let digits = x.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A sum of u16 fractions of 65535 as a decimal with four places, rounded half up (integers):
/// `131070` → `2.0000`.
pub(crate) fn fraction_sum4(x: u64) -> String {
    let scaled = (u128::from(x) * 20_000 + 65_535) / 131_070;
    format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
}

/// The uid with the largest value (the lowest uid among equals), if any.
pub(crate) fn top<T: Ord + Copy>(v: &[T]) -> Option<(usize, T)> {
    v.iter()
        .copied()
        .enumerate()
        .max_by_key(|&(i, x)| (x, std::cmp::Reverse(i)))
}

/// Rows of cells as text columns, two spaces apart: the columns in `left` left-aligned, the others
/// right-aligned.
fn table(rows: &[Vec<String>], left: &[usize]) -> Vec<String> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (s, &w))| {
                    if left.contains(&c) {
                        format!("{s:<w$}")
                    } else {
                        format!("{s:>w$}")
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

fn print_summary(file: &str, report: &SweepReport) -> Result<(), Fail> {
    let fields: Vec<&str> = report.grid.axes().iter().map(|a| a.field()).collect();
    say_line(format_args!(
        "sweep of {file}: {} point{} ({}), {} epoch{} each",
        report.points.len(),
        if report.points.len() == 1 { "" } else { "s" },
        fields.join(" × "),
        report.epochs,
        if report.epochs == 1 { "" } else { "s" },
    ))?;
    let totals: Vec<Totals> = report.totals();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(report.points.len() + 1);
    let mut head = vec!["point".to_string()];
    head.extend(fields.iter().map(|f| f.to_string()));
    head.extend(
        [
            "miners_rao",
            "validators_rao",
            "top incentive Σ (uid)",
            "top dividends Σ (uid)",
        ]
        .map(String::from),
    );
    rows.push(head);
    let shown_top = |v: &[u64]| {
        top(v).map_or_else(
            || "-".to_string(),
            |(uid, x)| format!("{} ({uid})", fraction_sum4(x)),
        )
    };
    for (p, t) in report.points.iter().zip(&totals) {
        let mut row = vec![p.index.to_string()];
        row.extend(p.values.iter().map(|(_, v)| v.clone()));
        row.push(grouped(t.server_total()));
        row.push(grouped(t.validator_total()));
        row.push(shown_top(&t.incentive));
        row.push(shown_top(&t.dividends));
        rows.push(row);
    }
    for line in table(&rows, &[]) {
        say_line(line)?;
    }
    say_line(format_args!(
        "Σ: sums over the {} epochs; incentive and dividends as u16 fractions of 65535, shown as decimals",
        report.epochs
    ))?;

    let spreads: Vec<_> = report
        .uid_spreads()
        .into_iter()
        .filter(|s| s.range() > 0)
        .collect();
    say_line("")?;
    if spreads.is_empty() {
        say_line("what differs between points: nothing — every point pays every uid the same total emission")?;
        return Ok(());
    }
    let total_paid: u128 = totals.first().map_or(0, |t| {
        t.emission.iter().fold(0u128, |a, &x| a.saturating_add(x))
    });
    say_line("what differs most between points (each uid's total emission over all epochs, rao):")?;
    let mut rows = vec![["uid", "lowest (point)", "highest (point)", "range"]
        .map(String::from)
        .to_vec()];
    for s in spreads.iter().take(8) {
        rows.push(vec![
            s.uid.to_string(),
            format!("{} ({})", grouped(s.low), s.low_point),
            format!("{} ({})", grouped(s.high), s.high_point),
            grouped(s.range()),
        ]);
    }
    for line in table(&rows, &[]) {
        say_line(format_args!("  {line}"))?;
    }
    if spreads.len() > 8 {
        say_line(format_args!(
            "  ({} more uids differ less)",
            spreads.len() - 8
        ))?;
    }
    say_line("by parameter (the largest change of one uid's total between points that differ in it alone):")?;
    let mut rows = Vec::new();
    for e in report.axis_effects() {
        let share = if total_paid > 0 {
            format!("{:.2}%", e.moved as f64 * 100.0 / total_paid as f64)
        } else {
            "-".to_string()
        };
        let at = e.uid.map_or_else(String::new, |uid| {
            format!(
                "uid {uid}: lower at point {}, higher at point {}",
                e.low_point, e.high_point
            )
        });
        rows.push(vec![
            e.field.to_string(),
            format!("{} rao", grouped(e.moved)),
            share,
            at,
        ]);
    }
    for line in table(&rows, &[0, 3]) {
        say_line(format_args!("  {line}"))?;
    }
    if total_paid > 0 {
        say_line(format_args!(
            "  (shares of the {} rao point 0 pays over all epochs)",
            grouped(total_paid)
        ))?;
    }
    Ok(())
}
