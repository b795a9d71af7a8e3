//! One test per reader quirk: quoting, line ends, encodings, delimiters, missing values, type
//! inference and promotion, projection, headers, errors.

mod common;

use common::{fixture, ints, read, read_chunked, texts};
use tabular::{
    read_bytes, read_path, CellMismatch, ColumnData, ColumnKind, Encoding, ErrorKind, ReadOptions,
    StreamReader,
};

#[test]
fn rfc4180_embedded_delimiter_doubled_quotes_and_newline_in_quotes() {
    let csv = "id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,plain\n";
    let t = read("q.csv", csv.as_bytes()).unwrap();
    assert_eq!(t.n_rows, 4);
    assert_eq!(
        texts(&t, "text"),
        [
            Some("a, b".into()),
            Some("say \"hi\"".into()),
            Some("two\nlines".into()),
            Some("plain".into())
        ]
    );
}

#[test]
fn crlf_and_lf_line_ends_give_the_same_table() {
    let lf = read("a.csv", b"x,y\n1,a\n2,b\n").unwrap();
    let crlf = read("a.csv", b"x,y\r\n1,a\r\n2,b\r\n").unwrap();
    assert_eq!(lf.columns, crlf.columns);
}

#[test]
fn utf8_bom_is_stripped_and_crlf_read() {
    let t = read("bom_crlf.csv", &fixture("bom_crlf.csv")).unwrap();
    assert_eq!(t.header(), ["id", "name", "when"]);
    assert_eq!(t.n_rows, 2);
    assert_eq!(
        texts(&t, "name"),
        [Some("Ann".into()), Some("Bob, Jr.".into())]
    );
    assert_eq!(t.column("when").unwrap().kind(), ColumnKind::Date);
    assert_eq!(t.column("when").unwrap().text_at(0).unwrap(), "2020-02-29");
    assert_eq!(t.source.encoding, Encoding::Utf8);
}

#[test]
fn latin1_file_is_decoded_byte_by_byte() {
    let t = read("latin1_accents.csv", &fixture("latin1_accents.csv")).unwrap();
    assert_eq!(t.source.encoding, Encoding::Latin1);
    assert_eq!(
        texts(&t, "ville"),
        [
            Some("Coruña".into()),
            Some("Málaga".into()),
            Some("Zürich".into())
        ]
    );
    assert_eq!(ints(&t, "population"), [245_000, 578_000, 421_000]);
}

#[test]
fn latin1_found_late_re_decodes_earlier_values_and_header() {
    // "é" as UTF-8 (two bytes) early, then a lone Latin-1 byte: the file is Latin-1 after all,
    // so the early bytes were two Latin-1 characters.
    let mut csv = "caf\u{e9},n\n\u{e9}t\u{e9},1\n".as_bytes().to_vec();
    csv.extend_from_slice(b"\xe9t\xe9,2\n");
    let t = read("late.csv", &csv).unwrap();
    assert_eq!(t.source.encoding, Encoding::Latin1);
    assert_eq!(t.header(), ["cafÃ©", "n"]);
    assert_eq!(
        texts(&t, "cafÃ©"),
        [Some("Ã©tÃ©".into()), Some("été".into())]
    );
}

#[test]
fn delimiter_is_sniffed_among_comma_semicolon_tab_pipe() {
    for (d, csv) in [
        (b',', "a,b\n\"x;y\",2\n"),
        (b';', "a;b;c\n\"1,2,3,4\";2;3\n"),
        (b'\t', "a\tb\n1,5\t2\n"),
        (b'|', "a|b|c\n1|2|3\n"),
    ] {
        let t = read("s.csv", csv.as_bytes()).unwrap();
        assert_eq!(t.source.delimiter, d, "{csv:?}");
        assert!(t.columns.len() >= 2);
    }
}

