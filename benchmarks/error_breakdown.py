#!/usr/bin/env python3
"""Where a T-GCN-protocol forecast's short-horizon error is (issue 14), with nothing from Roadcast.

usage: error_breakdown.py DATASET_DIR PREDICTIONS.csv.gz [--max-lead MIN | --lead MIN]
       error_breakdown.py DATASET_DIR --rows FROM TO [--max-lead MIN]

With a predictions file (`roadcast benchmark --protocol tgcn --predictions F`): over leads up to --max-lead minutes
(default 15), the model's and persistence's RMSE / MAE and their shares of the squared and absolute error, by the size
of the move |target - last reading| and by 3-hour bin of the issue time (the data set's local clock), beside the MAE
of the mean of the last 3 and 6 readings, and by how many readings in a row the last one repeats the same exact value (a
detector frozen for an hour, 12 readings at 5-minute steps, is what the stuck rule stops feeding the model; persistence
carries its frozen value, which is then the target too: issue 14, README). With --rows: only the baselines, over issue rows FROM..TO-1 (e.g. the
validation block at the end of the training part, to decide a design without the test part).
--lead MIN scores that single lead alone. With a predictions file it also splits the pairs by congestion regime, where
persistence can beat a forecast that reverts to the profile (issue 14, "Other sets" in the README): flowing, onset,
recovery or a queue that lasts, a road congested below 0.6 x its 95th percentile over the training part (the first 80%
of the rows, the T-GCN split, so the threshold sees no test row) at the issue and / or the target; and, where the data
set has an events.csv, the targets inside an incident on that road.
"""
import csv, gzip, math, os, sys
from datetime import datetime

args = sys.argv[1:]
max_lead = 15
if "--max-lead" in args:
    k = args.index("--max-lead"); max_lead = int(args[k + 1]); del args[k:k + 2]
min_lead = 0
if "--lead" in args:
    k = args.index("--lead"); min_lead = max_lead = int(args[k + 1]); del args[k:k + 2]
data_dir = args[0]
rows, times = [], []
with gzip.open(data_dir + "/speed.csv.gz", "rt") as f:
    r = csv.reader(f)
    head = next(r)[1:]
    for line in r:
        times.append(line[0])
        rows.append([float(v) if v not in ("", "NaN", "nan") else math.nan for v in line[1:]])
col = {s: k for k, s in enumerate(head)}
index = {t: k for k, t in enumerate(times)}
# the data's own step: generated cities come at 1 or 15 minutes too
step_min = round((datetime.fromisoformat(times[1]) - datetime.fromisoformat(times[0])).total_seconds() / 60)
n = len(head)


def free_flow(i):
    v = sorted(row[i] for row in rows[:int(0.8 * len(rows))] if not math.isnan(row[i]))
    return v[int(0.95 * (len(v) - 1))] if v else math.nan


congested_below = [0.6 * free_flow(i) for i in range(n)]
in_incident = set()   # (row, column) of every reading inside an incident on its road
clock = [datetime.fromisoformat(t) for t in times]
events = os.path.join(data_dir, "events.csv")
if os.path.isfile(events):
    for e in csv.DictReader(open(events)):
        if e["segment"] in col:
            start, end = datetime.fromisoformat(e["start"]), datetime.fromisoformat(e["end"])
            for k, t in enumerate(clock):
                if start <= t < end:
                    in_incident.add((k, col[e["segment"]]))
REGIMES = ["flowing", "onset (target only congested)", "recovery (issue only congested)",
           "queue lasts (issue and target)", "incident at the target"]
by_regime = [[0, 0.0, 0.0, 0.0, 0.0] for _ in REGIMES]   # pairs, sse model, sae model, sse last, sae last


def mean_last(k, i, count):
    vals = [rows[k - j][i] for j in range(count) if k - j >= 0 and not math.isnan(rows[k - j][i])]
    return sum(vals) / len(vals) if vals else math.nan


BINS = [0, 2, 5, 10, 20, math.inf]
by_move = [[0, 0.0, 0.0, 0.0, 0.0] for _ in BINS[:-1]]   # pairs, sse model, sae model, sse last, sae last
by_hour = {}   # bin -> pairs, sse model, sae model, sse last, sae last, sae mean3, sae mean6
RUNS = [1, 2, 4, 12, math.inf]   # readings in a row with the last one's exact value: 1, 2-3, 4-11, >= 12
by_run = [[0, 0.0, 0.0, 0.0, 0.0] for _ in RUNS[:-1]]   # pairs, sse model, sae model, sse last, sae last


def run_length(k, i):
    count = 1
    while k - count >= 0 and rows[k - count][i] == rows[k][i]:
        count += 1
    return count


