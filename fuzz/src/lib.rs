//! Shared by the fuzz targets and the corpus generator: the `arbitrary` input types.
//!
//! The generator (`examples/gen_corpus.rs`) writes seeds in `arbitrary`'s byte format for these
//! types and checks that they decode back to the vector they came from, so keep the two in step.

use arbitrary::Arbitrary;
use yuma::{EpochInput, EpochOutput};

pub mod median;

/// Subnet size: mostly small (fast, dense coverage), sometimes up to 300.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum NSel {
    Tiny(u8),
    Small(u8),
    Up(u16),
}

impl NSel {
    pub fn get(self) -> u16 {
        match self {
            NSel::Tiny(x) => u16::from(x % 6),
            NSel::Small(x) => u16::from(x % 40),
            NSel::Up(x) => x % 301,
        }
    }
}

/// Blocks from a small range (so the masks' `<` / `<=` boundaries are hit) or anywhere.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Block {
    Small(u8),
    Mid(u16),
    Any(u64),
    Max,
}

impl Block {
    pub fn get(self) -> u64 {
        match self {
            Block::Small(x) => u64::from(x % 64),
            Block::Mid(x) => u64::from(x),
            Block::Any(x) => x,
            Block::Max => u64::MAX,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Stake {
    Zero,
    Small(u16),
    Typical(u32),
    Any(u64),
    NearMax(u8),
    Max,
}

impl Stake {
    pub fn get(self) -> u64 {
        match self {
            Stake::Zero => 0,
            Stake::Small(x) => u64::from(x),
            Stake::Typical(x) => u64::from(x).saturating_mul(1_000_000),
            Stake::Any(x) => x,
            Stake::NearMax(x) => u64::MAX - u64::from(x),
            Stake::Max => u64::MAX,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum U16 {
    Any(u16),
    Zero,
    Half,
    Max,
}

impl U16 {
    pub fn get(self) -> u16 {
        match self {
            U16::Any(x) => x,
            U16::Zero => 0,
            U16::Half => 32_767,
            U16::Max => u16::MAX,
        }
    }
}

/// A column uid: in range, just past `n`, or any u16.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Uid {
    In(u16),
    In2(u16),
    Past(u8),
    Any(u16),
}

impl Uid {
    pub fn get(self, n: u16) -> u16 {
        match self {
            Uid::In(x) | Uid::In2(x) => x % n.max(1),
            Uid::Past(x) => n.saturating_add(u16::from(x % 4)),
            Uid::Any(x) => x,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Bma {
    Typical(u32),
    Wide(u32),
    Any(u64),
    /// Around the Yuma 3 conversion's overflow threshold (2^31 · 10^6).
    Edge(i8),
}

impl Bma {
    pub fn get(self) -> u64 {
        match self {
            Bma::Typical(x) => u64::from(x % 1_000_001),
            Bma::Wide(x) => u64::from(x % 5_000_001),
            Bma::Any(x) => x,
            Bma::Edge(d) => 2_147_483_648_000_000u64.wrapping_add_signed(i64::from(d)),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum TaoWeight {
    Zero,
    Typical,
    Any(u64),
    Max,
}

impl TaoWeight {
    pub fn get(self) -> u64 {
        match self {
            TaoWeight::Zero => 0,
            TaoWeight::Typical => 3_320_413_933_267_719_290, // ≈ 0.18
            TaoWeight::Any(x) => x,
            TaoWeight::Max => u64::MAX,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Rao {
    Zero,
    Small(u32),
    Any(u64),
    Max,
}

impl Rao {
    pub fn get(self) -> u64 {
        match self {
            Rao::Zero => 0,
            Rao::Small(x) => u64::from(x),
            Rao::Any(x) => x,
            Rao::Max => u64::MAX,
        }
    }
}

/// A per-uid vector: usually exactly `n` entries (the given items, cycled), sometimes another
/// length.
#[derive(Arbitrary, Debug, Clone)]
pub struct PerUid<T> {
    pub len_sel: u8,
    pub wrong_len: u16,
    pub items: Vec<T>,
}

impl<T: Clone> PerUid<T> {
    /// `wrong_every` in 256: how often the length is not `n`.
    pub fn build<U>(&self, n: u16, wrong_every: u8, fill: U, f: impl Fn(&T) -> U) -> Vec<U>
    where
        U: Clone,
    {
        let n = usize::from(n);
        let len = if self.len_sel >= u8::MAX - wrong_every {
            usize::from(self.wrong_len) % n.saturating_add(4)
        } else {
            n
        };
        if self.items.is_empty() {
            return vec![fill; len];
        }
        (0..len)
            .map(|i| f(&self.items[i % self.items.len()]))
            .collect()
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Rows {
    pub len_sel: u8,
    pub wrong_len: u16,
    /// Fill the rows past the given ones by cycling them (else with empty rows).
    pub cycle: bool,
    pub rows: Vec<Vec<(Uid, U16)>>,
}

impl Rows {
    pub fn build(&self, n: u16) -> Vec<Vec<(u16, u16)>> {
        let n16 = n;
        let n = usize::from(n);
        let len = if self.len_sel >= 240 {
            usize::from(self.wrong_len) % n.saturating_add(4)
        } else {
            n
        };
        // `len_sel` in 200..240: every non-empty row becomes a full row (each uid once, in
        // order; values cycled from the row) — the busy-subnet shape of the dense-row Yuma 2 path.
        let full = (200..240).contains(&self.len_sel);
        let conv = |r: &Vec<(Uid, U16)>| -> Vec<(u16, u16)> {
            if full && !r.is_empty() {
                return (0..n16)
                    .zip(r.iter().cycle())
                    .map(|(j, (_, w))| (j, w.get()))
                    .collect();
            }
            r.iter().map(|(j, w)| (j.get(n16), w.get())).collect()
        };
        (0..len)
            .map(|i| match self.rows.get(i) {
                Some(r) => conv(r),
                None if self.cycle && !self.rows.is_empty() => {
                    conv(&self.rows[i % self.rows.len()])
                }
                None => Vec::new(),
            })
            .collect()
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Raw {
    pub n: NSel,
    pub current_block: Block,
    pub tempo: U16,
    pub tempo_small: Option<u8>,
    pub activity_cutoff: Block,
    pub last_mechanism_step_block: Block,
    pub last_update: PerUid<Block>,
    pub block_at_registration: PerUid<Block>,
    pub alpha_stake: PerUid<Stake>,
    pub tao_stake: PerUid<Stake>,
    pub tao_weight: TaoWeight,
    pub stake_threshold: Stake,
    pub owner_uid: Option<Uid>,
    pub validator_permit: PerUid<bool>,
    pub max_allowed_validators: U16,
    pub max_validators_small: Option<u8>,
    pub weights: Rows,
    pub bonds: Rows,
    pub kappa: U16,
    pub bonds_penalty: U16,
    pub bonds_moving_average: Bma,
    pub yuma3_enabled: bool,
    pub liquid_alpha_enabled: bool,
    pub alpha_low: U16,
    pub alpha_high: U16,
    pub alpha_sigmoid_steepness: i16,
    pub commit_reveal_enabled: bool,
    pub commit_blocks: PerUid<Option<Block>>,
    pub rao_emission: Rao,
    /// Dirty the reused workspace with this input first (another n, Yuma flavour flipped).
    pub warm_up: Option<(NSel, bool)>,
    /// Replace the first validators' stakes by ones summing just past a multiple of 2⁶⁴ rao.
    pub wrap: Option<WrapStakes>,
    /// The fields of spec ≥ 446 (absent: a spec 425 input).
    pub newer: Option<Newer>,
}

/// A `spec_version`: on either side of the 446 boundary, the newest checked, or any.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Spec {
    Absent,
    S425,
    S445,
    S446,
    S475,
    Any(u32),
}

impl Spec {
    pub fn get(self) -> Option<u32> {
        match self {
            Spec::Absent => None,
            Spec::S425 => Some(425),
            Spec::S445 => Some(445),
            Spec::S446 => Some(446),
            Spec::S475 => Some(475),
            Spec::Any(x) => Some(x),
        }
    }
}

/// `liquid_alpha_consensus_mode`.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Mode {
    Auto,
    Current,
    Previous,
}

/// The inputs of spec ≥ 446 (`yuma::EpochInput`'s newer fields).
#[derive(Arbitrary, Debug, Clone)]
pub struct Newer {
    pub spec: Spec,
    pub mode: Mode,
    /// `previous_consensus`, any length (the chain's stored vector can be).
    pub previous: Vec<U16>,
    pub last_yuma_step_block: Option<Block>,
    pub null: bool,
    pub mining_budget: Option<Rao>,
    pub dividend_budget: Option<Rao>,
    pub fallback_budget: Option<Rao>,
}

impl Newer {
    /// Writes the fields into `input`.
    pub fn apply(&self, input: &mut EpochInput) {
        input.spec_version = self.spec.get();
        input.liquid_alpha_consensus_mode = match self.mode {
            Mode::Auto => yuma::ConsensusMode::Auto,
            Mode::Current => yuma::ConsensusMode::Current,
            Mode::Previous => yuma::ConsensusMode::Previous,
        };
        input.previous_consensus = self.previous.iter().map(|v| v.get()).collect();
        input.last_yuma_step_block = self.last_yuma_step_block.map(Block::get);
        input.epoch_consensus = if self.null {
            yuma::EpochConsensus::Null
        } else {
            yuma::EpochConsensus::Yuma
        };
        input.mining_budget = self.mining_budget.map(Rao::get);
        input.dividend_budget = self.dividend_budget.map(Rao::get);
        input.fallback_budget = self.fallback_budget.map(Rao::get);
    }
}

/// Alpha stakes for the first `1 + validators % 8` uids whose sum lands just past
/// `multiple · 2⁶⁴` rao (each below 2⁶³, so only the I64F64 sum wraps): with `Past::One` the
/// wrapped sum is 2³² rao, the normalized stakes' bits equal the rao stakes and their own I32F32
/// sum wraps again — the region where upstream's median saturates (golden vectors
/// `edge-stake-sum-wrap-median-*`). Their TAO stake is cleared.
#[derive(Arbitrary, Debug, Clone)]
pub struct WrapStakes {
    pub validators: u8,
    pub multiple: u8,
    pub past: median::Past,
    pub shares: Vec<u16>,
}

impl WrapStakes {
    /// Writes the stakes into `input` (as far as its vectors reach).
    pub fn apply(&self, input: &mut EpochInput) {
        let v = usize::from(self.validators % 8) + 1;
        let mut shares: Vec<u16> = self.shares.iter().copied().take(v).collect();
        shares.resize(v, 1000);
        let stakes = median::wrapped_stakes(&shares, self.multiple, self.past);
        for (i, s) in stakes.into_iter().enumerate() {
            if let Some(a) = input.alpha_stake.get_mut(i) {
                *a = s as u64;
            }
            if let Some(t) = input.tao_stake.get_mut(i) {
                *t = 0;
            }
        }
    }
}

impl Raw {
    pub fn build(&self, n: u16) -> EpochInput {
        let mut input = self.build_plain(n);
        if let Some(w) = &self.wrap {
            w.apply(&mut input);
        }
        if let Some(x) = &self.newer {
            x.apply(&mut input);
        }
        input
    }

    fn build_plain(&self, n: u16) -> EpochInput {
        EpochInput {
            n,
            current_block: self.current_block.get(),
            tempo: match self.tempo_small {
                Some(t) => u16::from(t % 32),
                None => self.tempo.get(),
            },
            activity_cutoff: self.activity_cutoff.get(),
            last_mechanism_step_block: self.last_mechanism_step_block.get(),
            // The chain stores these as they are: short and long are both legal.
            last_update: self.last_update.build(n, 64, 0, |b| b.get()),
            block_at_registration: self.block_at_registration.build(n, 8, 0, |b| b.get()),
            alpha_stake: self.alpha_stake.build(n, 8, 0, |s| s.get()),
            tao_stake: self.tao_stake.build(n, 8, 0, |s| s.get()),
            tao_weight: self.tao_weight.get(),
            stake_threshold: self.stake_threshold.get(),
            owner_uid: self.owner_uid.map(|u| u.get(n)),
            validator_permit: self.validator_permit.build(n, 64, false, |b| *b),
            max_allowed_validators: match self.max_validators_small {
                Some(k) => u16::from(k % 40),
                None => self.max_allowed_validators.get(),
            },
            weights: self.weights.build(n),
            bonds: self.bonds.build(n),
            kappa: self.kappa.get(),
            bonds_penalty: self.bonds_penalty.get(),
            bonds_moving_average: self.bonds_moving_average.get(),
            yuma3_enabled: self.yuma3_enabled,
            liquid_alpha_enabled: self.liquid_alpha_enabled,
            alpha_low: self.alpha_low.get(),
            alpha_high: self.alpha_high.get(),
            alpha_sigmoid_steepness: self.alpha_sigmoid_steepness,
            commit_reveal_enabled: self.commit_reveal_enabled,
            commit_blocks: self.commit_blocks.build(n, 8, None, |c| c.map(Block::get)),
            rao_emission: self.rao_emission.get(),
            ..Default::default()
        }
    }
}

/// Total stake `Σ alpha + tao · tao_weight / u64::MAX`, exactly (u128; `None` past u128).
pub fn total_stake(input: &EpochInput) -> Option<u128> {
    let w = u128::from(input.tao_weight);
    input
        .alpha_stake
        .iter()
        .zip(&input.tao_stake)
        .try_fold(0u128, |acc, (&a, &t)| {
            let tao = u128::from(t).checked_mul(w)? / u128::from(u64::MAX);
            acc.checked_add(u128::from(a))?.checked_add(tao)
        })
}

/// Below this total stake the chain's I64F64 stake sum can neither saturate nor wrap (2^62,
/// with room for the fixed-point rounding of `tao_weight`).
pub const STAKE_SUM_SAFE: u128 = 1 << 62;

/// The output invariants of a successful epoch.
///
/// The emission bound (`Σ server + validator ≤ rao_emission`) is only asserted when the total
/// stake stays below [`STAKE_SUM_SAFE`]: past 2^63 the chain's stake sum wraps (vector README,
/// behaviour 2) and normalized stakes can add up to several times 1, and so can the emission
/// fallback that pays by stake — upstream and the reference do the same (e.g. three uids with
/// alpha stake near u64::MAX, all inactive: each gets the whole `rao_emission`).
pub fn check_invariants(input: &EpochInput, out: &EpochOutput) {
    let n = usize::from(input.n);
    let lens = [
        ("active", out.active.len()),
        ("stake", out.stake.len()),
        ("stake_weight", out.stake_weight.len()),
        ("consensus", out.consensus.len()),
        ("incentive", out.incentive.len()),
        ("dividends", out.dividends.len()),
        ("validator_trust", out.validator_trust.len()),
        ("new_validator_permit", out.new_validator_permit.len()),
        ("server_emission", out.server_emission.len()),
        ("validator_emission", out.validator_emission.len()),
        ("emission", out.emission.len()),
        ("bonds", out.bonds.len()),
    ];
    for (field, len) in lens {
        assert_eq!(len, n, "output `{field}` has {len} entries, n = {n}");
    }
    if total_stake(input).is_none_or(|t| t >= STAKE_SUM_SAFE) || out.bonds_persisted == Some(false) {
        // (Null consensus pays its own budgets, not `rao_emission`.)
        return;
    }
    let paid = out.total_paid();
    assert!(
        paid <= u128::from(input.rao_emission),
        "paid {paid} of rao_emission {}",
        input.rao_emission
    );
}