#[test]
fn semicolon_file_with_decimal_comma() {
    let t = read(
        "semicolon_decimal_comma.csv",
        &fixture("semicolon_decimal_comma.csv"),
    )
    .unwrap();
    assert_eq!(t.source.delimiter, b';');
    assert!(t.source.decimal_comma);
    assert_eq!(t.header(), ["produit", "prix", "quantité", "note"]);
    assert_eq!(
        t.column("prix").unwrap().data,
        ColumnData::Float(vec![1.5, 0.95, 2.0])
    );
    assert_eq!(ints(&t, "quantité"), [3, 10, 1]);
    assert_eq!(
        texts(&t, "note"),
        [Some("bon; frais".into()), Some("ok".into()), None]
    );
}

#[test]
fn comma_file_does_not_read_decimal_commas() {
    let t = read("c.csv", b"a\tb\n1,5\tx\n").unwrap();
    assert!(!t.source.decimal_comma);
    assert_eq!(t.column("a").unwrap().kind(), ColumnKind::Text);
}

#[test]
fn missing_tokens_including_padded_na() {
    let csv = "a,b\n1,\n,NA\nNaN,null\nN/A,     NA\n5,   \n";
    let t = read("m.csv", csv.as_bytes()).unwrap();
    let a = t.column("a").unwrap();
    assert_eq!((a.kind(), a.missing), (ColumnKind::Int, 3));
    let b = t.column("b").unwrap();
    assert_eq!(b.data, ColumnData::Empty(5));
    assert_eq!(b.missing, 5);
}

#[test]
fn whitespace_padded_numbers_are_numbers() {
    let t = read("p.csv", b"age,x\n 35,  1.5\n  7 , 2\n").unwrap();
    assert_eq!(ints(&t, "age"), [35, 7]);
    assert_eq!(
        t.column("x").unwrap().data,
        ColumnData::Float(vec![1.5, 2.0])
    );
}

#[test]
fn types_are_inferred_per_column() {
    let csv = "i,f,b,d,t\n1,1.5,true,2015-07-31,x\n-2,2e3,FALSE,1970-01-01,y\n";
    let t = read("k.csv", csv.as_bytes()).unwrap();
    let kinds: Vec<ColumnKind> = t.columns.iter().map(|c| c.kind()).collect();
    use ColumnKind::*;
    assert_eq!(kinds, [Int, Float, Bool, Date, Text]);
    assert_eq!(t.column("b").unwrap().data, ColumnData::Bool(vec![1, 0]));
    assert_eq!(
        t.column("d").unwrap().data,
        ColumnData::Date(vec![16_647, 0])
    );
    let ColumnData::Text(text) = &t.column("t").unwrap().data else {
        panic!()
    };
    assert_eq!(
        (text.codes.as_slice(), text.dictionary.as_slice()),
        ([0, 1].as_slice(), ["x", "y"].map(String::from).as_slice())
    );
}

#[test]
fn empty_column_takes_the_type_of_its_first_value() {
    let t = read("e.csv", b"a,b\n,1\n,2\n3.5,3\n").unwrap();
    let a = t.column("a").unwrap();
    assert_eq!(a.data, ColumnData::Float(vec![f32::NAN, f32::NAN, 3.5]));
    assert_eq!(a.missing, 2);
    assert_eq!(a.first_mismatch, None);
}

#[test]
fn int_promotes_to_float_without_mismatch() {
    let t = read("f.csv", b"a\n1\n2\n2.5\n").unwrap();
    let a = t.column("a").unwrap();
    assert_eq!(a.data, ColumnData::Float(vec![1.0, 2.0, 2.5]));
    assert_eq!(a.first_mismatch, None);
}

#[test]
fn integer_outside_i32_promotes_to_float() {
    let t = read("big.csv", b"a\n1\n3000000000\n").unwrap();
    assert_eq!(
        t.column("a").unwrap().data,
        ColumnData::Float(vec![1.0, 3.0e9])
    );
}

