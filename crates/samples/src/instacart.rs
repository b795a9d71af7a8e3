//! Instacart Market Basket Analysis: `orders.csv`, `order_products__prior.csv`,
//! `order_products__train.csv`, `products.csv`, `aisles.csv`, `departments.csv`.
//!
//! Shape at scale 1.0: 206,209 users (131,209 with a `train` last order, the rest `test`), each
//! with 3 to 99 `prior` orders (about 3.4 M orders, 32 M prior lines, 1.3 M train lines), and
//! 49,688 products. The scale sets the number of users; products scale too but never below
//! 2,000. `aisles.csv` and `departments.csv` are the public files, verbatim.
//!
//! Byte quirks reproduced: `order_hour_of_day` zero-padded (`08`); `days_since_prior_order`
//! printed as a float (`8.0`, capped at `30.0`) and empty on each user's first order; `eval_set`
//! `prior`/`train`/`test`; order ids are a permutation of 1..N unrelated to users (the line files
//! are written user by user, so their order ids are not sorted, unlike the public ones);
//! product names with commas, doubled quotes, a backslash before a doubled quote
//! (`"Easy Grab 9\""x13\"" …"`) and non-ASCII UTF-8 (`Rosé`), quoted per RFC 4180.
//!
//! Planted signal (exposed by `user_truth`): each user has a personal order interval (days since
//! prior order = the user's mean x log-normal noise with sd 0.35, rounded, capped at 30) and a
//! preferred weekday and hour; 3-20 favourite products, each bought in an order with its own
//! reorder probability; every order adds a few products drawn by catalogue popularity (Zipf).
//! `reordered` is 1 when the user bought the product in an earlier order, as in the public data.

use crate::util::{scaled, EntityRng, Sink};
use std::io::{self, Write};

const AISLES: &str = include_str!("../data/instacart_aisles.csv");
const DEPARTMENTS: &str = include_str!("../data/instacart_departments.csv");
const STREAM_USER: u64 = 0x1C01;
const STREAM_ORDERS: u64 = 0x1C02;
const STREAM_BASKETS: u64 = 0x1C03;
const STREAM_CATALOG: u64 = 0x1C04;
const STREAM_PRODUCT: u64 = 0x1C05;
const STREAM_ORDER_IDS: u64 = 0x1C06;

/// Users at scale 1.0.
pub const FULL_USERS: u64 = 206_209;
/// Products at scale 1.0.
pub const FULL_PRODUCTS: u64 = 49_688;
/// Share of users whose last order is in `train` (the rest are `test`).
pub const TRAIN_SHARE: f64 = 131_209.0 / 206_209.0;

/// Department of each aisle (index = aisle_id - 1), as in the public `products.csv`.
const AISLE_DEPARTMENT: [u8; 134] = [
    20, 16, 19, 9, 13, 2, 12, 3, 9, 17, 11, 9, 20, 20, 12, 4, 13, 10, 13, 11, 16, 11, 19, 4, 11, 7,
    5, 5, 13, 6, 7, 4, 6, 1, 12, 16, 1, 1, 12, 8, 8, 1, 3, 11, 19, 19, 11, 14, 12, 19, 13, 1, 16,
    17, 11, 18, 14, 1, 15, 17, 19, 5, 9, 7, 11, 6, 20, 10, 15, 11, 16, 13, 11, 17, 17, 6, 7, 19, 1,
    11, 15, 18, 4, 16, 17, 16, 17, 13, 13, 7, 16, 18, 3, 7, 15, 20, 13, 7, 15, 21, 17, 18, 13, 13,
    13, 12, 19, 16, 11, 13, 17, 3, 1, 17, 7, 1, 19, 11, 1, 16, 14, 12, 4, 5, 19, 11, 11, 3, 1, 14,
    9, 11, 11, 5,
];

/// Users at `scale` (at least 20).
pub fn user_count(scale: f64) -> u32 {
    scaled(FULL_USERS, scale, 20) as u32
}

/// Products at `scale` (between 2,000 and 49,688).
pub fn product_count(scale: f64) -> u32 {
    ((FULL_PRODUCTS as f64 * scale).round() as u32).clamp(2_000, FULL_PRODUCTS as u32)
}

/// Where a user's last order goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalSet {
    /// The last order and its products are in `order_products__train.csv`.
    Train,
    /// The last order is listed in `orders.csv` only.
    Test,
}

