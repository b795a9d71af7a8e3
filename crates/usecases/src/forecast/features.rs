//! Rossmann rows -> model features. Reads `train.csv` (or `test.csv`) joined to `store.csv` on
//! `Store`, and derives the date, competition and Promo2 features of the `full` set.

use std::collections::HashMap;

use learn::gbdt::Feature;
use serde::{Deserialize, Serialize};
use tabular::{ColumnData, CsvError, ErrorKind, Table};

use crate::calendar::{civil_from_days, iso_week};
use crate::clusters::store_profiles::{ProfileValues, ProfileVariable};
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

/// The typed Rossmann columns a forecast needs, one entry per row of `train.csv` or `test.csv`.
#[derive(Debug, Clone, Default)]
pub struct DailyRows {
    /// `Store` id.
    pub store: Vec<u32>,
    /// Days since 1970-01-01.
    pub date: Vec<i32>,
    /// `DayOfWeek`, 1 = Monday.
    pub day_of_week: Vec<f32>,
    /// `Open`; a missing value (test.csv, store 622) counts as open, as the competition did.
    pub open: Vec<bool>,
    /// `Promo` 0/1.
    pub promo: Vec<f32>,
    /// `StateHoliday` as a code: 0 none, 1 public (a), 2 Easter (b), 3 Christmas (c).
    pub state_holiday: Vec<f32>,
    /// `SchoolHoliday` 0/1.
    pub school_holiday: Vec<f32>,
    /// `Sales`, absent in test.csv.
    pub sales: Option<Vec<f32>>,
    /// `Customers`, absent in test.csv.
    pub customers: Option<Vec<f32>>,
    /// `Id`, present in test.csv only.
    pub id: Option<Vec<f32>>,
}

