//! Build an `EpochInput` from storage-shaped maps, as a chain runtime (or an indexer holding a
//! copy of its storage) would, and run epochs on it with a reused `Workspace`.
//!
//! The maps mirror subtensor's storage items for one subnet: per-uid vectors (`LastUpdate`,
//! `ValidatorPermit`, `BlockAtRegistration` per uid), double maps `(netuid, uid) → row` for
//! `Weights` and `Bonds`, and single values for the hyperparameters. Uses only the `no_std` core
//! API (no JSON, no features).
//!
//! ```sh
//! cargo run --example runtime_storage
//! ```

use std::collections::BTreeMap;

/// A toy storage: what the epoch reads for subnet `NETUID`.
struct Storage {
    subnetwork_n: BTreeMap<u16, u16>,
    last_update: BTreeMap<u16, Vec<u64>>,
    validator_permit: BTreeMap<u16, Vec<bool>>,
    block_at_registration: BTreeMap<(u16, u16), u64>,
    alpha_stake: BTreeMap<(u16, u16), u64>,
    weights: BTreeMap<(u16, u16), Vec<(u16, u16)>>,
    bonds: BTreeMap<(u16, u16), Vec<(u16, u16)>>,
    kappa: BTreeMap<u16, u16>,
    tempo: BTreeMap<u16, u16>,
}

const NETUID: u16 = 7;

impl Storage {
    /// Three validators (uids 0..3) weighting two miners (uids 3, 4).
    fn new() -> Self {
        let mut s = Storage {
            subnetwork_n: BTreeMap::from([(NETUID, 5)]),
            last_update: BTreeMap::from([(NETUID, vec![990; 5])]),
            validator_permit: BTreeMap::from([(NETUID, vec![true, true, true, false, false])]),
            block_at_registration: BTreeMap::new(),
            alpha_stake: BTreeMap::new(),
            weights: BTreeMap::new(),
            bonds: BTreeMap::new(),
            kappa: BTreeMap::from([(NETUID, 32_767)]),
            tempo: BTreeMap::from([(NETUID, 100)]),
        };
        for uid in 0..5u16 {
            s.block_at_registration.insert((NETUID, uid), 10);
        }
        for (uid, stake) in [
            (0u16, 600_000_000_000u64),
            (1, 300_000_000_000),
            (2, 100_000_000_000),
        ] {
            s.alpha_stake.insert((NETUID, uid), stake);
        }
        s.weights
            .insert((NETUID, 0), vec![(3, 50_000), (4, 15_535)]);
        s.weights
            .insert((NETUID, 1), vec![(3, 40_000), (4, 25_535)]);
        s.weights.insert((NETUID, 2), vec![(4, 65_535)]); // disagrees: clipped at consensus
        s
    }

    /// The epoch's input for `netuid` at `block`: per-uid reads for `0..n`, absent entries as the
    /// chain's defaults (`ValueQuery`: 0, empty rows).
    fn epoch_input(&self, netuid: u16, block: u64) -> yuma::EpochInput {
        let n = self.subnetwork_n.get(&netuid).copied().unwrap_or(0);
        let per_uid = |m: &BTreeMap<(u16, u16), u64>| -> Vec<u64> {
            (0..n)
                .map(|uid| m.get(&(netuid, uid)).copied().unwrap_or(0))
                .collect()
        };
        let rows = |m: &BTreeMap<(u16, u16), Vec<(u16, u16)>>| -> Vec<Vec<(u16, u16)>> {
            (0..n)
                .map(|uid| m.get(&(netuid, uid)).cloned().unwrap_or_default())
                .collect()
        };
        yuma::EpochInput {
            n,
            current_block: block,
            tempo: self.tempo.get(&netuid).copied().unwrap_or(360),
            activity_cutoff: 5_000,
            last_mechanism_step_block: block.saturating_sub(100),
            last_update: self.last_update.get(&netuid).cloned().unwrap_or_default(),
            block_at_registration: per_uid(&self.block_at_registration),
            alpha_stake: per_uid(&self.alpha_stake),
            tao_stake: vec![0; usize::from(n)],
            validator_permit: self
                .validator_permit
                .get(&netuid)
                .cloned()
                .unwrap_or_default(),
            max_allowed_validators: 64,
            weights: rows(&self.weights),
            bonds: rows(&self.bonds),
            kappa: self.kappa.get(&netuid).copied().unwrap_or(32_767),
            bonds_moving_average: 900_000,
            commit_blocks: vec![None; usize::from(n)],
            rao_emission: 1_000_000_000,
            ..Default::default()
        }
    }

    /// Writes an epoch's results back: the new bonds and permits (what the next epoch reads).
    fn persist(&mut self, netuid: u16, out: &yuma::EpochOutput) {
        for (uid, row) in (0u16..).zip(&out.bonds) {
            self.bonds.insert((netuid, uid), row.clone());
        }
        self.validator_permit
            .insert(netuid, out.new_validator_permit.clone());
    }
}

fn main() -> Result<(), yuma::Error> {
    let mut storage = Storage::new();
    let mut ws = yuma::Workspace::new();
    let mut out = yuma::EpochOutput::default();
    for block in [1_000u64, 1_100, 1_200] {
        let input = storage.epoch_input(NETUID, block);
        yuma::epoch_into(&input, &mut ws, &mut out)?;
        storage.persist(NETUID, &out);
        println!(
            "block {block}: consensus {:?}, incentive {:?}, dividends {:?}, emission {:?}",
            out.consensus, out.incentive, out.dividends, out.emission
        );
    }
    Ok(())
}
