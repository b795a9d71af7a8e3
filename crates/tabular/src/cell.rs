//! What one cell holds: the hand-written fast paths for integers, dates and missing tokens.

/// A cell classified by content. Text keeps no payload: the caller interns the raw bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell {
    Missing,
    Bool(bool),
    Int(i32),
    Float(f32),
    Date(i32),
    Text,
}

/// Spaces and tabs around a value are padding (Santander writes ` 35` and `     NA`).
#[inline]
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let mut start = 0;
    let mut end = bytes.len();
    while start < end && (bytes[start] == b' ' || bytes[start] == b'\t') {
        start += 1;
    }
    while end > start && (bytes[end - 1] == b' ' || bytes[end - 1] == b'\t') {
        end -= 1;
    }
    &bytes[start..end]
}

/// Tokens that mean "no value" in the exports we meet (R, pandas, SQL dumps, Excel).
#[inline]
pub(crate) fn is_missing_token(t: &[u8]) -> bool {
    matches!(
        t,
        b"" | b"NA"
            | b"N/A"
            | b"n/a"
            | b"NaN"
            | b"nan"
            | b"null"
            | b"NULL"
            | b"Null"
            | b"#N/A"
            | b"None"
    )
}

/// Parses an optionally signed decimal integer. `Err(true)` means "a number, but too large for
/// i32" (the caller reads it as a float), `Err(false)` means "not an integer".
#[inline]
pub(crate) fn parse_int(t: &[u8]) -> Result<i32, bool> {
    let (negative, digits) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || digits.len() > 20 {
        return Err(!digits.is_empty() && digits.iter().all(u8::is_ascii_digit));
    }
    let mut value: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return Err(false);
        }
        value = value * 10 + i64::from(d);
        if value > i64::from(i32::MAX) + 1 {
            // Keep scanning only to tell "too large" from "not a number".
            return Err(digits.iter().all(u8::is_ascii_digit));
        }
    }
    let value = if negative { -value } else { value };
    // i32::MIN is the missing sentinel, so it is read as a float like any out-of-range integer.
    if value > i64::from(i32::MAX) || value <= i64::from(i32::MIN) {
        return Err(true);
    }
    Ok(value as i32)
}

/// Parses a decimal number with a fraction and/or exponent. With `decimal_comma`, a single `,`
/// stands for the decimal point (`1,5`). Returns the value and whether a comma was used.
#[inline]
pub(crate) fn parse_float(t: &[u8], decimal_comma: bool) -> Option<(f32, bool)> {
    // Accept only what a number can be made of: keeps `inf`, `NaN`, `infinity` as text.
    let mut has_digit = false;
    let mut commas = 0;
    for &b in t {
        match b {
            b'0'..=b'9' => has_digit = true,
            b'.' | b'-' | b'+' | b'e' | b'E' => {}
            b',' if decimal_comma => commas += 1,
            _ => return None,
        }
    }
    if !has_digit {
        return None;
    }
    if commas == 0 {
        // SAFETY: the scan above let through ASCII bytes only, which are valid UTF-8; this
        // skips a second validation pass on the hottest path of float-heavy files (Bosch).
        let s = unsafe { std::str::from_utf8_unchecked(t) };
        return s.parse::<f32>().ok().map(|v| (v, false));
    }
    if commas > 1 || t.contains(&b'.') || t.len() > 64 {
        return None;
    }
    let mut buf = [0u8; 64];
    buf[..t.len()].copy_from_slice(t);
    for b in &mut buf[..t.len()] {
        if *b == b',' {
            *b = b'.';
        }
    }
    let s = std::str::from_utf8(&buf[..t.len()]).ok()?;
    s.parse::<f32>().ok().map(|v| (v, true))
}

