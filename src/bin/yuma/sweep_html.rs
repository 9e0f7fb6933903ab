//! `yuma sweep --html`: one self-contained page (inline CSS and SVG; no script, no font, no
//! image or link to fetch) comparing the points of a sweep.

use std::fmt::Write;

use crate::sweep::{fraction_sum4, grouped, top};
use yuma::sweep::{SweepReport, Totals};

/// Colours of the uids drawn (the largest total emissions over the sweep), then "other uids".
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#17becf",
];
const OTHER: &str = "#c8c8c8";
/// At most this many points get a bar in the totals chart and a pair of charts over epochs.
const MAX_CHARTED: usize = 200;
const MAX_SMALL_MULTIPLES: usize = 60;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The uids drawn, each with its colour: the largest total emissions summed over every point.
fn drawn_uids(totals: &[Totals]) -> Vec<(usize, &'static str)> {
    let uids = totals.iter().map(|t| t.emission.len()).max().unwrap_or(0);
    let mut sums: Vec<(usize, u128)> = (0..uids)
        .map(|u| {
            let s = totals
                .iter()
                .filter_map(|t| t.emission.get(u))
                .fold(0u128, |a, &x| a.saturating_add(x));
            (u, s)
        })
        .collect();
    sums.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    sums.into_iter()
        .filter(|&(_, s)| s > 0)
        .take(PALETTE.len())
        .zip(PALETTE)
        .map(|((u, _), c)| (u, c))
        .collect()
}

fn legend(uids: &[(usize, &str)], other: bool) -> String {
    let mut s = String::from("<p class=\"legend\">");
    for (u, c) in uids {
        let _ = write!(s, "<span><i style=\"background:{c}\"></i>uid {u}</span>");
    }
    if other {
        let _ = write!(
            s,
            "<span><i style=\"background:{OTHER}\"></i>other uids</span>"
        );
    }
    s.push_str("</p>");
    s
}

