//! Entities described by mixed columns: the input of Gower distance, FAMD and cluster
//! description. Owned plain vectors, one per column, with the tabular crate's missing sentinels
//! so that a use case can move its columns in without conversion.

use super::ClusterError;

/// Missing code of a categorical or ordinal column (the tabular crate's text sentinel).
pub const MISSING_CODE: u32 = u32::MAX;
/// Missing value of a binary column (the tabular crate's boolean sentinel).
pub const MISSING_BINARY: u8 = 2;

/// The values of one column and how Gower distance compares them.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    /// Interval-scaled numbers (NaN = missing): |a - b| / range.
    Numeric(Vec<f64>),
    /// Ordered levels as codes in level order (`MISSING_CODE` = missing): compared as numbers
    /// on the codes, |a - b| / (max code - min code), as `daisy` does with an ordered factor.
    Ordinal {
        codes: Vec<u32>,
        levels: Vec<String>,
    },
    /// Unordered levels (`MISSING_CODE` = missing): 0 if equal, 1 otherwise.
    Categorical {
        codes: Vec<u32>,
        levels: Vec<String>,
    },
    /// 0/1 flags (`MISSING_BINARY` = missing). Symmetric: 0 if equal, 1 otherwise. Asymmetric
    /// (`daisy`'s "asymm"): a pair where both are 0 is left out, as absence shared is no
    /// likeness.
    Binary { values: Vec<u8>, asymmetric: bool },
}

/// One named column of a [`MixedTable`].
#[derive(Debug, Clone, PartialEq)]
pub struct MixedColumn {
    /// Column name, carried into descriptions.
    pub name: String,
    /// The values.
    pub values: ColumnValues,
}

impl MixedColumn {
    /// Number of entities in the column.
    pub fn len(&self) -> usize {
        match &self.values {
            ColumnValues::Numeric(v) => v.len(),
            ColumnValues::Ordinal { codes, .. } | ColumnValues::Categorical { codes, .. } => {
                codes.len()
            }
            ColumnValues::Binary { values, .. } => values.len(),
        }
    }

    /// True for a column with no entity.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at `row` as a number (level code or flag for non-numeric columns), `None` if
    /// missing.
    pub fn number_at(&self, row: usize) -> Option<f64> {
        match &self.values {
            ColumnValues::Numeric(v) => Some(v[row]).filter(|x| !x.is_nan()),
            ColumnValues::Ordinal { codes, .. } | ColumnValues::Categorical { codes, .. } => {
                Some(codes[row])
                    .filter(|&c| c != MISSING_CODE)
                    .map(f64::from)
            }
            ColumnValues::Binary { values, .. } => Some(values[row])
                .filter(|&b| b != MISSING_BINARY)
                .map(f64::from),
        }
    }
}

/// Entities (rows) described by mixed columns, all of the same length.
#[derive(Debug, Clone, PartialEq)]
pub struct MixedTable {
    /// The columns, in input order.
    pub columns: Vec<MixedColumn>,
}

impl MixedTable {
    /// Builds a table, checking that every column has the same length and holds legal values.
    pub fn new(columns: Vec<MixedColumn>) -> Result<MixedTable, ClusterError> {
        let table = MixedTable { columns };
        table.validate()?;
        Ok(table)
    }

    /// Number of entities.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, MixedColumn::len)
    }

    /// Checks lengths and values: numbers finite or NaN, codes within their levels, flags 0/1.
    pub fn validate(&self) -> Result<(), ClusterError> {
        let n = self.n_rows();
        if n == 0 || self.columns.is_empty() {
            return Err(ClusterError::EmptyData);
        }
        for (c, column) in self.columns.iter().enumerate() {
            if column.len() != n {
                return Err(ClusterError::LengthMismatch {
                    what: format!("column {} ({})", c + 1, column.name),
                    expected: n,
                    found: column.len(),
                });
            }
            let bad = |row, reason| {
                Err(ClusterError::InvalidValue {
                    row,
                    column: c,
                    reason,
                })
            };
            match &column.values {
                ColumnValues::Numeric(v) => {
                    if let Some(row) = v.iter().position(|x| x.is_infinite()) {
                        return bad(row, "infinite value (expected a number or an empty cell)");
                    }
                }
                ColumnValues::Ordinal { codes, levels }
                | ColumnValues::Categorical { codes, levels } => {
                    let out = |&c: &u32| c != MISSING_CODE && c as usize >= levels.len();
                    if let Some(row) = codes.iter().position(out) {
                        return bad(row, "level code past the end of the level list");
                    }
                }
                ColumnValues::Binary { values, .. } => {
                    if let Some(row) = values.iter().position(|&b| b > MISSING_BINARY) {
                        return bad(row, "binary value other than 0, 1 or missing");
                    }
                }
            }
        }
        Ok(())
    }
}
