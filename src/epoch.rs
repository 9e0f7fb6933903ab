//! The epoch pipeline: the stages in upstream's order, on CSR rows and reusable buffers.
//!
//! [`epoch`] allocates a fresh [`Workspace`]; callers that run many epochs keep one and call
//! [`epoch_into`], which reuses every buffer (and the output's) once they have grown.

use alloc::vec::Vec;
use substrate_fixed::types::{I32F32, I64F64};

use crate::bonds::{self, BondsScratch};
use crate::consensus::{self, MedianScratch};
use crate::emission::{self, Emission};
use crate::fixed::{fixed_proportion_to_u16_fast, to_bits, u16_proportion_to_fixed, ONE, ZERO};
use crate::null::{self, Budgets, NullScratch};
use crate::runtime::Rules;
use crate::sparse::Csr;
use crate::{liquid_alpha, stake, weights};
use crate::{EpochConsensus, EpochInput, EpochOutput, EpochTrace, Error, Limits, YumaTrace};

/// Every intermediate of one epoch, kept between calls so steady-state epochs do not allocate.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    /// Input limits applied by [`epoch_into`].
    pub limits: Limits,
    /// Compute every epoch under the rules of this runtime spec instead of the input's
    /// `spec_version` (see [`Rules::for_spec`]): for an input of a runtime newer than the crate
    /// reproduces, or to see an epoch under other rules. `None` (the default): the input's.
    pub assume_spec: Option<u32>,
    /// Which form of the lane kernels ([`crate::lanes`]) to run: the best the CPU has
    /// (`Auto`, the default), or a given one (the scalar code, the portable lanes, AVX2,
    /// AVX-512) — the same bits in every form.
    pub kernels: crate::lanes::Kernels,
    rules: Option<Rules>,
    kind: EpochConsensus,
    last_update: Vec<u64>,
    total_stake: Vec<I64F64>,
    /// Normalized stake.
    pub stake: Vec<I32F32>,
    /// Active, permitted, normalized stake.
    pub active_stake: Vec<I32F32>,
    idx: Vec<u32>,
    /// Masked, row-normalized weights.
    pub weights: Csr,
    /// Consensus per uid.
    pub consensus: Vec<I32F32>,
    /// Weights clipped at consensus.
    pub clipped: Csr,
    /// Validator trust.
    pub validator_trust: Vec<I32F32>,
    /// Incentive.
    pub incentive: Vec<I32F32>,
    /// Yuma 2: EMA bonds after column max-upscale; Yuma 3: the EMA result.
    pub ema_bonds: Csr,
    /// Dividends.
    pub dividends: Vec<I32F32>,
    /// The consensus liquid alpha read (or would have read).
    selected: Vec<I32F32>,
    /// Spec ≥ 446, Yuma 3 with liquid alpha: whether liquid alpha ran (the trace then shows
    /// `selected`).
    liquid_applied: Option<bool>,
    median: MedianScratch,
    bonds: BondsScratch,
    rows: crate::lanes::rows::RowScratch,
    unit_consensus: Vec<u64>,
    unit_stake: Vec<u64>,
    null: NullScratch,
    shares: Vec<I32F32>,
    emission: Emission,
}

impl Workspace {
    /// An empty workspace with the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The trace of the last epoch computed in this workspace.
    pub fn trace(&self) -> EpochTrace {
        if self.kind == EpochConsensus::Null {
            let n = u16::try_from(self.stake.len()).unwrap_or(u16::MAX);
            return EpochTrace::Null(self.null.trace(n, &self.stake, &self.active_stake));
        }
        let (liquid_alpha_consensus, liquid_alpha_applied) = match self.liquid_applied {
            Some(applied) => (Some(to_bits(&self.selected)), Some(applied)),
            None => (None, None),
        };
        EpochTrace::Yuma(YumaTrace {
            stake: to_bits(&self.stake),
            active_stake: to_bits(&self.active_stake),
            weights_normalized: self.weights.to_bits_rows(),
            consensus: to_bits(&self.consensus),
            clipped_weights: self.clipped.to_bits_rows(),
            validator_trust: to_bits(&self.validator_trust),
            incentive: to_bits(&self.incentive),
            liquid_alpha_consensus,
            liquid_alpha_applied,
            ema_bonds: self.ema_bonds.to_bits_rows(),
            dividends: to_bits(&self.dividends),
        })
    }

    /// The rules the last epoch computed here ran under (`None` before the first).
    pub fn rules(&self) -> Option<Rules> {
        self.rules
    }

    /// Keeps Yuma 2's column-normalized EMA bonds — what its dividends are computed from,
    /// before the column max-upscale that the trace and the output show — for explanations.
    pub(crate) fn keep_normalized_bonds(&mut self) {
        self.bonds.keep_normalized = true;
    }

