//! What a 4.2 run keeps and shows: the report (scores beside the baselines, pooled against
//! per-product models, the threshold curve, the products to stock), and per customer and candidate
//! pair what the basket lookup and the downloads need, compactly (9 bytes a pair).

use std::io::Write;

use learn::gbdt::GbdtModel;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::input::{EVAL_SETS, TEST};
use super::metrics::{ClassScores, ThresholdPoint};
use super::split::Side;
use crate::boosting::{write_importance_csv, Importance};
use crate::contract::{
    question_args, report_json, unknown_download, unknown_question, Download, Fitted,
};
use crate::UseCaseError;

/// Which model the predictions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelChoice {
    /// One model over every pair.
    Pooled,
    /// A model per frequent product, the pooled model for the other products.
    PerProduct,
}

/// One frequent product's own model against the pooled model, on its validation pairs.
#[derive(Debug, Clone, Serialize)]
pub struct ProductComparison {
    /// `product_id`.
    pub product_id: u32,
    /// Its name, when products.csv was given.
    pub name: Option<String>,
    /// Training pairs (fit users who bought it).
    pub pairs_fit: usize,
    /// Validation pairs.
    pub pairs_valid: usize,
    /// Validation pairs in the next order.
    pub positives_valid: usize,
    /// AUC of the pooled model on these pairs.
    pub auc_pooled: f64,
    /// AUC of the product's own model.
    pub auc_own: f64,
    /// Log loss of the pooled model.
    pub logloss_pooled: f64,
    /// Log loss of the product's own model.
    pub logloss_own: f64,
}

/// Per-product models against the pooled model.
#[derive(Debug, Clone, Serialize)]
pub struct PerProductReport {
    /// Each product with its own model.
    pub products: Vec<ProductComparison>,
    /// Validation pairs of those products.
    pub pairs_valid: usize,
    /// Log loss of the pooled model over those pairs.
    pub logloss_pooled: f64,
    /// Log loss of the own models over those pairs.
    pub logloss_own: f64,
    /// Scores over every validation pair with the own models where they exist.
    pub combined: ClassScores,
}

/// A product's expected place in the next orders, for stocking.
#[derive(Debug, Clone, Serialize)]
pub struct ProductDemand {
    /// `product_id`.
    pub product_id: u32,
    /// Its name, when products.csv was given.
    pub name: Option<String>,
    /// Sum of reorder probabilities over the users predicted out of sample (validation and
    /// test users): the expected number of their next orders holding it.
    pub expected_orders: f64,
    /// Of those users, how many have it in their predicted basket.
    pub predicted_in: u32,
}

/// Where the time went, in seconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Seconds {
    /// Typing and checking the files, ordering each user's orders.
    pub read: f64,
    /// Building the candidate pairs and their features.
    pub features: f64,
    /// Training the pooled model.
    pub train: f64,
    /// Predicting every pair.
    pub predict: f64,
    /// Training and scoring the per-product models.
    pub per_product: f64,
    /// The whole run.
    pub total: f64,
}

/// What a 4.2 run reports.
#[derive(Debug, Clone, Serialize)]
pub struct ReorderReport {
    /// The default model's scores on the validation users: `f1` over every candidate pair of
    /// those users at the threshold that maximises it, `mean_user_f1` beside it.
    pub metrics: ClassScores,
    /// The baseline: the products the user reordered in its last order.
    pub baseline: ClassScores,
    /// Another baseline: every product of the user's last order.
    pub baseline_last_order: ClassScores,
    /// The default model's threshold (a pair is predicted at or above it).
    pub threshold: f64,
    /// The default model's precision, recall and F1 over the validation pairs at thresholds
    /// 0, 0.01, ..., 1.
    pub threshold_curve: Vec<ThresholdPoint>,
    /// Candidate pairs (users with a train or test order).
    pub pairs: usize,
    /// Pairs fitted on.
    pub pairs_fit: usize,
    /// Pairs scored.
    pub pairs_valid: usize,
    /// Users fitted on.
    pub users_fit: usize,
    /// Users scored.
    pub users_valid: usize,
    /// Users whose next order is `test`: predicted, never scored.
    pub users_test: usize,
    /// Share of validation pairs in the next order.
    pub positive_share: f64,
    /// The default model.
    pub default_model: ModelChoice,
    /// The pooled model's scores.
    pub pooled: ClassScores,
    /// The per-product comparison, when asked for and some product qualifies.
    pub per_product: Option<PerProductReport>,
    /// Feature names.
    pub features: Vec<String>,
    /// The pooled model's features by gain.
    pub importance: Vec<Importance>,
    /// Products by expected reorders, most first (the first 50).
    pub top_products: Vec<ProductDemand>,
    /// Whether product names come from products.csv.
    pub named: bool,
    /// A few validation users to look up first, in id order.
    pub examples: Vec<u32>,
    /// Trees of the pooled model.
    pub trees: usize,
    /// Where the time went.
    pub seconds: Seconds,
}

