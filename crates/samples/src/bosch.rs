//! Bosch Production Line Performance: `train_numeric.csv` and `train_date.csv`.
//!
//! Shape at scale 1.0: 1,183,747 parts. `train_numeric.csv` has the public file's exact 970-column
//! header (`Id`, 968 `L{line}_S{station}_F{feature}` columns, `Response`), embedded from the real
//! extract. `train_date.csv` has `Id` and one date column per numeric feature, named by the
//! public convention that the date of feature `F{n}` is `D{n+1}` (`L0_S0_F0` -> `L0_S0_D1`); the
//! public file also holds date columns for categorical features, which this generator (writing no
//! `train_categorical.csv`) leaves out. Ids increase by 1 to 4 (the public train and test files
//! interleave their ids); values have three decimals printed as Python does (`0.0`, `-0.001`,
//! `0.03`); time stamps are in units of 0.01 h with two decimals (`82.24`).
//!
//! Planted signal (exposed by `routes`, `station_truth`, `defect_rule`, `part_route`):
//! * each part follows one of 4 routes (product families) through the stations; a route visits
//!   its core stations and, with a probability, its optional ones; every feature of a station off
//!   the route is empty, so missingness is by station and depends on the route
//!   (missing-not-at-random for a per-column model); about 79 % of cells are empty;
//! * inside a visited station, features follow a one-factor Gaussian: `x_j = mu_j + sigma_j
//!   (lambda_j z + sqrt(1 - lambda_j^2) e_j)` with `z, e_j ~ N(0, 1)`, so the station's mean
//!   vector and covariance (`station_truth`) are known and EM can recover them; 5 % of visited
//!   cells are then blanked completely at random;
//! * `Response` = 1 when `(z_a - z_b) / sqrt(2 - 2 rho_ab) > 2.55` for two features of station
//!   `L3_S29` (standardised values, `rho_ab = lambda_a lambda_b`), kept with probability 0.9, plus
//!   1 part in 1,000 failing at random: about 0.58 % ones, as in the public file.
//!
//! A stream with a rule change (use case 2.2), written by [`write_stream`] and off by default so
//! that the files above are unchanged for every seed and scale ([`StreamOptions`]):
//! * `time_ordered`: parts start in Id order, evenly over the time span (each part's stamps are
//!   shifted so that its first one is `row * TIME_SPAN / parts`), so `train_numeric.csv` is a
//!   time-ordered stream and a part's time is its row's;
//! * `rule_change: Some(c)`: parts whose first stamp is at or after `c * TIME_SPAN` fail by
//!   another rule ([`changed_rule`]): `(z_c + z_d) / sqrt(2 + 2 rho_cd) > 2.55` for two other
//!   features of `L3_S29`, both high, with the same keep and noise rates, so the failure rate is
//!   unchanged and only what causes failures moves.

use crate::util::{scaled, EntityRng, Sink};
use std::io::{self, Write};

const HEADER: &str = include_str!("../data/bosch_numeric_header.csv");
const STREAM_IDS: u64 = 0xB001;
const STREAM_ROW: u64 = 0xB002;
const STREAM_VALUES: u64 = 0xB003;
const STREAM_STATION: u64 = 0xB004;

/// Parts at scale 1.0.
pub const FULL_PARTS: u64 = 1_183_747;

/// Time stamps of first stations lie in `0..TIME_SPAN` (units of 0.01 h, written with two
/// decimals: 0.00 to 1710.00).
pub const TIME_SPAN: i64 = 171_000;

/// Threshold of the standardised defect score.
pub const DEFECT_THRESHOLD: f64 = 2.55;
/// Share of rule-positive parts that do fail.
pub const DEFECT_KEEP: f64 = 0.9;
/// Share of other parts that fail anyway.
pub const DEFECT_NOISE: f64 = 0.001;
/// Share of cells blanked at random inside a visited station.
pub const CELL_MISSING: f64 = 0.05;

/// A route through the line: a product family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Route {
    /// Share of parts on this route.
    pub share: f64,
    /// Stations (`S` numbers) every part of the route visits.
    pub core: &'static [u32],
    /// Stations visited by half the parts of the route.
    pub optional: &'static [u32],
}

/// The four planted routes.
pub const ROUTES: [Route; 4] = [
    Route {
        share: 0.45,
        core: &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 29, 33, 34, 35, 37],
        optional: &[30],
    },
    Route {
        share: 0.30,
        core: &[
            12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 29, 36, 37, 38, 39, 40,
        ],
        optional: &[30],
    },
    Route {
        share: 0.15,
        core: &[24, 29, 32, 33, 34],
        optional: &[],
    },
    Route {
        share: 0.10,
        core: &[26, 27, 28, 29, 30, 41, 43, 44, 45, 47, 48, 49, 50, 51],
        optional: &[],
    },
];

