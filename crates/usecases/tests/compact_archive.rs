//! Santander's `train_ver2.csv` as Kaggle serves it, `train_ver2.csv.zip`, read into its compact
//! months as the page reads a file too large for a table: the same store as the CSV's, and an
//! error that names the CSV in the archive.

use usecases::compact::reader;
use usecases::santander::SantanderStore;

#[path = "../../tabular/examples/fuzz_reader/inputs.rs"]
mod archives;

fn sample() -> Vec<u8> {
    samples::file_bytes(samples::Dataset::Santander, "train_ver2.csv", 0.001, 5)
}

fn zipped(bytes: &[u8]) -> Vec<u8> {
    archives::zip(&[archives::ZipFile {
        name: "train_ver2.csv",
        bytes,
        stored: false,
        descriptor: true,
    }])
}

fn read(name: &str, bytes: &[u8], chunk: usize) -> Result<SantanderStore, usecases::UseCaseError> {
    let mut r = reader(tabular::KnownFile::SantanderTrain, name).unwrap();
    for part in bytes.chunks(chunk) {
        r.push(part)?;
    }
    let compact = r.finish()?;
    Ok(compact.get::<SantanderStore>().unwrap().clone())
}

#[test]
fn a_zip_reads_into_the_months_its_csv_gives() {
    let csv = sample();
    let plain = read("train_ver2.csv", &csv, 1 << 16).unwrap();
    let from_zip = read("train_ver2.csv.zip", &zipped(&csv), 3_333).unwrap();
    assert_eq!(from_zip.months, plain.months);
    assert_eq!(from_zip.rows, plain.rows);
    assert!(plain.months.len() >= 3);
}

#[test]
fn an_error_in_the_zip_names_the_csv_in_it() {
    let text = String::from_utf8(sample()).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let cut = lines[19].rfind(',').unwrap();
    lines[19].replace_range(cut + 1.., "3");
    let bytes = zipped((lines.join("\n") + "\n").as_bytes());
    let error = read("train_ver2.csv.zip", &bytes, 4_096).unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains("train_ver2.csv in train_ver2.csv.zip") && shown.contains("line 20"),
        "{shown}"
    );
    assert!(shown.contains("ind_recibo_ult1"), "{shown}");
}
