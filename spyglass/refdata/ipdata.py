"""IP address -> autonomous system and place, offline (``document/addresses.py`` fills the
report from it).

Where the answers come from, first that knows wins, field by field:

1. The user's MaxMind-format databases (``SPYGLASS_MMDB``, read with ``maxminddb``): GeoLite2 /
   GeoIP2 ASN and ISP (AS number, organisation, network), Country and City (country, and for
   City the city, region, time zone, coordinates and metro code), and ip-location-db's mmdb
   files (``country_code``, ``city``, ``latitude``... records). The type is told by the
   database's metadata; records are read by their keys, so an unnamed type still works.
2. The data shipped with Spyglass (``IPData()`` with no paths uses only these):

   * AS numbers from ``spyglass/data/asn`` (``refdata/asn.py``: npm ``@ip-location-db/asn``,
     RouteViews + NRO + DB-IP, CC BY 4.0);
   * AS names, AS networks and countries from the file in the ``geoip2fast`` wheel (MaxMind
     GeoLite2 Country + ASN of 2024-06-18): urlscan writes GeoLite2's AS names
     (``CLOUDFLARENET``), so the AS name is GeoLite2's when it has one, else the organisation
     name of the AS-number data (``Cloudflare, Inc.``).

   The two shipped files are of different dates and sources, so the number and the name can
   disagree for an address that changed hands in between; a user ASN database answers both
   from one record.

urlscan's ``registrar`` and ``date`` (RIR allocation) are in none of these and are null; the
city-level ``geoip`` keys are null without a user City database.

Addresses that are not routed on the internet (loopback, private, link-local, multicast,
documentation, reserved...) are labelled from ``ipaddress`` instead of looked up:
``IPData().lookup("10.0.0.1")`` gives ``name="private"`` and no country.

Costs: the AS-number file loads once per process on first use (~0.15 s, ~15 MB); the
geoip2fast file too (~0.6 s, ~150 MB); user databases are memory-mapped when ``IPData`` is
made (at start by the worker and the CLI). A report without public addresses loads nothing;
lookups are microseconds. Nothing here touches the network.
"""

from __future__ import annotations

import ipaddress
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spyglass.analyze.ips import bare_ip
from spyglass.errors import InvalidOption
from spyglass.refdata import asn as asndata

if TYPE_CHECKING:
    from spyglass.settings import Settings

GEOIP2FAST = "geoip2fast"
GEOIP2FAST_FILE = "geoip2fast-asn-ipv6.dat.gz"
GEOIP2FAST_LICENSE = (
    "GeoLite2 data by MaxMind (CC BY-SA 4.0 and the GeoLite2 EULA; see NOTICE); geoip2fast: MIT"
)
ASN_LICENSE = "CC BY 4.0: RouteViews, NRO, DB-IP (IP Geolocation by DB-IP, https://db-ip.com)"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class IPInfo:
    """What is known about one address.

    ``asn`` is the AS number without ``AS`` (``"13335"``). ``name`` is the AS name, or a label
    such as ``"private"`` for an address that is not looked up (``special`` is then True).
    ``country`` is ISO 3166-1 alpha-2, upper case. ``route`` is the AS network containing the
    address. ``region`` ... ``metro`` come from a user City database only; ``ll`` is
    ``[latitude, longitude]``.
    """

    ip: str
    asn: str | None = None
    name: str | None = None
    country: str | None = None
    country_name: str | None = None
    route: str | None = None
    special: bool = False
    region: str | None = None
    city: str | None = None
    timezone: str | None = None
    ll: tuple[float, float] | None = None
    metro: int | None = None


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class _Answer:
    """One database's answer for one address; None where it does not say."""

    asn: int | None = None
    name: str | None = None
    route: str | None = None
    country: str | None = None
    country_name: str | None = None
    place: dict[str, Any] = field(default_factory=dict)  # region, city, timezone, ll, metro


class UserDatabase:
    """One MaxMind-format file of the user's (``SPYGLASS_MMDB``), memory-mapped."""

    def __init__(self, path: str | Path) -> None:
        import maxminddb

        self.path = Path(path)
        try:
            self.reader = maxminddb.open_database(str(self.path))
        except (OSError, ValueError, maxminddb.InvalidDatabaseError) as e:
            raise InvalidOption(f"SPYGLASS_MMDB: cannot read {str(self.path)!r}: {e}") from e
        metadata = self.reader.metadata()
        self.database_type = str(metadata.database_type)
        self.kind = database_kind(self.database_type)
        if self.kind is None:
            self.reader.close()
            raise InvalidOption(
                f"SPYGLASS_MMDB: {str(self.path)!r} is a {self.database_type!r} database; "
                "Spyglass reads ASN, ISP, Country and City databases"
            )
        built = datetime.fromtimestamp(metadata.build_epoch, UTC)
        self.source = {
            "name": self.database_type,
            "file": self.path.name,
            "kind": self.kind,
            "version": f"{metadata.binary_format_major_version}."
            f"{metadata.binary_format_minor_version}",
            "dataDate": built.date().isoformat(),
            "license": "the database's own (user-supplied)",
        }

    def answer(self, address: Address) -> _Answer | None:
        try:
            record, prefix = self.reader.get_with_prefix_len(address)
        except ValueError:  # an IPv6 address in an IPv4-only database
            return None
        if not isinstance(record, dict):
            return None
        return _read_record(record, address, prefix)