/// Probability that a part visits one of its route's optional stations.
pub const OPTIONAL_VISIT: f64 = 0.5;

/// The four routes.
pub fn routes() -> &'static [Route; 4] {
    &ROUTES
}

/// Parts at `scale` (at least 50).
pub fn part_count(scale: f64) -> u64 {
    scaled(FULL_PARTS, scale, 50)
}

/// The 968 feature column names of `train_numeric.csv`, in order.
pub fn feature_names() -> Vec<&'static str> {
    let cols: Vec<&str> = HEADER.trim_end().split(',').collect();
    cols[1..cols.len() - 1].to_vec()
}

/// Station number (`S{n}`) of a feature name such as `L3_S29_F3315`.
fn station_of(name: &str) -> u32 {
    let s = name.split('_').nth(1).unwrap_or("S0");
    s[1..].parse().unwrap_or(0)
}

/// The date column name of a numeric feature: `L0_S0_F0` -> `L0_S0_D1`.
pub fn date_name(feature: &str) -> String {
    let (prefix, number) = feature.rsplit_once("_F").unwrap_or((feature, "0"));
    format!("{prefix}_D{}", number.parse::<u32>().unwrap_or(0) + 1)
}

/// Per-feature truth: mean, standard deviation and factor loading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureTruth {
    /// Mean of the feature.
    pub mean: f64,
    /// Standard deviation of the feature.
    pub sd: f64,
    /// Loading on the station's common factor (correlation with it).
    pub loading: f64,
}

fn feature_truth(seed: u64, index: usize) -> FeatureTruth {
    let mut r = EntityRng::new(seed, STREAM_STATION, index as u64);
    FeatureTruth {
        mean: 0.4 * (r.unit() - 0.5),
        sd: 0.02 + 0.10 * r.unit(),
        loading: 0.4 + 0.5 * r.unit(),
    }
}

/// The planted Gaussian of one station: its feature names, mean vector and covariance matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct StationTruth {
    /// Feature column names of the station, in file order.
    pub columns: Vec<&'static str>,
    /// Mean of each feature.
    pub mean: Vec<f64>,
    /// Covariance, row-major `columns.len()` x `columns.len()`.
    pub cov: Vec<f64>,
}

/// Mean and covariance of station `S{station}` under `seed` (empty if no such station).
pub fn station_truth(station: u32, seed: u64) -> StationTruth {
    let names = feature_names();
    let idx: Vec<usize> = (0..names.len())
        .filter(|&i| station_of(names[i]) == station)
        .collect();
    let truths: Vec<FeatureTruth> = idx.iter().map(|&i| feature_truth(seed, i)).collect();
    let p = idx.len();
    let mut cov = vec![0.0; p * p];
    for a in 0..p {
        for b in 0..p {
            let (ta, tb) = (truths[a], truths[b]);
            let corr = if a == b { 1.0 } else { ta.loading * tb.loading };
            cov[a * p + b] = corr * ta.sd * tb.sd;
        }
    }
    StationTruth {
        columns: idx.iter().map(|&i| names[i]).collect(),
        mean: truths.iter().map(|t| t.mean).collect(),
        cov,
    }
}

/// The failure rule's two features (of station `L3_S29`) and their correlation.
#[derive(Debug, Clone, PartialEq)]
pub struct DefectRule {
    /// The feature whose high values cause failures.
    pub feature_a: &'static str,
    /// The feature whose low values cause failures.
    pub feature_b: &'static str,
    /// Truth of `feature_a`.
    pub truth_a: FeatureTruth,
    /// Truth of `feature_b`.
    pub truth_b: FeatureTruth,
    /// Correlation of the two features.
    pub rho: f64,
}

const RULE_A: usize = 0;
const RULE_B: usize = 5;
const CHANGED_C: usize = 2;
const CHANGED_D: usize = 9;

/// Options of a stream file ([`write_stream`]); the default writes the files of [`crate::write_file`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StreamOptions {
    /// Parts start in Id order, evenly over the time span.
    pub time_ordered: bool,
    /// Share of the time span in (0, 1) from which parts fail by [`changed_rule`].
    pub rule_change: Option<f64>,
}

impl StreamOptions {
    /// The time stamp (0.01 h) from which the changed rule holds, if any.
    pub fn change_time(&self) -> Option<i64> {
        self.rule_change
            .map(|c| (c * TIME_SPAN as f64).round() as i64)
    }
}

/// The rule that holds after a change ([`StreamOptions::rule_change`]): parts fail when both
/// features are high, `(z_a + z_b) / sqrt(2 + 2 rho) > DEFECT_THRESHOLD`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangedRule {
    /// One feature whose high values cause failures.
    pub feature_a: &'static str,
    /// The other feature whose high values cause failures.
    pub feature_b: &'static str,
    /// Truth of `feature_a`.
    pub truth_a: FeatureTruth,
    /// Truth of `feature_b`.
    pub truth_b: FeatureTruth,
    /// Correlation of the two features.
    pub rho: f64,
}

