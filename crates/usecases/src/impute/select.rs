//! From the user's choice of stations or columns to a plan: which columns, which rows, how much
//! memory, checked against a budget before anything large is allocated.
//!
//! Row rule: a row enters the imputation only if it has an observed value in at least one
//! selected column. On Bosch that means the part passed at least one selected station. A part
//! that never passed any has nothing to condition on, and no measurement to recover: imputing it
//! would invent one, drawn from the visiting parts' distribution, for a part of another family.
//! Those rows are left out of the imputation and counted.

use super::groups::{for_each_observed, parse_station};
use super::ImputeParams;
use crate::error::UseCaseError;
use serde::{Deserialize, Serialize};
use tabular::{ColumnData, ColumnKind, Table};

/// Which columns to impute. In JSON (and on the command line): `"all"`, a list of names, or any
/// other text as a regular expression.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ColumnSelection {
    /// Every numeric measurement column (not `Id`, nor Bosch's `Response` label).
    #[default]
    All,
    /// Column names, or station keys such as `L3_S29` standing for all the station's columns.
    Names(Vec<String>),
    /// A regular expression matched against column names (`^L3_S29_`).
    Pattern(String),
}

impl Serialize for ColumnSelection {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ColumnSelection::All => serializer.serialize_str("all"),
            ColumnSelection::Names(names) => names.serialize(serializer),
            ColumnSelection::Pattern(pattern) => serializer.serialize_str(pattern),
        }
    }
}

impl<'de> Deserialize<'de> for ColumnSelection {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            Text(String),
            Names(Vec<String>),
        }
        Ok(
            match Given::deserialize(deserializer).map_err(|_| {
                serde::de::Error::custom("expected \"all\", a list of column names, or a pattern")
            })? {
                Given::Text(text) if text.trim().is_empty() || text == "all" => {
                    ColumnSelection::All
                }
                Given::Text(pattern) => ColumnSelection::Pattern(pattern),
                Given::Names(names) => ColumnSelection::Names(names),
            },
        )
    }
}

/// A column left out of the imputation, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroppedColumn {
    /// Column name.
    pub name: String,
    /// Why, in words.
    pub reason: String,
}

/// What a run will do and what it needs, known before it starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImputePlan {
    /// File name.
    pub file: String,
    /// Columns to impute, in file order.
    pub columns: Vec<String>,
    /// Selected columns that were left out (never observed, constant, not numeric).
    pub dropped: Vec<DroppedColumn>,
    /// Rows of the file.
    pub rows_total: u64,
    /// Rows with an observed value in a selected column: the rows imputed.
    pub rows_used: u64,
    /// Rows with no observed value in any selected column, left out.
    pub rows_left_out: u64,
    /// Empty cells to impute (per dataset).
    pub missing_cells: u64,
    /// Estimated peak memory of the run, in bytes.
    pub memory_bytes: u64,
    /// The budget it was checked against, in bytes.
    pub memory_budget: u64,
    #[serde(skip)]
    pub(crate) indices: Vec<usize>,
    #[serde(skip)]
    pub(crate) rows: Vec<u32>,
}

/// The name of a row-identifier column (`Id`, any case).
pub(crate) fn is_id(name: &str) -> bool {
    name.eq_ignore_ascii_case("id")
}

/// Numeric measurement columns: what "all columns" means. Leaves out the identifier and, in a
/// file with station names, the `Response` label (a pass/fail outcome, not a measurement).
pub fn candidate_columns(table: &Table) -> Vec<usize> {
    let stations = table
        .columns
        .iter()
        .any(|c| parse_station(&c.name).is_some());
    table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| numeric(c.kind()) && !is_id(&c.name))
        .filter(|(_, c)| !(stations && c.name == "Response"))
        .map(|(i, _)| i)
        .collect()
}

fn numeric(kind: ColumnKind) -> bool {
    matches!(
        kind,
        ColumnKind::Int | ColumnKind::Float | ColumnKind::Bool | ColumnKind::Empty
    )
}

