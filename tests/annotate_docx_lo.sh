#!/usr/bin/env bash
# Does LibreOffice open an annotated Word copy? Not run by `cargo test` (needs `soffice`).
#
# Writes the test package of tests/annotate_docx.rs and its annotated copy (the test
# `sample_for_libreoffice` with SAKIP_DOCX_SAMPLE set), then has LibreOffice convert the
# copy to PDF (it opens) and to flat ODF text (its comments are read: author sakip-lint,
# the findings' codes, the author's own comment kept).
#
# Usage: tests/annotate_docx_lo.sh [WORK_DIR]   (default: a new temporary folder)
set -euo pipefail

command -v soffice >/dev/null || { echo "soffice not found: skipped"; exit 0; }
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"

(cd "$here" && SAKIP_DOCX_SAMPLE="$work" cargo test -q --test annotate_docx sample_for_libreoffice >/dev/null)
copy="$work/keluar/laporan.docx"
test -f "$copy" || { echo "no copy at $copy"; exit 1; }

# A private profile, so that a running LibreOffice of the user is left alone.
profile="file://$work/lo-profile"
lo() { soffice -env:UserInstallation="$profile" --headless "$@" >/dev/null 2>&1; }

lo --convert-to pdf --outdir "$work/pdf" "$copy"
test -s "$work/pdf/laporan.pdf" || { echo "LibreOffice did not convert the copy to PDF"; exit 1; }
if command -v pdftotext >/dev/null; then
    pdftotext "$work/pdf/laporan.pdf" - | grep -q "Demikian laporan ini" \
        || { echo "the PDF lacks the document's text"; exit 1; }
fi

lo --convert-to fodt --outdir "$work/fodt" "$copy"
fodt="$work/fodt/laporan.fodt"
test -s "$fodt" || { echo "LibreOffice did not convert the copy to ODF"; exit 1; }
annotations=$(grep -o "<office:annotation[ >]" "$fodt" | wc -l)
ours=$(grep -o "<dc:creator>sakip-lint</dc:creator>" "$fodt" | wc -l)
for code in SL101 SL102 SL103 SL104 SL105 SL106 SL107; do
    grep -q "$code" "$fodt" || { echo "comment $code not read by LibreOffice"; exit 1; }
done
grep -q "Mohon dicek lagi." "$fodt" || { echo "the author's comment is lost"; exit 1; }

echo "ok: $copy opens in LibreOffice ($(soffice --version | head -1))"
echo "    PDF: $work/pdf/laporan.pdf; $annotations comments read, $ours by sakip-lint"
