//! A randomised harness for the reader: each input is a generated file (CSV-like records with
//! every quirk the reader meets, or random bytes from its alphabet; UTF-8, Latin-1 or UTF-16;
//! plain, gzip or zip), read with random options (sniffed or given delimiter, projection,
//! summaries, a text limit) in one go and cut into random chunks, in parts on threads, and
//! through the archive it was packed in. Every way must give the one-shot read's table or
//! error; nothing may panic; every input's time is measured. Case `i` of seed `s` is always
//! the same input (ChaCha seeded by both), so a finding is replayed with `--case i`.
#![allow(dead_code)] // the test uses a subset

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::panic::AssertUnwindSafe;
use std::time::Instant;
use tabular::{
    read_bytes, read_bytes_in_parts, CsvError, InputReader, ReadOptions, StreamReader, Table,
};

#[path = "inputs.rs"]
mod inputs;
use inputs::{gzip, in_chunks, zip, ZipFile};

/// How the generated text is packed.
#[derive(Debug, Clone)]
pub enum Packing {
    Plain,
    Gzip {
        members: usize,
    },
    /// Entries' (stored, descriptor) flags; the second entry, if any, holds `second`.
    Zip {
        entries: Vec<(bool, bool)>,
        second: Vec<u8>,
    },
}

/// One generated input.
#[derive(Debug, Clone)]
pub struct Case {
    pub text: Vec<u8>,
    pub options: ReadOptions,
    pub packing: Packing,
    /// Chunk sizes, cycled.
    pub chunks: Vec<usize>,
    /// Threads for the parts read (0: not read in parts).
    pub parts: usize,
    /// The reader is told the size.
    pub sized: bool,
}

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// One cell as an export may write it, for delimiter `d`.
fn cell(rng: &mut ChaCha8Rng, d: u8) -> Vec<u8> {
    let plain: &[&[u8]] = &[
        b"",
        b"0",
        b"17",
        b"-3",
        b" 35",
        b"     NA",
        b"007",
        b"16777217",
        b"99999999999",
        b"1.5",
        b"-2.50",
        b"1e5",
        b"8.0",
        b",5",
        b"1,5",
        b"2015-07-31",
        b"2015-02-30",
        b"true",
        b"FALSE",
        b"NA",
        b"null",
        b"a",
        b"b",
        b"P",
        b"x y",
        b"inf",
        b"NaN",
        "Coruña".as_bytes(),
        b"Coru\xf1a",
        b"T48576",
        b"\xef\xbb\xbf",
    ];
    match rng.random_range(0..20) {
        0..=11 => pick(rng, plain).to_vec(),
        12..=15 => {
            // Quoted whole, sometimes with the delimiter, a doubled quote, a newline or \r.
            let inner: &[&[u8]] = &[
                b"0",
                b"a",
                b"Jan,Apr,Jul,Oct",
                b"say \"\"hi\"\"",
                b"two\nlines",
                b"cr\r\nlf",
                b"",
                b"CORU\xd1A, A",
                b"x;y",
                b"t\tu",
                b"p|q",
            ];
            [b"\"".as_slice(), *pick(rng, inner), b"\""].concat()
        }
        16 => vec![d],
        // A stray quote inside a bare field (a byte), or one that opens a field and may never
        // close.
        17 => b"ab\"c".to_vec(),
        18 if rng.random_range(0..4) == 0 => b"\"never closed".to_vec(),
        18 => b"\"\"".to_vec(),
        _ => {
            let n = rng.random_range(0..12);
            (0..n)
                .map(|_| *pick(rng, b"abc,;\t|\"\r\n 1.-\xe9\x00"))
                .collect()
        }
    }
}

fn record(rng: &mut ChaCha8Rng, d: u8, n: usize, header: bool) -> Vec<u8> {
    let names: &[&[u8]] = &[
        b"a",
        b"b",
        b"id",
        b"Sales",
        b"",
        b"\"q\"",
        "é".as_bytes(),
        b"x y",
        b"a_2",
    ];
    let mut out = Vec::new();
    for i in 0..n {
        if i > 0 {
            out.push(d);
        }
        out.extend(if header {
            pick(rng, names).to_vec()
        } else {
            cell(rng, d)
        });
    }
    out
}