/// The rule after a change under `seed`.
pub fn changed_rule(seed: u64) -> ChangedRule {
    let ((feature_a, truth_a), (feature_b, truth_b)) = s29_pair(seed, CHANGED_C, CHANGED_D);
    ChangedRule {
        feature_a,
        feature_b,
        truth_a,
        truth_b,
        rho: truth_a.loading * truth_b.loading,
    }
}

/// The planted failure rule under `seed`: see the module documentation.
pub fn defect_rule(seed: u64) -> DefectRule {
    let ((feature_a, truth_a), (feature_b, truth_b)) = s29_pair(seed, RULE_A, RULE_B);
    DefectRule {
        feature_a,
        feature_b,
        truth_a,
        truth_b,
        rho: truth_a.loading * truth_b.loading,
    }
}

/// Features `i` and `j` of station `L3_S29` with their truths under `seed`.
fn s29_pair(
    seed: u64,
    i: usize,
    j: usize,
) -> ((&'static str, FeatureTruth), (&'static str, FeatureTruth)) {
    let names = feature_names();
    let s29: Vec<usize> = (0..names.len())
        .filter(|&k| station_of(names[k]) == 29)
        .collect();
    let (a, b) = (s29[i], s29[j]);
    (
        (names[a], feature_truth(seed, a)),
        (names[b], feature_truth(seed, b)),
    )
}

/// The route (index into `ROUTES`) of the part on data row `row` (0-based) under `seed`.
pub fn part_route(row: u64, seed: u64) -> usize {
    Part::new(row, seed, &Layout::new(seed), None).route
}

/// Stations in file order with their feature column ranges and truths.
struct Layout {
    names: Vec<&'static str>,
    stations: Vec<(u32, usize, usize)>,
    truths: Vec<FeatureTruth>,
    rule: (usize, usize),
    changed: (usize, usize),
}

impl Layout {
    fn new(seed: u64) -> Layout {
        let names = feature_names();
        let mut stations: Vec<(u32, usize, usize)> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let s = station_of(name);
            match stations.last_mut() {
                Some(last) if last.0 == s => last.2 = i + 1,
                _ => stations.push((s, i, i + 1)),
            }
        }
        let truths = (0..names.len()).map(|i| feature_truth(seed, i)).collect();
        let s29 = stations.iter().find(|s| s.0 == 29).map_or(0, |s| s.1);
        Layout {
            names,
            stations,
            truths,
            rule: (s29 + RULE_A, s29 + RULE_B),
            changed: (s29 + CHANGED_C, s29 + CHANGED_D),
        }
    }
}

/// A part's route, visited stations and time stamps (shared by both files).
struct Part {
    route: usize,
    /// Per station (in `Layout::stations` order): time stamp in 0.01 h, or None if not visited.
    stamps: Vec<Option<i64>>,
}

impl Part {
    /// `ordered: Some(parts)` moves the part's stamps so that its first one takes its row's place
    /// in an even, time-ordered spread of `parts` parts (the draws are the same either way).
    fn new(row: u64, seed: u64, layout: &Layout, ordered: Option<u64>) -> Part {
        let mut r = EntityRng::new(seed, STREAM_ROW, row);
        let shares: Vec<f64> = ROUTES.iter().map(|x| x.share).collect();
        let route = r.weighted(&shares);
        let rt = &ROUTES[route];
        let mut t = r.range(0, 171_000);
        let mut stamps: Vec<Option<i64>> = layout
            .stations
            .iter()
            .map(|&(s, _, _)| {
                let visit =
                    rt.core.contains(&s) || (rt.optional.contains(&s) && r.chance(OPTIONAL_VISIT));
                visit.then(|| {
                    t += r.range(0, 30);
                    t
                })
            })
            .collect();
        if let Some(parts) = ordered {
            if let Some(first) = stamps.iter().flatten().next().copied() {
                let shift = (row as i128 * TIME_SPAN as i128 / parts.max(1) as i128) as i64 - first;
                for stamp in stamps.iter_mut().flatten() {
                    *stamp += shift;
                }
            }
        }
        Part { route, stamps }
    }

    /// The part's time: its first stamp (every route visits at least one station).
    fn start(&self) -> i64 {
        self.stamps.iter().flatten().next().copied().unwrap_or(0)
    }
}

pub(crate) fn write(
    file: &str,
    scale: f64,
    seed: u64,
    out: &mut dyn Write,
) -> Option<io::Result<()>> {
    let options = StreamOptions::default();
    Some(match file {
        "train_numeric.csv" => write_numeric(scale, seed, &options, out),
        "train_date.csv" => write_date(scale, seed, &options, out),
        _ => return None,
    })
}

