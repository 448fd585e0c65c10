#!/usr/bin/env bash
# Rolling origins inside the training part (issue 14): does a correction fitted on one day's forecasts carry to the
# next day? OUT/DATASET/0 holds the training part of the data set (the first train_rows rows, as
# nested_validation.sh builds), OUT/DATASET/k the first 80% of OUT/DATASET/k-1's rows; in each the T-GCN benchmark
# writes k.json and k.csv.gz (its model trained on 80% of the folder's rows, scored on the rest). So k.csv.gz holds
# the forecasts of the block just before k-1.csv.gz's, made by a model trained on everything before that block: what
# the model's validation block is to the test part. Nothing of the test part is read.
# benchmarks/correction_carryover.py fits corrections on k >= 1 and scores them on 0.
#
# usage: benchmarks/rolling_origins.sh OUT DATASET [ORIGINS]   (ORIGINS default 3; DATASET a name under
#        ../shared/datasets or a folder of one, e.g. a generated city; OUT/NAME is made with the folder's name)
set -euo pipefail
out=${1:?usage: rolling_origins.sh OUT DATASET [ORIGINS]}; ds=${2:?dataset}; origins=${3:-3}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/../shared/datasets/$ds"
if [ -d "$ds" ]; then data="$(cd "$ds" && pwd)"; ds=$(basename "$data"); fi
prev="$data/speed.csv.gz"
for k in $(seq 0 "$origins"); do
  dir="$out/$ds/$k"; mkdir -p "$dir"
  for f in README.md sensors.csv edges.csv; do if [ -e "$data/$f" ]; then ln -sf "$data/$f" "$dir/$f"; fi; done
  steps=$(( $(zcat "$prev" | wc -l) - 1 ))
  keep=$(( steps * 4 / 5 ))   # the rows the tgcn protocol trains on (JSON train_rows)
  zcat "$prev" | awk -v last=$(( keep + 1 )) 'NR <= last' | gzip > "$dir/speed.csv.gz"
  prev="$dir/speed.csv.gz"
  nice "$root/roadcast" benchmark --dataset "$dir" --protocol tgcn --quiet --json "$out/$ds/$k.json" \
    --predictions "$out/$ds/$k.csv.gz"
done
