//! Instacart's files as compact typed columns, checked once: `orders.csv` (one row per order),
//! the line files `order_products__prior.csv` / `order_products__train.csv` (one row per product
//! of an order, joined to their order) and `products.csv` (aisle and department by product id).
//! Every problem is a typed error naming the file, line and column.

use tabular::relational::{
    category_column, cell_error, f32_column, join_parent, u32_column, u8_column, KeyIndex, Overflow,
};
use tabular::{CsvError, KnownFile, Table};

use super::history::History;
use super::training::Span;
use crate::progress::{Clock, OnProgress};
use crate::{Tables, UseCaseError};

/// The values of `eval_set`, in code order.
pub const EVAL_SETS: [&str; 3] = ["prior", "train", "test"];
/// `eval_set` code of an order whose products are history.
pub const PRIOR: u8 = 0;
/// `eval_set` code of a user's last order, with its products in `order_products__train.csv`.
pub const TRAIN: u8 = 1;
/// `eval_set` code of a user's last order whose products are unknown (the one to predict).
pub const TEST: u8 = 2;

/// The loaded tables of a run.
#[derive(Debug, Clone, Copy)]
pub struct InstacartTables<'a> {
    /// `orders.csv`: required.
    pub orders: &'a Table,
    /// `order_products__prior.csv`: required.
    pub prior: &'a Table,
    /// `order_products__train.csv`: the labels of 4.2; optional for 4.1.
    pub train: Option<&'a Table>,
    /// `products.csv`: aisle and department features, product names.
    pub products: Option<&'a Table>,
}

impl<'a> InstacartTables<'a> {
    /// The files of `use_case` among the loaded tables: `orders.csv` and
    /// `order_products__prior.csv` always, `order_products__train.csv` when `train_required`
    /// (else when loaded), `products.csv` when loaded.
    pub fn from_tables(
        tables: &'a dyn Tables,
        use_case: &'static str,
        train_required: bool,
    ) -> Result<InstacartTables<'a>, UseCaseError> {
        let train = if train_required {
            Some(tables.require(use_case, KnownFile::InstacartOrderProductsTrain)?)
        } else {
            tables.find(KnownFile::InstacartOrderProductsTrain)
        };
        Ok(InstacartTables {
            orders: tables.require(use_case, KnownFile::InstacartOrders)?,
            prior: tables.require(use_case, KnownFile::InstacartOrderProductsPrior)?,
            train,
            products: tables.find(KnownFile::InstacartProducts),
        })
    }
}

/// Checks that a run's `need` fits (in the page), then reads and checks the tables, reporting
/// the stage `read` as the first `share` of the run. Returns the data and the seconds it took.
pub fn read_reporting(
    tables: InstacartTables<'_>,
    need: &super::memory::Need,
    share: f64,
    on_progress: OnProgress<'_>,
) -> Result<(Instacart, f64), UseCaseError> {
    super::memory::check(need)?;
    let clock = Clock::start();
    let read = Span {
        stage: "read",
        from: 0.0,
        share,
    };
    read.report(on_progress, 0, 1, None)?;
    let data = Instacart::read(tables)?;
    read.report(on_progress, 1, 1, None)?;
    Ok((data, clock.total()))
}

/// `orders.csv`, one entry per row.
#[derive(Debug, Clone)]
pub struct Orders {
    /// File name, for messages.
    pub file: String,
    /// `order_id`.
    pub order_id: Vec<u32>,
    /// `user_id`.
    pub user_id: Vec<u32>,
    /// `eval_set` as [`PRIOR`], [`TRAIN`] or [`TEST`].
    pub eval_set: Vec<u8>,
    /// `order_number`: 1 for the user's first order.
    pub order_number: Vec<u32>,
    /// `order_dow`: 0-6.
    pub dow: Vec<u8>,
    /// `order_hour_of_day`: 0-23.
    pub hour: Vec<u8>,
    /// `days_since_prior_order`: NaN on a first order; 30 means "30 or more".
    pub days_since_prior: Vec<f32>,
    /// `order_id` -> row.
    pub index: KeyIndex,
}