/// A user's planted habits.
#[derive(Debug, Clone, PartialEq)]
pub struct UserTruth {
    /// Prior orders (the user has one more order, in `train` or `test`).
    pub prior_orders: u32,
    /// Set of the last order.
    pub eval_set: EvalSet,
    /// Mean days between orders (before noise, rounding and the cap at 30).
    pub mean_interval: f64,
    /// Preferred weekday (0-6, as `order_dow`).
    pub dow: u32,
    /// Preferred hour of day.
    pub hour: f64,
    /// Favourite products and the probability that each is in any given order.
    pub favourites: Vec<(u32, f64)>,
    /// Mean number of other products per order, drawn by popularity.
    pub explore: f64,
}

/// Popularity ranks and product ids (shared by every file).
struct Catalog {
    /// Cumulative Zipf weights by popularity rank.
    cumulative: Vec<f64>,
    /// Product id (1-based) at each popularity rank.
    by_rank: Vec<u32>,
}

impl Catalog {
    fn new(scale: f64, seed: u64) -> Catalog {
        let n = product_count(scale) as usize;
        let mut acc = 0.0;
        let cumulative = (0..n)
            .map(|i| {
                acc += 1.0 / (i as f64 + 5.0).powf(0.95);
                acc
            })
            .collect();
        let mut by_rank: Vec<u32> = (1..=n as u32).collect();
        let mut r = EntityRng::new(seed, STREAM_CATALOG, 0);
        for i in (1..n).rev() {
            by_rank.swap(i, r.range(0, i as i64) as usize);
        }
        Catalog {
            cumulative,
            by_rank,
        }
    }

    fn draw(&self, r: &mut EntityRng) -> u32 {
        let x = r.unit() * self.cumulative[self.cumulative.len() - 1];
        let rank = self.cumulative.partition_point(|&c| c <= x);
        self.by_rank[rank.min(self.by_rank.len() - 1)]
    }
}

fn user_truth_in(user: u32, seed: u64, catalog: &Catalog) -> UserTruth {
    let mut r = EntityRng::new(seed, STREAM_USER, user as u64);
    let prior_orders = (3.0 - 13.1 * (1.0 - r.unit()).ln()).min(99.0) as u32;
    let eval_set = if r.chance(TRAIN_SHARE) {
        EvalSet::Train
    } else {
        EvalSet::Test
    };
    let mean_interval = (10.0 * (0.5 * r.normal()).exp()).clamp(1.5, 30.0);
    let dow = r.range(0, 6) as u32;
    let hour = (13.0 + 2.5 * r.normal()).clamp(6.0, 22.0);
    let k = r.range(3, 20) as usize;
    let mut favourites: Vec<(u32, f64)> = Vec::with_capacity(k);
    while favourites.len() < k {
        let p = catalog.draw(&mut r);
        let q = 0.05 + 0.85 * r.unit().powf(0.8);
        if !favourites.iter().any(|f| f.0 == p) {
            favourites.push((p, q));
        }
    }
    let explore = 3.5 * (0.5 * r.normal()).exp();
    UserTruth {
        prior_orders,
        eval_set,
        mean_interval,
        dow,
        hour,
        favourites,
        explore,
    }
}

/// The planted habits of `user` (1-based) at `scale` under `seed`.
pub fn user_truth(user: u32, scale: f64, seed: u64) -> UserTruth {
    user_truth_in(user, seed, &Catalog::new(scale, seed))
}

/// One order's metadata.
struct OrderMeta {
    dow: u32,
    hour: u32,
    days: Option<u32>,
}

/// The user's orders (prior ones, then the last) without their products.
fn order_metas(user: u32, truth: &UserTruth, seed: u64) -> Vec<OrderMeta> {
    let mut r = EntityRng::new(seed, STREAM_ORDERS, user as u64);
    let mut metas: Vec<OrderMeta> = Vec::with_capacity(truth.prior_orders as usize + 1);
    let mut dow = if r.chance(0.4) {
        truth.dow
    } else {
        r.range(0, 6) as u32
    };
    for k in 0..=truth.prior_orders {
        let days = (k > 0).then(|| {
            (truth.mean_interval * (0.35 * r.normal()).exp())
                .round()
                .clamp(0.0, 30.0) as u32
        });
        if let Some(d) = days {
            dow = (dow + d) % 7;
        }
        let hour = (truth.hour + 2.5 * r.normal()).round().clamp(0.0, 23.0) as u32;
        metas.push(OrderMeta { dow, hour, days });
    }
    metas
}

