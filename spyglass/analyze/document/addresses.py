"""The report's AS and country fields, filled from ``refdata.ipdata`` (``enrich_report``).

urlscan's ``page.asn``/``asnname``/``country``, each request's ``asn`` and ``geoip``, ``stats``
rows' countries, ``lists.asns``/``countries`` and ``meta.processors.asn``/``geoip``/``enrich``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from spyglass.analyze.document.lists import unique
from spyglass.analyze.ips import bare_ip
from spyglass.models import Report
from spyglass.models.traffic import Stats, SubDomain
from spyglass.refdata.ipdata import IPData, IPInfo


def enrich_report(report: Report, ip_data: IPData | None = None) -> Report:
    """Fill ``report`` in place from its own addresses, and return it.

    Sets ``page.asn`` (``"AS"`` + number), ``page.asnname``, ``page.country``; each
    ``data.requests[].response.asn``/``.geoip`` and ``stats.ipStats[].asn``/``.geoip`` in
    urlscan's shape, the ``countries`` of every ``stats`` row, ``stats.uniqCountries``;
    ``lists.asns`` (numbers without ``AS``, one per IP, so they may repeat) and
    ``lists.countries``;
    ``meta.processors.asn``, ``.geoip`` (each with its ``source`` list) and ``.enrich`` (all
    sources). ``ip_data`` None: the shipped data only. A report that contacted no address is
    left as it is.
    """
    addresses = unique([report.page.ip, *report.lists.ips, *_request_ips(report)])
    if not addresses:
        return report
    data = _shipped() if ip_data is None else ip_data
    infos = {ip: info for ip in addresses if (info := data.lookup(ip)) is not None}
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
    _enrich_stats(report.stats, infos)
    report.stats.uniq_countries = len(report.lists.countries)
    looked_up = any(not info.special for info in infos.values())
    processors = report.meta.setdefault("processors", {})
    processors["asn"] = {"state": "done", "data": [asn_block(i) for i in infos.values()]}
    processors["geoip"] = {
        "state": "done",
        "data": [{"ip": i.ip, "geoip": geoip_block(i)} for i in infos.values() if i.country],
    }
    if looked_up:
        processors["asn"]["source"] = data.sources(geo=False)
        processors["geoip"]["source"] = data.sources(asn=False)
        processors["enrich"] = {"state": "done", "data": {"sources": data.sources()}}
    return report


@cache
def _shipped() -> IPData:
    return IPData()


def asn_block(info: IPInfo) -> dict[str, Any]:
    """urlscan's ``asn`` object; ``registrar`` and ``date`` are not in the data.

    >>> block = asn_block(IPInfo(ip="1.1.1.1", asn="13335", name="CLOUDFLARENET", country="AU"))
    >>> block["asn"], block["description"], block["registrar"]
    ('13335', 'CLOUDFLARENET, AU', None)
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
    """urlscan's ``geoip`` object; without a user City database only the country is known."""
    return {
        "country": info.country,
        "region": info.region,
        "timezone": info.timezone,
        "city": info.city,
        "ll": list(info.ll) if info.ll else None,
        "country_name": info.country_name,
        "metro": info.metro,
    }


def _enrich_entry(entry: dict[str, Any], infos: dict[str, IPInfo]) -> None:
    block = entry.get("response")
    info = infos.get(_entry_ip(entry) or "")
    if info is None or not isinstance(block, dict):
        return
    block["asn"] = asn_block(info)
    if info.country:
        block["geoip"] = geoip_block(info)


def _enrich_stats(stats: Stats, infos: dict[str, IPInfo]) -> None:
    """``ipStats[].asn``/``.geoip``, the ``countries`` of every row that lists ``ips`` and
    ``regDomainStats[].subDomains[].country`` (the host's first country)."""
    for row in stats.rows_with_ips():
        row.countries = unique(
            infos[ip].country for ip in row.ips if ip in infos and infos[ip].country
        )
    by_host = {row.domain: row.countries for row in stats.domain_stats}
    for apex in stats.reg_domain_stats:
        for sub in apex.sub_domains:
            if isinstance(sub, SubDomain):  # answered hosts; failed ones have no country
                host = f"{sub.domain}.{apex.reg_domain}" if sub.domain else apex.reg_domain
                sub.country = next(iter(by_host.get(host) or []), None)
    for ip_row in stats.ip_stats:
        info = infos.get(ip_row.ip)
        if info is None:
            continue
        ip_row.asn = asn_block(info)
        ip_row.geoip = geoip_block(info) if info.country else {}
        ip_row.countries = [info.country] if info.country else []


def _request_ips(report: Report) -> list[str | None]:
    return [_entry_ip(entry) for entry in report.data.get("requests", [])]


def _entry_ip(entry: dict[str, Any]) -> str | None:
    inner = (entry.get("response") or {}).get("response") or {}
    return bare_ip(inner.get("remoteIPAddress"))
