"""What the page asked of the visitor's wallet and clipboard: the report's ``wallet``
(``analyze/wallet/decode.py``) and ``clipboard`` (``analyze/document/clipboard.py``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from spyglass.models.sections import ReportModel


class WalletRequest(ReportModel):
    """One request a page made to a decoy wallet, with what it would do."""

    provider: str  # ethereum | solana
    method: str  # eth_sendTransaction, personal_sign, signTransaction, connect, ...
    params: Any = None  # as the page passed them
    url: str | None = None  # the document that asked
    script: str | None = None  # the script on top of the stack, when it has a URL
    time: str | None = None  # ISO 8601, UTC, milliseconds
    # The decoded intent: {"kind": "erc20-approve", "summary": "approve unlimited USDC ...",
    # ...the kind's own fields (spender, token, amount...)}; None when nothing was decoded. The
    # kinds' fields differ (wallet/evm.py, typed_data.py, solana.py): a dict, as decoded.
    intent: dict[str, Any] | None = None
    addresses: list[str] = Field(default_factory=list)  # who would receive funds or allowances


class Wallet(ReportModel):
    """The decoy wallets' accounts and what the page asked of them. Written as ``{}`` when the
    scan had no decoy and the page made no request (``empty``)."""

    accounts: dict[str, str] = Field(default_factory=dict)  # provider -> the decoy's account
    calls: list[WalletRequest] = Field(default_factory=list)  # in the order they were made
    addresses: list[str] = Field(default_factory=list)  # every call's, once each, in order
    probes: int = 0  # read-only calls (accounts, chain, balance...)

    @property
    def empty(self) -> bool:
        return not self.accounts and not self.calls

    @model_serializer(mode="wrap")
    def _empty_as_nothing(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {} if self.empty else handler(self)


class CommandClass(ReportModel):
    """What a piece of clipboard text would do if run (``analyze/detect/commands.py``). In the
    report as JSON in the document's camelCase (``downloadsAndRuns``, ``decoyComment``)."""

    kind: str = "text"
    platform: str | None = None  # windows | macos | unix
    dangerous: bool = False
    downloads_and_runs: bool = False
    techniques: list[str] = Field(default_factory=list)
    stealth: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    hosts: list[str] = Field(default_factory=list)
    decoded: str | None = None
    inner: CommandClass | None = None
    decoy_comment: str | None = None
    summary: str = ""


class ClipboardEntry(ReportModel):
    """Text the page put in the clipboard (recorded; the real clipboard is never written)."""

    text: str
    api: str  # clipboard.writeText | clipboard.write | execCommand | copy-event
    url: str | None = None
    script: str | None = None
    time: str | None = None  # ISO 8601, UTC, milliseconds
    classification: CommandClass = Field(default_factory=CommandClass)
