#!/usr/bin/env bash
# The page of `sakip-lint serve` in headless Chromium (not run by `cargo test`).
# Installs Debian's chromium and chromium-driver when missing and apt-get can (as root),
# skips otherwise. Starts the server, chromedriver and a page on another origin, then runs
# tests/serve_browser.py (plain WebDriver over HTTP), which also writes the README's
# screenshots docs/serve-trawas.png and docs/serve-kabupaten.png.
#
# Usage: tests/serve_browser.sh
set -euo pipefail
if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null \
        && apt-get install -y chromium chromium-driver >/dev/null 2>&1; then
        echo "installed Debian's chromium and chromium-driver"
    else
        echo "chromium/chromedriver not found and cannot be installed: browser test skipped"
        exit 0
    fi
fi
command -v python3 >/dev/null || { echo "python3 not found: skipped"; exit 0; }
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
cd "$here"
cargo build -q
bin="${CARGO_TARGET_DIR:-target}/debug/sakip-lint"
"$bin" serve --no-open --isolated --jobs 2 >"$work/out" 2>/dev/null &
server=$!
driver_port=$((20000 + RANDOM % 10000))
chromedriver --port="$driver_port" >/dev/null 2>&1 &
driver=$!
other_port=$((30000 + RANDOM % 10000))
mkdir -p "$work/other"
echo "<!doctype html><title>elsewhere</title><p>another site</p>" >"$work/other/index.html"
python3 -m http.server "$other_port" --bind 127.0.0.1 --directory "$work/other" >/dev/null 2>&1 &
other=$!
trap 'kill $server $driver $other 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 200); do [ -s "$work/out" ] && break; sleep 0.1; done
# chromedriver and the other site answer once they are up (a cold machine takes a while).
for _ in $(seq 200); do
    python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$driver_port/status', timeout=1); u.urlopen('http://127.0.0.1:$other_port/', timeout=1)" 2>/dev/null && break
    sleep 0.1
done
python3 tests/serve_browser.py "$(head -1 "$work/out")" "http://127.0.0.1:$driver_port" \
    "$here" "$work" "http://127.0.0.1:$other_port/"