/// Order ids: a keyed Feistel permutation of the global order index over 0..total.
struct OrderIds {
    total: u64,
    bits: u32,
    keys: [u64; 4],
}

impl OrderIds {
    fn new(total: u64, seed: u64) -> OrderIds {
        let mut bits = 2;
        while (1u64 << bits) < total {
            bits += 2;
        }
        let mut r = EntityRng::new(seed, STREAM_ORDER_IDS, 0);
        OrderIds {
            total,
            bits,
            keys: [0; 4].map(|_| rand::RngCore::next_u64(&mut r)),
        }
    }

    fn id(&self, index: u64) -> u64 {
        let half = self.bits / 2;
        let mask = (1u64 << half) - 1;
        let mut x = index;
        loop {
            let (mut l, mut r) = (x >> half, x & mask);
            for k in self.keys {
                let f = crate::util::mix(r ^ k) & mask;
                (l, r) = (r, l ^ f);
            }
            x = (l << half) | r;
            if x < self.total {
                return x + 1;
            }
        }
    }
}

/// Users' truths and the index of each user's first order (shared by the order files).
struct Users {
    catalog: Catalog,
    truths: Vec<UserTruth>,
    first_order: Vec<u64>,
    ids: OrderIds,
}

impl Users {
    fn new(scale: f64, seed: u64) -> Users {
        let catalog = Catalog::new(scale, seed);
        let truths: Vec<UserTruth> = (1..=user_count(scale))
            .map(|u| user_truth_in(u, seed, &catalog))
            .collect();
        let mut first_order = Vec::with_capacity(truths.len());
        let mut total = 0;
        for t in &truths {
            first_order.push(total);
            total += t.prior_orders as u64 + 1;
        }
        Users {
            catalog,
            truths,
            first_order,
            ids: OrderIds::new(total, seed),
        }
    }
}

pub(crate) fn write(
    file: &str,
    scale: f64,
    seed: u64,
    out: &mut dyn Write,
) -> Option<io::Result<()>> {
    Some(match file {
        "orders.csv" => write_orders(scale, seed, out),
        "order_products__prior.csv" => write_lines(scale, seed, false, out),
        "order_products__train.csv" => write_lines(scale, seed, true, out),
        "products.csv" => write_products(scale, seed, out),
        "aisles.csv" => out.write_all(AISLES.as_bytes()).and_then(|_| out.flush()),
        "departments.csv" => out
            .write_all(DEPARTMENTS.as_bytes())
            .and_then(|_| out.flush()),
        _ => return None,
    })
}

fn write_orders(scale: f64, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let users = Users::new(scale, seed);
    let mut sink = Sink::new(out);
    sink.str(
        "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order",
    );
    sink.end_line()?;
    for (u, truth) in users.truths.iter().enumerate() {
        let user = u as u32 + 1;
        for (k, meta) in order_metas(user, truth, seed).iter().enumerate() {
            sink.uint(users.ids.id(users.first_order[u] + k as u64));
            sink.comma();
            sink.uint(user as u64);
            sink.comma();
            sink.str(if k < truth.prior_orders as usize {
                "prior"
            } else if truth.eval_set == EvalSet::Train {
                "train"
            } else {
                "test"
            });
            sink.comma();
            sink.uint(k as u64 + 1);
            sink.comma();
            sink.uint(meta.dow as u64);
            sink.comma();
            sink.two(meta.hour);
            sink.comma();
            if let Some(d) = meta.days {
                sink.fixed(d as i64 * 10, 1);
            }
            sink.end_line()?;
        }
    }
    sink.finish()
}

