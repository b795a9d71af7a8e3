#!/usr/bin/env python3
"""pandas read_csv keeping only the columns whose name matches a pattern (usecols), as a use
case takes one Bosch station group from the full file: seconds and the process's peak memory."""
import argparse, json, os, re, resource, time
import pandas as pd
ap = argparse.ArgumentParser(); ap.add_argument("csv"); ap.add_argument("pattern")
a = ap.parse_args()
pattern = re.compile(a.pattern)
t = time.perf_counter()
df = pd.read_csv(a.csv, usecols=lambda c: bool(pattern.search(c)), low_memory=False)
s = time.perf_counter() - t
print(json.dumps({"peer": "pandas-read_csv-usecols", "version": pd.__version__, "seconds": s,
                  "mb": os.path.getsize(a.csv) / 1e6, "rows": len(df), "columns": df.shape[1],
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "frame_bytes": int(df.memory_usage(deep=True).sum())}))
