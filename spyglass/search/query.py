"""urlscan.io's query language (Lucene / ElasticSearch query-string syntax) -> a typed tree.

    parse('domain:news.test AND NOT page.status:[400 TO 599]', now=...)
    == And((Keyword("domain", "news.test"), Not(NumberRange("page.status", 400, 599))))

luqum parses the syntax; this module checks every field and value against ``fields.FIELDS``
and produces the tree ``store/search_sql.py`` turns into SQL (always with bound parameters). What
it accepts: ``field:value``, ``"quoted phrases"``, ``AND`` / ``OR`` / ``NOT`` / ``-term`` /
``+term`` (terms side by side are ANDed, as on urlscan.io), parentheses, ``field:(a OR b)``,
``*`` and ``?`` wildcards, ranges ``[a TO b]`` ``{a TO b}`` ``>x`` ``>=x`` ``<x`` ``<=x`` on
dates and numbers, date arithmetic (``now-7d``, see ``dates``), and bare terms (the words of
the title, URLs, domains and visible text, or exactly a domain, IP or hash). Anything else --
unknown fields, fuzzy/regex/boost, bad values, runaway nesting -- is an ``InvalidQuery`` that
says where.
"""

from __future__ import annotations

import contextlib
import difflib
import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime

from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser

from spyglass.errors import InvalidQuery
from spyglass.search import dates
from spyglass.search.fields import BARE_KEYWORDS, FIELDS, NEAR_PHASH, Field, known_fields
from spyglass.search.values import index_key, phash_bands, words

MAX_QUERY_CHARS = 16_384
MAX_DEPTH = 32  # parentheses
MAX_CLAUSES = 1024  # as ElasticSearch's indices.query.bool.max_clause_count
# luqum reads the "-" of verdicts.score:<-50 as a NOT; escaped, it is part of the value.
_NEGATIVE_BOUND = re.compile(r"(:\s*[<>]=?)-(?=\d)")


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Keyword:
    """A stored keyword equal to ``value``, or matching it when ``wildcard`` (``*``, ``?``)."""

    field: str
    value: str
    wildcard: bool = False


@dataclass(frozen=True)
class NumberRange:
    field: str
    low: int | None  # inclusive; None: unbounded
    high: int | None


@dataclass(frozen=True)
class DateRange:
    low: int | None  # epoch ms, inclusive; None: unbounded
    high: int | None


@dataclass(frozen=True)
class Text:
    """The words ``words`` (``values.words`` form), in this order, in a full-text column
    (None: any); ``prefix``: the last word may go on (``verif*``)."""

    column: str | None
    words: str
    prefix: bool = False


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Everything:
    pass


Node = Keyword | NumberRange | DateRange | Text | And | Or | Not | Everything
Leaf = Keyword | NumberRange | DateRange | Text


# --------------------------------------------------------------------------- parsing


def parse(query: str, *, now: datetime) -> Node:
    """The tree of ``query``; ``""`` and ``"*"`` are ``Everything()``. ``now`` anchors
    relative dates."""
    text = query.strip()
    if text in ("", "*"):
        return Everything()
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"query is {len(text)} characters long; at most {MAX_QUERY_CHARS}")
    _check_depth(text)
    try:
        parsed = parser.parse(_NEGATIVE_BOUND.sub(r"\1\\-", text))
    except ParseError as e:
        raise InvalidQuery(_syntax_message(str(e))) from None
    except RecursionError:  # pragma: no cover - _check_depth keeps nesting far below this
        raise InvalidQuery(f"query nested too deeply (at most {MAX_DEPTH} levels)") from None
    converter = _Converter(now)
    return converter.convert(parsed, None)


def _check_depth(text: str) -> None:
    """Refuse deep nesting before luqum sees it: its tree walks recurse once per level."""
    depth, quoted, escaped = 0, False, False
    for column, char in enumerate(text, 1):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise InvalidQuery(
                    f"parentheses nested deeper than {MAX_DEPTH} levels at column {column}"
                )
        elif not quoted and char == ")":
            if depth == 0:
                raise InvalidQuery(f"unbalanced ')' at column {column}")
            depth -= 1
    if quoted:
        raise InvalidQuery("unterminated quoted value: a '\"' is missing")
    if depth:
        raise InvalidQuery(f"unbalanced parentheses: {depth} '(' not closed")


def _syntax_message(error: str) -> str:
    message = error.replace("Syntax error in input : ", "syntax error: ").rstrip("!")
    if "':'" in message:
        message += ' (quote a value that contains ":", e.g. ip:"2001:db8::1")'
    return message


