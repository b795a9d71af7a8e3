#!/usr/bin/env python3
"""Feature research for use case 1.1 on the real Rossmann 2013-2014 rows.

Builds, for a holdout of the last 42 days before a cut, the feature groups of the recipe (each
computed from the training period only, or from flags known in advance), trains LightGBM on each
cumulative group set and prints MAE, sum of absolute errors and RMSPE beside the store x weekday x
promo baseline. Two holdouts: the last 42 days of 2014 (Christmas) and the 42 days ending
2014-06-30 (quiet).

    ~/.cache/vitrine-peers/bin/python tests/bench/forecast_research.py [--trees 300] [--groups ...]
    ... --features-out DIR   writes each holdout's table (Set, Date, Sales, features) for peer_gbdt.py
"""
import argparse, json, time
import numpy as np, pandas as pd

DATA = "/work/shared/data/real/"
ap = argparse.ArgumentParser()
ap.add_argument("--train", default=DATA + "rossmann_train_2013_2014.csv.gz")
ap.add_argument("--store", default=DATA + "rossmann_store.csv")
ap.add_argument("--trees", type=int, default=300)
ap.add_argument("--lr", type=float, default=0.1)
ap.add_argument("--depth", type=int, default=8)
ap.add_argument("--leaves", type=int, default=0)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--shrink", type=float, default=10.0, help="pseudo-count k of the shrunk store levels")
ap.add_argument("--target", choices=["log1p", "raw"], default="log1p")
ap.add_argument("--groups", default="notebook;+level;+seasonal;+events;+trend",
                help="cumulative runs separated by ';': notebook, +level, +seasonal, +events, +trend, or -name to drop one")
ap.add_argument("--holdouts", default="2014-11-20,2014-05-20")
ap.add_argument("--since", default="", help="train only on rows from this date (features still use all history)")
ap.add_argument("--features-out", default="")
ap.add_argument("--engine", choices=["lightgbm", "xgboost"], default="lightgbm")
ap.add_argument("--offset", action="store_true", help="fit log1p(sales) - (StoreLevel + StoreDowPromoDelta): boost from the store's level")
a = ap.parse_args()

raw = pd.read_csv(a.train, dtype={"StateHoliday": str, "SchoolHoliday": str}, parse_dates=["Date"])
stores = pd.read_csv(a.store, keep_default_na=True)
raw["StateHoliday"] = raw["StateHoliday"].map({"0": 0, "a": 1, "b": 2, "c": 3}).fillna(0).astype(int)
raw["SchoolHoliday"] = raw["SchoolHoliday"].astype(int)
raw = raw.sort_values(["Store", "Date"]).reset_index(drop=True)
DAY0 = pd.Timestamp("1970-01-01")
raw["day"] = (raw["Date"] - DAY0).dt.days.astype(int)


def run_lengths_before_after(df, flag, cap=60):
    """Days since the last and until the next row of the same store where `flag` holds, in calendar
    days (rows of a store sorted by date); NaN where there is none, capped at `cap`."""
    since = np.full(len(df), np.nan)
    until = np.full(len(df), np.nan)
    day = df["day"].values
    f = flag.values
    store = df["Store"].values
    starts = np.r_[0, np.flatnonzero(store[1:] != store[:-1]) + 1, len(df)]
    for s, e in zip(starts[:-1], starts[1:]):
        last = None
        for i in range(s, e):
            if f[i]:
                last = day[i]
            if last is not None:
                since[i] = day[i] - last
        nxt = None
        for i in range(e - 1, s - 1, -1):
            if f[i]:
                nxt = day[i]
            if nxt is not None:
                until[i] = nxt - day[i]
    return np.minimum(since, cap), np.minimum(until, cap)


