//! Rossmann rows -> model features: the date, store, competition and Promo2 columns of
//! `train.csv` (and `test.csv`) joined to `store.csv` on `Store`, then the store-history and
//! event columns of [`history`](super::history). Measured on the real 2013-2014 rows in
//! `tests/bench/FORECAST_RESEARCH.md`.

use learn::gbdt::Feature;
use serde::{Deserialize, Serialize};

use super::history::{recipe_features, HistoryParams};
use crate::calendar::{civil_from_days, iso_week};
use crate::rossmann::{DailyRows, StoreInfo, StoreTable};
use crate::UseCaseError;

/// Which features a model sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FeatureSet {
    /// Exactly what the business asked for: DayOfWeek, Customers, Promo, StateHoliday,
    /// SchoolHoliday. `Customers` is not known on a day being forecast, so this set cannot
    /// forecast `test.csv`; it is kept to show what that leak is worth.
    Seed,
    /// Everything known in advance: store, date parts, store type and assortment, competition
    /// and Promo2, the store's level and its weekday and promo patterns from the training
    /// period, its recent trend, and the days to and from holidays, closures and reopenings.
    /// No `Customers`.
    #[default]
    Full,
}

impl FeatureSet {
    /// Parses `seed` or `full`.
    pub fn parse(text: &str) -> Option<FeatureSet> {
        match text {
            "seed" => Some(FeatureSet::Seed),
            "full" => Some(FeatureSet::Full),
            _ => None,
        }
    }
}

/// Builds the feature columns of `set` for every row of `rows`. The store-history columns of
/// the `full` set learn from the rows of `in_training` only (see [`history`](super::history)).
/// Every column is numeric: `StateHoliday`, `StoreType` and `Assortment` are integer codes, so
/// that a model travels to XGBoost as numeric splits and reads the exported feature table as is.
pub fn build(
    set: FeatureSet,
    rows: &DailyRows,
    stores: &StoreTable,
    in_training: &[bool],
) -> Result<Vec<Feature>, UseCaseError> {
    let numeric = Feature::numeric;
    if set == FeatureSet::Seed {
        let customers = rows.customers.clone().ok_or_else(|| {
            UseCaseError::Input(
                "the seed feature set needs Customers, which this file does not have".into(),
            )
        })?;
        return Ok(vec![
            numeric("DayOfWeek", rows.day_of_week.clone()),
            numeric("Customers", customers),
            numeric("Promo", rows.promo.clone()),
            numeric("StateHoliday", rows.state_holiday.clone()),
            numeric("SchoolHoliday", rows.school_holiday.clone()),
        ]);
    }
    let n = rows.len();
    let per_row = |f: &dyn Fn(usize) -> f32| (0..n).map(f).collect::<Vec<f32>>();
    let dates: Vec<_> = rows.date.iter().map(|&d| civil_from_days(d)).collect();
    let weeks: Vec<u32> = rows.date.iter().map(|&d| iso_week(d)).collect();
    let info: Vec<StoreInfo> = rows.store.iter().map(|&s| stores.get(s)).collect();
    let mut columns = vec![
        numeric("Store", per_row(&|i| rows.store[i] as f32)),
        numeric("DayOfWeek", rows.day_of_week.clone()),
        numeric("Promo", rows.promo.clone()),
        numeric("StateHoliday", rows.state_holiday.clone()),
        numeric("SchoolHoliday", rows.school_holiday.clone()),
        numeric("Year", per_row(&|i| dates[i].year as f32)),
        numeric("Month", per_row(&|i| dates[i].month as f32)),
        numeric("Day", per_row(&|i| dates[i].day as f32)),
        numeric("WeekOfYear", per_row(&|i| weeks[i] as f32)),
        numeric("StoreType", per_row(&|i| info[i].store_type)),
        numeric("Assortment", per_row(&|i| info[i].assortment)),
        numeric(
            "CompetitionDistance",
            per_row(&|i| info[i].competition_distance),
        ),
        numeric(
            "CompetitionOpenMonths",
            per_row(&|i| {
                let s = info[i];
                12.0 * (dates[i].year as f32 - s.competition_open_year)
                    + (dates[i].month as f32 - s.competition_open_month)
            }),
        ),
        numeric("Promo2", per_row(&|i| info[i].promo2)),
        numeric(
            "Promo2Weeks",
            per_row(&|i| {
                let s = info[i];
                if s.promo2 != 1.0 {
                    return f32::NAN;
                }
                52.0 * (dates[i].year as f32 - s.promo2_since_year)
                    + (weeks[i] as f32 - s.promo2_since_week)
            }),
        ),
        numeric(
            "Promo2Month",
            per_row(&|i| f32::from(info[i].promo2_months & (1 << dates[i].month) != 0)),
        ),
    ];
    columns.extend(recipe_features(
        rows,
        in_training,
        &HistoryParams::default(),
    ));
    Ok(columns)
}
