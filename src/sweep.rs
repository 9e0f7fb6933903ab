//! Parameter sweeps (feature `sweep`): one [`Scenario`] run once per point of a grid of
//! hyperparameter values, the points in parallel on a pool of threads.
//!
//! A grid is written `FIELD=V1,V2,...;FIELD=...`, e.g.
//! `kappa=32767,45000;bonds_penalty=0,65535;yuma3_enabled=false,true` (2 × 2 × 2 = 8 points).
//! A field is any one-value [`EpochInput`] field a scenario patch sets ([`EpochPatch`]): the
//! names, the values each takes and the error messages are a patch's (a value is read as the
//! JSON a patch would hold; a bare word such as `previous` as a JSON string). The per-uid vectors
//! (`weights`, `alpha_stake`, …) and `n` are not hyperparameters and are refused.
//!
//! **What a point runs.** The point's values replace those fields of the scenario's `initial`;
//! the scenario's epochs then run unchanged, the state carried forward as `yuma simulate` carries
//! it. So a point's value holds in every epoch up to the first whose patch sets that field itself:
//! from that epoch on the scenario's value holds, in every point alike (the scenario's scripted
//! changes happen whatever the grid says; [`Grid::scenario_overrides`] lists them). Each point is
//! therefore exactly `yuma simulate` of the scenario with its `initial` patched, bit for bit, and
//! the report is the same whatever the number of threads.
//!
//! ```
//! use yuma::sweep::{run_sweep, Grid};
//! let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
//! let scenario = yuma::scenario::parse_scenario(bytes).unwrap();
//! let grid = Grid::parse("kappa=32767,45000;yuma3_enabled=false,true").unwrap();
//! let report = run_sweep(&scenario, &grid, 2, |_| {}).unwrap();
//! assert_eq!(report.points.len(), 4);
//! assert_eq!(report.points[3].label(), "kappa=45000, yuma3_enabled=true");
//! assert!(report.points.iter().all(|p| p.error.is_none() && p.epochs.len() == 12));
//! ```

extern crate std;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::scenario::{run_from, EpochPatch, Scenario, ScenarioError};
use crate::{EpochInput, EpochOutput};

/// The most points a grid may have.
///
/// ```
/// let spec = "kappa=0,1,2,3,4,5,6,7,8,9;alpha_low=0,1,2,3,4,5,6,7,8,9;\
///             alpha_high=0,1,2,3,4,5,6,7,8,9;bonds_penalty=0,1,2,3,4,5,6,7,8,9;tempo=1,2";
/// let e = yuma::sweep::Grid::parse(spec).unwrap_err();
/// assert!(e.to_string().contains("at most 10000"));
/// assert_eq!(yuma::sweep::MAX_POINTS, 10_000);
/// ```
pub const MAX_POINTS: usize = 10_000;

/// Fields a scenario patch sets that a grid refuses: the per-uid vectors and the subnet size.
const NOT_HYPERPARAMETERS: [&str; 10] = [
    "n",
    "last_update",
    "block_at_registration",
    "alpha_stake",
    "tao_stake",
    "validator_permit",
    "weights",
    "bonds",
    "commit_blocks",
    "previous_consensus",
];

/// A grid spec that cannot be read: one line saying what is wrong.
///
/// ```
/// let e = yuma::sweep::Grid::parse("kappa=1;kappa=2").unwrap_err();
/// assert_eq!(e.to_string(), "grid: `kappa` is given twice; list its values once (kappa=A,B,...)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridError(pub String);

impl fmt::Display for GridError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GridError {}

fn grid_error(msg: impl fmt::Display) -> GridError {
    GridError(format!("grid: {msg}"))
}

/// One field of a grid and the values it takes, in the order the spec lists them.
///
/// ```
/// let grid = yuma::sweep::Grid::parse("bonds_penalty=0,65535").unwrap();
/// let axis = &grid.axes()[0];
/// assert_eq!(axis.field(), "bonds_penalty");
/// assert_eq!(axis.values(), ["0", "65535"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    field: &'static str,
    values: Vec<String>,
    patches: Vec<EpochPatch>,
}

impl Axis {
    /// The [`EpochInput`] field this axis sets.
    ///
    /// ```
    /// let grid = yuma::sweep::Grid::parse("kappa=1,2").unwrap();
    /// assert_eq!(grid.axes()[0].field(), "kappa");
    /// ```
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The values as shown in reports: as written, a JSON string without its quotes.
    ///
    /// ```
    /// let grid = yuma::sweep::Grid::parse("liquid_alpha_consensus_mode=previous,\"current\"").unwrap();
    /// assert_eq!(grid.axes()[0].values(), ["previous", "current"]);
    /// ```
    pub fn values(&self) -> &[String] {
        &self.values
    }
}

/// A parsed grid: its axes and the cartesian product of their values (at least one point, at
/// most [`MAX_POINTS`]).
///
/// Points are numbered from 0 with the last axis varying fastest, as nested loops in the spec's
/// order would visit them.
///
/// ```
/// let grid: yuma::sweep::Grid = "kappa=32767,45000;yuma3_enabled=false,true".parse().unwrap();
/// assert_eq!(grid.point_count(), 4);
/// assert_eq!(grid.point(1).unwrap().label(), "kappa=32767, yuma3_enabled=true");
/// assert_eq!(grid.point(2).unwrap().label(), "kappa=45000, yuma3_enabled=false");
/// assert!(grid.point(4).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    axes: Vec<Axis>,
    count: usize,
}

