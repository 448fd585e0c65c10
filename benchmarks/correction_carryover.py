#!/usr/bin/env python3
"""Prototype for issue 14, not part of the product: would a correction added to the model's forecasts carry to a new day?

usage: correction_carryover.py ORIGINS_DIR CORRECTION [--sources K] [--delta D] [--zero-is-missing] [--weights]
                               [--test DATASET_DIR TEST.json TEST.csv.gz]

ORIGINS_DIR is one data set's folder of benchmarks/rolling_origins.sh (0/, 1/, .. with 0.json, 0.csv.gz, ..): origin 0
is the training part's last block (the nested validation), origins 1..K the blocks before it. A correction of the
forecast x of each lead, x' = x + beta . g, is fitted on origins 1..K (the days before) and scored on origin 0
("carried"); beside it, the same correction fitted on origin 0's even clock hours and scored on its odd ones and back
("cross-fitted", what a post-hoc fit on one block shows). Only pairs whose features are all known are scored (the
"model" figures are on those pairs, a little off the benchmark's).
--test: the target is the test part instead of origin 0: the forecasts of `./roadcast benchmark --dataset DATASET_DIR
--protocol tgcn --json TEST.json --predictions TEST.csv.gz`, the correction fitted on origins 0..K-1 (origin 0 the
block the test model validates on): a post-hoc estimate of what a kernel term could give; nothing is chosen on it.
--channels: the data set's folder holding flow.csv.gz and occupancy.csv.gz (PEMSD8), read by timestamp, for `occ-ls`
(the origins' folders hold speed only).
--queues: splits the target block's pairs by how long the road has been congested at the issue (queue-ls below), and
prints the model's, persistence's and the carried correction's figures inside each, and the block's with persistence
put in the model's place there.
--weights: prints each lead's fitted coefficients (carried; cross-fitted on the target block's whole).

CORRECTION, with n the last reading, f its segment's free flow (85th percentile of its model's training rows),
g = n - x the gap to the nowcast, c3 = n_t - n_{t-3}:
  lean-ls, lean-huber  g and g * [g < 0] (a further lean toward the reading, by regime), least squares or Huber
                       (IRLS, --delta D in the data's unit, default 3)
  deficit-ls           the speed deficit's hinges (0.5, 0.7, 0.9 - n / f)+ and each times g: a nonlinear local term
  changes-ls           n_t - n_{t-1} and c3: the reading's recent change
  all-ls, all-huber    all of the above and a constant
  lean-gated           x' = x + l g, one l per lead and regime (g < 0 or not) on a grid 0, 0.05, .., 0.6, each
                       block's two folds of alternating clock hours choosing by Huber loss (--delta), kept for a
                       lead and regime only where the weight one fold chose lowers the other's SSE and SAE (both
                       ways) against l = 0: as the calibration would fit such a kernel term on its validation block
                       (fitted on origin 1 only; --sources is ignored)
  queue-gated          the same with one l per lead and queue duration bin of queue-ls (none where the road flows)
  level-gated          queue-gated toward n_t mu(t+h) / mu(t) instead of n_t (the day's level against the average day
                       held to the target, mu the training rows' mean by time of day)
  queue-ls, queue-huber  g * [the road congested for 1-2, 3-5, 6-11, 12+ steps in a row at the issue] (below 0.6 x
                       its 95th percentile over the model's training rows): a pull toward the reading by how long a
                       queue has lasted, none where the road flows
  occ-ls               a constant, the issue time's occupancy o, its change o_t - o_{t-1}, that change where o > 0.1
                       (congestion) and the flow's change: flow and occupancy as inputs (--channels)
  table-mean, table-median  the mean or median residual of a cell (n / f: 4 bins) x (g: 6 bins) x (c3: 5 bins),
                       shrunk toward 0 by count / (count + 20)
"""
import csv, gzip, json, math, os, sys
import numpy as np

args = sys.argv[1:]


def option(name, default, cast):
    if name in args:
        k = args.index(name)
        value = cast(args[k + 1])
        del args[k:k + 2]
        return value
    return default


sources = option("--sources", 3, int)
delta = option("--delta", 3.0, float)
zero_missing = "--zero-is-missing" in args
if zero_missing:
    args.remove("--zero-is-missing")
channels = option("--channels", None, str)
show_weights = "--weights" in args
if show_weights:
    args.remove("--weights")
show_queues = "--queues" in args
if show_queues:
    args.remove("--queues")
test = None
if "--test" in args:
    k = args.index("--test")
    test = args[k + 1:k + 4]
    del args[k:k + 4]
root, correction = args[0], args[1]


