#!/usr/bin/env bash
# Nested validation for choosing model designs without the test part (issue 14): for each data set, a folder in
# OUT holding only the training part of its speed.csv.gz (the first train_rows rows the tgcn protocol trains on,
# i.e. 80% of the steps), with links to its README, sensors and edges; then the same benchmark on it, so the model
# trains on 80% of the training part and is scored on the rest. Compare the JSONs of two builds (or settings).
#
# usage: benchmarks/nested_validation.sh OUT [DATASET...]   (default: los-loop pemsd8-partial sz-taxi-40roads)
set -euo pipefail
out=${1:?usage: nested_validation.sh OUT [DATASET...]}; shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/../shared/datasets"
sets=("$@"); [ ${#sets[@]} -gt 0 ] || sets=(los-loop pemsd8-partial sz-taxi-40roads)
for ds in "${sets[@]}"; do
  dir="$out/$ds"; mkdir -p "$dir"
  for f in README.md sensors.csv edges.csv; do ln -sf "$data/$ds/$f" "$dir/$f"; done
  steps=$(( $(zcat "$data/$ds/speed.csv.gz" | wc -l) - 1 ))
  train=$(( steps * 4 / 5 ))   # the rows the tgcn protocol trains on (JSON train_rows)
  zcat "$data/$ds/speed.csv.gz" | awk -v last=$(( train + 1 )) 'NR <= last' | gzip > "$dir/speed.csv.gz"
  "$root/roadcast" benchmark --dataset "$dir" --protocol tgcn --quiet --json "$out/$ds.json"
done