impl core::str::FromStr for Grid {
    type Err = GridError;

    fn from_str(spec: &str) -> Result<Grid, GridError> {
        Grid::parse(spec)
    }
}

impl Grid {
    /// Parses `FIELD=V1,V2,...;FIELD=...` (white space around names and values is ignored, and
    /// so is an empty part such as a trailing `;`).
    ///
    /// Refused, each with one line: no field at all, a part without `=`, a field no patch has
    /// (with the nearest name when it looks like a typo) or one that is not a hyperparameter, a
    /// field given twice, no values or an empty value, a value the field cannot hold (the
    /// patch's words: `invalid value: integer `70000`, expected u16`), a value listed twice, and
    /// more than [`MAX_POINTS`] points.
    ///
    /// ```
    /// use yuma::sweep::Grid;
    /// let grid = Grid::parse(" kappa = 32767, 45000 ; owner_uid=null,0;").unwrap();
    /// assert_eq!(grid.axes().len(), 2);
    /// let e = Grid::parse("kapa=1").unwrap_err().to_string();
    /// assert!(e.contains("unknown field `kapa` (did you mean `kappa`?)"), "{e}");
    /// let e = Grid::parse("kappa=70000").unwrap_err().to_string();
    /// assert_eq!(e, "grid: kappa=70000: invalid value: integer `70000`, expected u16");
    /// assert!(Grid::parse("kappa=").is_err());
    /// assert!(Grid::parse("weights=1").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<Grid, GridError> {
        // First the shape (fields, lists, the number of points), so a huge grid is refused
        // before any value is read; then the values.
        let mut parts: Vec<(&str, &str)> = Vec::new();
        for part in spec.split(';') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((name, list)) = part.split_once('=') else {
                return Err(grid_error(format_args!(
                    "`{part}`: expected FIELD=V1,V2,... (e.g. kappa=32767,45000)"
                )));
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(grid_error(format_args!(
                    "`{part}`: no field name before `=`"
                )));
            }
            if NOT_HYPERPARAMETERS.contains(&name) {
                let what = if name == "n" {
                    "the subnet size"
                } else {
                    "a per-uid vector"
                };
                return Err(grid_error(format_args!(
                    "`{name}` is {what}, not a hyperparameter; a grid varies one-value fields \
                     such as kappa, bonds_penalty, bonds_moving_average, yuma3_enabled, \
                     liquid_alpha_enabled, alpha_low, alpha_high"
                )));
            }
            if parts.iter().any(|(n, _)| *n == name) {
                return Err(grid_error(format_args!(
                    "`{name}` is given twice; list its values once ({name}=A,B,...)"
                )));
            }
            let list = list.trim();
            if list.is_empty() {
                return Err(grid_error(format_args!(
                    "`{name}=`: no values (give {name}=A,B,...)"
                )));
            }
            parts.push((name, list));
        }
        if parts.is_empty() {
            return Err(grid_error(
                "no fields; give FIELD=V1,V2,...;FIELD=... (e.g. \
                 'kappa=32767,45000;yuma3_enabled=false,true')",
            ));
        }
        let sizes: Vec<usize> = parts.iter().map(|(_, l)| l.split(',').count()).collect();
        let count = sizes.iter().try_fold(1usize, |a, &x| a.checked_mul(x));
        let count = match count {
            Some(count) if count <= MAX_POINTS => count,
            _ => {
                let sizes: Vec<String> = sizes.iter().map(usize::to_string).collect();
                let total = count.map_or_else(|| String::from("too many"), |c| c.to_string());
                return Err(grid_error(format_args!(
                    "{total} points ({}); a sweep runs at most {MAX_POINTS}",
                    sizes.join(" × ")
                )));
            }
        };
        let mut axes: Vec<Axis> = Vec::with_capacity(parts.len());
        for (name, list) in parts {
            let mut axis: Option<Axis> = None;
            let mut seen: alloc::collections::BTreeSet<String> =
                alloc::collections::BTreeSet::new();
            for (i, raw) in list.split(',').enumerate() {
                let value = raw.trim();
                if value.is_empty() {
                    return Err(grid_error(format_args!(
                        "`{name}={list}`: value {} is empty",
                        i.saturating_add(1)
                    )));
                }
                let (field, shown, key, patch) = parse_value(name, value)?;
                if !seen.insert(key) {
                    return Err(grid_error(format_args!(
                        "{name}: the value {value} is listed twice"
                    )));
                }
                let axis = axis.get_or_insert_with(|| Axis {
                    field,
                    values: Vec::new(),
                    patches: Vec::new(),
                });
                axis.values.push(shown);
                axis.patches.push(patch);
            }
            axes.extend(axis);
        }
        Ok(Grid { axes, count })
    }

    /// The axes, in the spec's order.
    ///
    /// ```
    /// let grid = yuma::sweep::Grid::parse("kappa=1;tempo=2").unwrap();
    /// let fields: Vec<_> = grid.axes().iter().map(|a| a.field()).collect();
    /// assert_eq!(fields, ["kappa", "tempo"]);
    /// ```
    pub fn axes(&self) -> &[Axis] {
        &self.axes
    }

    /// How many points: the product of the axes' value counts.
    ///
    /// ```
    /// let grid = yuma::sweep::Grid::parse("kappa=1,2,3;tempo=2,3").unwrap();
    /// assert_eq!(grid.point_count(), 6);
    /// ```
    pub fn point_count(&self) -> usize {
        self.count
    }

    /// Point `index` (counted from 0), if the grid has it.
    ///
    /// ```
    /// let grid = yuma::sweep::Grid::parse("kappa=1,2;tempo=5,6,7").unwrap();
    /// let p = grid.point(4).unwrap();
    /// assert_eq!(p.values().collect::<Vec<_>>(), [("kappa", "2"), ("tempo", "6")]);
    /// ```
    pub fn point(&self, index: usize) -> Option<Point<'_>> {
        if index >= self.count {
            return None;
        }
        let mut coords = alloc::vec![0usize; self.axes.len()];
        let mut rest = index;
        for (c, axis) in coords.iter_mut().zip(&self.axes).rev() {
            let len = axis.values.len();
            *c = rest.checked_rem(len)?;
            rest = rest.checked_div(len)?;
        }
        Some(Point {
            grid: self,
            index,
            coords,
        })
    }

    /// For each axis, the scenario's epochs (counted from 0) whose patch sets that field itself:
    /// from each of them on, every point runs the scenario's value, not the grid's (epoch 0: the
    /// grid's values never take effect). Axes no patch touches are left out.
    ///
    /// ```
    /// use yuma::scenario::{EpochPatch, Scenario};
    /// let patch = EpochPatch { kappa: Some(40_000), ..Default::default() };
    /// let s = Scenario { initial: Default::default(), epochs: vec![EpochPatch::default(), patch] };
    /// let grid = yuma::sweep::Grid::parse("kappa=1,2;tempo=3").unwrap();
    /// assert_eq!(grid.scenario_overrides(&s), [("kappa", vec![1])]);
    /// ```
    pub fn scenario_overrides(&self, s: &Scenario) -> Vec<(&'static str, Vec<usize>)> {
        let set: Vec<Vec<&'static str>> = s.epochs.iter().map(EpochPatch::fields).collect();
        self.axes
            .iter()
            .filter_map(|a| {
                let epochs: Vec<usize> = set
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.contains(&a.field))
                    .map(|(k, _)| k)
                    .collect();
                (!epochs.is_empty()).then_some((a.field, epochs))
            })
            .collect()
    }

    /// The number of points before `axis`'s coordinate changes by one (the product of the
    /// lengths of the axes after it).
    fn stride(&self, axis: usize) -> usize {
        self.axes
            .iter()
            .skip(axis.saturating_add(1))
            .fold(1usize, |a, x| a.saturating_mul(x.values.len()))
    }
}

