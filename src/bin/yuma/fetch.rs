use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::input::Fail;
use crate::output::{clear, StreamedFile};
use yuma::chain::rpc::{RpcClient, RpcOptions};
use yuma::chain::{fetch_epoch, ChainError, FetchOptions, Target};

/// RFC 3339 UTC of a system time (no time zone database needed).
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

fn chain_fail(e: &ChainError) -> Fail {
    Fail(e.to_string(), e.exit_code())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn cmd_fetch(
    rpc: &str,
    netuid: u16,
    block: Option<u64>,
    latest: bool,
    out: Option<&Path>,
    timeout: u64,
    retries: u32,
    assume: Option<u32>,
) -> Result<(), Fail> {
    let target = match (block, latest) {
        (Some(b), false) => Target::Block(b),
        (None, true) => Target::Latest,
        _ => {
            return Err(Fail(
                String::from("give the epoch block with --block B, or --epoch latest"),
                2,
            ))
        }
    };
    let opts = RpcOptions {
        timeout: Duration::from_secs(timeout.max(1)),
        retries,
        ..RpcOptions::default()
    };
    let mut client = RpcClient::new(rpc, opts).map_err(|e| chain_fail(&e))?;
    let tty = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let fetch_opts = FetchOptions {
        assume_spec: assume,
        source: rpc.to_string(),
        fetched_at: rfc3339(SystemTime::now()),
    };
    // Progress on stderr: one line per stage (rewritten in place on a terminal).
    let snapshot = {
        let mut progress = |p: yuma::chain::Progress| {
            let line = format!("[{}/{}] {}", p.step, p.steps, p.stage);
            if tty {
                eprint!("\r\x1b[2K{line}");
            } else {
                eprintln!("{line}");
            }
        };
        fetch_epoch(&mut client, netuid, target, &fetch_opts, &mut progress)
    };
    clear(tty);
    let snapshot = snapshot.map_err(|e| chain_fail(&e))?;
    let text = snapshot.to_json().map_err(|e| chain_fail(&e))?;
    match out {
        Some(path) => {
            let mut f = StreamedFile::create(path)?;
            if let Err(e) = f.write(&text) {
                f.abandon();
                return Err(e);
            }
            f.finish()?;
        }
        None => crate::output::say(&text)?,
    }
    let m = &snapshot.meta;
    let stats = client.stats;
    eprintln!(
        "fetched subnet {} at epoch block {} (runtime {}, rules {}; n = {}, {} mechanism{}) in {:.1} s: \
         {} round trips, {} calls{}",
        m.netuid,
        m.block,
        m.spec_version,
        m.rules,
        snapshot.input.n(),
        m.mechanisms,
        if m.mechanisms == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64(),
        stats.round_trips,
        stats.calls,
        if stats.retries > 0 {
            format!(", {} retries", stats.retries)
        } else {
            String::new()
        }
    );
    eprintln!(
        "rao_emission {}: {}",
        m.rao_emission.value, m.rao_emission.method
    );
    if !m.masked_uids.is_empty() {
        let uids: Vec<String> = m.masked_uids.iter().map(|u| u.uid.to_string()).collect();
        eprintln!(
            "not compared (re-registered after the epoch): uid {}",
            uids.join(", ")
        );
    }
    for w in &m.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(path) = out {
        eprintln!(
            "wrote {}; check it with `yuma verify {}`",
            path.display(),
            path.display()
        );
    }
    Ok(())
}
