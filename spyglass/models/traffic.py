"""urlscan's ``stats``: the scan's requests counted per resource type, protocol, TLS state,
server, domain, registered domain and IP (``analyze/document/stats.py`` counts them,
``analyze/document/addresses.py`` adds countries, AS and places).

Fields are declared in the order urlscan writes them: the document keeps that order. Each row
is a model of its own because urlscan's rows differ (``domainStats`` puts ``domain`` between
``ips`` and ``size``, ``ipStats`` counts ``requests`` and ends with a null ``count``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from spyglass.models.sections import ReportModel


class Totals(ReportModel):
    """What the resource, protocol, TLS and server rows start with."""

    count: int = 0  # answers (a redirect hop is one)
    size: int = 0  # decoded body bytes
    encoded_size: int = 0  # bytes on the wire
    ips: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)


class ResourceStat(Totals):
    latency: int = 0
    type: str  # CDP's resource type: Document, Script, Image...
    compression: str  # size / encodedSize, one decimal: "3.3"
    percentage: int  # of all answers, floored


class ProtocolStat(Totals):
    security_state: dict[str, int] = Field(default_factory=dict)  # state -> hops
    protocol: str


class TLSStat(Totals):
    protocols: dict[str, int] = Field(default_factory=dict)  # "TLS 1.3 /  / AES_128_GCM" -> n
    security_state: str


class ServerStat(Totals):
    server: str  # the Server response header


class DomainStat(ReportModel):
    count: int = 0
    ips: list[str] = Field(default_factory=list)
    domain: str
    size: int = 0
    encoded_size: int = 0
    countries: list[str] = Field(default_factory=list)
    index: int  # position in data.requests of the first entry touching it
    initiators: list[str] = Field(default_factory=list)  # hosts that started its requests
    redirects: int = 0


class SubDomain(ReportModel):
    """A host of a registered domain that answered: ``domain`` is what precedes the apex
    (``""`` for the apex itself), ``country`` its first country once enriched."""

    domain: str
    country: str | None


class FailedSubDomain(ReportModel):
    """A host of a registered domain that never answered (urlscan writes no country)."""

    domain: str
    failed: bool = True


class RegDomainStat(ReportModel):
    count: int = 0
    ips: list[str] = Field(default_factory=list)
    reg_domain: str
    size: int = 0
    encoded_size: int = 0
    countries: list[str] = Field(default_factory=list)
    index: int
    sub_domains: list[SubDomain | FailedSubDomain] = Field(default_factory=list)
    redirects: int = 0


class IPStat(ReportModel):
    requests: int = 0
    domains: list[str] = Field(default_factory=list)
    ip: str
    # urlscan's asn and geoip objects (addresses.asn_block, geoip_block); {} until enriched.
    asn: dict[str, Any] = Field(default_factory=dict)
    dns: dict[str, Any] = Field(default_factory=dict)  # always {}: no DNS data offline
    geoip: dict[str, Any] = Field(default_factory=dict)
    size: int = 0
    encoded_size: int = 0
    countries: list[str] = Field(default_factory=list)
    index: int
    ipv6: bool = False
    redirects: int = 0
    count: int | None = None  # urlscan writes null here


class Stats(ReportModel):
    resource_stats: list[ResourceStat] = Field(default_factory=list)
    protocol_stats: list[ProtocolStat] = Field(default_factory=list)
    tls_stats: list[TLSStat] = Field(default_factory=list)
    server_stats: list[ServerStat] = Field(default_factory=list)
    domain_stats: list[DomainStat] = Field(default_factory=list)
    reg_domain_stats: list[RegDomainStat] = Field(default_factory=list)
    ip_stats: list[IPStat] = Field(default_factory=list)
    secure_requests: int = 0
    secure_percentage: int = 0
    ipv6_percentage: int | None = Field(None, alias="IPv6Percentage")  # None: no address
    uniq_countries: int = 0
    total_links: int = 0
    malicious: int = 0
    ad_blocked: int = 0

    def rows_with_ips(self) -> list[Totals | DomainStat | RegDomainStat]:
        """Every row that lists ``ips`` (all but ``ipStats``), for what is said per address."""
        return [
            *self.resource_stats,
            *self.protocol_stats,
            *self.tls_stats,
            *self.server_stats,
            *self.domain_stats,
            *self.reg_domain_stats,
        ]
