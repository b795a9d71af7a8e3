//! The naive baseline every forecast is shown beside: each store's mean sales for that weekday
//! and promo state over the training days, falling back to the store's mean, then the global one.

use std::collections::HashMap;

use crate::rossmann::DailyRows;

/// Means learned from the training rows.
#[derive(Debug, Clone, Default)]
pub struct WeekdayPromoMean {
    by_store_day_promo: HashMap<(u32, u8, bool), f64>,
    by_store: HashMap<u32, f64>,
    overall: f64,
}

impl WeekdayPromoMean {
    /// Fits on the open training days (rows where `in_training` is true).
    pub fn fit(rows: &DailyRows, in_training: &[bool]) -> WeekdayPromoMean {
        let Some(sales) = &rows.sales else {
            return WeekdayPromoMean::default();
        };
        let mut cells: HashMap<(u32, u8, bool), (f64, u32)> = HashMap::new();
        let mut stores: HashMap<u32, (f64, u32)> = HashMap::new();
        let (mut total, mut count) = (0.0, 0u64);
        for i in (0..rows.len()).filter(|&i| in_training[i] && rows.open[i]) {
            let y = f64::from(sales[i]);
            let key = (
                rows.store[i],
                rows.day_of_week[i] as u8,
                rows.promo[i] > 0.0,
            );
            let cell = cells.entry(key).or_default();
            cell.0 += y;
            cell.1 += 1;
            let store = stores.entry(rows.store[i]).or_default();
            store.0 += y;
            store.1 += 1;
            total += y;
            count += 1;
        }
        WeekdayPromoMean {
            by_store_day_promo: cells
                .into_iter()
                .map(|(k, (s, n))| (k, s / f64::from(n)))
                .collect(),
            by_store: stores
                .into_iter()
                .map(|(k, (s, n))| (k, s / f64::from(n)))
                .collect(),
            overall: if count == 0 {
                0.0
            } else {
                total / count as f64
            },
        }
    }

    /// The baseline forecast of row `i`; closed days are 0.
    pub fn predict(&self, rows: &DailyRows, i: usize) -> f64 {
        if !rows.open[i] {
            return 0.0;
        }
        let key = (
            rows.store[i],
            rows.day_of_week[i] as u8,
            rows.promo[i] > 0.0,
        );
        self.by_store_day_promo
            .get(&key)
            .or_else(|| self.by_store.get(&rows.store[i]))
            .copied()
            .unwrap_or(self.overall)
    }
}
