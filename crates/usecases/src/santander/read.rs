//! `train_ver2.csv` into a [`SantanderStore`]: from a stream of chunks ([`StoreStream`], records
//! handed to a [`RecordSink`]: the command line reads the 2.3 GB file this way in bounded memory, and so can
//! any caller holding the file's chunks) or from a loaded table ([`from_table`]: the page's
//! built-in sample). Both read a cell the same way ([`Cell`]) and stop at the first unusable one
//! with its file, line and column: a product flag that is neither 0, 1 nor empty, an age that
//! is text, a product column missing from the header.

use std::borrow::Cow;

use tabular::records::{Record, RecordSink, RecordStream};
use tabular::{ColumnData, CsvError, ErrorKind, KnownFile, Table};

use crate::Tables;

use super::store::{
    Dictionary, Person, Row, SantanderStore, StoreBuilder, MISSING, MISSING_MONTHS,
};
use super::{CODED, PRODUCTS};

/// Where the fields the store keeps are in the file.
#[derive(Debug, Clone)]
struct Layout {
    date: usize,
    id: usize,
    age: usize,
    seniority: usize,
    income: usize,
    coded: [usize; CODED.len()],
    products: [usize; PRODUCTS.len()],
}

impl Layout {
    fn of(file: &str, header: &[String]) -> Result<Layout, CsvError> {
        let find = |name: &str| {
            header.iter().position(|h| h == name).ok_or_else(|| {
                CsvError::new(
                    file,
                    ErrorKind::MissingColumn {
                        name: name.to_string(),
                        available: header.to_vec().into_boxed_slice(),
                    },
                )
            })
        };
        let mut coded = [0; CODED.len()];
        for (slot, name) in coded.iter_mut().zip(CODED) {
            *slot = find(name)?;
        }
        let mut products = [0; PRODUCTS.len()];
        for (slot, name) in products.iter_mut().zip(PRODUCTS) {
            *slot = find(name)?;
        }
        Ok(Layout {
            date: find("fecha_dato")?,
            id: find("ncodpers")?,
            age: find("age")?,
            seniority: find("antiguedad")?,
            income: find("renta")?,
            coded,
            products,
        })
    }
}

/// One cell as the conversions see it, whichever way it was read.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// Empty or `NA` (padded or not).
    Missing,
    /// A number.
    Number(f64),
    /// A date, as days since 1970-01-01.
    Date(i32),
    /// Anything else, trimmed.
    Text(&'a str),
}

impl<'a> Cell<'a> {
    /// A cell as the file writes it: trimmed, `NA` missing, numbers parsed.
    pub fn of_text(text: &'a str) -> Cell<'a> {
        let t = text.trim();
        if t.is_empty() || t == "NA" {
            return Cell::Missing;
        }
        // Most cells are small whole numbers (flags, codes, ages): read without `f64` parsing.
        let b = t.as_bytes();
        if b.len() <= 9 && b.iter().all(u8::is_ascii_digit) {
            let v = b.iter().fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'));
            return Cell::Number(f64::from(v));
        }
        match t.parse::<f64>() {
            Ok(v) => Cell::Number(v),
            Err(_) => Cell::Text(t),
        }
    }

    fn shown(&self) -> String {
        match self {
            Cell::Missing => "an empty cell".into(),
            Cell::Number(v) => format!("{v}"),
            Cell::Date(d) => {
                let mut s = String::new();
                tabular::calendar::render_date(*d, &mut s);
                s
            }
            Cell::Text(t) => format!("\"{t}\""),
        }
    }
}

fn month_of(cell: Cell<'_>) -> Result<i32, String> {
    let days = match cell {
        Cell::Date(d) => Some(d),
        Cell::Text(t) => parse_date(t),
        _ => None,
    };
    match days {
        Some(d) => {
            let (y, m, _) = tabular::calendar::civil_from_days(d);
            Ok(y * 12 + m - 1)
        }
        None => Err(format!(
            "expected a month's date YYYY-MM-DD, found {}",
            cell.shown()
        )),
    }
}

fn parse_date(t: &str) -> Option<i32> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = t[..4].parse().ok()?;
    let m: i32 = t[5..7].parse().ok()?;
    let d: i32 = t[8..].parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| tabular::calendar::days_from_civil(y, m, d))
}