def load(k):
    """Origin k of ORIGINS_DIR (see block)."""
    return block(os.path.join(root, str(k)), os.path.join(root, "%d.json" % k), os.path.join(root, "%d.csv.gz" % k))


def block(folder, figures, predictions):
    """Forecasts [issues, H, n], targets, readings at and before the issue, free flow, issue hours of one benchmark
    run: its data set's folder, JSON and predictions file."""
    with gzip.open(os.path.join(folder, "speed.csv.gz"), "rt") as f:
        r = csv.reader(f)
        head = next(r)[1:]
        times, rows = [], []
        for line in r:
            times.append(line[0])
            rows.append([float(v) if v not in ("", "NaN", "nan") else np.nan for v in line[1:]])
    x = np.array(rows)
    if zero_missing:
        x[x == 0] = np.nan
    steps, n = x.shape
    train_rows = json.load(open(figures))["train_rows"]
    col = {s: j for j, s in enumerate(head)}
    index = {t: j for j, t in enumerate(times)}
    step = (np.datetime64(times[1]) - np.datetime64(times[0])) // np.timedelta64(1, "m")
    with gzip.open(predictions, "rt") as f:
        r = csv.reader(f)
        next(r)
        pred = [(index[issued], int(minutes) // step - 1, col[segment], float(p)) for issued, minutes, segment, p, *_ in r]
    leads = 1 + max(p[1] for p in pred)
    forecasts = {}
    for t, h, i, p in pred:
        forecasts.setdefault(t, np.full((leads, n), np.nan))[h, i] = p
    issues = np.array(sorted(forecasts))
    target = np.stack([np.stack([x[t + h + 1] if t + h + 1 < steps else np.full(n, np.nan) for h in range(leads)])
                       for t in issues])
    d = dict(x=np.stack([forecasts[t] for t in issues]), y=target, n0=x[issues], n1=x[issues - 1],
             n3=x[issues - 3], free=np.nanpercentile(x[:train_rows], 85, axis=0),
             hour=np.array([int(times[t][11:13]) for t in issues]), queue=queue_steps(x, train_rows)[issues],
             jam=0.6 * np.nanpercentile(x[:train_rows], 95, axis=0))
    # the reading's level against the average day held to the target: n_t mu(t+h) / mu(t), mu the mean of the
    # model's training rows per time of day (every day alike), for level-gated
    slot = np.array([(int(t[11:13]) * 60 + int(t[14:16])) // step for t in times])
    mu = np.stack([np.nanmean(np.where((slot[:train_rows] == k)[:, None], x[:train_rows], np.nan), axis=0)
                   for k in range(1440 // step)])
    ahead = np.minimum(issues[:, None] + np.arange(1, leads + 1), steps - 1)
    d["level"] = x[issues][:, None, :] * mu[slot[ahead]] / mu[slot[issues]][:, None, :]
    if channels is not None:
        for name in ("occupancy", "flow"):
            v = channel(name, times, head)
            d[name + "0"], d[name + "1"] = v[issues], v[issues - 1]
    return d


def queue_steps(x, train_rows):
    """[steps, n] how many steps in a row up to each one the road has read below 0.6 x its 95th percentile over the
    model's training rows (error_breakdown.py's congestion rule; a missing reading ends the run): 0 where it is not
    congested."""
    low = np.nan_to_num(x, nan=np.inf) < 0.6 * np.nanpercentile(x[:train_rows], 95, axis=0)   # d["jam"] below
    run = np.zeros(x.shape, dtype=int)
    for t in range(len(x)):
        run[t] = (run[t - 1] + 1) * low[t] if t else low[t]
    return run


QUEUE_EDGES = [1, 3, 6, 12]   # steps congested in a row at the issue: none, 1-2, 3-5, 6-11, 12 or more


def channel(name, times, head):
    """[steps, n] of one of the data set's other channels (--channels), on the rows and columns of a speed file."""
    with gzip.open(os.path.join(channels, name + ".csv.gz"), "rt") as f:
        r = csv.reader(f)
        columns = next(r)[1:]
        rows = {line[0]: line[1:] for line in r}
    pick = [columns.index(s) for s in head]
    return np.array([[float(rows[t][j]) for j in pick] for t in times])


def features(d, h):
    x = d["x"][:, h]
    g = d["n0"] - x
    ratio = d["n0"] / d["free"]
    lean = [g, g * (g < 0)]
    deficit = [np.maximum(c - ratio, 0) * v for c in (0.5, 0.7, 0.9) for v in (1, g)]
    changes = [d["n0"] - d["n1"], d["n0"] - d["n3"]]
    kind = correction.split("-")[0].replace("table", "all")   # a table scores the pairs "all" does
    if kind in ("queue", "level"):
        # a lean toward the reading by how long the road has been congested: the pull back to the profile that a
        # lasting queue does not bring (issue 14), one weight per lead and duration bin, none where the road flows
        # (level-gated scores the same pairs, its gap is gated_cells')
        b = np.digitize(d["queue"], QUEUE_EDGES)
        fs = [g * (b == k) for k in range(1, len(QUEUE_EDGES) + 1)]
    elif kind == "occ":
        o, do = d["occupancy0"], d["occupancy0"] - d["occupancy1"]
        fs = [np.ones_like(g), o, do, do * (o > 0.1), d["flow0"] - d["flow1"]]
    else:
        fs = {"lean": lean, "deficit": deficit, "changes": changes,
              "all": [np.ones_like(g)] + lean + deficit + changes}[kind]
    f = np.stack(fs, axis=-1)
    ok = ~np.isnan(f).any(-1) & ~np.isnan(x) & ~np.isnan(d["y"][:, h]) & ~np.isnan(ratio) & ~np.isnan(changes[1])
    f = np.nan_to_num(f)
    return f, ok


def cells(d, h):
    g = d["n0"] - d["x"][:, h]
    a = np.digitize(d["n0"] / d["free"], [0.5, 0.7, 0.9])
    b = np.digitize(g, [-5, -2, 0, 2, 5])
    c = np.digitize(d["n0"] - d["n3"], [-5, -1.5, 1.5, 5])
    return (a * 6 + b) * 5 + c


def fit(ds, h, masks):
    """The correction of lead h fitted on the pairs of ds (each restricted by its mask)."""
    if correction.endswith("-gated"):
        # the first block only; its folds alternate clock hours, or pairs of them inside a fold of alternating hours
        d, mask = ds[0], masks[0]
        hours = d["hour"] if mask.all() else d["hour"] // 2
        return lean_gated(d, h, mask, (hours % 2)[:, None] * np.ones_like(d["n0"], dtype=int))
    res = np.concatenate([(d["y"][:, h] - d["x"][:, h])[features(d, h)[1] & m] for d, m in zip(ds, masks)])
    if correction.startswith("table"):
        c = np.concatenate([cells(d, h)[features(d, h)[1] & m] for d, m in zip(ds, masks)])
        table = {}
        for cell in np.unique(c):
            s = res[c == cell]
            table[cell] = (np.median(s) if correction.endswith("median") else s.mean()) * len(s) / (len(s) + 20)
        return table
    a = np.concatenate([features(d, h)[0][features(d, h)[1] & m] for d, m in zip(ds, masks)])
    ridge = 1e-3 * np.eye(a.shape[1])
    beta = np.linalg.solve(a.T @ a + ridge * len(res), a.T @ res)
    if correction.endswith("huber"):
        for _ in range(30):
            w = np.minimum(1.0, delta / np.maximum(np.abs(res - a @ beta), 1e-9))
            aw = a * w[:, None]
            beta = np.linalg.solve(aw.T @ a + ridge * w.sum(), aw.T @ res)
    return beta


LEAN_GRID = np.arange(0, 0.61, 0.05)


def huber(e):
    a = np.abs(e)
    return np.where(a <= delta, 0.5 * e * e, delta * (a - 0.5 * delta))


def gated_cells(d, h):
    """The gap g of lead h and the cells a gated lean has one weight each for: the regimes g >= 0 and g < 0
    (lean-gated), or the queue's duration bins (queue-gated; none where the road flows)."""
    f, ok = features(d, h)
    if correction in ("queue-gated", "level-gated"):
        g = (d["n0"] if correction == "queue-gated" else d["level"][:, h]) - d["x"][:, h]
        b = np.digitize(d["queue"], QUEUE_EDGES)
        return g, ok, [b == k for k in range(1, len(QUEUE_EDGES) + 1)]
    g = f[..., 0]
    return g, ok, [g >= 0, g < 0]


def lean_gated(d, h, mask, fold_of):
    """Lean weights of lead h by cell (gated_cells), fitted on d as described above."""
    g, ok, cells = gated_cells(d, h)
    g = np.nan_to_num(g)
    ok = ok & mask
    res = d["y"][:, h] - d["x"][:, h]
    weights = np.zeros(len(cells))
    for regime, in_regime in enumerate(cells):
        chosen, sse, sae = [], np.zeros(2), np.zeros(2)
        for fo in (0, 1):
            m = ok & in_regime & (fold_of == fo)
            chosen.append(LEAN_GRID[np.argmin([huber(res[m] - l * g[m]).sum() for l in LEAN_GRID])])
        for fo in (0, 1):
            m = ok & in_regime & (fold_of != fo)
            e = res[m] - chosen[fo] * g[m]
            sse += [np.sum(e * e), np.sum(res[m] ** 2)]
            sae += [np.sum(np.abs(e)), np.sum(np.abs(res[m]))]
        if sse[0] <= sse[1] and sae[0] <= sae[1]:
            m = ok & in_regime
            weights[regime] = LEAN_GRID[np.argmin([huber(res[m] - l * g[m]).sum() for l in LEAN_GRID])]
    return weights


def corrected_error(d, h, model):
    f, ok = features(d, h)
    if correction.endswith("-gated"):
        g, _, cells = gated_cells(d, h)
        shift = sum(w * c for w, c in zip(model, cells)) * np.nan_to_num(g)
    elif correction.startswith("table"):
        shift = np.vectorize(lambda cell: model.get(cell, 0.0))(cells(d, h))
    else:
        shift = f @ model
    return np.where(ok, d["x"][:, h] - d["y"][:, h], np.nan), np.where(ok, d["x"][:, h] + shift - d["y"][:, h], np.nan)


def score(errors, leads):
    e = np.concatenate([errors[h].ravel() for h in leads])
    e = e[~np.isnan(e)]
    return math.sqrt(np.mean(e * e)), np.mean(np.abs(e))


target = load(0) if test is None else block(*test)
H = target["x"].shape[1]
short = max(1, H // 4)   # the leads up to 15 min (3 of 5-min steps, 1 of 15-min steps)
earlier = [load(k) for k in (range(1, sources + 1) if test is None else range(sources))]
everything = [np.ones_like(d["n0"], dtype=bool) for d in earlier]
fold = (target["hour"] % 2)[:, None] * np.ones_like(target["n0"], dtype=int)
base, carried, crossed = {}, {}, {}
for h in range(H):
    base[h], carried[h] = corrected_error(target, h, fit(earlier, h, everything))
    crossed[h] = np.full_like(target["n0"], np.nan)
    for f in (0, 1):
        _, e = corrected_error(target, h, fit([target], h, [fold == f]))
        crossed[h] = np.where(fold != f, e, crossed[h])
print("%s, fitted on %d earlier blocks; RMSE / MAE: model, carried, cross-fitted on the %s itself" % (
    correction, 1 if correction.endswith("-gated") else sources, "block" if test is None else "test part"))
for name, leads in (("first lead", [0]), ("pooled 15 min", range(short)), ("pooled 60 min", range(H))):
    print("%-14s %.3f / %.3f   %.3f / %.3f   %.3f / %.3f" % (name, *score(base, leads), *score(carried, leads),
                                                            *score(crossed, leads)))
if show_queues:
    # how much of the error sits in lasting queues, and what the reading (persistence) or the carried correction
    # gives there; "whole" is the block's pooled figure with the reading put in place of the forecast in those pairs
    # "and target" keeps the pairs whose target is congested too (error_breakdown.py's "queue lasts"): a split
    # that knows the queue did last, where persistence is right by construction
    print("queue at the issue >= k steps: share of pairs, of the model's squared error; RMSE / MAE there: model,"
          " persistence, carried; whole block with persistence there")
    for name, leads, also in (("first lead", [0], False), ("pooled 15 min", range(short), False),
                              ("pooled 60 min", range(H), False), ("first, and target", [0], True),
                              ("15, and target", range(short), True), ("60, and target", range(H), True)):
        for k in QUEUE_EDGES:
            q = target["queue"] >= k
            if also:
                q = q[:, None, :] & (target["y"] < target["jam"])
            persist = {h: np.where(np.isnan(base[h]), np.nan, target["n0"] - target["y"][:, h]) for h in leads}
            at = lambda h: q[:, h] if also else q
            inside = lambda e: {h: np.where(at(h), e[h], np.nan) for h in leads}
            swapped = {h: np.where(at(h), persist[h], base[h]) for h in leads}
            count = lambda e: sum(np.sum(~np.isnan(e[h])) for h in leads)
            sq = lambda e: sum(np.nansum(e[h] ** 2) for h in leads)
            print("%-17s k=%-2d %6.2f%% %5.1f%%   %.3f / %.3f   %.3f / %.3f   %.3f / %.3f   whole %.3f / %.3f -> %.3f / %.3f"
                  % (name, k, 100 * count(inside(base)) / count(base), 100 * sq(inside(base)) / sq(base),
                     *score(inside(base), leads), *score(inside(persist), leads), *score(inside(carried), leads),
                     *score(base, leads), *score(swapped, leads)))
if show_weights and not correction.startswith("table"):
    whole = np.ones_like(target["n0"], dtype=bool)
    for h in range(H):
        print("lead %2d  carried %s  on the target %s" % (h + 1, np.round(fit(earlier, h, everything), 3),
                                                        np.round(fit([target], h, [whole]), 3)))
