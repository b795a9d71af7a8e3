//! The entity table clustering works on: one row per entity (a store, a customer), one variable
//! per column, each with the kind that decides how Gower distance compares it. Built from
//! Rossmann's files by [`super::store_profiles`], or from any table with one row per entity by
//! [`EntityTable::from_table`].

use std::collections::HashMap;
use std::io::{self, Write};

use learn::cluster::{ColumnValues, MixedColumn, MixedTable, MISSING_BINARY, MISSING_CODE};
use serde::Serialize;
use tabular::{ColumnData, Table};

use crate::UseCaseError;

/// A variable of the entity table.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileValues {
    /// Interval-scaled numbers (`NaN` missing): |a - b| / range in Gower distance.
    Numeric(Vec<f64>),
    /// Unordered labels (`None` missing): equal or not.
    Categorical(Vec<Option<String>>),
    /// Ordered labels (`None` missing), ranked in sorted text order (as R's `sort(levels)`): the
    /// rank difference over the rank range.
    Ordinal(Vec<Option<String>>),
    /// True/false flags (`None` missing), compared as R's `daisy` compares a logical column: an
    /// asymmetric binary, where two `false` say nothing about likeness and the pair skips it.
    Flag(Vec<Option<bool>>),
}

/// The kind of a variable, as the page labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VariableKind {
    /// [`ProfileValues::Numeric`].
    Numeric,
    /// [`ProfileValues::Categorical`].
    Categorical,
    /// [`ProfileValues::Ordinal`].
    Ordinal,
    /// [`ProfileValues::Flag`].
    Flag,
}

impl ProfileValues {
    /// Number of entities.
    pub fn len(&self) -> usize {
        match self {
            ProfileValues::Numeric(v) => v.len(),
            ProfileValues::Categorical(v) | ProfileValues::Ordinal(v) => v.len(),
            ProfileValues::Flag(v) => v.len(),
        }
    }

    /// True when there is no entity.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The variable's kind.
    pub fn kind(&self) -> VariableKind {
        match self {
            ProfileValues::Numeric(_) => VariableKind::Numeric,
            ProfileValues::Categorical(_) => VariableKind::Categorical,
            ProfileValues::Ordinal(_) => VariableKind::Ordinal,
            ProfileValues::Flag(_) => VariableKind::Flag,
        }
    }

    fn text_at(&self, row: usize) -> Option<String> {
        match self {
            ProfileValues::Numeric(v) => (!v[row].is_nan()).then(|| v[row].to_string()),
            ProfileValues::Categorical(v) | ProfileValues::Ordinal(v) => v[row].clone(),
            ProfileValues::Flag(v) => v[row].map(|b| if b { "TRUE" } else { "FALSE" }.into()),
        }
    }
}

/// One named variable of the entity table.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileVariable {
    /// Name shown in the cluster description.
    pub name: String,
    /// One value per entity.
    pub values: ProfileValues,
}

/// Entities by variables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityTable {
    /// Entity ids, in output order.
    pub ids: Vec<String>,
    /// The variables, each with one value per entity.
    pub variables: Vec<ProfileVariable>,
    /// What the reader set aside and why (a column with no value, one that looks like an id).
    pub notes: Vec<String>,
}

/// How [`EntityTable::from_table`] reads a table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableOptions {
    /// The column naming each entity (must be unique per row); `None` numbers the rows 1..n.
    pub id: Option<String>,
    /// Text columns whose levels are ordered (ranked in sorted text order).
    pub ordinal: Vec<String>,
    /// Columns to leave out.
    pub ignore: Vec<String>,
}

