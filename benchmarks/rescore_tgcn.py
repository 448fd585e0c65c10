#!/usr/bin/env python3
"""Re-scores a `roadcast benchmark --protocol tgcn --predictions FILE.csv.gz` file against the data set's own
speed.csv.gz, with nothing from Roadcast: RMSE, MAE, Accuracy and 90%-band coverage of the model, pooled over leads
1..H for H = 15/30/45/60 min (issues t <= T-1-H, as T-GCN scores), and at each single lead; beside each, persistence
(the last value recorded at or before the issue time) RMSE / MAE on the same pairs.

usage: rescore_tgcn.py DATASET_DIR PREDICTIONS.csv.gz [--zero-is-missing] [--frozen-is-missing MINUTES]
(--zero-is-missing for sz-taxi, whose zeros mean "no probe"; the benchmark skips those targets too.
--frozen-is-missing: also leave out, for model and persistence alike, every target that repeats the same exact value
recorded over at least MINUTES, e.g. 60: a detector frozen for an hour, the project's stuck-sensor rule
(CredibilityRules.STUCK_DURATION), whose readings the model is not fed; issue 14, README. Not the T-GCN protocol: the
figures of the issue's targets are scored without it.)
"""
import csv, gzip, math, sys
from datetime import datetime

data_dir, pred_file = sys.argv[1], sys.argv[2]
zero_missing = "--zero-is-missing" in sys.argv
frozen_minutes = None
if "--frozen-is-missing" in sys.argv:
    frozen_minutes = float(sys.argv[sys.argv.index("--frozen-is-missing") + 1])
with gzip.open(data_dir + "/speed.csv.gz", "rt") as f:
    r = csv.reader(f)
    head = next(r)
    col = {s: k for k, s in enumerate(head[1:])}
    rows, times = [], []
    for line in r:
        times.append(datetime.fromisoformat(line[0]))
        rows.append([float(v) if v not in ("", "NaN", "nan") else math.nan for v in line[1:]])
T = len(rows)
n = len(col)
step = (times[1] - times[0]).total_seconds() / 60
index = {t: k for k, t in enumerate(times)}


def missing(v):
    return math.isnan(v) or (zero_missing and v == 0)


# left out as targets: missing values, and with --frozen-is-missing the readings from the stuck rule's threshold on
# (the same exact value for frozen_minutes / step readings in a row, this one included)
left_out = [[missing(v) for v in row] for row in rows]
if frozen_minutes is not None:
    need = max(2, round(frozen_minutes / step))
    for i in range(n):
        run = 0
        for t in range(T):
            v = rows[t][i]
            run = run + 1 if t > 0 and not missing(v) and v == rows[t - 1][i] else 1
            if run >= need:
                left_out[t][i] = True
# persistence at each issue time: the last value recorded at or before it (NaN before the first)
last = [[math.nan] * n for _ in range(T)]
for t in range(T):
    for i in range(n):
        v = rows[t][i]
        last[t][i] = v if not missing(v) else (last[t - 1][i] if t > 0 else math.nan)
H = [15, 30, 45, 60]
pooled = {h: [0.0, 0.0, 0.0, 0, 0, 0.0, 0.0, 0] for h in H}   # sq, abs, y^2, pairs, inside; persistence sq, abs, pairs
lead = {}
with gzip.open(pred_file, "rt") as f:
    r = csv.reader(f)
    assert next(r) == ["issued_at", "horizon_min", "segment", "predicted", "lower", "upper"]
    for issued, hmin, seg, pred, lo, hi in r:
        t = index[datetime.fromisoformat(issued)]
        k = int(hmin) // int(step)
        i = col[seg]
        y = rows[t + k][i]
        if left_out[t + k][i]:
            continue
        p, lo, hi = float(pred), float(lo), float(hi)
        if math.isnan(p):
            # data finer than 5 min is forecast at 1, 5, 10, .. min only; the file's other leads are NaN rows,
            # which the benchmark does not score either
            continue
        e = y - p
        ep = y - last[t][i]
        inside = 1 if lo - 1e-4 <= y <= hi + 1e-4 else 0
        acc = lead.setdefault(int(hmin), [0.0, 0.0, 0.0, 0, 0, 0.0, 0.0, 0])
        for a in [acc] + [pooled[h] for h in H if k <= h // step and t <= T - 1 - h // step]:
            a[0] += e * e; a[1] += abs(e); a[2] += y * y; a[3] += 1; a[4] += inside
            if not math.isnan(ep):
                a[5] += ep * ep; a[6] += abs(ep); a[7] += 1


def fmt(name, a):
    persistence = "  persistence %.3f / %.4f (%d pairs)" % (math.sqrt(a[5] / a[7]), a[6] / a[7], a[7]) if a[7] else ""
    return "%-8s RMSE %.3f  MAE %.4f  Acc %.4f  band %.3f  pairs %d%s" % (
        name, math.sqrt(a[0] / a[3]), a[1] / a[3], 1 - math.sqrt(a[0]) / math.sqrt(a[2]), a[4] / a[3], a[3],
        persistence)


for h in H:
    print(fmt("%d min" % h, pooled[h]))
print("single leads:")
for m in sorted(lead):
    print(fmt("  %d" % m, lead[m]))