/// The columns of a file with this `header` that an imputation of `selection` reads: the
/// selected ones (a station key stands for its columns; "all" for every column but the id and
/// Bosch's `Response`), with the id column first when there is one. Used to read only those
/// columns of a file too large to hold whole (Bosch's 2 GB `train_numeric.csv`): the table read
/// is then resolved again with [`plan`], which checks the kinds. Unknown names are kept, so that
/// the read names them in its error.
pub fn columns_to_read(header: &[String], selection: &ColumnSelection) -> Vec<String> {
    let stations = header.iter().any(|h| parse_station(h).is_some());
    let wanted = |name: &str| -> bool {
        match selection {
            ColumnSelection::All => !(is_id(name) || (stations && name == "Response")),
            ColumnSelection::Names(names) => names.iter().any(|n| {
                let n = n.trim();
                name == n
                    || (parse_station(name).is_some()
                        && name.strip_prefix(n).is_some_and(|r| r.starts_with('_')))
            }),
            ColumnSelection::Pattern(pattern) => {
                regex_lite::Regex::new(pattern).is_ok_and(|re| re.is_match(name))
            }
        }
    };
    let mut out: Vec<String> = header.iter().filter(|h| is_id(h)).cloned().collect();
    out.extend(header.iter().filter(|h| !is_id(h) && wanted(h)).cloned());
    if let ColumnSelection::Names(names) = selection {
        for n in names {
            let n = n.trim();
            let matched = out
                .iter()
                .any(|o| o == n || o.strip_prefix(n).is_some_and(|r| r.starts_with('_')));
            if !matched {
                out.push(n.to_string());
            }
        }
    }
    out
}

/// Resolves the selection to column indices (file order); an explicitly named column must exist
/// and be numeric, a pattern or "all" skip what is not numeric with a note.
fn resolve(
    table: &Table,
    selection: &ColumnSelection,
    dropped: &mut Vec<DroppedColumn>,
) -> Result<Vec<usize>, UseCaseError> {
    let mut picked = vec![false; table.columns.len()];
    match selection {
        ColumnSelection::All => candidate_columns(table)
            .into_iter()
            .for_each(|i| picked[i] = true),
        ColumnSelection::Names(names) => {
            for name in names {
                let name = name.trim();
                if let Some(i) = table.columns.iter().position(|c| c.name == name) {
                    table.columns[i].numeric(&table.name)?;
                    picked[i] = true;
                    continue;
                }
                let station: Vec<usize> = table
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| {
                        parse_station(&c.name).is_some()
                            && c.name
                                .strip_prefix(name)
                                .is_some_and(|r| r.starts_with('_'))
                    })
                    .map(|(i, _)| i)
                    .collect();
                if station.is_empty() {
                    table.require(name)?;
                }
                station.into_iter().for_each(|i| picked[i] = true);
            }
        }
        ColumnSelection::Pattern(pattern) => {
            let re = regex_lite::Regex::new(pattern).map_err(|e| {
                UseCaseError::Input(format!("column pattern \"{pattern}\" is not valid: {e}"))
            })?;
            let mut any = false;
            for (i, c) in table.columns.iter().enumerate() {
                if re.is_match(&c.name) {
                    any = true;
                    picked[i] = true;
                }
            }
            if !any {
                return Err(UseCaseError::Input(format!(
                    "{}: no column matches \"{pattern}\"",
                    table.name
                )));
            }
        }
    }
    let mut out = Vec::new();
    for (i, c) in table.columns.iter().enumerate().filter(|(i, _)| picked[*i]) {
        if let Err(e) = c.numeric(&table.name) {
            dropped.push(DroppedColumn {
                name: c.name.clone(),
                reason: format!("not numeric ({e})"),
            });
        } else {
            out.push(i);
        }
    }
    Ok(out)
}

/// Why a column cannot be imputed (never observed, or no variance), `None` if it can. Uses the
/// same rule as the EM's standardisation, so that the fit never refuses a column we kept.
fn unusable(table: &Table, index: usize) -> Option<String> {
    let column = &table.columns[index];
    let (mut count, mut sum) = (0usize, 0.0f64);
    for_each_observed(column, |row| {
        count += 1;
        sum += column.f64_at(row).unwrap_or(0.0);
    });
    if count == 0 {
        return Some("never observed: nothing to impute it from".into());
    }
    let mean = sum / count as f64;
    let mut ss = 0.0;
    for_each_observed(column, |row| {
        let d = column.f64_at(row).unwrap_or(0.0) - mean;
        ss += d * d;
    });
    let sd = if count > 1 {
        (ss / (count - 1) as f64).sqrt()
    } else {
        0.0
    };
    (count < 2 || sd <= 1e-12 * mean.abs().max(f64::MIN_POSITIVE))
        .then(|| format!("constant ({count} observed values, all {mean})"))
}

/// Estimated peak bytes of a run on `rows` rows x `columns` columns with `missing` empty cells
/// and `m` imputations: the dense matrix, the packed observed values and pattern keys, the M
/// imputations, the row ids, and the EM work matrices.
pub fn memory_estimate(rows: u64, columns: u64, missing: u64, m: u64) -> u64 {
    let cells = rows * columns;
    let observed = cells.saturating_sub(missing);
    let dense = 8 * cells;
    let patterns = 8 * observed + rows * (8 * columns.div_ceil(64) + 4 + 8 + 8);
    let imputations = 8 * missing * m;
    let ids = 32 * rows;
    let em = 14 * 8 * columns * columns;
    dense + patterns + imputations + ids + em
}

