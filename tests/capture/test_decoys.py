"""Decoy wallets and clipboard recording, in real Chromium against the test web's
wallet-lab.test, clip-lab.test and chain-digest.test (tests/testweb/sites/decoy_pages.py)."""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any

import pytest

from spyglass.capture import decoys
from spyglass.capture.browser import BrowserPool
from spyglass.models import RawCapture, ScanOptions
from tests.capture.clipboard_sentinel import sentinel_clipboard
from tests.conftest import report_of
from tests.testweb import TestWeb
from tests.testweb.sites import decoy_pages as pages

ETH = decoys.DECOY_ETH_ACCOUNT.lower()  # as MetaMask hands accounts out


def _data_attribute(capture: RawCapture, name: str) -> str:
    match = re.search(rf'data-{name}="([^"]*)"', capture.dom or "")
    assert match, f"no data-{name} in the DOM"
    return html.unescape(match.group(1))


# --------------------------------------------------------------------------- pure parts


def test_accounts_are_valid() -> None:
    import base58
    from eth_utils import is_checksum_address

    assert is_checksum_address(decoys.DECOY_ETH_ACCOUNT)
    assert len(base58.b58decode(decoys.DECOY_SOL_ACCOUNT)) == 32
    assert decoys.decoy_accounts(ScanOptions()) == {
        "ethereum": decoys.DECOY_ETH_ACCOUNT,
        "solana": decoys.DECOY_SOL_ACCOUNT,
    }
    assert decoys.decoy_accounts(ScanOptions(decoy=False)) == {}
    assert decoys.decoy_accounts(ScanOptions(javascript=False)) == {}


def test_script_gives_nothing_away() -> None:
    script = decoys.init_script("_b1", wallets=True).lower()
    for word in ("decoy", "spyglass", "playwright", "scanner", "sandbox"):
        assert word not in script


def test_malformed_records_are_dropped() -> None:
    assert decoys.parse_record("not json", 1.0) is None
    assert decoys.parse_record("[1]", 1.0) is None
    assert decoys.parse_record('{"kind":"clipboard","api":"paste","text":"x"}', 1.0) is None
    assert decoys.parse_record('{"kind":"wallet","provider":"bitcoin","method":"x"}', 1.0) is None
    call = decoys.parse_record(
        '{"kind":"wallet","provider":"ethereum","method":"eth_chainId","url":"https://a.test/",'
        '"script":"https://a.test/x.js"}',
        7.0,
    )
    assert call is not None and call.timestamp == 7.0 and call.script == "https://a.test/x.js"


# --------------------------------------------------------------------------- wallets


async def test_eip1193_requests_recorded_in_order(pool: BrowserPool, web: TestWeb) -> None:
    url = web.url("wallet-lab.test", "/", https=True)
    capture = await pool.capture(url)

    assert capture.decoy_accounts == {
        "ethereum": decoys.DECOY_ETH_ACCOUNT,
        "solana": decoys.DECOY_SOL_ACCOUNT,
    }
    calls = capture.wallet_calls
    assert [(c.provider, c.method) for c in calls] == [
        ("ethereum", "eth_chainId"),
        ("ethereum", "eth_accounts"),
        ("ethereum", "net_version"),
        ("ethereum", "eth_requestAccounts"),
        ("ethereum", "eth_getBalance"),
        ("ethereum", "eth_gasPrice"),
        ("ethereum", "eth_sendTransaction"),
    ]
    assert calls[4].params == [ETH, "latest"]
    value = decoys.BALANCE_WEI - decoys.BALANCE_WEI // 20
    assert calls[6].params == [
        {
            "from": ETH,
            "to": pages.DRAIN_TO,
            "value": hex(value),
            "gas": "0x5208",
            "gasPrice": hex(decoys.GAS_PRICE_WEI),
            "data": "0x",
        }
    ]
    script = web.url("wallet-lab.test", "/assets/claim.js", https=True)
    assert {(c.url, c.script) for c in calls} == {(url, script)}
    stamps = [c.timestamp or 0.0 for c in calls]
    assert stamps == sorted(stamps)
    assert capture.started_at.timestamp() <= stamps[0] <= capture.finished_at.timestamp()
    # The page went on as with a real wallet.
    assert f"Claim submitted for {ETH[:6]}" in (capture.text or "")