class _Converter:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.clauses = 0

    def convert(self, node: tree.Item, field: tuple[str, Field] | None) -> Node:
        if isinstance(node, tree.AndOperation | tree.UnknownOperation):
            return And(_flat(And, [self.convert(c, field) for c in node.children]))
        if isinstance(node, tree.OrOperation):
            return Or(_flat(Or, [self.convert(c, field) for c in node.children]))
        if isinstance(node, tree.Not | tree.Prohibit):
            return Not(self.convert(node.a, field))
        if isinstance(node, tree.Plus):
            return self.convert(node.a, field)
        if isinstance(node, tree.Group | tree.FieldGroup):
            return self.convert(node.expr, field)
        if isinstance(node, tree.SearchField):
            if field is not None or isinstance(node.expr, tree.SearchField):
                raise InvalidQuery(
                    f"unexpected ':' after {node.name!r} at column {_column(node)} "
                    '(quote a value that contains ":", e.g. ip:"2001:db8::1")'
                )
            expr = node.expr
            if isinstance(expr, tree.Prohibit) and isinstance(expr.a, tree.Word):
                # favicon:-1277324294, verdicts.score:-50: a negative value, not a NOT
                expr = tree.Word("-" + expr.a.value, pos=expr.pos)
            return self.convert(expr, (node.name, _field(node)))
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise InvalidQuery(f"more than {MAX_CLAUSES} terms in one query")
        if isinstance(node, tree.Word | tree.Phrase):
            if field is None:
                return self._bare(node)
            return self._value(node, *field)
        if isinstance(node, tree.Range | tree.From | tree.To):
            if field is None:
                raise InvalidQuery(f"a range needs a field (column {_column(node)})")
            return self._range(node, *field)
        what = {
            tree.Fuzzy: "fuzzy (~) terms",
            tree.Proximity: "proximity (~) phrases",
            tree.Boost: "boosts (^)",
            tree.Regex: "regular expressions",
        }.get(type(node), type(node).__name__)
        raise InvalidQuery(f"{what} are not supported (column {_column(node)})")

    # ------------------------------------------------------------------ values

    def _value(self, node: tree.Word | tree.Phrase, name: str, field: Field) -> Node:
        raw, wildcard = _raw(node)
        if name == NEAR_PHASH:
            bands = phash_bands(raw)
            if not bands:
                raise InvalidQuery(f"{NEAR_PHASH} takes a pHash of 16 hex digits, got {raw!r}")
            return Or(tuple(Keyword("phash_band", band) for band in bands))
        if field.kind == "keyword":
            return _keyword(name, field, raw, wildcard)
        if field.kind == "text":
            return _text(field.stored, raw, wildcard, name)
        if wildcard:
            raise InvalidQuery(
                f"{name}: wildcards work on text and keyword fields; use a range, e.g. "
                f"{name}:[400 TO 499]"
            )
        if field.kind == "number":
            number = _number(name, raw)
            return NumberRange(field.stored, number, number)
        low, high = dates.interval(raw, self.now)
        return DateRange(low, high)

    def _range(self, node: tree.Range | tree.From | tree.To, name: str, field: Field) -> Node:
        if field.kind not in ("number", "date"):
            numeric = ", ".join(n for n, f in FIELDS.items() if f.kind in ("number", "date"))
            raise InvalidQuery(f"{name} is not a date or number field; ranges work on {numeric}")
        if isinstance(node, tree.Range):
            low = self._bound(node.low, name, field, start=node.include_low)
            high = self._bound(node.high, name, field, start=not node.include_high)
        elif isinstance(node, tree.From):
            low, high = self._bound(node.a, name, field, start=node.include), None
        else:
            low, high = None, self._bound(node.a, name, field, start=not node.include)
        # An exclusive bound is one past/before the value's interval.
        if isinstance(node, tree.Range):
            low = _step(low, not node.include_low, up=True)
            high = _step(high, not node.include_high, up=False)
        elif isinstance(node, tree.From):
            low = _step(low, not node.include, up=True)
        else:
            high = _step(high, not node.include, up=False)
        if field.kind == "number":
            return NumberRange(field.stored, low, high)
        return DateRange(low, high)

    def _bound(self, node: tree.Item, name: str, field: Field, *, start: bool) -> int | None:
        """The range end ``node`` stands for: None for ``*``; a date's first millisecond
        when ``start`` else its last (exclusive bounds are stepped by the caller)."""
        negative = isinstance(node, tree.Prohibit) and isinstance(node.a, tree.Word)
        if negative:  # luqum reads the "-" of [-100 TO -50] as a prohibition
            node = node.a
        if not isinstance(node, tree.Word | tree.Phrase):
            raise InvalidQuery(f"bad range bound for {name} at column {_column(node)}")
        raw, wildcard = _raw(node)
        if raw == "*" and isinstance(node, tree.Word):
            return None
        if wildcard:
            raise InvalidQuery(f"{name}: a range bound cannot hold wildcards ({raw!r})")
        if field.kind == "number":
            return _number(name, "-" + raw if negative else raw)
        first, last = dates.interval(raw, self.now)
        return first if start else last

    def _bare(self, node: tree.Word | tree.Phrase) -> Node:
        raw, wildcard = _raw(node)
        options: list[Node] = []
        if words(raw):
            options.append(_text(None, raw, wildcard, "a bare term"))
        for name in BARE_KEYWORDS:
            try:
                options.append(_keyword(name, FIELDS[name], raw, wildcard))
            except InvalidQuery:
                continue  # not an IP (say): it can only be one of the others
        if not options:
            raise InvalidQuery(f"nothing to search for in {raw!r} (column {_column(node)})")
        return options[0] if len(options) == 1 else Or(tuple(options))


