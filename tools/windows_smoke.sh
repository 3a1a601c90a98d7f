#!/usr/bin/env bash
# The Windows leg, here: the program cross-compiled for Windows (x86_64-pc-windows-gnu, with
# MinGW) and packed by tools/package.sh, then run under Wine:
#   1. `check --format json` on the Trawas fixture gives the Linux build's findings;
#   2. started with no arguments (what a double-click does), it serves the page: the first
#      line is the address, /api/check answers the Trawas report, a wrong token gets 403,
#      /api/annotate gives a zip of copies that open as workbooks.
# Not part of the test command (the cross build takes minutes). Skips when a tool is missing:
#   rustup target add x86_64-pc-windows-gnu
#   apt-get install gcc-mingw-w64-x86-64 wine64
# Wine 8 (Debian 12) has no bcryptprimitives.dll, which Rust's std asks for random bytes; a
# stand-in (tools/wine/bcryptprimitives.c, calling RtlGenRandom) is built next to the
# program for the Wine run only, never packed.
# Usage: tools/windows_smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
wine=$(command -v wine64 || ls /usr/lib/wine/wine64 2>/dev/null || true)
if ! rustup target list --installed 2>/dev/null | grep -qx "$target" \
    || ! command -v x86_64-w64-mingw32-gcc >/dev/null || [ -z "$wine" ]; then
    echo "the $target target, MinGW or Wine is missing: Windows smoke test skipped"
    exit 0
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
tools/package.sh "$target"
bin="$CARGO_TARGET_DIR/$target/release"
exe="$bin/sakip-lint.exe"
x86_64-w64-mingw32-gcc -shared -o "$bin/bcryptprimitives.dll" tools/wine/bcryptprimitives.c \
    -ladvapi32 -Wl,--kill-at
work="$(mktemp -d)"
export WINEDEBUG=-all WINEARCH=win64 WINEPREFIX="$work/prefix"
server=
trap 'kill ${server:-} 2>/dev/null || true; pkill -f "sakip-lint.exe" 2>/dev/null || true; rm -rf "$work"; exit "${fail:-1}"' EXIT
fail=0
"$wine" "$exe" --version >"$work/version" 2>/dev/null || true
echo "Windows build under Wine: $(tr -d '\r' <"$work/version")"

"$wine" "$exe" check --isolated --format json fixtures/trawas-2024 >"$work/win.json" 2>/dev/null || true
cargo build -q --release
"${CARGO_TARGET_DIR}/release/sakip-lint" check --isolated --format json fixtures/trawas-2024 \
    >"$work/linux.json" || true
python3 - "$work/win.json" "$work/linux.json" <<'PY' || fail=1
import json, sys
w, l = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda d: sorted((f["code"], f["file"].replace("\\", "/"), f.get("sheet"), f.get("cell"),
                        f.get("expected"), f.get("actual")) for f in d["findings"])
ok = w["summary"] == l["summary"] and key(w) == key(l)
print(("ok   " if ok else "FAIL ") + f"check on Trawas: Windows {w['summary']}, Linux {l['summary']}")
sys.exit(0 if ok else 1)
PY

# A double-click: no arguments at all.
"$wine" "$exe" >"$work/out" 2>"$work/err" </dev/null &
server=$!
for _ in $(seq 300); do [ -s "$work/out" ] && break; sleep 0.1; done
url="$(head -1 "$work/out" | tr -d '\r')"
python3 - "$url" <<'PY' || fail=1
import io, json, sys, urllib.error, urllib.request, uuid, zipfile, glob, os
url = sys.argv[1]
if not url.startswith("http://127.0.0.1:"):
    print(f"FAIL started with no arguments, the first line is not the address: {url!r}")
    sys.exit(1)
print(f"ok   started with no arguments: {url.split('?')[0]}")
base, token = url.split("/?token=")
def post(path, tok):
    b = uuid.uuid4().hex
    body = b""
    for p in sorted(glob.glob("fixtures/trawas-2024/*.xlsx")):
        body += (f"--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{os.path.basename(p)}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + open(p, "rb").read() + b"\r\n"
    body += f"--{b}--\r\n".encode()
    req = urllib.request.Request(f"{base}{path}?token={tok}", data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={b}"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
failures = 0
status, body = post("/api/check", token)
doc = json.loads(body) if status == 200 else {}
ok = status == 200 and doc.get("summary", {}).get("error", 0) > 0
print(("ok   " if ok else "FAIL ") + f"/api/check answers the Trawas report: {status} {doc.get('summary')}")
failures += not ok
status, _ = post("/api/check", "0" * 32)
print(("ok   " if status == 403 else "FAIL ") + f"a wrong token: {status}")
failures += status != 403
status, body = post("/api/annotate", token)
copies = []
if status == 200:
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        copies = [n for n in z.namelist() if n.endswith(".xlsx")
                  and "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(z.read(n))).namelist()]
ok = status == 200 and len(copies) == 6
print(("ok   " if ok else "FAIL ") + f"/api/annotate: {status}, {len(copies)} copies that open as workbooks")
failures += not ok
sys.exit(1 if failures else 0)
PY
echo "failures: $fail"
exit "$fail"
