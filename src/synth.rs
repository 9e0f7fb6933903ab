//! Deterministic synthetic subnets shaped like busy chain subnets, for benchmarks and scaling
//! series: power-law validator stake, every validator row holding `weights_per_row` weights
//! (max-upscaled u16) and a full row of previous bonds on the same uids.
//!
//! ```
//! let input = yuma::synth::subnet(&yuma::synth::SynthParams { n: 64, validators: 8, weights_per_row: 16, ..Default::default() });
//! let stored: usize = input.weights.iter().map(|r| r.len()).sum();
//! assert!(stored <= 8 * 16 && stored >= 8 * 15); // a validator never weights itself
//! assert!(yuma::epoch(&input).is_ok());
//! ```

use alloc::vec;
use alloc::vec::Vec;

use crate::EpochInput;

/// Shape of a synthetic subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthParams {
    /// Subnet size.
    pub n: u16,
    /// Validators (uids `0..validators` hold permits and stake).
    pub validators: u16,
    /// Weights (and bonds) per validator row.
    pub weights_per_row: u16,
    /// Yuma 3 bonds.
    pub yuma3: bool,
    /// Liquid alpha (Yuma 3).
    pub liquid_alpha: bool,
    /// PRNG seed.
    pub seed: u64,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            n: 256,
            validators: 64,
            weights_per_row: 256,
            yuma3: false,
            liquid_alpha: false,
            seed: 1,
        }
    }
}

impl SynthParams {
    /// At most how many weight and bond entries [`subnet`] stores: `2 · validators ·
    /// weights_per_row` (each clamped to `n`; a row whose window covers its own uid leaves out
    /// that self-weight and its bond), which its memory follows. Above
    /// [`crate::Limits::DEFAULT`]'s `max_entries` the epoch refuses the input.
    ///
    /// ```
    /// let p = yuma::synth::SynthParams { n: 4096, validators: 256, weights_per_row: 1024, ..Default::default() };
    /// assert_eq!(p.entries(), 2 * 256 * 1024);
    /// ```
    pub fn entries(&self) -> usize {
        let v = usize::from(self.validators.min(self.n));
        let per_row = usize::from(self.weights_per_row.min(self.n));
        v.saturating_mul(per_row).saturating_mul(2)
    }
}

/// SplitMix64: a small, well-mixed, deterministic generator.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (`bound > 0`; 0 when `bound == 0`).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64().checked_rem(bound).unwrap_or(0)
    }
}

/// Builds the subnet.
pub fn subnet(p: &SynthParams) -> EpochInput {
    let n = usize::from(p.n);
    let v = usize::from(p.validators.min(p.n));
    let per_row = usize::from(p.weights_per_row).min(n);
    let mut rng = SplitMix64(p.seed);
    let current_block = 5_000_000u64;
    let tempo = 360u16;
    // Power-law stake: validator k holds ~1e15 / (k + 1) rao, miners a little.
    let alpha_stake: Vec<u64> = (0..n)
        .map(|k| {
            if k < v {
                1_000_000_000_000_000u64
                    .checked_div(u64::try_from(k).unwrap_or(u64::MAX).saturating_add(1))
                    .unwrap_or(0)
                    .saturating_add(rng.below(1_000_000_000))
            } else {
                rng.below(1_000_000_000)
            }
        })
        .collect();
    let mut weights = vec![Vec::new(); n];
    let mut bonds = vec![Vec::new(); n];
    for (i, (wrow, brow)) in weights.iter_mut().zip(bonds.iter_mut()).take(v).enumerate() {
        // A window of `per_row` consecutive uids at a random offset, in ascending order.
        let start = usize::try_from(rng.below(u64::try_from(n).unwrap_or(1))).unwrap_or(0);
        let mut cols: Vec<u16> = (0..per_row)
            .map(|k| u16::try_from(start.wrapping_add(k).checked_rem(n).unwrap_or(0)).unwrap_or(0))
            .filter(|&j| usize::from(j) != i)
            .collect();
        cols.sort_unstable();
        let mut ws: Vec<u16> = cols
            .iter()
            .map(|_| 1u16.saturating_add(rng.below(65_535) as u16))
            .collect();
        let max = ws.iter().copied().max().unwrap_or(1).max(1);
        for w in ws.iter_mut() {
            *w = u16::try_from(
                u32::from(*w)
                    .saturating_mul(65_535)
                    .checked_div(u32::from(max))
                    .unwrap_or(0),
            )
            .unwrap_or(u16::MAX);
        }
        wrow.extend(cols.iter().copied().zip(ws.iter().copied()));
        brow.extend(cols.iter().map(|&j| (j, rng.below(65_536) as u16)));
    }
    EpochInput {
        n: p.n,
        current_block,
        tempo,
        activity_cutoff: 5_000,
        last_mechanism_step_block: current_block.saturating_sub(u64::from(tempo)),
        last_update: (0..n)
            .map(|_| current_block.saturating_sub(rng.below(1_000)))
            .collect(),
        block_at_registration: (0..n).map(|_| rng.below(current_block / 2)).collect(),
        alpha_stake,
        tao_stake: vec![0; n],
        tao_weight: 3_320_413_933_267_719_290,
        stake_threshold: 0,
        owner_uid: Some(0),
        validator_permit: (0..n).map(|k| k < v).collect(),
        max_allowed_validators: p.validators,
        weights,
        bonds,
        kappa: 32_767,
        bonds_penalty: 65_535,
        bonds_moving_average: 900_000,
        yuma3_enabled: p.yuma3,
        liquid_alpha_enabled: p.liquid_alpha,
        alpha_low: 45_875,
        alpha_high: 58_982,
        alpha_sigmoid_steepness: 1_000,
        commit_reveal_enabled: false,
        commit_blocks: vec![None; n],
        rao_emission: 1_000_000_000,
        ..Default::default()
    }
}

