"""urlscan's ``stats``: the scan's requests counted by resource type, protocol, TLS, server,
domain, registered domain and IP, plus a few scalars.

Counting rules:

- A request is a hop that got an answer (``status`` set); a redirect hop is a request on the
  wire and counts. Failed and blocked hops have no answer: they add nothing but still make
  their domain appear (``count`` 0, and ``failed: true`` in ``regDomainStats.subDomains``),
  as on urlscan.
- ``size`` sums decoded body bytes, ``encodedSize`` bytes on the wire; ``compression`` is
  their ratio as a one-decimal string and ``percentage`` a floored integer, as urlscan writes them.
- ``index`` is the position in ``data.requests`` of the first entry touching the key.
- IPs are bare (no IPv6 brackets). Countries, ASNs, geoip and DNS need enrichment: empty here.
- Lists are ordered by ``count`` (descending), ties by first appearance; ``ipStats`` by index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from spyglass.analyze.document.lists import contacted_ip, unique
from spyglass.analyze.document.page import header, is_redirect
from spyglass.analyze.document.requests import group_hops, initiator_info
from spyglass.analyze.domains import apex_domain, host_of
from spyglass.analyze.ips import is_ipv6
from spyglass.models import Transaction
from spyglass.models.traffic import (
    DomainStat,
    FailedSubDomain,
    IPStat,
    ProtocolStat,
    RegDomainStat,
    ResourceStat,
    ServerStat,
    Stats,
    SubDomain,
    TLSStat,
)

_SECURE_SCHEMES = {"https", "wss"}


@dataclass
class _Tally:
    """Running totals for one key."""

    index: int
    count: int = 0
    size: int = 0
    encoded_size: int = 0
    redirects: int = 0
    ips: list[str] = field(default_factory=list)
    hops: list[Transaction] = field(default_factory=list)

    def add(self, hop: Transaction) -> None:
        self.hops.append(hop)
        if is_redirect(hop):
            self.redirects += 1
        if not answered(hop):
            return
        self.count += 1
        self.size += hop.decoded_size or 0
        self.encoded_size += hop.encoded_size or 0
        ip = contacted_ip(hop)
        if ip and ip not in self.ips:
            self.ips.append(ip)

    def totals(self) -> dict[str, Any]:
        """The fields every row with totals starts with (``Totals``)."""
        return {
            "count": self.count,
            "size": self.size,
            "encoded_size": self.encoded_size,
            "ips": list(self.ips),
        }


def answered(hop: Transaction) -> bool:
    """True when the hop got a response."""
    return hop.status is not None


def build_stats(transactions: Sequence[Transaction], total_links: int) -> Stats:
    """``stats`` of the scan (see the module docstring)."""
    index = {group[0].request_id: i for i, group in enumerate(group_hops(transactions))}
    hops = [(index[t.request_id], t) for t in transactions]
    requests = [t for t in transactions if answered(t)]
    ips = unique(contacted_ip(t) for t in requests)
    secure = sum(1 for t in requests if _scheme(t.url) in _SECURE_SCHEMES)
    return Stats(
        resource_stats=resource_stats(hops),
        protocol_stats=protocol_stats(hops),
        tls_stats=tls_stats(hops),
        server_stats=server_stats(hops),
        domain_stats=domain_stats(hops),
        reg_domain_stats=reg_domain_stats(hops),
        ip_stats=ip_stats(hops),
        secure_requests=secure,
        secure_percentage=_percent(secure, len(requests)) or 0,
        ipv6_percentage=_percent(sum(1 for ip in ips if is_ipv6(ip)), len(ips)),
        total_links=total_links,
    )


Hops = Sequence[tuple[int, Transaction]]


def resource_stats(hops: Hops) -> list[ResourceStat]:
    """Per CDP resource type (Document, Script, Image, ...)."""
    tallies = _tally(hops, lambda t: t.resource_type if answered(t) else None)
    total = sum(t.count for t in tallies.values())
    rows = [
        ResourceStat(
            **tally.totals(),
            type=kind,
            compression=_compression(tally.size, tally.encoded_size),
            percentage=_percent(tally.count, total) or 0,
        )
        for kind, tally in tallies.items()
    ]
    return _by_count(rows)


def protocol_stats(hops: Hops) -> list[ProtocolStat]:
    """Per protocol (h2, http/1.1, ...); ``securityState`` counts the states seen."""
    tallies = _tally(hops, lambda t: t.protocol if answered(t) else None)
    rows = [
        ProtocolStat(
            **tally.totals(),
            security_state=_counts(t.security_state for t in tally.hops),
            protocol=protocol,
        )
        for protocol, tally in tallies.items()
    ]
    return _by_count(rows)


def tls_stats(hops: Hops) -> list[TLSStat]:
    """Per security state, over answers that came over TLS.

    ``protocols`` counts urlscan's ``"{protocol} / {keyExchange} / {cipher}"`` names, e.g.
    ``"TLS 1.3 /  / AES_128_GCM"`` (TLS 1.3 names no key exchange).
    """
    tallies = _tally(
        hops, lambda t: (t.security_state or "unknown") if answered(t) and t.tls else None
    )
    rows = [
        TLSStat(
            **tally.totals(),
            protocols=_counts(_tls_name(t) for t in tally.hops),
            security_state=state,
        )
        for state, tally in tallies.items()
    ]
    return _by_count(rows)


def server_stats(hops: Hops) -> list[ServerStat]:
    """Per ``Server`` response header."""
    tallies = _tally(hops, lambda t: header(t.response_headers, "server") if answered(t) else None)
    return _by_count([ServerStat(**tally.totals(), server=name) for name, tally in tallies.items()])


def domain_stats(hops: Hops) -> list[DomainStat]:
    """Per host; ``initiators`` are the hosts that started its requests."""
    tallies = _tally(hops, lambda t: host_of(t.url))
    rows = [
        DomainStat(
            **tally.totals(),
            domain=domain,
            index=tally.index,
            initiators=unique(_initiator_host(t) for t in tally.hops),
            redirects=tally.redirects,
        )
        for domain, tally in tallies.items()
    ]
    return _by_count_then_index(rows)


def reg_domain_stats(hops: Hops) -> list[RegDomainStat]:
    """Per registered domain; ``subDomains`` name each host by what precedes the apex."""
    tallies = _tally(hops, lambda t: apex_domain(host_of(t.url)))
    rows = [
        RegDomainStat(
            **tally.totals(),
            reg_domain=apex,
            index=tally.index,
            sub_domains=_sub_domains(apex, tally.hops),
            redirects=tally.redirects,
        )
        for apex, tally in tallies.items()
    ]
    return _by_count_then_index(rows)


def ip_stats(hops: Hops) -> list[IPStat]:
    """Per address connected to; ``ipv6`` flags IPv6 addresses."""
    tallies = _tally(hops, lambda t: contacted_ip(t) if answered(t) else None)
    rows = [
        IPStat(
            requests=tally.count,
            domains=unique(host_of(t.url) for t in tally.hops),
            ip=ip,
            size=tally.size,
            encoded_size=tally.encoded_size,
            index=tally.index,
            ipv6=is_ipv6(ip),
            redirects=tally.redirects,
        )
        for ip, tally in tallies.items()
    ]
    return sorted(rows, key=lambda row: row.index)


def _tally(hops: Hops, key: Callable[[Transaction], str | None]) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = {}
    for index, hop in hops:
        name = key(hop)
        if name:
            tallies.setdefault(name, _Tally(index=index)).add(hop)
    return tallies


def _sub_domains(apex: str, hops: list[Transaction]) -> list[SubDomain | FailedSubDomain]:
    seen: dict[str, bool] = {}
    for hop in hops:
        host = host_of(hop.url) or ""
        seen[host] = seen.get(host, False) or answered(hop)
    return [
        SubDomain(domain=_sub_part(host, apex), country=None)
        if ok
        else FailedSubDomain(domain=_sub_part(host, apex))
        for host, ok in seen.items()
    ]


def _sub_part(host: str, apex: str) -> str:
    """``"stats.g"`` for ``stats.g.doubleclick.net`` in ``doubleclick.net``; ``""`` for the apex."""
    return host[: -len(apex) - 1] if host.endswith("." + apex) else ""


def _tls_name(hop: Transaction) -> str | None:
    tls = hop.tls
    if tls is None:
        return None
    return f"{tls.protocol or ''} / {tls.key_exchange or ''} / {tls.cipher or ''}"


def _initiator_host(hop: Transaction) -> str | None:
    info = initiator_info(hop)
    return info["host"] if info else None


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def _counts(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        if value:
            counts[value] = counts.get(value, 0) + 1
    return counts


def _compression(size: int, encoded_size: int) -> str:
    """``"3.3"`` for 181689 body bytes sent as 54719; ``"0.0"`` when nothing was on the wire."""
    return f"{size / encoded_size:.1f}" if encoded_size else "0.0"


def _percent(part: int, whole: int) -> int | None:
    """Floored integer percentage, None when ``whole`` is 0 (urlscan's ``IPv6Percentage``)."""
    return part * 100 // whole if whole else None


Row = TypeVar("Row", ResourceStat, ProtocolStat, TLSStat, ServerStat)
IndexedRow = TypeVar("IndexedRow", DomainStat, RegDomainStat)


def _by_count(rows: list[Row]) -> list[Row]:
    """By ``count``, descending; ties in the order given (``sorted`` is stable)."""
    return sorted(rows, key=lambda row: -row.count)


def _by_count_then_index(rows: list[IndexedRow]) -> list[IndexedRow]:
    return sorted(rows, key=lambda row: (-row.count, row.index))