/// Parses `YYYY-MM-DD` (a valid calendar date) into days since 1970-01-01.
#[inline]
pub(crate) fn parse_date(t: &[u8]) -> Option<i32> {
    if t.len() != 10 || t[4] != b'-' || t[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<i32> {
        let mut v = 0i32;
        for &b in s {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            v = v * 10 + i32::from(d);
        }
        Some(v)
    };
    let (y, m, d) = (num(&t[0..4])?, num(&t[5..7])?, num(&t[8..10])?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

#[inline]
fn parse_bool(t: &[u8]) -> Option<bool> {
    if t.eq_ignore_ascii_case(b"true") {
        Some(true)
    } else if t.eq_ignore_ascii_case(b"false") {
        Some(false)
    } else {
        None
    }
}

fn days_in_month(y: i32, m: i32) -> i32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: exact for the proleptic Gregorian calendar.
pub fn days_from_civil(y: i32, m: i32, d: i32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
pub fn civil_from_days(z: i32) -> (i32, i32, i32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Classifies a raw cell (quotes already removed). Quoting never forces text: Rossmann's
/// `"1"` is the number 1.
#[inline]
pub(crate) fn classify(raw: &[u8], decimal_comma: bool) -> (Cell, bool) {
    let t = trim(raw);
    let Some(&first) = t.first() else {
        return (Cell::Missing, false);
    };
    match first {
        // A number: `,5` is one where a comma is the decimal point, as `.5` is elsewhere.
        b'0'..=b'9' | b'-' | b'+' | b'.' | b',' if first != b',' || decimal_comma => {
            match parse_int(t) {
                Ok(v) => return (Cell::Int(v), false),
                Err(false) => {}
                Err(true) => {
                    if let Some((v, comma)) = parse_float(t, false) {
                        return (Cell::Float(v), comma);
                    }
                }
            }
            if t.len() == 10 {
                if let Some(d) = parse_date(t) {
                    return (Cell::Date(d), false);
                }
            }
            match parse_float(t, decimal_comma) {
                Some((v, comma)) => (Cell::Float(v), comma),
                None => (Cell::Text, false),
            }
        }
        b't' | b'T' | b'f' | b'F' => match parse_bool(t) {
            Some(b) => (Cell::Bool(b), false),
            None => (Cell::Text, false),
        },
        _ if is_missing_token(t) => (Cell::Missing, false),
        _ => (Cell::Text, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_with_padding_sign_and_leading_zeros() {
        assert_eq!(classify(b" 35", false).0, Cell::Int(35));
        assert_eq!(classify(b"08", false).0, Cell::Int(8));
        assert_eq!(classify(b"-999999", false).0, Cell::Int(-999_999));
        assert_eq!(classify(b"+7", false).0, Cell::Int(7));
        assert_eq!(classify(b"2147483647", false).0, Cell::Int(i32::MAX));
    }

    #[test]
    fn integers_outside_i32_are_floats() {
        assert_eq!(
            classify(b"2147483648", false).0,
            Cell::Float(2_147_483_648.0)
        );
        assert_eq!(
            classify(b"-2147483648", false).0,
            Cell::Float(-2_147_483_648.0)
        );
        assert_eq!(
            classify(b"123456789012345678901234", false).0,
            Cell::Float(1.234_567_9e23)
        );
    }

    #[test]
    fn missing_tokens_even_padded() {
        for t in ["", "   ", "NA", "     NA", "NaN", "null", "N/A", " nan "] {
            assert_eq!(classify(t.as_bytes(), false).0, Cell::Missing, "{t:?}");
        }
    }

    #[test]
    fn floats_and_decimal_comma() {
        assert_eq!(classify(b"8.0", false).0, Cell::Float(8.0));
        assert_eq!(classify(b"-0.001", false).0, Cell::Float(-0.001));
        assert_eq!(classify(b"1e3", false).0, Cell::Float(1000.0));
        assert_eq!(classify(b"1,5", true), (Cell::Float(1.5), true));
        assert_eq!(classify(b"1,5", false).0, Cell::Text);
        assert_eq!(classify(b"1,5,2", true).0, Cell::Text);
        // As a float column's cells are read: whether a column is typed does not depend on
        // which of its cells comes first.
        assert_eq!(classify(b",17", true), (Cell::Float(0.17), true));
        assert_eq!(parse_float(b",17", true), Some((0.17, true)));
        assert_eq!(classify(b",17", false).0, Cell::Text);
        assert_eq!(classify(b"inf", false).0, Cell::Text);
        assert_eq!(classify(b"-", false).0, Cell::Text);
        assert_eq!(classify(b"1.2.3", false).0, Cell::Text);
    }

    #[test]
    fn dates_are_validated() {
        assert_eq!(classify(b"1970-01-01", false).0, Cell::Date(0));
        assert_eq!(classify(b"2015-07-31", false).0, Cell::Date(16_647));
        assert_eq!(classify(b"2016-02-29", false).0, Cell::Date(16_860));
        assert_eq!(classify(b"2015-02-29", false).0, Cell::Text);
        assert_eq!(classify(b"2015-13-01", false).0, Cell::Text);
    }

    #[test]
    fn civil_round_trip() {
        for z in [-719_162, -1, 0, 1, 16_647, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(16_647), (2015, 7, 31));
    }

    #[test]
    fn booleans_any_case() {
        assert_eq!(classify(b"TRUE", false).0, Cell::Bool(true));
        assert_eq!(classify(b"False", false).0, Cell::Bool(false));
        assert_eq!(classify(b"fals", false).0, Cell::Text);
    }
}
