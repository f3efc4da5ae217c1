"""The guard in a real browser: a closed range stays closed for the target, a redirect and a
sub-request, and each refusal is recorded. internal.test (127.0.0.200) is a live server outside
the ranges the tests open, so a leak would show as a hit."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from spyglass import cli
from spyglass.capture.browser import BrowserPool
from spyglass.errors import BlockedAddress
from spyglass.models import FailureReason
from tests.conftest import report_of
from tests.testweb import TestWeb


async def test_target_in_closed_range_is_refused_before_the_browser(
    pool: BrowserPool, web: TestWeb
) -> None:
    with pytest.raises(BlockedAddress, match="loopback"):
        await pool.capture(web.url("internal.test"))
    with pytest.raises(BlockedAddress, match="link_local"):
        await pool.capture("http://169.254.169.254/latest/meta-data/")
    assert web.hits_for("internal.test") == []


async def test_redirect_into_closed_range_is_blocked_and_recorded(
    pool: BrowserPool, web: TestWeb
) -> None:
    capture = await pool.capture(web.url("blocked.test", "/redirect-internal"))
    assert capture.failure is not None
    assert capture.failure.reason is FailureReason.BLOCKED
    assert any(b.host == "internal.test" and b.reason == "blocked_address" for b in capture.blocked)
    blocked_hops = [hop for hop in capture.transactions if hop.blocked]
    assert [hop.url for hop in blocked_hops] == [web.url("internal.test")]
    assert web.hits_for("internal.test") == []


async def test_subrequests_into_closed_ranges_are_blocked_and_recorded(
    pool: BrowserPool, web: TestWeb
) -> None:
    capture = await pool.capture(web.url("blocked.test", "/subresource-internal"))
    report = report_of(capture)
    assert capture.failure is None  # the page itself loads
    blocked_hosts = {b.host for b in capture.blocked}
    assert {"internal.test", "10.255.255.1"} <= blocked_hosts
    assert all(hop.blocked == "blocked_address" for hop in capture.transactions if hop.failed
               and hop.url.startswith(("http://internal.test", "http://10.255.255.1")))  # fmt: skip
    blocked_entries = [r for r in report.data["requests"] if r["response"].get("blocked")]
    assert blocked_entries and all(r["response"]["failed"]["errorText"] for r in blocked_entries)
    assert web.hits_for("internal.test") == []


def test_refused_scheme_never_starts_a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_browser(*args: object, **kwargs: object) -> None:
        raise AssertionError("a browser was started for a refused URL")

    monkeypatch.setattr(cli.BrowserPool, "start", no_browser)
    result = CliRunner().invoke(cli.main, ["scan", "file:///etc/passwd"])
    assert result.exit_code == 3
    assert "refused_scheme" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("url", "code", "reason"),
    [
        ("http://exa mple.com/", 2, "invalid_url"),
        ("javascript:alert(1)", 3, "refused_scheme"),
        ("http://10.0.0.1/", 4, "blocked_address"),
        ("http://192.168.0.1:8080/admin", 4, "blocked_address"),
    ],
)
def test_cli_bad_input_gets_one_line_and_a_distinct_code(url: str, code: int, reason: str) -> None:
    result = CliRunner().invoke(cli.main, ["scan", url])
    assert result.exit_code == code
    assert result.output.strip().count("\n") == 0 and reason in result.output
