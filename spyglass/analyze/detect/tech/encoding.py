"""The compiled index as JSON and back, for the on-disk cache (``refdata.techindex``)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from spyglass.analyze.detect.tech.model import (
    DomEntry,
    DomRule,
    Fingerprints,
    LiteralIndex,
    TechInfo,
    TokenIndex,
)
from spyglass.analyze.detect.tech.patterns import Pattern


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

    encoded: dict[str, Any] = {
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
