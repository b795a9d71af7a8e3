//! Feature tables as CSV in the format of the peers' benchmark script (`peer_gbdt.py`): the
//! features, the target and a 0/1 `valid` column, with key columns to drop.

use std::io::{self, Write};

use super::table::FeatureTable;

/// Writes `keys` (named columns not to train on), the features, `target` and `valid` for
/// `rows`; missing values as empty cells.
pub fn write_feature_csv(
    out: &mut dyn Write,
    keys: &[(&str, &[u32])],
    table: &FeatureTable,
    target: (&str, &[f32]),
    valid: &[bool],
    rows: &[u32],
) -> io::Result<()> {
    let mut header: Vec<&str> = keys.iter().map(|k| k.0).collect();
    header.extend(table.columns.iter().map(|c| c.name.as_str()));
    header.push(target.0);
    header.push("valid");
    writeln!(out, "{}", header.join(","))?;
    let mut line = String::new();
    for &r in rows {
        use std::fmt::Write as _;
        let r = r as usize;
        line.clear();
        for (_, k) in keys {
            let _ = write!(line, "{},", k[r]);
        }
        for i in 0..table.columns.len() {
            let v = table.value(i, r);
            if !v.is_nan() {
                let _ = write!(line, "{v}");
            }
            line.push(',');
        }
        let _ = write!(line, "{},{}", target.1[r], u8::from(valid[r]));
        writeln!(out, "{line}")?;
    }
    Ok(())
}