/// A line file, each line joined to its order.
#[derive(Debug, Clone, Default)]
pub struct OrderLines {
    /// Row in `orders.csv` of the line's order.
    pub order_row: Vec<u32>,
    /// `product_id`.
    pub product: Vec<u32>,
    /// `add_to_cart_order` (1 = first in the cart), 255 for 255 or later.
    pub cart_position: Vec<u8>,
    /// `reordered`: 1 when the user had bought the product before.
    pub reordered: Vec<u8>,
}

impl OrderLines {
    /// Number of lines.
    pub fn len(&self) -> usize {
        self.product.len()
    }

    /// True when there is no line.
    pub fn is_empty(&self) -> bool {
        self.product.is_empty()
    }
}

/// `products.csv` by product id.
#[derive(Debug, Clone, Default)]
pub struct Products {
    /// File name, for messages.
    pub file: String,
    /// `aisle_id` by product id, 0 when the product is not listed.
    pub aisle: Vec<u16>,
    /// `department_id` by product id, 0 when the product is not listed.
    pub department: Vec<u8>,
    /// `product_name` by product id, empty when not listed.
    pub name: Vec<String>,
    /// Whether the product id is listed.
    pub listed: Vec<bool>,
}

impl Products {
    /// The product's name, if `products.csv` lists it.
    pub fn name_of(&self, product: u32) -> Option<&str> {
        let i = product as usize;
        (self.listed.get(i) == Some(&true)).then(|| self.name[i].as_str())
    }
}

/// Everything a run needs, checked.
#[derive(Debug, Clone)]
pub struct Instacart {
    /// `orders.csv`.
    pub orders: Orders,
    /// Lines of prior orders.
    pub prior: OrderLines,
    /// Lines of train orders, when `order_products__train.csv` was given.
    pub train: Option<OrderLines>,
    /// `products.csv`, when given.
    pub products: Option<Products>,
    /// Each user's orders in order.
    pub history: History,
}

impl Instacart {
    /// Reads and checks the tables: order ids unique; `eval_set` present with only `prior`,
    /// `train`, `test`; each line's order in `orders.csv` and of the right set; each product a
    /// line names listed in `products.csv` (when given). Users are checked by
    /// [`History`](super::history::History).
    pub fn read(tables: InstacartTables<'_>) -> Result<Instacart, UseCaseError> {
        let orders = Orders::read(tables.orders)?;
        let prior = OrderLines::read(tables.prior, &orders, PRIOR)?;
        let train = tables
            .train
            .map(|t| OrderLines::read(t, &orders, TRAIN))
            .transpose()?;
        let products = tables.products.map(Products::read).transpose()?;
        if let Some(p) = &products {
            check_listed(tables.prior, &prior, p)?;
            if let (Some(table), Some(lines)) = (tables.train, &train) {
                check_listed(table, lines, p)?;
            }
        }
        let history = History::build(&orders, tables.orders)?;
        Ok(Instacart {
            orders,
            prior,
            train,
            products,
            history,
        })
    }

    /// One more than the largest product id named anywhere: the size of per-product arrays.
    pub fn product_slots(&self) -> usize {
        let lines = self
            .prior
            .product
            .iter()
            .chain(self.train.iter().flat_map(|t| t.product.iter()));
        let max_line = lines.copied().max().unwrap_or(0) as usize;
        let max_listed = self.products.as_ref().map_or(0, |p| p.listed.len());
        (max_line + 1).max(max_listed)
    }
}