/// The JSON a patch would hold for `value`: a JSON scalar as written, anything else (a bare word)
/// as a JSON string; checked through [`EpochPatch`]'s parser. Returns the field, the value as
/// shown, the JSON that parsed in canonical form (equal values, equal keys) and the patch.
fn parse_value(
    name: &str,
    value: &str,
) -> Result<(&'static str, String, String, EpochPatch), GridError> {
    let (json, shown) = match serde_json::from_str::<serde_json::Value>(value) {
        Ok(serde_json::Value::String(s)) => (String::from(value), s),
        Ok(serde_json::Value::Array(_) | serde_json::Value::Object(_)) => {
            return Err(grid_error(format_args!(
                "{name}={value}: a grid value is one number, true/false, null or a word"
            )));
        }
        Ok(_) => (String::from(value), String::from(value)),
        Err(_) => (
            serde_json::to_string(value).unwrap_or_default(),
            String::from(value),
        ),
    };
    let key = serde_json::to_string(name).unwrap_or_default();
    let parse = |json: &str| {
        crate::json::parse_bytes_as::<EpochPatch>(format!("{{{key}: {json}}}").as_bytes())
    };
    let (json, patch) = match parse(&json) {
        Ok(p) => (json, p),
        Err(e) => {
            // A word that is also a JSON literal (`epoch_consensus=null`: the variant `null`) as
            // a string, when the field takes it so; else the first reading's error.
            let word = serde_json::to_string(value).unwrap_or_default();
            match (word != json).then(|| parse(&word)) {
                Some(Ok(p)) => (word, p),
                _ => {
                    return Err(grid_error(format_args!(
                        "{name}={value}: {}",
                        patch_message(&e.0)
                    )))
                }
            }
        }
    };
    let canonical = serde_json::from_str::<serde_json::Value>(&json)
        .map_or_else(|_| json.clone(), |v| v.to_string());
    match patch.fields().as_slice() {
        [field] => Ok((field, shown, canonical, patch)),
        _ => Err(grid_error(format_args!(
            "{name}={value}: not one field of a scenario patch"
        ))),
    }
}

