//! Steady state allocates nothing: after a warm-up, `epoch_into` with a reused `Workspace` and
//! output performs zero heap allocations (counted by a global allocator wrapper), and so does
//! `epoch_with_mechanisms_into` with a reused workspace and output.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static LAST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            LAST.store(layout.size(), Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations during one call of `run` after two warm-up calls (the buffers it reuses grown).
fn allocations_after_warmup<E: std::fmt::Debug>(mut run: impl FnMut() -> Result<(), E>) -> usize {
    run().unwrap();
    run().unwrap();
    ALLOCS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let r = run();
    COUNTING.store(false, Ordering::SeqCst);
    r.unwrap();
    ALLOCS.load(Ordering::SeqCst)
}

fn allocations_in_steady_state(input: &yuma::EpochInput) -> usize {
    let mut ws = yuma::Workspace::new();
    let mut out = yuma::EpochOutput::default();
    allocations_after_warmup(|| yuma::epoch_into(input, &mut ws, &mut out))
}

/// The `input` of a public vector file.
fn vector_input<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::from_value(v["input"].clone()).unwrap()
}

#[test]
fn steady_state_epochs_do_not_allocate() {
    use yuma::synth::{subnet, SynthParams};
    // One test function: the counter is global, so the shapes run one after another.
    for (yuma3, liquid_alpha, penalty) in [
        (false, false, 65535),
        (true, false, 65535),
        (true, true, 65535),
        (false, false, 30000),
        (true, true, 0),
    ] {
        let mut input = subnet(&SynthParams {
            n: 512,
            validators: 32,
            weights_per_row: 128,
            yuma3,
            liquid_alpha,
            seed: 7,
        });
        input.bonds_penalty = penalty;
        let n = allocations_in_steady_state(&input);
        assert_eq!(n, 0, "last size {} yuma3={yuma3} liquid_alpha={liquid_alpha} penalty={penalty}: {n} allocations", LAST.load(Ordering::SeqCst));
    }
    // Yuma 2 with a full row of stored bonds per validator (the dense-row bonds path).
    let mut input = subnet(&SynthParams {
        n: 256,
        validators: 32,
        weights_per_row: 256,
        yuma3: false,
        liquid_alpha: false,
        seed: 7,
    });
    for (i, row) in input.bonds.iter_mut().enumerate().take(32) {
        *row = (0..256u16)
            .map(|j| (j, j.wrapping_mul(257) ^ i as u16))
            .collect();
    }
    let n = allocations_in_steady_state(&input);
    assert_eq!(n, 0, "full bond rows: {n} allocations");
    // And on real vector shapes (unsorted rows, out-of-range uids, commit-reveal, mechanisms' inputs).
    for name in [
        "edge-unsorted-weights-y3-0.json",
        "edge-bonds-uid-ge-n-unsorted-y3-1.json",
        "edge-commit-reveal-boundaries-y2-0.json",
        "realistic-005-v109.json",
    ] {
        let input: yuma::EpochInput = vector_input(name);
        assert_eq!(allocations_in_steady_state(&input), 0, "{name}");
    }
    // Mechanisms through `epoch_with_mechanisms_into`: one workspace for all, no input copied.
    for name in ["mech-001-m4-n16.json", "mech-002-m2-n128.json"] {
        let input: yuma::MechanismsInput = vector_input(name);
        let mut ws = yuma::Workspace::new();
        let mut out = yuma::MechanismsOutput::default();
        let n = allocations_after_warmup(|| {
            yuma::mechanisms::epoch_with_mechanisms_into(&input, &mut ws, &mut out)
        });
        assert_eq!(
            n,
            0,
            "{name}: {n} allocations, last size {}",
            LAST.load(Ordering::SeqCst)
        );
        assert_eq!(
            out,
            yuma::mechanisms::epoch_with_mechanisms_reference(&input).unwrap()
        );
    }
}
