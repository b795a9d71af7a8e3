//! The missingness summary shown before anything is imputed: where the holes are (by line and by
//! station) and which station-visit patterns dominate. On Bosch the holes are not random: a part
//! follows a route, and a station off its route leaves all its features empty, so the few
//! dominant visit patterns are the product families.

use super::groups::{for_each_observed, station_groups, StationGroup};
use super::select::candidate_columns;
use serde::Serialize;
use tabular::Table;

/// One production line: its stations and how many parts passed any of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineSummary {
    /// Line (`L` number).
    pub line: u32,
    /// Stations of the line.
    pub stations: usize,
    /// Feature columns of the line.
    pub columns: usize,
    /// Rows with an observed value in any station of the line.
    pub rows_visited: u64,
    /// Share of the line's cells that are empty.
    pub missing_share: f64,
}

/// A set of visited stations (or observed columns, for a file without station names) and the
/// rows that show exactly that set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitPattern {
    /// Stations visited (or columns observed), in file order.
    pub visited: Vec<String>,
    /// Rows with this pattern.
    pub rows: u64,
    /// Their share of all rows.
    pub share: f64,
}

/// Where the holes are, before choosing what to impute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingnessSummary {
    /// File name.
    pub file: String,
    /// Data rows.
    pub rows: u64,
    /// Numeric measurement columns (the candidates for imputation).
    pub columns: usize,
    /// Share of empty cells among those columns.
    pub missing_share: f64,
    /// Per line (empty when the header has no `L{line}_S{station}_F{feature}` names).
    pub lines: Vec<LineSummary>,
    /// Per station, in file order.
    pub stations: Vec<StationGroup>,
    /// What the patterns are made of: `"station"` or `"column"`.
    pub pattern_unit: &'static str,
    /// Number of distinct visit patterns.
    pub distinct_patterns: u64,
    /// The most frequent patterns, most frequent first.
    pub top_patterns: Vec<VisitPattern>,
}

/// Summarises the missingness of `table`, listing the `top` most frequent visit patterns.
pub fn summarize(table: &Table, top: usize) -> MissingnessSummary {
    let stations = station_groups(table);
    let candidates = candidate_columns(table);
    let n = table.n_rows;
    let cells = candidates.len() * n;
    let missing: usize = candidates.iter().map(|&c| table.columns[c].missing).sum();

    // The units of a pattern: stations when the header names them, else the columns themselves.
    let (pattern_unit, units): (&'static str, Vec<(String, Vec<usize>)>) = if stations.is_empty() {
        let units = candidates
            .iter()
            .map(|&c| (table.columns[c].name.clone(), vec![c]))
            .collect();
        ("column", units)
    } else {
        let units = stations
            .iter()
            .map(|g| {
                let idx = g
                    .columns
                    .iter()
                    .filter_map(|name| table.columns.iter().position(|c| &c.name == name))
                    .collect();
                (g.name.clone(), idx)
            })
            .collect();
        ("station", units)
    };
    let (distinct_patterns, top_patterns) = visit_patterns(table, &units, top);

    let mut lines: Vec<LineSummary> = Vec::new();
    for (g, (_, idx)) in stations.iter().zip(&units) {
        let missing: usize = idx.iter().map(|&c| table.columns[c].missing).sum();
        match lines.iter_mut().find(|l| l.line == g.line) {
            Some(l) => {
                l.stations += 1;
                l.columns += g.columns.len();
                l.missing_share += missing as f64;
            }
            None => lines.push(LineSummary {
                line: g.line,
                stations: 1,
                columns: g.columns.len(),
                rows_visited: 0,
                missing_share: missing as f64,
            }),
        }
    }
    let mut visited = vec![false; n];
    for l in &mut lines {
        visited.fill(false);
        for (g, (_, idx)) in stations.iter().zip(&units) {
            if g.line == l.line {
                for &c in idx {
                    for_each_observed(&table.columns[c], |row| visited[row] = true);
                }
            }
        }
        l.rows_visited = visited.iter().filter(|&&v| v).count() as u64;
        l.missing_share /= (l.columns * n).max(1) as f64;
    }

    MissingnessSummary {
        file: table.name.clone(),
        rows: n as u64,
        columns: candidates.len(),
        missing_share: missing as f64 / cells.max(1) as f64,
        lines,
        stations,
        pattern_unit,
        distinct_patterns,
        top_patterns,
    }
}

/// Counts the distinct sets of visited units per row and returns the `top` most frequent (ties
/// in file order of their units, so the result never depends on a hash order).
fn visit_patterns(
    table: &Table,
    units: &[(String, Vec<usize>)],
    top: usize,
) -> (u64, Vec<VisitPattern>) {
    let n = table.n_rows;
    let words = units.len().div_ceil(64).max(1);
    let mut keys = vec![0u64; n * words];
    for (u, (_, idx)) in units.iter().enumerate() {
        for &c in idx {
            for_each_observed(&table.columns[c], |row| {
                keys[row * words + u / 64] |= 1u64 << (u % 64);
            });
        }
    }
    let key = |r: usize| &keys[r * words..(r + 1) * words];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
    let mut counts: Vec<(usize, u64)> = Vec::new();
    for (pos, &r) in order.iter().enumerate() {
        if pos > 0 && key(order[pos - 1]) == key(r) {
            counts.last_mut().expect("a previous pattern").1 += 1;
        } else {
            counts.push((r, 1));
        }
    }
    let distinct = counts.len() as u64;
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(key(a.0).cmp(key(b.0))));
    let patterns = counts
        .into_iter()
        .take(top)
        .map(|(r, rows)| VisitPattern {
            visited: units
                .iter()
                .enumerate()
                .filter(|(u, _)| key(r)[u / 64] & (1u64 << (u % 64)) != 0)
                .map(|(_, (name, _))| name.clone())
                .collect(),
            rows,
            share: rows as f64 / n.max(1) as f64,
        })
        .collect();
    (distinct, patterns)
}
