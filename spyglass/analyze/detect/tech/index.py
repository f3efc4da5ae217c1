"""The fingerprints compiled and indexed: each pattern under what must be present for it to match
(a header, cookie, meta or chain name, a 4-gram of a literal, a token), so only the patterns
whose key is present run."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from spyglass.analyze.detect.tech.model import (
    _PROBE,
    _REFLECTED,
    _SCRIPT_TOKEN_BREAKS,
    _TOKEN_BREAKS,
    GRAM,
    DomRule,
    Fingerprints,
    TechInfo,
    TokenIndex,
)
from spyglass.analyze.detect.tech.patterns import Pattern, parse_pattern, required_literals
from spyglass.refdata import fingerprints


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
