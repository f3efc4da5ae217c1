"""IP address -> autonomous system and country, offline, and the report fields they fill.

The data is the one shipped inside the ``geoip2fast`` wheel (``geoip2fast-asn-ipv6.dat.gz``:
MaxMind GeoLite2 Country + ASN, IPv4 and IPv6, built 2024-06-18 for geoip2fast 1.2.2). It gives
the AS *name* (``CLOUDFLARENET``), the AS network and the country, but **not the AS number**:
geoip2fast drops the number when it builds its file. So ``IPInfo.asn`` is always None here,
``page.asn``, ``lists.asns`` and ``response.asn.asn`` stay empty rather than being guessed from
names. urlscan's ``registrar`` and ``date`` (RIR allocation) and the city-level ``geoip`` keys
are not in the data either and are written as null.

Addresses that are not routed on the internet (loopback, private, link-local, multicast,
documentation, reserved...) are labelled from ``ipaddress`` instead of looked up:
``lookup("10.0.0.1")`` gives ``name="private"`` and no country.

The data file is read once per process, lazily, on the first public address (about 0.6 s and
~150 MB of memory); a report without public addresses never loads it. Lookups after that are
microseconds. Nothing here touches the network.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any

from spyglass.analyze.ips import bare_ip
from spyglass.analyze.lists import unique
from spyglass.models import Report

PACKAGE = "geoip2fast"
DATA_FILE = "geoip2fast-asn-ipv6.dat.gz"
DATA_LICENSE = "GeoLite2 data by MaxMind (attribution required, see NOTICE); geoip2fast: MIT"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class IPInfo:
    """What is known about one address.

    ``asn`` is the AS number without ``AS`` (``"13335"``); None when the data has no number
    (always, with geoip2fast's data). ``name`` is the AS name, or a label such as ``"private"``
    for an address that is not looked up (``special`` is then True). ``country`` is ISO 3166-1
    alpha-2, upper case. ``route`` is the AS network containing the address.
    """

    ip: str
    asn: str | None = None
    name: str | None = None
    country: str | None = None
    country_name: str | None = None
    route: str | None = None
    special: bool = False


@dataclass(frozen=True)
class _Database:
    geoip: Any  # geoip2fast.GeoIP2Fast
    source: str  # e.g. "MAXMIND:GeoLite2-CountryASN-IPv4IPv6-en-20240618"


@cache
def _database() -> _Database:
    """The shipped data file, loaded on first use and kept for the life of the process."""
    from geoip2fast import GeoIP2Fast

    geoip = GeoIP2Fast(verbose=False, geoip2fast_data_file=DATA_FILE)
    return _Database(geoip=geoip, source=str(geoip.get_database_info()["source_info"]))


def data_source() -> dict[str, Any]:
    """``meta.processors.enrich.data``: where the answers come from (loads the data)."""
    return {
        "package": PACKAGE,
        "version": version(PACKAGE),
        "dataFile": DATA_FILE,
        "dataSource": _database().source,
        "license": DATA_LICENSE,
        "asnNumbers": False,
    }


def special_label(address: Address) -> str | None:
    """A label for an address that is not on the public internet, or None for a public one.

    >>> special_label(ipaddress.ip_address("::1")), special_label(ipaddress.ip_address("8.8.8.8"))
    ('loopback', None)
    """
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved or not address.is_global),
    )
    return next((label for label, hit in checks if hit), None)


def lookup(ip: str | None) -> IPInfo | None:
    """The AS name, network and country of ``ip`` (bare or bracketed); None when ``ip`` is not
    an address or the data knows nothing of it.

    >>> info = lookup("127.0.0.1")
    >>> info.name, info.country, info.special
    ('loopback', None, True)
    >>> lookup("not an ip") is None
    True
    """
    address = _parse(ip)
    if address is None:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    text = str(address)
    label = special_label(address)
    if label is not None:
        return IPInfo(ip=text, name=label, special=True)
    found = _database().geoip.lookup(text)
    country = (
        found.country_code if len(found.country_code) == 2 and found.country_code != "--" else None
    )
    name, route = found.asn_name or None, found.asn_cidr or None
    if route is not None and address not in ipaddress.ip_network(route, strict=False):
        name, route = None, None  # geoip2fast's end-of-range check misses IPv4 in the v6 file
    if country is None and name is None:
        return None
    return IPInfo(
        ip=text,
        name=name,
        country=country,
        country_name=found.country_name if country else None,
        route=route,
    )


def enrich_report(report: Report) -> Report:
    """Fill ``report`` in place from its own addresses, and return it.

    Sets ``page.asn`` (``"AS"`` + number), ``page.asnname``, ``page.country``; each
    ``data.requests[].response.asn``/``.geoip`` in urlscan's shape; ``lists.asns`` (numbers
    without ``AS``, one per IP) and ``lists.countries``; ``meta.processors.asn``, ``.geoip``
    and ``.enrich`` (the data source). A report that contacted no address is left as it is.
    """
    addresses = unique([report.page.ip, *report.lists.ips, *_request_ips(report)])
    if not addresses:
        return report
    infos = {ip: info for ip in addresses if (info := lookup(ip)) is not None}
    page = infos.get(report.page.ip or "")
    if page is not None:
        report.page.asn = f"AS{page.asn}" if page.asn else None
        report.page.asnname = page.name
        report.page.country = page.country
    for entry in report.data.get("requests", []):
        _enrich_entry(entry, infos)
    listed = [infos[ip] for ip in report.lists.ips if ip in infos]
    report.lists.asns = [info.asn for info in listed if info.asn]
    report.lists.countries = unique(info.country for info in listed)
    processors = report.meta.setdefault("processors", {})
    processors["asn"] = {"state": "done", "data": [asn_block(i) for i in infos.values()]}
    processors["geoip"] = {
        "state": "done",
        "data": [{"ip": i.ip, "geoip": geoip_block(i)} for i in infos.values() if i.country],
    }
    if any(not info.special for info in infos.values()):
        processors["enrich"] = {"state": "done", "data": data_source()}
    return report


def asn_block(info: IPInfo) -> dict[str, Any]:
    """urlscan's ``asn`` object; ``registrar`` and ``date`` are not in the data.

    >>> block = asn_block(IPInfo(ip="1.1.1.1", name="CLOUDFLARENET", country="AU"))
    >>> block["asn"], block["description"], block["registrar"]
    (None, 'CLOUDFLARENET, AU', None)
    """
    description = ", ".join(part for part in (info.name, info.country) if part) or None
    return {
        "ip": info.ip,
        "asn": info.asn,
        "country": info.country,
        "registrar": None,
        "date": None,
        "description": description,
        "route": info.route,
        "name": info.name,
    }


def geoip_block(info: IPInfo) -> dict[str, Any]:
    """urlscan's ``geoip`` object; the data is country-level, so the rest is null."""
    return {
        "country": info.country,
        "region": None,
        "timezone": None,
        "city": None,
        "ll": None,
        "country_name": info.country_name,
        "metro": None,
    }


def _enrich_entry(entry: dict[str, Any], infos: dict[str, IPInfo]) -> None:
    block = entry.get("response")
    info = infos.get(_entry_ip(entry) or "")
    if info is None or not isinstance(block, dict):
        return
    block["asn"] = asn_block(info)
    if info.country:
        block["geoip"] = geoip_block(info)


def _request_ips(report: Report) -> list[str | None]:
    return [_entry_ip(entry) for entry in report.data.get("requests", [])]


def _entry_ip(entry: dict[str, Any]) -> str | None:
    inner = (entry.get("response") or {}).get("response") or {}
    return bare_ip(inner.get("remoteIPAddress"))


def _parse(ip: str | None) -> Address | None:
    bare = bare_ip(ip)
    if not bare:
        return None
    try:
        return ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        return None