/// Writes `train_numeric.csv` or `train_date.csv` as [`crate::write_file`] does, with the stream
/// options (time order, rule change) of use case 2.2. The default options write the same bytes
/// as [`crate::write_file`].
pub fn write_stream(
    file: &str,
    scale: f64,
    seed: u64,
    options: &StreamOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let invalid = |m: String| Err(io::Error::new(io::ErrorKind::InvalidInput, m));
    if !(scale.is_finite() && scale > 0.0 && scale <= 10.0) {
        return invalid(format!("scale must be a number in (0, 10], found {scale}"));
    }
    if let Some(c) = options.rule_change {
        if !(c > 0.0 && c < 1.0) {
            return invalid(format!("rule_change must be a share in (0, 1), found {c}"));
        }
    }
    match file {
        "train_numeric.csv" => write_numeric(scale, seed, options, out),
        "train_date.csv" => write_date(scale, seed, options, out),
        _ => invalid(format!(
            "bosch has no stream file \"{file}\": expected train_numeric.csv or train_date.csv"
        )),
    }
}

/// The sequence of part ids, shared by both files.
struct Ids {
    rng: EntityRng,
    next: u64,
}

impl Ids {
    fn new(seed: u64) -> Ids {
        Ids {
            rng: EntityRng::new(seed, STREAM_IDS, 0),
            next: 4,
        }
    }

    fn next_id(&mut self) -> u64 {
        let id = self.next;
        let step = [1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4];
        self.next += step[self.rng.range(0, 19) as usize];
        id
    }
}

fn write_numeric(
    scale: f64,
    seed: u64,
    options: &StreamOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let layout = Layout::new(seed);
    let parts = part_count(scale);
    let ordered = options.time_ordered.then_some(parts);
    let change = options.change_time();
    let (changed_c, changed_d) = layout.changed;
    let rho_cd = layout.truths[changed_c].loading * layout.truths[changed_d].loading;
    let norm_cd = (2.0 + 2.0 * rho_cd).sqrt();
    let mut ids = Ids::new(seed);
    let mut sink = Sink::new(out);
    sink.str(HEADER.trim_end());
    sink.end_line()?;
    let (rule_a, rule_b) = layout.rule;
    let rho = layout.truths[rule_a].loading * layout.truths[rule_b].loading;
    let norm = (2.0 - 2.0 * rho).sqrt();
    for row in 0..parts {
        let part = Part::new(row, seed, &layout, ordered);
        let mut r = EntityRng::new(seed, STREAM_VALUES, row);
        sink.uint(ids.next_id());
        let (mut za, mut zb, mut zc, mut zd) = (0.0, 0.0, 0.0, 0.0);
        for (k, &(_, from, to)) in layout.stations.iter().enumerate() {
            if part.stamps[k].is_none() {
                for _ in from..to {
                    sink.comma();
                }
                continue;
            }
            let factor = r.normal();
            for j in from..to {
                let t = layout.truths[j];
                let z = t.loading * factor + (1.0 - t.loading * t.loading).sqrt() * r.normal();
                if j == rule_a {
                    za = z;
                } else if j == rule_b {
                    zb = z;
                } else if j == changed_c {
                    zc = z;
                } else if j == changed_d {
                    zd = z;
                }
                sink.comma();
                if !r.chance(CELL_MISSING) {
                    sink.fixed(((t.mean + t.sd * z) * 1000.0).round() as i64, 3);
                }
            }
        }
        let score = match change {
            Some(at) if part.start() >= at => (zc + zd) / norm_cd,
            _ => (za - zb) / norm,
        };
        let fails = if score > DEFECT_THRESHOLD {
            r.chance(DEFECT_KEEP)
        } else {
            r.chance(DEFECT_NOISE)
        };
        sink.str(if fails { ",1" } else { ",0" });
        sink.end_line()?;
    }
    sink.finish()
}

fn write_date(
    scale: f64,
    seed: u64,
    options: &StreamOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let layout = Layout::new(seed);
    let parts = part_count(scale);
    let ordered = options.time_ordered.then_some(parts);
    let mut ids = Ids::new(seed);
    let mut sink = Sink::new(out);
    sink.str("Id");
    for name in &layout.names {
        sink.comma();
        sink.str(&date_name(name));
    }
    sink.end_line()?;
    for row in 0..parts {
        let part = Part::new(row, seed, &layout, ordered);
        sink.uint(ids.next_id());
        for (k, &(_, from, to)) in layout.stations.iter().enumerate() {
            for _ in from..to {
                sink.comma();
                if let Some(t) = part.stamps[k] {
                    sink.fixed(t, 2);
                }
            }
        }
        sink.end_line()?;
    }
    sink.finish()
}
