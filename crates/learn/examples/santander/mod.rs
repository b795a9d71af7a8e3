//! Santander `train_ver2.csv` for the forest and k-NN benchmarks: the monthly snapshots, read
//! from a file or generated in memory by the `samples` crate (no 2 GB file on disk at scale 1),
//! parsed line by line into the few fields the benchmarks use. Benchmark plumbing only: the use
//! case reads the file with `tabular`.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Write};

/// The 24 product columns, in file order.
pub const PRODUCTS: [&str; 24] = samples::santander::PRODUCTS;

/// One customer in one monthly snapshot: numeric features (NaN when empty or `NA`) and the
/// products held as bits (bit `p` = `PRODUCTS[p]`).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub ncodpers: u64,
    pub features: Vec<f32>,
    pub products: u32,
}

/// Names of `Snapshot::features`, in order.
pub const FEATURES: [&str; 12] = [
    "age",
    "antiguedad",
    "renta",
    "segmento",
    "sexo",
    "ind_actividad_cliente",
    "ind_nuevo",
    "indrel",
    "tiprel_1mes",
    "canal_entrada",
    "cod_prov",
    "ind_empleado",
];

/// Splits one CSV line into fields (quoted fields may hold commas; no quote is escaped in this
/// file).
fn fields(line: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(48);
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut quoted = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                out.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&line[start..]);
    out
}

fn number(cell: &str) -> f32 {
    cell.trim().trim_matches('"').parse().unwrap_or(f32::NAN)
}

/// Codes of text values, in order of first appearance (stable for a given file).
#[derive(Default)]
struct Codes(HashMap<String, f32>);

impl Codes {
    fn code(&mut self, cell: &str) -> f32 {
        let cell = cell.trim().trim_matches('"');
        if cell.is_empty() || cell == "NA" {
            return f32::NAN;
        }
        let next = self.0.len() as f32;
        *self.0.entry(cell.to_string()).or_insert(next)
    }
}

/// Parses data lines into snapshots, month by month.
pub struct Parser {
    dates: Codes,
    canal: Codes,
    empleado: Codes,
}

impl Parser {
    pub fn new() -> Parser {
        Parser {
            dates: Codes::default(),
            canal: Codes::default(),
            empleado: Codes::default(),
        }
    }

    /// The month index (0 = first date seen) and snapshot of one data line.
    pub fn parse(&mut self, line: &str) -> (usize, Snapshot) {
        let f = fields(line);
        assert_eq!(f.len(), 48, "expected 48 fields: {line}");
        let month = self.dates.code(f[0]) as usize;
        let flag = |cell: &str, yes: &str, no: &str| match cell.trim().trim_matches('"') {
            c if c == yes => 1.0,
            c if c == no => 0.0,
            _ => f32::NAN,
        };
        let segmento = match f[23].trim().trim_matches('"').get(..2) {
            Some(code) => code.parse().unwrap_or(f32::NAN),
            None => f32::NAN,
        };
        let features = vec![
            number(f[5]),
            {
                let v = number(f[8]);
                if v < 0.0 {
                    f32::NAN
                } else {
                    v
                }
            },
            number(f[22]),
            segmento,
            flag(f[4], "V", "H"),
            number(f[21]),
            number(f[7]),
            number(f[9]),
            flag(f[12], "A", "I"),
            self.canal.code(f[16]),
            number(f[19]),
            self.empleado.code(f[2]),
        ];
        let mut products = 0u32;
        for (p, cell) in f[24..].iter().enumerate() {
            if number(cell) == 1.0 {
                products |= 1 << p;
            }
        }
        let snapshot = Snapshot {
            ncodpers: number(f[1]) as u64,
            features,
            products,
        };
        (month, snapshot)
    }
}

/// Calls `month_done(m, snapshots)` with every monthly snapshot in order, from `file` or, when
/// `file` is `None`, from the `samples` generator at `scale` (streamed: one month is held).
pub fn months(
    file: Option<&str>,
    scale: f64,
    seed: u64,
    mut month_done: impl FnMut(usize, Vec<Snapshot>),
) -> io::Result<()> {
    let mut parser = Parser::new();
    let mut current: Option<usize> = None;
    let mut rows: Vec<Snapshot> = Vec::new();
    let mut on_line = |line: &str| {
        if line.starts_with("\"fecha_dato\"") || line.starts_with("fecha_dato") || line.is_empty() {
            return;
        }
        let (m, s) = parser.parse(line);
        if current.is_some_and(|c| c != m) {
            month_done(current.unwrap(), std::mem::take(&mut rows));
        }
        current = Some(m);
        rows.push(s);
    };
    match file {
        Some(path) => {
            let reader = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
            for line in reader.lines() {
                on_line(&line?);
            }
        }
        None => {
            let mut sink = LineSink {
                pending: Vec::new(),
                on_line: &mut on_line,
            };
            samples::write_file(
                samples::Dataset::Santander,
                "train_ver2.csv",
                scale,
                seed,
                &mut sink,
            )?;
            sink.flush()?;
        }
    }
    if let Some(m) = current {
        month_done(m, rows);
    }
    Ok(())
}

/// A writer that hands each complete line to a callback.
struct LineSink<'a> {
    pending: Vec<u8>,
    on_line: &'a mut dyn FnMut(&str),
}

impl Write for LineSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            if b == b'\n' {
                self.pending.extend_from_slice(&buf[start..i]);
                let line = std::str::from_utf8(&self.pending)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                (self.on_line)(line.trim_end_matches('\r'));
                self.pending.clear();
                start = i + 1;
            }
        }
        self.pending.extend_from_slice(&buf[start..]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let line = String::from_utf8_lossy(&self.pending).into_owned();
            (self.on_line)(&line);
            self.pending.clear();
        }
        Ok(())
    }
}