fn id_of(cell: Cell<'_>) -> Result<u32, String> {
    match cell {
        Cell::Number(v) if v >= 0.0 && v <= u32::MAX as f64 && v.fract() == 0.0 => Ok(v as u32),
        _ => Err(format!(
            "expected a customer number, found {}",
            cell.shown()
        )),
    }
}

fn age_of(cell: Cell<'_>) -> Result<u8, String> {
    match cell {
        Cell::Missing => Ok(MISSING),
        Cell::Number(v) if v < 0.0 => Ok(MISSING),
        Cell::Number(v) => Ok(v.round().min(254.0) as u8),
        _ => Err(format!(
            "expected an age in years (or NA), found {}",
            cell.shown()
        )),
    }
}

fn seniority_of(cell: Cell<'_>) -> Result<u16, String> {
    match cell {
        Cell::Missing => Ok(MISSING_MONTHS),
        // -999999 marks an unknown seniority in the public file.
        Cell::Number(v) if v < 0.0 || v >= MISSING_MONTHS as f64 => Ok(MISSING_MONTHS),
        Cell::Number(v) => Ok(v.round() as u16),
        _ => Err(format!(
            "expected a number of months (or NA), found {}",
            cell.shown()
        )),
    }
}

fn income_of(cell: Cell<'_>) -> Result<f32, String> {
    match cell {
        Cell::Missing => Ok(f32::NAN),
        Cell::Number(v) => Ok(v as f32),
        _ => Err(format!(
            "expected an income (or an empty cell), found {}",
            cell.shown()
        )),
    }
}

fn flag_of(cell: Cell<'_>) -> Result<bool, String> {
    match cell {
        Cell::Missing => Ok(false),
        Cell::Number(0.0) => Ok(false),
        Cell::Number(1.0) => Ok(true),
        _ => Err(format!(
            "a product flag is 0, 1 or empty, found {}",
            cell.shown()
        )),
    }
}

fn code_of(cell: Cell<'_>, dictionary: &mut Dictionary) -> u8 {
    match cell {
        Cell::Missing => MISSING,
        Cell::Number(v) => dictionary.code_number(v),
        Cell::Date(_) => dictionary.code(&cell.shown()),
        Cell::Text(t) => dictionary.code(t),
    }
}

/// A conversion's result with the column it read.
fn at<T>(column: usize, result: Result<T, String>) -> Result<T, (usize, String)> {
    result.map_err(|message| (column, message))
}

/// Reads one row through `cell(column)`; an error is the column at fault and its message.
fn row<'a>(
    layout: &Layout,
    dictionaries: &mut [Dictionary],
    cell: &dyn Fn(usize) -> Cell<'a>,
) -> Result<Row, (usize, String)> {
    let month = at(layout.date, month_of(cell(layout.date)))?;
    let id = at(layout.id, id_of(cell(layout.id)))?;
    let mut products = 0u32;
    for (p, &column) in layout.products.iter().enumerate() {
        if at(column, flag_of(cell(column)))? {
            products |= 1 << p;
        }
    }
    let mut codes = [MISSING; CODED.len()];
    for ((code, &column), dictionary) in codes.iter_mut().zip(&layout.coded).zip(dictionaries) {
        *code = code_of(cell(column), dictionary);
    }
    Ok(Row {
        month,
        id,
        products,
        person: Person {
            income: at(layout.income, income_of(cell(layout.income)))?,
            seniority: at(layout.seniority, seniority_of(cell(layout.seniority)))?,
            age: at(layout.age, age_of(cell(layout.age)))?,
            codes,
        },
    })
}

fn cell_error(file: &str, line: u64, column: usize, name: &str, message: String) -> CsvError {
    CsvError {
        file: file.to_string(),
        line: Some(line),
        column: Some(column + 1),
        column_name: Some(name.to_string()),
        kind: ErrorKind::Invalid(message),
    }
}

/// Records in, a store out: the [`RecordSink`] a [`RecordStream`] of `train_ver2.csv` feeds
/// ([`StoreStream`] pairs them).
#[derive(Debug)]
struct SantanderReader {
    layout: Option<Layout>,
    header: Vec<String>,
    builder: StoreBuilder,
}

