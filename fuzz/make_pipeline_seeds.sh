#!/usr/bin/env bash
# Seed corpus for the `pipeline` target, from the small fixture workbooks: each seed is one
# selector byte (extension index in fuzz_targets/pipeline.rs, +5 on every other seed so
# that formula texts and styles are read too) followed by the workbook's bytes.
# Usage (from the repository root): bash fuzz/make_pipeline_seeds.sh [OUT_DIR]
set -euo pipefail
out=${1:-fuzz/corpus/pipeline}
mkdir -p "$out"
exts=(xlsx xls ods xlsb xlsm)
n=0
for f in fixtures/clean-sukamaju/*/* fixtures/bad/* fixtures/read/*; do
  ext=${f##*.}
  idx=-1
  for i in "${!exts[@]}"; do [[ ${exts[$i]} == "$ext" ]] && idx=$i; done
  (( idx >= 0 )) || continue
  (( $(stat -c %s "$f") <= 100000 )) || continue
  sel=$(( idx + (n % 2) * 5 ))
  name=${f#fixtures/}
  { printf "\\x$(printf %02x "$sel")"; cat "$f"; } > "$out/${name//\//--}"
  n=$((n + 1))
done
echo "$n seeds in $out"
