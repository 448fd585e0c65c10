# Against the network-mean baseline, where a --protocol kriging predictions file loses (issue 8, PEMSD8): the network
# mean's MAE now on the hidden and observed roads over the training part, the replay's rows (its last 20%) and the
# test part, and per hidden road the model's and the network mean's mean error (bias) and MAE now, with both scored
# again after each road's own mean error is removed (what is left when a road's level offset is known). Looked at
# only, never used to choose. Usage:
# python3 levelgap.py PREDICTIONS.csv.gz DATASET_DIR HIDDEN.csv TRAIN_ROWS
import sys, gzip, csv
import numpy as np
pred, folder, hidden, train = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with gzip.open(folder + '/speed.csv.gz', 'rt') as f:
    rows = list(csv.reader(f))
ids, times = rows[0][1:], {r[0]: t for t, r in enumerate(rows[1:])}
X = np.array([[float(v) if v else np.nan for v in r[1:]] for r in rows[1:]])
X[X == 0] = np.nan  # the benchmark's mask: 0 is a missing reading
hid = [ids.index(r['segment']) for r in csv.DictReader(open(hidden))]
obs = [i for i in range(len(ids)) if i not in set(hid)]
nm = np.nanmean(X[:, obs], axis=1)  # the baseline: mean of the observed readings at issue time
def mae(a, b):
    e = (a - b)[~np.isnan(a - b)]
    return np.mean(np.abs(e))
replay = train - int(round(0.2 * train))
for name, cols in (('hidden', hid), ('observed', obs)):
    print(f'network mean now, {name}: training part {mae(X[:train][:, cols], nm[:train, None]):.3f}, replay rows '
          f'{mae(X[replay:train][:, cols], nm[replay:train, None]):.3f}, test {mae(X[train:][:, cols], nm[train:, None]):.3f}')
with gzip.open(pred, 'rt') as f:
    P = [r for r in csv.DictReader(f) if r['horizon_min'] == '0']
t = np.array([times[r['issued_at']] for r in P])
s = np.array([ids.index(r['segment']) for r in P])
p = np.array([float(r['predicted']) for r in P])
y = X[t, s]
ok = ~np.isnan(y)
t, s, p, y = t[ok], s[ok], p[ok], y[ok]
em, en = p - y, nm[t] - y
print('segment mean_speed model_bias model_mae netmean_bias netmean_mae training_offset_from_netmean')
left_m = left_n = 0.0
for c in sorted(set(s)):
    m = s == c
    print(ids[c], f'{y[m].mean():.1f} {em[m].mean():.2f} {np.abs(em[m]).mean():.2f} {en[m].mean():.2f} '
          f'{np.abs(en[m]).mean():.2f} {np.nanmean(X[:train, c] - nm[:train]):.2f}')
    left_m += np.abs(em[m] - em[m].mean()).sum()
    left_n += np.abs(en[m] - en[m].mean()).sum()
print(f'test now: model {np.abs(em).mean():.3f}, network mean {np.abs(en).mean():.3f}; each road\'s mean error '
      f'removed: model {left_m / len(y):.3f}, network mean {left_n / len(y):.3f}')
