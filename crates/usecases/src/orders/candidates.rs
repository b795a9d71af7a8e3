//! Use case 4.2's candidates: every (user, product) the user bought in a prior order, for users
//! whose last order is a train or test order; the label is whether the product is in that order.
//!
//! Features (a pair's "orders" are its user's prior orders; n = their number):
//!
//! | feature | definition |
//! |---|---|
//! | `up_orders` | prior orders holding the product |
//! | `up_order_share` | `up_orders` / n |
//! | `up_orders_since_last` | n - rank of the last prior order holding it (0 = in the last) |
//! | `up_share_since_first` | `up_orders` / (n - rank of the first order holding it + 1) |
//! | `up_in_last3` | how many of the last three prior orders hold it |
//! | `up_mean_cart_position` | mean `add_to_cart_order` |
//! | `up_days_since_last` | days from the last order holding it to the last prior order |
//! | `p_lines` | prior lines of the product, all users |
//! | `p_reorder_rate` | share of those lines with `reordered` = 1 |
//! | `p_users` | users who bought it |
//! | `p_repeat_share` | share of those users who bought it in two orders or more |
//! | `p_mean_cart_position` | mean `add_to_cart_order` over its lines |
//! | `aisle_reorder_rate`, `department_reorder_rate` | share of reordered lines in the product's aisle, department (products.csv) |
//! | `department` (categorical) | from products.csv, when given |
//! | `u_orders`, `u_basket_mean`, `u_distinct_products`, `u_reorder_ratio` | the user's |
//! | `u_gap_mean`, `u_gap_last` | mean and last `days_since_prior_order` of the prior orders |
//! | `o_days_since_prior`, `o_dow`, `o_hour` | of the order being predicted: `orders.csv` lists them for train and test orders alike, as a shop knows when a basket is being filled |

use tabular::relational::{count_by_dense_key, sum_by_dense_key, Groups};

use super::history::{History, NONE};
use super::input::Instacart;
use super::table::FeatureTable;

/// The candidate pairs, grouped by user slot (ascending) then product (ascending).
#[derive(Debug, Clone)]
pub struct Candidates {
    /// The table's key column of each pair's user slot.
    user_key: usize,
    /// The table's key column of each pair's product id.
    product_key: usize,
    /// 1 when the product is in the user's train order (0 for test users: unknown).
    pub label: Vec<u8>,
    /// 1 when the product is in the user's last prior order.
    pub in_last_order: Vec<u8>,
    /// 1 when it is in the last prior order with `reordered` = 1 (the baseline's pick).
    pub reordered_in_last_order: Vec<u8>,
    /// Slot `u`'s pairs are `pair_start[u]..pair_start[u + 1]` (empty for users with no
    /// train or test order).
    pub pair_start: Vec<u32>,
    /// The features, one row per pair.
    pub table: FeatureTable,
}

impl Candidates {
    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.label.len()
    }

    /// True when there is no pair.
    pub fn is_empty(&self) -> bool {
        self.label.is_empty()
    }

    /// User slot of each pair (stored once, as the table's key of its user columns).
    pub fn user(&self) -> &[u32] {
        self.table.key(self.user_key)
    }

    /// The table's key column holding each pair's product id.
    pub fn product_key(&self) -> usize {
        self.product_key
    }

    /// Product id of each pair (stored once, as the table's key of its product columns).
    pub fn product(&self) -> &[u32] {
        self.table.key(self.product_key)
    }

    /// The pairs of user slot `u`.
    pub fn pairs_of(&self, u: usize) -> std::ops::Range<usize> {
        self.pair_start[u] as usize..self.pair_start[u + 1] as usize
    }
}

/// Per pair while walking the lines.
const PAIR_FEATURES: [&str; 7] = [
    "up_orders",
    "up_order_share",
    "up_orders_since_last",
    "up_share_since_first",
    "up_in_last3",
    "up_mean_cart_position",
    "up_days_since_last",
];

