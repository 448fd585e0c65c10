#!/usr/bin/env python3
"""Re-grades a benchmark's predictions file with a level hold k (issue 13, roadcast.congestion.LevelHold), against the
grade of the speed forecast and "the level now persists", on the same pairs: the check behind README's nested
validation figures for the level hold. Data sets without road classes only (Los-loop, PEMSD8: the ratio grading,
free flow = the 85th percentile of the training rows' readings, >= 0.8 free, >= 0.4 moderate, else severe); "now" is
the raw reading at the issue time (the kernel's nowcast is the cleaned one), pairs need a reading now and a target.

usage: level_hold_regrade.py DATASET_DIR PREDICTIONS.csv.gz HORIZON_MIN K [K...]
  e.g. after benchmarks/nested_validation.sh-style copies: ./roadcast benchmark --dataset OUT/los-loop --protocol tgcn
  --json F --predictions P.csv.gz, then level_hold_regrade.py OUT/los-loop P.csv.gz 30 0 0.1
"""
import csv
import datetime
import gzip
import sys

import numpy as np


def grade(v, ff):
    r = v / ff
    return np.where(r >= 0.8, 0, np.where(r >= 0.4, 1, 2))


def main(ds, pred, horizon, holds):
    rows = list(csv.reader(gzip.open(ds + '/speed.csv.gz', 'rt')))
    times = [r[0] for r in rows[1:]]
    x = np.array([[float(v) if v != '' else np.nan for v in r[1:]] for r in rows[1:]])
    train = len(times) * 4 // 5
    ff = np.array([np.sort(c[~np.isnan(c)])[max(0, int(np.ceil(0.85 * np.sum(~np.isnan(c)))) - 1)]
                   for c in x[:train].T])
    col = {c: i for i, c in enumerate(rows[0][1:])}
    row_of = {t: i for i, t in enumerate(times)}
    step_min = int((datetime.datetime.fromisoformat(times[1])
                    - datetime.datetime.fromisoformat(times[0])).total_seconds() // 60)
    lead = horizon // step_min
    t, s, y_hat, lo, hi = [], [], [], [], []
    for r in csv.reader(gzip.open(pred, 'rt')):
        if r[1] != str(horizon):
            continue
        t.append(row_of[r[0]]); s.append(col[r[2]]); y_hat.append(float(r[3])); lo.append(float(r[4]))
        hi.append(float(r[5]))
    t, s, y_hat, lo, hi = map(np.array, (t, s, y_hat, lo, hi))
    y, now = x[t + lead, s], x[t, s]
    ok = ~np.isnan(y) & ~np.isnan(now)
    y, now, y_hat, lo, hi, f = y[ok], now[ok], y_hat[ok], lo[ok], hi[ok], ff[s[ok]]
    actual = grade(y, f)
    print(f'{horizon} min, {len(y)} pairs: level persists {np.mean(grade(now, f) == actual):.5f}')
    for k in holds:
        g = np.where(now > y_hat, np.minimum(now, y_hat + k * (hi - y_hat)), np.maximum(now, y_hat - k * (y_hat - lo)))
        print(f'  hold {k:g}: {np.mean(grade(g, f) == actual):.5f}')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), [float(k) for k in sys.argv[4:]])