/// A patch parser's message about the one-field document built for a grid value: without the
/// position in that document and the field's own path (the grid message names both), and for an
/// unknown field the fields a grid takes.
fn patch_message(msg: &str) -> String {
    let mut msg = msg;
    if let Some((head, tail)) = msg.rsplit_once(" at line ") {
        let mut words = tail.split(" column ");
        let digits = |w: Option<&str>| w.is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()));
        if digits(words.next()) && digits(words.next()) && words.next().is_none() {
            msg = head;
        }
    }
    if let Some(rest) = msg.strip_prefix('`') {
        if let Some((_, after)) = rest.split_once("`: ") {
            msg = after;
        }
    }
    if let Some((head, known)) = msg
        .split_once(", expected one of ")
        .filter(|(head, _)| head.starts_with("unknown field "))
    {
        let fields: Vec<&str> = known
            .split(", ")
            .filter(|f| !NOT_HYPERPARAMETERS.contains(&f.trim_matches('`')))
            .collect();
        return format!("{head}; a grid takes one of {}", fields.join(", "));
    }
    String::from(msg)
}

/// One point of a [`Grid`]: a value for each axis.
///
/// ```
/// let grid = yuma::sweep::Grid::parse("kappa=1,2;yuma3_enabled=false,true").unwrap();
/// let p = grid.point(3).unwrap();
/// assert_eq!(p.index(), 3);
/// let mut input = yuma::EpochInput::default();
/// p.apply(&mut input);
/// assert_eq!((input.kappa, input.yuma3_enabled), (2, true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point<'g> {
    grid: &'g Grid,
    index: usize,
    coords: Vec<usize>,
}

impl<'g> Point<'g> {
    /// The point's number (counted from 0).
    ///
    /// ```
    /// let grid = yuma::sweep::Grid::parse("kappa=1,2").unwrap();
    /// assert_eq!(grid.point(1).unwrap().index(), 1);
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }

    /// `(field, value)` for each axis, in the grid's order, values as [`Axis::values`] shows them.
    ///
    /// ```
    /// let grid = yuma::sweep::Grid::parse("kappa=1,2;tempo=9").unwrap();
    /// let v: Vec<_> = grid.point(1).unwrap().values().collect();
    /// assert_eq!(v, [("kappa", "2"), ("tempo", "9")]);
    /// ```
    pub fn values(&self) -> impl Iterator<Item = (&'static str, &'g str)> + '_ {
        let grid: &'g Grid = self.grid;
        grid.axes
            .iter()
            .zip(&self.coords)
            .filter_map(|(a, &c)| a.values.get(c).map(|v| (a.field, v.as_str())))
    }

    /// `field=value, field=value, ...`.
    ///
    /// ```
    /// let grid = yuma::sweep::Grid::parse("kappa=1;owner_uid=null").unwrap();
    /// assert_eq!(grid.point(0).unwrap().label(), "kappa=1, owner_uid=null");
    /// ```
    pub fn label(&self) -> String {
        label(self.values())
    }

    /// Sets the point's fields of `state`.
    ///
    /// ```
    /// let grid = yuma::sweep::Grid::parse("bonds_penalty=65535").unwrap();
    /// let mut input = yuma::EpochInput::default();
    /// grid.point(0).unwrap().apply(&mut input);
    /// assert_eq!(input.bonds_penalty, 65535);
    /// ```
    pub fn apply(&self, state: &mut EpochInput) {
        for (a, &c) in self.grid.axes.iter().zip(&self.coords) {
            if let Some(p) = a.patches.get(c) {
                p.apply(state);
            }
        }
    }
}