    /// The bonds [`Workspace::keep_normalized_bonds`] kept from the last Yuma 2 epoch.
    pub(crate) fn normalized_bonds(&self) -> &crate::sparse::Csr {
        &self.bonds.normalized
    }
}

/// Computes one epoch.
///
/// ```
/// let input = yuma::EpochInput {
///     n: 2, current_block: 1000, tempo: 100, activity_cutoff: 5000,
///     last_update: vec![990, 990], block_at_registration: vec![0, 0],
///     alpha_stake: vec![1_000, 0], tao_stake: vec![0, 0],
///     validator_permit: vec![true, false], max_allowed_validators: 64,
///     weights: vec![vec![(1, 65535)], vec![]], bonds: vec![vec![], vec![]],
///     kappa: 32767, bonds_moving_average: 900_000, commit_blocks: vec![None, None],
///     rao_emission: 1_000_000, ..Default::default()
/// };
/// let out = yuma::epoch(&input)?;
/// assert_eq!(out.incentive, vec![0, 65535]);
/// assert_eq!(out.server_emission[1] + out.validator_emission[0], 1_000_000);
/// # Ok::<(), yuma::Error>(())
/// ```
pub fn epoch(input: &EpochInput) -> Result<EpochOutput, Error> {
    let mut ws = Workspace::new();
    let mut out = EpochOutput::default();
    epoch_into(input, &mut ws, &mut out)?;
    Ok(out)
}

/// Computes one epoch and its [`EpochTrace`]: the raw I32F32 bits of every intermediate (the
/// golden vectors' `trace`), for finding where two implementations part ways.
///
/// ```
/// let input = yuma::EpochInput {
///     n: 2, current_block: 1000, tempo: 100, activity_cutoff: 5000,
///     last_update: vec![990, 990], block_at_registration: vec![0, 0],
///     alpha_stake: vec![1_000, 0], tao_stake: vec![0, 0],
///     validator_permit: vec![true, false], max_allowed_validators: 64,
///     weights: vec![vec![(1, 65535)], vec![]], bonds: vec![vec![], vec![]],
///     kappa: 32767, bonds_moving_average: 900_000, commit_blocks: vec![None, None],
///     rao_emission: 1_000_000, ..Default::default()
/// };
/// let (out, trace) = yuma::epoch_with_trace(&input)?;
/// assert_eq!(out, yuma::epoch(&input)?);
/// assert_eq!(trace.yuma().unwrap().consensus[1], 1 << 32); // uid 1's consensus is exactly 1.0
/// # Ok::<(), yuma::Error>(())
/// ```
pub fn epoch_with_trace(input: &EpochInput) -> Result<(EpochOutput, EpochTrace), Error> {
    let mut ws = Workspace::new();
    let mut out = EpochOutput::default();
    epoch_into(input, &mut ws, &mut out)?;
    Ok((out, ws.trace()))
}

fn resize_rows(rows: &mut Vec<Vec<(u16, u16)>>, n: usize) {
    rows.truncate(n);
    for r in rows.iter_mut() {
        r.clear();
    }
    rows.resize_with(n, Vec::new);
}

/// Computes one epoch into `out`, reusing the buffers of `ws` and `out`: once they have grown to
/// the subnet's size, further epochs allocate nothing (`tests/no_alloc.rs` counts). The input is
/// checked against `ws.limits` first. On an error `out` holds no meaningful result.
///
/// ```
/// let input = yuma::EpochInput {
///     n: 2, current_block: 1000, tempo: 100, activity_cutoff: 5000,
///     last_update: vec![990, 990], block_at_registration: vec![0, 0],
///     alpha_stake: vec![1_000, 0], tao_stake: vec![0, 0],
///     validator_permit: vec![true, false], max_allowed_validators: 64,
///     weights: vec![vec![(1, 65535)], vec![]], bonds: vec![vec![], vec![]],
///     kappa: 32767, bonds_moving_average: 900_000, commit_blocks: vec![None, None],
///     rao_emission: 1_000_000, ..Default::default()
/// };
/// let mut ws = yuma::Workspace::new();
/// let mut out = yuma::EpochOutput::default();
/// for block in [1000, 1100, 1200] {
///     let input = yuma::EpochInput { current_block: block, ..input.clone() };
///     yuma::epoch_into(&input, &mut ws, &mut out)?;
///     assert_eq!(out, yuma::epoch(&input)?);
/// }
/// let trace = ws.trace(); // the last epoch's intermediates
/// assert_eq!(trace.incentive().len(), 2);
/// # Ok::<(), yuma::Error>(())
/// ```
pub fn epoch_into(
    input: &EpochInput,
    ws: &mut Workspace,
    out: &mut EpochOutput,
) -> Result<(), Error> {
    let pay = Pay {
        rao: input.rao_emission,
        budgets: Budgets::of_input(input, input.rao_emission),
    };
    epoch_into_paying(input, pay, Subnet::default(), ws, out)
}

