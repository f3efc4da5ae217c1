"""What goes into a scan and what comes out of the browser: ``ScanOptions`` in, ``RawCapture``
out (what the browser saw, nothing concluded)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

# --------------------------------------------------------------------------- scan input


class Viewport(BaseModel):
    model_config = ConfigDict(frozen=True)
    width: int = Field(1280, ge=200, le=4096)
    height: int = Field(720, ge=200, le=4096)


class CookieSpec(BaseModel):
    """A cookie to set before the scan; without ``domain`` it applies to the target's host."""

    model_config = ConfigDict(frozen=True)
    name: str
    value: str
    domain: str | None = None
    path: str = "/"


class ScanOptions(BaseModel):
    """How to scan. Everything an analyst can choose per scan."""

    model_config = ConfigDict(frozen=True)
    user_agent: str | None = None
    referer: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    cookies: tuple[CookieSpec, ...] = ()
    viewport: Viewport = Field(default_factory=Viewport)
    device: str | None = None  # a Playwright device name, e.g. "iPhone 13"
    locale: str | None = None
    timezone: str | None = None
    timeout: float = Field(30.0, gt=0, le=600)  # seconds; the scan's hard limit
    javascript: bool = True
    # host -> address, like curl's --resolve: scan a host on an address of the analyst's choice.
    resolve: dict[str, str] = Field(default_factory=dict)
    # CIDRs opened for this scan on top of the settings' (SSRF guard).
    allow_networks: tuple[str, ...] = ()
    # Load pages whose certificate does not validate (the TLS problem is still recorded).
    insecure_tls: bool = False
    # Decoy wallets (EIP-1193/EIP-6963 and Solana providers) offered to the page; off: the page
    # sees a browser without any wallet. Clipboard writes are recorded either way.
    decoy: bool = True
    # After the page settles, click what a lure asks the visitor to click ("Connect wallet",
    # "I'm not a robot", "Copy"...): drainers and paste-and-run pages often wait for a click.
    interact: bool = True


# --------------------------------------------------------------------------- raw capture


class FailureReason(StrEnum):
    DNS = "dns"
    REFUSED = "refused"
    TLS = "tls"
    TIMEOUT = "timeout"
    BLOCKED = "blocked_address"
    RENDERER_CRASH = "renderer_crash"
    BROWSER_CRASH = "browser_crash"
    MEMORY = "memory"  # the page passed the browser's memory bound; its renderer was ended
    NETWORK = "network"
    ABORTED = "aborted"


class Failure(BaseModel):
    """Why a scan failed or is partial. ``net_error`` is Chromium's code (``net::ERR_…``)."""

    reason: FailureReason
    message: str
    net_error: str | None = None


class TLSDetails(BaseModel):
    protocol: str | None = None
    key_exchange: str | None = None
    key_exchange_group: str | None = None
    cipher: str | None = None
    subject_name: str | None = None
    san_list: list[str] = Field(default_factory=list)
    issuer: str | None = None
    valid_from: int | None = None  # epoch seconds
    valid_to: int | None = None


class Transaction(BaseModel):
    """One HTTP request/response hop as the browser saw it. A redirect is its own hop.

    ``cdp_request``/``cdp_response`` keep the DevTools events untouched: urlscan's
    ``data.requests`` are those events, so the report passes them through.
    """

    request_id: str
    url: str
    method: str = "GET"
    resource_type: str = "Other"  # CDP's: Document, Script, Stylesheet, Image, XHR, ...
    frame_id: str | None = None
    loader_id: str | None = None
    document_url: str | None = None
    is_main_frame: bool = False
    request_headers: dict[str, str] = Field(default_factory=dict)
    post_data: str | None = None
    initiator: dict[str, Any] = Field(default_factory=dict)
    wall_time: float | None = None  # epoch seconds
    timestamp: float | None = None  # CDP monotonic seconds
    status: int | None = None
    status_text: str | None = None
    response_headers: dict[str, str] = Field(default_factory=dict)
    # Response header names in the order the server sent them, duplicates kept, from the raw
    # HTTP/1.x header text. None when the browser had no raw text (HTTP/2, QUIC, cache): its
    # ``response_headers`` are then in its own (sorted) order, not the server's.
    response_header_names: list[str] | None = None
    mime_type: str | None = None
    remote_ip: str | None = None
    remote_port: int | None = None
    protocol: str | None = None
    security_state: str | None = None
    tls: TLSDetails | None = None
    timing: dict[str, float] | None = None
    redirected_to: str | None = None
    from_cache: bool = False
    encoded_size: int | None = None  # bytes on the wire, headers included
    decoded_size: int | None = None  # body bytes after decompression
    body_sha256: str | None = None
    body_note: str | None = None  # why there is no body hash (too large, not available, ...)
    failed: str | None = None  # net::ERR_... text
    canceled: bool = False
    blocked: str | None = None  # the guard's reason when the guard refused the connection
    cdp_request: dict[str, Any] = Field(default_factory=dict)
    cdp_response: dict[str, Any] | None = None


class ConsoleMessage(BaseModel):
    source: str = "console-api"  # console-api | javascript (uncaught exception) | network | ...
    level: str = "log"  # log | info | warning | error | debug
    text: str
    url: str | None = None
    line: int | None = None
    column: int | None = None
    timestamp: float | None = None  # epoch seconds


class Dialog(BaseModel):
    type: str  # alert | confirm | prompt | beforeunload
    message: str
    default_value: str | None = None
    url: str | None = None


class Popup(BaseModel):
    url: str
    opener_url: str | None = None


class Download(BaseModel):
    url: str
    suggested_filename: str
    mime_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    saved: bool = False  # body kept in RawCapture.blobs under sha256
    note: str | None = None  # why not saved: too large, failed, timeout