async def test_drainer_waiting_for_a_click(pool: BrowserPool, web: TestWeb) -> None:
    url = web.url("wallet-lab.test", "/connect", https=True)
    capture = await pool.capture(url)
    # Not the login form's submit button, not the link to another page.
    assert capture.clicked == ["button: Connect Wallet"]
    message = "0x" + pages.SIGN_IN_MESSAGE.encode().hex()
    assert [(c.method, c.params) for c in capture.wallet_calls] == [
        ("eth_requestAccounts", None),
        ("personal_sign", [message, ETH]),
    ]
    assert "Signed in" in (capture.text or "")
    assert not [hop for hop in capture.transactions if "/login" in hop.url or "guide" in hop.url]

    still = await pool.capture(url, ScanOptions(interact=False))
    assert still.clicked == [] and still.wallet_calls == []


async def test_eip6963_announcement_answered(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("wallet-lab.test", "/eip6963", https=True))
    assert "MetaMask (io.metamask) on chain 0x1" in (capture.text or "")
    assert [c.method for c in capture.wallet_calls] == ["eth_chainId"]


async def test_solana_connect_and_signatures(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("wallet-lab.test", "/solana", https=True))
    calls = [(c.provider, c.method, c.params) for c in capture.wallet_calls]
    assert calls == [
        ("solana", "connect", []),
        ("solana", "signMessage", [pages.SOLANA_MESSAGE, "utf8"]),
        ("solana", "signMessage", ["0x" + pages.SOLANA_BINARY_MESSAGE.hex()]),
        ("solana", "signTransaction", [base64.b64encode(pages.SOLANA_TX_BYTES).decode()]),
    ]
    script = web.url("wallet-lab.test", "/assets/solana-claim.js", https=True)
    assert {c.script for c in capture.wallet_calls} == {script}
    assert "Claimed" in (capture.text or "")


async def test_page_cannot_see_the_binding(
    pool: BrowserPool, web: TestWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "_0d15ea5e0d15ea5e0d15ea5e"
    monkeypatch.setattr(decoys, "binding_name", lambda: name)
    capture = await pool.capture(web.url("wallet-lab.test", "/globals", https=True))

    names = json.loads(_data_attribute(capture, "names"))
    keys = json.loads(_data_attribute(capture, "keys"))
    assert "ethereum" in keys  # the provider is there, as a wallet's is
    assert name not in names and name not in keys
    assert not [n for n in names if re.fullmatch(r"_[0-9a-f]{24}", n)]
    assert _data_attribute(capture, "ethereum") == "object"
    assert _data_attribute(capture, "write-text") == "function writeText() { [native code] }"
    found = {g.prop for g in capture.globals}
    assert name not in found
    assert not found & set(decoys.DECOY_GLOBALS)
    # The records still arrive under that name.
    follow = await pool.capture(web.url("chain-digest.test", "/"))
    assert [c.method for c in follow.wallet_calls] == ["eth_chainId"]


async def test_decoy_off(pool: BrowserPool, web: TestWeb) -> None:
    off = ScanOptions(decoy=False)
    capture = await pool.capture(web.url("wallet-lab.test", "/", https=True), off)
    assert capture.decoy_accounts == {}
    assert capture.wallet_calls == []
    assert "Open this page in your wallet browser." in (capture.text or "")

    capture = await pool.capture(web.url("wallet-lab.test", "/globals", https=True), off)
    assert _data_attribute(capture, "ethereum") == "undefined"
    assert _data_attribute(capture, "solana") == "undefined"
    assert capture.wallet_calls == []


def _comparable(capture: RawCapture) -> dict[str, Any]:
    """What a report says about a page, without what changes from one scan to the next.

    Chromium's own /favicon.ico request goes out or not by the browser's favicon cache (shared
    by the scans of one browser): it is left out, with the console line its 404 makes.
    """
    report = report_of(capture).model_dump(mode="json", by_alias=True)
    data = report["data"]
    lists = report["lists"]
    return {
        "requests": sorted(
            (hop.url, hop.method, hop.status, hop.resource_type)
            for hop in capture.transactions
            if not _browser_favicon(hop.url)
        ),
        "globals": data["globals"],
        "console": [(m["type"], m["text"]) for m in _console(data)],
        "cookies": sorted((c["name"], c["value"], c["domain"]) for c in data["cookies"]),
        "links": data["links"],
        "dom": capture.dom,
        "text": report["text"],
        "title": report["page"]["title"],
        "forms": report["forms"],
        "technologies": report["technologies"],
        "lists": {
            k: sorted(str(v) for v in lists[k] if not _browser_favicon(str(v)))
            for k in ("domains", "urls", "ips")
        },
        "dialogs": [d.model_dump() for d in capture.dialogs],
        "clipboard": capture.clipboard,
        "clicked": capture.clicked,
        "failure": capture.failure,
        "incomplete": capture.incomplete,
    }


def _console(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"type": entry["message"].get("level"), "text": entry["message"].get("text")}
        for entry in data.get("console", [])
        if not _browser_favicon(entry["message"].get("url") or "")
    ]