impl EntityTable {
    /// Number of entities.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there is no entity.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Reads a table with one row per entity: integer, float and date columns are numeric
    /// (dates as days), text columns categorical (ordinal when listed in `options.ordinal`),
    /// true/false columns flags. A column with no value at all is left out with a note.
    pub fn from_table(table: &Table, options: &TableOptions) -> Result<EntityTable, UseCaseError> {
        let file = table.name.as_str();
        for name in options.ordinal.iter().chain(&options.ignore) {
            table.require(name)?;
        }
        let ids = match &options.id {
            Some(name) => read_ids(table, name)?,
            None => (1..=table.n_rows).map(|r| r.to_string()).collect(),
        };
        let mut variables = Vec::new();
        let mut notes = Vec::new();
        for column in &table.columns {
            let name = column.name.as_str();
            if options.id.as_deref() == Some(name) || options.ignore.iter().any(|i| i == name) {
                continue;
            }
            let ordinal = options.ordinal.iter().any(|o| o == name);
            let values = match &column.data {
                ColumnData::Empty(_) => {
                    notes.push(format!(
                        "{file}: column {name} has no value and was left out"
                    ));
                    continue;
                }
                ColumnData::Text(text) => {
                    let labels = text
                        .codes
                        .iter()
                        .map(|&c| text.dictionary.get(c as usize).cloned())
                        .collect();
                    if text.dictionary.len() == table.n_rows && table.n_rows > 20 && !ordinal {
                        notes.push(format!(
                            "{file}: column {name} holds a different value on every row; if it \
                             names the entities, give it as the id column"
                        ));
                    }
                    if ordinal {
                        ProfileValues::Ordinal(labels)
                    } else {
                        ProfileValues::Categorical(labels)
                    }
                }
                _ if ordinal => {
                    return Err(UseCaseError::Input(format!(
                        "{file}: column {name} is {}, not text: only text columns can be ordinal \
                         (numbers are already ordered)",
                        column.kind().label()
                    )))
                }
                ColumnData::Bool(flags) => ProfileValues::Flag(
                    flags
                        .iter()
                        .map(|&b| (b != tabular::column::BOOL_MISSING).then_some(b == 1))
                        .collect(),
                ),
                _ => ProfileValues::Numeric(
                    (0..column.len())
                        .map(|r| column.f64_at(r).unwrap_or(f64::NAN))
                        .collect(),
                ),
            };
            variables.push(ProfileVariable {
                name: name.to_string(),
                values,
            });
        }
        if variables.is_empty() {
            return Err(UseCaseError::Input(format!(
                "{file}: no column to cluster on besides the id: the table needs one row per \
                 entity and at least one column describing it"
            )));
        }
        Ok(EntityTable {
            ids,
            variables,
            notes,
        })
    }

    /// The table as Gower distance reads it; category levels are coded in sorted text order.
    pub fn to_mixed(&self) -> Result<MixedTable, UseCaseError> {
        let columns = self
            .variables
            .iter()
            .map(|variable| MixedColumn {
                name: variable.name.clone(),
                values: match &variable.values {
                    ProfileValues::Numeric(v) => ColumnValues::Numeric(v.clone()),
                    ProfileValues::Categorical(labels) => {
                        let (codes, levels) = code_levels(labels);
                        ColumnValues::Categorical { codes, levels }
                    }
                    ProfileValues::Ordinal(labels) => {
                        let (codes, levels) = code_levels(labels);
                        ColumnValues::Ordinal { codes, levels }
                    }
                    ProfileValues::Flag(flags) => ColumnValues::Binary {
                        values: flags
                            .iter()
                            .map(|f| f.map_or(MISSING_BINARY, u8::from))
                            .collect(),
                        asymmetric: true,
                    },
                },
            })
            .collect();
        MixedTable::new(columns).map_err(|e| UseCaseError::Model(e.to_string()))
    }

    /// Writes the table as CSV, the ids first under `id_name`, numbers in shortest round-trip
    /// form, so that it can be downloaded or clustered again with `--table`.
    pub fn write_csv(&self, id_name: &str, out: &mut dyn Write) -> io::Result<()> {
        let cell = |text: &str| tabular::write::escape_cell(text, true).into_owned();
        let header: Vec<String> = std::iter::once(cell(id_name))
            .chain(self.variables.iter().map(|v| cell(&v.name)))
            .collect();
        writeln!(out, "{}", header.join(","))?;
        for (row, id) in self.ids.iter().enumerate() {
            let mut line = cell(id);
            for variable in &self.variables {
                line.push(',');
                if let Some(text) = variable.values.text_at(row) {
                    line.push_str(&cell(&text));
                }
            }
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}

/// Codes labels by their rank in sorted order (missing -> `MISSING_CODE`), as R's `factor`.
fn code_levels(labels: &[Option<String>]) -> (Vec<u32>, Vec<String>) {
    let mut levels: Vec<String> = labels.iter().flatten().cloned().collect();
    levels.sort();
    levels.dedup();
    let index: HashMap<&str, u32> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i as u32))
        .collect();
    let codes = labels
        .iter()
        .map(|l| l.as_deref().map_or(MISSING_CODE, |l| index[l]))
        .collect();
    (codes, levels)
}

/// The id column as text, refusing a missing or repeated id with the line it is on.
fn read_ids(table: &Table, name: &str) -> Result<Vec<String>, UseCaseError> {
    let column = table.require(name)?;
    let file = &table.name;
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(table.n_rows);
    let mut ids = Vec::with_capacity(table.n_rows);
    // Line numbers assume one line per record after the header, which holds unless a quoted
    // cell spans lines.
    for row in 0..column.len() {
        let Some(id) = column.text_at(row) else {
            return Err(UseCaseError::Input(format!(
                "{file}, line {}, column {name}: the id is empty; every entity needs an id",
                row + 2
            )));
        };
        if let Some(first) = seen.insert(id.to_string(), row) {
            return Err(UseCaseError::Input(format!(
                "{file}, line {}, column {name}: id \"{id}\" appears again (first on line {}); \
                 the table needs one row per entity",
                row + 2,
                first + 2
            )));
        }
        ids.push(id.into_owned());
    }
    Ok(ids)
}