def database_kind(database_type: str) -> str | None:
    """What a database holds, from its metadata's type: ``city``, ``country``, ``asn``, or None
    for a kind Spyglass cannot use; a type naming none of them is ``any`` (its records are read
    by their keys anyway). ip-location-db's ``asn-country`` is a country database.

    >>> types = ("GeoLite2-ASN", "DBIP-City-Lite", "asn-country", "GeoIP2-Anonymous-IP", "x")
    >>> [database_kind(t) for t in types]
    ['asn', 'city', 'country', None, 'any']
    """
    words = set(re.split(r"[^a-z0-9]+", database_type.lower()))
    for kind, names in (
        (None, {"anonymous", "domain", "connection", "enterprise", "density", "user"}),
        ("city", {"city"}),
        ("country", {"country"}),
        ("asn", {"asn", "isp"}),
    ):
        if words & names:
            return kind
    return "any"


def _read_record(record: dict[str, Any], address: Address, prefix: int) -> _Answer | None:
    """MaxMind's keys (``country.iso_code``, ``city.names.en``, ``location.*``) or
    ip-location-db's (``country_code``, ``city``, ``latitude``, ``state1``, ``timezone``)."""
    number = record.get("autonomous_system_number")
    asn = number if isinstance(number, int) and number > 0 else None
    name = record.get("autonomous_system_organization") or None
    country_block = record.get("country") or record.get("registered_country")
    country = (
        country_block.get("iso_code")
        if isinstance(country_block, dict)
        else record.get("country_code")
    )
    country = country.upper() if isinstance(country, str) and len(country) == 2 else None
    country_name = _english(country_block) if isinstance(country_block, dict) else None
    location: dict[str, Any] = (
        record["location"] if isinstance(record.get("location"), dict) else record
    )
    latitude, longitude = location.get("latitude"), location.get("longitude")
    subdivisions = record.get("subdivisions")
    region = (
        subdivisions[0].get("iso_code")
        if isinstance(subdivisions, list) and subdivisions and isinstance(subdivisions[0], dict)
        else record.get("state1")
    )
    city = record.get("city")
    place = {
        "region": region if isinstance(region, str) else None,
        "city": _english(city) if isinstance(city, dict) else city,
        "timezone": location.get("time_zone") or location.get("timezone"),
        "ll": (float(latitude), float(longitude))
        if isinstance(latitude, int | float) and isinstance(longitude, int | float)
        else None,
        "metro": location.get("metro_code"),
    }
    place = {key: value for key, value in place.items() if value not in (None, "")}
    if asn is None and country is None and not place:
        return None
    route = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False)) if asn else None
    return _Answer(
        asn=asn, name=name, route=route, country=country, country_name=country_name, place=place
    )


def _english(block: dict[str, Any]) -> str | None:
    names = block.get("names")
    return names.get("en") if isinstance(names, dict) else None


@dataclass(frozen=True)
class _GeoIP2Fast:
    geoip: Any  # geoip2fast.GeoIP2Fast
    source: dict[str, Any]


_loading = threading.Lock()


def _geoip2fast() -> _GeoIP2Fast:
    """The file in the geoip2fast wheel, loaded on first use and kept for the process (once,
    even when the first reports are built in several threads at the same time)."""
    with _loading:
        return _load_geoip2fast()


@cache
def _load_geoip2fast() -> _GeoIP2Fast:
    from geoip2fast import GeoIP2Fast

    geoip = GeoIP2Fast(verbose=False, geoip2fast_data_file=GEOIP2FAST_FILE)
    info = str(geoip.get_database_info()["source_info"])
    stamp = re.search(r"(\d{4})(\d{2})(\d{2})$", info)
    return _GeoIP2Fast(
        geoip=geoip,
        source={
            "name": info,  # "MAXMIND:GeoLite2-CountryASN-IPv4IPv6-en-20240618"
            "package": f"pypi:{GEOIP2FAST}",
            "version": version(GEOIP2FAST),
            "file": GEOIP2FAST_FILE,
            "kind": "country, AS name",
            "dataDate": "-".join(stamp.groups()) if stamp else None,
            "license": GEOIP2FAST_LICENSE,
        },
    )