/// Builds the candidates of every user with a train or test order, labelled from the train
/// lines when given; `progress(done, total)` is called every few thousand users.
pub fn build(
    data: &Instacart,
    history: &History,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Option<Candidates> {
    let orders = &data.orders;
    let lines = &data.prior;
    let n_users = history.n_users();
    let product_slots = data.product_slots();

    // Product statistics over every prior line.
    let p_lines = count_by_dense_key(&lines.product, product_slots);
    let p_reordered = sum_by_dense_key(&lines.product, &lines.reordered, product_slots);
    let p_cart = sum_by_dense_key(&lines.product, &lines.cart_position, product_slots);
    let mut p_users = vec![0u32; product_slots];
    let mut p_repeat = vec![0u32; product_slots];

    // User statistics.
    let basket = count_by_dense_key(&lines.order_row, orders.len());
    let order_reordered = sum_by_dense_key(&lines.order_row, &lines.reordered, orders.len());

    let user_of_line = history.user_of_lines(lines);
    let pairs = Groups::by_keys(&user_of_line, &lines.product);
    drop(user_of_line);

    // Every group is a pair (users without a next order aside): room for them all at once, so
    // that no column doubles its capacity (and copies itself) while it grows.
    let room = pairs.len();
    let mut pair_user: Vec<u32> = Vec::with_capacity(room);
    let mut pair_product: Vec<u32> = Vec::with_capacity(room);
    let mut c = Candidates {
        user_key: 0,
        product_key: 0,
        label: Vec::with_capacity(room),
        in_last_order: Vec::with_capacity(room),
        reordered_in_last_order: Vec::with_capacity(room),
        pair_start: Vec::with_capacity(n_users + 1),
        table: FeatureTable::default(),
    };
    let mut pair_cols: Vec<Vec<f32>> = (0..PAIR_FEATURES.len())
        .map(|_| Vec::with_capacity(room))
        .collect();
    let mut u_distinct = vec![0u32; n_users];
    let mut next_user = 0usize;
    for g in 0..pairs.len() {
        let rows = pairs.rows(g);
        let first = rows[0] as usize;
        let product = lines.product[first];
        let u = history.user_of_order[lines.order_row[first] as usize] as usize;
        p_users[product as usize] += 1;
        if rows.len() > 1 {
            p_repeat[product as usize] += 1;
        }
        u_distinct[u] += 1;
        while next_user <= u {
            c.pair_start.push(pair_user.len() as u32);
            next_user += 1;
            if next_user & 4095 == 0 && !progress(next_user as u64, n_users as u64) {
                return None;
            }
        }
        if history.target[u] == NONE {
            continue;
        }
        let n = history.n_prior[u];
        let last_prior = history.last_prior(u);
        let (mut first_rank, mut last_rank, mut in_last3, mut cart) = (u32::MAX, 0u32, 0u32, 0u32);
        let mut last_row = first;
        for &r in rows {
            let r = r as usize;
            let rank = history.rank[lines.order_row[r] as usize];
            first_rank = first_rank.min(rank);
            if rank >= last_rank {
                last_rank = rank;
                last_row = r;
            }
            in_last3 += u32::from(rank + 3 > n);
            cart += u32::from(lines.cart_position[r]);
        }
        let count = rows.len() as f32;
        let last_order = lines.order_row[last_row] as usize;
        let values = [
            count,
            count / n as f32,
            (n - last_rank) as f32,
            count / (n - first_rank + 1) as f32,
            in_last3 as f32,
            cart as f32 / count,
            history.day[last_prior] - history.day[last_order],
        ];
        for (col, v) in pair_cols.iter_mut().zip(values) {
            col.push(v);
        }
        pair_user.push(u as u32);
        pair_product.push(product);
        c.label.push(0);
        let in_last = last_rank == n;
        c.in_last_order.push(u8::from(in_last));
        c.reordered_in_last_order
            .push(u8::from(in_last && lines.reordered[last_row] == 1));
    }
    while next_user <= n_users {
        c.pair_start.push(pair_user.len() as u32);
        next_user += 1;
    }
    drop(pairs);

    if let Some(train) = &data.train {
        for (&o, &p) in train.order_row.iter().zip(&train.product) {
            let u = history.user_of_order[o as usize] as usize;
            let range = c.pairs_of(u);
            if let Ok(i) = pair_product[range.clone()].binary_search(&p) {
                c.label[range.start + i] = 1;
            }
        }
    }

    for (name, values) in PAIR_FEATURES.iter().zip(pair_cols) {
        c.table.push(name, values);
    }
    // Product columns are stored once per product id, user columns once per user slot.
    let by_product = c.table.add_key(pair_product);
    let by_user = c.table.add_key(pair_user);
    (c.product_key, c.user_key) = (by_product, by_user);
    let per_product =
        |f: &dyn Fn(usize) -> f32| -> Vec<f32> { (0..product_slots).map(f).collect() };
    let ratio = |a: f64, b: f64| if b > 0.0 { (a / b) as f32 } else { f32::NAN };
    let product_cols = [
        ("p_lines", per_product(&|p| p_lines[p] as f32)),
        (
            "p_reorder_rate",
            per_product(&|p| ratio(p_reordered[p], f64::from(p_lines[p]))),
        ),
        ("p_users", per_product(&|p| p_users[p] as f32)),
        (
            "p_repeat_share",
            per_product(&|p| ratio(f64::from(p_repeat[p]), f64::from(p_users[p]))),
        ),
        (
            "p_mean_cart_position",
            per_product(&|p| ratio(p_cart[p], f64::from(p_lines[p]))),
        ),
    ];
    for (name, values) in product_cols {
        c.table.push_keyed(name, values, by_product, None);
    }
    if let Some(products) = &data.products {
        // An aisle's or department's reorder rate, rather than its code: 134 aisle codes as a
        // categorical split overfit the training users.
        let rate_by = |group_of: &dyn Fn(usize) -> usize, groups: usize| -> Vec<f32> {
            let (mut lines, mut reordered) = (vec![0f64; groups], vec![0f64; groups]);
            for p in 0..product_slots.min(products.listed.len()) {
                lines[group_of(p)] += f64::from(p_lines[p]);
                reordered[group_of(p)] += p_reordered[p];
            }
            lines
                .iter()
                .zip(&reordered)
                .map(|(&n, &r)| ratio(r, n))
                .collect()
        };
        let aisles = usize::from(products.aisle.iter().copied().max().unwrap_or(0)) + 1;
        let departments = usize::from(products.department.iter().copied().max().unwrap_or(0)) + 1;
        let aisle_rate = rate_by(&|p| usize::from(products.aisle[p]), aisles);
        let department_rate = rate_by(&|p| usize::from(products.department[p]), departments);
        let aisle_of = |p: usize| products.aisle.get(p).map_or(0, |&a| usize::from(a));
        let department_of = |p: usize| products.department.get(p).map_or(0, |&d| usize::from(d));
        let columns = [
            (
                "aisle_reorder_rate",
                per_product(&|p| aisle_rate[aisle_of(p)]),
                None,
            ),
            (
                "department_reorder_rate",
                per_product(&|p| department_rate[department_of(p)]),
                None,
            ),
            (
                "department",
                per_product(&|p| department_of(p) as f32),
                Some(departments as u32),
            ),
        ];
        for (name, values, categories) in columns {
            c.table.push_keyed(name, values, by_product, categories);
        }
    }

    // User and target-order columns, computed once per user then spread over its pairs.
    let mut gaps = Vec::new();
    let user_values: Vec<[f32; 9]> = (0..n_users)
        .map(|u| {
            let prior = &history.orders_of(u)[..history.n_prior[u] as usize];
            let lines_n: u32 = prior.iter().map(|&r| basket[r as usize]).sum();
            let later: u32 = prior.iter().skip(1).map(|&r| basket[r as usize]).sum();
            let later_re: f64 = prior
                .iter()
                .skip(1)
                .map(|&r| order_reordered[r as usize])
                .sum();
            super::user_features::gaps_of(data, history, u, &mut gaps);
            let gap_mean = if gaps.is_empty() {
                f32::NAN
            } else {
                gaps.iter().sum::<f32>() / gaps.len() as f32
            };
            let last = history.last_prior(u);
            let t = history.target[u];
            let (o_days, o_dow, o_hour) = if t == NONE {
                (f32::NAN, f32::NAN, f32::NAN)
            } else {
                let t = t as usize;
                (
                    orders.days_since_prior[t],
                    f32::from(orders.dow[t].min(6)),
                    f32::from(orders.hour[t]),
                )
            };
            [
                prior.len() as f32,
                ratio(f64::from(lines_n), prior.len() as f64),
                u_distinct[u] as f32,
                ratio(later_re, f64::from(later)),
                gap_mean,
                orders.days_since_prior[last],
                o_days,
                o_dow,
                o_hour,
            ]
        })
        .collect();
    let user_names = [
        "u_orders",
        "u_basket_mean",
        "u_distinct_products",
        "u_reorder_ratio",
        "u_gap_mean",
        "u_gap_last",
        "o_days_since_prior",
        "o_dow",
        "o_hour",
    ];
    for (i, name) in user_names.iter().enumerate() {
        let values = user_values.iter().map(|v| v[i]).collect();
        let categories = (*name == "o_dow").then_some(7);
        c.table.push_keyed(name, values, by_user, categories);
    }
    Some(c)
}
