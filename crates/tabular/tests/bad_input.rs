//! Input that is not a well-formed CSV: each case is read as a new user's file would be, and
//! must stop with an error naming its place, or be read with a warning, never read silently
//! wrong. Every case is also read in small chunks, which must give the same result.

mod common;

use common::{read, read_chunked, texts, utf16};
use tabular::profile::profile;
use tabular::{
    read_bytes, Binary, ColumnKind, CsvError, Encoding, ErrorKind, ReadOptions, StreamReader,
    Table, WarningKind,
};

/// Reads `bytes` in one go and in chunks of 1, 7 and 4096 bytes, checks that all agree, and
/// returns the one-shot result.
fn read_all_ways(name: &str, bytes: &[u8]) -> Result<Table, CsvError> {
    let whole = read(name, bytes);
    for sizes in [&[1][..], &[7, 3], &[4096, 1]] {
        let chunked = read_chunked(name, bytes, sizes, ReadOptions::default());
        assert_eq!(chunked, whole, "chunks of {sizes:?}");
    }
    whole
}

#[test]
fn a_quote_never_closed_is_an_error_at_its_line() {
    let e = read_all_ways("q.csv", b"a,b\n1,\"never closed\n2,3\n4,5\n").unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::UnclosedQuote {
            lines: 3,
            bytes: 21
        }
    );
    assert_eq!(
        e.to_string(),
        "q.csv, line 2, column 2 (b): a quote opens a field here and is never closed: the rest of the file (3 lines, 21 bytes) would be read as one cell"
    );
    // Without a last newline, and in a header.
    let e = read_all_ways("q.csv", b"a,b\n1,2\n\"x,3").unwrap_err();
    assert_eq!((e.line, e.column), (Some(3), Some(1)));
    let e = read_all_ways("q.csv", b"a,\"b\n1,2\n").unwrap_err();
    assert_eq!((e.line, e.column, e.column_name), (Some(1), Some(2), None));
    // Closed at the very end: a field over several lines, read as such.
    let t = read_all_ways("q.csv", b"a,b\n1,\"two\nlines\"\n").unwrap();
    assert_eq!(texts(&t, "b"), [Some("two\nlines".into())]);
}

#[test]
fn a_quote_never_closed_is_named_even_when_the_row_it_swallows_is_ragged() {
    let e = read_all_ways("q.csv", b"a,b,c\n1,\"never closed,x\n2,3\n4,5,6\n").unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::UnclosedQuote { lines: 3, .. }),
        "{e}"
    );
    assert_eq!((e.line, e.column), (Some(2), Some(2)));
}

#[test]
fn a_ragged_row_with_a_quote_spanning_lines_names_the_quote() {
    // The quote opened on line 2 is closed by the one on line 5: lines 2-5 are one row.
    let e = read_all_ways("q.csv", b"a,b\n1,\"oops\n2,3\n4,5\n6,\"7\",8\n9,10\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "q.csv, line 2, column 3: expected 2 fields, found 3; a quote opened on line 2 runs on to line 5: a quote left open on line 2 is the likely cause"
    );
    // An ordinary ragged row says nothing of quotes.
    let e = read_all_ways("q.csv", b"a,b\n1,\"x\"\n2\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "q.csv, line 3, column 2 (b): expected 2 fields, found 1"
    );
}

#[test]
fn utf16_with_a_byte_order_mark_is_read_in_both_byte_orders() {
    // What Excel's "Unicode text" writes: UTF-16 LE, tab-separated, CRLF.
    let text = "Store\tVille\tSales\r\n1\tCoruña\t5263\r\n2\t😀 Zürich\t6064\r\n";
    for (big_endian, encoding) in [(false, Encoding::Utf16Le), (true, Encoding::Utf16Be)] {
        let t = read_all_ways("u.txt", &utf16(text, big_endian)).unwrap();
        assert_eq!(t.header(), ["Store", "Ville", "Sales"]);
        assert_eq!(
            texts(&t, "Ville"),
            [Some("Coruña".into()), Some("😀 Zürich".into())]
        );
        assert_eq!(t.column("Sales").unwrap().kind(), ColumnKind::Int);
        assert_eq!(t.source.encoding, encoding);
        assert_eq!(t.source.delimiter, b'\t');
        assert!(t.warnings.is_empty());
    }
    // Comma-separated, as other tools write it; a lone surrogate is replaced and said.
    let mut bytes = utf16("a,b\n1,x\n", false);
    bytes.extend([0x00, 0xdc, b',', 0, b'y', 0, b'\n', 0]);
    let t = read_all_ways("u.csv", &bytes).unwrap();
    assert_eq!(t.n_rows, 2);
    assert_eq!(t.warnings.len(), 1);
    assert_eq!(t.warnings[0].kind, WarningKind::InvalidUtf16);
}