fn label<'a, 'b>(values: impl Iterator<Item = (&'a str, &'b str)>) -> String {
    values
        .map(|(f, v)| format!("{f}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

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

/// One point's run: its values and every epoch it ran.
///
/// ```
/// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
/// let s = yuma::scenario::parse_scenario(bytes).unwrap();
/// let grid = yuma::sweep::Grid::parse("kappa=32767").unwrap();
/// let report = yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap();
/// let p = &report.points[0];
/// assert_eq!((p.index, p.label()), (0, String::from("kappa=32767")));
/// assert_eq!(p.epochs.len(), s.epochs.len());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointReport {
    /// The point's number in the grid.
    pub index: usize,
    /// `(field, value)` per axis, as [`Point::values`].
    pub values: Vec<(&'static str, String)>,
    /// One record per epoch run: every epoch, or those before the one that failed.
    pub epochs: Vec<EpochRecord>,
    /// Why the point stopped early, if it did.
    pub error: Option<ScenarioError>,
}

impl PointReport {
    /// `field=value, field=value, ...`, as [`Point::label`].
    ///
    /// ```
    /// let p = yuma::sweep::PointReport {
    ///     index: 0, values: vec![("kappa", "1".into()), ("tempo", "2".into())],
    ///     epochs: vec![], error: None,
    /// };
    /// assert_eq!(p.label(), "kappa=1, tempo=2");
    /// ```
    pub fn label(&self) -> String {
        label(self.values.iter().map(|(f, v)| (*f, v.as_str())))
    }

    /// Per-uid sums over the point's epochs.
    ///
    /// ```
    /// use yuma::sweep::{EpochRecord, PointReport};
    /// let e = EpochRecord { incentive: vec![10, 20], emission: vec![5, 0], ..Default::default() };
    /// let p = PointReport { index: 0, values: vec![], epochs: vec![e.clone(), e], error: None };
    /// let t = p.totals();
    /// assert_eq!(t.incentive, [20, 40]);
    /// assert_eq!(t.emission, [10, 0]);
    /// ```
    pub fn totals(&self) -> Totals {
        let uids = self.epochs.iter().map(EpochRecord::uids).max().unwrap_or(0);
        let mut t = Totals {
            incentive: alloc::vec![0; uids],
            dividends: alloc::vec![0; uids],
            server_emission: alloc::vec![0; uids],
            validator_emission: alloc::vec![0; uids],
            emission: alloc::vec![0; uids],
        };
        fn add<T: Copy, A: Copy>(acc: &mut [A], v: &[T], f: impl Fn(A, T) -> A) {
            for (a, &x) in acc.iter_mut().zip(v) {
                *a = f(*a, x);
            }
        }
        let add16 = |a: u64, x: u16| a.saturating_add(u64::from(x));
        let add64 = |a: u128, x: u64| a.saturating_add(u128::from(x));
        for e in &self.epochs {
            add(&mut t.incentive, &e.incentive, add16);
            add(&mut t.dividends, &e.dividends, add16);
            add(&mut t.server_emission, &e.server_emission, add64);
            add(&mut t.validator_emission, &e.validator_emission, add64);
            add(&mut t.emission, &e.emission, add64);
        }
        t
    }
}

/// Per-uid sums over a point's epochs ([`PointReport::totals`]); `incentive` and `dividends` are
/// sums of u16 fractions of 65535 (a uid holding 1.0 for 12 epochs sums to 12 × 65535).
///
/// ```
/// let t = yuma::sweep::Totals {
///     server_emission: vec![3, 4], validator_emission: vec![1, 0], ..Default::default()
/// };
/// assert_eq!((t.server_total(), t.validator_total()), (7, 1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Σ incentive per uid.
    pub incentive: Vec<u64>,
    /// Σ dividends per uid.
    pub dividends: Vec<u64>,
    /// Σ server (miner) emission per uid, in rao.
    pub server_emission: Vec<u128>,
    /// Σ validator emission per uid, in rao.
    pub validator_emission: Vec<u128>,
    /// Σ emission per uid, in rao.
    pub emission: Vec<u128>,
}

impl Totals {
    /// The rao paid to servers (miners) over all uids and epochs.
    ///
    /// ```
    /// let t = yuma::sweep::Totals { server_emission: vec![3, 4], ..Default::default() };
    /// assert_eq!(t.server_total(), 7);
    /// ```
    pub fn server_total(&self) -> u128 {
        sum(&self.server_emission)
    }

    /// The rao paid to validators over all uids and epochs.
    ///
    /// ```
    /// let t = yuma::sweep::Totals { validator_emission: vec![3, 4], ..Default::default() };
    /// assert_eq!(t.validator_total(), 7);
    /// ```
    pub fn validator_total(&self) -> u128 {
        sum(&self.validator_emission)
    }
}

fn sum(v: &[u128]) -> u128 {
    v.iter().fold(0u128, |a, &x| a.saturating_add(x))
}

/// How far one uid's total emission moves across the points ([`SweepReport::uid_spreads`]).
///
/// ```
/// let s = yuma::sweep::UidSpread { uid: 2, low: 10, low_point: 1, high: 25, high_point: 0 };
/// assert_eq!(s.range(), 15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UidSpread {
    /// The uid.
    pub uid: usize,
    /// Its smallest total emission over the points, in rao.
    pub low: u128,
    /// The first point with that total.
    pub low_point: usize,
    /// Its largest total emission, in rao.
    pub high: u128,
    /// The first point with that total.
    pub high_point: usize,
}

impl UidSpread {
    /// `high − low`, in rao.
    ///
    /// ```
    /// let s = yuma::sweep::UidSpread { uid: 0, low: 1, low_point: 0, high: 1, high_point: 0 };
    /// assert_eq!(s.range(), 0);
    /// ```
    pub fn range(&self) -> u128 {
        self.high.saturating_sub(self.low)
    }
}

/// How much one axis alone moves the emission ([`SweepReport::axis_effects`]): the largest
/// change of one uid's total emission between two points that differ in this axis only.
///
/// ```
/// let e = yuma::sweep::AxisEffect { field: "kappa", moved: 0, uid: None, low_point: 0, high_point: 0 };
/// assert_eq!(e.field, "kappa");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxisEffect {
    /// The axis's field.
    pub field: &'static str,
    /// The largest change, in rao (0 when this axis changes nothing, or has one value).
    pub moved: u128,
    /// The uid whose total moved that much (`None` when nothing moved).
    pub uid: Option<usize>,
    /// The point where that uid's total is lower.
    pub low_point: usize,
    /// The point where it is higher.
    pub high_point: usize,
}

/// What [`run_sweep`] reports: the grid, the scenario's epoch count and one [`PointReport`] per
/// point, in the grid's order (whatever the number of threads).
///
/// ```
/// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/one-epoch-switch-y2.json"));
/// let s = yuma::scenario::parse_scenario(bytes).unwrap();
/// let grid = yuma::sweep::Grid::parse("kappa=32767,45000").unwrap();
/// let report = yuma::sweep::run_sweep(&s, &grid, 2, |_| {}).unwrap();
/// assert_eq!((report.points.len(), report.epochs), (2, 12));
/// assert!(report.failures().next().is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepReport {
    /// The grid swept.
    pub grid: Grid,
    /// The scenario's number of epochs.
    pub epochs: usize,
    /// One per point, in the grid's order.
    pub points: Vec<PointReport>,
}

