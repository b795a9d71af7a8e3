#!/usr/bin/env python3
"""pandas doing the group-bys of Vitrine's Instacart features (use cases 4.1 and 4.2) on the same
files, for `examples/orders_bench.rs`: read the CSVs with compact dtypes, join the prior lines to
their orders, then the per-user features of 4.1 (gap statistics, hours, baskets, reorder ratio,
distinct products, department shares) and the per-(user, product) and per-product aggregates of
4.2. Prints one JSON object with the seconds of each stage and the row counts; run it under
`/usr/bin/time -v` for the peak memory."""
import json, sys, time
import numpy as np, pandas as pd

d = sys.argv[1].rstrip("/") + "/"
t0 = time.perf_counter()
orders = pd.read_csv(d + "orders.csv", dtype={"order_id": np.uint32, "user_id": np.uint32, "eval_set": "category",
                                             "order_number": np.uint8, "order_dow": np.uint8,
                                             "order_hour_of_day": np.uint8, "days_since_prior_order": np.float32})
prior = pd.read_csv(d + "order_products__prior.csv", dtype={"order_id": np.uint32, "product_id": np.uint32,
                                                           "add_to_cart_order": np.uint8, "reordered": np.uint8})
train = pd.read_csv(d + "order_products__train.csv", dtype={"order_id": np.uint32, "product_id": np.uint32,
                                                           "add_to_cart_order": np.uint8, "reordered": np.uint8})
products = pd.read_csv(d + "products.csv", usecols=["product_id", "aisle_id", "department_id"],
                       dtype={"product_id": np.uint32, "aisle_id": np.uint16, "department_id": np.uint8})
t_read = time.perf_counter() - t0

t0 = time.perf_counter()
lines = prior.merge(orders[["order_id", "user_id", "order_number"]], on="order_id", how="inner", validate="many_to_one")
if len(lines) != len(prior):
    raise SystemExit("an order line whose order is not in orders.csv")
t_join = time.perf_counter() - t0

t0 = time.perf_counter()
po = orders[orders.eval_set == "prior"]
g = po.groupby("user_id")
gaps = po.dropna(subset=["days_since_prior_order"]).groupby("user_id")["days_since_prior_order"]
last = po.sort_values(["user_id", "order_number"]).groupby("user_id").tail(1).set_index("user_id")
basket = lines.groupby("order_id").size().rename("basket")
po_b = po.join(basket, on="order_id")
later = lines[lines.order_number > 1]
users = pd.DataFrame({
    "orders": g.size(),
    "gap_mean": gaps.mean(), "gap_median": gaps.median(), "gap_std": gaps.std(ddof=0),
    "gap_min": gaps.min(), "gap_max": gaps.max(),
    "gap_geometric_mean": np.exp(po.dropna(subset=["days_since_prior_order"])
                                 .assign(g=lambda x: np.log(x.days_since_prior_order.clip(lower=0.5)))
                                 .groupby("user_id")["g"].mean()),
    "gap_last": last["days_since_prior_order"],
    "hour_mean": g["order_hour_of_day"].mean(), "hour_std": g["order_hour_of_day"].std(ddof=0),
    "dow_last": last["order_dow"],
    "basket_mean": po_b.groupby("user_id")["basket"].mean(),
    "reorder_ratio": later.groupby("user_id")["reordered"].mean(),
    "distinct_products": lines.groupby("user_id")["product_id"].nunique(),
})
dept = lines[["user_id", "product_id"]].merge(products, on="product_id")
shares = dept.groupby(["user_id", "department_id"]).size().unstack(fill_value=0)
shares = shares.div(shares.sum(axis=1), axis=0)
users = users.join(shares.add_prefix("department_").add_suffix("_share"))
t_users = time.perf_counter() - t0

t0 = time.perf_counter()
pairs = lines.groupby(["user_id", "product_id"]).agg(
    up_orders=("order_number", "size"), up_first=("order_number", "min"), up_last=("order_number", "max"),
    up_mean_cart_position=("add_to_cart_order", "mean"))
prod = lines.groupby("product_id").agg(p_lines=("reordered", "size"), p_reorder_rate=("reordered", "mean"),
                                       p_users=("user_id", "nunique"), p_mean_cart_position=("add_to_cart_order", "mean"))
repeat = (pairs.up_orders > 1).groupby(level="product_id").mean().rename("p_repeat_share")
prod = prod.join(repeat)
target = orders[orders.eval_set != "prior"][["user_id", "order_id"]]
pairs = pairs.reset_index()
pairs = pairs[pairs.user_id.isin(target.user_id)].join(prod, on="product_id")
t_lines = train.merge(orders[["order_id", "user_id"]], on="order_id")[["user_id", "product_id"]].assign(label=1)
pairs = pairs.merge(t_lines, on=["user_id", "product_id"], how="left")
pairs["label"] = pairs["label"].fillna(0).astype(np.uint8)
t_pairs = time.perf_counter() - t0

print(json.dumps({"peer": "pandas", "version": pd.__version__, "orders": len(orders), "prior_lines": len(prior),
                  "users": len(users), "pairs": len(pairs),
                  "seconds": {"read_csv": t_read, "join": t_join, "user_features": t_users, "pairs": t_pairs}}))
