#!/usr/bin/env python3
"""XGBoost and LightGBM on the forecast's exported feature table (`vitrine forecast --features-out`),
with the forecast's default recipe: ln(1 + Sales) target, leaf-wise trees of at most 255 leaves and
depth 8, min_child_weight 20, learning rate 0.2, a feature fraction of 0.7 drawn per tree
(XGBoost's colsample_bytree, LightGBM's feature_fraction), 256 bins, the number of trees given (the count our
early stopping found). Rows `Set == train` fit, `Set == valid` are scored: MAE and the sum of
absolute errors over every validation row, RMSPE over those with sales, predictions expm1(score).

With --ours-model, XGBoost also loads our exported model (`--xgboost-model-out`) and scores the
validation rows through `DMatrix(table[booster.feature_names])`: the model travels if its figures
are ours.

    python peer_forecast.py features.csv --trees 128 [--threads 1] [--ours-model ours_xgb.json]
"""
import argparse, json, time
import numpy as np, pandas as pd

ap = argparse.ArgumentParser()
ap.add_argument("csv")
ap.add_argument("--trees", type=int, required=True)
ap.add_argument("--lr", type=float, default=0.2)
ap.add_argument("--leaves", type=int, default=255)
ap.add_argument("--depth", type=int, default=8)
ap.add_argument("--min-child-weight", type=float, default=20.0)
ap.add_argument("--bins", type=int, default=256)
ap.add_argument("--feature-fraction", type=float, default=0.7)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--peers", default="xgboost,lightgbm")
ap.add_argument("--ours-model", default="")
a = ap.parse_args()

table = pd.read_csv(a.csv)
valid = (table["Set"] == "valid").values
sales = table["Sales"].values.astype(np.float64)
features = table.drop(columns=["Set", "Date", "Sales"])
X = features.values.astype(np.float32)
Xtr, ytr, Xva, yva = X[~valid], np.log1p(sales[~valid]), X[valid], sales[valid]


def scores(predicted):
    errors = np.abs(predicted - yva)
    sold = yva > 0
    rmspe = float(np.sqrt((((yva[sold] - predicted[sold]) / yva[sold]) ** 2).mean()))
    return {"mae": float(errors.mean()), "abs_error_sum": float(errors.sum()), "rmspe": rmspe}


out = {"rows_train": int(len(ytr)), "rows_valid": int(len(yva)), "features": int(X.shape[1]),
       "trees": a.trees, "threads": a.threads, "peers": []}
if "xgboost" in a.peers:
    import xgboost as xgb
    model = xgb.XGBRegressor(n_estimators=a.trees, learning_rate=a.lr, tree_method="hist",
                             grow_policy="lossguide", max_leaves=a.leaves, max_depth=a.depth,
                             min_child_weight=a.min_child_weight, max_bin=a.bins, n_jobs=a.threads,
                             colsample_bytree=a.feature_fraction)
    started = time.perf_counter()
    model.fit(Xtr, ytr)
    fit = time.perf_counter() - started
    predicted = np.expm1(model.predict(Xva).astype(np.float64))
    out["peers"].append({"peer": "xgboost", "version": xgb.__version__, "fit_s": fit, **scores(predicted)})
if "lightgbm" in a.peers:
    import lightgbm as lgb
    model = lgb.LGBMRegressor(n_estimators=a.trees, learning_rate=a.lr, num_leaves=a.leaves,
                              max_depth=a.depth, min_child_weight=a.min_child_weight,
                              max_bin=a.bins - 1, n_jobs=a.threads, verbose=-1,
                              colsample_bytree=a.feature_fraction)
    started = time.perf_counter()
    model.fit(Xtr, ytr)
    fit = time.perf_counter() - started
    predicted = np.expm1(model.predict(Xva).astype(np.float64))
    out["peers"].append({"peer": "lightgbm", "version": lgb.__version__, "fit_s": fit, **scores(predicted)})
if a.ours_model:
    import xgboost as xgb
    booster = xgb.Booster()
    booster.load_model(a.ours_model)
    raw = booster.predict(xgb.DMatrix(table.loc[valid, booster.feature_names]))
    target = booster.attr("vitrine_target")
    predicted = np.expm1(raw.astype(np.float64)) if target == "log1p" else raw.astype(np.float64)
    out["ours_in_xgboost"] = {"target": target, "trees": booster.num_boosted_rounds(), **scores(predicted)}
print(json.dumps(out))
