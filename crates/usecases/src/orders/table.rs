//! A feature table: named `f32` columns of one length (NaN = missing), some categorical, from
//! which the rows of a split are gathered into the learner's columns.

use learn::gbdt::Feature;

/// One column of a feature table.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureColumn {
    /// Name, as the model and the exported CSV know it.
    pub name: String,
    /// One value per row, NaN for missing.
    pub values: Vec<f32>,
    /// `Some(n)` for a categorical column of codes `0..n`.
    pub categories: Option<u32>,
}

/// Named columns of one length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureTable {
    /// The columns, in model order.
    pub columns: Vec<FeatureColumn>,
}

impl FeatureTable {
    /// Adds a numeric column.
    pub fn push(&mut self, name: &str, values: Vec<f32>) {
        self.columns.push(FeatureColumn {
            name: name.to_string(),
            values,
            categories: None,
        });
    }

    /// Adds a categorical column of codes `0..categories`.
    pub fn push_categorical(&mut self, name: &str, values: Vec<f32>, categories: u32) {
        self.columns.push(FeatureColumn {
            name: name.to_string(),
            values,
            categories: Some(categories),
        });
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }

    /// Column names in order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The learner's columns for `rows`; categorical columns stay categorical unless
    /// `all_numeric` (as the peers read an exported table).
    pub fn gather(&self, rows: &[u32], all_numeric: bool) -> Vec<Feature> {
        self.columns
            .iter()
            .map(|c| {
                let values: Vec<f32> = rows.iter().map(|&r| c.values[r as usize]).collect();
                match c.categories {
                    Some(n) if !all_numeric => Feature::categorical(c.name.clone(), values, n),
                    _ => Feature::numeric(c.name.clone(), values),
                }
            })
            .collect()
    }

    /// Row `r`'s values, in column order.
    pub fn row(&self, r: usize) -> Vec<f32> {
        self.columns.iter().map(|c| c.values[r]).collect()
    }
}
