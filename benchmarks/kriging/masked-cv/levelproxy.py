# Does a detector's place in the road graph tell its level? (issue 8, PEMSD8's level offset, README.) On the
# observed detectors only (the hidden file's are left out), training part: each one's mean speed less the median of
# them all, against its in/out degree in edges.csv, its nearest up/downstream distances and how many detectors it
# reaches downstream or is reached from upstream (Spearman). Run: DS=pemsd8-partial python3 levelproxy.py ../pemsd8-random25.csv
import sys, csv, numpy as np
from scipy.stats import spearmanr
from h import X, Dm, Dsym, ids, N, TR, _DS
from data import read_hidden
obs = np.array(sorted(set(range(N)) - set(read_hidden(sys.argv[1], ids))))
lvl = X[:TR].mean(0); off = lvl - np.median(lvl[obs]); idx = {s: i for i, s in enumerate(ids)}
outd, ind = np.zeros(N), np.zeros(N); dout, din = np.full(N, np.inf), np.full(N, np.inf)
for r in csv.DictReader(open('/work/shared/datasets/' + _DS + '/edges.csv')):
    a, b, d = idx[r['from']], idx[r['to']], float(r['distance']); outd[a] += 1; ind[b] += 1
    dout[a] = min(dout[a], d); din[b] = min(din[b], d)
proxies = {'out degree': outd, 'in degree': ind, 'nearest downstream': dout, 'nearest upstream': din,
           'reached downstream': np.isfinite(Dm).sum(1) - 1, 'reached from upstream': np.isfinite(Dm).sum(0) - 1,
           'nearest either way': np.sort(np.where(np.eye(N, dtype=bool), np.inf, Dsym), 1)[:, 0]}
print('%d observed detectors: level offset std %.2f mph, mean |offset| %.2f' % (len(obs), off[obs].std(), np.abs(off[obs]).mean()))
for k, v in proxies.items():
    ok = obs[np.isfinite(v[obs])]; print('%-22s Spearman %6.3f (%d)' % (k, spearmanr(v[ok], off[ok]).correlation, len(ok)))