/// A line chart of u16 fractions (0 to 1) over epochs, one line per series.
fn line_chart(title: &str, epochs: usize, series: &[(&str, String, Vec<u16>)]) -> String {
    let (w, h) = (460.0_f64, 190.0_f64);
    let (l, r, t, b) = (38.0, 10.0, 22.0, 26.0);
    let pw = w - l - r;
    let ph = h - t - b;
    let x = |k: usize| {
        if epochs <= 1 {
            l + pw / 2.0
        } else {
            l + pw * k as f64 / (epochs - 1) as f64
        }
    };
    let y = |v: u16| t + ph * (1.0 - f64::from(v) / 65535.0);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(title)
    );
    let _ = write!(
        s,
        "<text x=\"{l}\" y=\"14\" class=\"title\">{}</text>",
        esc(title)
    );
    for (frac, label) in [(0u16, "0"), (32768, "0.5"), (65535, "1")] {
        let yy = y(frac);
        let _ = write!(
            s,
            "<line x1=\"{l}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" class=\"grid\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{label}</text>",
            l + pw,
            l - 4.0,
            yy + 3.5
        );
    }
    let mut ticks = vec![0, epochs.saturating_sub(1) / 2, epochs.saturating_sub(1)];
    ticks.dedup();
    for k in ticks.into_iter().take(epochs) {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"middle\">{k}</text>",
            x(k),
            h - b + 14.0
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">epoch</text>",
        l + pw,
        h - 2.0
    );
    for (color, name, values) in series {
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(k, &v)| format!("{:.1},{:.1}", x(k), y(v)))
            .collect();
        let _ = write!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"><title>{}</title></polyline>",
            pts.join(" "),
            esc(name)
        );
        if values.len() == 1 {
            if let Some(&v) = values.first() {
                let _ = write!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{color}\"/>",
                    x(0),
                    y(v)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// Horizontal stacked bars: one per point, a segment per drawn uid and one for the others.
fn totals_chart(report: &SweepReport, totals: &[Totals], uids: &[(usize, &str)]) -> String {
    let rows = report.points.len().min(MAX_CHARTED);
    let label_w = 60.0_f64;
    let (w, bar_h, gap, top_pad) = (900.0_f64, 14.0_f64, 4.0_f64, 8.0_f64);
    let h = top_pad * 2.0 + rows as f64 * (bar_h + gap) + 18.0;
    let max: u128 = totals
        .iter()
        .take(rows)
        .map(|t| t.emission.iter().fold(0u128, |a, &x| a.saturating_add(x)))
        .max()
        .unwrap_or(0);
    let pw = w - label_w - 20.0;
    let scale = |x: u128| {
        if max == 0 {
            0.0
        } else {
            pw * x as f64 / max as f64
        }
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {w} {h:.0}\" width=\"{w}\" height=\"{h:.0}\" role=\"img\" \
         aria-label=\"total emission per point\">"
    );
    for (i, (p, t)) in report.points.iter().zip(totals).take(rows).enumerate() {
        let yy = top_pad + i as f64 * (bar_h + gap);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">point {}</text>",
            label_w - 6.0,
            yy + bar_h - 3.0,
            p.index
        );
        let mut xx = label_w;
        let mut drawn: u128 = 0;
        let label = esc(&p.label());
        for (u, c) in uids {
            let v = t.emission.get(*u).copied().unwrap_or(0);
            drawn = drawn.saturating_add(v);
            let ww = scale(v);
            if ww > 0.0 {
                let _ = write!(
                    s,
                    "<rect x=\"{xx:.2}\" y=\"{yy:.1}\" width=\"{ww:.2}\" height=\"{bar_h}\" fill=\"{c}\">\
                     <title>point {} ({label}): uid {u} {} rao</title></rect>",
                    p.index,
                    grouped(v)
                );
            }
            xx += ww;
        }
        let all = t.emission.iter().fold(0u128, |a, &x| a.saturating_add(x));
        let rest = all.saturating_sub(drawn);
        let ww = scale(rest);
        if ww > 0.0 {
            let _ = write!(
                s,
                "<rect x=\"{xx:.2}\" y=\"{yy:.1}\" width=\"{ww:.2}\" height=\"{bar_h}\" fill=\"{OTHER}\">\
                 <title>point {} ({label}): other uids {} rao</title></rect>",
                p.index,
                grouped(rest)
            );
        }
    }
    let base = top_pad + rows as f64 * (bar_h + gap) + 12.0;
    let _ = write!(
        s,
        "<text x=\"{label_w}\" y=\"{base:.1}\" class=\"tick\">0</text>\
         <text x=\"{:.1}\" y=\"{base:.1}\" class=\"tick\" text-anchor=\"end\">{} rao</text>",
        label_w + pw,
        grouped(max)
    );
    s.push_str("</svg>");
    s
}

/// The page.
pub(crate) fn page(file: &str, spec: &str, report: &SweepReport) -> String {
    let totals = report.totals();
    let uids = drawn_uids(&totals);
    let any_other = totals.iter().any(|t| {
        t.emission
            .iter()
            .enumerate()
            .any(|(u, &x)| x > 0 && !uids.iter().any(|(d, _)| *d == u))
    });
    let fields: Vec<&str> = report.grid.axes().iter().map(|a| a.field()).collect();
    let mut s = String::new();
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>yuma sweep: {}</title><style>{CSS}</style></head><body>\n",
        esc(file)
    );
    let _ = write!(
        s,
        "<h1>Sweep of <code>{}</code></h1>\n<p>{} point{} ({}) × {} epoch{} each; grid \
         <code>{}</code>. Each point is the scenario with the point's values in its \
         <code>initial</code> state, run as <code>yuma simulate</code> runs it (an epoch whose \
         patch sets a grid field itself overrides it from there on). yuma {}.</p>\n",
        esc(file),
        report.points.len(),
        if report.points.len() == 1 { "" } else { "s" },
        esc(&fields.join(" × ")),
        report.epochs,
        if report.epochs == 1 { "" } else { "s" },
        esc(spec),
        esc(yuma::VERSION),
    );

    // The points.
    s.push_str("<h2>Points</h2>\n<table><thead><tr><th>point</th>");
    for f in &fields {
        let _ = write!(s, "<th>{}</th>", esc(f));
    }
    s.push_str(
        "<th>miners (rao)</th><th>validators (rao)</th><th>top incentive Σ (uid)</th>\
         <th>top dividends Σ (uid)</th></tr></thead><tbody>\n",
    );
    let shown_top = |v: &[u64]| {
        top(v).map_or_else(
            || "-".to_string(),
            |(uid, x)| format!("{} ({uid})", fraction_sum4(x)),
        )
    };
    for (p, t) in report.points.iter().zip(&totals) {
        let _ = write!(s, "<tr><td class=\"n\">{}</td>", p.index);
        for (_, v) in &p.values {
            let _ = write!(s, "<td>{}</td>", esc(v));
        }
        let _ = writeln!(
            s,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            grouped(t.server_total()),
            grouped(t.validator_total()),
            shown_top(&t.incentive),
            shown_top(&t.dividends)
        );
    }
    let _ = writeln!(
        s,
        "</tbody></table><p class=\"note\">Σ: sums over the {} epochs of u16 fractions of 65535, \
         shown as decimals.</p>",
        report.epochs
    );

    // Totals per point.
    s.push_str("<h2>Total emission per point</h2>\n");
    s.push_str(&legend(&uids, any_other));
    s.push_str(&totals_chart(report, &totals, &uids));
    if report.points.len() > MAX_CHARTED {
        let _ = write!(
            s,
            "<p class=\"note\">The first {MAX_CHARTED} of {} points are drawn; the CSV has them all.</p>",
            report.points.len()
        );
    }

    // What differs.
    s.push_str("\n<h2>What differs most between points</h2>\n");
    let spreads: Vec<_> = report
        .uid_spreads()
        .into_iter()
        .filter(|x| x.range() > 0)
        .collect();
    if spreads.is_empty() {
        s.push_str("<p>Nothing: every point pays every uid the same total emission.</p>\n");
    } else {
        s.push_str(
            "<table><thead><tr><th>uid</th><th>lowest total (rao)</th><th>at point</th>\
             <th>highest total (rao)</th><th>at point</th><th>range (rao)</th></tr></thead><tbody>\n",
        );
        for x in spreads.iter().take(12) {
            let _ = writeln!(
                s,
                "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                x.uid,
                grouped(x.low),
                x.low_point,
                grouped(x.high),
                x.high_point,
                grouped(x.range())
            );
        }
        s.push_str("</tbody></table>\n<table><thead><tr><th>parameter</th><th>largest change of one uid's total between points differing in it alone (rao)</th><th>uid</th><th>points (lower → higher)</th></tr></thead><tbody>\n");
        for e in report.axis_effects() {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(e.field),
                grouped(e.moved),
                e.uid.map_or_else(|| "-".to_string(), |u| u.to_string()),
                e.uid.map_or_else(String::new, |_| format!(
                    "{} → {}",
                    e.low_point, e.high_point
                ))
            );
        }
        s.push_str("</tbody></table>\n");
    }

    // Per point over epochs.
    s.push_str("<h2>Incentive and dividends over epochs</h2>\n");
    s.push_str(&legend(&uids, false));
    let _ = writeln!(
        s,
        "<p class=\"note\">Per point, the incentive and the dividends of the uids drawn (those \
         with the largest total emission over the sweep), as fractions of 1.{}</p><div class=\"grid\">",
        if report.points.len() > MAX_SMALL_MULTIPLES {
            format!(
                " The first {MAX_SMALL_MULTIPLES} of {} points are drawn.",
                report.points.len()
            )
        } else {
            String::new()
        }
    );
    for p in report.points.iter().take(MAX_SMALL_MULTIPLES) {
        let series =
            |pick: fn(&yuma::sweep::EpochRecord) -> &Vec<u16>| -> Vec<(&str, String, Vec<u16>)> {
                uids.iter()
                    .filter_map(|&(u, c)| {
                        let v: Vec<u16> = p
                            .epochs
                            .iter()
                            .map(|e| pick(e).get(u).copied().unwrap_or(0))
                            .collect();
                        v.iter().any(|&x| x > 0).then(|| (c, format!("uid {u}"), v))
                    })
                    .collect()
            };
        let _ = writeln!(
            s,
            "<figure><figcaption>point {}: {}</figcaption>{}{}</figure>",
            p.index,
            esc(&p.label()),
            line_chart("incentive", report.epochs, &series(|e| &e.incentive)),
            line_chart("dividends", report.epochs, &series(|e| &e.dividends)),
        );
    }
    s.push_str("</div>\n</body></html>\n");
    s
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;\
max-width:1000px;padding:0 16px;color:#222}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}\
code{font-family:ui-monospace,monospace;font-size:.95em}table{border-collapse:collapse;margin:.5em 0;\
font-size:.9em}th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}td.n{text-align:right;\
font-variant-numeric:tabular-nums}th{background:#f4f4f4}.note{color:#666;font-size:.85em}\
.legend span{margin-right:14px;font-size:.85em;white-space:nowrap}.legend i{display:inline-block;\
width:11px;height:11px;margin-right:4px;vertical-align:-1px}div.grid{display:flex;flex-wrap:wrap;\
gap:8px}figure{margin:0 0 10px;border:1px solid #eee;padding:6px;display:flex;flex-wrap:wrap;gap:6px}\
figcaption{font-size:.85em;font-weight:600;width:100%}svg{display:block;max-width:100%;height:auto}svg .title{font-size:12px;font-weight:600}\
svg .tick{font-size:10px;fill:#555}svg line.grid{stroke:#e4e4e4}";
