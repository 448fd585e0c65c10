# Per hidden sensor: MAE now of a --protocol kriging predictions file against Los-loop's speeds, by road distance to
# the nearest observed sensor (shortest road paths over edges.csv, the shorter direction). Usage:
# python3 pernode.py PREDICTIONS.csv.gz [HIDDEN.csv]
import sys, gzip, csv
import numpy as np
from data import load_edges, apsp
pred = sys.argv[1]
hidden = sys.argv[2] if len(sys.argv) > 2 else '/work/shared/datasets/los-loop/kriging-test-nodes.csv'
with gzip.open('/work/shared/datasets/los-loop/speed.csv.gz', 'rt') as f:
    r = csv.reader(f); ids = next(r)[1:]; truth = {row[0]: row[1:] for row in r}
n = len(ids); D = apsp(n, load_edges('los-loop', ids)); Ds = np.minimum(D, D.T)
hid = [r['segment'] for r in csv.DictReader(open(hidden))]
hidx = {ids.index(h) for h in hid}; obs = np.array([i for i in range(n) if i not in hidx])
ae = {h: [] for h in hid}
with gzip.open(pred, 'rt') as f:
    for row in csv.DictReader(f):
        t = truth.get(row['issued_at'])
        if row['horizon_min'] != '0' or t is None or t[ids.index(row['segment'])] == '':
            continue
        ae[row['segment']].append(abs(float(row['predicted']) - float(t[ids.index(row['segment'])])))
m = np.array([np.mean(ae[h]) for h in hid]); near = np.array([Ds[ids.index(h), obs].min() for h in hid])
print('MAE now %.3f over %d sensors' % (m.mean(), len(hid)))
for lo, hi in [(0, 500), (500, 1500), (1500, np.inf)]:
    s = (near >= lo) & (near < hi)
    print('nearest observed in [%g, %g) m: %d sensors, MAE %.2f' % (lo, hi, s.sum(), m[s].mean()))
print('5 worst sensors hold %.0f%% of the error: %s' % (100 * np.sort(m)[-5:].sum() / m.sum(),
      ', '.join('%s %.1f' % (hid[i], m[i]) for i in np.argsort(-m)[:5])))