/// One product of a predicted basket.
#[derive(Debug, Clone, Serialize)]
pub struct BasketItem {
    /// `product_id`.
    pub product_id: u32,
    /// Its name, when products.csv was given.
    pub name: Option<String>,
    /// Probability that it is in the next order.
    pub probability: f64,
    /// Whether it is in the predicted basket (probability at or above the threshold).
    pub predicted: bool,
    /// Whether it is in the actual next order (train users).
    pub actual: Option<bool>,
}

/// A product of the next order never bought before.
#[derive(Debug, Clone, Serialize)]
pub struct NewProduct {
    /// `product_id`.
    pub product_id: u32,
    /// Its name, when products.csv was given.
    pub name: Option<String>,
}

/// A customer's predicted next basket against the actual one.
#[derive(Debug, Clone, Serialize)]
pub struct Basket {
    /// `user_id`.
    pub user_id: u32,
    /// `order_id` of the next order.
    pub order_id: u32,
    /// `train` or `test`.
    pub eval_set: &'static str,
    /// Whether the user was held out (its prediction is out of sample).
    pub validation: bool,
    /// The threshold the basket is cut at.
    pub threshold: f64,
    /// Every product the user bought before, most probable first.
    pub items: Vec<BasketItem>,
    /// Products of the actual next order never bought before (train users): no model can
    /// predict them from the history.
    pub new_products: Vec<NewProduct>,
}

/// A finished 4.2 run: the report, the models, and per customer and candidate pair what the
/// lookups and downloads need (compact: 9 bytes a pair).
#[derive(Debug, Clone)]
pub struct Reorder {
    /// What the page and the command line show first.
    pub report: ReorderReport,
    /// The pooled model.
    pub model: GbdtModel,
    /// The per-product models, by product id.
    pub product_models: Vec<(u32, GbdtModel)>,
    /// `user_id` of each user slot, ascending.
    pub(super) user_id: Vec<u32>,
    /// `order_id` of each user's next order (0 without one).
    pub(super) next_order: Vec<u32>,
    /// `eval_set` code of each user's next order, `u8::MAX` without one.
    pub(super) next_set: Vec<u8>,
    /// Side of each user.
    pub(super) sides: Vec<Side>,
    /// Slot `u`'s pairs are `pair_start[u]..pair_start[u + 1]`.
    pub(super) pair_start: Vec<u32>,
    /// Product of each pair.
    pub(super) product: Vec<u32>,
    /// The default model's probability for each pair (NaN for the fitted customers' pairs).
    pub(super) probability: Vec<f32>,
    /// Label of each pair (0 for test users).
    pub(super) label: Vec<u8>,
    /// Slot `u`'s new products are `new_products[new_start[u]..new_start[u + 1]]`.
    pub(super) new_start: Vec<u32>,
    pub(super) new_products: Vec<u32>,
    /// Product names by id, when products.csv was given.
    pub(super) names: Option<Vec<String>>,
    /// Expected orders and predicted baskets holding each product id (out-of-sample users).
    pub(super) demand: Vec<(f64, u32)>,
}

impl Reorder {
    /// The name of product `p`, if products.csv lists it.
    pub fn name(&self, p: u32) -> Option<String> {
        let names = self.names.as_ref()?;
        names.get(p as usize).filter(|n| !n.is_empty()).cloned()
    }

    fn is_predicted(&self, i: usize) -> bool {
        f64::from(self.probability[i]) >= self.report.threshold
    }

    fn pairs_of(&self, u: usize) -> std::ops::Range<usize> {
        self.pair_start[u] as usize..self.pair_start[u + 1] as usize
    }

