//! Files as the public datasets are downloaded: gzip-compressed CSV files and zip archives of
//! CSV files, read as they stream, each CSV file into the table the plain file gives.
//! Fixtures come from `tests/fixtures/make_archives.py` (Python's gzip and zipfile).

mod common;

use common::{fixture, gzip, read, read_input, zip, ZipFile};
use tabular::{
    read_path, read_path_header, read_path_tables, Binary, ErrorKind, ReadOptions, WarningKind,
};

/// The plain file's table under another name.
fn plain(fixture_name: &str, name: &str) -> tabular::Table {
    let mut t = read(name, &fixture(fixture_name)).unwrap();
    t.name = name.to_string();
    t
}

fn fixture_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Reads in chunks of 1, 3, 1000 and 64 KiB bytes: every cut falls somewhere else in the
/// headers, the deflate stream and the trailers. All must agree; returns the first.
fn read_every_way(name: &str, bytes: &[u8], options: ReadOptions) -> Vec<tabular::Table> {
    let first = read_input(name, bytes, &[1], options.clone()).unwrap();
    for sizes in [&[3][..], &[1000, 7], &[65536]] {
        assert_eq!(
            read_input(name, bytes, sizes, options.clone()).unwrap(),
            first,
            "{sizes:?}"
        );
    }
    first
}

#[test]
fn a_gzip_file_reads_as_its_text() {
    let store = plain(
        "rossmann_store_quoted_promo_interval.csv",
        "rossmann_store.csv",
    );
    let tables = read_every_way(
        "rossmann_store.csv.gz",
        &fixture("rossmann_store.csv.gz"),
        ReadOptions::default(),
    );
    assert_eq!(tables.len(), 1);
    // The same table: its bytes are those of the text.
    assert_eq!(tables[0], store);
    let from_disk = read_path(
        &fixture_path("rossmann_store.csv.gz"),
        ReadOptions::default(),
    );
    assert_eq!(from_disk.unwrap(), tables[0]);
}

#[test]
fn a_gzip_file_of_several_members_reads_as_one_text() {
    let text = fixture("rossmann_store_quoted_promo_interval.csv");
    let one = read_every_way("s.csv.gz", &gzip(&text, 1), ReadOptions::default());
    let five = read_every_way("s.csv.gz", &gzip(&text, 5), ReadOptions::default());
    assert_eq!(one[0].columns, five[0].columns);
    assert_eq!(one[0].name, "s.csv");
}

#[test]
fn a_kaggle_zip_loads_every_csv_file_named_after_its_entry() {
    let bytes = fixture("rossmann_kaggle_layout.zip");
    let tables = read_every_way("rossmann-store-sales.zip", &bytes, ReadOptions::default());
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["store.csv", "test.csv", "sample.csv"]);
    let store = plain("rossmann_store_quoted_promo_interval.csv", "store.csv");
    assert_eq!(tables[0].columns, store.columns);
    assert_eq!(tables[1].n_rows, 2000);
    assert_eq!(tables[1].header()[..3], ["Id", "Store", "DayOfWeek"]);
    assert_eq!(tables[2].n_rows, 2);
    // The README is not a CSV file: said once, with the first table.
    let skipped: Vec<String> = tables[0].warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        skipped,
        ["rossmann-store-sales.zip: rossmann/README.md is not a CSV file: skipped"]
    );
    // Only some of its files, as a page reloads those it kept.
    let mut reader = tabular::InputReader::new("rossmann-store-sales.zip", ReadOptions::default())
        .only(vec!["test.csv".into()]);
    reader.push(&bytes).unwrap();
    let only = reader.finish().unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].columns, tables[1].columns);
    // From disk: every table, or an error naming them where one is expected.
    let path = fixture_path("rossmann_kaggle_layout.zip");
    let same_name = read_every_way("rossmann_kaggle_layout.zip", &bytes, ReadOptions::default());
    assert_eq!(
        read_path_tables(&path, ReadOptions::default()).unwrap(),
        same_name
    );
    let e = read_path(&path, ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "rossmann_kaggle_layout.zip: the archive holds 3 CSV files (store.csv, test.csv, sample.csv), where one is expected: unzip it and give the one you mean"
    );
}

#[test]
fn entries_with_their_sizes_after_their_data_are_read_when_deflated() {
    let tables = read_every_way(
        "store.zip",
        &fixture("rossmann_store_streamed_data_descriptor.zip"),
        ReadOptions::default(),
    );
    let store = plain("rossmann_store_quoted_promo_interval.csv", "store.csv");
    assert_eq!(tables[0].columns, store.columns);
    let e = read_input(
        "s.zip",
        &fixture("stored_streamed_data_descriptor.zip"),
        &[100],
        ReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "s.zip: store.csv is stored with its size after its bytes, which cannot be read as a stream: unzip it first"
    );
}