#[test]
fn number_then_text_becomes_text_and_records_first_mismatch() {
    let csv = "id,v\n1,10\n2,\"two\nlines\"\n3,abc\n4,20\n";
    let t = read("train.csv", csv.as_bytes()).unwrap();
    let v = t.column("v").unwrap();
    assert_eq!(v.kind(), ColumnKind::Text);
    assert_eq!(
        texts(&t, "v"),
        [
            Some("10".into()),
            Some("two\nlines".into()),
            Some("abc".into()),
            Some("20".into())
        ]
    );
    assert_eq!(
        v.first_mismatch,
        Some(CellMismatch {
            line: 3,
            column: 2,
            value: "two\nlines".into(),
            was: ColumnKind::Int
        })
    );
    let e = v.numeric("train.csv").unwrap_err();
    assert_eq!(
        e.to_string(),
        "train.csv, line 3, column 2 (v): expected a number, found \"two\nlines\""
    );
}

#[test]
fn bool_and_date_promote_to_text() {
    let t = read("bd.csv", b"b,d\ntrue,2015-01-01\nyes,soon\n").unwrap();
    assert_eq!(texts(&t, "b"), [Some("true".into()), Some("yes".into())]);
    assert_eq!(
        texts(&t, "d"),
        [Some("2015-01-01".into()), Some("soon".into())]
    );
    assert_eq!(
        t.column("b").unwrap().first_mismatch.as_ref().unwrap().was,
        ColumnKind::Bool
    );
    assert_eq!(
        t.column("d").unwrap().first_mismatch.as_ref().unwrap().was,
        ColumnKind::Date
    );
}

#[test]
fn rossmann_train_state_holiday_late_a_is_text() {
    // 63,555 rows of "0", then the first "a" on line 63,557, as in the public train.csv.
    let mut csv = String::from(
        "\"Store\",\"DayOfWeek\",\"Date\",\"Sales\",\"Customers\",\"Open\",\"Promo\",\"StateHoliday\",\"SchoolHoliday\"\n",
    );
    for r in 0..63_555 {
        csv.push_str(&format!(
            "{},5,2015-07-31,5263,555,1,1,\"0\",\"{}\"\n",
            r % 1115 + 1,
            r % 2
        ));
    }
    for h in ["a", "b", "c", "0"] {
        csv.push_str(&format!("1,2,2013-01-01,0,0,0,0,\"{h}\",\"1\"\n"));
    }
    let t = read_chunked(
        "train.csv",
        csv.as_bytes(),
        &[65_536, 1_000_003],
        ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(t.n_rows, 63_559);
    let sh = t.column("StateHoliday").unwrap();
    let ColumnData::Text(text) = &sh.data else {
        panic!("{:?}", sh.kind())
    };
    assert_eq!(text.dictionary, ["0", "a", "b", "c"]);
    assert_eq!(&text.codes[63_553..], [0, 0, 1, 2, 3, 0]);
    assert_eq!(
        sh.first_mismatch,
        Some(CellMismatch {
            line: 63_557,
            column: 8,
            value: "a".into(),
            was: ColumnKind::Int
        })
    );
    assert_eq!(t.column("SchoolHoliday").unwrap().kind(), ColumnKind::Int);
    assert_eq!(t.column("Date").unwrap().kind(), ColumnKind::Date);
}

#[test]
fn quoted_digits_are_numbers() {
    let t = read("q.csv", b"\"a\",\"b\"\n\"0\",\"1\"\n\"1\",\" 2\"\n").unwrap();
    assert_eq!(ints(&t, "a"), [0, 1]);
    assert_eq!(ints(&t, "b"), [1, 2]);
}

#[test]
fn projection_keeps_asked_columns_in_asked_order() {
    let options = ReadOptions {
        delimiter: None,
        columns: Some(vec!["c".into(), "a".into()]),
        ..Default::default()
    };
    let t = read_bytes("p.csv", b"a,b,c\n1,x,2.5\n2,y,3.5\n", options).unwrap();
    assert_eq!(t.header(), ["c", "a"]);
    assert_eq!(ints(&t, "a"), [1, 2]);
}

#[test]
fn projection_still_checks_field_counts() {
    let options = ReadOptions {
        delimiter: None,
        columns: Some(vec!["a".into()]),
        ..Default::default()
    };
    let e = read_bytes("p.csv", b"a,b,c\n1,x,2\n2,y\n", options).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Ragged {
            expected: 3,
            found: 2,
            open_quote: None,
        }
    );
    assert_eq!(e.line, Some(3));
}