/// Whether clipping, trust and ranks can run on lanes ([`crate::lanes::rows`]): every weight,
/// consensus and active stake in `[0, 1]`, the active stakes summing to at most 1. Fills the
/// consensus and stake as raw bits when they can.
fn lane_ranges(
    weights: &Csr,
    consensus: &[I32F32],
    active_stake: &[I32F32],
    unit_consensus: &mut Vec<u64>,
    unit_stake: &mut Vec<u64>,
) -> bool {
    let one = crate::lanes::ONE;
    let unit = |x: &I32F32| u64::try_from(x.to_bits()).ok().filter(|&b| b <= one);
    if !weights.val.iter().all(|w| unit(w).is_some()) {
        return false;
    }
    unit_consensus.clear();
    for c in consensus {
        match unit(c) {
            Some(b) => unit_consensus.push(b),
            None => return false,
        }
    }
    unit_stake.clear();
    let mut sum = 0u64;
    for st in active_stake {
        match unit(st) {
            Some(b) => {
                sum = sum.saturating_add(b);
                unit_stake.push(b);
            }
            None => return false,
        }
    }
    sum <= one
}

/// What an epoch distributes: `rao` under Yuma, the budgets under Null.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pay {
    pub(crate) rao: u64,
    pub(crate) budgets: Budgets,
}

/// Subnet-level items a [`crate::MechanismsInput`] sets for all its mechanisms (overriding
/// each mechanism's own).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Subnet {
    pub(crate) spec_version: Option<u32>,
    pub(crate) epoch_consensus: Option<EpochConsensus>,
}

impl Subnet {
    /// The rules `input` runs under, given the workspace's assumption.
    pub(crate) fn rules(&self, input: &EpochInput, assume: Option<u32>) -> Result<Rules, Error> {
        Rules::for_spec(self.spec_version.or(input.spec_version), assume)
    }

    /// Whether `input` runs Null consensus under `rules`.
    pub(crate) fn null(&self, input: &EpochInput, rules: Rules) -> bool {
        rules.null_consensus()
            && self.epoch_consensus.unwrap_or(input.epoch_consensus) == EpochConsensus::Null
    }
}

