//! [`fetch_epoch`]: the reads of one epoch, stage by stage ([`STAGES`]), from resolving the block
//! to recovering the emission. One function whose stages build on each other's locals, so it is
//! one concept that reads best whole, past the ~600-line rule.
//!
//! [`STAGES`]: super::STAGES

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::emission::{issuance_increment, recover_emission, EmissionCheck, Shape};
use super::subnet::{read_subnet, resolve, subnet_slots};
use super::{
    account_of, hex_short, read_all, report, suffixes, u16_of, u64_of, Batch, FetchOptions,
    Mechanism, Progress, Slot, Target,
};
use crate::chain::decode::{Account, TimelockedCommit};
use crate::chain::items::{self as it, mechanism_index, ROOT};
use crate::chain::keys::{to_hex, Hasher, StorageKey};
use crate::chain::snapshot::{
    ChainSnapshot, MaskedUid, RaoProvenance, SnapshotMeta, StoredResults,
};
use crate::chain::stake::{uid_stake, Edge};
use crate::chain::{ChainError, Hash, Reader};
use crate::runtime::Rules;
use crate::{EpochInput, SparseRowU16};

/// Reads what the epoch of subnet `netuid` at `target` read and stored: its chain snapshot.
///
/// The reads are batched by stage ([`STAGES`]), so the number of round trips does not grow with
/// the subnet's size. `progress` is called at the start of each stage.
///
/// Errors: [`ChainError::Argument`] for a block that does not exist, a subnet that does not exist
/// at it, a block where no epoch of the subnet ran; [`ChainError::UnsupportedRuntime`] for a
/// runtime this version does not reproduce (unless `opts.assume_spec`); node, network and decode
/// errors from the reader and the values.
///
/// [`STAGES`]: super::STAGES
pub fn fetch_epoch<R: Reader + ?Sized>(
    reader: &mut R,
    netuid: u16,
    target: Target,
    opts: &FetchOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ChainSnapshot, ChainError> {
    if netuid == ROOT {
        return Err(ChainError::Argument(String::from(
            "netuid 0 is the root subnet, which runs no Yuma epoch",
        )));
    }
    if netuid >= 4096 {
        return Err(ChainError::Argument(format!(
            "netuid {netuid} is out of range (subnets are numbered below 4096)"
        )));
    }
    report(progress, 0);
    let (block, hash_b) = resolve(reader, netuid, target)?;
    let header_b = reader.header(&hash_b)?.ok_or_else(|| ChainError::Node {
        method: String::from("chain_getHeader"),
        message: format!("no header for block {block}"),
    })?;
    if header_b.number != block {
        return Err(ChainError::Node {
            method: String::from("chain_getHeader"),
            message: format!(
                "block {block}'s header says it is block {}",
                header_b.number
            ),
        });
    }
    let before = block.saturating_sub(1);
    let hash_p = header_b.parent;

    report(progress, 1);
    let spec = reader.spec_version(&hash_p)?;
    let mut warnings: Vec<String> = Vec::new();
    let hash_pp = if before > 0 {
        let h = reader.header(&hash_p)?.ok_or_else(|| ChainError::Node {
            method: String::from("chain_getHeader"),
            message: format!("no header for block {before}"),
        })?;
        let spec_pp = reader.spec_version(&h.parent)?;
        if spec_pp != spec {
            warnings.push(format!(
                "block {block} is the first block of runtime {spec} (block {} ran {spec_pp}): its \
                 migrations ran before the epoch, so state read at block {before} may differ from \
                 what the epoch read",
                before.saturating_sub(1)
            ));
        }
        Some(h.parent)
    } else {
        None
    };
    let rules = Rules::for_spec(Some(spec), opts.assume_spec).map_err(|_| {
        ChainError::UnsupportedRuntime {
            spec_version: spec,
            block,
        }
    })?;
    let newer = rules.liquid_alpha_consensus_modes();

    // Stage 3: the subnet's items before (B − 1) and after (B).
    report(progress, 2);
    let mut pre = Batch::new(hash_p, before);
    let s = subnet_slots(&mut pre, netuid, newer);
    let mut post = Batch::new(hash_b, block);
    let n_after = post.add(it::subnetwork_n(netuid), format!("SubnetworkN[{netuid}]"));
    let r_active = post.add(it::active(netuid), format!("Active[{netuid}]"));
    let r_emission = post.add(it::emission(netuid), format!("Emission[{netuid}]"));
    let r_consensus = post.add(it::consensus(netuid), format!("Consensus[{netuid}]"));
    let r_dividends = post.add(it::dividends(netuid), format!("Dividends[{netuid}]"));
    let r_trust = post.add(
        it::validator_trust(netuid),
        format!("ValidatorTrust[{netuid}]"),
    );
    let r_permit = post.add(
        it::validator_permit(netuid),
        format!("ValidatorPermit[{netuid}]"),
    );
    let r_weight = post.add(it::stake_weight(netuid), format!("StakeWeight[{netuid}]"));
    let alpha_out = post.add(
        it::subnet_alpha_out_emission(netuid),
        format!("SubnetAlphaOutEmission[{netuid}]"),
    );
    let cut_on = post.add(
        it::owner_cut_enabled(netuid),
        format!("OwnerCutEnabled[{netuid}]"),
    );
    let cut = post.add(it::subnet_owner_cut(), String::from("SubnetOwnerCut"));
    let mut batches = vec![pre, post];
    let mut pools_pp = None;
    if let Some(h) = hash_pp {
        let mut pp = Batch::new(h, before.saturating_sub(1));
        pools_pp = Some([
            pp.add(
                it::pending_server_emission(netuid),
                format!("PendingServerEmission[{netuid}]"),
            ),
            pp.add(
                it::pending_validator_emission(netuid),
                format!("PendingValidatorEmission[{netuid}]"),
            ),
            pp.add(
                it::pending_root_alpha_divs(netuid),
                format!("PendingRootAlphaDivs[{netuid}]"),
            ),
        ]);
        batches.push(pp);
    }
    let vals = read_all(reader, batches)?;
    let (Some(vpre), Some(vpost)) = (vals.first(), vals.get(1)) else {
        return Err(ChainError::Argument(String::new()));
    };
    if !vpre.or(s.added, false)? {
        return Err(ChainError::Argument(format!(
            "subnet {netuid} did not exist at block {before}, before its epoch at block {block}"
        )));
    }
    let sub = read_subnet(vpre, &s)?;
    let n = sub.n;
    let count = sub.mechanisms;
    if count == 0 || count > 16 {
        return Err(ChainError::Decode {
            item: format!("SubtensorModule::MechanismCountCurrent[{netuid}]"),
            block: before,
            reason: format!("{count} mechanisms (a subnet has 1 to 16)"),
        });
    }
    let pools_before = sub.pending;
    let pools_pp: Option<[u64; 3]> = match (pools_pp, vals.get(2)) {
        (Some(sl), Some(v)) => Some([v.or(sl[0], 0)?, v.or(sl[1], 0)?, v.or(sl[2], 0)?]),
        _ => None,
    };
    let a0: u64 = vpost.or(alpha_out, 0)?;
    let owner_cut_on: bool = vpost.or(cut_on, true)?;
    let owner_cut: u16 = vpost.or(cut, 11_796)?;
    let mut chain = StoredResults {
        active: vpost.or(r_active, Vec::new())?,
        emission: vpost.or(r_emission, Vec::new())?,
        consensus: vpost.or(r_consensus, Vec::new())?,
        dividends: vpost.or(r_dividends, Vec::new())?,
        validator_trust: vpost.or(r_trust, Vec::new())?,
        validator_permit: vpost.or(r_permit, Vec::new())?,
        stake_weight: vpost.or(r_weight, Vec::new())?,
        incentive: Vec::new(),
        bonds: Vec::new(),
        consensus_by_mechanism: None,
    };
    let n_after: u16 = vpost.or(n_after, 0)?;
    if n_after != n {
        warnings.push(format!(
            "the subnet had {n} uids before block {block} and {n_after} after it: registrations in \
             block {block} are taken to follow the epoch (an owner-hotkey registration before the \
             epoch is not detected)"
        ));
    }

    // Stage 4: key listings.
    report(progress, 3);
    let keys_prefix = it::keys_prefix(netuid);
    let indices: Vec<u16> = (0..count).map(|k| mechanism_index(netuid, k)).collect();
    let mut lists: Vec<(Hash, StorageKey)> =
        vec![(hash_p, keys_prefix.clone()), (hash_b, keys_prefix.clone())];
    for &idx in &indices {
        lists.push((hash_p, it::weights_prefix(idx)));
        lists.push((hash_p, it::bonds_prefix(idx)));
        lists.push((hash_p, it::weight_commits_prefix(idx)));
        lists.push((hash_p, it::timelocked_weight_commits_prefix(idx)));
        lists.push((hash_b, it::bonds_prefix(idx)));
        lists.push((hash_b, it::timelocked_weight_commits_prefix(idx)));
    }
    let listed = reader.keys_many(&lists)?;
    if listed.len() != lists.len() {
        return Err(ChainError::Node {
            method: String::from("state_getKeysPaged"),
            message: String::from("fewer listings than prefixes"),
        });
    }
    let list = |i: usize| listed.get(i).map_or(&[][..], Vec::as_slice);

    // Stage 5: values of the listed keys, and the per-mechanism vectors.
    report(progress, 4);
    let mut pre = Batch::new(hash_p, before);
    let mut post = Batch::new(hash_b, block);
    let keys_pre = suffixes(list(0), &keys_prefix, Hasher::Identity, 2, "Keys", before)?;
    let keys_post = suffixes(list(1), &keys_prefix, Hasher::Identity, 2, "Keys", block)?;
    let hk_pre: Vec<(u16, Slot)> = keys_pre
        .iter()
        .map(|(k, s)| {
            let uid = u16_of(s);
            (uid, pre.add((*k).clone(), format!("Keys[{netuid}, {uid}]")))
        })
        .collect();
    let hk_post: Vec<(u16, Slot)> = keys_post
        .iter()
        .map(|(k, s)| {
            let uid = u16_of(s);
            (
                uid,
                post.add((*k).clone(), format!("Keys[{netuid}, {uid}]")),
            )
        })
        .collect();
    struct MechSlots {
        last_update: Slot,
        weights: Vec<(u16, Slot)>,
        bonds: Vec<(u16, Slot)>,
        hash_commits: Vec<(Account, Slot)>,
        timelocked_before: Vec<(u64, Slot)>,
        timelocked_after: Vec<(u64, Slot)>,
        bonds_after: Vec<(u16, Slot)>,
        incentive: Slot,
        consensus_before: Option<Slot>,
        consensus_after: Option<Slot>,
    }
    let mut mslots: Vec<MechSlots> = Vec::new();
    for (k, &idx) in indices.iter().enumerate() {
        let base = 2usize.saturating_add(k.saturating_mul(6));
        let rows = |b: &mut Batch, keys: &[StorageKey], prefix: StorageKey, item: &str, at: u64| {
            suffixes(keys, &prefix, Hasher::Identity, 2, item, at).map(|v| {
                v.into_iter()
                    .map(|(key, s)| {
                        let uid = u16_of(s);
                        (uid, b.add(key.clone(), format!("{item}[{idx}, {uid}]")))
                    })
                    .collect::<Vec<_>>()
            })
        };
        let weights = rows(
            &mut pre,
            list(base),
            it::weights_prefix(idx),
            "Weights",
            before,
        )?;
        let bonds = rows(
            &mut pre,
            list(base.saturating_add(1)),
            it::bonds_prefix(idx),
            "Bonds",
            before,
        )?;
        let hash_commits = suffixes(
            list(base.saturating_add(2)),
            &it::weight_commits_prefix(idx),
            Hasher::Twox64Concat,
            32,
            "WeightCommits",
            before,
        )?
        .into_iter()
        .map(|(key, s)| {
            let who = account_of(s);
            (
                who,
                pre.add(
                    key.clone(),
                    format!("WeightCommits[{idx}, {}]", hex_short(&who)),
                ),
            )
        })
        .collect();
        let tl = |b: &mut Batch, keys: &[StorageKey], at: u64| {
            suffixes(
                keys,
                &it::timelocked_weight_commits_prefix(idx),
                Hasher::Twox64Concat,
                8,
                "TimelockedWeightCommits",
                at,
            )
            .map(|v| {
                v.into_iter()
                    .map(|(key, s)| {
                        let e = u64_of(s);
                        (
                            e,
                            b.add(key.clone(), format!("TimelockedWeightCommits[{idx}, {e}]")),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        };
        let timelocked_before = tl(&mut pre, list(base.saturating_add(3)), before)?;
        let bonds_after = rows(
            &mut post,
            list(base.saturating_add(4)),
            it::bonds_prefix(idx),
            "Bonds",
            block,
        )?;
        let timelocked_after = tl(&mut post, list(base.saturating_add(5)), block)?;
        mslots.push(MechSlots {
            last_update: pre.add(it::last_update(idx), format!("LastUpdate[{idx}]")),
            weights,
            bonds,
            hash_commits,
            timelocked_before,
            timelocked_after,
            bonds_after,
            incentive: post.add(it::incentive(idx), format!("Incentive[{idx}]")),
            consensus_before: newer.then(|| {
                pre.add(
                    it::consensus_by_mechanism(idx),
                    format!("ConsensusByMechanism[{idx}]"),
                )
            }),
            consensus_after: newer.then(|| {
                post.add(
                    it::consensus_by_mechanism(idx),
                    format!("ConsensusByMechanism[{idx}]"),
                )
            }),
        });
    }
    let vals = read_all(reader, vec![pre, post])?;
    let (Some(vpre), Some(vpost)) = (vals.first(), vals.get(1)) else {
        return Err(ChainError::Argument(String::new()));
    };
    let mut hotkeys_pre: BTreeMap<u16, Account> = BTreeMap::new();
    for (uid, sl) in &hk_pre {
        if let Some(a) = vpre.opt::<Account>(*sl)? {
            hotkeys_pre.insert(*uid, a);
        }
    }
    let mut hotkeys_post: BTreeMap<u16, Account> = BTreeMap::new();
    for (uid, sl) in &hk_post {
        if let Some(a) = vpost.opt::<Account>(*sl)? {
            hotkeys_post.insert(*uid, a);
        }
    }
    let mut mechs: Vec<Mechanism> = Vec::new();
    for (ms, &idx) in mslots.iter().zip(&indices) {
        let mut m = Mechanism {
            index: idx,
            last_update: vpre.or(ms.last_update, Vec::new())?,
            ..Mechanism::default()
        };
        for (uid, sl) in &ms.weights {
            m.weights.insert(*uid, vpre.or(*sl, Vec::new())?);
        }
        for (uid, sl) in &ms.bonds {
            m.bonds.insert(*uid, vpre.or(*sl, Vec::new())?);
        }
        for (who, sl) in &ms.hash_commits {
            m.hash_commits.push((*who, vpre.or(*sl, Vec::new())?));
        }
        for (e, sl) in &ms.timelocked_before {
            m.timelocked_before.insert(*e, vpre.or(*sl, Vec::new())?);
        }
        for (e, sl) in &ms.timelocked_after {
            m.timelocked_after.insert(*e, vpost.or(*sl, Vec::new())?);
        }
        for (uid, sl) in &ms.bonds_after {
            m.bonds_after.insert(*uid, vpost.or(*sl, Vec::new())?);
        }
        m.incentive = vpost.or(ms.incentive, Vec::new())?;
        if let Some(sl) = ms.consensus_before {
            m.previous_consensus = vpre.or(sl, Vec::new())?;
        }
        if let Some(sl) = ms.consensus_after {
            m.consensus_after = vpost.or(sl, Vec::new())?;
        }
        mechs.push(m);
    }

    // Who committed under which uid: the hotkeys the epoch's terms came from (`Keys` at B − 1).
    let uid_of: BTreeMap<Account, u16> = hotkeys_pre.iter().map(|(u, a)| (*a, *u)).collect();
    let epoch_now = sub.epoch_index.saturating_add(1);
    let reveal_epoch = epoch_now.checked_sub(sub.reveal_period);
    // Commits revealed (or dropped) in block B before the epoch: those of the reveal epoch that
    // are gone at B.
    let mut revealed: Vec<BTreeSet<u16>> = Vec::new();
    for m in &mechs {
        let mut set = BTreeSet::new();
        if let Some(re) = reveal_epoch {
            let before_q = m.timelocked_before.get(&re).map_or(&[][..], Vec::as_slice);
            let mut after_q: Vec<&TimelockedCommit> = m
                .timelocked_after
                .get(&re)
                .map(|q| q.iter().collect())
                .unwrap_or_default();
            for c in before_q {
                if let Some(pos) = after_q.iter().position(|a| *a == c) {
                    after_q.remove(pos);
                } else if let Some(&uid) = uid_of.get(&c.0) {
                    set.insert(uid);
                }
            }
        }
        revealed.push(set);
    }

    // Stage 6: per-hotkey stake, child keys, registration blocks; revealed rows at B.
    report(progress, 5);
    let mut pre = Batch::new(hash_p, before);
    let mut post = Batch::new(hash_b, block);
    struct UidSlots {
        uid: u16,
        hotkey: Account,
        alpha: Slot,
        root: Slot,
        children: Slot,
        parents: Slot,
        suspended: Option<Slot>,
    }
    let mut us: Vec<UidSlots> = Vec::new();
    let mut reg: Vec<(u16, Slot, Slot)> = Vec::new();
    for uid in 0..n {
        let b_pre = pre.add(
            it::block_at_registration(netuid, uid),
            format!("BlockAtRegistration[{netuid}, {uid}]"),
        );
        let b_post = post.add(
            it::block_at_registration(netuid, uid),
            format!("BlockAtRegistration[{netuid}, {uid}]"),
        );
        reg.push((uid, b_pre, b_post));
        if let Some(hk) = hotkeys_pre.get(&uid) {
            let short = hex_short(hk);
            us.push(UidSlots {
                uid,
                hotkey: *hk,
                alpha: pre.add(
                    it::total_hotkey_alpha(hk, netuid),
                    format!("TotalHotkeyAlpha[{short}, {netuid}]"),
                ),
                root: pre.add(
                    it::total_hotkey_alpha(hk, ROOT),
                    format!("TotalHotkeyAlpha[{short}, 0]"),
                ),
                children: pre.add(
                    it::child_keys(hk, netuid),
                    format!("ChildKeys[{short}, {netuid}]"),
                ),
                parents: pre.add(
                    it::parent_keys(hk, netuid),
                    format!("ParentKeys[{short}, {netuid}]"),
                ),
                suspended: newer.then(|| {
                    pre.add(
                        it::childkey_threshold_suspended(hk),
                        format!("ChildkeyThresholdSuspended[{short}]"),
                    )
                }),
            });
        }
    }
    let owner_uid_slot = sub.owner_hotkey.map(|hk| {
        pre.add(
            it::uids(netuid, &hk),
            format!("Uids[{netuid}, {}]", hex_short(&hk)),
        )
    });
    let mut revealed_rows: Vec<Vec<(u16, Slot)>> = Vec::new();
    for (m, set) in mechs.iter().zip(&revealed) {
        revealed_rows.push(
            set.iter()
                .map(|&uid| {
                    (
                        uid,
                        post.add(
                            it::weights(m.index, uid),
                            format!("Weights[{}, {uid}]", m.index),
                        ),
                    )
                })
                .collect(),
        );
    }
    let vals = read_all(reader, vec![pre, post])?;
    let (Some(vpre), Some(vpost)) = (vals.first(), vals.get(1)) else {
        return Err(ChainError::Argument(String::new()));
    };
    let owner_uid: Option<u16> = match owner_uid_slot {
        Some(sl) => vpre.opt(sl)?,
        None => None,
    };
    let mut registered: Vec<u64> = vec![0; usize::from(n)];
    let mut masked: Vec<MaskedUid> = Vec::new();
    for &(uid, b_pre, b_post) in &reg {
        let at_pre: u64 = vpre.or(b_pre, 0)?;
        let at_post: u64 = vpost.or(b_post, 0)?;
        if hotkeys_pre.contains_key(&uid) {
            if let Some(r) = registered.get_mut(usize::from(uid)) {
                *r = at_pre;
            }
        }
        let hk_changed = hotkeys_pre.get(&uid) != hotkeys_post.get(&uid);
        if hk_changed || at_pre != at_post {
            masked.push(MaskedUid {
                uid,
                reason: format!(
                    "re-registered in block {block} after the epoch ({} changed): the chain \
                     overwrote its results",
                    if hk_changed {
                        "Keys"
                    } else {
                        "BlockAtRegistration"
                    }
                ),
            });
        }
    }
    for (m, rows) in mechs.iter_mut().zip(&revealed_rows) {
        for &(uid, sl) in rows {
            let row: SparseRowU16 = vpost.or(sl, Vec::new())?;
            if masked.iter().any(|x| x.uid == uid) {
                warnings.push(format!(
                    "uid {uid} revealed weights in block {block} and was re-registered in it: its \
                     row (mechanism {}) is read at {block} and may not be what the epoch read",
                    m.index / 4096
                ));
            }
            m.weights.insert(uid, row);
            if !sub.commit_reveal && uid < n {
                // A reveal with commit-reveal off also stamps LastUpdate (padded to n).
                if m.last_update.len() < usize::from(n) {
                    m.last_update.resize(usize::from(n), 0);
                }
                if let Some(x) = m.last_update.get_mut(usize::from(uid)) {
                    *x = block;
                }
            }
        }
    }
    // Own stakes and edges.
    struct Own {
        alpha: u64,
        root: u64,
        children: Vec<(u64, Account)>,
        parents: Vec<(u64, Account)>,
        suspended: bool,
    }
    let mut own: Vec<(u16, Account, Own)> = Vec::new();
    for u in &us {
        own.push((
            u.uid,
            u.hotkey,
            Own {
                alpha: vpre.or(u.alpha, 0)?,
                root: vpre.or(u.root, 0)?,
                children: vpre.or(u.children, Vec::new())?,
                parents: vpre.or(u.parents, Vec::new())?,
                suspended: u.suspended.is_some_and(|s| vpre.present(s)),
            },
        ));
    }

    // Stage 7: parents that are not among the uids.
    report(progress, 6);
    let known: BTreeMap<Account, (u64, u64, bool)> = own
        .iter()
        .map(|(_, hk, o)| (*hk, (o.alpha, o.root, o.suspended)))
        .collect();
    let mut wanted: BTreeSet<Account> = BTreeSet::new();
    for (_, _, o) in &own {
        for (_, p) in &o.parents {
            if !known.contains_key(p) {
                wanted.insert(*p);
            }
        }
    }
    let mut pre = Batch::new(hash_p, before);
    let pslots: Vec<(Account, Slot, Slot, Option<Slot>)> = wanted
        .iter()
        .map(|p| {
            let short = hex_short(p);
            (
                *p,
                pre.add(
                    it::total_hotkey_alpha(p, netuid),
                    format!("TotalHotkeyAlpha[{short}, {netuid}]"),
                ),
                pre.add(
                    it::total_hotkey_alpha(p, ROOT),
                    format!("TotalHotkeyAlpha[{short}, 0]"),
                ),
                newer.then(|| {
                    pre.add(
                        it::childkey_threshold_suspended(p),
                        format!("ChildkeyThresholdSuspended[{short}]"),
                    )
                }),
            )
        })
        .collect();
    let mut parents_info = known;
    if !pslots.is_empty() {
        let vals = read_all(reader, vec![pre])?;
        let Some(v) = vals.first() else {
            return Err(ChainError::Argument(String::new()));
        };
        for (p, a, r, susp) in &pslots {
            parents_info.insert(
                *p,
                (
                    v.or(*a, 0)?,
                    v.or(*r, 0)?,
                    susp.is_some_and(|s| v.present(s)),
                ),
            );
        }
    }
    // Suspension (spec ≥ 446): a suspended parent lends nothing, unless it is the owner's hotkey.
    let lends = |who: &Account, suspended: bool| {
        !(newer && suspended && sub.owner_hotkey.as_ref() != Some(who))
    };
    let mut alpha_stake = vec![0u64; usize::from(n)];
    let mut tao_stake = vec![0u64; usize::from(n)];
    for (uid, hk, o) in &own {
        let children: Vec<u64> = if lends(hk, o.suspended) {
            o.children.iter().map(|(p, _)| *p).collect()
        } else {
            Vec::new()
        };
        let mut pa = Vec::new();
        let mut pr = Vec::new();
        for (p, parent) in &o.parents {
            let (a, r, susp) = parents_info.get(parent).copied().unwrap_or((0, 0, false));
            if lends(parent, susp) {
                pa.push(Edge {
                    proportion: *p,
                    parent_stake: a,
                });
                pr.push(Edge {
                    proportion: *p,
                    parent_stake: r,
                });
            }
        }
        let (a, t) = uid_stake(netuid, o.alpha, o.root, &children, &pa, &pr);
        if let (Some(x), Some(y)) = (
            alpha_stake.get_mut(usize::from(*uid)),
            tao_stake.get_mut(usize::from(*uid)),
        ) {
            *x = a;
            *y = t;
        }
    }

    // Commit blocks, as the epoch reduces the queues (expired: epoch_now > commit epoch + period).
    let expired = |ce: u64| epoch_now > ce.saturating_add(sub.reveal_period);
    let mut commit_blocks: Vec<Vec<Option<u64>>> = Vec::new();
    for m in &mechs {
        let mut cb: Vec<Option<u64>> = vec![None; usize::from(n)];
        let mut note = |uid: u16, at: u64| {
            if let Some(c) = cb.get_mut(usize::from(uid)) {
                *c = Some(c.map_or(at, |x| x.min(at)));
            }
        };
        for (who, q) in &m.hash_commits {
            if let Some(first) = q.iter().find(|c| !expired(c.1)) {
                if let Some(&uid) = uid_of.get(who) {
                    note(uid, first.2);
                }
            }
        }
        // The queues the epoch saw: B's for epochs before the current one (reveals and clean-up
        // of block B ran before the epoch), B − 1's from the current one on.
        let seen = m
            .timelocked_after
            .iter()
            .filter(|(e, _)| **e < epoch_now)
            .chain(m.timelocked_before.iter().filter(|(e, _)| **e >= epoch_now));
        for (e, q) in seen {
            if expired(*e) {
                continue;
            }
            for c in q {
                if let Some(&uid) = uid_of.get(&c.0) {
                    note(uid, c.1);
                }
            }
        }
        commit_blocks.push(cb);
    }

    // Where the chain wrote each uid's results: by position in Keys (B − 1).
    let stored_order: Vec<u16> = hotkeys_pre.keys().copied().collect();
    let identity = stored_order.len() == usize::from(n)
        && stored_order
            .iter()
            .enumerate()
            .all(|(p, &u)| usize::from(u) == p);
    if !identity {
        warnings.push(format!(
            "Keys[{netuid}] holds {} uids, not exactly 0..{n}: the chain wrote its result vectors \
             by position in Keys, and they are compared that way",
            stored_order.len()
        ));
    }

    let rows_of = |map: &BTreeMap<u16, SparseRowU16>| -> Vec<SparseRowU16> {
        let len = map
            .keys()
            .next_back()
            .map_or(0, |&u| usize::from(u).saturating_add(1))
            .max(usize::from(n));
        let mut rows = vec![Vec::new(); len];
        for (u, r) in map {
            if let Some(x) = rows.get_mut(usize::from(*u)) {
                x.clone_from(r);
            }
        }
        rows
    };
    let base = EpochInput {
        n,
        current_block: block,
        tempo: sub.tempo,
        activity_cutoff: (u64::from(sub.cutoff_factor_milli).saturating_mul(u64::from(sub.tempo))
            / 1000)
            .max(1),
        last_mechanism_step_block: sub.last_mechanism_step_block,
        last_update: Vec::new(),
        block_at_registration: registered,
        alpha_stake,
        tao_stake,
        tao_weight: sub.tao_weight,
        stake_threshold: sub.stake_threshold,
        owner_uid,
        validator_permit: sub.validator_permit.clone(),
        max_allowed_validators: sub.max_allowed_validators,
        weights: Vec::new(),
        bonds: Vec::new(),
        kappa: sub.kappa,
        bonds_penalty: sub.bonds_penalty,
        bonds_moving_average: sub.bonds_moving_average,
        yuma3_enabled: sub.yuma3,
        liquid_alpha_enabled: sub.liquid_alpha,
        alpha_low: sub.alpha.0,
        alpha_high: sub.alpha.1,
        alpha_sigmoid_steepness: sub.steepness,
        commit_reveal_enabled: sub.commit_reveal,
        commit_blocks: Vec::new(),
        rao_emission: 0,
        spec_version: Some(spec),
        liquid_alpha_consensus_mode: sub.consensus_mode,
        previous_consensus: Vec::new(),
        last_yuma_step_block: sub.last_yuma_step_block,
        epoch_consensus: sub.epoch_consensus,
        mining_budget: None,
        dividend_budget: None,
        fallback_budget: None,
    };
    let per_mechanism: Vec<EpochInput> = mechs
        .iter()
        .zip(commit_blocks)
        .map(|(m, cb)| EpochInput {
            last_update: m.last_update.clone(),
            weights: rows_of(&m.weights),
            bonds: rows_of(&m.bonds),
            commit_blocks: cb,
            previous_consensus: m.previous_consensus.clone(),
            ..base.clone()
        })
        .collect();
    for m in &mechs {
        chain.incentive.push(m.incentive.clone());
        let mut rows = vec![Vec::new(); usize::from(n)];
        for (u, r) in &m.bonds_after {
            if let Some(x) = rows.get_mut(usize::from(*u)) {
                x.clone_from(r);
            }
        }
        chain.bonds.push(rows);
    }
    if newer {
        chain.consensus_by_mechanism =
            Some(mechs.iter().map(|m| m.consensus_after.clone()).collect());
    }

    // Stage 8: the emission.
    report(progress, 7);
    let shape = Shape {
        base: per_mechanism,
        split: sub.split.clone(),
        newer,
        spec,
        epoch_consensus: sub.epoch_consensus,
        count,
    };
    let masked_uids: Vec<u16> = masked.iter().map(|m| m.uid).collect();
    let positions: Vec<Option<usize>> = (0..usize::from(n))
        .map(|uid| stored_order.iter().position(|&u| usize::from(u) == uid))
        .collect();
    let check = EmissionCheck {
        stored: &chain.emission,
        masked: &masked_uids,
        positions: &positions,
        assume: opts.assume_spec,
    };
    let increment = match pools_pp {
        Some(pp) if sub.last_mechanism_step_block < before => [
            pools_before[0].saturating_sub(pp[0]),
            pools_before[1].saturating_sub(pp[1]),
            pools_before[2].saturating_sub(pp[2]),
        ],
        // Drained at B − 1 (or B is block 1): what B − 1 added is all that is pending.
        _ => pools_before,
    };
    let from_issuance = issuance_increment(a0, owner_cut_on, owner_cut);
    let (budgets, provenance) =
        recover_emission(&shape, &check, pools_before, increment, from_issuance)?;
    let input = shape.build(budgets);
    let masked_sorted = {
        let mut m = masked;
        m.sort_by_key(|x| x.uid);
        m.dedup_by_key(|x| x.uid);
        m
    };
    let provenance = RaoProvenance {
        pending_before: pools_before,
        block_increment: increment,
        ..provenance
    };
    if !provenance.confirmed {
        warnings.push(format!(
            "rao_emission {}: {}",
            provenance.value, provenance.method
        ));
    }
    Ok(ChainSnapshot {
        input,
        chain,
        meta: SnapshotMeta {
            netuid,
            block,
            block_hash: to_hex(&hash_b),
            parent_hash: to_hex(&hash_p),
            spec_version: spec,
            rules: format!(
                "{}{}",
                rules.name(),
                if opts.assume_spec.is_some() {
                    " (assumed)"
                } else {
                    ""
                }
            ),
            mechanisms: count,
            rpc: opts.source.clone(),
            fetched_at: opts.fetched_at.clone(),
            masked_uids: masked_sorted,
            rao_emission: provenance,
            stored_uids: (!identity).then_some(stored_order),
            warnings,
            fetched_by: format!("yuma {}", env!("CARGO_PKG_VERSION")),
        },
    })
}
