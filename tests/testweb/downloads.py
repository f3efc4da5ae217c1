"""Files hostile.test hands out as downloads, byte-for-byte reproducible.

Tests compare what a scan saved against ``TestWeb.file_bytes(name)``, so each
file is built the same way every time: fixed timestamps, no compression whose
output could differ between zlib builds, no randomness.
"""

import functools
import hashlib
import io
import struct
import zipfile

# The DOS era's first representable moment would look fake; any fixed time works.
ZIP_TIMESTAMP = (2024, 1, 15, 9, 30, 0)

REPORT_TXT = b"""\
Quarterly report - Q4 2023
==========================

Revenue grew 4.2% quarter over quarter, driven by subscriptions.
Operating costs were flat. See summary.csv for the figures.
"""

SUMMARY_CSV = b"""\
quarter,revenue,costs
2023-Q1,1200000,900000
2023-Q2,1250000,910000
2023-Q3,1290000,905000
2023-Q4,1344180,904000
"""

EXE_SIZE = 4096


@functools.cache
def file_bytes(name: str) -> bytes:
    """The exact bytes served for a downloadable file, by file name."""
    builders = {"report.zip": report_zip, "invoice.exe": invoice_exe, "doc.pdf": doc_pdf}
    if name not in builders:
        raise KeyError(f"no downloadable file named {name!r}; known: {sorted(builders)}")
    return builders[name]()


def report_zip() -> bytes:
    """A two-file zip archive; entries STORED so no zlib version changes the bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in (("report.txt", REPORT_TXT), ("summary.csv", SUMMARY_CSV)):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.create_system = 3  # Unix, whatever platform builds it
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def invoice_exe() -> bytes:
    """4 KiB that look like a Windows executable to a magic-byte sniffer.

    A real DOS header and stub, a PE signature where e_lfanew points, then
    filler from a SHA-256 counter stream. It is not a runnable program.
    """
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    pe_offset = 0x80
    header = bytearray(0x40)
    header[0:2] = b"MZ"
    struct.pack_into("<HH", header, 2, 0x90, 3)  # bytes on last page, pages in file
    struct.pack_into("<I", header, 0x3C, pe_offset)
    image = bytes(header) + stub
    image += b"\0" * (pe_offset - len(image))
    # PE signature + COFF header: x86-64, 0 sections, flags EXECUTABLE_IMAGE.
    image += b"PE\0\0" + struct.pack("<HHIIIHH", 0x8664, 0, 0x65A4F400, 0, 0, 0, 0x0022)
    counter = 0
    while len(image) < EXE_SIZE:
        image += hashlib.sha256(b"invoice.exe:%d" % counter).digest()
        counter += 1
    return image[:EXE_SIZE]


def doc_pdf() -> bytes:
    """A one-page PDF 1.4 with a line of text and a correct xref table."""
    text = b"BT /F1 18 Tf 72 720 Td (Invoice #1001 - Spyglass testweb) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (Invoice 1001) /Producer (Spyglass testweb) >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return out
