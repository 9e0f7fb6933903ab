//! Tests in the mock runtime.

mod vectors;

use frame_support::traits::Hooks;

use crate::mock::{new_test_ext, set_rules_spec, RuntimeEvent, System, Test, Yuma};
use crate::{
    is_epoch_block, mechanism_index, Bonds, Error, Event, LastMechanismStepBlock, PendingEmission,
    SubnetInput, Tempo,
};

/// A small Yuma 2 subnet: three validators weighting two miners.
fn subnet() -> yuma::EpochInput {
    yuma::EpochInput {
        n: 5,
        current_block: 1_000,
        tempo: 99,
        activity_cutoff: 5_000,
        last_update: vec![990; 5],
        block_at_registration: vec![10; 5],
        alpha_stake: vec![600, 300, 100, 0, 0],
        tao_stake: vec![0; 5],
        validator_permit: vec![true, true, true, false, false],
        max_allowed_validators: 64,
        weights: vec![
            vec![(3, 50_000), (4, 15_535)],
            vec![(3, 40_000), (4, 25_535)],
            vec![(4, 65_535)],
            vec![],
            vec![],
        ],
        bonds: vec![vec![]; 5],
        kappa: 32_767,
        bonds_moving_average: 900_000,
        commit_blocks: vec![None; 5],
        rao_emission: 1_000_000_000,
        ..Default::default()
    }
}

#[test]
fn schedule_is_subtensors() {
    // (block + netuid + 1) % (tempo + 1) == 0
    assert!(is_epoch_block(0, 99, 99));
    assert!(is_epoch_block(1, 99, 98));
    assert!(!is_epoch_block(1, 99, 99));
    assert!(is_epoch_block(7, 360, 360 * 3 + 2 - 7));
    assert!(!is_epoch_block(0, 0, 0) && !is_epoch_block(3, 0, 12));
    assert!(is_epoch_block(0, u16::MAX, 65_535));
    assert!(is_epoch_block(0, 7, u64::MAX)); // the block wraps, as upstream's wrapping_add
}

#[test]
fn mechanism_indices() {
    assert_eq!(mechanism_index(7, 0), Some(7));
    assert_eq!(mechanism_index(7, 2), Some(7 + 2 * 4096));
    assert_eq!(mechanism_index(4095, 15), Some(u16::MAX));
    assert_eq!(mechanism_index(4096, 0), None);
    assert_eq!(mechanism_index(1, 16), None);
}

#[test]
fn hook_runs_due_subnets_only_and_carries_state() {
    set_rules_spec(None);
    new_test_ext().execute_with(|| {
        let input = subnet();
        // Due at block 1000: (1000 + 0 + 1) % 100 != 0, (1000 + 99 + 1) % 100 == 0.
        Yuma::insert_subnet(0, &input).unwrap();
        Yuma::insert_subnet(99, &input).unwrap();
        System::set_block_number(1_000);
        Yuma::on_initialize(1_000);
        assert_eq!(LastMechanismStepBlock::<Test>::get(99), 1_000);
        assert_eq!(LastMechanismStepBlock::<Test>::get(0), 0);
        assert_eq!(PendingEmission::<Test>::get(99), 0);
        assert_eq!(PendingEmission::<Test>::get(0), 1_000_000_000);
        let expected = yuma::epoch(&input).unwrap();
        for uid in 0..5u16 {
            assert_eq!(
                Bonds::<Test>::get(99, uid),
                expected.bonds[usize::from(uid)]
            );
        }
        // The next epoch's input is the carried-forward state.
        let SubnetInput::Single(next) = Yuma::epoch_input(99, 1_100).unwrap() else {
            panic!("mechanisms");
        };
        let mut want = yuma::simulate::transition(&input, &expected);
        want.current_block = 1_100;
        want.rao_emission = 0;
        assert_eq!(next, want);
    });
}

#[test]
fn failed_epoch_is_an_event_and_changes_nothing() {
    set_rules_spec(Some(500)); // newer than the crate reproduces
    new_test_ext().execute_with(|| {
        let input = subnet();
        Yuma::insert_subnet(99, &input).unwrap();
        System::set_block_number(1_000);
        Yuma::on_initialize(1_000);
        let events: Vec<_> = System::events().into_iter().map(|r| r.event).collect();
        assert_eq!(
            events,
            vec![RuntimeEvent::Yuma(Event::EpochFailed {
                netuid: 99,
                error: Error::<Test>::UnsupportedRuntime.into(),
            })]
        );
        assert_eq!(LastMechanismStepBlock::<Test>::get(99), 0);
        assert_eq!(PendingEmission::<Test>::get(99), 1_000_000_000);
    });
    set_rules_spec(None);
}

#[test]
fn errors_are_values() {
    set_rules_spec(None);
    new_test_ext().execute_with(|| {
        assert_eq!(
            Yuma::run_epoch(3, 1),
            Err(Error::<Test>::SubnetNotFound.into())
        );
        let mut bad = subnet();
        bad.alpha_stake.pop(); // a short stake vector reads as 0 for the missing uid
        Yuma::insert_subnet(3, &bad).unwrap();
        assert!(Yuma::run_epoch(3, 1_000).is_ok());
        bad.block_at_registration.pop();
        assert!(matches!(
            Yuma::insert_subnet(4, &bad),
            Err(Error::<Test>::InputLength)
        ));
        let partial = yuma::MechanismsInput {
            mechanisms: vec![subnet()],
            miner_budget: Some(1),
            ..Default::default()
        };
        assert!(matches!(
            Yuma::insert_mechanisms(5, &partial),
            Err(Error::<Test>::PartialBudgets)
        ));
        let many = yuma::MechanismsInput {
            mechanisms: vec![subnet(); 17],
            ..Default::default()
        };
        assert!(matches!(
            Yuma::insert_mechanisms(6, &many),
            Err(Error::<Test>::MechanismIndex)
        ));
        assert!(Tempo::<Test>::get(6).is_none());
    });
}

#[test]
fn weight_is_compute_plus_counted_accesses() {
    use crate::WeightInfo;
    set_rules_spec(None);
    new_test_ext().execute_with(|| {
        let input = subnet();
        Yuma::insert_subnet(99, &input).unwrap();
        let expected = yuma::epoch(&input).unwrap();
        let changed_bonds = expected.bonds.iter().filter(|r| !r.is_empty()).count() as u64;
        let weight_rows = input.weights.iter().filter(|r| !r.is_empty()).count() as u64;
        let entries = input.stored_entries() as u32;
        // Reads: the tempo scan (1), 26 subnet items, 5 registration blocks, 5 per-mechanism
        // items, the stored weight rows, the event's counters (2). Writes: incentive, the bond
        // rows that changed, 15 subnet items.
        let reads = 1 + 26 + 5 + 5 + weight_rows + 2;
        let writes = 1 + changed_bonds + 15;
        let db = <Test as frame_system::Config>::DbWeight::get();
        System::set_block_number(1_000);
        assert_eq!(
            Yuma::on_initialize(1_000),
            <() as WeightInfo>::epoch_yuma2(5, entries)
                .saturating_add(db.reads_writes(reads, writes))
        );
    });
}
