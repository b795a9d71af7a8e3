//! Rossmann's files as typed rows: `train.csv` / `test.csv` day by day, and `store.csv` by store,
//! with errors naming the file, line and column of the first unusable cell. The forecast (1.1)
//! and the store clustering (1.2) both start from them.

use std::collections::HashMap;

use tabular::{ColumnData, CsvError, ErrorKind, KnownFile, Table};

use crate::{Tables, UseCaseError};

/// The loaded `train.csv` (required by `use_case`) and `store.csv` (when loaded: a table named
/// store.csv that is not Rossmann's is not read as one).
pub fn train_and_store<'a>(
    tables: &'a dyn Tables,
    use_case: &'static str,
) -> Result<(&'a Table, Option<&'a Table>), UseCaseError> {
    let train = tables.require(use_case, KnownFile::RossmannTrain)?;
    let store = tables
        .find(KnownFile::RossmannStore)
        .filter(|s| s.column("StoreType").is_some());
    Ok((train, store))
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
pub struct StoreInfo {
    pub store_type: f32,
    pub assortment: f32,
    pub competition_distance: f32,
    pub competition_open_month: f32,
    pub competition_open_year: f32,
    pub promo2: f32,
    pub promo2_since_week: f32,
    pub promo2_since_year: f32,
    /// Bit `m` set when month `m` (1..=12) starts a Promo2 round.
    pub promo2_months: u16,
}

impl StoreInfo {
    /// A store absent from `store.csv`.
    pub const UNKNOWN: StoreInfo = StoreInfo {
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

    /// The attributes of `store`, all unknown for a store not in `store.csv`.
    pub fn get(&self, store: u32) -> StoreInfo {
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