def _flat(kind: type[And] | type[Or], nodes: list[Node]) -> tuple[Node, ...]:
    """``a AND (b AND c)`` -> ``(a, b, c)``."""
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.children if isinstance(node, kind) else (node,))
    return tuple(flat)


def _step(bound: int | None, exclusive: bool, *, up: bool) -> int | None:
    if bound is None or not exclusive:
        return bound
    return bound + 1 if up else bound - 1


def _raw(node: tree.Word | tree.Phrase) -> tuple[str, bool]:
    """The value without quotes and escapes, and whether it holds wildcards (never a phrase)."""
    if isinstance(node, tree.Phrase):
        inner = node.value[1:-1]
        return _unescape(inner), False
    return node.unescaped_value, node.has_wildcard()


def _unescape(text: str) -> str:
    out, escaped = [], False
    for char in text:
        if escaped or char != "\\":
            out.append(char)
            escaped = False
        else:
            escaped = True
    return "".join(out)


def _field(node: tree.SearchField) -> Field:
    if node.name == NEAR_PHASH:
        return FIELDS["phash"]
    field = FIELDS.get(node.name)
    if field is None:
        close = difflib.get_close_matches(node.name, known_fields(), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise InvalidQuery(
            f"unknown field {node.name!r} at column {_column(node)}{hint} "
            f"(known: {', '.join(known_fields())})"
        )
    return field


def _keyword(name: str, field: Field, raw: str, wildcard: bool) -> Keyword:
    value = raw.strip()
    if field.normalise == "domain":
        value = value.strip(".")
        if not wildcard and not value.isascii():
            with contextlib.suppress(UnicodeError):  # not an IDN: looked up as written
                value = value.encode("idna").decode("ascii")
    elif field.normalise == "ip" and not wildcard:
        try:
            value = str(ipaddress.ip_address(value.strip("[]")))
        except ValueError:
            raise InvalidQuery(f"{name}: {raw!r} is not an IP address") from None
    elif field.normalise == "asn" and not wildcard:
        digits = value.upper().removeprefix("AS")
        if not digits.isdigit():
            raise InvalidQuery(f"{name}: {raw!r} is not an AS number (AS13335 or 13335)")
        value = f"AS{int(digits)}"
    elif field.normalise == "bool":
        value = value.lower()
        if value not in ("true", "false"):
            raise InvalidQuery(f"{name} is true or false, not {raw!r}")
    if wildcard:
        return Keyword(field.stored, value.lower(), wildcard=True)
    key = index_key(value)
    if key is None:
        raise InvalidQuery(f"empty value for {name}")
    return Keyword(field.stored, key)


def _text(column: str | None, raw: str, wildcard: bool, name: str) -> Text:
    body = raw
    prefix = False
    if wildcard:
        body = raw.rstrip("*")
        if "*" in body or "?" in body or body == raw or not body.strip():
            raise InvalidQuery(f"{name}: full-text terms take one trailing * (verif*), not {raw!r}")
        prefix = True
    found = words(body)
    if not found:
        raise InvalidQuery(f"{name}: no words to search for in {raw!r}")
    return Text(column, found, prefix)


def _number(name: str, raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise InvalidQuery(f"{name} is a number, not {raw!r}") from None


def _column(node: tree.Item) -> int:
    position = getattr(node, "pos", None)
    return (position or 0) + 1