#[test]
fn binary_files_are_not_text_and_say_what_they_look_like() {
    let cases: [(&str, &[u8], Binary); 6] = [
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0",
            Binary::Image("PNG"),
        ),
        (
            "book.csv",
            b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0\x62\xee\x9d\x68\x5e\x01\0\0\x90\x04\0\0\x13\0\x08\x02[Content_Types].xml",
            Binary::Excel,
        ),
        ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", Binary::LegacyOffice),
        ("data.csv", b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\0", Binary::Parquet),
        ("doc.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", Binary::Pdf),
        ("dump.csv", b"id,name\n1,\0\0\0\x01\x02", Binary::Unknown),
    ];
    for (name, bytes, binary) in cases {
        let e = read_all_ways(name, bytes).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotText(binary), "{name}");
    }
    let e = read("book.csv", cases[1].1).unwrap_err();
    assert_eq!(
        e.to_string(),
        "book.csv: this is an Excel workbook, not a CSV file: open it in Excel and save it as CSV (File > Save As > CSV UTF-8)"
    );
    let e = read("photo.csv", cases[0].1).unwrap_err();
    assert_eq!(
        e.to_string(),
        "photo.csv: not a text file: it looks like a PNG image"
    );
    // UTF-16 without its byte-order mark is named as such.
    let bare: Vec<u8> = "a,b\r\n1,2\r\n".bytes().flat_map(|b| [b, 0]).collect();
    let e = read_all_ways("u.csv", &bare).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotText(Binary::Utf16WithoutBom));
}

#[test]
fn duplicate_and_blank_names_are_made_distinct_with_a_warning() {
    let t = read_all_ways("d.csv", b"a,a,b,\n1,2,3,4\n").unwrap();
    assert_eq!(t.header(), ["a", "a_2", "b", "col_4"]);
    let messages: Vec<String> = t.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "d.csv, line 1, column 2 (a): an earlier column has the same name: this one is read as \"a_2\"",
            "d.csv, line 1, column 4: the column has no name: it is read as \"col_4\"",
        ]
    );
    assert_eq!(t.warnings[0].kind.name(), "duplicateName");
    // The profile carries them, with the full message.
    let json = serde_json::to_value(profile(&t)).unwrap();
    assert_eq!(json["warnings"][0]["kind"], "duplicateName");
    assert_eq!(json["warnings"][0]["line"], 1);
    assert_eq!(json["warnings"][0]["message"], messages[0]);
}

#[test]
fn a_cell_over_a_megabyte_and_a_quoted_field_over_a_thousand_lines_are_warned_of() {
    let mut csv = b"id,text\n1,short\n2,\"".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 1_100_000));
    csv.extend(b"\"\n3,\"");
    csv.extend(b"line\n".repeat(1500));
    csv.extend(b"\"\n4,");
    csv.extend(std::iter::repeat_n(b'y', 1_200_000));
    csv.extend(b"\n");
    let t = read_all_ways("long.csv", &csv).unwrap();
    assert_eq!(t.n_rows, 4);
    let messages: Vec<String> = t.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "long.csv, line 3, column 2 (text): a cell of 1.1 MB: a quote left open, or files joined into one, often make such cells (and 1 more like it)",
            "long.csv, line 4, column 2 (text): a quoted field here runs over 1501 lines: a quote left open often makes such fields",
        ]
    );
}

#[test]
fn a_file_not_utf8_is_read_as_latin1_with_a_warning_at_its_first_such_cell() {
    let t = read_all_ways("l.csv", b"id,ville\n1,Paris\n2,Coru\xf1a\n").unwrap();
    assert_eq!(t.source.encoding, Encoding::Latin1);
    assert_eq!(
        t.warnings[0].to_string(),
        "l.csv, line 3, column 2 (ville): this cell is not valid UTF-8: the file is read as Latin-1 (ISO-8859-1)"
    );
}