#[test]
fn projection_of_an_unknown_column_is_an_error() {
    let options = ReadOptions {
        delimiter: None,
        columns: Some(vec!["a".into(), "Sales".into()]),
        ..Default::default()
    };
    let e = read_bytes("test.csv", b"a,b\n1,2\n", options).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::MissingColumn {
            name: "Sales".into(),
            available: vec!["a".into(), "b".into()].into()
        }
    );
    assert_eq!(
        e.to_string(),
        "test.csv: no column named \"Sales\" (the file has a, b)"
    );
}

#[test]
fn blank_and_duplicate_header_names_are_made_unique() {
    let t = read("h.csv", b"name,,name,  ,name_2,name\n1,2,3,4,5,6\n").unwrap();
    assert_eq!(
        t.header(),
        ["name", "col_2", "name_3", "col_4", "name_2", "name_4"]
    );
}

#[test]
fn ragged_row_error_names_file_line_and_counts() {
    let e = read("ragged_row_line_5.csv", &fixture("ragged_row_line_5.csv")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "ragged_row_line_5.csv, line 5, column 3 (c): expected 3 fields, found 2"
    );
    let crlf = read("r.csv", b"a,b\r\n1,2\r\n3\r\n").unwrap_err();
    assert_eq!(
        crlf.to_string(),
        "r.csv, line 3, column 2 (b): expected 2 fields, found 1"
    );
    let last = read("r.csv", b"a,b\n1,2\n3,4,5").unwrap_err();
    assert_eq!(
        last.to_string(),
        "r.csv, line 3, column 3: expected 2 fields, found 3"
    );
}

#[test]
fn empty_file_and_header_only() {
    assert_eq!(read("e.csv", b"").unwrap_err().kind, ErrorKind::EmptyFile);
    assert_eq!(
        read("e.csv", b"\xef\xbb\xbf").unwrap_err().kind,
        ErrorKind::EmptyFile
    );
    assert_eq!(
        read("e.csv", b"\n\n").unwrap_err().kind,
        ErrorKind::EmptyFile
    );
    let e = read("h.csv", b"a,b\n").unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoDataRows);
    assert_eq!(
        e.to_string(),
        "h.csv: the file has a header line but no data rows"
    );
}

#[test]
fn trailing_newline_and_final_empty_line_are_not_rows() {
    for csv in [
        "a,b\n1,2",
        "a,b\n1,2\n",
        "a,b\n1,2\n\n",
        "a,b\r\n1,2\r\n\r\n",
    ] {
        assert_eq!(read("t.csv", csv.as_bytes()).unwrap().n_rows, 1, "{csv:?}");
    }
}

#[test]
fn one_byte_at_a_time_gives_the_same_table() {
    let bytes = fixture("rossmann_store_quoted_promo_interval.csv");
    let whole = read("store.csv", &bytes).unwrap();
    let bytewise = read_chunked("store.csv", &bytes, &[1], ReadOptions::default()).unwrap();
    assert_eq!(whole, bytewise);
}

