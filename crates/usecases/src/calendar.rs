//! Calendar arithmetic on days since 1970-01-01 (the representation of `tabular`'s date columns),
//! for the date parts the forecasting features need.

/// A civil date split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilDate {
    /// Year, e.g. 2015.
    pub year: i32,
    /// Month 1..=12.
    pub month: u32,
    /// Day of month 1..=31.
    pub day: u32,
}

/// Converts days since 1970-01-01 to a civil date (`tabular`'s arithmetic, exact for every day).
pub fn civil_from_days(days: i32) -> CivilDate {
    let (year, month, day) = tabular::calendar::civil_from_days(days);
    CivilDate {
        year,
        month: month as u32,
        day: day as u32,
    }
}

/// Days since 1970-01-01 of a civil date (inverse of [`civil_from_days`]).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    tabular::calendar::days_from_civil(year, month as i32, day as i32)
}

/// ISO 8601 weekday, Monday = 1 .. Sunday = 7 (1970-01-01 was a Thursday). Rossmann's
/// `DayOfWeek` uses the same numbering.
pub fn iso_weekday(days: i32) -> u32 {
    ((days as i64 + 3).rem_euclid(7) + 1) as u32
}

/// ISO 8601 week number 1..=53: the week belongs to the year that holds its Thursday.
pub fn iso_week(days: i32) -> u32 {
    let thursday = days - iso_weekday(days) as i32 + 4;
    let year = civil_from_days(thursday).year;
    let first_day = days_from_civil(year, 1, 1);
    ((thursday - first_day) / 7 + 1) as u32
}

/// Renders a day count as `YYYY-MM-DD`.
pub fn iso_date(days: i32) -> String {
    let mut text = String::with_capacity(10);
    tabular::calendar::render_date(days, &mut text);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2015, 7, 31), 16_647);
        assert_eq!(
            civil_from_days(16_647),
            CivilDate {
                year: 2015,
                month: 7,
                day: 31
            }
        );
        assert_eq!(iso_date(days_from_civil(2000, 2, 29)), "2000-02-29");
        for days in -800_000..800_000 {
            let date = civil_from_days(days);
            assert_eq!(days_from_civil(date.year, date.month, date.day), days);
        }
    }

    #[test]
    fn weekdays_and_iso_weeks_match_the_calendar() {
        // 2015-07-31 was a Friday (Rossmann DayOfWeek 5).
        assert_eq!(iso_weekday(days_from_civil(2015, 7, 31)), 5);
        // 2015-01-01 (Thursday) is in week 1 of 2015; 2016-01-01 (Friday) in week 53 of 2015.
        assert_eq!(iso_week(days_from_civil(2015, 1, 1)), 1);
        assert_eq!(iso_week(days_from_civil(2016, 1, 1)), 53);
        assert_eq!(iso_week(days_from_civil(2014, 12, 29)), 1);
        assert_eq!(iso_week(days_from_civil(2015, 7, 31)), 31);
    }
}
