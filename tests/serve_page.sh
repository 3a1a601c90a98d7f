#!/usr/bin/env bash
# Does the page `sakip-lint serve` sends render a real report? Not run by `cargo test`
# (needs node, curl and python3): starts the server, posts the Trawas fixture, then a zip
# of three submissions (Trawas, its report document, the clean Sukamaju), and runs the
# page's own script on a minimal DOM with each answer (tests/serve_page.js).
# No browser: drop events, downloads and layout are not covered here.
#
# Usage: tests/serve_page.sh
set -euo pipefail

command -v node >/dev/null || { echo "node not found: skipped"; exit 0; }
command -v curl >/dev/null || { echo "curl not found: skipped"; exit 0; }
command -v python3 >/dev/null || { echo "python3 not found: skipped"; exit 0; }
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
cd "$here"
cargo build -q
bin="${CARGO_TARGET_DIR:-target}/debug/sakip-lint"
"$bin" serve --no-open --isolated --jobs 1 >"$work/out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$work/out" ] && break; sleep 0.1; done
url="$(head -1 "$work/out")"
api="${url%%/?token=*}/api/check?token=${url#*token=}"
curl -sf "$url" -o "$work/page.html"
args=()
for f in fixtures/trawas-2024/*.xlsx; do args+=(-F "files=@$f"); done
curl -sf "$api" "${args[@]}" -o "$work/report.json"
node tests/serve_page.js "$work/page.html" "$work/report.json" "95,02" "92,81" "Tabel 3.1.4"

# A regency: the summary first, most errors first; the document's sentences shown.
python3 - "$work/regency.zip" <<'PY'
import sys, zipfile, pathlib
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for src, name in [("fixtures/clean-sukamaju/plain", "sukamaju"),
                      ("fixtures/trawas-2024", "trawas"),
                      ("fixtures/trawas-2024-laporan", "trawas-laporan")]:
        for p in sorted(pathlib.Path(src).iterdir()):
            if p.suffix in (".xlsx", ".docx"):
                z.write(p, f"regency/{name}/{p.name}")
PY
curl -sf "$api" -F "files=@$work/regency.zip" -o "$work/regency.json"
node tests/serve_page.js "$work/page.html" "$work/regency.json" "regency/trawas" "regency/sukamaju"
