//! The M completed datasets as CSV: one file each (`Id` + the imputed columns), or one long file
//! with an `.imp` column (1..M). Only the rows used are written; a left-out row has nothing
//! imputed. Every cell goes through `tabular::write::escape_cell`, with formula neutralising on,
//! so that an id such as `=cmd` cannot run in a spreadsheet.

use super::Imputed;
use std::io::{self, Write};
use tabular::write::escape_cell;

impl Imputed {
    /// Writes completed dataset `k` (0-based) as CSV.
    pub fn write_dataset(&self, k: usize, out: &mut dyn Write) -> io::Result<()> {
        self.check(k)?;
        self.write_header(out, false)?;
        self.write_rows(k, None, out)
    }

    /// Writes the M completed datasets as one long CSV whose first column `.imp` says which
    /// dataset (1..M) a row belongs to.
    pub fn write_long(&self, out: &mut dyn Write) -> io::Result<()> {
        self.write_header(out, true)?;
        for k in 0..self.imputations.len() {
            self.write_rows(k, Some(k + 1), out)?;
        }
        Ok(())
    }

    fn check(&self, k: usize) -> io::Result<()> {
        if k >= self.imputations.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("dataset {} of {}", k + 1, self.imputations.len()),
            ));
        }
        Ok(())
    }

    fn write_header(&self, out: &mut dyn Write, long: bool) -> io::Result<()> {
        let mut line = String::new();
        if long {
            line.push_str(".imp,");
        }
        line.push_str(&escape_cell(&self.id_name, true));
        for name in &self.report.plan.columns {
            line.push(',');
            line.push_str(&escape_cell(name, true));
        }
        line.push('\n');
        out.write_all(line.as_bytes())
    }

    fn write_rows(&self, k: usize, imp: Option<usize>, out: &mut dyn Write) -> io::Result<()> {
        use std::fmt::Write as _;
        let mut values = self.imputations[k].values.iter();
        let mut line = String::with_capacity(1 << 16);
        let mut cell = String::new();
        for (i, row) in self.data.outer_iter().enumerate() {
            if let Some(imp) = imp {
                let _ = write!(line, "{imp},");
            }
            line.push_str(&escape_cell(&self.ids[i], true));
            for (j, &v) in row.iter().enumerate() {
                line.push(',');
                cell.clear();
                if v.is_nan() {
                    // f32 precision, as the file was read: more digits would be noise.
                    let x = values.next().copied().unwrap_or(f64::NAN);
                    if self.integer[j] || x.abs() >= 1e7 {
                        let _ = write!(cell, "{x}");
                    } else {
                        let _ = write!(cell, "{}", x as f32);
                    }
                } else if self.integer[j] {
                    let _ = write!(cell, "{}", v as i64);
                } else {
                    // Observed floats came from f32: their shortest f32 form is what the file said.
                    let _ = write!(cell, "{}", v as f32);
                }
                line.push_str(&escape_cell(&cell, true));
            }
            line.push('\n');
            if line.len() > 1 << 15 {
                out.write_all(line.as_bytes())?;
                line.clear();
            }
        }
        out.write_all(line.as_bytes())
    }
}
