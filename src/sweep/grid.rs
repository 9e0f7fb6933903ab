//! Grids: the spec `FIELD=V1,V2,...;...` read into axes, and the points it names.

extern crate std;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::scenario::{EpochPatch, Scenario};
use crate::EpochInput;

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
    pub(super) field: &'static str,
    pub(super) values: Vec<String>,
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
    pub(super) axes: Vec<Axis>,
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
    pub(super) fn stride(&self, axis: usize) -> usize {
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

pub(super) fn label<'a, 'b>(values: impl Iterator<Item = (&'a str, &'b str)>) -> String {
    values
        .map(|(f, v)| format!("{f}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}