impl Orders {
    /// Reads `orders.csv`.
    pub fn read(table: &Table) -> Result<Orders, CsvError> {
        let order_id = u32_column(table, "order_id")?;
        let index = KeyIndex::unique(&order_id).map_err(|d| {
            cell_error(
                table,
                "order_id",
                d.row,
                format!(
                    "order {} is already on line {}: each order is listed once",
                    d.key,
                    d.first_row + 2
                ),
            )
        })?;
        Ok(Orders {
            file: table.name.clone(),
            user_id: u32_column(table, "user_id")?,
            eval_set: category_column(table, "eval_set", &EVAL_SETS)?,
            order_number: u32_column(table, "order_number")?,
            dow: u8_column(table, "order_dow", Overflow::Error)?,
            hour: u8_column(table, "order_hour_of_day", Overflow::Error)?,
            days_since_prior: f32_column(table, "days_since_prior_order")?,
            order_id,
            index,
        })
    }

    /// Number of orders.
    pub fn len(&self) -> usize {
        self.order_id.len()
    }

    /// True when there is no order.
    pub fn is_empty(&self) -> bool {
        self.order_id.is_empty()
    }
}

impl OrderLines {
    /// Reads a line file and joins it to `orders`; every line's order must be in `orders.csv`
    /// with `eval_set` equal to `set`.
    pub fn read(table: &Table, orders: &Orders, set: u8) -> Result<OrderLines, CsvError> {
        let order_ids = u32_column(table, "order_id")?;
        let order_row = join_parent(&order_ids, &orders.index).map_err(|u| {
            cell_error(
                table,
                "order_id",
                u.row,
                format!("order {} is not in {}", u.key, orders.file),
            )
        })?;
        drop(order_ids);
        if let Some(row) = order_row
            .iter()
            .position(|&o| orders.eval_set[o as usize] != set)
        {
            let o = order_row[row] as usize;
            return Err(cell_error(
                table,
                "order_id",
                row,
                format!(
                    "order {} is a {} order in {}, and this file lists the products of {} orders",
                    orders.order_id[o],
                    EVAL_SETS[orders.eval_set[o] as usize],
                    orders.file,
                    EVAL_SETS[set as usize]
                ),
            ));
        }
        Ok(OrderLines {
            order_row,
            product: u32_column(table, "product_id")?,
            cart_position: u8_column(table, "add_to_cart_order", Overflow::Saturate)?,
            reordered: u8_column(table, "reordered", Overflow::Error)?,
        })
    }
}

impl Products {
    /// Reads `products.csv`.
    pub fn read(table: &Table) -> Result<Products, CsvError> {
        let ids = u32_column(table, "product_id")?;
        let aisles = u32_column(table, "aisle_id")?;
        let departments = u8_column(table, "department_id", Overflow::Error)?;
        let names = table.require("product_name")?;
        KeyIndex::unique(&ids).map_err(|d| {
            cell_error(
                table,
                "product_id",
                d.row,
                format!("product {} is already on line {}", d.key, d.first_row + 2),
            )
        })?;
        let slots = ids.iter().copied().max().map_or(0, |m| m as usize + 1);
        let mut products = Products {
            file: table.name.clone(),
            aisle: vec![0; slots],
            department: vec![0; slots],
            name: vec![String::new(); slots],
            listed: vec![false; slots],
        };
        for (row, &id) in ids.iter().enumerate() {
            let i = id as usize;
            products.aisle[i] = aisles[row].min(u32::from(u16::MAX)) as u16;
            products.department[i] = departments[row];
            products.name[i] = names
                .text_at(row)
                .map(|t| t.into_owned())
                .unwrap_or_default();
            products.listed[i] = true;
        }
        Ok(products)
    }
}

/// Each product a line names must be in `products.csv`.
fn check_listed(table: &Table, lines: &OrderLines, products: &Products) -> Result<(), CsvError> {
    match lines
        .product
        .iter()
        .position(|&p| products.listed.get(p as usize) != Some(&true))
    {
        None => Ok(()),
        Some(row) => Err(cell_error(
            table,
            "product_id",
            row,
            format!("product {} is not in {}", lines.product[row], products.file),
        )),
    }
}
