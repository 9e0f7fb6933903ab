//! An `arbitrary`-generated `EpochInput` → the fast pipeline (`yuma::epoch_with_trace`) must equal
//! the upstream-shaped reference (`yuma::reference::epoch_with_trace`) bit for bit — the whole
//! `Result`: output, trace, or the very same error.
//!
//! When the epoch succeeds the output's invariants must hold: every per-uid vector and the bond
//! rows have `n` entries; server + validator emission (summed in u128) never exceed
//! `rao_emission`; a second `yuma::epoch` gives the same output; `yuma::epoch_into` run twice on a
//! reused `Workspace` gives the same output, and so does a workspace dirtied by an earlier epoch
//! on a different input (that may even have failed half-way).
//!
//! The generator covers what the chain can store and more: n up to 300, any hyperparameters,
//! unsorted rows with duplicate and out-of-range uids, full rows (each uid once, in order, as busy
//! subnets store bonds), short or long `last_update` and
//! `validator_permit`, stakes up to `u64::MAX`, and now and then per-uid vectors of the wrong
//! length (those must be the same typed error in both implementations).
#![no_main]

use libfuzzer_sys::fuzz_target;
use yuma::{EpochOutput, Workspace};
use yuma_fuzz::{check_invariants, Raw};

fuzz_target!(|raw: Raw| {
    let input = raw.build(raw.n.get());

    let fast = yuma::epoch_with_trace(&input);
    let slow = yuma::reference::epoch_with_trace(&input);
    assert_eq!(fast, slow, "main and reference differ");

    let Ok((out, _)) = fast else { return };
    check_invariants(&input, &out);

    let again = yuma::epoch(&input).expect("second run failed");
    assert_eq!(again, out, "not deterministic");

    let mut ws = Workspace::new();
    let mut reused = EpochOutput::default();
    yuma::epoch_into(&input, &mut ws, &mut reused).expect("epoch_into failed");
    yuma::epoch_into(&input, &mut ws, &mut reused).expect("epoch_into (reused) failed");
    assert_eq!(reused, out, "workspace reuse changed the result");

    if let Some((n2, flip)) = raw.warm_up {
        let mut other = raw.build(n2.get());
        if flip {
            other.yuma3_enabled = !other.yuma3_enabled;
            other.liquid_alpha_enabled = !other.liquid_alpha_enabled;
        }
        let mut ws = Workspace::new();
        let mut dirty = EpochOutput::default();
        let _ = yuma::epoch_into(&other, &mut ws, &mut dirty);
        yuma::epoch_into(&input, &mut ws, &mut dirty).expect("epoch_into (dirty) failed");
        assert_eq!(
            dirty, out,
            "a workspace used on another input changed the result"
        );
    }
});