/// Lines whose fields are bare or quoted whole are split where they lie; the others go through
/// csv-core. Mixed in one file, the two paths must agree on values, types, line numbers and
/// errors with a read that only ever uses csv-core (one byte at a time never holds a whole line).
#[test]
fn lines_read_past_the_state_machine_agree_with_it() {
    let csv = concat!(
        "\"id\",note,\"v\"\n",
        "1,plain,\"10\"\n",
        "2,\"a,b\",11\n",
        "3,\"say \"\"hi\"\"\",12\r\n",
        "\n",
        "4,\"two\nlines\",13\n",
        "5,,\"\"\n",
        "7, \"q\" ,16\n",
        "8,\"q\"x,17\n",
        "9,last,oops\n",
    );
    let whole = read("mixed.csv", csv.as_bytes()).unwrap();
    let bytewise = read_chunked("mixed.csv", csv.as_bytes(), &[1], ReadOptions::default());
    assert_eq!(Ok(&whole), bytewise.as_ref());
    assert_eq!(
        texts(&whole, "note")[..4],
        [
            Some("plain".into()),
            Some("a,b".into()),
            Some("say \"hi\"".into()),
            Some("two\nlines".into()),
        ]
    );
    let v = whole.column("v").unwrap();
    assert_eq!(
        v.first_mismatch
            .as_ref()
            .map(|m| (m.line, m.value.as_str())),
        Some((11, "oops"))
    );
    let late = format!("{csv}10,a\n");
    for sizes in [&[late.len()][..], &[1]] {
        let e = read_chunked("mixed.csv", late.as_bytes(), sizes, ReadOptions::default());
        assert_eq!(
            e.unwrap_err().to_string(),
            "mixed.csv, line 12, column 3 (v): expected 3 fields, found 2"
        );
    }
    // A bare CR ends a record in csv-core: the line is left to it, and `6,x` is short.
    let bare_cr = format!("{csv}6,x\ry,15\n");
    let e = read("mixed.csv", bare_cr.as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "mixed.csv, line 12, column 3 (v): expected 3 fields, found 2"
    );
}

#[test]
fn progress_counts_rows_and_bytes() {
    let mut csv = String::from("a,b\n");
    for i in 0..20_000 {
        csv.push_str(&format!("{i},x\n"));
    }
    let mut reader = StreamReader::new("p.csv", ReadOptions::default());
    reader.push(&csv.as_bytes()[..100_000]).unwrap();
    assert_eq!(reader.bytes(), 100_000);
    assert!(
        reader.rows() > 10_000 && reader.rows() < 20_000,
        "{}",
        reader.rows()
    );
    reader.push(&csv.as_bytes()[100_000..]).unwrap();
    assert_eq!(reader.rows(), 20_000);
    assert_eq!(reader.finish().unwrap().source.bytes, csv.len() as u64);
}

#[test]
fn given_delimiter_overrides_sniffing() {
    let options = ReadOptions {
        delimiter: Some(b';'),
        columns: None,
        ..Default::default()
    };
    let t = read_bytes("d.csv", b"a,b\n1,2\n", options).unwrap();
    assert_eq!(t.header(), ["a,b"]);
}

#[test]
fn column_views() {
    let t = read("v.csv", b"i,f,b,d,t\n1,1.5,true,1970-01-02,x\n,,,,\n").unwrap();
    let i = t.column("i").unwrap();
    assert_eq!((i.f64_at(0), i.f64_at(1)), (Some(1.0), None));
    assert_eq!(t.column("d").unwrap().f64_at(0), Some(1.0));
    assert_eq!(t.column("b").unwrap().f64_at(0), Some(1.0));
    assert_eq!(t.column("t").unwrap().f64_at(0), None);
    let f = t.column("f").unwrap().to_f32();
    assert_eq!(f[0], 1.5);
    assert!(f[1].is_nan());
    assert_eq!(t.column("t").unwrap().to_f32()[0], 0.0);
    assert_eq!(t.column("f").unwrap().text_at(0).unwrap(), "1.5");
    assert_eq!(t.column("b").unwrap().text_at(0).unwrap(), "true");
    assert_eq!(t.column("i").unwrap().text_at(1), None);
    assert!(t.column("i").unwrap().numeric("v.csv").is_ok());
    let e = t.column("t").unwrap().numeric("v.csv").unwrap_err();
    assert_eq!(
        e.to_string(),
        "v.csv, column t: expected a number, found \"x\""
    );
    let e = t.require("Sales").unwrap_err();
    assert_eq!(
        e.to_string(),
        "v.csv: no column named \"Sales\" (the file has i, f, b, d, t)"
    );
}