def _browser_favicon(url: str) -> bool:
    return url.endswith("/favicon.ico")


@pytest.mark.parametrize(
    ("host", "probes"), [("news.test", []), ("chain-digest.test", ["eth_chainId"])]
)
async def test_decoy_never_leaks(
    pool: BrowserPool, web: TestWeb, host: str, probes: list[str]
) -> None:
    """A benign page's report is the same with the decoy on or off, but for its probes."""
    url = web.url(host, "/")
    on = await pool.capture(url, ScanOptions(decoy=True))
    off = await pool.capture(url, ScanOptions(decoy=False))
    assert [c.method for c in on.wallet_calls] == probes
    assert off.wallet_calls == [] and off.decoy_accounts == {}
    assert _comparable(on) == _comparable(off)


# --------------------------------------------------------------------------- clipboard


async def test_clipboard_writes_recorded(pool: BrowserPool, web: TestWeb) -> None:
    url = web.url("clip-lab.test", "/clipboard", https=True)
    capture = await pool.capture(url)
    assert [(w.api, w.text) for w in capture.clipboard] == [
        ("clipboard.writeText", pages.WRITE_TEXT),
        ("execCommand", pages.EXEC_COMMAND),
        ("copy-event", pages.COPY_EVENT),
        ("clipboard.write", pages.CLIPBOARD_ITEM),
    ]
    assert {(w.url, w.script) for w in capture.clipboard} == {(url, url)}
    # The page saw the APIs answer as the browser's do.
    body = capture.dom or ""
    assert 'data-write-text="undefined"' in body and 'data-exec-command="true"' in body


async def test_clipboard_writes_from_frames(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("clip-lab.test", "/framed", https=True))
    texts = sorted((w.api, w.text, w.url) for w in capture.clipboard)
    assert texts == [
        ("clipboard.writeText", pages.FRAMED, web.url("clip-lab.test", "/frame-fix", https=True)),
        # A script-made about:blank frame: recorded as its parent's.
        (
            "clipboard.writeText",
            pages.FRAMED + " #blank",
            web.url("clip-lab.test", "/framed", https=True),
        ),
    ]


async def test_write_after_click_on_fake_captcha(pool: BrowserPool, web: TestWeb) -> None:
    url = web.url("clip-lab.test", "/captcha", https=True)
    capture = await pool.capture(url)
    assert capture.clicked == ["div: I'm not a robot"]
    assert [(w.api, w.text) for w in capture.clipboard] == [("clipboard.writeText", pages.CAPTCHA)]
    assert "Press CTRL + V" in (capture.text or "")

    untouched = await pool.capture(url, ScanOptions(interact=False))
    assert untouched.clicked == [] and untouched.clipboard == []


async def test_host_clipboard_untouched(pool: BrowserPool, web: TestWeb) -> None:
    """The browser's clipboard is one for all its contexts: a scan must never write it."""
    async with sentinel_clipboard(pool, web) as untouched:
        for path in ("/clipboard", "/framed", "/captcha"):
            capture = await pool.capture(web.url("clip-lab.test", path, https=True))
            assert capture.clipboard
        assert await untouched()


def test_records_are_bounded_in_number_and_size() -> None:
    records = decoys.PageRecords(ScanOptions())
    write = json.dumps({"kind": "clipboard", "api": "execCommand", "text": "x"})
    for _ in range(decoys.MAX_RECORDS + 5):
        records._called({"name": records.binding, "payload": write})
    assert len(records.clipboard) == decoys.MAX_RECORDS and records.dropped == 5
    big = json.dumps({"kind": "wallet", "provider": "ethereum", "method": "m",
                      "params": ["a" * (decoys.MAX_PAYLOAD_CHARS - 100)]})  # fmt: skip
    for _ in range(20):
        records._called({"name": records.binding, "payload": big})
    kept = sum(len(json.dumps(call.params)) for call in records.wallet_calls)
    assert kept <= decoys.MAX_TOTAL_CHARS and records.dropped > 5
    records._called({"name": "someone-else", "payload": write})  # not ours: ignored
    assert len(records.clipboard) == decoys.MAX_RECORDS
