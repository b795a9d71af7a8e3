//! Rossmann rows -> model features. Reads `train.csv` (or `test.csv`) joined to `store.csv` on
//! `Store`, and derives the date, competition and Promo2 features of the `full` set.

use std::collections::HashMap;

use learn::gbdt::Feature;
use serde::{Deserialize, Serialize};

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
    /// and Promo2, the store's historical level. No `Customers`.
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

/// Per-store history computed on the training period only, so that validation rows never see
/// their own sales.
#[derive(Debug, Clone, Default)]
pub struct StoreHistory {
    mean_sales: HashMap<u32, f32>,
    mean_customers: HashMap<u32, f32>,
}

impl StoreHistory {
    /// Means of sales and customers on open days of the rows selected by `in_training`.
    pub fn from_rows(rows: &DailyRows, in_training: &[bool]) -> StoreHistory {
        let mut sums: HashMap<u32, (f64, f64, u32)> = HashMap::new();
        let (Some(sales), Some(customers)) = (&rows.sales, &rows.customers) else {
            return StoreHistory::default();
        };
        for i in (0..rows.len()).filter(|&i| in_training[i] && rows.open[i] && sales[i] > 0.0) {
            let entry = sums.entry(rows.store[i]).or_default();
            entry.0 += f64::from(sales[i]);
            entry.1 += f64::from(customers[i]);
            entry.2 += 1;
        }
        let mean_of = |pick: fn(&(f64, f64, u32)) -> f64| {
            sums.iter()
                .map(|(&store, s)| (store, (pick(s) / f64::from(s.2)) as f32))
                .collect()
        };
        StoreHistory {
            mean_sales: mean_of(|s| s.0),
            mean_customers: mean_of(|s| s.1),
        }
    }
}

/// Builds the feature columns of `set` for every row of `rows`.
pub fn build(
    set: FeatureSet,
    rows: &DailyRows,
    stores: &StoreTable,
    history: &StoreHistory,
) -> Result<Vec<Feature>, UseCaseError> {
    let numeric = Feature::numeric;
    let categorical = |name, n, values| Feature::categorical(name, values, n);
    let mut columns = vec![
        numeric("DayOfWeek", rows.day_of_week.clone()),
        numeric("Promo", rows.promo.clone()),
        categorical("StateHoliday", 4, rows.state_holiday.clone()),
        numeric("SchoolHoliday", rows.school_holiday.clone()),
    ];
    if set == FeatureSet::Seed {
        let customers = rows.customers.clone().ok_or_else(|| {
            UseCaseError::Input(
                "the seed feature set needs Customers, which this file does not have".into(),
            )
        })?;
        columns.insert(1, numeric("Customers", customers));
        return Ok(columns);
    }
    let n = rows.len();
    let per_row = |f: &dyn Fn(usize) -> f32| (0..n).map(f).collect::<Vec<f32>>();
    let dates: Vec<_> = rows.date.iter().map(|&d| civil_from_days(d)).collect();
    let info: Vec<StoreInfo> = rows.store.iter().map(|&s| stores.get(s)).collect();
    let lookup =
        |map: &HashMap<u32, f32>, i: usize| map.get(&rows.store[i]).copied().unwrap_or(f32::NAN);
    columns.extend([
        numeric("Store", per_row(&|i| rows.store[i] as f32)),
        numeric("Year", per_row(&|i| dates[i].year as f32)),
        numeric("Month", per_row(&|i| dates[i].month as f32)),
        numeric("Day", per_row(&|i| dates[i].day as f32)),
        numeric("WeekOfYear", per_row(&|i| iso_week(rows.date[i]) as f32)),
        categorical("StoreType", 4, per_row(&|i| info[i].store_type)),
        categorical("Assortment", 3, per_row(&|i| info[i].assortment)),
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
                    + (iso_week(rows.date[i]) as f32 - s.promo2_since_week)
            }),
        ),
        numeric(
            "Promo2Month",
            per_row(&|i| f32::from(info[i].promo2_months & (1 << dates[i].month) != 0)),
        ),
        numeric(
            "StoreMeanSales",
            per_row(&|i| lookup(&history.mean_sales, i)),
        ),
        numeric(
            "StoreMeanCustomers",
            per_row(&|i| lookup(&history.mean_customers, i)),
        ),
    ]);
    Ok(columns)
}
