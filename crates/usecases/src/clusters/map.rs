//! The map of entities: PCA on the standardised numeric variables, or FAMD when categories,
//! ranks or flags drive the distance too, so that the map shows what the clustering saw.

use learn::cluster::{ColumnValues, FamdColumn, FamdParams, MixedColumn, MixedTable, PcaParams};
use ndarray::Array2;
use serde::Serialize;

/// A categorical variable with more levels than this is left off the map: each level is a
/// column of the FAMD matrix, and hundreds of them would make the map slow and unreadable.
pub const MAX_MAP_LEVELS: usize = 50;

/// Which method drew the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MapMethod {
    /// Principal component analysis of the standardised numeric variables.
    Pca,
    /// Factor analysis of mixed data: numeric variables standardised, levels as weighted
    /// indicators.
    Famd,
}

/// A numeric variable on the correlation circle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arrow {
    /// Variable name.
    pub name: String,
    /// Correlation with the first component.
    pub x: f64,
    /// Correlation with the second component.
    pub y: f64,
}

/// A level of a categorical variable at the centre of its entities on the map (FAMD only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelPoint {
    /// Variable name.
    pub variable: String,
    /// Level label.
    pub level: String,
    /// Share of the entities at this level.
    pub share: f64,
    /// Mean first-component score of its entities.
    pub x: f64,
    /// Mean second-component score of its entities.
    pub y: f64,
}

/// Everything the page needs to draw the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapView {
    /// PCA or FAMD.
    pub method: MapMethod,
    /// Share of the total variance of each component, largest first (all components).
    pub explained_variance_ratio: Vec<f64>,
    /// Variance of each component (all components).
    pub eigenvalues: Vec<f64>,
    /// Each entity's `[x, y]` on the first two components (y = 0 when there is one).
    pub scores: Vec<[f64; 2]>,
    /// The correlation circle of the numeric variables.
    pub variables: Vec<Arrow>,
    /// Level centres of the categorical variables (empty for PCA).
    pub levels: Vec<LevelPoint>,
    /// Variables left off the map, with the reason.
    pub excluded: Vec<String>,
}

/// Draws the map of `table` on the columns whose weight is positive; `None` (with the reasons
/// in `notes`) when no column can be drawn.
pub fn draw(table: &MixedTable, weights: &[f64], notes: &mut Vec<String>) -> Option<MapView> {
    let mut excluded = Vec::new();
    let mut columns: Vec<MixedColumn> = Vec::new();
    for (column, &w) in table.columns.iter().zip(weights) {
        let name = &column.name;
        if w == 0.0 {
            excluded.push(format!("{name}: supplementary (weight 0)"));
            continue;
        }
        match &column.values {
            ColumnValues::Numeric(v) => {
                let observed = v.iter().filter(|x| !x.is_nan());
                let lo = observed.clone().fold(f64::INFINITY, |a, &b| a.min(b));
                let hi = observed.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                if hi <= lo {
                    excluded.push(format!("{name}: no spread, nothing to draw"));
                    continue;
                }
            }
            ColumnValues::Categorical { levels, .. } | ColumnValues::Ordinal { levels, .. }
                if levels.len() > MAX_MAP_LEVELS =>
            {
                excluded.push(format!(
                    "{name}: {} levels, more than the map's {MAX_MAP_LEVELS}",
                    levels.len()
                ));
                continue;
            }
            _ => {}
        }
        columns.push(column.clone());
    }
    if columns.is_empty() || table.n_rows() < 2 {
        notes.push("no map: it needs two entities and a variable with spread".to_string());
        return None;
    }
    let all_numeric = columns
        .iter()
        .all(|c| matches!(c.values, ColumnValues::Numeric(_)));
    let result = if all_numeric {
        pca(&columns)
    } else {
        famd(&columns)
    };
    match result {
        Ok(mut view) => {
            view.excluded = excluded;
            Some(view)
        }
        Err(error) => {
            notes.push(format!("no map: {error}"));
            None
        }
    }
}

fn xy(m: &Array2<f64>, row: usize) -> [f64; 2] {
    let y = if m.ncols() > 1 { m[[row, 1]] } else { 0.0 };
    [m[[row, 0]], y]
}

fn pca(columns: &[MixedColumn]) -> Result<MapView, learn::cluster::ClusterError> {
    let n = columns[0].len();
    let data = Array2::from_shape_fn((n, columns.len()), |(r, c)| {
        columns[c].number_at(r).unwrap_or(f64::NAN)
    });
    let fitted = PcaParams { n_components: 2 }.fit(data.view())?;
    let axes = &fitted.axes;
    Ok(MapView {
        method: MapMethod::Pca,
        explained_variance_ratio: axes.explained_ratio.clone(),
        eigenvalues: axes.eigenvalues.clone(),
        scores: (0..n).map(|r| xy(&axes.scores, r)).collect(),
        variables: columns
            .iter()
            .enumerate()
            .map(|(c, column)| {
                let [x, y] = xy(&fitted.correlations, c);
                Arrow {
                    name: column.name.clone(),
                    x,
                    y,
                }
            })
            .collect(),
        levels: Vec::new(),
        excluded: Vec::new(),
    })
}

fn famd(columns: &[MixedColumn]) -> Result<MapView, learn::cluster::ClusterError> {
    let table = MixedTable::new(columns.to_vec())?;
    let n = table.n_rows();
    let fitted = FamdParams { n_components: 2 }.fit(&table)?;
    let axes = &fitted.axes;
    let mut variables = Vec::new();
    let mut levels = Vec::new();
    for entry in &fitted.prepared {
        match *entry {
            FamdColumn::Numeric { column } => {
                let [x, y] = xy(&fitted.correlations, variables.len());
                variables.push(Arrow {
                    name: columns[column].name.clone(),
                    x,
                    y,
                });
            }
            FamdColumn::Level {
                column,
                level,
                share,
            } => {
                let [x, y] = xy(&fitted.level_centres, levels.len());
                levels.push(LevelPoint {
                    variable: columns[column].name.clone(),
                    level: level_name(&columns[column].values, level),
                    share,
                    x,
                    y,
                });
            }
        }
    }
    Ok(MapView {
        method: MapMethod::Famd,
        explained_variance_ratio: axes.explained_ratio.clone(),
        eigenvalues: axes.eigenvalues.clone(),
        scores: (0..n).map(|r| xy(&axes.scores, r)).collect(),
        variables,
        levels,
        excluded: Vec::new(),
    })
}

fn level_name(values: &ColumnValues, level: u32) -> String {
    match values {
        ColumnValues::Categorical { levels, .. } | ColumnValues::Ordinal { levels, .. } => {
            levels.get(level as usize).cloned().unwrap_or_default()
        }
        ColumnValues::Binary { .. } => if level == 1 { "TRUE" } else { "FALSE" }.to_string(),
        ColumnValues::Numeric(_) => level.to_string(),
    }
}
