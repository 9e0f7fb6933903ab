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

fn allocations_in_steady_state(input: &yuma::EpochInput) -> usize {
    let mut ws = yuma::Workspace::new();
    let mut out = yuma::EpochOutput::default();
    yuma::epoch_into(input, &mut ws, &mut out).unwrap();
    yuma::epoch_into(input, &mut ws, &mut out).unwrap();
    ALLOCS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let r = yuma::epoch_into(input, &mut ws, &mut out);
    COUNTING.store(false, Ordering::SeqCst);
    r.unwrap();
    ALLOCS.load(Ordering::SeqCst)
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
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for name in [
        "edge-unsorted-weights-y3-0.json",
        "edge-bonds-uid-ge-n-unsorted-y3-1.json",
        "edge-commit-reveal-boundaries-y2-0.json",
        "realistic-005-v109.json",
    ] {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
        let input: yuma::EpochInput = serde_json::from_value(v["input"].clone()).unwrap();
        assert_eq!(allocations_in_steady_state(&input), 0, "{name}");
    }
    // Mechanisms through `epoch_with_mechanisms_into`: one workspace for all, no input copied.
    for name in ["mech-001-m4-n16.json", "mech-002-m2-n128.json"] {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
        let input: yuma::MechanismsInput = serde_json::from_value(v["input"].clone()).unwrap();
        let mut ws = yuma::Workspace::new();
        let mut out = yuma::MechanismsOutput::default();
        let run = |ws: &mut yuma::Workspace, out: &mut yuma::MechanismsOutput| {
            yuma::mechanisms::epoch_with_mechanisms_into(&input, ws, out)
        };
        run(&mut ws, &mut out).unwrap();
        run(&mut ws, &mut out).unwrap();
        ALLOCS.store(0, Ordering::SeqCst);
        COUNTING.store(true, Ordering::SeqCst);
        let r = run(&mut ws, &mut out);
        COUNTING.store(false, Ordering::SeqCst);
        r.unwrap();
        let n = ALLOCS.load(Ordering::SeqCst);
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