/// CSV-like text: a header and records with every quirk, or bytes from the reader's alphabet.
fn text(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.random_range(0..10) == 0 {
        out.extend(b"\xef\xbb\xbf");
    }
    if rng.random_range(0..5) == 0 {
        let pieces: &[&[u8]] = &[
            b"a",
            b"17",
            b"-2.5",
            b",",
            b";",
            b"\t",
            b"|",
            b"\"",
            b"\"0\"",
            b"\"a,b\"",
            b"\"\"",
            b"\r",
            b"\n",
            b"\r\n",
            b" ",
            b"NA",
            b"true",
            b"2015-07-31",
            "é".as_bytes(),
            b"\xe9",
            b"\xef\xbb\xbf",
            b"\0",
        ];
        let n = rng.random_range(0..80);
        for _ in 0..n {
            out.extend(*pick(rng, pieces));
        }
        return out;
    }
    let d = *pick(rng, &DELIMITERS);
    let n = rng.random_range(1..7);
    // Past the 4 KiB held back to see what a file holds (and, rarely, the 64 KiB the delimiter
    // is sniffed on), so that chunks cut the records the parser reads.
    let rows = match rng.random_range(0..100) {
        0 => rng.random_range(1000..3000),
        1..=40 => rng.random_range(150..400),
        _ => rng.random_range(0..25),
    };
    let ends: &[&[u8]] = &[b"\n", b"\n", b"\n", b"\r\n", b"\r\n", b"\r"];
    let end = *pick(rng, ends);
    out.extend(record(rng, d, n, true));
    for _ in 0..rows {
        out.extend(end);
        match rng.random_range(0..60) {
            0 => {}
            1 => out.extend(record(rng, d, n + 1, false)),
            2 if n > 1 => out.extend(record(rng, d, n - 1, false)),
            _ => out.extend(record(rng, d, n, false)),
        }
    }
    if rng.random_range(0..3) > 0 {
        out.extend(end);
    }
    // Rarely, a cell over a megabyte.
    if rng.random_range(0..5000) == 0 {
        out.extend(std::iter::repeat_n(b'x', 1_100_000));
        out.extend(end);
    }
    out
}

/// `text` as UTF-16 with a byte-order mark (invalid UTF-8 read as Latin-1 first).
fn utf16(text: &[u8], big_endian: bool) -> Vec<u8> {
    let s = match std::str::from_utf8(text) {
        Ok(s) => s.to_string(),
        Err(_) => text.iter().map(|&b| char::from(b)).collect(),
    };
    inputs::utf16(&s, big_endian)
}

