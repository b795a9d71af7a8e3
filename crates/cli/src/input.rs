//! Reading the user's CSV files, the same way for every subcommand: refuse what is too large up
//! front, stream the rest through the parser, and turn errors into the page's messages.

use std::path::Path;

use tabular::{check_size, ReadOptions, Table, MAX_INPUT_BYTES};
use usecases::Clock;

/// Reads one CSV file into a table; returns it with the seconds the read took.
pub fn read_table(path: &Path, options: ReadOptions) -> Result<(Table, f64), String> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = std::fs::metadata(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?
        .len();
    check_size(&name, bytes, MAX_INPUT_BYTES).map_err(|e| e.to_string())?;
    eprintln!("reading {} ({bytes} bytes)", path.display());
    let clock = Clock::start();
    let table = tabular::read_path(path, options).map_err(|e| e.to_string())?;
    eprintln!(
        "{name}: {} rows, {} columns",
        table.n_rows,
        table.columns.len()
    );
    Ok((table, clock.total()))
}
