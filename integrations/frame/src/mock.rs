//! A mock runtime: `frame_system` and this pallet.

use core::cell::Cell;

use frame_support::{construct_runtime, derive_impl, traits::Get};
use sp_runtime::BuildStorage;

use crate as pallet_yuma;

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
    pub enum Test {
        System: frame_system,
        Yuma: pallet_yuma,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type DbWeight = frame_support::weights::constants::RocksDbWeight;
}

thread_local! {
    static RULES_SPEC: Cell<Option<u32>> = const { Cell::new(None) };
}

/// The rules the mock runtime computes: set per test (a real runtime fixes them).
pub struct RulesSpec;

impl Get<Option<u32>> for RulesSpec {
    fn get() -> Option<u32> {
        RULES_SPEC.with(Cell::get)
    }
}

/// Sets the spec whose rules the mock runtime's epochs follow (this thread).
pub fn set_rules_spec(spec: Option<u32>) {
    RULES_SPEC.with(|c| c.set(spec));
}

impl pallet_yuma::Config for Test {
    type RulesSpec = RulesSpec;
    type WeightInfo = ();
}

/// Empty genesis storage.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .unwrap_or_default();
    storage.into()
}