#[test]
fn read_path_streams_a_file_and_names_the_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bom_crlf.csv");
    let t = read_path(&path, ReadOptions::default()).unwrap();
    assert_eq!((t.name.as_str(), t.n_rows), ("bom_crlf.csv", 2));
    let missing = read_path(
        std::path::Path::new("/nonexistent/x.csv"),
        ReadOptions::default(),
    )
    .unwrap_err();
    assert!(
        missing
            .to_string()
            .starts_with("x.csv: cannot read the file:"),
        "{missing}"
    );
}

#[test]
fn errors_are_sticky_after_a_bad_chunk() {
    let mut reader = StreamReader::new(
        "r.csv",
        ReadOptions {
            delimiter: Some(b','),
            columns: None,
            ..Default::default()
        },
    );
    // Past the first 4 KiB, which are held back to see what the file holds.
    let mut chunk = b"a,b\n".to_vec();
    chunk.extend(b"1,2\n".repeat(1100));
    chunk.extend(b"3\n");
    reader.push(&chunk).unwrap_err();
    assert!(reader.push(b"4,5\n").is_err());
    assert_eq!(
        reader.finish().unwrap_err().kind,
        ErrorKind::Ragged {
            expected: 2,
            found: 1,
            open_quote: None,
        }
    );
}

#[test]
fn read_path_reads_a_large_file_in_parts_as_one_read_does() {
    // Over two parts' worth (`read_path` uses every core on files of several megabytes), with
    // a quoted newline every few rows, a column that turns to text late, and a ragged row near
    // the end in a second file.
    let mut csv = String::from("id,note,holiday,amount\n");
    let mut row = 0;
    while csv.len() < 12 << 20 {
        let note = if row % 7 == 0 {
            "\"two\nlines\""
        } else {
            "plain"
        };
        let holiday = if row > 300_000 && row % 11 == 0 {
            "a"
        } else {
            "0"
        };
        csv += &format!("{row},{note},{holiday},{}.25\n", row % 1000);
        row += 1;
    }
    let dir = std::env::temp_dir().join(format!("vitrine-parts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.csv");
    std::fs::write(&path, &csv).unwrap();
    let whole = read_bytes("big.csv", csv.as_bytes(), ReadOptions::default()).unwrap();
    assert_eq!(whole.n_rows, row);
    assert_eq!(whole.columns[2].kind(), ColumnKind::Text);
    assert_eq!(read_path(&path, ReadOptions::default()).unwrap(), whole);
    for parts in [2, 4] {
        assert_eq!(
            tabular::read_path_in_parts(&path, ReadOptions::default(), parts).unwrap(),
            whole
        );
    }
    let ragged = dir.join("ragged.csv");
    let cut = csv.len() - 1000;
    let line_start = csv[..cut].rfind('\n').unwrap() + 1;
    let broken = format!("{}1,2\n{}", &csv[..line_start], &csv[line_start..]);
    std::fs::write(&ragged, &broken).unwrap();
    let expected = read_bytes("ragged.csv", broken.as_bytes(), ReadOptions::default()).unwrap_err();
    assert!(expected.line.unwrap() > 300_000, "{expected}");
    assert_eq!(
        read_path(&ragged, ReadOptions::default()).unwrap_err(),
        expected
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_wrong_size_hint_changes_nothing() {
    let csv = b"a,b\n1,x\n2,y\n3,z\n";
    let plain = read_bytes("h.csv", csv, ReadOptions::default()).unwrap();
    for hint in [0, 5, 1 << 20] {
        let mut reader = StreamReader::new("h.csv", ReadOptions::default()).expecting(hint);
        reader.push(csv).unwrap();
        assert_eq!(reader.finish().unwrap(), plain, "hint {hint}");
    }
}
