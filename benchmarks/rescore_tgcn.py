#!/usr/bin/env python3
"""Re-scores a `roadcast benchmark --protocol tgcn --predictions FILE.csv.gz` file against the data set's own
speed.csv.gz, with nothing from Roadcast: RMSE, MAE, Accuracy and 90%-band coverage of the model, pooled over leads
1..H for H = 15/30/45/60 min (issues t <= T-1-H, as T-GCN scores), and at each single lead.

usage: rescore_tgcn.py DATASET_DIR PREDICTIONS.csv.gz [--zero-is-missing]
(--zero-is-missing for sz-taxi, whose zeros mean "no probe"; the benchmark skips those targets too)
"""
import csv, gzip, math, sys
from datetime import datetime

data_dir, pred_file = sys.argv[1], sys.argv[2]
zero_missing = "--zero-is-missing" in sys.argv
with gzip.open(data_dir + "/speed.csv.gz", "rt") as f:
    r = csv.reader(f)
    head = next(r)
    col = {s: k for k, s in enumerate(head[1:])}
    rows, times = [], []
    for line in r:
        times.append(datetime.fromisoformat(line[0]))
        rows.append([float(v) if v not in ("", "NaN", "nan") else math.nan for v in line[1:]])
T = len(rows)
step = (times[1] - times[0]).total_seconds() / 60
index = {t: k for k, t in enumerate(times)}
H = [15, 30, 45, 60]
pooled = {h: [0.0, 0.0, 0.0, 0, 0] for h in H}   # sq, abs, y^2, pairs, inside
lead = {}
with gzip.open(pred_file, "rt") as f:
    r = csv.reader(f)
    assert next(r) == ["issued_at", "horizon_min", "segment", "predicted", "lower", "upper"]
    for issued, hmin, seg, pred, lo, hi in r:
        t = index[datetime.fromisoformat(issued)]
        k = int(hmin) // int(step)
        y = rows[t + k][col[seg]]
        if math.isnan(y) or (zero_missing and y == 0):
            continue
        p, lo, hi = float(pred), float(lo), float(hi)
        e = y - p
        inside = 1 if lo - 1e-4 <= y <= hi + 1e-4 else 0
        acc = lead.setdefault(int(hmin), [0.0, 0.0, 0.0, 0, 0])
        for a in [acc] + [pooled[h] for h in H if k <= h // step and t <= T - 1 - h // step]:
            a[0] += e * e; a[1] += abs(e); a[2] += y * y; a[3] += 1; a[4] += inside
def fmt(name, a):
    return "%-8s RMSE %.3f  MAE %.3f  Acc %.4f  band %.3f  pairs %d" % (
        name, math.sqrt(a[0] / a[3]), a[1] / a[3], 1 - math.sqrt(a[0]) / math.sqrt(a[2]), a[4] / a[3], a[3])
for h in H:
    print(fmt("%d min" % h, pooled[h]))
print("single leads:")
for m in sorted(lead):
    print(fmt("  %d" % m, lead[m]))
