//! Reading the user's files, the same way for every subcommand: a CSV file, a `.gz` of one or a
//! `.zip` of several, streamed through the parser; warnings on stderr; errors as the page's
//! messages.

use std::path::Path;

use tabular::{ReadOptions, Table, MAX_INPUT_BYTES};
use usecases::Clock;

/// Reads every CSV file `path` holds (itself, the text of a `.gz`, each CSV of a `.zip`);
/// returns the tables with the seconds the read took. A CSV file that holds more text than a
/// table can ([`MAX_INPUT_BYTES`]) is profiled in one pass without being kept, unless `options`
/// asks for some of its columns, which are kept.
pub fn read_tables(path: &Path, options: ReadOptions) -> Result<(Vec<Table>, f64), String> {
    let bytes = std::fs::metadata(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?
        .len();
    eprintln!("reading {} ({bytes} bytes)", path.display());
    let options = ReadOptions {
        max_text_bytes: Some(MAX_INPUT_BYTES),
        ..options
    };
    let clock = Clock::start();
    let tables = tabular::read_path_tables(path, options).map_err(|e| e.to_string())?;
    for table in &tables {
        eprintln!(
            "{}: {} rows, {} columns{}",
            table.name,
            table.n_rows,
            table.columns.len(),
            if table.skipped.is_empty() {
                String::new()
            } else {
                format!(" kept, {} summarised", table.skipped.len())
            }
        );
        for warning in &table.warnings {
            eprintln!("warning: {warning}");
        }
    }
    Ok((tables, clock.total()))
}

/// Reads the one CSV file `path` holds into a whole table (or the columns `options` asks
/// for); returns it with the seconds the read took.
pub fn read_table(path: &Path, options: ReadOptions) -> Result<(Table, f64), String> {
    let (mut tables, seconds) = read_tables(path, options)?;
    if tables.len() != 1 {
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        return Err(format!(
            "{}: holds {} CSV files ({}), where one is expected: unzip it and give the one you mean",
            path.display(),
            tables.len(),
            names.join(", ")
        ));
    }
    let table = tables.remove(0);
    // Too large to keep whole: the pipelines need the table, not its profile.
    if let Some(not_kept) = table
        .warnings
        .iter()
        .find(|w| matches!(w.kind, tabular::WarningKind::NotKept { .. }))
    {
        return Err(not_kept.to_string());
    }
    Ok((table, seconds))
}
