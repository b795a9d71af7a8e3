//! Validation by time: the last `holdout_days` days of `train.csv` are held out, everything before
//! is for training, so that the model is always judged on a period it has not seen.

use crate::rossmann::DailyRows;
use crate::UseCaseError;

/// Which rows train and which validate.
#[derive(Debug, Clone)]
pub struct TimeSplit {
    /// First validation day (days since 1970-01-01).
    pub valid_from: i32,
    /// Last day of the file.
    pub last_day: i32,
    /// `true` for rows before `valid_from`.
    pub in_training: Vec<bool>,
}

impl TimeSplit {
    /// Holds out the last `holdout_days` calendar days of the file.
    pub fn last_days(rows: &DailyRows, holdout_days: u32) -> Result<TimeSplit, UseCaseError> {
        let (Some(&first_day), Some(&last_day)) = (rows.date.iter().min(), rows.date.iter().max())
        else {
            return Err(UseCaseError::Input("train.csv has no rows".into()));
        };
        let span = i64::from(last_day) - i64::from(first_day) + 1;
        if holdout_days == 0 || i64::from(holdout_days) >= span {
            return Err(UseCaseError::Input(format!(
                "cannot hold out {holdout_days} days: train.csv covers {span} days; \
                 choose between 1 and {}",
                span - 1
            )));
        }
        let valid_from = last_day - holdout_days as i32 + 1;
        let in_training = rows.date.iter().map(|&d| d < valid_from).collect();
        Ok(TimeSplit {
            valid_from,
            last_day,
            in_training,
        })
    }
}
