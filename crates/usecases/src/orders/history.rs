//! Each user's orders in order, and each line tied to its user and to the rank of its order:
//! what both feature builders walk over.

use tabular::relational::{cell_error, Groups};
use tabular::Table;

use super::input::{OrderLines, Orders, PRIOR};
use crate::UseCaseError;

/// Marks "no such row".
pub const NONE: u32 = u32::MAX;

/// Users in ascending id, with their orders sorted by `order_number`.
#[derive(Debug, Clone)]
pub struct History {
    /// User ids, ascending; a user's index here is its slot.
    pub user_id: Vec<u32>,
    /// Order rows of every user, user after user, each user's by `order_number`.
    pub order_rows: Vec<u32>,
    /// Slot `u`'s orders are `order_rows[order_start[u]..order_start[u + 1]]`.
    pub order_start: Vec<u32>,
    /// Prior orders of each user (its first orders; the last may be train or test).
    pub n_prior: Vec<u32>,
    /// Row of each user's train or test order, [`NONE`] when its last order is a prior one.
    pub target: Vec<u32>,
    /// Per order row: the slot of its user.
    pub user_of_order: Vec<u32>,
    /// Per order row: 1-based rank among its user's orders.
    pub rank: Vec<u32>,
    /// Per order row: days since the user's first order (gaps summed, each capped at 30 as
    /// written).
    pub day: Vec<f32>,
}

impl History {
    /// Orders every user's orders. A user with a single order, or whose train or test order is
    /// not its last, is an error naming the line in `orders.csv`.
    pub fn build(orders: &Orders, orders_table: &Table) -> Result<History, UseCaseError> {
        let n = orders.len();
        let by_user = Groups::by_keys(&orders.user_id, &orders.order_number);
        let sorted = by_user.row_order().to_vec();
        drop(by_user);
        let mut history = History {
            user_id: Vec::new(),
            order_rows: sorted,
            order_start: Vec::new(),
            n_prior: Vec::new(),
            target: Vec::new(),
            user_of_order: vec![NONE; n],
            rank: vec![0; n],
            day: vec![0.0; n],
        };
        let rows = &history.order_rows;
        let mut start = 0;
        while start < rows.len() {
            let user = orders.user_id[rows[start] as usize];
            let mut end = start + 1;
            while end < rows.len() && orders.user_id[rows[end] as usize] == user {
                end += 1;
            }
            let slot = history.user_id.len() as u32;
            let mine = &rows[start..end];
            if mine.len() == 1 {
                return Err(cell_error(
                    orders_table,
                    "user_id",
                    mine[0] as usize,
                    format!(
                        "user {user} has a single order: a customer needs earlier orders to learn from"
                    ),
                )
                .into());
            }
            let last = *mine.last().expect("two orders or more") as usize;
            if let Some(&early) = mine[..mine.len() - 1]
                .iter()
                .find(|&&r| orders.eval_set[r as usize] != PRIOR)
            {
                return Err(cell_error(
                    orders_table,
                    "eval_set",
                    early as usize,
                    format!(
                        "user {user}'s {} order is not its last one (order_number {} of {}): only a user's last order can be train or test",
                        super::input::EVAL_SETS[orders.eval_set[early as usize] as usize],
                        orders.order_number[early as usize],
                        orders.order_number[last]
                    ),
                )
                .into());
            }
            let has_target = orders.eval_set[last] != PRIOR;
            history.user_id.push(user);
            history.order_start.push(start as u32);
            history
                .n_prior
                .push((mine.len() - usize::from(has_target)) as u32);
            history
                .target
                .push(if has_target { last as u32 } else { NONE });
            let mut day = 0.0f32;
            for (k, &r) in mine.iter().enumerate() {
                let r = r as usize;
                let gap = orders.days_since_prior[r];
                if k > 0 && !gap.is_nan() {
                    day += gap;
                }
                history.user_of_order[r] = slot;
                history.rank[r] = k as u32 + 1;
                history.day[r] = day;
            }
            start = end;
        }
        history.order_start.push(rows.len() as u32);
        Ok(history)
    }

    /// Number of users.
    pub fn n_users(&self) -> usize {
        self.user_id.len()
    }

    /// Order rows of user slot `u`, first order first (its train/test order last, if any).
    pub fn orders_of(&self, u: usize) -> &[u32] {
        &self.order_rows[self.order_start[u] as usize..self.order_start[u + 1] as usize]
    }

    /// Row of user slot `u`'s last prior order.
    pub fn last_prior(&self, u: usize) -> usize {
        self.orders_of(u)[self.n_prior[u] as usize - 1] as usize
    }

    /// Slot of the user of each line.
    pub fn user_of_lines(&self, lines: &OrderLines) -> Vec<u32> {
        lines
            .order_row
            .iter()
            .map(|&o| self.user_of_order[o as usize])
            .collect()
    }

    /// The slot of `user_id`, if the user is in `orders.csv`.
    pub fn slot_of(&self, user_id: u32) -> Option<usize> {
        self.user_id.binary_search(&user_id).ok()
    }
}