/// Writes the lines of prior orders, or of train orders, simulating every user's full history so
/// that `reordered` is right in both files.
fn write_lines(scale: f64, seed: u64, train: bool, out: &mut dyn Write) -> io::Result<()> {
    let users = Users::new(scale, seed);
    let mut sink = Sink::new(out);
    sink.str("order_id,product_id,add_to_cart_order,reordered");
    sink.end_line()?;
    let mut seen: Vec<u32> = Vec::new();
    let mut basket: Vec<u32> = Vec::new();
    for (u, truth) in users.truths.iter().enumerate() {
        let mut r = EntityRng::new(seed, STREAM_BASKETS, u as u64 + 1);
        seen.clear();
        let orders = truth.prior_orders + u32::from(truth.eval_set == EvalSet::Train);
        for k in 0..orders {
            basket.clear();
            for &(p, q) in &truth.favourites {
                if r.chance(q) {
                    basket.push(p);
                }
            }
            let extra = (truth.explore * (0.4 * r.normal()).exp()).round() as usize;
            for _ in 0..extra.max(usize::from(basket.is_empty())) {
                let p = users.catalog.draw(&mut r);
                if !basket.contains(&p) {
                    basket.push(p);
                }
            }
            for i in (1..basket.len()).rev() {
                basket.swap(i, r.range(0, i as i64) as usize);
            }
            let write_it = (k < truth.prior_orders) != train;
            let order_id = users.ids.id(users.first_order[u] + k as u64);
            for (pos, &p) in basket.iter().enumerate() {
                let before = seen.binary_search(&p);
                if write_it {
                    sink.uint(order_id);
                    sink.comma();
                    sink.uint(p as u64);
                    sink.comma();
                    sink.uint(pos as u64 + 1);
                    sink.str(if before.is_ok() { ",1" } else { ",0" });
                    sink.end_line()?;
                }
                if let Err(at) = before {
                    seen.insert(at, p);
                }
            }
        }
    }
    sink.finish()
}

const QUALIFIERS: [&str; 16] = [
    "Organic",
    "Natural",
    "Whole",
    "Low Fat",
    "Gluten Free",
    "Unsweetened",
    "Original",
    "Classic",
    "Fresh",
    "Greek",
    "Reduced Sodium",
    "Extra Virgin",
    "Sparkling",
    "Mini",
    "Family Size",
    "Lite",
];
const FLAVOURS: [&str; 16] = [
    "Vanilla",
    "Strawberry",
    "Chocolate",
    "Honey",
    "Garlic",
    "Lemon",
    "Blueberry",
    "Peanut Butter",
    "Sea Salt",
    "Cinnamon",
    "Mango",
    "Coconut",
    "Almond",
    "Spinach",
    "Tomato Basil",
    "Plain",
];
const ACCENTED: [&str; 8] = [
    "Brut Rosé",
    "Crème Fraîche",
    "Jalapeño",
    "Café au Lait",
    "Piña Colada",
    "Crêpes",
    "Açaí",
    "Smörgås",
];

fn title(words: &str) -> String {
    words
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The name, aisle and department of product `id`.
fn product(id: u32, seed: u64, aisles: &[&str]) -> (String, usize) {
    let mut r = EntityRng::new(seed, STREAM_PRODUCT, id as u64);
    let aisle = loop {
        let a = r.range(0, 133) as usize;
        // "missing" and "other" hold few products in the public file.
        if !matches!(a, 5 | 99) || r.chance(0.1) {
            break a;
        }
    };
    let noun = title(aisles[aisle]);
    let q = QUALIFIERS[r.range(0, 15) as usize];
    let f = FLAVOURS[r.range(0, 15) as usize];
    let x = r.unit();
    let name = if x < 0.012 {
        format!("{q} {f} {noun}, {} oz", r.range(4, 64))
    } else if x < 0.016 {
        format!(
            "Easy Grab {}\\\"x{}\\\" {noun}",
            r.range(6, 9),
            r.range(8, 13)
        )
    } else if x < 0.022 {
        format!("\"{q}\" {f} {noun}")
    } else if x < 0.03 {
        format!("{} {noun}", ACCENTED[r.range(0, 7) as usize])
    } else if x < 0.5 {
        format!("{q} {f} {noun}")
    } else {
        format!("{f} {noun}")
    };
    (name, aisle)
}

fn write_products(scale: f64, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let aisles: Vec<&str> = AISLES
        .lines()
        .skip(1)
        .map(|l| l.split_once(',').map_or("", |(_, name)| name))
        .collect();
    let mut sink = Sink::new(out);
    sink.str("product_id,product_name,aisle_id,department_id");
    sink.end_line()?;
    for id in 1..=product_count(scale) {
        let (name, aisle) = product(id, seed, &aisles);
        sink.uint(id as u64);
        sink.comma();
        if name.contains([',', '"']) {
            sink.byte(b'"');
            sink.str(&name.replace('"', "\"\""));
            sink.byte(b'"');
        } else {
            sink.str(&name);
        }
        sink.comma();
        sink.uint(aisle as u64 + 1);
        sink.comma();
        sink.uint(AISLE_DEPARTMENT[aisle] as u64);
        sink.end_line()?;
    }
    sink.finish()
}
