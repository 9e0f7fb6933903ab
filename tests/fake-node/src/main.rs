//! `fake-node VECTOR.json [--netuid N] [--port P] [--spec S]`: serves one golden vector laid out
//! as the chain stores it, on 127.0.0.1 (HTTP and WebSocket), until killed. Prints
//! `listening on http://127.0.0.1:PORT netuid N block B` once ready.

use std::process::ExitCode;

use yuma_fake_node::{layout, serve, LayoutOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let mut opts = LayoutOptions::default();
    let mut port = 0u16;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |what: &str| -> Option<u64> {
            let v = it.next().and_then(|v| v.parse().ok());
            if v.is_none() {
                eprintln!("fake-node: {what} needs a number");
            }
            v
        };
        match a.as_str() {
            "--netuid" => match num("--netuid").and_then(|v| u16::try_from(v).ok()) {
                Some(v) => opts.netuid = v,
                None => return ExitCode::from(2),
            },
            "--port" => match num("--port").and_then(|v| u16::try_from(v).ok()) {
                Some(v) => port = v,
                None => return ExitCode::from(2),
            },
            "--spec" => match num("--spec").and_then(|v| u32::try_from(v).ok()) {
                Some(v) => opts.spec = Some(v),
                None => return ExitCode::from(2),
            },
            p => path = Some(p.to_string()),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: fake-node VECTOR.json [--netuid N] [--port P] [--spec S]");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("fake-node: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let vector = match yuma::json::parse_document(&bytes) {
        Ok(yuma::json::Document::Vector(v)) => v,
        Ok(_) => {
            eprintln!("fake-node: {path}: not a vector file (it needs `expected`)");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("fake-node: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let chain = match layout(&vector, &opts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fake-node: {path}: not a state the chain can hold: {e}");
            return ExitCode::from(2);
        }
    };
    let block = chain.epoch_block;
    let server = match serve(chain, port) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fake-node: cannot listen: {e}");
            return ExitCode::from(3);
        }
    };
    println!(
        "listening on {} netuid {} block {block}",
        server.http(),
        opts.netuid
    );
    loop {
        std::thread::park();
    }
}
