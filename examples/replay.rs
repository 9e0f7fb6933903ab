//! Replay a multi-epoch scenario through the library: one reused `Workspace`, the state the chain
//! carries between epochs (`simulate::transition_in_place`), and each epoch's patch applied
//! before it runs — what `yuma simulate` does, in twenty lines of your own code.
//!
//! ```sh
//! cargo run --example replay                                   # data/scenarios/kappa-moves-first-y3.json
//! cargo run --example replay -- data/scenarios/stable-miner-y2.json
//! ```
//!
//! Prints, per epoch, each validator's dividends and each miner's incentive (fractions of 65535).

use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/scenarios/kappa-moves-first-y3.json"
        )
        .into()
    });
    let scenario = yuma::scenario::parse_scenario(&std::fs::read(&path)?)?;

    let mut state = scenario.initial.clone();
    let mut ws = yuma::Workspace::new();
    let mut out = yuma::EpochOutput::default();
    println!(
        "{path}: {}",
        yuma::scenario::epochs_counted(scenario.epochs.len())
    );
    for (k, patch) in scenario.epochs.iter().enumerate() {
        if k > 0 {
            // Bonds, permits and the epoch block, as the chain stores them after an epoch.
            yuma::simulate::transition_in_place(&mut state, &out);
        }
        patch.apply(&mut state); // this epoch's extrinsics: new weights, stakes, parameters
        yuma::epoch_into(&state, &mut ws, &mut out)?; // no allocation once the buffers have grown
        let permits = &out.new_validator_permit;
        let dividends: Vec<u16> = (0..out.dividends.len())
            .filter(|&i| permits[i])
            .map(|i| out.dividends[i])
            .collect();
        let incentive: Vec<u16> = (0..out.incentive.len())
            .filter(|&i| !permits[i])
            .map(|i| out.incentive[i])
            .collect();
        println!(
            "epoch {k:2} block {:>6}: dividends {dividends:?}  incentive {incentive:?}",
            state.current_block
        );
    }
    Ok(())
}
