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
    let mut rest = bytes;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].clamp(1, rest.len());
        reader.push(&rest[..n])?;
        rest = &rest[n..];
        i += 1;
    }
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

/// `bytes` as a gzip file of `members` members (the text cut between them), as `gzip` and
/// `pigz` write.
pub fn gzip(bytes: &[u8], members: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let members = members.max(1);
    for k in 0..members {
        let part = &bytes[bytes.len() * k / members..bytes.len() * (k + 1) / members];
        // Header with a file name, as gzip writes it.
        out.extend([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]);
        out.extend(b"data.csv\0");
        out.extend(miniz_oxide::deflate::compress_to_vec(part, 6));
        out.extend(crc32fast::hash(part).to_le_bytes());
        out.extend((part.len() as u32).to_le_bytes());
    }
    out
}

/// One file of a zip archive written by [`zip`].
pub struct ZipFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    /// Stored rather than deflated.
    pub stored: bool,
    /// Sizes and CRC after the data (a data descriptor), as streaming writers do.
    pub descriptor: bool,
}

/// A zip archive of `files`, with its central directory.
pub fn zip(files: &[ZipFile]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for f in files {
        let data = if f.stored {
            f.bytes.to_vec()
        } else {
            miniz_oxide::deflate::compress_to_vec(f.bytes, 6)
        };
        let crc = crc32fast::hash(f.bytes);
        let offset = out.len() as u32;
        let flags: u16 = if f.descriptor { 8 } else { 0 } | 0x800;
        let method: u16 = if f.stored { 0 } else { 8 };
        let (c, s, sizes_crc) = if f.descriptor {
            (0, 0, 0)
        } else {
            (data.len() as u32, f.bytes.len() as u32, crc)
        };
        let mut header = Vec::new();
        header.extend(20u16.to_le_bytes());
        header.extend(flags.to_le_bytes());
        header.extend(method.to_le_bytes());
        header.extend([0, 0, 0x21, 0]);
        header.extend(sizes_crc.to_le_bytes());
        header.extend(c.to_le_bytes());
        header.extend(s.to_le_bytes());
        header.extend((f.name.len() as u16).to_le_bytes());
        header.extend(0u16.to_le_bytes());
        out.extend(b"PK\x03\x04");
        out.extend(&header);
        out.extend(f.name.as_bytes());
        out.extend(&data);
        if f.descriptor {
            out.extend(b"PK\x07\x08");
            out.extend(crc.to_le_bytes());
            out.extend((data.len() as u32).to_le_bytes());
            out.extend((f.bytes.len() as u32).to_le_bytes());
        }
        directory.extend(b"PK\x01\x02");
        directory.extend(20u16.to_le_bytes());
        directory.extend(&header[..10]);
        directory.extend(crc.to_le_bytes());
        directory.extend((data.len() as u32).to_le_bytes());
        directory.extend((f.bytes.len() as u32).to_le_bytes());
        directory.extend((f.name.len() as u16).to_le_bytes());
        directory.extend([0; 12]);
        directory.extend(offset.to_le_bytes());
        directory.extend(f.name.as_bytes());
    }
    let start = out.len() as u32;
    let count = files.len() as u16;
    out.extend(&directory);
    out.extend(b"PK\x05\x06\0\0\0\0");
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend((directory.len() as u32).to_le_bytes());
    out.extend(start.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// Reads `bytes` as a file the user has (plain, gzip or zip) in chunks of the given sizes
/// (cycling), with `options`.
pub fn read_input(
    name: &str,
    bytes: &[u8],
    sizes: &[usize],
    options: ReadOptions,
) -> Result<Vec<Table>, CsvError> {
    let mut reader = tabular::InputReader::new(name, options).expecting(bytes.len() as u64);
    let mut rest = bytes;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].clamp(1, rest.len());
        reader.push(&rest[..n])?;
        rest = &rest[n..];
        i += 1;
    }
    reader.finish()
}