def gaps(df, min_days=5):
    """Days since a store came back from a gap (>= min_days days missing from the file or closed in a
    row) and days until the next such gap; the file's first day counts as no gap."""
    since = np.full(len(df), np.nan)
    until = np.full(len(df), np.nan)
    day = df["day"].values
    open_ = df["Open"].values == 1
    store = df["Store"].values
    starts = np.r_[0, np.flatnonzero(store[1:] != store[:-1]) + 1, len(df)]
    for s, e in zip(starts[:-1], starts[1:]):
        # open days of this store; a gap is a stretch of >= min_days calendar days between two open days
        idx = np.arange(s, e)[open_[s:e]]
        if len(idx) == 0:
            continue
        od = day[idx]
        jumps = np.flatnonzero(np.diff(od) > min_days)
        reopen_days = od[jumps + 1]  # first open day after a gap
        close_days = od[jumps] + 1  # first day of the gap
        rows = np.arange(s, e)
        d = day[rows]
        if len(reopen_days) == 0:
            continue
        k = np.searchsorted(reopen_days, d, side="right") - 1
        since[rows] = np.where(k >= 0, d - reopen_days[np.maximum(k, 0)], np.nan)
        j = np.searchsorted(close_days, d, side="left")
        until[rows] = np.where(j < len(close_days), close_days[np.minimum(j, len(close_days) - 1)] - d, np.nan)
    return np.minimum(since, 365), np.minimum(until, 60)


def known_in_advance(df):
    """Calendar, store.csv and event-proximity features: none reads Sales or Customers."""
    out = pd.DataFrame(index=df.index)
    st = stores.set_index("Store").loc[df["Store"]].reset_index(drop=True)
    st.index = df.index
    d = df["Date"]
    out["Store"] = df["Store"]
    out["DayOfWeek"] = df["DayOfWeek"]
    out["Promo"] = df["Promo"]
    out["StateHoliday"] = df["StateHoliday"]
    out["SchoolHoliday"] = df["SchoolHoliday"]
    out["Year"] = d.dt.year
    out["Month"] = d.dt.month
    out["Day"] = d.dt.day
    out["WeekOfYear"] = d.dt.isocalendar().week.astype(int).values
    out["DayOfYear"] = d.dt.day_of_year
    out["StoreType"] = st["StoreType"].map({"a": 0, "b": 1, "c": 2, "d": 3})
    out["Assortment"] = st["Assortment"].map({"a": 0, "b": 1, "c": 2})
    out["CompetitionDistance"] = st["CompetitionDistance"]
    out["CompetitionOpenMonths"] = 12 * (out["Year"] - st["CompetitionOpenSinceYear"]) + (out["Month"] - st["CompetitionOpenSinceMonth"])
    out["Promo2"] = st["Promo2"]
    p2 = st["Promo2"] == 1
    out["Promo2Weeks"] = np.where(p2, 52 * (out["Year"] - st["Promo2SinceYear"]) + (out["WeekOfYear"] - st["Promo2SinceWeek"]), np.nan)
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"]
    mon = out["Month"].map(lambda m: months[m - 1])
    interval = st["PromoInterval"].fillna("")
    in_interval = np.array([m in iv.split(",") for m, iv in zip(mon, interval)])
    out["Promo2Month"] = (in_interval & p2.values).astype(float)
    # Promo2 restarts this month and has started (its since-week is past)
    started = out["Promo2Weeks"].fillna(-1) >= 0
    out["Promo2Restart"] = (in_interval & p2.values & started.values).astype(float)
    # events: per store, on its own rows (flags known in advance, as in test.csv)
    sh_since, sh_until = run_lengths_before_after(df, df["StateHoliday"] > 0)
    out["DaysSinceStateHoliday"], out["DaysToStateHoliday"] = sh_since, sh_until
    school_start = (df["SchoolHoliday"] == 1) & (df.groupby("Store")["SchoolHoliday"].shift(1, fill_value=0) == 0)
    school_end = (df["SchoolHoliday"] == 1) & (df.groupby("Store")["SchoolHoliday"].shift(-1, fill_value=0) == 0)
    out["DaysSinceSchoolHolidayStart"], out["DaysToSchoolHoliday"] = run_lengths_before_after(df, school_start)
    out["DaysSinceSchoolHolidayEnd"], _ = run_lengths_before_after(df, school_end)
    closed_weekday = (df["Open"] == 0) & (df["DayOfWeek"] != 7)
    out["DaysSinceClosure"], out["DaysToClosure"] = run_lengths_before_after(df, closed_weekday)
    xmas = pd.to_datetime(out["Year"].astype(str) + "-12-25")
    out["DaysToChristmas"] = np.clip((xmas - d).dt.days, -10, 60)
    out["DaysSinceReopen"], out["DaysToGap"] = gaps(df)
    return out