fn gigabytes(bytes: u64) -> String {
    if bytes >= 100_000_000 {
        format!("{:.2} GB", bytes as f64 / 1e9)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

/// Resolves the selection, drops what cannot be imputed, picks the rows and checks the memory
/// the run needs against `params.memory_budget`, refusing up front (with what would fit) a
/// selection that exceeds it.
pub fn plan(table: &Table, params: &ImputeParams) -> Result<ImputePlan, UseCaseError> {
    let mut dropped = Vec::new();
    let resolved = resolve(table, &params.columns, &mut dropped)?;
    let mut indices = Vec::new();
    for i in resolved {
        match unusable(table, i) {
            Some(reason) => dropped.push(DroppedColumn {
                name: table.columns[i].name.clone(),
                reason,
            }),
            None => indices.push(i),
        }
    }
    if indices.is_empty() {
        return Err(UseCaseError::Input(format!(
            "{}: none of the selected columns can be imputed ({})",
            table.name,
            dropped
                .iter()
                .map(|d| format!("{}: {}", d.name, d.reason))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    let n = table.n_rows;
    let mut observed_in_row = vec![0u32; n];
    for &i in &indices {
        for_each_observed(&table.columns[i], |row| observed_in_row[row] += 1);
    }
    let p = indices.len() as u64;
    let rows: Vec<u32> = (0..n as u32)
        .filter(|&r| observed_in_row[r as usize] > 0)
        .collect();
    let observed: u64 = observed_in_row.iter().map(|&c| c as u64).sum();
    let used = rows.len() as u64;
    let missing = used * p - observed;
    let memory = memory_estimate(used, p, missing, params.m as u64);
    if memory > params.memory_budget {
        let share = missing as f64 / (used * p).max(1) as f64;
        let fits = (1..=p)
            .take_while(|&q| {
                let miss = (share * (used * q) as f64) as u64;
                memory_estimate(used, q, miss, params.m as u64) <= params.memory_budget
            })
            .last()
            .unwrap_or(0);
        return Err(UseCaseError::Input(format!(
            "{}: imputing {p} columns over {used} rows needs about {}, above the {} budget; \
             about {fits} columns fit with these rows: select fewer stations or columns",
            table.name,
            gigabytes(memory),
            gigabytes(params.memory_budget),
        )));
    }
    Ok(ImputePlan {
        file: table.name.clone(),
        columns: indices
            .iter()
            .map(|&i| table.columns[i].name.clone())
            .collect(),
        dropped,
        rows_total: n as u64,
        rows_used: used,
        rows_left_out: n as u64 - used,
        missing_cells: missing,
        memory_bytes: memory,
        memory_budget: params.memory_budget,
        indices,
        rows,
    })
}

/// The plan's rows x columns as a dense matrix, NaN for empty cells.
pub(crate) fn dense(table: &Table, plan: &ImputePlan) -> ndarray::Array2<f64> {
    let (n, p) = (plan.rows.len(), plan.indices.len());
    let mut x = ndarray::Array2::from_elem((n, p), f64::NAN);
    for (j, &c) in plan.indices.iter().enumerate() {
        let column = &table.columns[c];
        for (i, &r) in plan.rows.iter().enumerate() {
            let r = r as usize;
            x[[i, j]] = match &column.data {
                ColumnData::Float(v) => f64::from(v[r]),
                _ => column.f64_at(r).unwrap_or(f64::NAN),
            };
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::{columns_to_read, ColumnSelection};

    #[test]
    fn the_columns_to_read_follow_the_selection_with_the_id_first() {
        let header: Vec<String> = ["Id", "L3_S29_F1", "L3_S29_F2", "L3_S30_F3", "Response"]
            .map(String::from)
            .to_vec();
        let names = |s: ColumnSelection| columns_to_read(&header, &s);
        assert_eq!(
            names(ColumnSelection::Names(vec!["L3_S29".into()])),
            ["Id", "L3_S29_F1", "L3_S29_F2"]
        );
        assert_eq!(
            names(ColumnSelection::Pattern("S30".into())),
            ["Id", "L3_S30_F3"]
        );
        assert_eq!(
            names(ColumnSelection::All),
            ["Id", "L3_S29_F1", "L3_S29_F2", "L3_S30_F3"]
        );
        assert_eq!(
            names(ColumnSelection::Names(vec!["nope".into()])),
            ["Id", "nope"]
        );
    }
}
