//! A feature table: named `f32` columns of one length (NaN = missing), some categorical, from
//! which the rows of a split are gathered into the learner's columns.
//!
//! A column that describes an entity rather than a row (a product's reorder rate, a user's mean
//! basket) is stored once per entity and read through a key column (each row's product or
//! user): 14.9 M candidate pairs then hold 7 pair columns, not 24 (1 GB less at full size).

use learn::gbdt::Feature;

/// One column of a feature table.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureColumn {
    /// Name, as the model and the exported CSV know it.
    pub name: String,
    /// One value per row, or per entity when `key` is set; NaN for missing.
    pub values: Vec<f32>,
    /// `Some(n)` for a categorical column of codes `0..n`.
    pub categories: Option<u32>,
    /// `Some(k)`: row `r`'s value is `values[keys[k][r]]`.
    pub key: Option<usize>,
}

/// Named columns of one length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureTable {
    /// The columns, in model order.
    pub columns: Vec<FeatureColumn>,
    /// Key columns (an entity index per row) that keyed columns read through.
    pub keys: Vec<Vec<u32>>,
    n_rows: usize,
}

impl FeatureTable {
    /// Adds a numeric column, one value per row.
    pub fn push(&mut self, name: &str, values: Vec<f32>) {
        self.n_rows = values.len();
        self.add(name, values, None, None);
    }

    /// Adds a categorical column of codes `0..categories`, one per row.
    pub fn push_categorical(&mut self, name: &str, values: Vec<f32>, categories: u32) {
        self.n_rows = values.len();
        self.add(name, values, Some(categories), None);
    }

    /// Adds a key column (an entity index per row) and returns its number for
    /// [`push_keyed`](Self::push_keyed).
    pub fn add_key(&mut self, entity_of_row: Vec<u32>) -> usize {
        self.n_rows = entity_of_row.len();
        self.keys.push(entity_of_row);
        self.keys.len() - 1
    }

    /// Adds a column of one value per entity, read through key `key`; categorical when
    /// `categories` is given.
    pub fn push_keyed(
        &mut self,
        name: &str,
        per_entity: Vec<f32>,
        key: usize,
        categories: Option<u32>,
    ) {
        self.add(name, per_entity, categories, Some(key));
    }

    fn add(&mut self, name: &str, values: Vec<f32>, categories: Option<u32>, key: Option<usize>) {
        self.columns.push(FeatureColumn {
            name: name.to_string(),
            values,
            categories,
            key,
        });
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Column names in order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The value of column `column` on row `row`.
    #[inline]
    pub fn value(&self, column: usize, row: usize) -> f32 {
        let c = &self.columns[column];
        match c.key {
            None => c.values[row],
            Some(k) => c.values[self.keys[k][row] as usize],
        }
    }

    /// The column named `name`, row by row.
    pub fn column(&self, name: &str) -> Option<Vec<f32>> {
        let i = self.columns.iter().position(|c| c.name == name)?;
        Some((0..self.n_rows).map(|r| self.value(i, r)).collect())
    }

    /// Column `i` of `rows` as the learner's feature; categorical unless `all_numeric` (as the
    /// peers read an exported table).
    pub fn feature(&self, i: usize, rows: &[u32], all_numeric: bool) -> Feature {
        let c = &self.columns[i];
        let values: Vec<f32> = match c.key {
            None => rows.iter().map(|&r| c.values[r as usize]).collect(),
            Some(k) => {
                let key = &self.keys[k];
                rows.iter()
                    .map(|&r| c.values[key[r as usize] as usize])
                    .collect()
            }
        };
        match c.categories {
            Some(n) if !all_numeric => Feature::categorical(c.name.clone(), values, n),
            _ => Feature::numeric(c.name.clone(), values),
        }
    }

    /// The learner's columns for `rows` (see [`feature`](Self::feature)).
    pub fn gather(&self, rows: &[u32], all_numeric: bool) -> Vec<Feature> {
        (0..self.columns.len())
            .map(|i| self.feature(i, rows, all_numeric))
            .collect()
    }

    /// The key column `k` (an entity index per row).
    pub fn key(&self, k: usize) -> &[u32] {
        &self.keys[k]
    }

    /// Row `r`'s values, in column order.
    pub fn row(&self, r: usize) -> Vec<f32> {
        (0..self.columns.len()).map(|i| self.value(i, r)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_columns_read_through_their_key() {
        let mut t = FeatureTable::default();
        t.push("own", vec![1.0, 2.0, 3.0]);
        let k = t.add_key(vec![1, 0, 1]);
        t.push_keyed("entity", vec![10.0, 20.0], k, None);
        assert_eq!(t.n_rows(), 3);
        assert_eq!(t.row(0), vec![1.0, 20.0]);
        assert_eq!(t.column("entity"), Some(vec![20.0, 10.0, 20.0]));
        let f = t.gather(&[2, 1], false);
        assert_eq!(f[1].values, vec![20.0, 10.0]);
    }
}