def history(df, train_mask, k):
    """Store levels from the training rows (open, sales > 0), in log1p space, shrunk toward the
    store's level with pseudo-count k: level(cell) = (sum + k * store_level) / (n + k)."""
    t = df[train_mask & (df["Open"] == 1) & (df["Sales"] > 0)].copy()
    t["L"] = np.log1p(t["Sales"])
    t["C"] = np.log1p(t["Customers"])
    t["Month"] = t["Date"].dt.month
    g = t.groupby("Store")
    lvl = g["L"].mean()
    out = pd.DataFrame(index=df.index)
    s = df["Store"]
    out["StoreLevel"] = s.map(lvl)
    out["StoreDays"] = s.map(g["L"].size())
    out["StoreCustomersLevel"] = s.map(g["C"].mean())
    out["StoreSalesPerCustomer"] = s.map(g["L"].mean() - g["C"].mean())
    out["StoreLevelStd"] = s.map(g["L"].std())

    def shrunk(keys, name):
        c = t.groupby(["Store"] + keys)["L"].agg(["sum", "size"]).reset_index()
        c[name] = (c["sum"] + k * c["Store"].map(lvl)) / (c["size"] + k) - c["Store"].map(lvl)
        c[name + "Days"] = c["size"]
        m = df[["Store"]].join(df[keys] if all(kk in df for kk in keys) else None)
        return m.merge(c[["Store"] + keys + [name, name + "Days"]], on=["Store"] + keys, how="left")[[name, name + "Days"]].set_index(df.index)

    dfm = df.assign(Month=df["Date"].dt.month)
    for keys, name in [(["DayOfWeek"], "StoreDowDelta"), (["Promo"], "StorePromoDelta"),
                       (["DayOfWeek", "Promo"], "StoreDowPromoDelta")]:
        r = shrunk(keys, name)
        out[name] = r[name].values
    t2 = t
    c = t2.groupby(["Store", "Month"])["L"].agg(["sum", "size"]).reset_index()
    c["StoreMonthDelta"] = (c["sum"] + k * c["Store"].map(lvl)) / (c["size"] + k) - c["Store"].map(lvl)
    # seasonality of the month relative to the store, net of the chain's month effect
    chain_month = t2.groupby("Month")["L"].mean() - t2["L"].mean()
    mm = dfm[["Store", "Month"]].merge(c[["Store", "Month", "StoreMonthDelta", "size"]], on=["Store", "Month"], how="left")
    out["StoreMonthDelta"] = mm["StoreMonthDelta"].values
    out["StoreMonthDays"] = mm["size"].fillna(0).values
    out["ChainMonthDelta"] = dfm["Month"].map(chain_month).values
    # recent trend: the store's last 8 training weeks against its level, net of the chain's
    cut = df.loc[train_mask, "Date"].max()
    rec = t[t["Date"] > cut - pd.Timedelta(days=56)]
    chain_recent = rec["L"].mean() - t["L"].mean()
    out["StoreRecentDelta"] = s.map(rec.groupby("Store")["L"].mean() - lvl - chain_recent)
    # year on year: the store's last 6 months against the same months a year before
    h2 = t[t["Date"] > cut - pd.Timedelta(days=182)]
    h1 = t[(t["Date"] > cut - pd.Timedelta(days=182 + 364)) & (t["Date"] <= cut - pd.Timedelta(days=364))]
    yoy = h2.groupby("Store")["L"].mean() - h1.groupby("Store")["L"].mean()
    out["StoreYearOnYear"] = s.map(yoy - (h2["L"].mean() - h1["L"].mean()))
    # lagged levels, the same for training and validation rows: the store's mean log sales over
    # the 91 days ending 42 days before the row (a validation row's window ends before the cut),
    # and over the 28 days around the same date a year (364 days) before
    daily = t.pivot_table(index="day", columns="Store", values="L")  # open days with sales only
    full_days = np.arange(df["day"].min() - 400, df["day"].max() + 1)
    daily = daily.reindex(full_days)
    vals = np.nan_to_num(daily.values)
    cnt = (~np.isnan(daily.values)).astype(float)
    csum = np.vstack([np.zeros((1, vals.shape[1])), np.cumsum(vals, axis=0)])
    ccnt = np.vstack([np.zeros((1, vals.shape[1])), np.cumsum(cnt, axis=0)])
    col = {st: i for i, st in enumerate(daily.columns)}
    rows_col = df["Store"].map(col).values
    has = ~np.isnan(rows_col)
    rc = np.nan_to_num(rows_col).astype(int)
    pos = df["day"].values - full_days[0]

    def window(lo, hi, min_days):
        lo = np.clip(pos + lo, 0, len(full_days)); hi = np.clip(pos + hi, 0, len(full_days))
        sm = csum[hi, rc] - csum[lo, rc]; n = ccnt[hi, rc] - ccnt[lo, rc]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(has & (n >= min_days), sm / n, np.nan)

    out["StoreLagDelta"] = window(-133, -42, 20) - out["StoreLevel"].values
    out["StoreYearAgoDelta"] = window(-378, -350, 10) - out["StoreLevel"].values
    return out


