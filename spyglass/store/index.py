"""Search terms of a report: the ``scan_index`` rows derived from a urlscan document.

``index_terms(report)`` -> ``{("domain", "cdn.news.test"), ("domain", "news.test"), ...}``

Values are lower-cased (urlscan searches case-insensitively) and deduplicated. ``domain`` rows
hold each domain *and its parent domains*, so ``domain:news.test`` finds a scan that only
touched ``cdn.news.test`` with one equality lookup, as urlscan's ``domain:`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spyglass.store.db import sha256_hex

# Longer values are indexed by their sha256: a B-tree entry has a size limit on PostgreSQL
# (about 2.7 kB), and a data: URL or a giant title would exceed it. Lookups hash the same way.
MAX_VALUE_CHARS = 512


def index_key(value: Any) -> str | None:
    """The stored form of a search value: ``" News.Test "`` -> ``"news.test"``; long values
    become ``"sha256:<hex>"``; empty values None."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if len(text) > MAX_VALUE_CHARS:
        return "sha256:" + sha256_hex(text)
    return text


def domain_and_parents(domain: str) -> list[str]:
    """``"cdn.news.test"`` -> ``["cdn.news.test", "news.test", "test"]``."""
    labels = domain.strip(".").split(".")
    return [".".join(labels[i:]) for i in range(len(labels)) if labels[i]]


def index_terms(report: dict[str, Any]) -> set[tuple[str, str]]:
    """Every (field, value) a search can find ``report`` by (see the module docstring)."""
    terms: set[tuple[str, str]] = set()
    for field, values in _raw_terms(report):
        for value in values:
            key = index_key(value)
            if key is not None:
                terms.add((field, key))
    return terms


def _raw_terms(report: dict[str, Any]) -> Iterator[tuple[str, Iterable[Any]]]:
    task = report.get("task") or {}
    page = report.get("page") or {}
    lists = report.get("lists") or {}
    data = report.get("data") or {}
    forms = report.get("forms") or []
    downloads = data.get("downloads") or []

    domains = [*lists.get("domains", []), page.get("domain"), task.get("domain")]
    yield "domain", (p for d in domains if d for p in domain_and_parents(str(d).lower()))
    yield "apex", [*lists.get("apexDomains", []), page.get("apexDomain")]
    yield "ip", [*lists.get("ips", []), page.get("ip")]
    # lists.asns are bare numbers ("13335"), page.asn is "AS13335"; asn: searches "AS13335".
    asns = (f"AS{a}" if str(a).isdigit() else a for a in lists.get("asns", []))
    yield "asn", [*asns, page.get("asn")]
    yield "country", [*lists.get("countries", []), page.get("country")]
    yield "url", [*lists.get("urls", []), page.get("url"), task.get("url")]
    yield "hash", lists.get("hashes", [])
    # Downloads apart: /responses/{hash} serves what "hash" finds, and a download (malware,
    # perhaps) must never be served raw.
    yield "download", (d.get("sha256") for d in downloads)
    yield "server", [*lists.get("servers", []), page.get("server")]
    yield "link_domain", lists.get("linkDomains", [])
    yield "form_action", (f.get("actionUrl") for f in forms)
    yield "form_domain", (f.get("actionDomain") for f in forms)
    yield "tag", task.get("tags") or []
    yield "filename", (d.get("suggestedFilename") for d in downloads)
    for name in ("domain", "ip", "url", "title", "status"):
        yield f"page.{name}", [page.get(name)]
    yield from _pivot_terms(report.get("pivots") or {})


def _pivot_terms(pivots: dict[str, Any]) -> Iterator[tuple[str, Iterable[Any]]]:
    """Look-alike pivots (``analyze/pivots.py``); the favicon by sha256 and by Shodan's mmh3."""
    yield "structure", [pivots.get("structureHash")]
    yield "phash", [pivots.get("screenshotPhash")]
    yield "phash_band", phash_bands(pivots.get("screenshotPhash"))
    yield "favicon", [pivots.get("faviconSha256"), pivots.get("faviconMmh3")]
    yield "hhhash", (i.get("value") for i in pivots.get("hhhash") or [])
    yield "sitekey", (i.get("value") for i in pivots.get("captcha") or [])
    yield "analytics", (i.get("value") for i in pivots.get("analytics") or [])
    yield "cookie", pivots.get("cookieNames") or []


def phash_bands(phash: str | None) -> list[str]:
    """The four 16-bit quarters of a 64-bit pHash, each with its place: two hashes within
    Hamming distance 3 share at least one (pigeonhole), so ``phash.near:`` finds them with
    equality lookups alone.

    >>> phash_bands("f358665c745c6670")
    ['0:f358', '1:665c', '2:745c', '3:6670']
    >>> phash_bands("not a hash"), phash_bands(None)
    ([], [])
    """
    text = (phash or "").strip().lower()
    if len(text) != 16 or any(c not in "0123456789abcdef" for c in text):
        return []
    return [f"{i}:{text[4 * i : 4 * i + 4]}" for i in range(4)]


def summary_of(report: dict[str, Any]) -> dict[str, Any]:
    """What a search hit shows without loading the report: urlscan's hit shape.

    ``task`` without its options, ``page`` whole (it is small), the scalar ``stats`` (no
    per-resource tables, plus urlscan's ``requests``/``uniqIPs`` counts) and the overall verdict.
    """
    task = {k: v for k, v in (report.get("task") or {}).items() if k != "options"}
    stats = {k: v for k, v in (report.get("stats") or {}).items() if not isinstance(v, list | dict)}
    lists = report.get("lists") or {}
    stats.setdefault("requests", len((report.get("data") or {}).get("requests") or []))
    stats.setdefault("uniqIPs", len(lists.get("ips") or []))
    stats.setdefault("uniqCountries", len(lists.get("countries") or []))
    summary: dict[str, Any] = {"task": task, "page": report.get("page") or {}, "stats": stats}
    overall = (report.get("verdicts") or {}).get("overall")
    if overall is not None:
        summary["verdicts"] = {"overall": overall}
    return summary