/// Case `index` of `seed`.
pub fn generate(seed: u64, index: u64) -> Case {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut text = text(&mut rng);
    match rng.random_range(0..100) {
        0..=3 => text = utf16(&text, false),
        4..=5 => text = utf16(&text, true),
        6 => {
            let signatures: &[&[u8]] = &[
                b"\x89PNG\r\n\x1a\n",
                b"PAR1\0",
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            ];
            text.splice(0..0, pick(&mut rng, signatures).iter().copied());
        }
        _ => {}
    }
    let header: Vec<String> = text
        .split(|&b| b == b'\n')
        .next()
        .map(|line| {
            String::from_utf8_lossy(line)
                .split([',', ';', '\t', '|'])
                .map(|s| s.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut options = ReadOptions::default();
    if rng.random_range(0..2) == 0 {
        options.delimiter = Some(*pick(&mut rng, &DELIMITERS));
    }
    if rng.random_range(0..5) == 0 {
        let mut columns: Vec<String> = header
            .iter()
            .filter(|_| rng.random_range(0..2) == 0)
            .cloned()
            .collect();
        if rng.random_range(0..10) == 0 {
            columns.push("absent".into());
        }
        options.columns = Some(columns);
        options.summarize_skipped = rng.random_range(0..2) == 0;
    }
    if rng.random_range(0..7) == 0 {
        options.max_text_bytes = Some(rng.random_range(0..text.len() as u64 + 2));
    }
    let packing = match rng.random_range(0..20) {
        0..=2 => Packing::Gzip {
            members: rng.random_range(1..4),
        },
        3..=5 => {
            let entries: Vec<(bool, bool)> = (0..rng.random_range(1..3))
                .map(|_| (rng.random_range(0..3) == 0, rng.random_range(0..2) == 0))
                .collect();
            let mut other = ChaCha8Rng::seed_from_u64(rng.random());
            Packing::Zip {
                entries,
                second: self::text(&mut other),
            }
        }
        _ => Packing::Plain,
    };
    let most = if rng.random_range(0..4) == 0 { 8 } else { 4096 };
    let chunks = (0..rng.random_range(1..5))
        .map(|_| rng.random_range(1..=most))
        .collect();
    Case {
        text,
        options,
        packing,
        chunks,
        parts: if rng.random_range(0..4) == 0 {
            rng.random_range(2..5)
        } else {
            0
        },
        sized: rng.random_range(0..2) == 0,
    }
}

/// The one-shot read of `text`: the reference every other way must match.
fn one_shot(
    name: &str,
    text: &[u8],
    options: &ReadOptions,
    sized: bool,
) -> Result<Table, CsvError> {
    let mut reader = StreamReader::new(name, options.clone());
    if sized {
        reader = reader.expecting(text.len() as u64);
    }
    reader.push(text)?;
    reader.finish()
}

fn chunked(
    name: &str,
    text: &[u8],
    options: &ReadOptions,
    sized: bool,
    chunks: &[usize],
) -> Result<Table, CsvError> {
    let mut reader = StreamReader::new(name, options.clone());
    if sized {
        reader = reader.expecting(text.len() as u64);
    }
    in_chunks(text, chunks, |chunk| reader.push(chunk))?;
    reader.finish()
}

fn input(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    chunks: &[usize],
) -> Result<Vec<Table>, CsvError> {
    let mut reader = InputReader::new(name, options.clone()).expecting(bytes.len() as u64);
    in_chunks(bytes, chunks, |chunk| reader.push(chunk))?;
    reader.finish()
}

/// The place and kind of an error, without the file name (an archive's entry is named after
/// the archive too).
fn place(e: &CsvError) -> String {
    format!(
        "{:?} {:?} {:?} {:?}",
        e.line, e.column, e.column_name, e.kind
    )
}

fn same(
    what: &str,
    got: &Result<Table, CsvError>,
    want: &Result<Table, CsvError>,
) -> Result<(), String> {
    match (got, want) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Err(a), Err(b)) if place(a) == place(b) => Ok(()),
        _ => Err(format!(
            "{what}: {} differs from the one-shot {}",
            brief(got),
            brief(want)
        )),
    }
}

fn brief(r: &Result<Table, CsvError>) -> String {
    match r {
        Ok(t) => format!(
            "table of {} rows x {} columns, {} warnings",
            t.n_rows,
            t.columns.len(),
            t.warnings.len()
        ),
        Err(e) => format!("error \"{e}\""),
    }
}

/// Whether csv-core itself, given all of `text`, ends inside quotes: it takes a byte and a
/// newline into the field only then. An oracle for the reader's own tracking of quotes.
fn ends_in_quotes(text: &[u8], delimiter: u8) -> bool {
    let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let (mut out, mut ends) = (vec![0u8; text.len() + 8], vec![0usize; text.len() + 8]);
    let mut input = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
    // The reader gives csv-core the first byte alone, so that a second byte-order mark is
    // text, not stripped: so does the oracle.
    let mut first = true;
    while !input.is_empty() {
        let given = if first { 1 } else { input.len() };
        first = false;
        let (_, nin, ..) = core.read_record(&input[..given], &mut out, &mut ends);
        input = &input[nin..];
    }
    let (res, ..) = core.read_record(b"x\n", &mut out, &mut ends);
    res == csv_core::ReadRecordResult::InputEmpty
}

/// The one-shot read says a quote is never closed exactly when csv-core ends inside quotes
/// (for UTF-8 text read to its end: an earlier error stops the read first).
fn check_unclosed(case: &Case, want: &Result<Table, CsvError>) -> Result<(), String> {
    if case.text.starts_with(b"\xff\xfe") || case.text.starts_with(b"\xfe\xff") {
        return Ok(());
    }
    let delimiter = match want {
        Ok(t) => t.source.delimiter,
        Err(e) if matches!(e.kind, tabular::ErrorKind::UnclosedQuote { .. }) => {
            match case.options.delimiter {
                Some(d) => d,
                // The sniffed delimiter is not in the error: try each.
                None => {
                    return if DELIMITERS.iter().any(|&d| ends_in_quotes(&case.text, d)) {
                        Ok(())
                    } else {
                        Err("an unclosed quote where csv-core ends outside quotes".into())
                    }
                }
            }
        }
        Err(_) => return Ok(()),
    };
    match (want.is_ok(), ends_in_quotes(&case.text, delimiter)) {
        (true, true) => Err("a table where csv-core ends inside quotes".into()),
        (false, false) => Err("an unclosed quote where csv-core ends outside quotes".into()),
        _ => Ok(()),
    }
}

/// Reads `case` every way and compares each with the one-shot read.
pub fn check(case: &Case) -> Result<(), String> {
    let name = "f.csv";
    let o = &case.options;
    let want = one_shot(name, &case.text, o, case.sized);
    check_unclosed(case, &want)?;
    same(
        "chunks",
        &chunked(name, &case.text, o, case.sized, &case.chunks),
        &want,
    )?;
    if case.parts > 0 {
        let sized = one_shot(name, &case.text, o, true);
        same(
            "parts",
            &read_bytes_in_parts(name, &case.text, o.clone(), case.parts),
            &sized,
        )?;
        same(
            "read_bytes",
            &read_bytes(name, &case.text, o.clone()),
            &sized,
        )?;
    }
    match &case.packing {
        Packing::Plain => {
            let sized = if case.sized {
                want.clone()
            } else {
                one_shot(name, &case.text, o, true)
            };
            let got = input(name, &case.text, o, &case.chunks).map(|mut t| t.remove(0));
            same("input", &got, &sized)
        }
        Packing::Gzip { members } => {
            let file = gzip(&case.text, *members);
            let got = input("f.csv.gz", &file, o, &case.chunks);
            let whole = input("f.csv.gz", &file, o, &[usize::MAX]);
            compare_archive(&got, &whole, &[(name, &case.text, false)], o)
        }
        Packing::Zip { entries, second } => {
            let texts = [(&case.text, "f.csv"), (second, "dir/g.csv")];
            let files: Vec<ZipFile> = entries
                .iter()
                .zip(texts)
                .map(|(&(stored, descriptor), (bytes, name))| ZipFile {
                    name,
                    bytes,
                    stored,
                    descriptor,
                })
                .collect();
            // Stored with a descriptor cannot be streamed: an error either way, checked alike.
            let file = zip(&files);
            let got = input("f.zip", &file, o, &case.chunks);
            let whole = input("f.zip", &file, o, &[usize::MAX]);
            let expected: Vec<(&str, &[u8], bool)> = files
                .iter()
                .map(|f| {
                    (
                        f.name.rsplit('/').next().unwrap_or(f.name),
                        f.bytes,
                        !f.descriptor,
                    )
                })
                .collect();
            if files.iter().any(|f| f.stored && f.descriptor) {
                return match (&got, &whole) {
                    (Err(a), Err(b)) if a == b => Ok(()),
                    _ => Err("zip stored with a descriptor: chunked and whole reads differ".into()),
                };
            }
            compare_archive(&got, &whole, &expected, o)
        }
    }
}

/// An archive read in chunks must equal one read in one go, and give each file's one-shot
/// table (sized when the archive says the size first), or the first file's error.
fn compare_archive(
    got: &Result<Vec<Table>, CsvError>,
    whole: &Result<Vec<Table>, CsvError>,
    files: &[(&str, &[u8], bool)],
    options: &ReadOptions,
) -> Result<(), String> {
    if got != whole {
        return Err("archive: chunked and whole reads differ".into());
    }
    let mut tables = Vec::new();
    for &(name, bytes, sized) in files {
        match one_shot(name, bytes, options, sized) {
            Ok(t) => tables.push(t),
            Err(e) => {
                return match got {
                    Err(g) if place(g) == place(&e) => Ok(()),
                    _ => Err(format!(
                        "archive: {} where the file reads \"{e}\"",
                        brief_all(got)
                    )),
                }
            }
        }
    }
    match got {
        Ok(g)
            if g.len() == tables.len()
                && g.iter()
                    .zip(&tables)
                    .all(|(a, b)| same_but_archive_notes(a, b)) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "archive: {} where its files read as {} tables",
            brief_all(got),
            tables.len()
        )),
    }
}

