"""IP address -> AS number and AS organisation, from the compact file Spyglass ships.

The file (``spyglass/data/asn/asn.bin.gz``, 2.4 MB) is built by ``scripts/build-asn-data``
from the npm package ``@ip-location-db/asn`` (RouteViews + NRO + DB-IP ip-to-asn-lite, CC BY
4.0; what and when in ``spyglass/data/asn/SOURCE``, attribution in its ``LICENSE`` and in
``NOTICE``). This module both writes and reads the format, so the two cannot drift apart.

Format (everything little-endian, the whole file gzip-compressed)::

    b"SPYGLASS-ASN\\x00\\x01"           magic and format version
    u32 + JSON header                  counts, source package, version, data date
    v4 starts    u32[n4]               deltas between successive range starts
    v4 index     u32[n4]               row of the AS table, or 0xFFFFFFFF: no AS (a gap)
    v6 starts    u64[n6] high + u64[n6] low halves; the high halves as deltas
    v6 index     u32[n6]
    AS numbers   u32[na]               the AS table, sorted by number
    AS names     UTF-8, "\\n" between names, one per AS number

Each family is a sorted list of boundaries: an address belongs to the last boundary at or
below it, so ``bisect`` finds it. Gaps between ranges are boundaries of their own (no AS).

Loading: ``database()`` reads the file once per process, on first use (~0.15 s, ~14 MB;
stdlib only: ``array`` + ``bisect``). A lookup is a few microseconds. Nothing here touches
the network.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
import ipaddress
import json
import struct
import sys
import threading
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any

MAGIC = b"SPYGLASS-ASN\x00\x01"
NONE = 0xFFFFFFFF  # the index of a gap: no AS announces these addresses
_MASK64 = (1 << 64) - 1
DATA_PACKAGE = "spyglass.data.asn"
DATA_FILE = "asn.bin.gz"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Row = tuple[int, int, int, str]  # first address, last address (inclusive), AS number, name


@dataclass(frozen=True)
class ASN:
    """An AS: ``ASN(13335, "Cloudflare, Inc.")``."""

    number: int
    name: str


# --------------------------------------------------------------------------- reading


class ASNDatabase:
    """The loaded file. ``lookup(ip_address("1.1.1.1"))`` -> ``ASN(13335, "Cloudflare, Inc.")``."""

    def __init__(self, blob: bytes) -> None:
        if not blob.startswith(MAGIC):
            raise ValueError("not a Spyglass ASN data file (bad magic)")
        view = memoryview(blob)
        at = len(MAGIC)
        (size,) = struct.unpack_from("<I", blob, at)
        at += 4
        self.header: dict[str, Any] = json.loads(bytes(view[at : at + size]))
        at += size
        n4, n6, na = self.header["v4"], self.header["v6"], self.header["asns"]

        def take(code: str, count: int) -> array:
            nonlocal at
            values = array(code)
            end = at + values.itemsize * count
            values.frombytes(view[at:end])
            at = end
            if sys.byteorder == "big":
                values.byteswap()
            return values

        self._v4 = array("I", accumulate(take("I", n4)))
        self._v4_index = take("I", n4)
        hi = take("Q", n6)
        self._v6_hi = array("Q", accumulate(hi))
        self._v6_lo = take("Q", n6)
        self._v6_index = take("I", n6)
        self._numbers = take("I", na)
        self._names_blob = bytes(view[at:])
        lengths = (len(name) + 1 for name in self._names_blob.split(b"\n"))
        self._name_starts = array("I", accumulate(lengths, initial=0))

    def lookup(self, address: Address) -> ASN | None:
        """The AS announcing ``address``; IPv4-mapped IPv6 is looked up as IPv4."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if isinstance(address, ipaddress.IPv4Address):
            i = bisect.bisect_right(self._v4, int(address)) - 1
            row = self._v4_index[i] if i >= 0 else NONE
        else:
            value = int(address)
            hi, lo = value >> 64, value & _MASK64
            i = bisect.bisect_right(self._v6_hi, hi) - 1
            while i >= 0 and self._v6_hi[i] == hi and self._v6_lo[i] > lo:
                i -= 1
            row = self._v6_index[i] if i >= 0 else NONE
        if row == NONE:
            return None
        return ASN(self._numbers[row], self._name(row))

    def _name(self, row: int) -> str:
        start = self._name_starts[row]
        end = self._name_starts[row + 1] - 1  # the "\n" after the name (or past the end)
        return self._names_blob[start:end].decode("utf-8")

    def source(self) -> dict[str, Any]:
        """What the file was built from (package, version, data date, licence)."""
        keys = ("package", "version", "dataDate", "license", "attribution")
        return {key: self.header.get(key) for key in keys}


_loading = threading.Lock()


def database() -> ASNDatabase:
    """The shipped file, loaded on first use and kept for the life of the process (once, even
    when several threads ask at the same time)."""
    with _loading:
        return _load()


