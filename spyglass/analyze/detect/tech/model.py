"""The compiled fingerprints: patterns, DOM rules, technologies and the indexes that pick which
patterns run (built by ``index.py``, read by ``match.py`` and ``resolve.py``)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser

if TYPE_CHECKING:
    from spyglass.analyze.detect.tech.patterns import Pattern


GRAM = 4
MAX_VERSION_CHARS = 15
MAX_HTML_CHARS = 500_000
MAX_TEXT_CHARS = 200_000
# Script bodies: the head of each (where banners, version strings and configuration are),
# within a total per scan. Matching costs ~0.05 ms per KB the first time a body is seen (then
# it is cached by hash), so 128 KB keeps a scan of unseen scripts within a few milliseconds.
SCRIPT_HEAD_BYTES = 32 * 1024
SCRIPT_TOTAL_BYTES = 128 * 1024
MAX_CACHED_SCRIPTS = 4096
MAX_DOM_NODES_PER_SELECTOR = 25
MAX_EVIDENCE_CHARS = 200
# DOM "properties" that mirror an attribute, so can be read off the saved DOM.
_REFLECTED = {"id": "id", "className": "class", "href": "href", "src": "src", "content": "content",
              "name": "name", "type": "type", "rel": "rel", "title": "title", "value": "value",
              "htmlFor": "for", "lang": "lang", "action": "action"}  # fmt: skip
# A token: what stays between characters that are neither word characters nor "-" (DOM) or
# "_$" (scripts). The same splits as regexes too: str.translate is fast on ASCII text only (one
# "©" in a page makes it several times slower than the regex).
_DOM_BREAKS = "".join(chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) in "_-"))
_SCRIPT_BREAKS = "".join(chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) in "_$"))
_TOKEN_BREAKS = str.maketrans(dict.fromkeys(_DOM_BREAKS, " "))
_SCRIPT_TOKEN_BREAKS = str.maketrans(dict.fromkeys(_SCRIPT_BREAKS, " "))
_TOKEN = re.compile(rf"[^\s{re.escape(_DOM_BREAKS)}]+")
_SCRIPT_TOKEN = re.compile(rf"[^\s{re.escape(_SCRIPT_BREAKS)}]+")
_PROBE = LexborHTMLParser("<p></p>")


@dataclass(frozen=True, eq=False)
class DomRule:
    pattern: Pattern  # name = the selector; regex applies to what ``what`` reads
    query: str  # the selector as run: narrowed to elements with the attribute read
    what: str  # "exists" | "text" | "attribute"
    attribute: str | None = None
    # Per comma-separated alternative: tokens the DOM must hold whole, and pieces of tokens.
    tokens: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = ()


# (rule, tokens one alternative of its selector needs whole, pieces of tokens it needs)
DomEntry = tuple[DomRule, frozenset[str], tuple[str, ...]]


@dataclass(frozen=True)
class TechInfo:
    name: str
    categories: tuple[int, ...]
    website: str | None
    icon: str | None
    implies: tuple[tuple[str, int, str | None], ...] = ()  # (name, confidence, version)
    excludes: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    requires_category: tuple[int, ...] = ()


@dataclass
class LiteralIndex:
    """Patterns by a substring the haystack must contain (``GRAM`` characters, lower case)."""

    by_gram: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    always: list[Pattern] = field(default_factory=list)
    literal_of: dict[int, tuple[str, ...]] = field(default_factory=dict)  # id(p) -> any-of

    def candidates(self, haystack: str) -> Iterator[Pattern]:
        grams = {haystack[i : i + GRAM] for i in range(len(haystack) - GRAM + 1)}
        seen: set[int] = set()
        # Sorted: a set of strings iterates in an order that changes with the process's hash
        # seed, and so would the order of a technology's matched patterns in the report.
        for gram in sorted(self.by_gram.keys() & grams):
            for pattern in self.by_gram[gram]:
                if id(pattern) in seen:
                    continue
                seen.add(id(pattern))
                if any(lit in haystack for lit in self.literal_of[id(pattern)]):
                    yield pattern
        yield from self.always


@dataclass
class TokenIndex:
    """Patterns by a token (``_SCRIPT_TOKEN_BREAKS``) a body must hold, whole or in part.

    A pattern whose regex needs one of several literals is filed under a token of each.
    """

    whole: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    part: list[tuple[str, Pattern]] = field(default_factory=list)
    always: list[Pattern] = field(default_factory=list)
    literal_of: dict[int, tuple[str, ...]] = field(default_factory=dict)  # id(p) -> any-of

    def candidates(self, text_lower: str) -> list[Pattern]:
        """Patterns one of whose literals ``text_lower`` contains, and those without any."""
        tokens = token_set(text_lower, _SCRIPT_TOKEN_BREAKS, _SCRIPT_TOKEN)
        joined = "\n".join(token for token in tokens if token.isascii())
        whole = sorted(self.whole.keys() & tokens)  # sorted: see LiteralIndex.candidates
        found = {id(p): p for token in whole for p in self.whole[token]}
        found.update((id(p), p) for piece, p in self.part if piece in joined)
        confirmed = [
            p for p in found.values() if any(lit in text_lower for lit in self.literal_of[id(p)])
        ]
        return confirmed + self.always


@dataclass
class Fingerprints:
    techs: dict[str, TechInfo]
    categories: dict[int, dict[str, Any]]
    source: dict[str, Any]
    headers: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    cookies: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    cookie_globs: list[tuple[re.Pattern[str], Pattern]] = field(default_factory=list)
    meta: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    js: dict[str, list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    script_src: LiteralIndex = field(default_factory=LiteralIndex)
    scripts: TokenIndex = field(default_factory=TokenIndex)
    plain: dict[str, list[tuple[tuple[str, ...], Pattern]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # url, html, text, xhr, certIssuer: (any-of literals, pattern)
    dom: list[DomRule] = field(default_factory=list)
    # Each selector alternative under its rarest whole token; those without one apart.
    dom_by_token: dict[str, list[DomEntry]] = field(default_factory=lambda: defaultdict(list))
    dom_loose: list[DomEntry] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    from_cache: bool = False  # read from the on-disk index, not compiled in this process


def token_set(lowered: str, breaks: dict[int, str], pattern: re.Pattern[str]) -> set[str]:
    """The distinct tokens of a text (``_TOKEN_BREAKS`` or ``_SCRIPT_TOKEN_BREAKS``).

    >>> sorted(token_set("a-b.c ©d", _TOKEN_BREAKS, _TOKEN))
    ['a-b', 'c', '©d']
    """
    if lowered.isascii():
        return set(lowered.translate(breaks).split())
    return set(pattern.findall(lowered))