/// The per-uid columns of [`SweepReport::csv_header`] after the axes (with the newline).
const CSV_COLUMNS: &str =
    "epoch,block,uid,active,stake,stake_weight,consensus,incentive,dividends,\
validator_trust,new_validator_permit,server_emission,validator_emission,emission,bonds\n";

impl SweepReport {
    /// The points that stopped early, with their errors.
    ///
    /// ```
    /// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
    /// let s = yuma::scenario::parse_scenario(bytes).unwrap();
    /// // A spec this version does not reproduce: every epoch is refused.
    /// let grid = yuma::sweep::Grid::parse("spec_version=null,999999").unwrap();
    /// let report = yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap();
    /// let failed: Vec<_> = report.failures().map(|(p, e)| (p.index, e.epoch)).collect();
    /// assert_eq!(failed, [(1, 0)]);
    /// ```
    pub fn failures(&self) -> impl Iterator<Item = (&PointReport, &ScenarioError)> + '_ {
        self.points
            .iter()
            .filter_map(|p| p.error.as_ref().map(|e| (p, e)))
    }

    /// Each point's [`PointReport::totals`], in order.
    ///
    /// ```
    /// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
    /// let s = yuma::scenario::parse_scenario(bytes).unwrap();
    /// let grid = yuma::sweep::Grid::parse("rao_emission=1000,2000").unwrap();
    /// let report = yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap();
    /// let paid: Vec<u128> = report.totals().iter().map(|t| t.emission.iter().sum()).collect();
    /// assert!(paid[0] <= 12 * 1000 && paid[1] <= 12 * 2000 && paid[0] < paid[1]);
    /// ```
    pub fn totals(&self) -> Vec<Totals> {
        self.points.iter().map(PointReport::totals).collect()
    }

    /// For every uid, its lowest and highest total emission over the points that ran every epoch,
    /// largest range first (ties by uid).
    ///
    /// ```
    /// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
    /// let s = yuma::scenario::parse_scenario(bytes).unwrap();
    /// let grid = yuma::sweep::Grid::parse("yuma3_enabled=false,true").unwrap();
    /// let report = yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap();
    /// let spreads = report.uid_spreads();
    /// assert_eq!(spreads.len(), 6);
    /// assert!(spreads.windows(2).all(|w| w[0].range() >= w[1].range()));
    /// ```
    pub fn uid_spreads(&self) -> Vec<UidSpread> {
        let totals = self.complete_emission_totals();
        let uids = totals.iter().flatten().map(Vec::len).max().unwrap_or(0);
        let mut out: Vec<UidSpread> = (0..uids)
            .filter_map(|uid| {
                let mut s: Option<UidSpread> = None;
                for (p, t) in totals.iter().enumerate() {
                    let Some(t) = t else { continue };
                    let x = t.get(uid).copied().unwrap_or(0);
                    let s = s.get_or_insert(UidSpread {
                        uid,
                        low: x,
                        low_point: p,
                        high: x,
                        high_point: p,
                    });
                    if x < s.low {
                        (s.low, s.low_point) = (x, p);
                    }
                    if x > s.high {
                        (s.high, s.high_point) = (x, p);
                    }
                }
                s
            })
            .collect();
        out.sort_by(|a, b| b.range().cmp(&a.range()).then(a.uid.cmp(&b.uid)));
        out
    }

    /// For each axis, in the grid's order, the largest change of one uid's total emission between
    /// two points that differ in that axis only (over the points that ran every epoch).
    ///
    /// ```
    /// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
    /// let s = yuma::scenario::parse_scenario(bytes).unwrap();
    /// // stake_threshold 0 or 1 rao changes nothing in this subnet; Yuma 3 does.
    /// let grid = yuma::sweep::Grid::parse("stake_threshold=0,1;yuma3_enabled=false,true").unwrap();
    /// let report = yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap();
    /// let effects = report.axis_effects();
    /// assert_eq!((effects[0].field, effects[0].moved), ("stake_threshold", 0));
    /// assert!(effects[1].moved > 0 && effects[1].uid.is_some());
    /// ```
    pub fn axis_effects(&self) -> Vec<AxisEffect> {
        let totals = self.complete_emission_totals();
        let count = self.grid.point_count();
        self.grid
            .axes
            .iter()
            .enumerate()
            .map(|(a, axis)| {
                let stride = self.grid.stride(a);
                let len = axis.values.len();
                let block = stride.saturating_mul(len);
                let mut best = AxisEffect {
                    field: axis.field,
                    moved: 0,
                    uid: None,
                    low_point: 0,
                    high_point: 0,
                };
                // Each group: the points sharing every other coordinate, `base + j · stride`.
                let bases = (0..count).filter(|i| i.checked_rem(block).unwrap_or(0) < stride);
                for base in bases {
                    let group: Vec<(usize, &Vec<u128>)> = (0..len)
                        .filter_map(|j| {
                            let p = base.checked_add(j.checked_mul(stride)?)?;
                            Some((p, totals.get(p)?.as_ref()?))
                        })
                        .collect();
                    let uids = group.iter().map(|(_, t)| t.len()).max().unwrap_or(0);
                    for uid in 0..uids {
                        let at =
                            |(p, t): &(usize, &Vec<u128>)| (t.get(uid).copied().unwrap_or(0), *p);
                        let lo = group.iter().map(at).min_by_key(|&(x, p)| (x, p));
                        let hi = group
                            .iter()
                            .map(at)
                            .max_by_key(|&(x, p)| (x, core::cmp::Reverse(p)));
                        if let (Some((lo, lp)), Some((hi, hp))) = (lo, hi) {
                            let moved = hi.saturating_sub(lo);
                            if moved > best.moved {
                                best = AxisEffect {
                                    field: axis.field,
                                    moved,
                                    uid: Some(uid),
                                    low_point: lp,
                                    high_point: hp,
                                };
                            }
                        }
                    }
                }
                best
            })
            .collect()
    }

    /// Per point, its per-uid total emission if it ran every epoch.
    fn complete_emission_totals(&self) -> Vec<Option<Vec<u128>>> {
        self.points
            .iter()
            .map(|p| p.error.is_none().then(|| p.totals().emission))
            .collect()
    }

    /// The header of the sweep's tidy CSV (with its newline): `point`, one column per axis named
    /// by its field, then `epoch,block,uid` and the per-uid outputs as `yuma simulate --csv`
    /// writes them (`bonds` counts the uid's bond entries).
    ///
    /// ```
    /// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
    /// let s = yuma::scenario::parse_scenario(bytes).unwrap();
    /// let grid = yuma::sweep::Grid::parse("kappa=1,2;tempo=1").unwrap();
    /// let report = yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap();
    /// assert!(report.csv_header().starts_with("point,kappa,tempo,epoch,block,uid,active,stake,"));
    /// ```
    pub fn csv_header(&self) -> String {
        let mut s = String::from("point,");
        for a in &self.grid.axes {
            s.push_str(&csv_field(a.field));
            s.push(',');
        }
        s.push_str(CSV_COLUMNS);
        s
    }

    /// Appends point `point`'s rows of the tidy CSV to `s`: one per (epoch, uid), epochs in
    /// order (nothing for a point the report does not have).
    ///
    /// ```
    /// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
    /// let s = yuma::scenario::parse_scenario(bytes).unwrap();
    /// let grid = yuma::sweep::Grid::parse("kappa=32767,45000").unwrap();
    /// let report = yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap();
    /// let mut csv = report.csv_header();
    /// report.push_csv_rows(&mut csv, 1);
    /// assert_eq!(csv.lines().count(), 1 + 12 * 6);
    /// assert!(csv.lines().nth(1).unwrap().starts_with("1,45000,0,2,0,"));
    /// ```
    pub fn push_csv_rows(&self, s: &mut String, point: usize) {
        use core::fmt::Write;
        let Some(p) = self.points.get(point) else {
            return;
        };
        let mut prefix = format!("{}", p.index);
        for (_, v) in &p.values {
            prefix.push(',');
            prefix.push_str(&csv_field(v));
        }
        for (k, e) in p.epochs.iter().enumerate() {
            for uid in 0..e.uids() {
                let b = |v: &[bool]| u8::from(v.get(uid).copied().unwrap_or(false));
                let u = |v: &[u16]| v.get(uid).copied().unwrap_or(0);
                let r = |v: &[u64]| v.get(uid).copied().unwrap_or(0);
                let _ = writeln!(
                    s,
                    "{prefix},{k},{},{uid},{},{},{},{},{},{},{},{},{},{},{},{}",
                    e.block,
                    b(&e.active),
                    r(&e.stake),
                    u(&e.stake_weight),
                    u(&e.consensus),
                    u(&e.incentive),
                    u(&e.dividends),
                    u(&e.validator_trust),
                    b(&e.new_validator_permit),
                    r(&e.server_emission),
                    r(&e.validator_emission),
                    r(&e.emission),
                    e.bond_entries.get(uid).copied().unwrap_or(0),
                );
            }
        }
    }

    /// The whole tidy CSV: [`csv_header`](Self::csv_header), then every point's rows in order.
    ///
    /// ```
    /// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
    /// let s = yuma::scenario::parse_scenario(bytes).unwrap();
    /// let grid = yuma::sweep::Grid::parse("kappa=32767,45000").unwrap();
    /// let report = yuma::sweep::run_sweep(&s, &grid, 2, |_| {}).unwrap();
    /// assert_eq!(report.to_csv().lines().count(), 1 + 2 * 12 * 6);
    /// ```
    pub fn to_csv(&self) -> String {
        let mut s = self.csv_header();
        for i in 0..self.points.len() {
            self.push_csv_rows(&mut s, i);
        }
        s
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        String::from(v)
    }
}