GROUPS = {
    "notebook": ["Store", "DayOfWeek", "Promo", "StateHoliday", "SchoolHoliday", "Year", "Month", "Day", "WeekOfYear",
                 "StoreType", "Assortment", "CompetitionDistance", "CompetitionOpenMonths", "Promo2", "Promo2Weeks", "Promo2Month"],
    "level": ["StoreLevel", "StoreDays", "StoreCustomersLevel", "StoreSalesPerCustomer", "StoreLevelStd",
              "StoreDowDelta", "StorePromoDelta", "StoreDowPromoDelta"],
    "seasonal": ["DayOfYear", "StoreMonthDelta", "StoreMonthDays", "ChainMonthDelta", "Promo2Restart"],
    "events": ["DaysSinceStateHoliday", "DaysToStateHoliday", "DaysSinceSchoolHolidayStart", "DaysToSchoolHoliday",
               "DaysSinceSchoolHolidayEnd", "DaysSinceClosure", "DaysToClosure", "DaysToChristmas", "DaysSinceReopen", "DaysToGap"],
    "trend": ["StoreRecentDelta", "StoreYearOnYear"],
    "lags": ["StoreLagDelta", "StoreYearAgoDelta"],
}


def scores(y, p, typical=None):
    """MAE, sum of absolute errors, RMSPE over days with sales; rmspe_trim leaves out days whose
    sales are below a tenth of the store's training median (one such day in the Christmas
    holdout, store 652 on 2014-11-22 with sales 46, makes RMSPE alone)."""
    nz = y > 0
    out = {"mae": float(np.abs(p - y).mean()), "abs_error_sum": float(np.abs(p - y).sum()),
           "rmspe": float(np.sqrt((((y[nz] - p[nz]) / y[nz]) ** 2).mean()))}
    if typical is not None:
        keep = nz & (y >= 0.1 * typical)
        out["rmspe_trim"] = float(np.sqrt((((y[keep] - p[keep]) / y[keep]) ** 2).mean()))
    return out


def fit_predict(Xtr, ytr, Xva, off_tr=None, off_va=None):
    if a.target == "log1p":
        ytr = np.log1p(ytr)
    if off_tr is not None:
        ytr = ytr - off_tr
    t0 = time.perf_counter()
    if a.engine == "lightgbm":
        import lightgbm as lgb
        leaves = a.leaves or (2 ** a.depth - 1)
        m = lgb.LGBMRegressor(n_estimators=a.trees, learning_rate=a.lr, max_depth=a.depth, num_leaves=leaves,
                              max_bin=255, n_jobs=a.threads, verbose=-1, min_child_samples=20)
    else:
        import xgboost as xgb
        m = xgb.XGBRegressor(n_estimators=a.trees, learning_rate=a.lr, max_depth=a.depth, tree_method="hist",
                             max_bin=256, n_jobs=a.threads)
    m.fit(Xtr, ytr)
    fit_s = time.perf_counter() - t0
    p = m.predict(Xva)
    if off_va is not None:
        p = p + off_va
    if a.target == "log1p":
        p = np.expm1(p)
    return p, fit_s, m