    /// The user slots predicted out of sample (validation and test customers), in id order.
    fn predicted_users(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.user_id.len())
            .filter(|&u| self.next_set[u] != u8::MAX && self.sides[u] != Side::Fit)
    }

    /// Every candidate pair of the validation and test customers as CSV:
    /// `user_id,product_id,probability,predicted,actual,validation` (`actual` empty for test
    /// users). At full size, 7 M lines: the command line writes it.
    pub fn write_pairs_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "user_id,product_id,probability,predicted,actual,validation"
        )?;
        for u in self.predicted_users() {
            self.write_user_pairs(u, true, out)?;
        }
        Ok(())
    }

    /// The validation users' pairs as CSV: `user_id,product_id,probability,predicted,actual`.
    pub fn write_validation_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "user_id,product_id,probability,predicted,actual")?;
        for u in self.predicted_users() {
            if self.sides[u] == Side::Valid {
                self.write_user_pairs(u, false, out)?;
            }
        }
        Ok(())
    }

    fn write_user_pairs(
        &self,
        u: usize,
        with_side: bool,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let is_test = self.next_set[u] == TEST;
        for i in self.pairs_of(u) {
            write!(
                out,
                "{},{},{:.4},{},",
                self.user_id[u],
                self.product[i],
                self.probability[i],
                u8::from(self.is_predicted(i))
            )?;
            if !is_test {
                write!(out, "{}", self.label[i])?;
            }
            if with_side {
                write!(out, ",{}", u8::from(self.sides[u] == Side::Valid))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }

    /// Products as the competition writes a basket: ids separated by spaces, `None` for none.
    fn basket_text(products: impl Iterator<Item = u32>) -> String {
        let ids: Vec<String> = products.map(|p| p.to_string()).collect();
        if ids.is_empty() {
            "None".to_string()
        } else {
            ids.join(" ")
        }
    }

    /// Every validation and test customer's predicted next basket as CSV:
    /// `user_id,order_id,eval_set,validation,products,actual` (product ids separated by spaces,
    /// `None` for an empty basket; `actual` the reordered products of a train order, empty for
    /// test orders).
    pub fn write_baskets_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "user_id,order_id,eval_set,validation,products,actual")?;
        for u in self.predicted_users() {
            let range = self.pairs_of(u);
            let predicted = Self::basket_text(
                range
                    .clone()
                    .filter(|&i| self.is_predicted(i))
                    .map(|i| self.product[i]),
            );
            let actual = if self.next_set[u] == TEST {
                String::new()
            } else {
                Self::basket_text(
                    range
                        .filter(|&i| self.label[i] == 1)
                        .map(|i| self.product[i]),
                )
            };
            writeln!(
                out,
                "{},{},{},{},{predicted},{actual}",
                self.user_id[u],
                self.next_order[u],
                EVAL_SETS[self.next_set[u] as usize],
                u8::from(self.sides[u] == Side::Valid)
            )?;
        }
        Ok(())
    }

    /// The competition's submission for the test orders: `order_id,products`.
    pub fn write_submission_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "order_id,products")?;
        for u in self.predicted_users() {
            if self.next_set[u] == TEST {
                let basket = Self::basket_text(
                    self.pairs_of(u)
                        .filter(|&i| self.is_predicted(i))
                        .map(|i| self.product[i]),
                );
                writeln!(out, "{},{basket}", self.next_order[u])?;
            }
        }
        Ok(())
    }

    /// Every product by expected reorders, most first:
    /// `product_id,product_name,expected_orders,predicted_in`.
    pub fn write_stock_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "product_id,product_name,expected_orders,predicted_in")?;
        for p in products_by_demand(&self.demand, usize::MAX) {
            let (expected, predicted_in) = self.demand[p as usize];
            let name = self.name(p).unwrap_or_default();
            writeln!(
                out,
                "{p},{},{expected:.3},{predicted_in}",
                tabular::write::escape_cell(&name, true)
            )?;
        }
        Ok(())
    }

    /// The per-product comparison as CSV (nothing but the header without per-product models).
    pub fn write_per_product_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "product_id,product_name,pairs_fit,pairs_valid,positives_valid,auc_pooled,auc_own,logloss_pooled,logloss_own"
        )?;
        for c in self.report.per_product.iter().flat_map(|p| &p.products) {
            writeln!(
                out,
                "{},{},{},{},{},{:.5},{:.5},{:.5},{:.5}",
                c.product_id,
                tabular::write::escape_cell(c.name.as_deref().unwrap_or(""), true),
                c.pairs_fit,
                c.pairs_valid,
                c.positives_valid,
                c.auc_pooled,
                c.auc_own,
                c.logloss_pooled,
                c.logloss_own
            )?;
        }
        Ok(())
    }

    /// The basket of `user_id`, a validation or test customer; why not, for another.
    pub fn basket(&self, user_id: u32) -> Result<Basket, String> {
        let u = self
            .user_id
            .binary_search(&user_id)
            .map_err(|_| format!("user {user_id} is not in orders.csv"))?;
        if self.next_set[u] == u8::MAX {
            return Err(format!(
                "user {user_id}'s last order is a prior one: there is no next order to predict"
            ));
        }
        if self.sides[u] == Side::Fit {
            return Err(format!(
                "user {user_id} is one of the customers the model learnt from (its next order \
                 is known to it): look up a validation or test customer"
            ));
        }
        let is_test = self.next_set[u] == TEST;
        let mut items: Vec<BasketItem> = self
            .pairs_of(u)
            .map(|i| BasketItem {
                product_id: self.product[i],
                name: self.name(self.product[i]),
                probability: f64::from(self.probability[i]),
                predicted: self.is_predicted(i),
                actual: (!is_test).then_some(self.label[i] == 1),
            })
            .collect();
        items.sort_by(|a, b| b.probability.total_cmp(&a.probability));
        let new_products = self.new_products
            [self.new_start[u] as usize..self.new_start[u + 1] as usize]
            .iter()
            .map(|&p| NewProduct {
                product_id: p,
                name: self.name(p),
            })
            .collect();
        Ok(Basket {
            user_id,
            order_id: self.next_order[u],
            eval_set: EVAL_SETS[self.next_set[u] as usize],
            validation: self.sides[u] == Side::Valid,
            threshold: self.report.threshold,
            items,
            new_products,
        })
    }
}

