//! Reading files from disk: natively in parts on every core ([`crate::parallel`]), elsewhere as
//! one stream.

use crate::error::CsvError;
use crate::reader::ReadOptions;
use crate::table::Table;

/// Reads a file from disk, streaming it in 1 MiB chunks; the table is named after the file.
/// Natively, a file of several megabytes is read in parts on all cores
/// ([`read_path_in_parts`]), which gives the same table.
pub fn read_path(path: &std::path::Path, options: ReadOptions) -> Result<Table, CsvError> {
    #[cfg(any(unix, windows))]
    return crate::parallel::read_file(&file_name(path), path, options, crate::parallel::parts_for);
    #[cfg(not(any(unix, windows)))]
    {
        use std::io::Read;
        let name = file_name(path);
        let io_error = |e: std::io::Error| CsvError::unreadable(&name, &e);
        let mut file = std::fs::File::open(path).map_err(io_error)?;
        let mut reader = crate::reader::StreamReader::new(&name, options);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_error(e)),
            };
            reader.push(&buf[..n])?;
        }
        reader.finish()
    }
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
