#!/usr/bin/env python3
"""Write the hostile PDFs the PDF reader's tests read (each a few KB at most).

Run from this folder: python3 make_hostile.py
"""
import zlib


def pdf(objects, trailer_extra="", broken_xref=False, root=1):
    """A PDF with the given objects (number -> body bytes) and a classic xref table."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        off = offsets.get(num, 0)
        if broken_xref:
            off = (off * 7 + 13) % 100000  # every offset wrong
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R %s >>\n" % (size, root, trailer_extra.encode())
    out += b"startxref\n%d\n%%%%EOF\n" % (xref + (99999 if broken_xref else 0))
    return bytes(out)


def stream(dict_entries, data):
    return b"<< %s /Length %d >>\nstream\n" % (dict_entries, len(data)) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 12 Tf 72 720 Td (Laporan kinerja tahun 2024.) Tj ET"


def simple_page(content, resources=b"<< /Font << /F1 4 0 R >> >>"):
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
           + resources + b" /Contents 5 0 R >>",
        4: FONT,
        5: content,
    }


def deflate_zeros(total):
    """zlib stream of `total` zero bytes, compressed chunk by chunk."""
    c = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    out = bytearray()
    for _ in range(total >> 20):
        out += c.compress(chunk)
    return bytes(out + c.flush())


files = {}

# A text PDF whose xref offsets and startxref are all wrong.
files["broken-xref.pdf"] = pdf(simple_page(stream(b"", TEXT)), broken_xref=True)

# A content stream that inflates to 1 GiB of zeros (deflated twice: a few KB).
bomb = zlib.compress(deflate_zeros(1 << 30), 9)
files["bomb.pdf"] = pdf(simple_page(stream(b"/Filter [/FlateDecode /FlateDecode]", bomb)))

# An object stream that extends itself, holding two objects that refer to each other,
# one of them the page tree root.
objstm_body = b"6 0 R 7 0 R"
header = b"2 0 6 6 "
data = header + objstm_body
objs = simple_page(stream(b"", TEXT))
objs[2] = b"6 0 R"
objs[6] = b"2 0 R"
objs[7] = stream(b"/Type /ObjStm /N 2 /First %d /Extends 7 0 R" % len(header), data)
files["objstm-loop.pdf"] = pdf(objs)

# A page tree whose node lists the root as its kid (twice): a loop.
objs = simple_page(stream(b"", TEXT))
objs[2] = b"<< /Type /Pages /Kids [6 0 R 6 0 R] /Count 2 >>"
objs[6] = b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 2 0 R] /Count 2 >>"
files["page-tree-loop.pdf"] = pdf(objs)

# An /Encrypt dictionary in the trailer (RC4 40-bit, empty user password).
objs = simple_page(stream(b"", TEXT))
objs[6] = (b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
           + b"> /P -4 >>")
files["encrypted.pdf"] = pdf(objs, trailer_extra="/Encrypt 6 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]")

# A scan: one page painting an 8x8 grey image, no text at all.
objs = simple_page(stream(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
                   resources=b"<< /XObject << /Im1 6 0 R >> >>")
objs[6] = stream(b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
                 b"/BitsPerComponent 8", bytes(range(0, 256, 4)))
files["scanned.pdf"] = pdf(objs)

# A form XObject that draws itself: endless recursion for a naive interpreter.
objs = simple_page(stream(b"", TEXT + b" /X1 Do"),
                   resources=b"<< /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >>")
objs[6] = stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                 b"/Resources << /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >>",
                 TEXT + b" /X1 Do")
files["form-loop.pdf"] = pdf(objs)

for name, data in files.items():
    with open(name, "wb") as f:
        f.write(data)
    print(name, len(data))
