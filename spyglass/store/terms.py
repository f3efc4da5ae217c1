"""What a report is found by: its keyword terms, numbers and full text (``search/fields.py``
names them; the ``scan_index``, ``scan_numbers`` and ``scan_text`` tables hold them).

``index_terms(report)`` -> ``{("domain", "cdn.news.test"), ("domain", "news.test"), ...}``

Values are lower-cased (urlscan searches case-insensitively) and deduplicated. ``domain`` rows
hold each domain *and its parent domains*, so ``domain:news.test`` finds a scan that only
touched ``cdn.news.test`` with one equality lookup, as urlscan's ``domain:`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spyglass.search.values import index_key, phash_bands, words

# Full text kept per scan: enough for every visible word of a long article or a phishing kit;
# a page of megabytes of text (generated filler) is cut.
MAX_BODY_CHARS = 100_000
MAX_PAGE_DOMAINS = 200


@dataclass(frozen=True)
class TextDocument:
    """The full-text columns of a scan, in ``values.words`` form."""

    title: str
    page: str  # page and task URLs and the domains contacted
    body: str  # visible text


def domain_and_parents(domain: str) -> list[str]:
    """``"cdn.news.test"`` -> ``["cdn.news.test", "news.test", "test"]``."""
    labels = domain.strip(".").split(".")
    return [".".join(labels[i:]) for i in range(len(labels)) if labels[i]]


def index_terms(report: dict[str, Any]) -> set[tuple[str, str]]:
    """Every keyword (field, value) a search can find ``report`` by."""
    terms: set[tuple[str, str]] = set()
    for field, values in _raw_terms(report):
        for value in values:
            key = index_key(value)
            if key is not None:
                terms.add((field, key))
    return terms


def index_numbers(report: dict[str, Any]) -> set[tuple[str, int]]:
    """Every numeric (field, value) of ``report``: ``{("page.status", 200), ...}``."""
    page = report.get("page") or {}
    stats = report.get("stats") or {}
    lists = report.get("lists") or {}
    overall = (report.get("verdicts") or {}).get("overall") or {}
    values = {
        "page.status": page.get("status"),
        "stats.requests": len((report.get("data") or {}).get("requests") or []),
        "stats.uniqIPs": len(lists.get("ips") or []),
        "stats.uniqCountries": len(lists.get("countries") or []),
        "stats.domains": len(lists.get("domains") or []),
        "stats.totalLinks": stats.get("totalLinks"),
        "verdicts.score": overall.get("score"),
    }
    numbers: set[tuple[str, int]] = set()
    for field, value in values.items():
        try:
            numbers.add((field, int(value)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue  # absent (a failed scan has no status): not indexed
    return numbers


def index_text(report: dict[str, Any]) -> TextDocument:
    task = report.get("task") or {}
    page = report.get("page") or {}
    domains = (report.get("lists") or {}).get("domains") or []
    where = [page.get("url"), task.get("url"), page.get("domain"), *domains[:MAX_PAGE_DOMAINS]]
    return TextDocument(
        title=words(str(page.get("title") or "")),
        page=words(" ".join(str(w) for w in where if w)),
        body=words(str(report.get("text") or "")[:MAX_BODY_CHARS]),
    )


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
    yield "asnname", [page.get("asnname")]
    yield "country", [*lists.get("countries", []), page.get("country")]
    yield "url", [*lists.get("urls", []), page.get("url"), task.get("url")]
    yield "hash", lists.get("hashes", [])
    # Downloads apart: /responses/{hash} serves what "hash" finds, and a download (malware,
    # perhaps) must never be served raw.
    yield "download", (d.get("sha256") for d in downloads)
    yield "filename", (d.get("suggestedFilename") for d in downloads)
    yield "server", [*lists.get("servers", []), page.get("server")]
    yield "links.domain", lists.get("linkDomains", [])
    yield "form.action", (f.get("actionUrl") for f in forms)
    yield "form.domain", (f.get("actionDomain") for f in forms)
    yield "tag", task.get("tags") or []
    for name in ("domain", "ip", "url", "asn", "asnname", "country", "server"):
        yield f"page.{name}", [page.get(name)]
    yield "page.apex", [page.get("apexDomain")]
    yield "page.mime", [page.get("mimeType")]
    for name in ("method", "source", "url", "domain", "visibility"):
        yield f"task.{name}", [task.get(name)]
    yield from _verdict_terms(report)
    yield from _pivot_terms(report.get("pivots") or {})


def _verdict_terms(report: dict[str, Any]) -> Iterator[tuple[str, Iterable[Any]]]:
    overall = (report.get("verdicts") or {}).get("overall") or {}
    if "malicious" in overall:
        yield "verdicts.malicious", [str(bool(overall["malicious"])).lower()]
    yield "verdicts.brands", [_name(b) for b in overall.get("brands") or []]
    yield "verdicts.categories", overall.get("categories") or []
    yield "verdicts.tags", overall.get("tags") or []
    calls = (report.get("wallet") or {}).get("calls") or []
    yield "wallet.address", (a for call in calls for a in call.get("addresses") or [])
    yield "wallet.method", (call.get("method") for call in calls)
    crypto = (report.get("lists") or {}).get("cryptoAddresses") or []
    yield "crypto.address", (_name(a, "address") for a in crypto)
    found = [a for a in crypto if isinstance(a, dict)]
    yield "crypto.chain", (a.get("chain") for a in found)
    yield "crypto.sanctioned", ["true"] if any(a.get("sanctioned") for a in found) else []


def _name(item: Any, key: str = "key") -> Any:
    """Brands and addresses are strings or objects (``{"key": "paypal", ...}``)."""
    return item.get(key) if isinstance(item, dict) else item


def _pivot_terms(pivots: dict[str, Any]) -> Iterator[tuple[str, Iterable[Any]]]:
    """Look-alike pivots (``analyze/detect/identifiers.py``); the favicon by sha256 and by
    Shodan's mmh3."""
    yield "structure", [pivots.get("structureHash")]
    yield "phash", [pivots.get("screenshotPhash")]
    yield "phash_band", phash_bands(pivots.get("screenshotPhash"))
    yield "favicon", [pivots.get("faviconSha256"), pivots.get("faviconMmh3")]
    yield "hhhash", (i.get("value") for i in pivots.get("hhhash") or [])
    yield "sitekey", (i.get("value") for i in pivots.get("captcha") or [])
    yield "analytics", (i.get("value") for i in pivots.get("analytics") or [])
    yield "cookie", pivots.get("cookieNames") or []


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
