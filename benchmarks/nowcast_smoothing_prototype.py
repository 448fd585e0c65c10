#!/usr/bin/env python3
"""Prototype for issue 14, not part of the product: how much a nowcast smoothed by time of day could gain on Los-loop.

usage: nowcast_smoothing_prototype.py DATASET_DIR PREDICTIONS.csv.gz COEF.json          (fit, cross-fitted report)
       nowcast_smoothing_prototype.py DATASET_DIR PREDICTIONS.csv.gz COEF.json.in       (apply COEF.json as it is)

Adds a (mean of the last 6 readings - last reading) to each forecast of a `roadcast benchmark --protocol tgcn
--predictions` file, a per 3-hour bin of the issue time and lead, fitted by least squares. Fit mode (on the nested
validation's predictions, i.e. the training part): a fitted on even clock hours is scored on odd ones and the other way
round, and a fitted on all is written to COEF.json. Apply mode (on the test part's predictions): COEF.json's a, nothing
fitted on the test part. Prints RMSE / MAE at 15 and 60 min before and after (the 60-min pairs include issues closer
to the end than the benchmark's pooled scoring).
"""
import csv, gzip, math, sys, json
data, pred = sys.argv[1], sys.argv[2]
apply_file = sys.argv[3] if len(sys.argv) > 3 else None
rows, times = [], []
with gzip.open(data + "/speed.csv.gz", "rt") as f:
    r = csv.reader(f); head = next(r)[1:]
    for line in r:
        times.append(line[0]); rows.append([float(v) for v in line[1:]])
col = {s: k for k, s in enumerate(head)}; idx = {t: k for k, t in enumerate(times)}
pairs = []  # (bin, lead, fold, y, x, d)
with gzip.open(pred, "rt") as f:
    r = csv.reader(f); next(r)
    for issued, hmin, seg, p, *_ in r:
        k = idx[issued]; L = int(hmin) // 5; i = col[seg]
        if k + L >= len(rows) or k < 5: continue
        y = rows[k + L][i]; n = rows[k][i]
        n6 = sum(rows[k - j][i] for j in range(6)) / 6
        hr = int(issued[11:13])
        pairs.append((hr // 3, L, hr % 2, y, float(p), n6 - n))
def fit(sel):
    s = {}
    for b, L, f, y, x, d in sel:
        a = s.setdefault((b, L), [0.0, 0.0]); a[0] += (y - x) * d; a[1] += d * d
    return {k: (v[0] / v[1] if v[1] > 0 else 0.0) for k, v in s.items()}
if apply_file and apply_file.endswith(".in"):
    coef = {tuple(map(int, k.split(","))): v for k, v in json.load(open(apply_file[:-3])).items()}
    coefA = coefB = coef
else:
    coefA = fit([p for p in pairs if p[2] == 0]); coefB = fit([p for p in pairs if p[2] == 1])
    if apply_file:
        json.dump({"%d,%d" % k: v for k, v in fit(pairs).items()}, open(apply_file, "w"))
for H in (3, 12):
    s = [0, 0.0, 0.0, 0.0, 0.0]
    for b, L, f, y, x, d in pairs:
        if L > H: continue
        c = (coefB if f == 0 else coefA).get((b, L), 0.0)   # fitted on the other fold
        x2 = x + c * d
        s[0] += 1; s[1] += (x - y) ** 2; s[2] += abs(x - y); s[3] += (x2 - y) ** 2; s[4] += abs(x2 - y)
    print("%d min: RMSE %.3f -> %.3f, MAE %.3f -> %.3f (%d pairs)" % (5 * H, math.sqrt(s[1] / s[0]), math.sqrt(s[3] / s[0]), s[2] / s[0], s[4] / s[0], s[0]))
