//! Station groups: Bosch names its measurement columns `L{line}_S{station}_F{feature}`, and a part
//! either passes a station (most of its features measured) or never does (all empty). Grouping
//! columns by station from their names is what makes that structure visible.

use serde::Serialize;
use tabular::{Column, ColumnData, Table};

/// The columns of one station, and how often parts passed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationGroup {
    /// Station key as written in the header, `L3_S29`.
    pub name: String,
    /// Production line (`L` number).
    pub line: u32,
    /// Station (`S` number).
    pub station: u32,
    /// Feature columns of the station, in file order.
    pub columns: Vec<String>,
    /// Rows with at least one observed value in the station: parts that passed it.
    pub rows_visited: u64,
    /// Share of the station's cells that are empty, over all rows.
    pub missing_share: f64,
}

/// `(line, station)` of a column named `L{line}_S{station}_F{feature}` (or `_D` for dates),
/// `None` for any other name.
pub fn parse_station(name: &str) -> Option<(u32, u32)> {
    let mut parts = name.split('_');
    let line = parts.next()?.strip_prefix('L')?.parse().ok()?;
    let station = parts.next()?.strip_prefix('S')?.parse().ok()?;
    let feature = parts.next()?;
    let digits = feature.get(1..)?;
    let tagged = feature.starts_with(['F', 'D']) && !digits.is_empty();
    (tagged && digits.bytes().all(|b| b.is_ascii_digit()) && parts.next().is_none())
        .then_some((line, station))
}

/// Station groups of `table`'s columns (those with station names), in order of first
/// appearance, with their visit counts and missing shares.
pub fn station_groups(table: &Table) -> Vec<StationGroup> {
    let mut groups: Vec<StationGroup> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (index, column) in table.columns.iter().enumerate() {
        let Some((line, station)) = parse_station(&column.name) else {
            continue;
        };
        let at = match groups
            .iter()
            .position(|g| g.line == line && g.station == station)
        {
            Some(at) => at,
            None => {
                groups.push(StationGroup {
                    name: format!("L{line}_S{station}"),
                    line,
                    station,
                    columns: Vec::new(),
                    rows_visited: 0,
                    missing_share: 0.0,
                });
                members.push(Vec::new());
                groups.len() - 1
            }
        };
        groups[at].columns.push(column.name.clone());
        members[at].push(index);
    }
    let n = table.n_rows;
    let mut visited = vec![false; n];
    for (group, columns) in groups.iter_mut().zip(&members) {
        visited.fill(false);
        let mut missing = 0usize;
        for &c in columns {
            let column = &table.columns[c];
            missing += column.missing;
            for_each_observed(column, |row| visited[row] = true);
        }
        group.rows_visited = visited.iter().filter(|&&v| v).count() as u64;
        let cells = columns.len() * n;
        group.missing_share = if cells == 0 {
            0.0
        } else {
            missing as f64 / cells as f64
        };
    }
    groups
}

/// Calls `f` with each row whose cell in `column` is observed; matches the storage once rather
/// than once per cell, since the Bosch file has a billion cells at full size.
pub(crate) fn for_each_observed(column: &Column, mut f: impl FnMut(usize)) {
    if column.missing == column.len() {
        return;
    }
    match &column.data {
        ColumnData::Empty(_) => {}
        ColumnData::Float(v) => v
            .iter()
            .enumerate()
            .filter(|(_, x)| !x.is_nan())
            .for_each(|(row, _)| f(row)),
        ColumnData::Int(v) | ColumnData::Date(v) => v
            .iter()
            .enumerate()
            .filter(|(_, &x)| x != i32::MIN)
            .for_each(|(row, _)| f(row)),
        _ => (0..column.len())
            .filter(|&row| !column.is_missing(row))
            .for_each(f),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_station;

    #[test]
    fn station_names_parse_and_others_do_not() {
        assert_eq!(parse_station("L3_S29_F3315"), Some((3, 29)));
        assert_eq!(parse_station("L0_S0_D1"), Some((0, 0)));
        for name in [
            "Id",
            "Response",
            "L3_S29",
            "L3_S29_F",
            "L3_S29_Fx1",
            "X3_S29_F1",
            "L3_S29_F1_2",
        ] {
            assert_eq!(parse_station(name), None, "{name}");
        }
    }
}
