#!/usr/bin/env bash
# Does LibreOffice open an annotated Word copy? Not run by `cargo test` (needs `soffice`).
#
# Writes the test package of tests/annotate_docx.rs and its annotated copy (the test
# `sample_for_libreoffice` with SAKIP_DOCX_SAMPLE set), then has LibreOffice convert the
# copy to PDF (it opens) and to flat ODF text (its comments are read: author sakip-lint,
# the findings' codes, the author's own comment kept).
#
# Then the same for the Trawas report (fixtures/trawas-2024-laporan, its .docx alone):
# `sakip-lint check --annotate` writes its copy, LibreOffice converts it to PDF with the
# comments printed in the margin and to flat ODF, where every finding of the JSON report
# must be a comment by sakip-lint; the page of an SL706 sentence is rendered as a PNG (with
# SAKIP_PNG=FILE it is written there: docs/annotated-laporan.png was made so).
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

# The Trawas report.
trawas="fixtures/trawas-2024-laporan/laporan-kinerja-trawas-2024.docx"
status=0
(cd "$here" && cargo run -q -- check "$trawas" --isolated --format json \
    --output "$work/trawas.json" --annotate "$work/trawas") || status=$?
[ "$status" -le 1 ] || { echo "sakip-lint failed on $trawas (exit $status)"; exit 1; }
tcopy="$work/trawas/laporan-kinerja-trawas-2024.docx"
test -f "$tcopy" || { echo "no copy at $tcopy"; exit 1; }
findings=$(grep -o '"code": "SL[0-9]*"' "$work/trawas.json" | wc -l)
[ "$findings" -gt 0 ] || { echo "no findings for $trawas"; exit 1; }

lo --convert-to fodt --outdir "$work/trawas-fodt" "$tcopy"
tfodt="$work/trawas-fodt/laporan-kinerja-trawas-2024.fodt"
test -s "$tfodt" || { echo "LibreOffice did not convert the Trawas copy to ODF"; exit 1; }
tours=$(grep -o "<dc:creator>sakip-lint</dc:creator>" "$tfodt" | wc -l)
[ "$tours" -eq "$findings" ] \
    || { echo "$findings findings but $tours sakip-lint comments read by LibreOffice"; exit 1; }

# The PDF, comments in the margin where LibreOffice can (ExportNotesInMargin is honoured
# from LibreOffice 7.5; 7.4 exports them as PDF note annotations, drawn as note icons).
lo --convert-to 'pdf:writer_pdf_Export:{"ExportNotesInMargin":{"type":"boolean","value":"true"}}' \
    --outdir "$work/trawas-pdf" "$tcopy"
tpdf="$work/trawas-pdf/laporan-kinerja-trawas-2024.pdf"
test -s "$tpdf" || { echo "LibreOffice did not convert the Trawas copy to PDF"; exit 1; }
echo "ok: $tcopy opens in LibreOffice; $findings findings, $tours sakip-lint comments read"
if command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null; then
    pages=$(pdfinfo "$tpdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    # The page of the sentence "… dengan target 91 % terealisasi 92,81 % …" (SL706).
    page=""
    for n in $(seq 1 "$pages"); do
        if pdftotext -f "$n" -l "$n" "$tpdf" - 2>/dev/null | grep -q "terealisasi 92,81"; then
            page=$n
            break
        fi
    done
    [ -n "$page" ] || { echo "the PDF lacks the sentence of SL706"; exit 1; }
    echo "    PDF: $tpdf ($pages pages); the SL706 sentence on page $page"
    if command -v pdftoppm >/dev/null; then
        pdftoppm -png -r 70 -f "$page" -l "$page" -singlefile "$tpdf" "$work/trawas-page" 2>/dev/null
        echo "    page $page as PNG: $work/trawas-page.png"
        if [ -n "${SAKIP_PNG:-}" ]; then cp "$work/trawas-page.png" "$SAKIP_PNG"; fi
    fi
fi