/// Replaces `input`'s bonds with bonds the subnet forms itself: `epochs` epochs (none: the
/// bonds stay) run on this same state from empty bonds, each on the previous epoch's output
/// bonds (and new permits), as [`crate::simulate::transition_in_place`] carries them. Everything
/// but the bonds ends as it was. [`subnet`] draws bonds uniformly at random, which on a
/// liquid-alpha subnet puts the sigmoid exponents evenly over their range; formed bonds sit near
/// the weights, as on a subnet whose validators keep their weights. An epoch that fails ends it
/// with its error (the bonds are then those of the epoch before).
///
/// ```
/// use yuma::synth::{form_bonds, subnet, SynthParams};
/// let mut input = subnet(&SynthParams { n: 64, validators: 8, weights_per_row: 16, yuma3: true, ..Default::default() });
/// let before = input.clone();
/// form_bonds(&mut input, 2)?;
/// assert_ne!(input.bonds, before.bonds);
/// assert_eq!(input.weights, before.weights);
/// assert_eq!(input.validator_permit, before.validator_permit);
/// # Ok::<(), yuma::Error>(())
/// ```
pub fn form_bonds(input: &mut EpochInput, epochs: u32) -> Result<(), crate::Error> {
    if epochs == 0 {
        return Ok(());
    }
    let (permits, step) = (
        input.validator_permit.clone(),
        input.last_mechanism_step_block,
    );
    input.bonds.iter_mut().for_each(Vec::clear);
    let mut ws = crate::Workspace::new();
    let mut out = crate::EpochOutput::default();
    let mut result = Ok(());
    for _ in 0..epochs {
        result = crate::epoch_into(input, &mut ws, &mut out);
        if result.is_err() {
            break;
        }
        crate::simulate::transition_in_place(input, &out);
    }
    input.validator_permit = permits;
    input.last_mechanism_step_block = step;
    result
}

/// Scores `1..=k` (ranks) in an order that defeats a middle-pivot quickselect such as
/// [`crate::consensus::column_median`]'s partition rounds: simulating its three-way partition,
/// each round's pivot is given the lowest rank not yet placed, so with the minority point near the
/// top every round removes a single score. Without its round cap that column would cost `k²/2`
/// comparisons; tests and benchmarks use this order to exercise the cap. Building the order
/// simulates those rounds, so it takes `k²/2` steps itself.
///
/// ```
/// let ranks = yuma::synth::middle_pivot_killer(5);
/// let mut sorted = ranks.clone();
/// sorted.sort_unstable();
/// assert_eq!(sorted, vec![1, 2, 3, 4, 5]);
/// assert_eq!(ranks[5 / 2], 1); // the first pivot is the lowest score
/// ```
pub fn middle_pivot_killer(k: usize) -> Vec<u32> {
    let mut slot: Vec<usize> = (0..k).collect();
    let mut rank = vec![0u32; k];
    let (mut next, mut lo) = (1u32, 0usize);
    while lo < k {
        let Some(&pivot) = slot.get(lo.saturating_add(k.saturating_sub(lo) / 2)) else {
            break;
        };
        if let Some(r) = rank.get_mut(pivot) {
            *r = next;
        }
        next = next.saturating_add(1);
        // Every other score in the slice is still unplaced, so above the pivot: the partition
        // swaps each to the end.
        let (mut i, mut gt) = (lo, k);
        while i < gt {
            if slot.get(i) == Some(&pivot) {
                i = i.saturating_add(1);
            } else {
                gt = gt.saturating_sub(1);
                if let Some([first, .., last]) = slot.get_mut(i..=gt) {
                    core::mem::swap(first, last);
                }
            }
        }
        lo = gt;
    }
    rank
}