/// [`epoch_into`] distributing `pay` instead of the input's own emission (a mechanism's share of
/// its subnet's emission) under the subnet's items, so the input need not be copied.
pub(crate) fn epoch_into_paying(
    input: &EpochInput,
    pay: Pay,
    subnet: Subnet,
    ws: &mut Workspace,
    out: &mut EpochOutput,
) -> Result<(), Error> {
    input.validate(&ws.limits)?;
    let rules = subnet.rules(input, ws.assume_spec)?;
    ws.rules = Some(rules);
    let is_null = subnet.null(input, rules);
    ws.kind = if is_null {
        EpochConsensus::Null
    } else {
        EpochConsensus::Yuma
    };
    ws.liquid_applied = None;
    ws.bonds.kernels = ws.kernels.resolve();
    let n = usize::from(input.n);

    // == Active & updated ==
    ws.last_update.clear();
    ws.last_update.extend_from_slice(&input.last_update);
    if ws.last_update.len() < n {
        ws.last_update.resize(n, 0);
    }
    out.active.clear();
    out.active.extend(
        ws.last_update
            .iter()
            .take(n)
            .map(|&u| stake::is_active(input, u)),
    );

    // == Stake, permits, active stake ==
    stake::total_stake(input, &mut ws.total_stake);
    stake::stake_weights(input, &ws.total_stake, &mut ws.stake);
    let u16s = |dst: &mut Vec<u16>, src: &[I32F32]| {
        dst.clear();
        dst.extend(src.iter().map(|x| fixed_proportion_to_u16_fast(*x)));
    };
    out.stake.clear();
    out.stake
        .extend(ws.total_stake.iter().map(|s| s.saturating_to_num::<u64>()));
    u16s(&mut out.stake_weight, &ws.stake);
    if is_null {
        // The owner's stored permit is not forced under Null consensus.
        stake::active_stake(input, None, &ws.stake, &out.active, &mut ws.active_stake);
        null::epoch(
            input,
            &ws.last_update,
            &ws.total_stake,
            pay.budgets,
            &mut ws.null,
            out,
        );
        return Ok(());
    }
    stake::new_permits(
        &ws.stake,
        usize::from(input.max_allowed_validators),
        input.owner_uid,
        &mut ws.idx,
        &mut out.new_validator_permit,
    );
    stake::active_stake(
        input,
        input.owner_uid,
        &ws.stake,
        &out.active,
        &mut ws.active_stake,
    );

    // == Weights, consensus, trust, incentive ==
    let form = ws.bonds.kernels;
    if !form.lane_rows() {
        weights::masked_weights(input, &ws.last_update, &mut ws.weights);
    } else {
        crate::lanes::rows::masked_weights(
            form,
            input,
            &ws.last_update,
            &mut ws.weights,
            &mut ws.rows,
        );
    }
    let kappa = u16_proportion_to_fixed(input.kappa);
    consensus::weighted_median_columns(
        &ws.active_stake,
        &ws.weights,
        n,
        kappa,
        &mut ws.median,
        &mut ws.consensus,
    );
    if !form.lane_rows()
        || !lane_ranges(
            &ws.weights,
            &ws.consensus,
            &ws.active_stake,
            &mut ws.unit_consensus,
            &mut ws.unit_stake,
        )
    {
        consensus::clip_trust_incentive(
            &ws.weights,
            &ws.consensus,
            &ws.active_stake,
            &mut ws.clipped,
            &mut ws.validator_trust,
            &mut ws.incentive,
        );
    } else {
        crate::lanes::rows::clip_trust_ranks(
            form,
            &ws.weights,
            &ws.unit_consensus,
            &ws.unit_stake,
            &mut ws.clipped,
            &mut ws.validator_trust,
            &mut ws.rows,
        );
        crate::lanes::rows::ranks_into(&ws.rows, &mut ws.incentive);
        crate::fixed::normalize(&mut ws.incentive);
    }

    // == Bonds and dividends ==
    let penalty = u16_proportion_to_fixed(input.bonds_penalty);
    let mut interp = core::mem::take(&mut ws.bonds.interp);
    let wfb: &Csr = if penalty == ZERO {
        &ws.weights
    } else if penalty == ONE {
        &ws.clipped
    } else {
        bonds::interpolate(
            &ws.weights,
            &ws.clipped,
            n,
            penalty,
            &mut ws.bonds,
            &mut interp,
        );
        &interp
    };
    if input.yuma3_enabled {
        let applied = liquid_alpha::select_consensus(input, rules, &ws.consensus, &mut ws.selected);
        if rules.liquid_alpha_consensus_modes() && input.liquid_alpha_enabled {
            ws.liquid_applied = Some(applied);
        }
        let liquid = applied.then_some(ws.selected.as_slice());
        bonds::yuma3(
            input,
            rules,
            wfb,
            liquid,
            &ws.active_stake,
            &ws.incentive,
            &mut ws.bonds,
            &mut ws.ema_bonds,
            &mut ws.dividends,
        )
    } else {
        bonds::yuma2(
            input,
            rules,
            wfb,
            &ws.active_stake,
            &ws.incentive,
            &mut ws.bonds,
            &mut ws.ema_bonds,
            &mut ws.dividends,
        );
    }
    ws.bonds.interp = interp;

    // == Emission ==
    emission::emission(
        &ws.incentive,
        &ws.dividends,
        &ws.stake,
        &ws.active_stake,
        pay.rao,
        &mut ws.shares,
        &mut ws.emission,
    );
    out.server_emission.clone_from(&ws.emission.server);
    out.validator_emission.clone_from(&ws.emission.validator);
    out.emission.clone_from(&ws.emission.combined);

    // == Outputs ==
    u16s(&mut out.consensus, &ws.consensus);
    u16s(&mut out.incentive, &ws.incentive);
    u16s(&mut out.dividends, &ws.dividends);
    u16s(&mut out.validator_trust, &ws.validator_trust);
    resize_rows(&mut out.bonds, n);
    for (i, row) in out.bonds.iter_mut().enumerate() {
        if out.new_validator_permit.get(i).copied().unwrap_or(false) {
            let (cols, vals) = ws.ema_bonds.row(i);
            row.extend(
                cols.iter()
                    .zip(vals)
                    .map(|(&j, &v)| (j, fixed_proportion_to_u16_fast(v))),
            );
        }
    }
    if rules.writes_consensus_by_mechanism() {
        let mut stored = out.consensus_by_mechanism.take().unwrap_or_default();
        stored.clone_from(&out.consensus);
        out.consensus_by_mechanism = Some(stored);
        out.bonds_persisted = Some(true);
    } else {
        out.consensus_by_mechanism = None;
        out.bonds_persisted = None;
    }
    Ok(())
}
