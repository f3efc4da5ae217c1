"""Wappalyzer pattern strings compiled to Python regexes, and the literals a regex cannot match
without (read off the stdlib's own regex parser), which ``index.py`` indexes patterns by."""

from __future__ import annotations

import functools
import re
import re._constants as sre_c  # the stdlib's own regex parser: finds literals a regex needs
import re._parser as sre_parse
from dataclasses import dataclass
from typing import Any

from spyglass.analyze.detect.tech.model import MAX_VERSION_CHARS


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
