//! Reading files from disk: a plain CSV file natively in parts on every core
//! ([`crate::parallel`]); an archive, or any file elsewhere, as one stream.

use crate::error::{CsvError, ErrorKind};
use crate::input::InputReader;
use crate::reader::ReadOptions;
use crate::sniff::CONTENT_BYTES;
use crate::table::Table;

/// Bytes read from a file at a time.
const CHUNK_BYTES: usize = 1 << 20;

/// Reads a CSV file from disk, which may be gzip-compressed or a zip archive holding one CSV
/// file; the table is named after the file (or the archive's entry). Natively, a plain file of
/// several megabytes is read in parts on all cores ([`read_path_in_parts`]), which gives the
/// same table; anything else streams in 1 MiB chunks.
pub fn read_path(path: &std::path::Path, options: ReadOptions) -> Result<Table, CsvError> {
    let mut tables = read_path_tables(path, options)?;
    if tables.len() == 1 {
        return Ok(tables.remove(0));
    }
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    Err(CsvError::new(
        &file_name(path),
        ErrorKind::Archive(format!(
            "the archive holds {} CSV files ({}), where one is expected: unzip it and give the one you mean",
            tables.len(),
            names.join(", ")
        )),
    ))
}

/// Reads every CSV file the file at `path` holds: itself, the text of a gzip file, or each CSV
/// entry of a zip archive ([`InputReader`]), in file order.
pub fn read_path_tables(
    path: &std::path::Path,
    options: ReadOptions,
) -> Result<Vec<Table>, CsvError> {
    let name = file_name(path);
    let io_error = |e: std::io::Error| CsvError::unreadable(&name, &e);
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    let mut buf = vec![0u8; CHUNK_BYTES];
    let mut head = 0;
    while head < CONTENT_BYTES {
        match read_some(&mut file, &mut buf[head..CONTENT_BYTES], &name)? {
            0 => break,
            n => head += n,
        }
    }
    #[cfg(any(unix, windows))]
    if !crate::sniff::is_archive(&buf[..head]) {
        drop(file);
        return crate::parallel::read_file(&name, path, options, crate::parallel::parts_for)
            .map(|table| vec![table]);
    }
    let mut reader = InputReader::new(&name, options).expecting(len);
    reader.push(&buf[..head])?;
    loop {
        match read_some(&mut file, &mut buf, &name)? {
            0 => break,
            n => reader.push(&buf[..n])?,
        }
    }
    reader.finish()
}

/// Reads the next bytes of `file` (called `name` in messages) into `buf`: how many, 0 at its
/// end.
fn read_some(file: &mut std::fs::File, buf: &mut [u8], name: &str) -> Result<usize, CsvError> {
    use std::io::Read;
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            result => return result.map_err(|e| CsvError::unreadable(name, &e)),
        }
    }
}

/// The column names of the (first) CSV file the file at `path` holds, reading no further than
/// its header: what a use case resolves its columns against (a station's pattern, a list of
/// fields) before it reads a file too large to keep whole with [`ReadOptions::columns`].
pub fn read_path_header(path: &std::path::Path) -> Result<Vec<String>, CsvError> {
    let name = file_name(path);
    let mut file = std::fs::File::open(path).map_err(|e| CsvError::unreadable(&name, &e))?;
    let mut reader = InputReader::new(&name, ReadOptions::default());
    let mut buf = vec![0u8; 64 << 10];
    loop {
        if let Some(header) = reader.header() {
            return Ok(header.to_vec());
        }
        match read_some(&mut file, &mut buf, &name)? {
            0 => break,
            n => reader.push(&buf[..n])?,
        }
    }
    let tables = reader.finish()?;
    Ok(tables[0].header().iter().map(|n| n.to_string()).collect())
}

/// Reads a file from disk as `parts` parts on as many threads: the same table (or error) as
/// [`read_path`].
#[cfg(any(unix, windows))]
pub fn read_path_in_parts(
    path: &std::path::Path,
    options: ReadOptions,
    parts: usize,
) -> Result<Table, CsvError> {
    crate::parallel::read_file(&file_name(path), path, options, |_| parts)
}

/// The name a table read from `path` takes: the file's.
pub(crate) fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
