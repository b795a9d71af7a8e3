//! Compact relational primitives for the pipelines that join and aggregate line tables keyed by
//! integer ids (Instacart's 32 M order lines, Santander's monthly snapshots): typed columns
//! pulled out of a [`Table`](crate::Table) with errors that name the file, line and column
//! ([`extract`]), a key index and a join of a line table to its parent ([`index`]), and group-bys
//! over `u32` keys sorted by radix passes ([`group`]). Everything works on contiguous `u32` / `u8`
//! / `f32` arrays: no string and no hash map on a per-row path, no allocation per row.
//!
//! Row `r` of a table is reported as line `r + 2` (the header is line 1), which is exact for
//! files whose quoted cells span no line break (all of the public datasets Vitrine accepts), and
//! column positions are the column's place in the table (its place in the file when the file was
//! read whole, as the page and the command line read it).

pub mod extract;
pub mod group;
pub mod index;

pub use extract::{
    category_column, cell_error, f32_column, u32_column, u8_column, ColumnPlace, Overflow,
};
pub use group::{count_by_dense_key, sum_by_dense_key, Groups};
pub use index::{join_parent, DuplicateKey, KeyIndex, UnmatchedKey};
