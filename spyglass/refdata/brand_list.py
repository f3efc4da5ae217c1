"""The bundled brand list (spyglass/data/brands/brands.json), loaded once.

Each brand: its key, name, verticals, countries, the registrable domains it really uses, the
keywords that name it unambiguously ("PayPal", "Apple ID"), the bare names that are also
common words ("Apple", "Chase": weak on their own), the labels lookalike domains imitate and
the simple-icons logos it is drawn with (sha256 of the SVG file and of each path's data).
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from spyglass.analyze.domains import apex_domain
from spyglass.models.findings import VerdictBrand


@dataclass(frozen=True)
class Logo:
    slug: str  # simple-icons slug: "paypal"
    title: str  # "PayPal"
    svg_sha256: str  # of the SVG file as simple-icons ships it
    path_sha256: tuple[str, ...]  # of each <path d>, whitespace collapsed (path_digest)


@dataclass(frozen=True)
class Brand:
    key: str
    name: str
    vertical: tuple[str, ...]
    country: tuple[str, ...]
    domains: frozenset[str]
    primary: str  # the brand's main domain: the first one brands.json lists
    domain_patterns: tuple[str, ...]  # "sparkasse-*.de": families of registrable domains
    # Domains and hosts the brand runs for anyone's content (github.io, sites.google.com,
    # forms.office.com): not its own pages, and not lookalikes either.
    hosting: frozenset[str]
    keywords: tuple[str, ...]  # unambiguous: matched case-insensitively
    names: tuple[str, ...]  # common words ("Apple"): matched case-sensitively, weak alone
    labels: tuple[str, ...]  # what lookalike domains imitate: "paypal", "microsoftonline"
    common_word: bool  # its name or label is an everyday word: lookalikes need page context
    logos: tuple[Logo, ...]

    def owns(self, host: str | None) -> bool:
        """Whether ``host`` (or its registrable domain) is one the brand uses.

        >>> paypal = brands()["paypal"]
        >>> paypal.owns("www.paypal.com"), paypal.owns("paypal.com.evil.test")
        (True, False)
        >>> brands()["sparkasse"].owns("www.sparkasse-koelnbonn.de")
        True
        """
        apex = apex_domain(host)
        if not apex or not host or self.hosts_for_others(host):
            return False
        host = host.lower().rstrip(".")
        # Suffix match, not only the apex: some brand domains sit under a second-level name
        # the Public Suffix List does not list (amazon.com.be: its "apex" is com.be).
        if apex in self.domains or any(host == d or host.endswith("." + d) for d in self.domains):
            return True
        return any(fnmatch.fnmatchcase(apex, pattern) for pattern in self.domain_patterns)

    def hosts_for_others(self, host: str | None) -> bool:
        """Whether ``host`` is where the brand serves anyone's content (sites.google.com,
        *.github.io): not the brand's own page, and not a lookalike of it either.

        >>> google = brands()["google"]
        >>> google.hosts_for_others("sites.google.com"), google.owns("sites.google.com")
        (True, False)
        """
        host = (host or "").lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.hosting)

    @property
    def card_network(self) -> bool:
        """Visa, Mastercard, Amex: their logos sit on every checkout page."""
        return "card-network" in self.vertical

    def info(self) -> VerdictBrand:
        return VerdictBrand(
            key=self.key, name=self.name, country=list(self.country), vertical=list(self.vertical)
        )


@functools.cache
def brands() -> dict[str, Brand]:
    """Key -> brand, parsed once per process."""
    raw = resources.files("spyglass.data.brands").joinpath("brands.json").read_text("utf-8")
    return {item["key"]: _brand(item) for item in json.loads(raw)["brands"]}


def brand_info(key: str) -> VerdictBrand:
    """The brand object urlscan shows in ``verdicts.*.brands`` (the combiner's ``brand_info``).

    >>> brand_info("paypal")
    VerdictBrand(key='paypal', name='PayPal', country=['US'], vertical=['payment'])
    >>> brand_info("nope").name
    'nope'
    """
    brand = brands().get(key)
    if brand is None:
        return VerdictBrand(key=key, name=key)
    return brand.info()


def owner_of(host: str | None) -> Brand | None:
    """The brand whose own domain ``host`` is, if any.

    >>> owner_of("login.microsoftonline.com").key, owner_of("news.test")
    ('microsoft', None)
    """
    return next((b for b in brands().values() if b.owns(host)), None)


def path_digest(d: str) -> str:
    """The fingerprint of an SVG path's data: sha256 of it with whitespace collapsed.

    >>> path_digest("M0 0 L1 1") == path_digest(" M0  0\\nL1 1 ")
    True
    """
    return hashlib.sha256(" ".join(d.split()).encode()).hexdigest()


@functools.cache
def logos_by_svg() -> dict[str, tuple[Brand, Logo]]:
    """SVG file sha256 -> the brand and logo."""
    return {logo.svg_sha256: (b, logo) for b in brands().values() for logo in b.logos}


@functools.cache
def logos_by_path() -> dict[str, tuple[Brand, Logo]]:
    """Path-data digest -> the brand and logo."""
    return {d: (b, logo) for b in brands().values() for logo in b.logos for d in logo.path_sha256}


def _brand(item: dict[str, Any]) -> Brand:
    domains = frozenset(d.lower() for d in item["domains"])
    labels = item.get("labels") or sorted({_label(d) for d in domains if len(_label(d)) >= 4})
    return Brand(
        key=item["key"],
        name=item["name"],
        vertical=tuple(item["vertical"]),
        country=tuple(item["country"]),
        domains=domains,
        primary=item["domains"][0].lower(),
        domain_patterns=tuple(item.get("domain_patterns", ())),
        hosting=frozenset(item.get("hosting", ())),
        keywords=tuple(item["keywords"]),
        names=tuple(item["names"]),
        labels=tuple(labels),
        common_word=bool(item.get("common_word")),
        logos=tuple(
            Logo(
                slug=logo["slug"],
                title=logo["title"],
                svg_sha256=logo["svg_sha256"],
                path_sha256=tuple(logo["path_sha256"]),
            )
            for logo in item.get("logos", ())
        ),
    )


def _label(domain: str) -> str:
    """The registrable label: ``paypal.co.uk`` -> ``paypal``."""
    apex = apex_domain(domain) or domain
    return apex.split(".", 1)[0]
