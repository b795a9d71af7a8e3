//! Helpers shared by the integration tests.
#![allow(dead_code)]

use tabular::{read_bytes, ColumnData, CsvError, ReadOptions, StreamReader, Table};

/// Reads a fixture from `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses with default options.
pub fn read(name: &str, bytes: &[u8]) -> Result<Table, CsvError> {
    read_bytes(name, bytes, ReadOptions::default())
}

/// Parses feeding the given chunk sizes in turn (cycling), to exercise chunk boundaries.
pub fn read_chunked(
    name: &str,
    bytes: &[u8],
    sizes: &[usize],
    options: ReadOptions,
) -> Result<Table, CsvError> {
    let mut reader = StreamReader::new(name, options);
    in_chunks(bytes, sizes, |chunk| reader.push(chunk))?;
    reader.finish()
}

/// The dictionary values of a text column, row by row (`None` for missing).
pub fn texts(table: &Table, column: &str) -> Vec<Option<String>> {
    let c = table
        .column(column)
        .unwrap_or_else(|| panic!("no column {column}"));
    (0..c.len())
        .map(|r| c.text_at(r).map(|s| s.into_owned()))
        .collect()
}

/// The values of an integer column.
pub fn ints(table: &Table, column: &str) -> Vec<i32> {
    match &table.column(column).expect("column").data {
        ColumnData::Int(v) => v.clone(),
        other => panic!("{column} is not Int: {other:?}"),
    }
}

#[path = "../../examples/fuzz_reader/inputs.rs"]
mod inputs;
#[allow(unused_imports)] // each test file uses its own subset
pub use inputs::{gzip, in_chunks, utf16, zip, ZipFile};

/// Reads `bytes` as a file the user has (plain, gzip or zip) in chunks of the given sizes
/// (cycling), with `options`.
pub fn read_input(
    name: &str,
    bytes: &[u8],
    sizes: &[usize],
    options: ReadOptions,
) -> Result<Vec<Table>, CsvError> {
    let mut reader = tabular::InputReader::new(name, options).expecting(bytes.len() as u64);
    in_chunks(bytes, sizes, |chunk| reader.push(chunk))?;
    reader.finish()
}
