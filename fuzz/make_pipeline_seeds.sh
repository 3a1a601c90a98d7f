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
# The same workbooks re-zipped without compression, so that mutations of their XML reach
# the XML readers instead of breaking a deflate stream (needs python3; skipped without).
if command -v python3 >/dev/null; then
  python3 - "$out" <<'PY'
import sys, zipfile, io, glob, os
out = sys.argv[1]
exts = ["xlsx", "xls", "ods", "xlsb", "xlsm"]
for f in sorted(glob.glob("fixtures/clean-sukamaju/plain/*")
                + glob.glob("fixtures/read/*") + glob.glob("fixtures/bad/sel-jauh*")):
    ext = f.rsplit(".", 1)[-1]
    if ext not in ("xlsx", "ods") or os.path.getsize(f) > 100000:
        continue
    try:
        src = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        continue
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info), zipfile.ZIP_STORED)
    if len(buf.getvalue()) > 60000:
        continue
    name = "stored--" + f[len("fixtures/"):].replace("/", "--")
    with open(os.path.join(out, name), "wb") as w:
        w.write(bytes([exts.index(ext) + 5]) + buf.getvalue())
PY
fi
echo "$(ls "$out" | wc -l) seeds in $out"
