"""Decoy wallets and clipboard recording: the init script every scan's context gets, and the
records it sends back.

The script (``decoy.js``) runs in every frame before the page's own scripts. It replaces the
clipboard APIs (writes are recorded, never made; reads are refused) and, with
``ScanOptions.decoy``, offers an unlocked MetaMask-like EIP-1193 provider (also announced through
EIP-6963) and a Phantom-like Solana provider holding the accounts below, recording every request.

Records reach Python through a DevTools binding (``Runtime.addBinding``) with a random name per
scan; the script takes the function into its closure and deletes it from ``window`` before any
page script runs, so a page can neither see nor forge the records. Timestamps are taken here:
the page's clock is Playwright's fake one.

What ``WalletCall.params`` holds:

- ethereum: the ``params`` of ``request({method, params})`` as the page passed them (JSON; typed
  arrays as ``0x`` hex, BigInts as decimal text);
- solana ``connect``: ``[options]`` or ``[]``; ``signTransaction``: ``[tx]``;
  ``signAllTransactions``: ``[[tx, ...]]``; ``signAndSendTransaction``: ``[tx, options]``, where
  ``tx`` is the unsigned wire transaction as base64 (``serialize()``), or ``{"description":
  {...}}`` when the object could not serialise itself; ``signMessage``: ``[text]`` (UTF-8) or
  ``["0x…"]`` (bytes that are not UTF-8), then the display encoding when given; anything through
  ``request({method, params})``: ``[params]``.

The ethereum provider hands out ``DECOY_ETH_ACCOUNT`` in lower case, as MetaMask does; until
the page asks for accounts (``eth_requestAccounts``, ``enable``, ``wallet_requestPermissions``) it
is not connected, as with a site the wallet has never seen (``eth_accounts`` -> ``[]``).

Known gaps (the real clipboard stays untouched in all of them, only a record is missing):
a frame a script creates starts as about:blank, whose window gets the script but not the binding;
its writes are recorded when the page reaches it through ``contentWindow``/``contentDocument``
(the parent's patch then records them as the parent's), not when it goes through
``window[0]``. Pop-ups get the script too, but the session closes them at once and their
records have no binding to reach.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import secrets
import time
import uuid
from importlib import resources
from typing import Any

from playwright.async_api import CDPSession
from playwright.async_api import Error as PlaywrightError
from pydantic import ValidationError

from spyglass.models import BlockedConnection, ClipboardWrite, ScanOptions, WalletCall

# Accounts nobody owns: hashes of fixed strings (sha256), not keys with a known secret.
DECOY_ETH_ACCOUNT = "0x7548c65b91797801AB6CaD2b49d7b19838b95E96"  # EIP-55 checksummed
DECOY_SOL_ACCOUNT = "42mMhSK5eGg2k7YhuSJq3P8A7SyCCoVccA219gGb8y1i"  # base58 of 32 bytes
_SOL_BYTES = bytes.fromhex("2d06cbc90373d3407d6d4643b741dc291ad0ce88ebd8bcafebb9a7cd15426561")
# Funded enough that a drainer's "is it worth it" check passes.
BALANCE_WEI = 42_500_000_000_000_000_000  # 42.5 ETH
TOKEN_BALANCE = 1_250_000 * 10**18  # any balanceOf(): 1.25 M tokens of 18 decimals
BLOCK_NUMBER = 22_450_000
GAS_PRICE_WEI = 12_000_000_000  # 12 gwei

log = logging.getLogger("spyglass.capture.decoys")

# Globals the decoy defines: part of the browser, not of the page, when the decoy is on.
DECOY_GLOBALS = ("ethereum", "solana", "phantom")

# A scan keeps at most this many records of each kind, each at most this large, and this much
# in all: a page choosing what it writes must not fill the worker's memory or the report.
MAX_RECORDS = 1000
MAX_PAYLOAD_CHARS = 1_000_000
MAX_TOTAL_CHARS = 8_000_000

_ICON = (  # a small fox-coloured SVG, like the wallet's own announcement icon
    "data:image/svg+xml;base64,"
    "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAzMiAzMiI+"
    "PHBhdGggZmlsbD0iI0UyNzYxQiIgZD0iTTI5IDNsLTExIDggMi00Ljd6TTMgM2wxMSA4LTItNC43ek0y"
    "NSAyMmwtMyA0LjUgNi41IDEuOCAxLjgtNi4yek0xLjcgMjIuMWwxLjggNi4yIDYuNS0xLjhMNyAyMnoi"
    "Lz48cGF0aCBmaWxsPSIjRjY4NTFCIiBkPSJNMTAgMTRsLTEuOCAyLjcgNi40LjMtLjItNi45ek0yMiAx"
    "NGwtNC40LTQtLjIgNyA2LjQtLjN6Ii8+PC9zdmc+"
)


def binding_name() -> str:
    """A fresh name for one scan's binding: an identifier no page can guess.

    >>> len(binding_name()), binding_name() != binding_name()
    (25, True)
    """
    return "_" + secrets.token_hex(12)


@functools.cache
def _source() -> str:
    """decoy.js without its whole-line comments: they say what the script is."""
    text = resources.files("spyglass.capture").joinpath("decoy.js").read_text("utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def init_script(binding: str, *, wallets: bool) -> str:
    """The script for one scan: clipboard recording always, the wallets when ``wallets``."""
    config = {
        "binding": binding,
        "wallets": wallets,
        "ethereum": DECOY_ETH_ACCOUNT,
        "solana": DECOY_SOL_ACCOUNT,
        "solanaBytes": list(_SOL_BYTES),
        "balance": hex(BALANCE_WEI),
        "tokenBalance": hex(TOKEN_BALANCE),
        "blockNumber": hex(BLOCK_NUMBER),
        "gasPrice": hex(GAS_PRICE_WEI),
        "uuid": str(uuid.uuid4()),
        "icon": _ICON,
    }
    return _source().replace("/*CONFIG*/", json.dumps(config, separators=(",", ":")), 1)


def decoy_accounts(options: ScanOptions) -> dict[str, str]:
    """The accounts a scan offers the page: ``{}`` when it offers none."""
    if not (options.decoy and options.javascript):
        return {}
    return {"ethereum": DECOY_ETH_ACCOUNT, "solana": DECOY_SOL_ACCOUNT}


def peer_attempt(what: str, text: str) -> BlockedConnection | None:
    """A WebRTC server or remote candidate the page named -> where it would have sent UDP.

    >>> peer_attempt("server", "turn:[::1]:3478?transport=udp").port
    3478
    >>> peer_attempt("candidate", "a=candidate:1 1 udp 2122 192.0.2.7 40000 typ host").ip
    '192.0.2.7'
    """
    if what == "server":
        scheme, _, rest = text.partition(":")
        if scheme.lower() not in ("stun", "stuns", "turn", "turns"):
            return None
        rest = rest.split("?", 1)[0]
        if rest.startswith("["):
            host, _, tail = rest[1:].partition("]")
            port_text = tail.removeprefix(":")
        else:
            host, _, port_text = rest.partition(":")
        default = 5349 if scheme.lower() in ("stuns", "turns") else 3478
        port = int(port_text) if port_text.isdigit() else default
    elif what == "candidate":
        fields = text.removeprefix("a=").split()
        if len(fields) < 6 or not fields[5].isdigit():
            return None
        host, port = fields[4], int(fields[5])
    else:
        return None
    if not host or not 0 <= port < 65536:
        return None
    ip = host if _is_ip(host) else None
    return BlockedConnection(host=host[:255], port=port, ip=ip, reason="webrtc")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def parse_record(
    payload: str, timestamp: float
) -> WalletCall | ClipboardWrite | BlockedConnection | None:
    """One record the script sent -> its model; ``None`` for anything malformed.

    >>> parse_record('{"kind":"clipboard","api":"execCommand","text":"x","url":"https://a.test/",'
    ...              '"script":null}', 1.5).text
    'x'
    """
    if len(payload) > MAX_PAYLOAD_CHARS:
        return None
    try:
        record = json.loads(payload)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    common = {"url": record.get("url"), "script": record.get("script"), "timestamp": timestamp}
    # The page wrote these fields: validated (model_validate), not trusted to have their types.
    try:
        if record.get("kind") == "wallet":
            return WalletCall.model_validate(
                {
                    "provider": record.get("provider"),
                    "method": str(record.get("method")),
                    "params": record.get("params"),
                    **common,
                }
            )
        if record.get("kind") == "clipboard":
            return ClipboardWrite.model_validate(
                {"text": record.get("text"), "api": record.get("api"), **common}
            )
        if record.get("kind") == "webrtc":
            return peer_attempt(str(record.get("what")), str(record.get("text")))
    except ValidationError:
        return None
    return None


class PageRecords:
    """What the init script reports for one scan: ``attach(cdp)`` before the navigation."""

    def __init__(self, options: ScanOptions) -> None:
        self.options = options
        self.binding = binding_name()
        self.wallet_calls: list[WalletCall] = []
        self.clipboard: list[ClipboardWrite] = []
        self.webrtc: list[BlockedConnection] = []
        self.dropped = 0  # records past a limit
        self._budget = MAX_TOTAL_CHARS

    @property
    def enabled(self) -> bool:
        return self.options.javascript

    def script(self) -> str:
        return init_script(self.binding, wallets=self.options.decoy)

    async def attach(self, cdp: CDPSession) -> None:
        """Listen to ``cdp``'s target (the page and its same-process frames)."""
        cdp.on("Runtime.bindingCalled", self._called)
        await cdp.send("Runtime.addBinding", {"name": self.binding})

    def _called(self, event: dict[str, Any]) -> None:
        if event.get("name") != self.binding:
            return
        payload = str(event.get("payload", ""))
        self._budget -= len(payload)
        record = parse_record(payload, time.time()) if self._budget >= 0 else None
        if isinstance(record, WalletCall) and len(self.wallet_calls) < MAX_RECORDS:
            self.wallet_calls.append(record)
        elif isinstance(record, ClipboardWrite) and len(self.clipboard) < MAX_RECORDS:
            self.clipboard.append(record)
        elif isinstance(record, BlockedConnection) and len(self.webrtc) < MAX_RECORDS:
            if record not in self.webrtc:
                self.webrtc.append(record)
        else:
            self.dropped += 1


async def deny_clipboard(cdp: CDPSession) -> None:
    """Refuse the scan's context both clipboard permissions in the browser itself, under the
    script's replacements: the browser's clipboard is shared by every context. (Chromium still
    lets ``execCommand('copy')`` after a click through; only the script stops that.)

    A browser that refuses the call leaves the script's protection alone: logged, not fatal.
    """
    try:
        info = await cdp.send("Target.getTargetInfo")
        context_id = info["targetInfo"].get("browserContextId")
        for name in ("clipboard-read", "clipboard-write"):
            params: dict[str, Any] = {"permission": {"name": name}, "setting": "denied"}
            if context_id:
                params["browserContextId"] = context_id
            await cdp.send("Browser.setPermission", params)
    except PlaywrightError as e:
        log.warning("could not deny the clipboard permissions: %s", str(e).splitlines()[0])
