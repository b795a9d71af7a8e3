//! Compact forms of loaded files: what a use case keeps of a file too large to hold as a table.
//!
//! Santander's `train_ver2.csv` is 2.3 GB of text, above what a tab holds as a table, but use
//! cases 3.1 and 3.2 need only a bit per product and a byte per demographic field of each row:
//! 24 bytes a customer-month. A [`CompactReader`] is fed the file's chunks in order (any size,
//! cut anywhere; a `.gz` or `.zip` unpacked as it streams) and ends in a [`Compact`], which the
//! caller keeps beside the table of the same name; [`crate::Tables::compact`] hands it to the
//! use cases, which read it instead of the table. The page reads a file this way before the
//! first run that needs it; the command line streams the file the same way.
//!
//! The catalogue says which files a use case reads compactly
//! ([`crate::catalogue::UseCaseInfo::compact`]) and [`reader`] makes the reader of a file.

use std::any::Any;

use tabular::{KnownFile, Table};

use crate::progress::Clock;
use crate::santander::read::StoreStream;
use crate::santander::SantanderStore;
use crate::UseCaseError;

/// A loaded file in the form a use case keeps of it.
pub struct Compact {
    /// The form (a [`crate::santander::SantanderStore`]), for the use case to downcast.
    pub form: Box<dyn Any + Send + Sync>,
    /// Data rows read.
    pub rows: u64,
    /// Bytes the form holds.
    pub bytes: u64,
    /// Seconds the read took, from the first chunk to the form.
    pub seconds: f64,
}

impl std::fmt::Debug for Compact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compact")
            .field("rows", &self.rows)
            .field("bytes", &self.bytes)
            .field("seconds", &self.seconds)
            .finish_non_exhaustive()
    }
}

impl Compact {
    fn of_store(store: SantanderStore, seconds: f64) -> Compact {
        Compact {
            rows: store.rows,
            bytes: store.bytes(),
            seconds,
            form: Box::new(store),
        }
    }

    /// The form, if it is a `T`.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.form.downcast_ref()
    }
}

/// Reads a file's chunks, in order, into its [`Compact`] form.
pub trait CompactReader {
    /// The next chunk of the file.
    fn push(&mut self, chunk: &[u8]) -> Result<(), UseCaseError>;
    /// Bytes of the file pushed so far.
    fn input_bytes(&self) -> u64;
    /// Data rows read so far.
    fn rows(&self) -> u64;
    /// The file has ended: its compact form.
    fn finish(self: Box<Self>) -> Result<Compact, UseCaseError>;
}

/// The reader of `file` (the public file a loaded table was recognised as) for the file named
/// `name` (as errors name it: `train_ver2.csv.zip` reads as `train_ver2.csv in
/// train_ver2.csv.zip`); `None` for a file no use case keeps compactly.
pub fn reader(file: KnownFile, name: &str) -> Option<Box<dyn CompactReader>> {
    match file {
        KnownFile::SantanderTrain => Some(Box::new(SantanderCompact {
            read: StoreStream::new(name),
            clock: Clock::start(),
        })),
        _ => None,
    }
}

/// The compact form of `table`, recognised as `file`, made from the table itself: a file held
/// whole is not read again. `None` for a file no use case keeps compactly, or a table that does
/// not hold the whole file (read it with [`reader`] then).
pub fn from_table(file: KnownFile, table: &Table) -> Option<Result<Compact, UseCaseError>> {
    let whole = !table.columns.is_empty() && table.skipped.is_empty();
    match file {
        KnownFile::SantanderTrain if whole => {
            let clock = Clock::start();
            let store = crate::santander::read::from_table(table);
            Some(
                store
                    .map(|s| Compact::of_store(s, clock.total()))
                    .map_err(Into::into),
            )
        }
        _ => None,
    }
}

/// `train_ver2.csv` into a [`crate::santander::SantanderStore`].
struct SantanderCompact {
    read: StoreStream,
    clock: Clock,
}

impl CompactReader for SantanderCompact {
    fn push(&mut self, chunk: &[u8]) -> Result<(), UseCaseError> {
        Ok(self.read.push(chunk)?)
    }

    fn input_bytes(&self) -> u64 {
        self.read.input_bytes()
    }

    fn rows(&self) -> u64 {
        self.read.rows()
    }

