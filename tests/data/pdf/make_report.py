#!/usr/bin/env python3
"""Write report.docx, a small LKjIP-like report for the PDF reader's tests.

Two pages: a heading, two paragraphs, a ruled 4x5 table whose header cell spans two
columns (as Word writes it, LibreOffice exports the rules as rectangles), a long paragraph
that runs over the page break, a borderless 3x3 table, and a footer with the page number
and a two-line "Catatan" block. Then: soffice --headless --convert-to pdf report.docx
"""
import zipfile
from xml.sax.saxutils import escape

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def para(text, bold=False, size=None):
    rpr = ""
    if bold or size:
        rpr = "<w:rPr>" + ("<w:b/>" if bold else "") + \
              (f'<w:sz w:val="{size}"/>' if size else "") + "</w:rPr>"
    return f'<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def cell(text, width, span=1):
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span_xml}</w:tcPr>'
            f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>')


def table(rows, widths, borders=True):
    b = ""
    if borders:
        b = "<w:tblBorders>" + "".join(
            f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for s in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/>{b}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    for row in rows:
        out += "<w:tr>"
        col = 0
        for text, span in row:
            out += cell(text, sum(widths[col:col + span]), span)
            col += span
        out += "</w:tr>"
    return out + "</w:tbl>"


FILL = ("Pengukuran kinerja dilakukan dengan membandingkan target dan realisasi setiap "
        "indikator kinerja sasaran strategis yang telah ditetapkan dalam perjanjian kinerja. ")

body = [
    para("BAB I PENDAHULUAN", bold=True),
    para("Laporan Kinerja Instansi Pemerintah ini disusun sebagai wujud pertanggungjawaban "
         "atas pelaksanaan tugas dan fungsi Kecamatan Trawas selama tahun anggaran 2024. "
         "Laporan ini memuat capaian kinerja, realisasi anggaran, serta analisis atas "
         "keberhasilan dan hambatan yang dihadapi dalam mencapai sasaran strategis."),
    para("Penyusunan laporan mengacu pada Peraturan Menteri Pendayagunaan Aparatur Negara "
         "dan Reformasi Birokrasi Nomor 53 Tahun 2014 tentang Petunjuk Teknis Perjanjian "
         "Kinerja, Pelaporan Kinerja dan Tata Cara Reviu atas Laporan Kinerja."),
    para("Tabel 2.1 Capaian Kinerja dan Realisasi Anggaran", bold=True),
    table([
        [("Sasaran Strategis", 1), ("Anggaran (Rp)", 2), ("Capaian", 1)],
        [("Uraian", 1), ("Pagu", 1), ("Realisasi", 1), ("%", 1)],
        [("Meningkatnya kualitas pelayanan publik kecamatan", 1), ("2.416.254.056,00", 1),
         ("2.295.945.120,50", 1), ("95,02 %", 1)],
        [("Meningkatnya partisipasi masyarakat", 1), ("187.500.000,00", 1),
         ("180.262.500,00", 1), ("96,14 %", 1)],
        [("Jumlah", 1), ("2.603.754.056,00", 1), ("2.476.207.620,50", 1), ("95,10 %", 1)],
    ], [3400, 2100, 2100, 1400]),
    para("Berdasarkan tabel di atas, capaian kinerja Kecamatan Trawas tahun 2024 secara umum "
         "berada pada kategori sangat baik."),
    para(FILL * 30 + "Kalimat penutup paragraf panjang ini berakhir di halaman kedua."),
    para("Tabel 2.2 Jumlah Penduduk", bold=True),
    table([
        [("Desa", 1), ("Laki-laki", 1), ("Perempuan", 1)],
        [("Trawas", 1), ("1.204", 1), ("1.198", 1)],
        [("Ketapanrame", 1), ("2.310", 1), ("2.295", 1)],
    ], [3000, 2000, 2000], borders=False),
    para("Demikian laporan ini disusun untuk dipergunakan sebagaimana mestinya."),
]

footer = (f'<w:ftr {W}>'
          '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">Halaman </w:t></w:r>'
          '<w:fldSimple w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
          + para("Catatan : 1. Dokumen ini telah ditandatangani secara elektronik menggunakan "
                 "sertifikat elektronik yang diterbitkan BSrE", size=16)
          + para("2. Dokumen ini dapat dibuktikan keasliannya dengan memindai QR Code", size=16)
          + '</w:ftr>')

sect = ('<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/>'
        '<w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" '
        'w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>')
document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>' \
           + "".join(body) + sect + '</w:body></w:document>'

with zipfile.ZipFile("report.docx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml",
               '<?xml version="1.0" encoding="UTF-8"?>'
               '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
               '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
               '</Types>')
    z.writestr("_rels/.rels",
               '<?xml version="1.0" encoding="UTF-8"?>'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
               '</Relationships>')
    z.writestr("word/_rels/document.xml.rels",
               '<?xml version="1.0" encoding="UTF-8"?>'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
               '</Relationships>')
    z.writestr("word/document.xml", document)
    z.writestr("word/footer1.xml", footer)
