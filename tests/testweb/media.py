"""Images and the web font, generated in code so the repo holds no binaries.

Each is valid for its type so Chromium decodes it without console noise: a
page that logs "Failed to decode downloaded font" would make every console
assertion on news.test brittle.
"""

import functools
import struct
import zlib
from collections.abc import Callable

# The classic transparent 1x1 tracking pixel.
PIXEL_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

Pixel = Callable[[int, int], tuple[int, int, int]]


def png(width: int, height: int, pixel: Pixel) -> bytes:
    """An 8-bit RGB PNG whose colour at (x, y) is pixel(x, y)."""
    rows = b"".join(
        b"\0" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


@functools.cache
def hero_png() -> bytes:
    """The news article's lead photo: a dusk-coloured gradient."""
    return png(320, 180, lambda x, y: (20 + x * 200 // 320, 30 + y // 3, 90 + y * 120 // 180))


@functools.cache
def banner_png() -> bytes:
    """The ad served from ipv6.test: a banner with a border."""

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if x < 4 or y < 4 or x >= 296 or y >= 246:
            return (200, 30, 30)
        return (250, 240, 200)

    return png(300, 250, pixel)


@functools.cache
def favicon_ico() -> bytes:
    """A 16x16 icon: an ICO directory wrapping one PNG image (valid since Vista)."""
    image = png(16, 16, lambda x, y: (30, 60, 160) if 3 <= x <= 12 and 3 <= y <= 12 else (255,) * 3)
    directory = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32, len(image), 6 + 16)
    return directory + entry + image


@functools.cache
def font_ttf() -> bytes:
    """A minimal TrueType font Chromium's sanitiser (OTS) accepts.

    Served as font/woff2 like a real web font; Chromium picks the parser by the
    file's signature, not its Content-Type. It maps only U+E000 (private use) to
    a box glyph, so text styled with it still renders in the fallback font.
    """
    box = _box_glyph(100, 0, 500, 700)
    tables = {
        b"OS/2": _os2_table(),
        b"cmap": _cmap_table(0xE000, glyph=1),
        b"glyf": box + box,
        b"head": _head_table(),
        b"hhea": _hhea_table(),
        b"hmtx": struct.pack(">HhHh", 600, 100, 600, 100),
        b"loca": struct.pack(">HHH", 0, len(box) // 2, len(box)),
        b"maxp": struct.pack(">IH13H", 0x00010000, 2, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0),
        b"name": _name_table(
            {1: "Test Sans", 2: "Regular", 4: "Test Sans Regular", 6: "TestSans-Regular"}
        ),
        b"post": struct.pack(">IihhIIIII", 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0),
    }
    return _sfnt(tables)


def _box_glyph(x_min: int, y_min: int, x_max: int, y_max: int) -> bytes:
    """One contour of four on-curve points; coordinates as int16 deltas."""
    xs = (x_min, 0, x_max - x_min, 0)
    ys = (y_min, y_max - y_min, 0, y_min - y_max)
    glyph = struct.pack(">hhhhhHH", 1, x_min, y_min, x_max, y_max, 3, 0)
    glyph += bytes([0x01] * 4) + struct.pack(">4h", *xs) + struct.pack(">4h", *ys)
    return glyph + b"\0" * (len(glyph) % 2)  # short loca offsets count 2-byte words


def _head_table() -> bytes:
    # checkSumAdjustment (offset 8) is patched once the whole font exists.
    return struct.pack(
        ">HHiIIHHqqhhhhHHhhh",
        1, 0, 0x00010000, 0, 0x5F0F3CF5, 0x000B, 1000, 0, 0,
        100, 0, 500, 700, 0, 8, 2, 0, 0,
    )  # fmt: skip


def _hhea_table() -> bytes:
    # version, ascender, descender, lineGap, advanceWidthMax, min LSB, min RSB,
    # xMaxExtent, caret rise/run/offset, 4 reserved, metricDataFormat, numberOfHMetrics
    return struct.pack(
        ">IhhhHhhhhhh4hhH",
        0x00010000, 800, -200, 0, 600, 100, 100, 500, 1, 0, 0, 0, 0, 0, 0, 0, 2,
    )  # fmt: skip


def _cmap_table(codepoint: int, glyph: int) -> bytes:
    """Format 4, platform 3 / encoding 1: one real segment plus the 0xFFFF end."""
    seg_count = 2
    subtable = struct.pack(
        ">HHHHHHH", 4, 16 + 8 * seg_count, 0, 2 * seg_count, 4, 1, 0
    ) + struct.pack(
        ">2HH2H2H2H",
        codepoint, 0xFFFF, 0, codepoint, 0xFFFF, (glyph - codepoint) & 0xFFFF, 1, 0, 0,
    )  # fmt: skip
    return struct.pack(">HHHHI", 0, 1, 3, 1, 12) + subtable


def _os2_table() -> bytes:
    """OS/2 version 4; metrics match hhea, weight Regular."""
    return (
        struct.pack(">HhHHH", 4, 600, 400, 5, 0)
        + struct.pack(">10h", 650, 700, 0, 140, 650, 700, 0, 480, 50, 250)
        + struct.pack(">h", 0)
        + bytes(10)  # PANOSE: any
        + struct.pack(">4I", 0, 0, 0, 1 << 28)  # bit 60: Private Use Area
        + b"SPYG"
        + struct.pack(">HHH", 0x0040, 0xE000, 0xE000)
        + struct.pack(">hhhHH", 800, -200, 0, 800, 200)
        + struct.pack(">II", 1, 0)
        + struct.pack(">hhHHH", 500, 700, 0, 32, 1)
    )


def _name_table(names: dict[int, str]) -> bytes:
    records, strings = b"", b""
    for name_id, value in sorted(names.items()):
        encoded = value.encode("utf-16-be")
        records += struct.pack(">6H", 3, 1, 0x409, name_id, len(encoded), len(strings))
        strings += encoded
    header = struct.pack(">HHH", 0, len(names), 6 + len(records))
    return header + records + strings


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def _sfnt(tables: dict[bytes, bytes]) -> bytes:
    """Lay tables out (sorted by tag, 4-byte aligned) behind an sfnt directory."""
    count = len(tables)
    power = 1 << (count.bit_length() - 1)
    directory = struct.pack(
        ">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16
    )
    offset = len(directory) + 16 * count
    entries, body = b"", b""
    for tag in sorted(tables):
        data = tables[tag]
        entries += struct.pack(">4sIII", tag, _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(directory + entries + body)
    head_offset = struct.unpack_from(">I", entries, 16 * sorted(tables).index(b"head") + 8)[0]
    adjustment = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    struct.pack_into(">I", font, head_offset + 8, adjustment)
    return bytes(font)
