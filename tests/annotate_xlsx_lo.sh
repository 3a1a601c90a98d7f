#!/usr/bin/env bash
# Does LibreOffice open a patched annotated workbook? Not run by `cargo test` (needs
# `soffice`).
#
# Annotates tests/data/lra-lengkap.xlsx and .xlsm (see examples/make_annotate_workbook.rs)
# with the CLI, then has LibreOffice convert each copy to PDF (it opens, the Temuan sheet
# and the LRA figures are printed), to flat ODF (.fods: the author's note and the finding's
# note in one comment, the related cells' notes, the mark fills, the values) and to CSV
# (the Temuan sheet, first: the finding listed).
#
# Usage: tests/annotate_xlsx_lo.sh [WORK_DIR]   (default: a new temporary folder)
set -euo pipefail

command -v soffice >/dev/null || { echo "soffice not found: skipped"; exit 0; }
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"

(cd "$here" && cargo run -q -- check tests/data/lra-lengkap.xlsx tests/data/lra-lengkap.xlsm \
    --annotate "$work/keluar" >/dev/null) || test $? -eq 1
profile="file://$work/lo-profile"
lo() { soffice -env:UserInstallation="$profile" --headless "$@" >/dev/null 2>&1; }

for copy in "$work/keluar/lra-lengkap-xlsx.xlsx" "$work/keluar/lra-lengkap-xlsm.xlsm"; do
    test -f "$copy" || { echo "no copy at $copy"; exit 1; }
    base="$(basename "${copy%.*}")"
    lo --convert-to pdf --outdir "$work/pdf" "$copy"
    pdf="$work/pdf/$base.pdf"
    test -s "$pdf" || { echo "LibreOffice did not convert $copy to PDF"; exit 1; }
    if command -v pdftotext >/dev/null; then
        pdftotext "$pdf" - | grep -q "SL202" || { echo "$pdf lacks the Temuan sheet"; exit 1; }
        pdftotext "$pdf" - | grep -q "Belanja Pegawai" || { echo "$pdf lacks the LRA"; exit 1; }
    fi

    lo --convert-to fods --outdir "$work/fods" "$copy"
    fods="$work/fods/$base.fods"
    test -s "$fods" || { echo "LibreOffice did not convert $copy to ODF"; exit 1; }
    annotations=$(grep -o "<office:annotation[ >]" "$fods" | wc -l)
    test "$annotations" -eq 4 || { echo "$fods: $annotations comments, not 4"; exit 1; }
    # LibreOffice splits a comment's text into spans: texts are looked for without tags.
    plain="$work/fods/$base.txt"
    sed 's/<[^>]*>//g' "$fods" >"$plain"
    for needle in "Catatan penyusun: persentase dari SIPD" "— sakip-lint —" \
        "Temuan #1: SL202 (kesalahan)" "Terkait temuan #1 (SL202) di E4" \
        "Catatan penyusun: sama dengan LRA."; do
        grep -qF "$needle" "$plain" || { echo "$fods: '$needle' not read by LibreOffice"; exit 1; }
    done
    for needle in 'office:value="95.29"' 'office:value="1802517816"' \
        'fo:background-color="#ff9c9c"' 'fo:background-color="#ffe3e3"' \
        'table:name="Temuan"' 'table:name="Pagu"'; do
        grep -qF "$needle" "$fods" || { echo "$fods: '$needle' not read by LibreOffice"; exit 1; }
    done

    lo --convert-to csv --outdir "$work/csv" "$copy"
    grep -q "SL202" "$work/csv/$base.csv" || { echo "the Temuan sheet is not first"; exit 1; }
    echo "ok: $copy opens in LibreOffice: PDF $pdf, $annotations comments read"
done
echo "    ($(soffice --version | head -1))"
