//! Finding the epoch block B, and the subnet-level items of the state the epoch read: their keys
//! and their values.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::{read_all, Batch, Slot, SubnetItems, Target, Values};
use crate::chain::decode;
use crate::chain::items::{self as it};
use crate::chain::keys::StorageKey;
use crate::chain::{ChainError, Hash, Reader};
use crate::{ConsensusMode, EpochConsensus};

/// Finds the epoch block B for `target`: `(B, hash of B)`.
pub(super) fn resolve<R: Reader + ?Sized>(
    reader: &mut R,
    netuid: u16,
    target: Target,
) -> Result<(u64, Hash), ChainError> {
    let (at_number, at) = match target {
        Target::Block(b) => match reader.block_hash(Some(b))? {
            Some(h) => (b, h),
            None => {
                let best = match reader.block_hash(None)? {
                    Some(h) => reader.header(&h)?.map(|hd| hd.number),
                    None => None,
                };
                return Err(ChainError::Argument(match best {
                    Some(best) => format!(
                        "block {b} does not exist on this chain (the node's best block is {best})"
                    ),
                    None => format!("block {b} does not exist on this chain"),
                }));
            }
        },
        Target::Latest => {
            let best = reader.block_hash(None)?.ok_or_else(|| ChainError::Node {
                method: String::from("chain_getBlockHash"),
                message: String::from("no best block"),
            })?;
            let header = reader.header(&best)?.ok_or_else(|| ChainError::Node {
                method: String::from("chain_getHeader"),
                message: String::from("no header for its own best block"),
            })?;
            (header.number, best)
        }
    };
    let mut b = Batch::new(at, at_number);
    let added = b.add(
        it::networks_added(netuid),
        format!("NetworksAdded[{netuid}]"),
    );
    let step = b.add(
        it::last_mechanism_step_block(netuid),
        format!("LastMechansimStepBlock[{netuid}]"),
    );
    let v = read_all(reader, vec![b])?;
    let v = v
        .first()
        .ok_or_else(|| ChainError::Argument(String::new()))?;
    if !v.or(added, false)? {
        return Err(ChainError::Argument(format!(
            "subnet {netuid} does not exist at block {at_number} (NetworksAdded[{netuid}] is not set)"
        )));
    }
    let last: u64 = v.or(step, 0)?;
    match target {
        Target::Block(0) => Err(ChainError::Argument(String::from("block 0 runs no epoch"))),
        Target::Block(block) if last != block => Err(ChainError::Argument(if last == 0 {
            format!("no epoch of subnet {netuid} ran at block {block}: it has run none by then")
        } else {
            format!(
                "no epoch of subnet {netuid} ran at block {block}: its last epoch by then ran at \
                 block {last} (LastMechansimStepBlock[{netuid}] at {block}); fetch --block {last}, \
                 or --epoch latest"
            )
        })),
        Target::Block(block) => Ok((block, at)),
        Target::Latest if last == 0 => Err(ChainError::Argument(format!(
            "subnet {netuid} has run no epoch by block {at_number}"
        ))),
        Target::Latest => {
            let h = reader.block_hash(Some(last))?.ok_or_else(|| {
                ChainError::Argument(format!(
                    "block {last} (the last epoch of subnet {netuid}) is not known to this node"
                ))
            })?;
            Ok((last, h))
        }
    }
}

pub(super) fn read_subnet(v: &Values, s: &SubnetSlots) -> Result<SubnetItems, ChainError> {
    Ok(SubnetItems {
        n: v.or(s.n, 0)?,
        tempo: v.or(s.tempo, 360)?,
        cutoff_factor_milli: v.or(s.cutoff, 13_889)?,
        last_mechanism_step_block: v.or(s.step, 0)?,
        owner_hotkey: v.opt(s.owner)?,
        validator_permit: v.or(s.permit, Vec::new())?,
        max_allowed_validators: v.or(s.max_validators, 128)?,
        kappa: v.or(s.kappa, 32_767)?,
        bonds_penalty: v.or(s.penalty, u16::MAX)?,
        bonds_moving_average: v.or(s.bma, 900_000)?,
        yuma3: v.or(s.yuma3, false)?,
        liquid_alpha: v.or(s.liquid_alpha, false)?,
        alpha: v.or(s.alpha, (45_875, 58_982))?,
        steepness: v.or(s.steepness, 1000)?,
        commit_reveal: v.or(s.commit_reveal, true)?,
        reveal_period: v.or(s.reveal_period, 1)?,
        epoch_index: v.or(s.epoch_index, 0)?,
        mechanisms: v.or(s.mechanisms, 1)?,
        split: v.opt(s.split)?,
        pending: [
            v.or(s.pending[0], 0)?,
            v.or(s.pending[1], 0)?,
            v.or(s.pending[2], 0)?,
        ],
        tao_weight: v.or(s.tao_weight, 971_718_665_099_567_868)?,
        stake_threshold: v.or(s.stake_threshold, 0)?,
        consensus_mode: match s.newer.and_then(|n| v.raw(n.mode)) {
            Some(b) => decode::consensus_mode(b, "LiquidAlphaConsensusMode", v.block)?,
            None => ConsensusMode::Auto,
        },
        last_yuma_step_block: match s.newer {
            Some(n) => v.opt(n.yuma_step)?,
            None => None,
        },
        epoch_consensus: match s.newer.and_then(|n| v.raw(n.consensus)) {
            Some(b) => decode::epoch_consensus(b, "SubnetEpochConsensus", v.block)?,
            None => EpochConsensus::Yuma,
        },
    })
}