/// How far a sweep has got, handed to the progress callback after each epoch of any point.
///
/// ```
/// let p = yuma::sweep::SweepProgress { points_done: 1, points: 4, epochs_done: 15, epochs: 48 };
/// assert!(p.points_done <= p.points && p.epochs_done <= p.epochs);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepProgress {
    /// Points finished (every epoch run, or stopped by an error).
    pub points_done: usize,
    /// Points in the grid.
    pub points: usize,
    /// Epochs run so far, over all points.
    pub epochs_done: usize,
    /// Epochs in all: points × the scenario's epochs.
    pub epochs: usize,
}

/// A sweep that could not start: the thread pool could not be built.
///
/// ```
/// let e = yuma::sweep::SweepError(String::from("no threads"));
/// assert_eq!(e.to_string(), "sweep: no threads");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepError(pub String);

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sweep: {}", self.0)
    }
}

impl std::error::Error for SweepError {}

/// The number of threads a sweep uses when asked for 0: the cores available to this process
/// (1 when that cannot be told).
///
/// ```
/// assert!(yuma::sweep::default_jobs() >= 1);
/// ```
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, core::num::NonZeroUsize::get)
}

/// Runs `scenario` once per point of `grid` on a pool of `jobs` threads (0: [`default_jobs`]),
/// calling `progress` (from any thread) after each epoch. A point whose epoch fails stops there
/// (its [`PointReport::error`]); the others run on. Each point is the scenario with the point's
/// values in `initial` (see the [module docs](self)), run as [`crate::scenario::run_with`] runs it.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y3.json"));
/// let s = yuma::scenario::parse_scenario(bytes).unwrap();
/// let grid = yuma::sweep::Grid::parse("bonds_penalty=0,65535;liquid_alpha_enabled=false,true").unwrap();
/// let calls = AtomicUsize::new(0);
/// let a = yuma::sweep::run_sweep(&s, &grid, 2, |_| { calls.fetch_add(1, Ordering::Relaxed); }).unwrap();
/// assert_eq!(calls.into_inner(), 4 * 12);
/// assert_eq!(a, yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap());
/// ```
pub fn run_sweep(
    scenario: &Scenario,
    grid: &Grid,
    jobs: usize,
    progress: impl Fn(SweepProgress) + Sync,
) -> Result<SweepReport, SweepError> {
    run_sweep_assuming(scenario, grid, jobs, None, progress)
}

