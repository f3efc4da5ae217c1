"""The query language -> the tree: every construct, and a clear error for everything else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spyglass.errors import InvalidQuery
from spyglass.search.pivots import pivot_query, quote
from spyglass.search.query import (
    MAX_QUERY_CHARS,
    And,
    DateRange,
    Everything,
    Keyword,
    Not,
    NumberRange,
    Or,
    Text,
    parse,
)

NOW = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)
DAY = 86_400_000
NOW_MS = int(NOW.timestamp() * 1000)
MIDNIGHT = int(datetime(2026, 11, 25, tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("", Everything()),
        ("  *  ", Everything()),
        ("domain:News.Test.", Keyword("domain", "news.test")),
        ("page.domain:bücher.example", Keyword("page.domain", "xn--bcher-kva.example")),
        ('ip:"2001:DB8:0::20"', Keyword("ip", "2001:db8::20")),
        (r"ip:2001\:db8\:\:20", Keyword("ip", "2001:db8::20")),
        ("asn:13335", Keyword("asn", "as13335")),
        ("page.asn:as013335", Keyword("page.asn", "as13335")),
        ("verdicts.malicious:TRUE", Keyword("verdicts.malicious", "true")),
        ("favicon:-1277324294", Keyword("favicon", "-1277324294")),
        ("tag:phish*", Keyword("tag", "phish*", wildcard=True)),
        ("hash:E3B0?", Keyword("hash", "e3b0?", wildcard=True)),
        ("page.status:200", NumberRange("page.status", 200, 200)),
        ("stats.requests:>100", NumberRange("stats.requests", 101, None)),
        ("stats.requests:>=100", NumberRange("stats.requests", 100, None)),
        ("stats.requests:<10", NumberRange("stats.requests", None, 9)),
        ("verdicts.score:[-100 TO -50]", NumberRange("verdicts.score", -100, -50)),
        ("verdicts.score:{0 TO *]", NumberRange("verdicts.score", 1, None)),
        ("verdicts.score:<-50", NumberRange("verdicts.score", None, -51)),
        ("date:2026-11-25", DateRange(MIDNIGHT, MIDNIGHT + DAY - 1)),
        ("date:>now-7d", DateRange(NOW_MS - 7 * DAY + 1, None)),
        ("date:>=now-1d/d", DateRange(MIDNIGHT - DAY, None)),
        ("date:<=now/d", DateRange(None, MIDNIGHT + DAY - 1)),
        ("date:[2026-11-24 TO 2026-11-25}", DateRange(MIDNIGHT - DAY, MIDNIGHT - 1)),
        ("date:[* TO 2026-11-25T00:00:00Z]", DateRange(None, MIDNIGHT + 999)),
        ("task.time:1764028800000", DateRange(1764028800000, 1764028800000)),
        ('text:"Verify  your ACCOUNT!"', Text("body", "verify your account")),
        ("text:vérif*", Text("body", "verif", prefix=True)),
        ("page.title:Login", Text("title", "login")),
        (
            "paypal",
            Or((Text(None, "paypal"), Keyword("domain", "paypal"), Keyword("hash", "paypal"))),
        ),
    ],
)
def test_values(query: str, tree: object) -> None:
    assert parse(query, now=NOW) == tree


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("tag:a tag:b", And((Keyword("tag", "a"), Keyword("tag", "b")))),
        ("tag:a AND tag:b AND tag:c", And(tuple(Keyword("tag", x) for x in "abc"))),
        ("tag:a OR tag:b", Or((Keyword("tag", "a"), Keyword("tag", "b")))),
        ("NOT tag:a", Not(Keyword("tag", "a"))),
        ("-tag:a +tag:b", And((Not(Keyword("tag", "a")), Keyword("tag", "b")))),
        (
            "tag:a AND (tag:b OR NOT tag:c)",
            And((Keyword("tag", "a"), Or((Keyword("tag", "b"), Not(Keyword("tag", "c")))))),
        ),
        ("tag:(a OR b)", Or((Keyword("tag", "a"), Keyword("tag", "b")))),
        (
            "phash.near:F358665C745C6670",
            Or(tuple(Keyword("phash_band", b) for b in ("0:f358", "1:665c", "2:745c", "3:6670"))),
        ),
    ],
)
def test_operators(query: str, tree: object) -> None:
    assert parse(query, now=NOW) == tree


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("nosuch:value", "unknown field 'nosuch' at column 1"),
        ("domian:x", "did you mean domain?"),
        ("tag:a AND (tag:b", "unbalanced parentheses: 1 '(' not closed"),
        ("tag:a)", "unbalanced ')' at column 6"),
        ("(" * 10_000, "nested deeper than 32 levels at column 33"),
        ("tag:" + "a" * (MAX_QUERY_CHARS + 1), "at most 16384"),
        ('page.title:"open', "unterminated quoted value"),
        ("tag:a AND", "syntax error"),
        ("ip:2001:db8::1", 'quote a value that contains ":"'),
        ("ip:10.0.0", "'10.0.0' is not an IP address"),
        ("asn:cloudflare", "not an AS number"),
        ("verdicts.malicious:maybe", "true or false"),
        ("page.status:ok", "page.status is a number, not 'ok'"),
        ("page.status:4*", "use a range"),
        ("domain:[a TO b]", "domain is not a date or number field"),
        ("date:[2026-01-01 TO tomorrow]", "'tomorrow' is not a date"),
        ("date:2026-02-30", "is not a date"),
        ("date:>now-7x", "bad date arithmetic"),
        ("date:[now-1d TO now*]", "cannot hold wildcards"),
        ("text:*login", "one trailing *"),
        ('text:"!!!"', "no words to search for"),
        ("tag:a~2", "fuzzy (~) terms are not supported"),
        ('"a b"~2', "proximity"),
        ("tag:a^2", "boosts"),
        ("/regex/", "regular expressions"),
        ('domain:""', "empty value for domain"),
        ("phash.near:xyz", "16 hex digits"),
        ("tag:(" + " OR ".join(["x"] * 1100) + ")", "more than 1024 terms"),
    ],
)
def test_errors_say_what_and_where(query: str, message: str) -> None:
    with pytest.raises(InvalidQuery) as raised:
        parse(query, now=NOW)
    assert message in str(raised.value)
    assert raised.value.reason == "invalid_query"


@pytest.mark.parametrize(
    "value", ["news.test", 'say "hi"', "back\\slash", "a:b(c)*d?", "https://x.test/?q=a b"]
)
def test_quoted_values_are_searched_as_written(value: str) -> None:
    assert parse(f"tag:{quote(value)}", now=NOW) == Keyword("tag", value.lower())


def test_pivot_queries() -> None:
    assert pivot_query("ip", "2001:db8::1") == 'ip:"2001:db8::1"'
    assert pivot_query("address", "0xAb") == 'wallet.address:"0xAb" OR crypto.address:"0xAb"'
    assert parse(pivot_query("form.action", 'https://x.test/"a"'), now=NOW) == Keyword(
        "form.action", 'https://x.test/"a"'
    )