pub(super) struct SubnetSlots {
    pub(super) n: Slot,
    pub(super) tempo: Slot,
    pub(super) cutoff: Slot,
    pub(super) step: Slot,
    pub(super) owner: Slot,
    pub(super) permit: Slot,
    pub(super) max_validators: Slot,
    pub(super) kappa: Slot,
    pub(super) penalty: Slot,
    pub(super) bma: Slot,
    pub(super) yuma3: Slot,
    pub(super) liquid_alpha: Slot,
    pub(super) alpha: Slot,
    pub(super) steepness: Slot,
    pub(super) commit_reveal: Slot,
    pub(super) reveal_period: Slot,
    pub(super) epoch_index: Slot,
    pub(super) mechanisms: Slot,
    pub(super) split: Slot,
    pub(super) pending: [Slot; 3],
    pub(super) tao_weight: Slot,
    pub(super) stake_threshold: Slot,
    pub(super) added: Slot,
    pub(super) newer: Option<NewerSlots>,
}

#[derive(Clone, Copy)]
pub(super) struct NewerSlots {
    mode: Slot,
    yuma_step: Slot,
    consensus: Slot,
}

pub(super) fn subnet_slots(b: &mut Batch, netuid: u16, newer: bool) -> SubnetSlots {
    let mut add = |key: StorageKey, item: &str| b.add(key, format!("{item}[{netuid}]"));
    SubnetSlots {
        n: add(it::subnetwork_n(netuid), "SubnetworkN"),
        tempo: add(it::tempo(netuid), "Tempo"),
        cutoff: add(
            it::activity_cutoff_factor_milli(netuid),
            "ActivityCutoffFactorMilli",
        ),
        step: add(
            it::last_mechanism_step_block(netuid),
            "LastMechansimStepBlock",
        ),
        owner: add(it::subnet_owner_hotkey(netuid), "SubnetOwnerHotkey"),
        permit: add(it::validator_permit(netuid), "ValidatorPermit"),
        max_validators: add(it::max_allowed_validators(netuid), "MaxAllowedValidators"),
        kappa: add(it::kappa(netuid), "Kappa"),
        penalty: add(it::bonds_penalty(netuid), "BondsPenalty"),
        bma: add(it::bonds_moving_average(netuid), "BondsMovingAverage"),
        yuma3: add(it::yuma3_on(netuid), "Yuma3On"),
        liquid_alpha: add(it::liquid_alpha_on(netuid), "LiquidAlphaOn"),
        alpha: add(it::alpha_values(netuid), "AlphaValues"),
        steepness: add(it::alpha_sigmoid_steepness(netuid), "AlphaSigmoidSteepness"),
        commit_reveal: add(
            it::commit_reveal_weights_enabled(netuid),
            "CommitRevealWeightsEnabled",
        ),
        reveal_period: add(it::reveal_period_epochs(netuid), "RevealPeriodEpochs"),
        epoch_index: add(it::subnet_epoch_index(netuid), "SubnetEpochIndex"),
        mechanisms: add(it::mechanism_count_current(netuid), "MechanismCountCurrent"),
        split: add(
            it::mechanism_emission_split(netuid),
            "MechanismEmissionSplit",
        ),
        pending: [
            add(it::pending_server_emission(netuid), "PendingServerEmission"),
            add(
                it::pending_validator_emission(netuid),
                "PendingValidatorEmission",
            ),
            add(it::pending_root_alpha_divs(netuid), "PendingRootAlphaDivs"),
        ],
        tao_weight: b.add(it::tao_weight(), String::from("TaoWeight")),
        stake_threshold: b.add(it::stake_threshold(), String::from("StakeThreshold")),
        added: b.add(
            it::networks_added(netuid),
            format!("NetworksAdded[{netuid}]"),
        ),
        newer: newer.then(|| NewerSlots {
            mode: b.add(
                it::liquid_alpha_consensus_mode(netuid),
                format!("LiquidAlphaConsensusMode[{netuid}]"),
            ),
            yuma_step: b.add(
                it::last_yuma_step_block(netuid),
                format!("LastYumaStepBlock[{netuid}]"),
            ),
            consensus: b.add(
                it::subnet_epoch_consensus(netuid),
                format!("SubnetEpochConsensus[{netuid}]"),
            ),
        }),
    }
}