/// [`run_sweep`] with every epoch of every point under the rules of `assume_spec` when given
/// ([`crate::Workspace::assume_spec`], `yuma sweep --assume-spec`).
///
/// ```
/// let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/stable-miner-y2.json"));
/// let s = yuma::scenario::parse_scenario(bytes).unwrap();
/// let grid = yuma::sweep::Grid::parse("spec_version=999999").unwrap();
/// let refused = yuma::sweep::run_sweep(&s, &grid, 1, |_| {}).unwrap();
/// assert!(refused.points[0].error.is_some());
/// let assumed = yuma::sweep::run_sweep_assuming(&s, &grid, 1, Some(475), |_| {}).unwrap();
/// assert!(assumed.points[0].error.is_none());
/// ```
pub fn run_sweep_assuming(
    scenario: &Scenario,
    grid: &Grid,
    jobs: usize,
    assume_spec: Option<u32>,
    progress: impl Fn(SweepProgress) + Sync,
) -> Result<SweepReport, SweepError> {
    let jobs = if jobs == 0 { default_jobs() } else { jobs };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("yuma-sweep-{i}"))
        .build()
        .map_err(|e| SweepError(e.to_string()))?;
    let count = grid.point_count();
    let per_point = scenario.epochs.len();
    let epochs_total = count.saturating_mul(per_point);
    let points_done = AtomicUsize::new(0);
    let epochs_done = AtomicUsize::new(0);
    let report = |points_done: usize, epochs_done: usize| SweepProgress {
        points_done,
        points: count,
        epochs_done,
        epochs: epochs_total,
    };
    let run_point = |index: usize| -> Option<PointReport> {
        let point = grid.point(index)?;
        let mut state = scenario.initial.clone();
        point.apply(&mut state);
        let mut epochs: Vec<EpochRecord> = Vec::with_capacity(per_point);
        let ran = run_from(state, &scenario.epochs, assume_spec, |k, st, out| {
            epochs.push(EpochRecord::new(st, out));
            let e = epochs_done
                .fetch_add(1, Ordering::Relaxed)
                .saturating_add(1);
            let last = k.saturating_add(1) == per_point;
            let p = if last {
                points_done
                    .fetch_add(1, Ordering::Relaxed)
                    .saturating_add(1)
            } else {
                points_done.load(Ordering::Relaxed)
            };
            progress(report(p, e));
            true
        });
        if ran.is_err() {
            // The epochs it did not run count as done for the progress.
            let skipped = per_point.saturating_sub(epochs.len());
            let e = epochs_done
                .fetch_add(skipped, Ordering::Relaxed)
                .saturating_add(skipped);
            let p = points_done
                .fetch_add(1, Ordering::Relaxed)
                .saturating_add(1);
            progress(report(p, e));
        }
        Some(PointReport {
            index,
            values: point.values().map(|(f, v)| (f, String::from(v))).collect(),
            epochs,
            error: ran.err(),
        })
    };
    let points: Vec<PointReport> = pool.install(|| {
        (0..count)
            .into_par_iter()
            .with_max_len(1)
            .filter_map(run_point)
            .collect()
    });
    Ok(SweepReport {
        grid: grid.clone(),
        epochs: per_point,
        points,
    })
}