impl SantanderReader {
    /// A reader for the file called `file`.
    fn new(file: &str) -> SantanderReader {
        SantanderReader {
            layout: None,
            header: Vec::new(),
            builder: StoreBuilder::new(file),
        }
    }

    /// Rows read so far.
    fn rows(&self) -> u64 {
        self.builder.rows()
    }

    /// The store of the rows read.
    fn finish(self) -> Result<SantanderStore, CsvError> {
        self.builder.finish()
    }
}

impl RecordSink for SantanderReader {
    fn header(&mut self, names: &[String]) -> Result<(), CsvError> {
        // Named as the records will be (`train_ver2.csv in train_ver2.csv.zip`) from here on.
        self.layout = Some(Layout::of(self.builder.file(), names)?);
        self.header = names.to_vec();
        Ok(())
    }

    fn record(&mut self, record: &Record<'_>) -> Result<(), CsvError> {
        let layout = self.layout.as_ref().expect("the header comes first");
        let text = |column: usize| std::str::from_utf8(record.field(column)).unwrap_or("\u{fffd}");
        let parsed = row(layout, self.builder.dictionaries(), &|c| {
            Cell::of_text(text(c))
        });
        match parsed {
            Ok(r) => self.builder.push(r, record.line).map_err(|mut e| {
                e.file = record.file.to_string();
                e
            }),
            Err((column, message)) => Err(cell_error(
                record.file,
                record.line,
                column,
                &self.header[column],
                message,
            )),
        }
    }
}

/// `train_ver2.csv` (or a `.gz`/`.zip` of it) as it streams: chunks in, in order, cut anywhere;
/// the store out. What every streamed read of the file goes through: the command line's, the
/// page's compact read ([`crate::compact`]) and the tests'.
pub struct StoreStream {
    stream: RecordStream,
    reader: SantanderReader,
}

impl std::fmt::Debug for StoreStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreStream")
            .field("input_bytes", &self.input_bytes())
            .field("rows", &self.rows())
            .finish_non_exhaustive()
    }
}

impl StoreStream {
    /// A read of the file called `file` (errors name it so).
    pub fn new(file: &str) -> StoreStream {
        StoreStream {
            stream: RecordStream::new(file),
            reader: SantanderReader::new(file),
        }
    }

    /// The next chunk.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), CsvError> {
        self.stream.push(chunk, &mut self.reader)
    }

    /// Bytes of the file pushed so far.
    pub fn input_bytes(&self) -> u64 {
        self.stream.input_bytes()
    }

    /// Data rows read so far.
    pub fn rows(&self) -> u64 {
        self.reader.rows()
    }

    /// The file has ended: its store.
    pub fn finish(self) -> Result<SantanderStore, CsvError> {
        let StoreStream { stream, mut reader } = self;
        stream.finish(&mut reader)?;
        reader.finish()
    }
}

/// Reads `train_ver2.csv` (or a `.gz`/`.zip` of it) from `chunks`, in order.
pub fn read_chunks<'a>(
    file: &str,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<SantanderStore, CsvError> {
    let mut read = StoreStream::new(file);
    for chunk in chunks {
        read.push(chunk)?;
    }
    read.finish()
}

/// Reads the file at `path` as a stream, in chunks of 1 MiB, calling `on_bytes(read, total)`
/// after each; `false` stops the read (`Ok(None)`).
pub fn read_path(
    path: &std::path::Path,
    on_bytes: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<Option<SantanderStore>, CsvError> {
    use std::io::Read;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let io = |e: std::io::Error| CsvError::new(&name, ErrorKind::Invalid(e.to_string()));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let total = file.metadata().map_err(io)?.len();
    let mut read = StoreStream::new(&name);
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        read.push(&buffer[..n])?;
        if !on_bytes(read.input_bytes(), total) {
            return Ok(None);
        }
    }
    read.finish().map(Some)
}