class Cookie(BaseModel):
    model_config = ConfigDict(extra="allow")  # CDP adds fields as Chrome evolves
    name: str
    value: str
    domain: str
    path: str = "/"
    expires: float = -1
    size: int = 0
    http_only: bool = Field(False, alias="httpOnly")
    secure: bool = False
    session: bool = True
    same_site: str | None = Field(None, alias="sameSite")


class Navigation(BaseModel):
    """A main-frame navigation the page asked for (client-side redirects live here).

    ``reason`` is CDP's ``Page.frameRequestedNavigation`` reason: metaTagRefresh,
    scriptInitiated, httpHeaderRefresh, formSubmissionGet, anchorClick, ...
    """

    url: str
    reason: str | None = None
    from_url: str | None = None
    timestamp: float | None = None  # epoch seconds


class JSGlobal(BaseModel):
    prop: str
    type: str


class Isolation(BaseModel):
    """How the browser of a scan was isolated (capture/sandbox.py, capture/memory.py)."""

    sandbox: bool  # Chromium's own sandbox (namespaces + seccomp-bpf) for its renderers
    user: str
    uid: int
    memory_bound: str  # cgroup | watchdog
    memory_mb: int


class BlockedConnection(BaseModel):
    """A connection the guard refused: recorded so the report shows what the page tried."""

    host: str
    port: int
    ip: str | None = None
    # blocked_address | dns | refused | unreachable | budget (the scan's bytes were spent) |
    # webrtc (a peer connection named this server or candidate; UDP never leaves the browser)
    reason: str


class WalletCall(BaseModel):
    """One request a page made to a decoy wallet, in the order it was made."""

    provider: Literal["ethereum", "solana"]
    method: str  # eth_sendTransaction, personal_sign, signTransaction, connect, ...
    params: Any = None  # as the page passed them (JSON; Solana transactions as base64)
    url: str | None = None  # the document that asked
    script: str | None = None  # the script on top of the stack, when it has a URL
    timestamp: float | None = None  # epoch seconds, on the scanner's clock


class ClipboardWrite(BaseModel):
    """Text a page put in the clipboard (recorded; the real clipboard is never written)."""

    text: str
    api: Literal["clipboard.writeText", "clipboard.write", "execCommand", "copy-event"]
    url: str | None = None
    script: str | None = None
    timestamp: float | None = None  # epoch seconds, on the scanner's clock


class Favicon(BaseModel):
    url: str
    sha256: str
    mime_type: str | None = None


def tls_origin(url: str) -> str:
    """How ``RawCapture.certificates`` is keyed: the origin, as DevTools keys certificates.

    >>> tls_origin("https://user@News.test:8443/a?b")
    'https://news.test:8443'
    """
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2].lower()}"


class RawCapture(BaseModel):
    """Everything the browser saw during one scan, before any conclusion is drawn."""

    url: str  # as submitted (normalised)
    options: ScanOptions = Field(default_factory=ScanOptions)
    user_agent: str | None = None
    started_at: datetime
    finished_at: datetime
    final_url: str | None = None
    title: str | None = None
    transactions: list[Transaction] = Field(default_factory=list)
    cookies: list[Cookie] = Field(default_factory=list)
    console: list[ConsoleMessage] = Field(default_factory=list)
    dialogs: list[Dialog] = Field(default_factory=list)
    navigations: list[Navigation] = Field(default_factory=list)
    popups: list[Popup] = Field(default_factory=list)
    downloads: list[Download] = Field(default_factory=list)
    globals: list[JSGlobal] = Field(default_factory=list)
    # CDP page lifecycle name -> epoch seconds (beginNavigation, domContentEventFired, ...)
    timing: dict[str, float] = Field(default_factory=dict)
    dom: str | None = None
    text: str | None = None
    screenshot_sha256: str | None = None
    screenshot_kind: Literal["full_page", "viewport"] | None = None
    favicon: Favicon | None = None
    # TLS origin ("https://news.test:8443") -> its certificate chain as base64 DER, leaf first,
    # from DevTools' Network.getCertificate while the connection was known to the browser (a
    # certificate error page's chain from the Security domain: no response carries it).
    certificates: dict[str, list[str]] = Field(default_factory=dict)
    # Wappalyzer "js" property chains ("jQuery.fn.jquery") -> the value the page held, as text
    # ("" for an object that exists). Read once the page settled; only chains that exist.
    js_properties: dict[str, str] = Field(default_factory=dict)
    resolved: dict[str, str] = Field(default_factory=dict)  # host -> address connected to
    blocked: list[BlockedConnection] = Field(default_factory=list)
    # The decoy wallets' accounts ({"ethereum": "0x...", "solana": "..."}); empty: no decoy.
    decoy_accounts: dict[str, str] = Field(default_factory=dict)
    wallet_calls: list[WalletCall] = Field(default_factory=list)
    clipboard: list[ClipboardWrite] = Field(default_factory=list)
    # Elements clicked after the page settled (options.interact), as "tag: text".
    clicked: list[str] = Field(default_factory=list)
    isolation: Isolation | None = None
    failure: Failure | None = None
    # Steps that did not complete ("screenshot: timeout"); a scan with any is partial.
    incomplete: list[str] = Field(default_factory=list)
    # Bodies by sha256 (responses, screenshot, downloads, favicon). Not serialised with the
    # capture: the store keeps them as content-addressed blobs.
    blobs: dict[str, bytes] = Field(default_factory=dict, exclude=True, repr=False)

    @property
    def partial(self) -> bool:
        return bool(self.incomplete) or self.failure is not None

    @property
    def screenshot(self) -> bytes | None:
        return self.blobs.get(self.screenshot_sha256) if self.screenshot_sha256 else None
