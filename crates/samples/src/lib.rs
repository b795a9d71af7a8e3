//! Seeded synthetic generators of the four public datasets Vitrine accepts (Rossmann, Bosch,
//! Santander, Instacart): same file names, headers and byte-level quirks as the published files,
//! sized by a scale factor (1.0 = the public size), with planted signal that tests and use-case
//! checks can recover. Each module's doc comment states its planted truth; accessors expose it.
//!
//! Every file is written independently from `(seed, scale)`: per-entity attributes (a store's
//! type, a part's route, a customer's segment, a user's favourite products) are derived from a
//! hash of (seed, entity id), so the files of one dataset agree without sharing state.

pub mod bosch;
pub mod instacart;
pub mod rossmann;
pub mod santander;
mod util;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

/// One of the four public datasets the generators imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dataset {
    /// Rossmann Store Sales: daily sales of 1,115 stores.
    Rossmann,
    /// Bosch Production Line Performance: 968 mostly empty measurements per part.
    Bosch,
    /// Santander Product Recommendation: 17 monthly snapshots of bank customers' products.
    Santander,
    /// Instacart Market Basket Analysis: grocery orders and their lines.
    Instacart,
}

impl Dataset {
    /// All datasets, in the order the use cases number them.
    pub const ALL: [Dataset; 4] = [
        Dataset::Rossmann,
        Dataset::Bosch,
        Dataset::Santander,
        Dataset::Instacart,
    ];

    /// The public file names this generator writes.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Dataset::Rossmann => &["train.csv", "store.csv", "test.csv"],
            Dataset::Bosch => &["train_numeric.csv", "train_date.csv"],
            Dataset::Santander => &["train_ver2.csv"],
            Dataset::Instacart => &[
                "orders.csv",
                "order_products__prior.csv",
                "order_products__train.csv",
                "products.csv",
                "aisles.csv",
                "departments.csv",
            ],
        }
    }

    /// The scale the page's "Try a sample" uses: a few MB that generate well under 2 s in wasm
    /// while leaving each use case enough rows (see the report in each module).
    pub fn default_page_scale(self) -> f64 {
        match self {
            Dataset::Rossmann => 0.1,
            Dataset::Bosch => 0.002,
            Dataset::Santander => 0.01,
            Dataset::Instacart => 0.005,
        }
    }

    /// The lower-case name used on the command line and in the page.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Rossmann => "rossmann",
            Dataset::Bosch => "bosch",
            Dataset::Santander => "santander",
            Dataset::Instacart => "instacart",
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given is not one of the four datasets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDataset(pub String);

impl fmt::Display for UnknownDataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown dataset \"{}\": expected rossmann, bosch, santander or instacart",
            self.0
        )
    }
}

impl std::error::Error for UnknownDataset {}

impl FromStr for Dataset {
    type Err = UnknownDataset;

    fn from_str(s: &str) -> Result<Dataset, UnknownDataset> {
        match s.to_ascii_lowercase().as_str() {
            "rossmann" => Ok(Dataset::Rossmann),
            "bosch" => Ok(Dataset::Bosch),
            "santander" => Ok(Dataset::Santander),
            "instacart" => Ok(Dataset::Instacart),
            _ => Err(UnknownDataset(s.to_string())),
        }
    }
}

/// One file of `dataset` at `scale` with `seed`, in memory ([`write_file`]): for tests and
/// small samples. Panics on an unknown file or a bad scale (a caller's mistake).
pub fn file_bytes(dataset: Dataset, file: &str, scale: f64, seed: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_file(dataset, file, scale, seed, &mut bytes)
        .unwrap_or_else(|e| panic!("{dataset} sample {file}: {e}"));
    bytes
}

/// Writes one file of `dataset` at `scale` (1.0 = the public file's size) with `seed`.
///
/// Streams in 64 KiB blocks: it never holds the file. An unknown file name or a scale that is not
/// a positive finite number is an `InvalidInput` error.
pub fn write_file(
    dataset: Dataset,
    file: &str,
    scale: f64,
    seed: u64,
    out: &mut dyn Write,
) -> io::Result<()> {
    if !(scale.is_finite() && scale > 0.0 && scale <= 10.0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("scale must be a number in (0, 10], found {scale}"),
        ));
    }
    let written = match dataset {
        Dataset::Rossmann => rossmann::write(file, scale, seed, out),
        Dataset::Bosch => bosch::write(file, scale, seed, out),
        Dataset::Santander => santander::write(file, scale, seed, out),
        Dataset::Instacart => instacart::write(file, scale, seed, out),
    };
    written.unwrap_or_else(|| {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{dataset} has no file \"{file}\": expected one of {}",
                dataset.files().join(", ")
            ),
        ))
    })
}