def _geoip2fast_answer(address: Address) -> _Answer | None:
    found = _geoip2fast().geoip.lookup(str(address))
    code = found.country_code
    country = code if len(code) == 2 and code != "--" else None
    name, route = found.asn_name or None, found.asn_cidr or None
    if route is not None and address not in ipaddress.ip_network(route, strict=False):
        name, route = None, None  # geoip2fast's end-of-range check misses IPv4 in the v6 file
    if country is None and name is None:
        return None
    return _Answer(
        name=name,
        route=route,
        country=country,
        country_name=found.country_name if country else None,
    )


def _asn_source() -> dict[str, Any]:
    header = asndata.database().source()
    return {
        "name": "ip-location-db asn (RouteViews + NRO + DB-IP)",
        "package": header["package"],
        "version": header["version"],
        "file": f"spyglass/data/asn/{asndata.DATA_FILE}",
        "kind": "AS number, AS organisation",
        "dataDate": header["dataDate"],
        "license": ASN_LICENSE,
    }


# --------------------------------------------------------------------------- lookups


class IPData:
    """Everything that answers "who is behind this address": the user's databases in the order
    given, then the shipped data. Made once per process (``from_settings``); thread-safe.

    >>> info = IPData().lookup("127.0.0.1")
    >>> info.name, info.country, info.special
    ('loopback', None, True)
    >>> IPData().lookup("not an ip") is None
    True
    """

    def __init__(self, mmdb: Iterable[str | Path] = ()) -> None:
        self.user = [UserDatabase(path) for path in mmdb]

    def load(self) -> None:
        """Read the shipped data now; otherwise the first public address does (~0.5-2 s)."""
        _geoip2fast()
        asndata.database()

    @classmethod
    def from_settings(cls, settings: Settings) -> IPData:
        """From ``Settings.mmdb`` (``SPYGLASS_MMDB``); an unreadable file raises
        ``InvalidOption`` naming it."""
        return cls(settings.mmdb)

    def close(self) -> None:
        for database in self.user:
            database.reader.close()

    def lookup(self, ip: str | None) -> IPInfo | None:
        """AS and place of ``ip`` (bare or bracketed); None when ``ip`` is not an address or
        no source knows anything of it."""
        address = _parse(ip)
        if address is None:
            return None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        text = str(address)
        label = special_label(address)
        if label is not None:
            return IPInfo(ip=text, name=label, special=True)
        answers = [a for db in self.user if (a := db.answer(address)) is not None]
        by_asn = next((a for a in answers if a.asn is not None), None)
        by_country = next((a for a in answers if a.country is not None), None)
        bundled = None
        asn: str | None
        if by_asn is None or by_asn.name is None or by_country is None:
            bundled = _geoip2fast_answer(address)
        if by_asn is not None:
            asn, name, route = str(by_asn.asn), by_asn.name, by_asn.route
        else:
            shipped = asndata.database().lookup(address)
            asn = str(shipped.number) if shipped else None
            name = (bundled.name if bundled else None) or (shipped.name if shipped else None)
            route = bundled.route if bundled and bundled.name else None
        if name is None and bundled is not None:
            name = bundled.name
        place = by_country or (bundled if bundled and bundled.country else None)
        if asn is None and name is None and place is None:
            return None
        if place is None:
            return IPInfo(ip=text, asn=asn, name=name, route=route)
        return IPInfo(
            ip=text,
            asn=asn,
            name=name,
            route=route,
            country=place.country,
            country_name=place.country_name or _country_name(place.country, bundled),
            **place.place,
        )

    def sources(self, asn: bool = True, geo: bool = True) -> list[dict[str, Any]]:
        """Where answers come from, first that knows wins (loads the shipped data): the
        AS sources (``asn``), the place sources (``geo``), or both."""
        picked = [
            db.source
            for db in self.user
            if (asn and db.kind in ("asn", "any"))
            or (geo and db.kind in ("city", "country", "any"))
        ]
        if asn:
            picked.append(_asn_source())
        picked.append(_geoip2fast().source)
        return picked


def _country_name(code: str | None, bundled: _Answer | None) -> str | None:
    if bundled is not None and bundled.country == code:
        return bundled.country_name
    return None


def special_label(address: Address) -> str | None:
    """A label for an address that is not on the public internet, or None for a public one.

    >>> special_label(ipaddress.ip_address("::1")), special_label(ipaddress.ip_address("8.8.8.8"))
    ('loopback', None)
    """
    if address.is_global and not (address.is_multicast or address.is_reserved):
        return None  # the common case, answered with the fewest checks
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved or not address.is_global),
    )
    return next((label for label, hit in checks if hit), None)


def _parse(ip: str | None) -> Address | None:
    bare = bare_ip(ip)
    if not bare:
        return None
    try:
        return ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        return None
