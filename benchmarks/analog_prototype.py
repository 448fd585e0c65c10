#!/usr/bin/env python3
"""Analog (nearest-neighbour-in-time) forecasts blended with the model's, a prototype outside the product (issue 14,
helper h4; README "Analog forecasts blended with the model"). Needs numpy.

For each issue time t and segment i of a block of benchmark forecasts, two analog forecasts from the rows the block's
model trained on (the library; slot means per day type as the profile P, deviations D = speed - P):
  dev:  P(t+h) + sum_m w_m D_i(s_m + h), the s_m the 20 library times (within +-2 h of t's time of day) whose last 3
        deviations of segment i, standardised by its deviation's std, are nearest t's; w_m = exp(-d_m / median d);
  anom: the same with the last 6 deviations, as D_i(t) + P(t+h) + sum_m w_m (D_i(s_m + h) - D_i(s_m)).
The served forecast x becomes x + a_h (dev - x) + b_h (anom - x), a_h and b_h per lead by least squares on the block
before (b only at leads up to 15 min: the design chosen on Los-loop's nested validation; `--anom-leads` steps), i.e.
fitted where the product fits its blend weights and applied unchanged to the next block. Steps of 5 or 15 minutes:
leads up to 60 min, time-of-day window +-2 h, weekday and weekend slot means.

usage: analog_prototype.py ORIGINS [--anom-leads L] [--grid] [--gated] [--library-days D] [--zero-is-missing]
                           [--test DATASET_DIR PREDICTIONS.csv.gz]
  ORIGINS: OUT/DATASET of `benchmarks/rolling_origins.sh OUT DATASET 2` (k/speed.csv.gz and k.csv.gz, k = 0, 1, 2);
  weights fitted on origin k+1's forecasts are scored on origin k's (the training part only).
  --test: weights fitted on origin 0's forecasts (the test model's own validation block) applied to the test part's
  forecasts of `./roadcast benchmark --dataset DATASET_DIR --protocol tgcn --predictions F` (a post-hoc estimate of
  what a kernel term could give; nothing is chosen on it).
  --grid: per lead the (a, b) of a grid -0.2, -0.15, .., 0.8 with the lowest SSE / SSE(0) + SAE / SAE(0) on the block
  (least squares otherwise). --library-days D: the library is the last D days of the training rows only.
  --gated: a lead keeps its weights only where, cross-fitted over alternating clock hours of the block they are
  fitted on, they lower its SSE without raising its SAE (the gate of the product's blend terms).
Prints RMSE / MAE / Accuracy pooled at 15 and 60 min (T-GCN pooling, as the benchmark scores).
"""
import csv, gzip, math, sys, warnings
from datetime import datetime
import numpy as np

# a slot where a road never had a reading (SZ-taxi's zeros) has no mean: NaN, which the analogs read as "at the profile"
warnings.simplefilter("ignore", RuntimeWarning)

NEAREST = 20
TOD_WINDOW_MIN = 120  # library times within this many minutes of the issue time of day
LIBRARY_DAYS = None   # --library-days: only the last days of the training rows (what a model file could carry)
GRID = False          # --grid: weights by SSE / SSE(0) + SAE / SAE(0) on a grid, as the nowcast smoothing's are fitted