@cache
def _load() -> ASNDatabase:
    blob = resources.files(DATA_PACKAGE).joinpath(DATA_FILE).read_bytes()
    return ASNDatabase(gzip.decompress(blob))


# --------------------------------------------------------------------------- writing


def read_csv(text: Iterable[str]) -> Iterator[Row]:
    """Rows of ip-location-db's ``asn-ipv4.csv``/``asn-ipv6.csv`` (``first,last,asn,name``;
    addresses as text). Bad lines raise ``ValueError`` naming the line.

    >>> list(read_csv(['1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."']))
    [(16777216, 16777471, 13335, 'Cloudflare, Inc.')]
    """
    for number, fields in enumerate(csv.reader(text), 1):
        if not fields:
            continue
        try:
            first, last, asn, name = fields
            start, end = ipaddress.ip_address(first), ipaddress.ip_address(last)
            if start.version != end.version or int(start) > int(end):
                raise ValueError("not a range")
            yield int(start), int(end), int(asn), name.replace("\n", " ").strip()
        except ValueError as e:
            raise ValueError(f"line {number}: {fields!r}: {e}") from e


def boundaries(rows: Iterable[tuple[int, int, int]], top: int) -> list[tuple[int, int]]:
    """``(first, last, value)`` ranges -> sorted ``(start, value)`` boundaries, ``NONE`` in
    gaps. Where ranges overlap, the one starting later wins from its start to its end (a
    range nested in another wins); neighbours with the same value merge.

    >>> boundaries([(0, 9, 1), (10, 19, 1), (30, 39, 2), (32, 33, 3)], top=255)
    [(0, 1), (20, 4294967295), (30, 2), (32, 3), (34, 2), (40, 4294967295)]
    """
    segments: list[tuple[int, int, int]] = []
    for start, end, value in sorted(rows, key=lambda r: (r[0], -r[1])):
        tails = []
        while segments and segments[-1][1] >= start:
            first, last, old = segments.pop()
            if first < start:
                segments.append((first, start - 1, old))
            if last > end:
                tails.append((end + 1, last, old))
            if first < start:
                break
        segments.append((start, end, value))
        segments.extend(sorted(tails))
    points: list[tuple[int, int]] = []
    for i, (start, end, value) in enumerate(segments):
        if not points or points[-1][1] != value:
            points.append((start, value))
        following = segments[i + 1][0] if i + 1 < len(segments) else top + 1
        if end < top and following > end + 1:
            points.append((end + 1, NONE))
    return points


def build(v4_rows: Iterable[Row], v6_rows: Iterable[Row], header: dict[str, Any]) -> bytes:
    """The uncompressed file for IPv4 and IPv6 rows; ``header`` adds the source's facts. An AS
    keeps the first name it is given; rows of AS numbers that are not public (``public_asn``)
    are left out: they are leaks of private numbers, not answers."""
    names: dict[int, str] = {}
    families: tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]] = ([], [])
    for family, rows in zip(families, (v4_rows, v6_rows), strict=True):
        for start, end, asn, name in rows:
            if not public_asn(asn):
                continue
            names.setdefault(asn, name)
            family.append((start, end, asn))
    v4, v6 = families
    table = sorted(names)
    row_of = {asn: i for i, asn in enumerate(table)}
    points4 = boundaries(v4, 0xFFFFFFFF)
    points6 = boundaries(v6, (1 << 128) - 1)

    def index(points: list[tuple[int, int]]) -> array:
        return array("I", (NONE if value == NONE else row_of[value] for _, value in points))

    starts4 = [start for start, _ in points4]
    hi6 = [start >> 64 for start, _ in points6]
    full = {**header, "v4": len(points4), "v6": len(points6), "asns": len(table)}
    parts = [
        array("I", _deltas(starts4)),
        index(points4),
        array("Q", _deltas(hi6)),
        array("Q", (start & _MASK64 for start, _ in points6)),
        index(points6),
        array("I", table),
    ]
    out = io.BytesIO()
    encoded = json.dumps(full, sort_keys=True).encode("utf-8")
    out.write(MAGIC + struct.pack("<I", len(encoded)) + encoded)
    for part in parts:
        if sys.byteorder == "big":
            part.byteswap()
        out.write(part.tobytes())
    out.write("\n".join(names[asn] for asn in table).encode("utf-8"))
    return out.getvalue()


def public_asn(number: int) -> bool:
    """False for AS numbers that no public network announces (RFC 7607's 0, RFC 6793's
    AS_TRANS, RFC 5398's documentation, RFC 6996's private use, the reserved ranges).

    >>> [public_asn(n) for n in (13335, 0, 23456, 64512, 65540, 4200000000, 4294967295)]
    [True, False, False, False, False, False, False]
    """
    return not (number in (0, 23456) or 64496 <= number <= 131071 or number >= 4200000000)


def _deltas(values: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *values], values, strict=False)]
