""" "What else shares this?": a search query for each pivotable value of a report.

    pivot_query("ip", "2001:db8::1")          -> 'ip:"2001:db8::1"'
    pivot_query("form.action", 'https://x/"') -> 'form.action:"https://x/\\""'

Values are always quoted, so a value holding Lucene syntax (``:``, ``(``, ``*``, ``"``) is
searched as written. ``report_pivots(report)`` lists them all for the report page and CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

PivotKind = Literal["domain", "ip", "asn", "hash", "url", "form.action", "form.domain", "address"]
_FIELDS: dict[str, tuple[str, ...]] = {
    "domain": ("domain",),
    "ip": ("ip",),
    "asn": ("asn",),
    "hash": ("hash",),
    "url": ("url",),
    "form.action": ("form.action",),
    "form.domain": ("form.domain",),
    # A wallet address: the decoy wallet saw it in a request, or the page showed it.
    "address": ("wallet.address", "crypto.address"),
}


@dataclass(frozen=True)
class Pivot:
    kind: PivotKind
    value: str
    query: str


def quote(value: str) -> str:
    """A Lucene phrase holding exactly ``value``."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pivot_query(kind: PivotKind, value: str) -> str:
    return " OR ".join(f"{field}:{quote(value)}" for field in _FIELDS[kind])


def search_link(query: str, base: str = "/search/") -> str:
    """The web UI's search page for ``query``."""
    return f"{base}?{urlencode({'q': query})}"


def report_pivots(report: dict[str, Any]) -> list[Pivot]:
    """Every domain, IP, ASN, hash, URL, form action and crypto address of ``report``, once
    each, in the order the report lists them."""
    lists = report.get("lists") or {}
    forms = report.get("forms") or []
    calls = (report.get("wallet") or {}).get("calls") or []
    crypto = lists.get("cryptoAddresses") or []
    values: list[tuple[PivotKind, Any]] = [
        *(("domain", d) for d in lists.get("domains") or []),
        *(("ip", i) for i in lists.get("ips") or []),
        *(("asn", f"AS{a}" if str(a).isdigit() else a) for a in lists.get("asns") or []),
        *(("hash", h) for h in lists.get("hashes") or []),
        *(("url", u) for u in lists.get("urls") or []),
        *(("form.action", f.get("actionUrl")) for f in forms),
        *(("form.domain", f.get("actionDomain")) for f in forms),
        *(("address", a) for call in calls for a in call.get("addresses") or []),
        *(("address", a.get("address") if isinstance(a, dict) else a) for a in crypto),
    ]
    pivots: dict[tuple[str, str], Pivot] = {}
    for kind, value in values:
        if value and (kind, str(value)) not in pivots:
            pivots[kind, str(value)] = Pivot(kind, str(value), pivot_query(kind, str(value)))
    return list(pivots.values())