/// Product ids with some expected demand, most expected first (ties by id), the first `limit`.
pub(super) fn products_by_demand(demand: &[(f64, u32)], limit: usize) -> Vec<u32> {
    let mut top: Vec<u32> = (0..demand.len() as u32)
        .filter(|&p| demand[p as usize].0 > 0.0)
        .collect();
    top.sort_by(|&a, &b| {
        demand[b as usize]
            .0
            .total_cmp(&demand[a as usize].0)
            .then(a.cmp(&b))
    });
    top.truncate(limit);
    top
}

/// The arguments of the `basket` question.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BasketQuestion {
    user_id: u32,
}

impl Fitted for Reorder {
    fn report(&self) -> Value {
        report_json(&self.report)
    }

    /// `basket` `{userId}`: the customer's predicted next basket against the actual one.
    fn ask(&mut self, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        match question {
            "basket" => {
                let q: BasketQuestion = question_args(question, args)?;
                let basket = self
                    .basket(q.user_id)
                    .map_err(|message| UseCaseError::param("userId", message))?;
                Ok(report_json(&basket))
            }
            _ => Err(unknown_question(question)),
        }
    }

    fn downloads(&self) -> Vec<Download> {
        let mut downloads = vec![
            Download::csv("baskets", "reorder_baskets.csv"),
            Download::csv("validation", "reorder_validation_pairs.csv"),
            Download::csv("stock", "reorder_products_to_stock.csv"),
        ];
        if self.report.users_test > 0 {
            downloads.push(Download::csv("submission", "reorder_submission.csv"));
        }
        if self.report.per_product.is_some() {
            downloads.push(Download::csv("per_product", "reorder_per_product.csv"));
        }
        downloads.push(Download::csv("importance", "reorder_importance.csv"));
        downloads.push(Download::json("model", "reorder_model.json"));
        downloads
    }

    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        match key {
            "baskets" => self.write_baskets_csv(out)?,
            "validation" => self.write_validation_csv(out)?,
            "stock" => self.write_stock_csv(out)?,
            "submission" => self.write_submission_csv(out)?,
            "per_product" => self.write_per_product_csv(out)?,
            "importance" => write_importance_csv(&self.report.importance, out)?,
            "model" => out.write_all(self.model.to_json().as_bytes())?,
            _ => return Err(unknown_download("4.2", key)),
        }
        Ok(())
    }
}
