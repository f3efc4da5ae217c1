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


# Written so that urllib reads another host (or none) than browsers do. {port} is the test web's
# HTTP port; news.test is 127.0.0.2. (written, host recorded, site connected to, path there)
PARSER_DIFFERENTIALS = [
    ("http://news.test:{port}\\@plain.test:{port}/userinfo", "news.test", "news.test",
     "/@plain.test:{port}/userinfo"),
    ("http://news.test:{port}\\plain.test/backslash", "news.test", "news.test",
     "/plain.test/backslash"),
    ("http:\\\\news.test:{port}\\slashes", "news.test", "news.test", "/slashes"),
    ("http://0x7f.0.0.2:{port}/hex", "127.0.0.2", "news.test", "/hex"),
    ("http://2130706434:{port}/decimal", "127.0.0.2", "news.test", "/decimal"),
]  # fmt: skip


@pytest.mark.parametrize(("written", "host", "site", "path"), PARSER_DIFFERENTIALS)
async def test_the_host_recorded_is_the_host_the_browser_opened(
    pool: BrowserPool, web: TestWeb, written: str, host: str, site: str, path: str
) -> None:
    capture = await pool.capture(written.format(port=web.http_port))
    report = report_of(capture)
    assert report.task.domain == host
    assert report.page.domain == host
    # The browser connected to that host: the path reached it there, and nowhere else.
    path = path.format(port=web.http_port)
    marker = path.rpartition("/")[2]
    assert {hit.host for hit in web.hits if hit.path.endswith(marker)} == {site}
    assert path in {hit.path for hit in web.hits_for(site)}


@pytest.mark.parametrize(
    "written",
    ["http://internal.test:{port}\\@news.test:{port}/", "http://127.0.0.200:{port}\\@news.test/",
     "http://0x7f.0.0.200:{port}/"],
)  # fmt: skip
async def test_closed_host_written_for_urllib_is_refused(
    pool: BrowserPool, web: TestWeb, written: str
) -> None:
    with pytest.raises(BlockedAddress, match="loopback"):
        await pool.capture(written.format(port=web.http_port))
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
