//! One epoch of one point, as the report keeps it: the per-uid outputs and a digest of the whole.

use alloc::vec::Vec;

use crate::{EpochInput, EpochOutput};

/// One epoch of one point: the block it ran at and its per-uid outputs (every [`EpochOutput`]
/// vector but the bond rows, which are counted per uid), with a digest of the whole output.
///
/// ```
/// let input = yuma::EpochInput { n: 0, current_block: 7, ..Default::default() };
/// let out = yuma::epoch(&input)?;
/// let r = yuma::sweep::EpochRecord::new(&input, &out);
/// assert_eq!(r.block, 7);
/// assert_eq!(r, yuma::sweep::EpochRecord::new(&input, &out.clone()));
/// # Ok::<(), yuma::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EpochRecord {
    /// The epoch's `current_block`.
    pub block: u64,
    /// [`EpochOutput::active`].
    pub active: Vec<bool>,
    /// [`EpochOutput::stake`].
    pub stake: Vec<u64>,
    /// [`EpochOutput::stake_weight`].
    pub stake_weight: Vec<u16>,
    /// [`EpochOutput::consensus`].
    pub consensus: Vec<u16>,
    /// [`EpochOutput::incentive`].
    pub incentive: Vec<u16>,
    /// [`EpochOutput::dividends`].
    pub dividends: Vec<u16>,
    /// [`EpochOutput::validator_trust`].
    pub validator_trust: Vec<u16>,
    /// [`EpochOutput::new_validator_permit`].
    pub new_validator_permit: Vec<bool>,
    /// [`EpochOutput::server_emission`].
    pub server_emission: Vec<u64>,
    /// [`EpochOutput::validator_emission`].
    pub validator_emission: Vec<u64>,
    /// [`EpochOutput::emission`].
    pub emission: Vec<u64>,
    /// The number of entries of each uid's output bond row.
    pub bond_entries: Vec<usize>,
    /// A 64-bit FNV-1a digest of the whole output (every vector above, the bond rows entry by
    /// entry, `consensus_by_mechanism` and `bonds_persisted`): equal outputs, equal digests.
    pub digest: u64,
}

impl EpochRecord {
    /// The record of the epoch that ran on `state` and gave `out`.
    ///
    /// ```
    /// let input = yuma::EpochInput { n: 0, current_block: 3, ..Default::default() };
    /// let mut out = yuma::epoch(&input)?;
    /// let a = yuma::sweep::EpochRecord::new(&input, &out);
    /// out.bonds_persisted = Some(false);
    /// assert_ne!(a.digest, yuma::sweep::EpochRecord::new(&input, &out).digest);
    /// # Ok::<(), yuma::Error>(())
    /// ```
    pub fn new(state: &EpochInput, out: &EpochOutput) -> EpochRecord {
        EpochRecord {
            block: state.current_block,
            active: out.active.clone(),
            stake: out.stake.clone(),
            stake_weight: out.stake_weight.clone(),
            consensus: out.consensus.clone(),
            incentive: out.incentive.clone(),
            dividends: out.dividends.clone(),
            validator_trust: out.validator_trust.clone(),
            new_validator_permit: out.new_validator_permit.clone(),
            server_emission: out.server_emission.clone(),
            validator_emission: out.validator_emission.clone(),
            emission: out.emission.clone(),
            bond_entries: out.bonds.iter().map(Vec::len).collect(),
            digest: digest(out),
        }
    }

    /// The number of uids (the longest per-uid vector).
    ///
    /// ```
    /// let r = yuma::sweep::EpochRecord { incentive: vec![1, 2, 3], ..Default::default() };
    /// assert_eq!(r.uids(), 3);
    /// ```
    pub fn uids(&self) -> usize {
        [
            self.active.len(),
            self.stake.len(),
            self.stake_weight.len(),
            self.consensus.len(),
            self.incentive.len(),
            self.dividends.len(),
            self.validator_trust.len(),
            self.new_validator_permit.len(),
            self.server_emission.len(),
            self.validator_emission.len(),
            self.emission.len(),
            self.bond_entries.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn u64(&mut self, x: u64) {
        self.bytes(&x.to_le_bytes());
    }

    fn len(&mut self, n: usize) {
        self.u64(u64::try_from(n).unwrap_or(u64::MAX));
    }

    fn u16s(&mut self, v: &[u16]) {
        self.len(v.len());
        v.iter().for_each(|&x| self.bytes(&x.to_le_bytes()));
    }

    fn u64s(&mut self, v: &[u64]) {
        self.len(v.len());
        v.iter().for_each(|&x| self.u64(x));
    }

    fn bools(&mut self, v: &[bool]) {
        self.len(v.len());
        v.iter().for_each(|&x| self.bytes(&[u8::from(x)]));
    }
}

fn digest(o: &EpochOutput) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    h.bools(&o.active);
    h.u64s(&o.stake);
    h.u16s(&o.stake_weight);
    h.u16s(&o.consensus);
    h.u16s(&o.incentive);
    h.u16s(&o.dividends);
    h.u16s(&o.validator_trust);
    h.bools(&o.new_validator_permit);
    h.u64s(&o.server_emission);
    h.u64s(&o.validator_emission);
    h.u64s(&o.emission);
    h.len(o.bonds.len());
    for row in &o.bonds {
        h.len(row.len());
        for &(j, v) in row {
            h.bytes(&j.to_le_bytes());
            h.bytes(&v.to_le_bytes());
        }
    }
    match &o.consensus_by_mechanism {
        None => h.bytes(&[0]),
        Some(c) => {
            h.bytes(&[1]);
            h.u16s(c);
        }
    }
    h.bytes(&[match o.bonds_persisted {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }]);
    h.0
}
