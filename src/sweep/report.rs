//! The report of a sweep: every point's run, the totals, spreads and effects it summarizes, and
//! its CSV.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::grid::label;
use super::{EpochRecord, Grid};
use crate::scenario::ScenarioError;

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
    ///
    /// [`Point::values`]: super::Point::values
    pub values: Vec<(&'static str, String)>,
    /// One record per epoch run: every epoch, or those before the one that failed.
    pub epochs: Vec<EpochRecord>,
    /// Why the point stopped early, if it did.
    pub error: Option<ScenarioError>,
}

impl PointReport {
    /// `field=value, field=value, ...`, as [`Point::label`].
    ///
    /// [`Point::label`]: super::Point::label
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
///
/// [`run_sweep`]: super::run_sweep
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