def load(speed_path, pred_path, zero_missing):
    with gzip.open(speed_path, "rt") as f:
        r = csv.reader(f)
        segs = next(r)[1:]
        times, rows = [], []
        for line in r:
            times.append(datetime.fromisoformat(line[0]))
            rows.append([float(v) if v not in ("", "NaN", "nan") else np.nan for v in line[1:]])
    Y = np.array(rows)
    if zero_missing:
        Y[Y == 0] = np.nan
    step = int((times[1] - times[0]).total_seconds()) // 60
    leads = 60 // step
    col = {s: k for k, s in enumerate(segs)}
    index = {t: k for k, t in enumerate(times)}
    issues = {}
    with gzip.open(pred_path, "rt") as f:
        r = csv.reader(f)
        next(r)
        for issued, hmin, seg, pred, _, _ in r:
            a = issues.setdefault(index[datetime.fromisoformat(issued)], np.full((leads, len(segs)), np.nan))
            a[int(hmin) // step - 1, col[seg]] = float(pred)
    ts = np.array(sorted(issues))
    return times, step, Y, ts, np.stack([issues[t] for t in ts])


class Block:
    """One block of forecasts with its analogs (library: the first 80% of its folder's rows)."""

    def __init__(self, speed_path, pred_path, zero_missing):
        times, self.step, self.Y, self.ts, self.P = load(speed_path, pred_path, zero_missing)
        self.H = H = 60 // self.step
        SLOTS = 1440 // self.step
        T, n = self.Y.shape
        lib_end = T * 4 // 5   # the rows the tgcn protocol trains on (JSON train_rows)
        slot = np.array([(t.hour * 60 + t.minute) // self.step for t in times])
        weekend = np.array([t.weekday() >= 5 for t in times]).astype(int)
        # slot mean per day type over the library rows (all days' where a type has none), smoothed over +-2 slots
        prof = np.full((2, SLOTS, n), np.nan)
        both = np.full((SLOTS, n), np.nan)
        for s in range(SLOTS):
            m = slot[:lib_end] == s
            if m.any():
                both[s] = np.nanmean(self.Y[:lib_end][m], axis=0)
            for d in (0, 1):
                if (m & (weekend[:lib_end] == d)).any():
                    prof[d, s] = np.nanmean(self.Y[:lib_end][m & (weekend[:lib_end] == d)], axis=0)
        for s in range(SLOTS):
            if np.isnan(both[s]).all():
                both[s] = both[s - 1]
        prof = np.where(np.isnan(prof), both[None], prof)
        prof = sum(np.roll(prof, j, axis=1) for j in range(-2, 3)) / 5
        self.profile = prof[weekend, slot]                         # [T, n]
        self.hours = np.array([times[t].hour for t in self.ts])
        D = self.Y - self.profile
        self.dev = self.analogs(D, slot, SLOTS, lib_end, 3, anomaly=False)
        self.anom = self.analogs(D, slot, SLOTS, lib_end, 6, anomaly=True)

    def analogs(self, D, slot, SLOTS, lib_end, K, anomaly):
        T, n = D.shape
        H = self.H
        ts = self.ts
        Z = np.nan_to_num(D / np.nanstd(D[:lib_end], axis=0))
        F = np.stack([Z[j:T - K + 1 + j] for j in range(K)], axis=2)   # row i: the K deviations up to time i + K - 1
        first = K - 1 if LIBRARY_DAYS is None else max(K - 1, lib_end - int(LIBRARY_DAYS * SLOTS))
        lib = np.arange(first, lib_end - H)
        gap = np.abs(slot[lib][None] - slot[ts][:, None])
        allowed = np.minimum(gap, SLOTS - gap) <= TOD_WINDOW_MIN // self.step
        allowed &= np.abs(lib[None] - ts[:, None]) > 2 * H
        leads = np.arange(1, H + 1)
        target = np.minimum(ts[:, None] + leads[None], T - 1)
        out = np.full((len(ts), H, n), np.nan)
        for i in range(n):
            d2 = ((F[ts - K + 1, i][:, None] - F[lib - K + 1, i][None]) ** 2).mean(axis=2)
            d2 = np.where(allowed, d2, np.inf)
            o = np.argpartition(d2, NEAREST, axis=1)[:, :NEAREST]
            dd = np.take_along_axis(d2, o, axis=1)
            w = np.exp(-dd / (np.median(dd, axis=1, keepdims=True) + 1e-9))
            w /= w.sum(axis=1, keepdims=True)
            s = lib[o]
            after = np.nan_to_num(D[s[:, :, None] + leads[None, None], i])   # a missing value: at the profile
            if anomaly:
                after = after - np.nan_to_num(D[s, i])[:, :, None]
            out[:, :, i] = self.profile[target, i] + np.einsum("im,imh->ih", w, after)
            if anomaly:
                out[:, :, i] += D[ts, i][:, None]
        out[ts[:, None] + leads[None] >= T] = np.nan
        return out

    def regressors(self, anom_leads):
        anom = self.anom.copy()
        anom[:, anom_leads:] = self.P[:, anom_leads:]   # a zero regressor beyond the anomaly's leads
        # no analog (no reading at the issue time): the model's forecast, so every predictor keeps the same pairs
        return [np.where(np.isnan(R), self.P, R) for R in (self.dev, anom)]

    def weights(self, anom_leads, issues=None):
        """[H, 2] least-squares weights per lead of x + a (dev - x) + b (anom - x) on this block (its issues where
        `issues`)"""
        W = np.zeros((self.H, 2))
        for k in range(self.H):
            ok = self.ts + k + 1 < len(self.Y)
            if issues is not None:
                ok &= issues
            x = self.P[ok, k]
            G = np.stack([R[ok, k] - x for R in self.regressors(anom_leads)], axis=-1).reshape(-1, 2)
            e = (self.Y[self.ts[ok] + k + 1] - x).ravel()
            m = ~np.isnan(e) & ~np.isnan(G).any(axis=1)
            use = [j for j in range(2) if np.abs(G[m, j]).sum() > 0]
            if not GRID:
                W[k, use] = np.linalg.lstsq(G[m][:, use], e[m], rcond=None)[0]
                continue
            g, r = G[m], e[m]
            sse0, sae0 = (r ** 2).sum(), np.abs(r).sum()
            steps = np.round(np.arange(-0.2, 0.81, 0.05), 2)
            best = np.inf
            for a in steps:
                for b in (steps if 1 in use else [0.0]):
                    x = r - a * g[:, 0] - b * g[:, 1]
                    c = (x ** 2).sum() / sse0 + np.abs(x).sum() / sae0
                    if c < best:
                        best, W[k] = c, (a, b)
        return W

    def gated(self, anom_leads):
        """the weights of this block, kept at a lead only where, cross-fitted over alternating clock hours (weights
        fitted on one fold scored on the other), they lower the squared and do not raise the absolute error: the
        gate of the product's blend terms"""
        W = self.weights(anom_leads)
        odd = self.hours % 2 == 1
        cross = self.P.copy()
        for fold in (odd, ~odd):
            cross[fold] = self.blended(self.weights(anom_leads, ~fold), anom_leads)[fold]
        for k in range(self.H):
            ok = self.ts + k + 1 < len(self.Y)
            y = self.Y[self.ts[ok] + k + 1]
            e0, e1 = y - self.P[ok, k], y - cross[ok, k]
            if not (np.nansum(e1 ** 2) < np.nansum(e0 ** 2) and np.nansum(np.abs(e1)) <= np.nansum(np.abs(e0))):
                W[k] = 0
        return W

    def blended(self, W, anom_leads):
        return self.P + sum(W[None, :, j, None] * (R - self.P) for j, R in enumerate(self.regressors(anom_leads)))

    def score(self, P):
        T = len(self.Y)
        parts = []
        for minutes in (15, 60):
            L = minutes // self.step
            sel = self.ts <= T - 1 - L
            y = np.concatenate([self.Y[self.ts[sel] + k + 1].ravel() for k in range(L)])
            e = y - np.concatenate([P[sel, k].ravel() for k in range(L)])
            m = ~np.isnan(e)
            parts.append("%d min %.3f / %.3f / %.4f" % (minutes, math.sqrt(np.mean(e[m] ** 2)), np.mean(np.abs(e[m])),
                                                        1 - math.sqrt(np.sum(e[m] ** 2) / np.sum(y[m] ** 2))))
        return ", ".join(parts)


def main():
    args = sys.argv[1:]
    origins = args[0]
    zero = "--zero-is-missing" in args
    global LIBRARY_DAYS, GRID
    if "--library-days" in args:
        LIBRARY_DAYS = float(args[args.index("--library-days") + 1])
    GRID = "--grid" in args
    blocks = {k: Block(f"{origins}/{k}/speed.csv.gz", f"{origins}/{k}.csv.gz", zero) for k in (0, 1, 2)}
    fitted = (lambda b: b.gated(anom_leads)) if "--gated" in args else (lambda b: b.weights(anom_leads))
    anom_leads = int(args[args.index("--anom-leads") + 1]) if "--anom-leads" in args else 15 // blocks[0].step
    for fit, scored in ((1, 0), (2, 1)):
        b = blocks[scored]
        W = fitted(blocks[fit])
        print(f"origin {scored} (weights from origin {fit}): model {b.score(b.P)}")
        print(f"   with the analogs {b.score(b.blended(W, anom_leads))}")
        print("   a", np.round(W[:, 0], 2), "\n   b", np.round(W[:, 1], 2))
    if "--test" in args:
        j = args.index("--test")
        b = Block(f"{args[j + 1]}/speed.csv.gz", args[j + 2], zero)
        W = fitted(blocks[0])
        print(f"test part (weights from origin 0): model {b.score(b.P)}")
        print(f"   with the analogs {b.score(b.blended(W, anom_leads))}")


if __name__ == "__main__":
    main()
