#!/usr/bin/env bash
# Build the release binary for this machine and pack it for users:
#   dist/sakip-lint-VERSION-TARGET.tar.gz (Linux, macOS) or .zip (Windows), holding the
#   program, README.md, SECURITY.md and a short MULAI.txt (how to start it, in Indonesian).
# The rules are compiled into the program: nothing else is needed to run it.
# Used by .github/workflows/release.yml on each platform; run here for the Linux leg.
# Usage: tools/package.sh [TARGET]   (default: the host's target triple)
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-$(rustc -vV | sed -n 's/^host: //p')}"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
cargo build --release --locked --target "$target"

exe=sakip-lint
case "$target" in *windows*) exe=sakip-lint.exe ;; esac
name="sakip-lint-$version-$target"
stage="dist/$name"
rm -rf "$stage"
mkdir -p "$stage"
cp "${CARGO_TARGET_DIR:-target}/$target/release/$exe" README.md SECURITY.md "$stage/"
cat > "$stage/MULAI.txt" <<'TXT'
sakip-lint — memeriksa lampiran dan laporan LKjIP (SAKIP)

Cara memakai tanpa terminal:
  1. Klik dua kali sakip-lint (Windows: sakip-lint.exe). Sebuah jendela kecil terbuka dan
     halaman pemeriksaan terbuka di peramban (browser).
  2. Seret berkas Excel, laporan (.docx/.pdf), atau satu .zip berisi folder kecamatan ke
     halaman itu. Temuan tampil per berkas, dengan sel dan nilai yang benar.
  3. Biarkan jendela kecil itu terbuka selama memakai halaman; tutup jendela itu untuk
     berhenti. Tidak ada berkas yang dikirim ke luar komputer ini.

Dari terminal: sakip-lint check FOLDER   (lihat README.md)
TXT
case "$target" in
*windows*)
    (cd dist && rm -f "$name.zip" && { 7z a -tzip "$name.zip" "$name" >/dev/null 2>&1 \
        || powershell -NoProfile -Command "Compress-Archive -Force -Path '$name' -DestinationPath '$name.zip'" 2>/dev/null \
        || python3 -m zipfile -c "$name.zip" "$name"; })
    echo "dist/$name.zip"
    ;;
*)
    tar -C dist -czf "dist/$name.tar.gz" "$name"
    echo "dist/$name.tar.gz"
    ;;
esac