def add(k, i, lead_steps, predicted):
    y = rows[k + lead_steps][i]
    last = rows[k][i]
    if math.isnan(y) or math.isnan(last):
        return
    m3, m6 = mean_last(k, i, 3), mean_last(k, i, 6)
    em = 0.0 if predicted is None else predicted - y
    move = abs(y - last)
    b = next(j for j in range(len(BINS) - 1) if BINS[j] <= move < BINS[j + 1])
    a = by_move[b]
    a[0] += 1; a[1] += em * em; a[2] += abs(em); a[3] += (last - y) ** 2; a[4] += abs(last - y)
    h = by_hour.setdefault(int(times[k][11:13]) // 3, [0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    h[0] += 1; h[1] += em * em; h[2] += abs(em); h[3] += (last - y) ** 2; h[4] += abs(last - y)
    h[5] += abs(m3 - y); h[6] += abs(m6 - y)
    run = run_length(k, i)
    a = by_run[next(j for j in range(len(RUNS) - 1) if RUNS[j] <= run < RUNS[j + 1])]
    a[0] += 1; a[1] += em * em; a[2] += abs(em); a[3] += (last - y) ** 2; a[4] += abs(last - y)
    regimes = [2 * (last < congested_below[i]) + (y < congested_below[i])]   # flowing, onset, recovery, lasts
    if (k + lead_steps, i) in in_incident:
        regimes.append(4)
    for g in regimes:
        a = by_regime[g]
        a[0] += 1; a[1] += em * em; a[2] += abs(em); a[3] += (last - y) ** 2; a[4] += abs(last - y)


with_model = "--rows" not in args
if with_model:
    with gzip.open(args[1], "rt") as f:
        r = csv.reader(f)
        next(r)
        for issued, horizon, segment, predicted, *_ in r:
            if min_lead <= int(horizon) <= max_lead:
                add(index[issued], col[segment], int(horizon) // step_min, float(predicted))
else:
    k = args.index("--rows")
    first, end = int(args[k + 1]), int(args[k + 2])
    for t in range(first, end):
        for lead in range(1, max_lead // step_min + 1):
            if t + lead < len(rows):
                for i in range(n):
                    add(t, i, lead, None)

total = [sum(a[j] for a in by_move) for j in range(5)]
print(("lead %d min" % max_lead if min_lead else "leads up to %d min" % max_lead) + ", %d pairs" % total[0])
if with_model:
    print("model RMSE %.3f MAE %.3f, persistence %.3f / %.3f" % (math.sqrt(total[1] / total[0]), total[2] / total[0],
                                                                 math.sqrt(total[3] / total[0]), total[4] / total[0]))
    print("|target - last|  pairs   model SSE  model SAE  model RMSE / MAE  persistence RMSE / MAE")
    for j, a in enumerate(by_move):
        if a[0]:
            print("%5g-%-5g %6.1f%% %9.1f%% %9.1f%%  %7.3f / %6.3f  %7.3f / %6.3f" % (
                BINS[j], BINS[j + 1], 100 * a[0] / total[0], 100 * a[1] / total[1], 100 * a[2] / total[2],
                math.sqrt(a[1] / a[0]), a[2] / a[0], math.sqrt(a[3] / a[0]), a[4] / a[0]))
print("issue hours  " + ("model SSE  model SAE  model MAE  " if with_model else "")
      + "MAE: last reading / mean of last 3 / mean of last 6")
for b in sorted(by_hour):
    h = by_hour[b]
    model = "%8.1f%% %9.1f%% %10.3f  " % (100 * h[1] / total[1], 100 * h[2] / total[2], h[2] / h[0]) if with_model else ""
    print("%02d-%02d      %s%.3f / %.3f / %.3f" % (3 * b, 3 * b + 3, model, h[4] / h[0], h[5] / h[0], h[6] / h[0]))
print("same value    pairs  " + ("model SSE  model SAE  model RMSE / MAE  " if with_model else "")
      + "persistence RMSE / MAE")
for j, a in enumerate(by_run):
    if a[0]:
        label = "%g-%g" % (RUNS[j], RUNS[j + 1] - 1) if RUNS[j + 1] != math.inf else ">=%g" % RUNS[j]
        model = "%8.1f%% %9.1f%%  %7.3f / %6.3f  " % (100 * a[1] / total[1], 100 * a[2] / total[2],
                                                     math.sqrt(a[1] / a[0]), a[2] / a[0]) if with_model else ""
        print("%-9s %6.1f%%  %s%7.3f / %6.3f" % (label, 100 * a[0] / total[0], model, math.sqrt(a[3] / a[0]),
                                                 a[4] / a[0]))
if with_model:
    print("regime (0.6 x free flow)          pairs  model SSE  model RMSE / MAE  persistence RMSE / MAE")
    for g, a in enumerate(by_regime):
        if a[0]:
            print("%-32s %6.1f%% %9.1f%%  %7.3f / %6.3f  %7.3f / %6.3f" % (
                REGIMES[g], 100 * a[0] / total[0], 100 * a[1] / total[1], math.sqrt(a[1] / a[0]), a[2] / a[0],
                math.sqrt(a[3] / a[0]), a[4] / a[0]))