results = []
for cut_text in a.holdouts.split(","):
    cut = pd.Timestamp(cut_text)
    end = cut + pd.Timedelta(days=41)
    df = raw[raw["Date"] <= end].reset_index(drop=True)
    train_mask = df["Date"] < cut
    t0 = time.perf_counter()
    cache = f"/tmp/research/feats2_{cut.date()}_k{a.shrink:g}.pkl"
    try:
        feats = pd.read_pickle(cache)
    except FileNotFoundError:
        feats = pd.concat([known_in_advance(df), history(df, train_mask, a.shrink)], axis=1)
        feats.to_pickle(cache)
    feat_s = time.perf_counter() - t0
    # baseline: store x weekday x promo mean over open training days
    tr_open = df[train_mask & (df["Open"] == 1)]
    base = tr_open.groupby(["Store", "DayOfWeek", "Promo"])["Sales"].mean().rename("B").reset_index()
    b = df.merge(base, on=["Store", "DayOfWeek", "Promo"], how="left")["B"]
    b = b.fillna(df["Store"].map(tr_open.groupby("Store")["Sales"].mean())).fillna(tr_open["Sales"].mean()).values
    fit_rows = (train_mask & (df["Open"] == 1) & (df["Sales"] > 0)).values
    if a.since:
        fit_rows &= (df["Date"] >= pd.Timestamp(a.since)).values
    valid_rows = (~train_mask & (df["Open"] == 1)).values
    y = df["Sales"].values.astype(float)
    median = df["Store"].map(df[fit_rows].groupby("Store")["Sales"].median()).values
    base_sc = scores(y[valid_rows], b[valid_rows], median[valid_rows])
    print(json.dumps({"holdout": f"{cut.date()}..{end.date()}", "rows_train": int(fit_rows.sum()),
                      "rows_valid": int(valid_rows.sum()), "features_s": round(feat_s, 1), "baseline": base_sc}), flush=True)
    if a.features_out:
        names = sum(GROUPS.values(), [])
        tab = feats[names].copy()
        tab.insert(0, "Sales", y)
        tab.insert(0, "Date", df["Date"].dt.strftime("%Y-%m-%d"))
        tab.insert(0, "Set", np.where(fit_rows, "train", np.where(valid_rows, "valid", "")))
        tab[fit_rows | valid_rows].to_csv(f"{a.features_out}/features_{cut.date()}.csv", index=False)
    cols = []
    for step in [g for g in a.groups.split(";") if g]:
        for part in step.split(","):
            part = part.strip()
            if part.startswith("+"):
                cols += [c for c in GROUPS[part[1:]] if c not in cols]
            elif part.startswith("-"):
                drop = GROUPS.get(part[1:], [part[1:]])
                cols = [c for c in cols if c not in drop]
            else:
                cols = list(GROUPS[part])
        X = feats[cols].values.astype(np.float32)
        off = None
        if a.offset:
            off = np.nan_to_num((feats["StoreLevel"] + feats["StoreDowPromoDelta"]).values, nan=float(np.log1p(y[fit_rows]).mean()))
        p, fit_s, m = fit_predict(X[fit_rows], y[fit_rows], X[valid_rows],
                                  None if off is None else off[fit_rows], None if off is None else off[valid_rows])
        sc = scores(y[valid_rows], p, median[valid_rows])
        row = {"holdout": str(cut.date()), "step": step, "features": len(cols), "fit_s": round(fit_s, 1),
               "mae": round(sc["mae"], 1), "mae_ratio": round(sc["mae"] / base_sc["mae"], 3),
               "rmspe": round(sc["rmspe"], 4), "rmspe_trim": round(sc["rmspe_trim"], 4),
               "baseline_rmspe": round(base_sc["rmspe"], 4), "baseline_rmspe_trim": round(base_sc["rmspe_trim"], 4)}
        results.append(row)
        print(json.dumps(row), flush=True)