/// A Bosch-shaped file: an id, three stations of two features each, mostly empty.
fn stations(rows: usize) -> Vec<u8> {
    let mut csv =
        String::from("Id,L0_S0_F0,L0_S0_F2,L1_S24_F0,L1_S24_F1,L3_S29_F0,L3_S29_F1,Response\n");
    for i in 0..rows {
        let cell = |k: usize| {
            if (i + k).is_multiple_of(3) {
                String::new()
            } else {
                format!("{:.3}", ((i * 7 + k * 13) % 200) as f32 / 1000.0 - 0.1)
            }
        };
        csv += &format!(
            "{i},{},{},{},{},{},{},{}\n",
            cell(0),
            cell(1),
            cell(2),
            cell(3),
            cell(4),
            cell(5),
            i % 2
        );
    }
    csv.into_bytes()
}

#[test]
fn a_file_over_the_limit_is_profiled_in_one_pass_without_being_kept() {
    let csv = stations(3000);
    let whole = read("train_numeric.csv", &csv).unwrap();
    let full = profile(&whole);
    let limit = csv.len() as u64 / 2;
    let options = ReadOptions {
        max_text_bytes: Some(limit),
        ..Default::default()
    };
    // Known to be too large before the first byte (its size is given), or found out half-way:
    // the same summaries either way, equal to the kept columns' profiles.
    let mut up_front =
        StreamReader::new("train_numeric.csv", options.clone()).expecting(csv.len() as u64);
    up_front.push(&csv).unwrap();
    let up_front = up_front.finish().unwrap();
    let on_the_way = read_chunked("train_numeric.csv", &csv, &[1000], options).unwrap();
    for t in [&up_front, &on_the_way] {
        assert!(t.columns.is_empty());
        assert_eq!(t.n_rows, 3000);
        let p = profile(t);
        assert_eq!(p.skipped.len(), 8);
        for (s, c) in p.skipped.iter().zip(&full.columns) {
            assert_eq!(s.name, c.name);
            assert_eq!((s.kind, s.missing), (c.kind, c.missing), "{}", c.name);
            assert_eq!((s.min, s.max, s.mean), (c.min, c.max, c.mean), "{}", c.name);
        }
    }
    assert_eq!(
        up_front.warnings[0].to_string(),
        format!("train_numeric.csv: the file holds {} of text, more than the {} a whole table can hold: its 8 columns were profiled in one pass without being kept; read it again keeping only the columns you need", human(csv.len() as u64), human(limit))
    );
    let found = &on_the_way.warnings[0];
    assert!(matches!(
        found.kind,
        WarningKind::NotKept {
            text_bytes: None,
            columns: 8,
            ..
        }
    ));
    assert!(found.line.is_some_and(|line| line > 1000));
}

fn human(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

#[test]
fn a_projection_keeps_one_station_and_summarises_the_others() {
    let csv = stations(3000);
    let whole = read("train_numeric.csv", &csv).unwrap();
    let keep = vec!["Id".to_string(), "L3_S29_F0".into(), "L3_S29_F1".into()];
    let options = ReadOptions {
        columns: Some(keep.clone()),
        summarize_skipped: true,
        max_text_bytes: Some(csv.len() as u64 / 2),
        ..Default::default()
    };
    let t = read_chunked("train_numeric.csv", &csv, &[777], options.clone()).unwrap();
    assert_eq!(t, read_bytes("train_numeric.csv", &csv, options).unwrap());
    assert_eq!(t.header(), keep);
    for name in &keep {
        assert_eq!(t.column(name), whole.column(name));
    }
    let skipped: Vec<&str> = t.skipped.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        skipped,
        ["L0_S0_F0", "L0_S0_F2", "L1_S24_F0", "L1_S24_F1", "Response"]
    );
    assert!(t.warnings.is_empty());
    // Kept columns that hold more than the limit stop the read.
    let options = ReadOptions {
        columns: Some(keep),
        max_text_bytes: Some(10_000),
        ..Default::default()
    };
    let e = read_bytes("train_numeric.csv", &csv, options).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::KeptTooLarge {
            columns: 3,
            limit: 10_000
        }
    );
    assert!(e
        .to_string()
        .contains("the 3 columns kept hold more than 10.0 KB of text"));
}