/// Equal tables, but for the note of skipped entries an archive adds to its first table.
fn same_but_archive_notes(a: &Table, b: &Table) -> bool {
    let mut a = a.clone();
    a.warnings.retain(|w| w.kind.name() != "skippedEntry");
    a == *b
}

fn brief_all(r: &Result<Vec<Table>, CsvError>) -> String {
    match r {
        Ok(t) => format!("{} tables", t.len()),
        Err(e) => format!("error \"{e}\""),
    }
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    pub inputs: u64,
    pub bytes: u64,
    /// Findings: case index and what went wrong (a mismatch or a panic).
    pub findings: Vec<(u64, String)>,
    /// The slowest input, in seconds, and its index and size.
    pub slowest: (f64, u64, usize),
}

/// Runs cases `from..to` of `seed`, calling `each` every `every` inputs with the report so far.
pub fn run(seed: u64, from: u64, to: u64, every: u64, each: &mut dyn FnMut(&Report)) -> Report {
    let mut report = Report::default();
    for index in from..to {
        let case = generate(seed, index);
        report.bytes += case.text.len() as u64;
        let started = Instant::now();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| check(&case)));
        let seconds = started.elapsed().as_secs_f64();
        if seconds > report.slowest.0 {
            report.slowest = (seconds, index, case.text.len());
        }
        match result {
            Ok(Ok(())) => {}
            Ok(Err(mismatch)) => report.findings.push((index, mismatch)),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                report.findings.push((index, format!("panic: {message}")));
            }
        }
        report.inputs += 1;
        if report.inputs % every == 0 {
            each(&report);
        }
    }
    report
}