impl DailyRows {
    /// Reads the columns of `train.csv` (with `Sales` and `Customers`) or `test.csv` (with `Id`),
    /// with errors that name the file, line and column of the first unusable cell.
    pub fn from_table(table: &Table) -> Result<DailyRows, CsvError> {
        let file = table.name.as_str();
        let numeric = |name: &str| table.require(name)?.numeric(file);
        let optional_numeric = |name: &str| table.column(name).map(|c| c.numeric(file)).transpose();
        let store = numeric("Store")?.iter().map(|&s| s as u32).collect();
        let date = date_column(table, "Date")?;
        let open = numeric("Open")?
            .iter()
            .map(|&o| o.is_nan() || o != 0.0)
            .collect();
        Ok(DailyRows {
            store,
            date,
            day_of_week: numeric("DayOfWeek")?,
            open,
            promo: numeric("Promo")?,
            state_holiday: state_holiday_codes(table)?,
            school_holiday: numeric("SchoolHoliday")?,
            sales: optional_numeric("Sales")?,
            customers: optional_numeric("Customers")?,
            id: optional_numeric("Id")?,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }
}

fn date_column(table: &Table, name: &str) -> Result<Vec<i32>, CsvError> {
    let column = table.require(name)?;
    match &column.data {
        ColumnData::Date(days) if column.missing == 0 => Ok(days.clone()),
        _ => Err(CsvError {
            file: table.name.clone(),
            line: column.first_mismatch.as_ref().map(|m| m.line),
            column: column.first_mismatch.as_ref().map(|m| m.column),
            column_name: Some(name.to_string()),
            kind: ErrorKind::Invalid("expected a date YYYY-MM-DD on every row".to_string()),
        }),
    }
}

/// `StateHoliday` is `0` on most days and `a`, `b`, `c` on holidays; a file (or a sample) with no
/// holiday at all reads as an integer column, which is all zeros.
fn state_holiday_codes(table: &Table) -> Result<Vec<f32>, CsvError> {
    let column = table.require("StateHoliday")?;
    let code_of = |text: &str| match text.trim() {
        "a" => 1.0,
        "b" => 2.0,
        "c" => 3.0,
        _ => 0.0,
    };
    Ok(match &column.data {
        ColumnData::Text(text) => {
            let by_code: Vec<f32> = text.dictionary.iter().map(|t| code_of(t)).collect();
            text.codes
                .iter()
                .map(|&c| by_code.get(c as usize).copied().unwrap_or(0.0))
                .collect()
        }
        _ => column
            .numeric(&table.name)?
            .iter()
            .map(|&v| if v.is_nan() { 0.0 } else { v.min(3.0) })
            .collect(),
    })
}

/// One store's attributes from `store.csv`, with the month set of its Promo2 interval.
#[derive(Debug, Clone, Copy)]
struct StoreInfo {
    store_type: f32,
    assortment: f32,
    competition_distance: f32,
    competition_open_month: f32,
    competition_open_year: f32,
    promo2: f32,
    promo2_since_week: f32,
    promo2_since_year: f32,
    /// Bit `m` set when month `m` (1..=12) starts a Promo2 round.
    promo2_months: u16,
}

impl StoreInfo {
    const UNKNOWN: StoreInfo = StoreInfo {
        store_type: f32::NAN,
        assortment: f32::NAN,
        competition_distance: f32::NAN,
        competition_open_month: f32::NAN,
        competition_open_year: f32::NAN,
        promo2: f32::NAN,
        promo2_since_week: f32::NAN,
        promo2_since_year: f32::NAN,
        promo2_months: 0,
    };
}

/// `store.csv` indexed by store id.
#[derive(Debug, Clone, Default)]
pub struct StoreTable {
    by_store: HashMap<u32, StoreInfo>,
}

impl StoreTable {
    /// Reads `store.csv`.
    pub fn from_table(table: &Table) -> Result<StoreTable, CsvError> {
        let file = table.name.as_str();
        let numeric = |name: &str| table.require(name)?.numeric(file);
        let letter_code = |name: &str| -> Result<Vec<f32>, CsvError> {
            let column = table.require(name)?;
            Ok((0..column.len())
                .map(|row| match column.text_at(row) {
                    Some(text) => match text.trim().as_bytes().first() {
                        Some(b @ b'a'..=b'z') => f32::from(b - b'a'),
                        _ => f32::NAN,
                    },
                    None => f32::NAN,
                })
                .collect())
        };
        let stores = numeric("Store")?;
        let store_type = letter_code("StoreType")?;
        let assortment = letter_code("Assortment")?;
        let competition_distance = numeric("CompetitionDistance")?;
        let competition_open_month = numeric("CompetitionOpenSinceMonth")?;
        let competition_open_year = numeric("CompetitionOpenSinceYear")?;
        let promo2 = numeric("Promo2")?;
        let promo2_since_week = numeric("Promo2SinceWeek")?;
        let promo2_since_year = numeric("Promo2SinceYear")?;
        let interval = table.require("PromoInterval")?;
        let by_store = (0..table.n_rows)
            .map(|row| {
                let months = interval
                    .text_at(row)
                    .map_or(0, |t| promo_interval_months(&t));
                let info = StoreInfo {
                    store_type: store_type[row],
                    assortment: assortment[row],
                    competition_distance: competition_distance[row],
                    competition_open_month: competition_open_month[row],
                    competition_open_year: competition_open_year[row],
                    promo2: promo2[row],
                    promo2_since_week: promo2_since_week[row],
                    promo2_since_year: promo2_since_year[row],
                    promo2_months: months,
                };
                (stores[row] as u32, info)
            })
            .collect();
        Ok(StoreTable { by_store })
    }

    /// The store attributes that describe a store's profile, for `ids` in that order: type,
    /// assortment, competition distance and Promo2 participation.
    pub fn profile_variables(&self, ids: &[u32]) -> Vec<ProfileVariable> {
        let info: Vec<StoreInfo> = ids.iter().map(|&s| self.get(s)).collect();
        let letter =
            |code: f32| (!code.is_nan()).then(|| char::from(b'a' + code as u8).to_string());
        let categorical = |name: &str, values: Vec<Option<String>>| ProfileVariable {
            name: name.to_string(),
            values: ProfileValues::Categorical(values),
        };
        vec![
            categorical(
                "store_type",
                info.iter().map(|s| letter(s.store_type)).collect(),
            ),
            categorical(
                "assortment",
                info.iter().map(|s| letter(s.assortment)).collect(),
            ),
            ProfileVariable {
                name: "competition_distance".to_string(),
                values: ProfileValues::Numeric(
                    info.iter()
                        .map(|s| f64::from(s.competition_distance))
                        .collect(),
                ),
            },
            categorical(
                "promo2",
                info.iter()
                    .map(|s| (!s.promo2.is_nan()).then(|| (s.promo2 as u8).to_string()))
                    .collect(),
            ),
        ]
    }

    fn get(&self, store: u32) -> StoreInfo {
        self.by_store
            .get(&store)
            .copied()
            .unwrap_or(StoreInfo::UNKNOWN)
    }
}

/// `"Jan,Apr,Jul,Oct"` -> bits 1, 4, 7, 10. The public file spells September `Sept`.
fn promo_interval_months(text: &str) -> u16 {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    text.split(',')
        .filter_map(|part| {
            let part = part.trim().to_ascii_lowercase();
            MONTHS
                .iter()
                .position(|m| part.starts_with(m))
                .map(|i| 1u16 << (i + 1))
        })
        .fold(0, |bits, bit| bits | bit)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promo_intervals_of_the_public_file() {
        assert_eq!(
            promo_interval_months("Jan,Apr,Jul,Oct"),
            (1 << 1) | (1 << 4) | (1 << 7) | (1 << 10)
        );
        assert_eq!(
            promo_interval_months("Mar,Jun,Sept,Dec"),
            (1 << 3) | (1 << 6) | (1 << 9) | (1 << 12)
        );
        assert_eq!(promo_interval_months(""), 0);
    }
}