    fn finish(self: Box<Self>) -> Result<Compact, UseCaseError> {
        let SantanderCompact { read, clock } = *self;
        Ok(Compact::of_store(read.finish()?, clock.total()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{catalogue, Fitted, TableSet};
    use serde_json::{json, Value};

    fn sample() -> Vec<u8> {
        samples::file_bytes(samples::Dataset::Santander, "train_ver2.csv", 0.002, 7)
    }

    fn read(bytes: &[u8], limit: Option<u64>) -> tabular::Table {
        let options = tabular::ReadOptions {
            max_text_bytes: limit,
            ..Default::default()
        };
        tabular::read_bytes("train_ver2.csv", bytes, options).unwrap()
    }

    fn run(use_case: &str, tables: &TableSet, params: Value) -> Result<Value, UseCaseError> {
        let runner = catalogue::find(use_case).unwrap().runner.unwrap();
        let (run, _) = runner.tables(use_case)?;
        let fitted: Box<dyn Fitted> = run(tables, &params, &mut |_| true)?;
        Ok(without_seconds(fitted.report()))
    }

    /// `report` without its timings, which differ from run to run.
    fn without_seconds(report: Value) -> Value {
        match report {
            Value::Object(fields) => fields
                .into_iter()
                .filter(|(k, _)| !k.contains("seconds"))
                .map(|(k, v)| (k, without_seconds(v)))
                .collect(),
            Value::Array(items) => items.into_iter().map(without_seconds).collect(),
            other => other,
        }
    }

    /// A file too large to hold as a table runs from its compact form, and gives what the
    /// whole table gives: the same forests, the same recommendations.
    #[test]
    fn a_file_not_held_runs_from_its_compact_form_as_from_its_table() {
        let bytes = sample();
        let mut whole = TableSet::new();
        whole.add(read(&bytes, None));
        let mut compacted = TableSet::new();
        let not_kept = read(&bytes, Some(1_000));
        assert!(not_kept.columns.is_empty() && not_kept.n_rows > 0);
        compacted.add(not_kept);
        let params = json!({"trees": 8});
        let refused = run("propensity", &compacted, params.clone()).unwrap_err();
        assert!(refused.to_string().contains("too large"), "{refused}");

        let mut reader = reader(KnownFile::SantanderTrain, "train_ver2.csv").unwrap();
        for chunk in bytes.chunks(7_777) {
            reader.push(chunk).unwrap();
        }
        assert_eq!(reader.input_bytes(), bytes.len() as u64);
        let compact = reader.finish().unwrap();
        assert_eq!(compact.rows, whole_rows(&whole));
        compacted.add_compact("train_ver2.csv", compact);
        for use_case in ["propensity", "recommend"] {
            let from_table = run(use_case, &whole, params.clone()).unwrap();
            let from_compact = run(use_case, &compacted, params.clone()).unwrap();
            assert_eq!(from_table, from_compact, "{use_case}");
        }
    }

    fn whole_rows(tables: &TableSet) -> u64 {
        use crate::Tables;
        tables.named("train_ver2.csv").unwrap().n_rows as u64
    }

    /// A table holding the whole file gives its compact form without a second read, the same
    /// as the file's; a table not kept gives none.
    #[test]
    fn a_table_held_whole_is_compacted_without_reading_the_file_again() {
        let bytes = sample();
        let mut streamed = reader(KnownFile::SantanderTrain, "train_ver2.csv").unwrap();
        streamed.push(&bytes).unwrap();
        let streamed = streamed.finish().unwrap();
        let made = from_table(KnownFile::SantanderTrain, &read(&bytes, None))
            .unwrap()
            .unwrap();
        let store = |c: &Compact| c.get::<SantanderStore>().unwrap().months.clone();
        assert_eq!(store(&made), store(&streamed));
        assert_eq!((made.rows, made.bytes), (streamed.rows, streamed.bytes));
        assert!(from_table(KnownFile::SantanderTrain, &read(&bytes, Some(1_000))).is_none());
        assert!(from_table(KnownFile::RossmannTrain, &read(&bytes, None)).is_none());
    }

    #[test]
    fn a_bad_cell_is_named_by_line_and_column() {
        let text = String::from_utf8(sample()).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let bad = lines[40]
            .replacen("\"0\"", "\"7\"", 1)
            .replacen(",0,", ",7,", 1);
        lines[40] = &bad;
        let bytes = (lines.join("\n") + "\n").into_bytes();
        let mut reader = reader(KnownFile::SantanderTrain, "train_ver2.csv").unwrap();
        let error = bytes
            .chunks(4_096)
            .try_for_each(|c| reader.push(c))
            .err()
            .or_else(|| reader.finish().err())
            .unwrap();
        let shown = error.to_string();
        assert!(
            shown.contains("train_ver2.csv") && shown.contains("line 41"),
            "{shown}"
        );
    }

    #[test]
    fn only_files_kept_compactly_have_a_reader() {
        assert!(reader(KnownFile::RossmannTrain, "train.csv").is_none());
        for info in catalogue::CATALOGUE.iter() {
            for &file in info.compact {
                assert!(reader(file, file.public_name()).is_some(), "{}", info.name);
            }
        }
    }
}