/// Where a run reads `train_ver2.csv` from: the loaded table, or the compact store the file was
/// read into ([`crate::compact`]: a file too large to hold as a table).
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The loaded table (the built-in sample, a file that fits).
    Table(&'a Table),
    /// The store the file was read into, and the seconds the read took.
    Store(&'a SantanderStore, f64),
}

impl<'a> Source<'a> {
    /// Use case `use_case`'s source among `tables`: the compact store of the loaded Santander
    /// table when one was read, else the table itself.
    pub fn of(
        tables: &'a dyn Tables,
        use_case: &'static str,
    ) -> Result<Source<'a>, crate::UseCaseError> {
        let table = tables.require(use_case, KnownFile::SantanderTrain)?;
        if let Some(compact) = tables.compact(&table.name) {
            if let Some(store) = compact.get::<SantanderStore>() {
                return Ok(Source::Store(store, compact.seconds));
            }
        }
        if table.columns.is_empty() && table.n_rows > 0 {
            return Err(crate::UseCaseError::Input(format!(
                "{} was too large to hold as a table and has not been read into its compact \
                 months yet: read it again (the page does so before a run)",
                table.name
            )));
        }
        Ok(Source::Table(table))
    }
}

/// Reads the source of a run's plan (3.1 and 3.2 alike), telling the `read` and `plan` stages;
/// returns the store (borrowed when it was read before) and the read's seconds.
pub fn for_plan<'a>(
    source: Source<'a>,
    on_progress: crate::progress::OnProgress<'_>,
) -> Result<(Cow<'a, SantanderStore>, f64), crate::UseCaseError> {
    crate::contract::stage(on_progress, "read", 0.0)?;
    let read = match source {
        Source::Table(table) => {
            let clock = crate::progress::Clock::start();
            let store = from_table(table)?;
            (Cow::Owned(store), clock.lap())
        }
        Source::Store(store, seconds) => (Cow::Borrowed(store), seconds),
    };
    crate::contract::stage(on_progress, "plan", 0.03)?;
    Ok(read)
}