#[test]
fn stored_and_deflated_entries_with_and_without_descriptors_read_alike() {
    let a = b"id,x\n1,a\n2,\"b\nc\"\n".to_vec();
    let b: Vec<u8> = (0..5000)
        .flat_map(|i| format!("{i},{}\n", i % 7).into_bytes())
        .collect();
    let b = [b"n,m\n".to_vec(), b].concat();
    let mut files = vec![];
    for (stored, descriptor) in [(true, false), (false, false), (false, true)] {
        files.push(ZipFile {
            name: "dir/a.csv",
            bytes: &a,
            stored,
            descriptor,
        });
        files.push(ZipFile {
            name: "b.tsv",
            bytes: &b,
            stored,
            descriptor,
        });
    }
    files.push(ZipFile {
        name: "notes.pdf",
        bytes: b"%PDF-1.4",
        stored: false,
        descriptor: true,
    });
    let tables = read_every_way("mixed.zip", &zip(&files), ReadOptions::default());
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["a.csv", "b.tsv", "dir/a.csv", "b.tsv", "dir/a.csv", "b.tsv"]
    );
    let plain_a = read("a.csv", &a).unwrap();
    let plain_b = read("b.tsv", &b).unwrap();
    for pair in tables.chunks(2) {
        assert_eq!(pair[0].columns, plain_a.columns);
        assert_eq!(pair[1].columns, plain_b.columns);
    }
}

#[test]
fn an_excel_workbook_says_so_and_an_archive_without_csv_says_what_it_holds() {
    let e = read_input(
        "book.xlsx",
        &fixture("excel_workbook.xlsx"),
        &[64],
        ReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotText(Binary::Excel));
    let e = read_path(&fixture_path("excel_workbook.xlsx"), ReadOptions::default()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("excel_workbook.xlsx: this is an Excel workbook"),
        "{e}"
    );
    let only_pdf = zip(&[ZipFile {
        name: "report.pdf",
        bytes: b"%PDF-1.4",
        stored: true,
        descriptor: false,
    }]);
    let e = read_input("docs.zip", &only_pdf, &[5], ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "docs.zip: the archive holds no CSV file (it holds report.pdf)"
    );
}

#[test]
fn damaged_and_cut_archives_are_errors_not_short_tables() {
    let gz = fixture("rossmann_store.csv.gz");
    let cut = read_input(
        "s.csv.gz",
        &gz[..gz.len() / 2],
        &[4096],
        ReadOptions::default(),
    );
    assert!(cut
        .unwrap_err()
        .to_string()
        .contains("the file is cut short"));
    // A flipped byte in the CRC.
    let mut bad = gz.clone();
    let n = bad.len();
    bad[n - 6] ^= 1;
    let e = read_input("s.csv.gz", &bad, &[4096], ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "s.csv.gz: the data does not match its checksum: the file is damaged (an incomplete download?)"
    );
    let z = fixture("rossmann_kaggle_layout.zip");
    let e = read_input("k.zip", &z[..z.len() / 2], &[4096], ReadOptions::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("the archive ends in the middle of rossmann/test.csv"),
        "{e}"
    );
}

#[test]
fn an_error_in_an_archived_file_names_the_file_and_the_archive() {
    let z = zip(&[ZipFile {
        name: "train.csv",
        bytes: b"a,b\n1,2\n3\n",
        stored: false,
        descriptor: false,
    }]);
    let e = read_input("rossmann.zip", &z, &[7], ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "train.csv in rossmann.zip, line 3, column 2 (b): expected 2 fields, found 1"
    );
}

#[test]
fn an_archived_file_over_the_limit_is_profiled_without_being_kept() {
    let text: Vec<u8> = (0..20_000)
        .flat_map(|i| format!("{i},{}\n", i % 9).into_bytes())
        .collect();
    let text = [b"id,k\n".to_vec(), text].concat();
    let options = ReadOptions {
        max_text_bytes: Some(50_000),
        ..Default::default()
    };
    let archived = zip(&[ZipFile {
        name: "big.csv",
        bytes: &text,
        stored: false,
        descriptor: false,
    }]);
    // The zip says the size first: decided before its first byte.
    let from_zip = read_every_way("big.zip", &archived, options.clone());
    assert!(matches!(
        from_zip[0].warnings[0].kind,
        WarningKind::NotKept {
            text_bytes: Some(_),
            ..
        }
    ));
    // A gzip file does not: found out on the way, with the same summaries.
    let from_gzip = read_every_way("big.csv.gz", &gzip(&text, 1), options);
    assert!(matches!(
        from_gzip[0].warnings[0].kind,
        WarningKind::NotKept {
            text_bytes: None,
            ..
        }
    ));
    for t in [&from_zip[0], &from_gzip[0]] {
        assert!(t.columns.is_empty());
        assert_eq!(t.n_rows, 20_000);
        let p = tabular::profile::profile(t);
        assert_eq!(p.skipped[0].max, Some(19_999.0));
        assert_eq!(
            p.skipped[1].mean,
            Some((0..20_000).map(|i| (i % 9) as f64).sum::<f64>() / 20_000.0)
        );
    }
}

#[test]
fn a_header_is_read_without_reading_the_rest() {
    let store = [
        "Store",
        "StoreType",
        "Assortment",
        "CompetitionDistance",
        "CompetitionOpenSinceMonth",
        "CompetitionOpenSinceYear",
        "Promo2",
        "Promo2SinceWeek",
        "Promo2SinceYear",
        "PromoInterval",
    ];
    for name in [
        "rossmann_store.csv.gz",
        "rossmann_kaggle_layout.zip",
        "rossmann_store_quoted_promo_interval.csv",
    ] {
        assert_eq!(
            read_path_header(&fixture_path(name)).unwrap(),
            store,
            "{name}"
        );
    }
}
