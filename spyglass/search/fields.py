"""The searchable fields: what each query field means and where its values are stored.

Four kinds of field, one table each (``store/db.py``):

- ``keyword``: exact, case-insensitive values in ``scan_index`` (``*`` and ``?`` wildcards);
- ``number``: integers in ``scan_numbers`` (ranges: ``stats.requests:>100``);
- ``date``: the scan's time, which is its search order (``date:>now-7d``);
- ``text``: words in the full-text index (``text:"verify your account"``, ``page.title:login``).

Names follow urlscan.io's; the short forms urlscan also accepts (``tag``, ``apexDomain``) are
aliases of the same stored field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["keyword", "number", "date", "text"]
# How a keyword's value is normalised before lookup (see query._keyword_value).
Normalise = Literal["plain", "domain", "ip", "asn", "bool"]


@dataclass(frozen=True)
class Field:
    kind: Kind
    stored: str  # scan_index / scan_numbers field, or the full-text column
    normalise: Normalise = "plain"


def _keyword(stored: str, normalise: Normalise = "plain") -> Field:
    return Field("keyword", stored, normalise)


FIELDS: dict[str, Field] = {
    # Anywhere in the scan (every request, redirect and sub-resource).
    "domain": _keyword("domain", "domain"),  # the domain and every subdomain of it
    "apexDomain": _keyword("apex", "domain"),
    "ip": _keyword("ip", "ip"),
    "asn": _keyword("asn", "asn"),
    "asnname": _keyword("asnname"),
    "country": _keyword("country"),
    "server": _keyword("server"),
    "url": _keyword("url"),
    "hash": _keyword("hash"),
    "download": _keyword("download"),
    "filename": _keyword("filename"),
    # The page (the last document of the main frame).
    "page.domain": _keyword("page.domain", "domain"),
    "page.apexDomain": _keyword("page.apex", "domain"),
    "page.ip": _keyword("page.ip", "ip"),
    "page.asn": _keyword("page.asn", "asn"),
    "page.asnname": _keyword("page.asnname"),
    "page.country": _keyword("page.country"),
    "page.server": _keyword("page.server"),
    "page.url": _keyword("page.url"),
    "page.mimeType": _keyword("page.mime"),
    "page.status": Field("number", "page.status"),
    "page.title": Field("text", "title"),
    # The submission.
    "task.tags": _keyword("tag"),
    "tag": _keyword("tag"),
    "task.method": _keyword("task.method"),
    "task.source": _keyword("task.source"),
    "task.url": _keyword("task.url"),
    "task.domain": _keyword("task.domain", "domain"),
    "task.visibility": _keyword("task.visibility"),
    "date": Field("date", "date"),
    "task.time": Field("date", "date"),
    # What the page holds.
    "text": Field("text", "body"),
    "form.action": _keyword("form.action"),
    "form.domain": _keyword("form.domain", "domain"),
    "links.domain": _keyword("links.domain", "domain"),
    "cookie.name": _keyword("cookie"),
    "cookie": _keyword("cookie"),
    # Counts.
    "stats.requests": Field("number", "stats.requests"),
    "stats.uniqIPs": Field("number", "stats.uniqIPs"),
    "stats.uniqCountries": Field("number", "stats.uniqCountries"),
    "stats.domains": Field("number", "stats.domains"),
    "stats.totalLinks": Field("number", "stats.totalLinks"),
    # Verdicts and crypto (verdict engines fill these; absent values match nothing).
    "verdicts.malicious": _keyword("verdicts.malicious", "bool"),
    "verdicts.score": Field("number", "verdicts.score"),
    "verdicts.brands": _keyword("verdicts.brands"),
    "verdicts.categories": _keyword("verdicts.categories"),
    "verdicts.tags": _keyword("verdicts.tags"),
    "wallet.address": _keyword("wallet.address"),
    "wallet.method": _keyword("wallet.method"),  # eth_signTypedData_v4, signTransaction...
    "crypto.address": _keyword("crypto.address"),
    "crypto.chain": _keyword("crypto.chain"),
    # A scan that showed an address on a sanctions list: crypto.sanctioned:true.
    "crypto.sanctioned": _keyword("crypto.sanctioned", "bool"),
    # Look-alike pivots (analyze/detect/identifiers.py).
    "structure": _keyword("structure"),
    "phash": _keyword("phash"),
    "favicon": _keyword("favicon"),
    "hhhash": _keyword("hhhash"),
    "sitekey": _keyword("sitekey"),
    "analytics": _keyword("analytics"),
}
# Near-duplicate screenshots: every scan whose pHash shares a 16-bit quarter with the one
# searched, i.e. all within Hamming distance 3 and some further (see store.index.phash_bands).
NEAR_PHASH = "phash.near"
# Where a bare term (no field) is looked for: the words of the title, URLs, domains and visible
# text, and exactly among domains, IPs and hashes (an IOC pasted as is).
BARE_KEYWORDS = ("domain", "ip", "hash")


def known_fields() -> list[str]:
    return sorted([*FIELDS, NEAR_PHASH])