/// Reads a loaded `train_ver2.csv` table. A table keeps no line numbers: a row's line is
/// counted as one line per row after the header, which is the file's own line for Santander
/// (no cell of it spans lines).
pub fn from_table(table: &Table) -> Result<SantanderStore, CsvError> {
    let header: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    let layout = Layout::of(&table.name, &header)?;
    let mut builder = StoreBuilder::new(&table.name);
    let number = |v: f64| Cell::Number(v);
    for r in 0..table.n_rows {
        let cell = |c: usize| -> Cell<'_> {
            let column = &table.columns[c];
            match &column.data {
                ColumnData::Empty(_) => Cell::Missing,
                ColumnData::Bool(v) => match v[r] {
                    0 => number(0.0),
                    1 => number(1.0),
                    _ => Cell::Missing,
                },
                ColumnData::Int(v) => {
                    if v[r] == tabular::column::INT_MISSING {
                        Cell::Missing
                    } else {
                        number(f64::from(v[r]))
                    }
                }
                ColumnData::Float(v) => {
                    if v[r].is_nan() {
                        Cell::Missing
                    } else {
                        number(f64::from(v[r]))
                    }
                }
                ColumnData::Date(v) => {
                    if v[r] == tabular::column::DATE_MISSING {
                        Cell::Missing
                    } else {
                        Cell::Date(v[r])
                    }
                }
                ColumnData::Text(t) => match t.codes[r] {
                    tabular::column::TEXT_MISSING => Cell::Missing,
                    code => Cell::of_text(&t.dictionary[code as usize]),
                },
            }
        };
        let line = r as u64 + 2;
        match row(&layout, builder.dictionaries(), &cell) {
            Ok(parsed) => builder.push(parsed, line)?,
            Err((column, message)) => {
                return Err(cell_error(
                    &table.name,
                    line,
                    column,
                    &header[column],
                    message,
                ))
            }
        }
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(scale: f64) -> Vec<u8> {
        samples::file_bytes(samples::Dataset::Santander, "train_ver2.csv", scale, 7)
    }

    #[test]
    fn stream_and_table_read_the_same_store() {
        let bytes = sample(0.002);
        let streamed = read_chunks("train_ver2.csv", bytes.chunks(7_777)).unwrap();
        let table =
            tabular::read_bytes("train_ver2.csv", &bytes, tabular::ReadOptions::default()).unwrap();
        let loaded = from_table(&table).unwrap();
        assert_eq!(streamed.months.len(), 17);
        assert_eq!(streamed.rows, table.n_rows as u64);
        assert_eq!(streamed.months, loaded.months);
        for (a, b) in streamed.dictionaries.iter().zip(&loaded.dictionaries) {
            assert_eq!(a.values, b.values);
        }
        let segments = &streamed.dictionaries[super::super::SEGMENT].values;
        assert!(
            segments.iter().any(|s| s == "03 - UNIVERSITARIO"),
            "{segments:?}"
        );
    }

    #[test]
    fn real_extract_reads_with_its_quirks() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tabular/tests/fixtures/santander_train_ver2_head999_padded_numbers_na.csv"
        ))
        .unwrap();
        let store = read_chunks("train_ver2.csv", [&bytes[..]]).unwrap();
        assert_eq!(store.months.len(), 1);
        assert_eq!(store.rows, 999);
        let m = &store.months[0];
        assert!(m.people.iter().any(|p| p.age == 35));
        assert!(m.people.iter().any(|p| p.income.is_nan()));
        assert!(m.products.iter().any(|&p| p >> 2 & 1 == 1));
    }

    /// Replaces line `line` (1-based) field `column` (0-based) of the sample.
    fn with_cell(bytes: &[u8], line: usize, column: usize, value: &str) -> Vec<u8> {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut fields: Vec<String> = split(&lines[line - 1]);
        fields[column] = value.to_string();
        lines[line - 1] = fields.join(",");
        (lines.join("\n") + "\n").into_bytes()
    }

    fn split(line: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => {
                    quoted = !quoted;
                    out.last_mut().unwrap().push(c);
                }
                ',' if !quoted => out.push(String::new()),
                _ => out.last_mut().unwrap().push(c),
            }
        }
        out
    }

    fn both_fail(bytes: &[u8]) -> (CsvError, CsvError) {
        let streamed = read_chunks("train_ver2.csv", bytes.chunks(4096)).unwrap_err();
        let table =
            tabular::read_bytes("train_ver2.csv", bytes, tabular::ReadOptions::default()).unwrap();
        (streamed, from_table(&table).unwrap_err())
    }

    #[test]
    fn bad_cells_are_named_by_file_line_and_column() {
        let bytes = sample(0.0005);
        // A product flag of 2 on line 40 (ind_cco_fin_ult1 is column 27).
        let (s, t) = both_fail(&with_cell(&bytes, 40, 26, "2"));
        for e in [&s, &t] {
            assert_eq!(
                (e.line, e.column, e.column_name.as_deref()),
                (Some(40), Some(27), Some("ind_cco_fin_ult1")),
                "{e}"
            );
            assert!(e.to_string().contains("0, 1 or empty"), "{e}");
        }
        // An age that is text.
        let (s, t) = both_fail(&with_cell(&bytes, 77, 5, "thirty"));
        for e in [&s, &t] {
            assert_eq!((e.line, e.column), (Some(77), Some(6)), "{e}");
            assert!(e.to_string().contains("\"thirty\""), "{e}");
        }
        // A product column missing from the header.
        let text = String::from_utf8(bytes.clone()).unwrap();
        let renamed = text.replacen("\"ind_recibo_ult1\"", "\"recibo\"", 1);
        let (s, t) = both_fail(renamed.as_bytes());
        for e in [&s, &t] {
            assert!(
                matches!(&e.kind, ErrorKind::MissingColumn { name, .. } if name == "ind_recibo_ult1"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_month_with_no_rows_is_named() {
        let bytes = sample(0.0005);
        let text = String::from_utf8(bytes).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("2015-04-28"))
            .collect();
        let first_may = kept
            .iter()
            .position(|l| l.starts_with("2015-05-28"))
            .unwrap()
            + 1;
        let (s, t) = both_fail((kept.join("\n") + "\n").as_bytes());
        for e in [&s, &t] {
            assert_eq!(e.line, Some(first_may as u64), "{e}");
            assert!(e.to_string().contains("2015-04-28"), "{e}");
        }
    }
}
