"""``report.wallet``: the requests a page made to the decoy wallets, each with what it would do.

``build_wallet(capture)`` -> ``Wallet``, written as::

    {"accounts": {"ethereum": "0x…", "solana": "…"},
     "calls": [{"provider", "method", "params", "url", "script", "time",
                "intent": {"kind": "erc20-approve", "summary": "approve unlimited USDC …",
                           ...fields} | None,
                "addresses": ["0x…"]}],           # who would receive funds or allowances
     "addresses": [...every call's, deduplicated, in order],
     "probes": 4}                                 # read-only calls (accounts, chain, balance…)

Decoders: ``evm`` (transactions, calldata, messages), ``typed_data`` (EIP-712:
Permit, Permit2, Seaport), ``solana`` (serialized transactions). Pure.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from spyglass.analyze.wallet.evm import (
    Decoded,
    decode_add_chain,
    decode_eth_sign,
    decode_personal_sign,
    decode_switch_chain,
    decode_transaction,
    decode_watch_asset,
)
from spyglass.analyze.wallet.solana import decode_solana_transaction, solana_message
from spyglass.analyze.wallet.typed_data import decode_typed_data
from spyglass.models import RawCapture, Report, Wallet, WalletCall, WalletRequest
from spyglass.refdata.tokens import checksum

# Requests that only read (or ask for the account): what every wallet-aware page sends.
READ_ONLY = frozenset(
    {
        "eth_accounts",
        "eth_requestAccounts",
        "eth_chainId",
        "net_version",
        "eth_getBalance",
        "eth_call",
        "eth_blockNumber",
        "eth_estimateGas",
        "eth_gasPrice",
        "eth_maxPriorityFeePerGas",
        "eth_feeHistory",
        "eth_getTransactionCount",
        "eth_getCode",
        "eth_getBlockByNumber",
        "eth_getTransactionReceipt",
        "eth_getTransactionByHash",
        "eth_getLogs",
        "eth_coinbase",
        "wallet_getPermissions",
        "wallet_requestPermissions",
        "wallet_getCapabilities",
        "web3_clientVersion",
        "metamask_getProviderState",
        "connect",
        "disconnect",
        "getAccount",
        "getBalance",
    }
)


def build_wallet(capture: RawCapture) -> Wallet:
    """The ``wallet`` block of a report (see the module docstring); empty (written ``{}``) when
    the scan had no decoy and the page made no request."""
    calls = [describe_call(call, capture.decoy_accounts) for call in capture.wallet_calls]
    return Wallet(
        accounts=dict(capture.decoy_accounts),
        calls=calls,
        addresses=list(dict.fromkeys(a for call in calls for a in call.addresses)),
        probes=sum(1 for call in capture.wallet_calls if call.method in READ_ONLY),
    )


def add_wallet(report: Report, capture: RawCapture) -> None:
    report.wallet = build_wallet(capture)


def describe_call(call: WalletCall, accounts: dict[str, str]) -> WalletRequest:
    """One recorded request with its decoded intent and beneficiary addresses.

    >>> c = WalletCall(provider="ethereum", method="eth_sendTransaction",
    ...                params=[{"to": "0x" + "ab" * 20, "value": "0xde0b6b3a7640000"}])
    >>> d = describe_call(c, {})
    >>> d.intent["summary"]
    'send 1 ETH to 0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB'
    >>> d.addresses
    ['0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB']
    """
    account = accounts.get(call.provider)
    decoded = decode_call(call, account)
    return WalletRequest(
        provider=call.provider,
        method=call.method,
        params=call.params,
        url=call.url,
        script=call.script,
        time=_iso(call.timestamp),
        intent=decoded.intent if decoded else None,
        addresses=list(dict.fromkeys(decoded.addresses)) if decoded else [],
    )


def decode_call(call: WalletCall, account: str | None) -> Decoded | None:
    if call.provider == "solana":
        return _decode_solana(call, account)
    method, params = call.method, call.params
    items = params if isinstance(params, list) else [params]
    if method in ("eth_sendTransaction", "eth_signTransaction"):
        return decode_transaction(items[0] if items else None, checksum(account))
    if method in ("eth_signTypedData_v4", "eth_signTypedData_v3", "eth_signTypedData"):
        return decode_typed_data(params, checksum(account))
    if method == "personal_sign":
        return decode_personal_sign(params, account)
    if method == "eth_sign":
        return decode_eth_sign(params, account)
    if method == "wallet_watchAsset":
        return decode_watch_asset(items[0] if isinstance(params, list) and items else params)
    if method == "wallet_addEthereumChain":
        return decode_add_chain(params)
    if method == "wallet_switchEthereumChain":
        return decode_switch_chain(params)
    if method == "eth_requestAccounts":
        return Decoded({"kind": "connect", "summary": "connect: reveal the wallet's address"})
    return None


def _decode_solana(call: WalletCall, account: str | None) -> Decoded | None:
    method, params = call.method, call.params
    if method == "connect":
        return Decoded({"kind": "connect", "summary": "connect: reveal the wallet's address"})
    if method == "signMessage":
        text, raw = solana_message(params)
        summary = f"sign the message “{text.strip()[:80]}”" if text else f"sign {len(raw)} bytes"
        return Decoded(
            {"kind": "message-signature", "summary": summary, "text": text, "bytes": len(raw)}
        )
    if method in ("signTransaction", "signAndSendTransaction", "signAllTransactions"):
        values = _solana_transactions(method, params)
        decoded = [d for d in (decode_solana_transaction(v, method, account) for v in values) if d]
        if not decoded:
            return None
        if len(decoded) == 1:
            return decoded[0]
        actions = [a for d in decoded for a in d.intent["actions"]]
        return Decoded(
            {
                "kind": "solana-transaction",
                "method": method,
                "summary": "; ".join(d.intent["summary"] for d in decoded),
                "transactions": [d.intent for d in decoded],
                "actions": actions,
            },
            [a for d in decoded for a in d.addresses],
        )
    return None


def _solana_transactions(method: str, params: Any) -> list[Any]:
    """The recorded transactions: ``[tx]``, ``[[tx, ...]]`` (signAllTransactions), ``[tx,
    options]`` (signAndSendTransaction), or ``[{"message": …}]`` through ``request()``."""
    if not isinstance(params, list):
        return [params]
    if not params or all(isinstance(b, int) for b in params):
        return [params]
    first = params[0]
    if method == "signAllTransactions" and isinstance(first, list):
        if first and all(isinstance(b, int) for b in first):
            return [first]
        return list(first)
    if method == "signAllTransactions":
        return list(params)
    return [first]


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return (
        datetime.fromtimestamp(timestamp, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )
