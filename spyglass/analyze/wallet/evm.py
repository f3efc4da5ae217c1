"""What an Ethereum transaction or message would do to the wallet that signs it.

``decode_transaction(tx, account)`` reads ``eth_sendTransaction``'s object: a native transfer,
or calldata decoded with eth-abi against the functions drainers ask for (ERC-20 approve /
increaseAllowance / transfer / transferFrom, NFT setApprovalForAll / safeTransferFrom) and the
names of common router calls (swaps, multicall). ``decode_message`` reads ``personal_sign`` /
``eth_sign``. Each returns a ``Decoded``: the intent (kind, summary, fields) and the addresses
that would receive funds or allowances.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi.exceptions import DecodingError
from eth_utils import function_signature_to_4byte_selector

from spyglass.refdata.tokens import (
    checksum,
    known_spender,
    short_address,
    token_amount,
    token_info,
    token_label,
)

# Amounts at or above this are "unlimited" allowances (wallets show max uint256 as such, and
# drainers sometimes use 2**255 or similar to dodge that exact check).
UNLIMITED = 2**255
ETH_DECIMALS = 18


@dataclass
class Decoded:
    intent: dict[str, Any]
    addresses: list[str] = field(default_factory=list)


def parse_int(value: Any) -> int | None:
    """A JSON-RPC quantity (hex or decimal string, or a number) as an int.

    >>> parse_int("0x10"), parse_int("42"), parse_int(7), parse_int("x") is None
    (16, 42, 7, True)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text, 16) if text.lower().startswith("0x") else int(text)
        except ValueError:
            return None
    return None


def amount_text(raw: int, token: dict) -> str:
    """``unlimited USDC`` / ``1.5 USDC`` / ``1000 units of 0x12…34``."""
    label = token_label(token)
    if raw >= UNLIMITED:
        return f"unlimited {label}"
    if token.get("symbol"):
        return f"{token_amount(raw, token.get('decimals'))} {label}"
    return f"{raw} units of {label}"


def eth_text(wei: int) -> str:
    """The amount in ether.

    >>> eth_text(1_230_000_000_000_000_000)
    '1.23 ETH'
    """
    return f"{token_amount(wei, ETH_DECIMALS)} ETH"


def _beneficiaries(*addresses: str | None) -> list[str]:
    """The addresses that would receive something; an unreadable one (None) names no one."""
    return [address for address in addresses if address]


# ---- calldata -----------------------------------------------------------------------------

Handler = Callable[[str, list[Any], str | None], Decoded]


def _erc20_approve(method: str) -> Handler:
    def handle(contract: str, args: list[Any], account: str | None) -> Decoded:
        spender, amount = checksum(args[0]), args[1]
        token = token_info(contract)
        if token["standard"] == "erc721":
            return Decoded(
                {
                    "kind": "nft-approve",
                    "summary": f"approve NFT #{amount} of {token_label(token)} to {spender}",
                    "collection": token,
                    "operator": spender,
                    "tokenId": str(amount),
                },
                _beneficiaries(spender),
            )
        unlimited = amount >= UNLIMITED
        return Decoded(
            {
                "kind": "erc20-approve",
                "method": method,
                "summary": f"{method} {amount_text(amount, token)} to {spender}",
                "token": token,
                "spender": spender,
                "amount": str(amount),
                "amountText": token_amount(amount, token.get("decimals")),
                "unlimited": unlimited,
                "knownSpender": known_spender(spender),
            },
            _beneficiaries(spender),
        )

    return handle


def _erc20_transfer(contract: str, args: list[Any], account: str | None) -> Decoded:
    to, amount = checksum(args[0]), args[1]
    token = token_info(contract)
    return Decoded(
        {
            "kind": "erc20-transfer",
            "summary": f"transfer {amount_text(amount, token)} to {to}",
            "token": token,
            "from": account,
            "to": to,
            "amount": str(amount),
            "amountText": token_amount(amount, token.get("decimals")),
        },
        _beneficiaries(to),
    )


def _transfer_from(contract: str, args: list[Any], account: str | None) -> Decoded:
    source, to, amount = checksum(args[0]), checksum(args[1]), args[2]
    token = token_info(contract)
    nft = token["standard"] == "erc721"
    what = f"NFT #{amount} of {token_label(token)}" if nft else amount_text(amount, token)
    return Decoded(
        {
            "kind": "nft-transfer" if nft else "erc20-transfer-from",
            "summary": f"transfer {what} from {source} to {to}",
            "token": token,
            "from": source,
            "to": to,
            "amount": str(amount),
            "amountText": str(amount) if nft else token_amount(amount, token.get("decimals")),
        },
        _beneficiaries(to),
    )


def _set_approval_for_all(contract: str, args: list[Any], account: str | None) -> Decoded:
    operator, approved = checksum(args[0]), bool(args[1])
    collection = token_info(contract)
    verb = "give" if approved else "revoke"
    return Decoded(
        {
            "kind": "nft-approval-for-all",
            "summary": f"{verb} {operator} control of every NFT in {token_label(collection)}",
            "collection": collection,
            "operator": operator,
            "approved": approved,
            "knownSpender": known_spender(operator),
        },
        _beneficiaries(operator) if approved else [],
    )


def _nft_safe_transfer(standard: str) -> Handler:
    def handle(contract: str, args: list[Any], account: str | None) -> Decoded:
        source, to = checksum(args[0]), checksum(args[1])
        collection = token_info(contract)
        if isinstance(args[2], (list, tuple)):  # safeBatchTransferFrom
            ids, amounts = [str(i) for i in args[2]], [str(a) for a in args[3]]
        else:
            ids = [str(args[2])]
            amounts = [str(args[3])] if standard == "erc1155" else ["1"]
        return Decoded(
            {
                "kind": "nft-transfer",
                "standard": standard,
                "summary": f"transfer {standard.upper()} #{', #'.join(ids)} of "
                f"{token_label(collection)} from {source} to {to}",
                "collection": collection,
                "from": source,
                "to": to,
                "tokenIds": ids,
                "amounts": amounts,
            },
            _beneficiaries(to),
        )

    return handle


# Functions decoded argument by argument.
_DECODED: dict[str, Handler] = {
    "approve(address,uint256)": _erc20_approve("approve"),
    "increaseAllowance(address,uint256)": _erc20_approve("increaseAllowance"),
    "increaseApproval(address,uint256)": _erc20_approve("increaseApproval"),
    "transfer(address,uint256)": _erc20_transfer,
    "transferFrom(address,address,uint256)": _transfer_from,
    "setApprovalForAll(address,bool)": _set_approval_for_all,
    "safeTransferFrom(address,address,uint256)": _nft_safe_transfer("erc721"),
    "safeTransferFrom(address,address,uint256,bytes)": _nft_safe_transfer("erc721"),
    "safeTransferFrom(address,address,uint256,uint256,bytes)": _nft_safe_transfer("erc1155"),
    "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)": _nft_safe_transfer(
        "erc1155"
    ),
}

# Functions only named: swaps and batches whose effect depends on the router's state.
_NAMED = [
    "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
    "swapTokensForExactTokens(uint256,uint256,address[],address,uint256)",
    "swapExactETHForTokens(uint256,address[],address,uint256)",
    "swapExactTokensForETH(uint256,uint256,address[],address,uint256)",
    "swapETHForExactTokens(uint256,address[],address,uint256)",
    "swapExactTokensForTokensSupportingFeeOnTransferTokens(uint256,uint256,address[],address,uint256)",
    "exactInputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))",
    "exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))",
    "exactInput((bytes,address,uint256,uint256,uint256))",
    "exactOutputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))",
    "multicall(bytes[])",
    "multicall(uint256,bytes[])",
    "multicall(bytes32,bytes[])",
    "execute(bytes,bytes[],uint256)",
    "execute(bytes,bytes[])",
    "deposit()",
    "withdraw(uint256)",
    "mint(uint256)",
    "claim()",
]


def _name(signature: str) -> str:
    return signature.split("(", 1)[0]


def _selectors() -> tuple[dict[bytes, tuple[str, Handler]], dict[bytes, str]]:
    decoded = {
        function_signature_to_4byte_selector(sig): (sig, handler)
        for sig, handler in _DECODED.items()
    }
    named = {function_signature_to_4byte_selector(sig): sig for sig in _NAMED}
    return decoded, named


_BY_SELECTOR, _NAMED_BY_SELECTOR = _selectors()


def _arg_types(signature: str) -> list[str]:
    inner = signature[signature.index("(") + 1 : -1]
    return [t for t in inner.split(",") if t] if "(" not in inner else []


def decode_calldata(contract: str, data: bytes, account: str | None) -> Decoded | None:
    """The intent of calling ``contract`` with ``data``; None for an unknown function."""
    selector, body = data[:4], data[4:]
    if selector in _BY_SELECTOR:
        signature, handler = _BY_SELECTOR[selector]
        try:
            args = list(abi_decode(_arg_types(signature), body))
        except (DecodingError, ValueError, OverflowError):
            return None
        decoded = handler(contract, args, account)
        decoded.intent["function"] = signature
        decoded.intent["contract"] = contract
        return decoded
    return None


def decode_transaction(tx: Any, account: str | None) -> Decoded | None:
    """The intent of one ``eth_sendTransaction`` object.

    >>> to = "0x" + "ab" * 20
    >>> d = decode_transaction({"to": to, "value": hex(2 * 10**18)}, None)
    >>> d.intent["kind"], d.intent["eth"], d.addresses == [checksum(to)]
    ('native-transfer', '2', True)
    """
    if not isinstance(tx, dict):
        return None
    to = checksum(tx.get("to"))
    value = parse_int(tx.get("value")) or 0
    sender = checksum(tx.get("from")) or account
    data = _hex_bytes(tx.get("data") or tx.get("input") or "")
    if not data:
        if to is None:
            return None
        return Decoded(
            {
                "kind": "native-transfer",
                "summary": f"send {eth_text(value)} to {to}",
                "from": sender,
                "to": to,
                "value": str(value),
                "eth": token_amount(value, ETH_DECIMALS),
            },
            _beneficiaries(to),
        )
    if to is None:
        return Decoded(
            {"kind": "contract-deploy", "summary": "deploy a contract", "from": sender}, []
        )
    decoded = decode_calldata(to, data, sender)
    if decoded is not None:
        if value:
            decoded.intent["value"] = str(value)
            decoded.intent["eth"] = token_amount(value, ETH_DECIMALS)
        return decoded
    selector = data[:4]
    signature = _NAMED_BY_SELECTOR.get(selector)
    name = _name(signature) if signature else "0x" + selector.hex()
    known = known_spender(to)
    where = f"{known} ({short_address(to)})" if known else to
    summary = f"call {name} on {where}"
    if value:
        summary += f" sending {eth_text(value)}"
    return Decoded(
        {
            "kind": "contract-call",
            "summary": summary,
            "from": sender,
            "contract": to,
            "function": signature or name,
            "functionName": name if signature else None,
            "knownContract": known,
            "value": str(value),
            "eth": token_amount(value, ETH_DECIMALS),
        },
        # A payable call to an unknown contract hands it the ETH.
        [to] if value and not known else [],
    )


def _hex_bytes(value: Any) -> bytes:
    if not isinstance(value, str) or not value.lower().startswith("0x"):
        return b""
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        return b""


# ---- messages -----------------------------------------------------------------------------


def message_text(value: Any) -> tuple[str | None, bytes]:
    """A ``personal_sign`` / ``eth_sign`` payload as (text when it is readable UTF-8, bytes).

    >>> message_text("0x48656c6c6f")
    ('Hello', b'Hello')
    >>> message_text("0x" + "00" * 32)[0] is None
    True
    """
    if not isinstance(value, str):
        return None, b""
    raw = _hex_bytes(value)
    if not raw:  # plain text (or "0x…" that is not hex)
        return value, value.encode()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, raw
    printable = all(c.isprintable() or c in "\n\r\t" for c in text)
    return (text, raw) if printable and text.strip() else (None, raw)


def _is_siwe(text: str) -> bool:
    head = text.lower()
    return "wants you to sign in with your ethereum account" in head or head.startswith(
        ("sign in to", "sign in with", "welcome to", "login to", "log in to")
    )


def decode_personal_sign(params: Any, account: str | None) -> Decoded:
    """``personal_sign``: [message, address] (some dApps swap the two)."""
    items = params if isinstance(params, list) else [params]
    message = items[0] if items else None
    if len(items) > 1 and checksum(items[0]) and not checksum(items[1]):
        message = items[1]
    text, raw = message_text(message)
    if text is None:
        return Decoded(
            {
                "kind": "blind-signature",
                "method": "personal_sign",
                "summary": f"sign {len(raw)} raw bytes that are not readable text",
                "hex": "0x" + raw.hex(),
                "bytes": len(raw),
                "hash": len(raw) == 32,
            }
        )
    siwe = _is_siwe(text)
    first = text.strip().splitlines()[0][:80]
    return Decoded(
        {
            "kind": "sign-in" if siwe else "message-signature",
            "method": "personal_sign",
            "summary": f"sign the message “{first}”",
            "text": text,
            "siwe": siwe,
        }
    )


def decode_eth_sign(params: Any, account: str | None) -> Decoded:
    """``eth_sign``: [address, data]; a 32-byte ``data`` is a hash, the wallet can't show what
    it stands for (a transaction, an order...): a blind signature."""
    items = params if isinstance(params, list) else [params]
    data = items[1] if len(items) > 1 else (items[0] if items else None)
    text, raw = message_text(data)
    return Decoded(
        {
            "kind": "blind-signature",
            "method": "eth_sign",
            "summary": (
                f"blind-sign the 32-byte hash 0x{raw.hex()}"
                if len(raw) == 32
                else f"blind-sign {len(raw)} bytes with eth_sign"
            ),
            "hex": "0x" + raw.hex(),
            "text": text,
            "bytes": len(raw),
            "hash": len(raw) == 32,
        }
    )


def decode_watch_asset(params: Any) -> Decoded:
    options = (params.get("options") if isinstance(params, dict) else None) or {}
    kind = params.get("type") if isinstance(params, dict) else None
    address = checksum(options.get("address"))
    return Decoded(
        {
            "kind": "watch-asset",
            "summary": f"add token {options.get('symbol') or '?'} ({address}) to the wallet",
            "type": kind,
            "address": address,
            "symbol": options.get("symbol"),
            "decimals": options.get("decimals"),
        }
    )


def decode_add_chain(params: Any) -> Decoded:
    chain = (params[0] if isinstance(params, list) and params else params) or {}
    if not isinstance(chain, dict):
        chain = {}
    chain_id = parse_int(chain.get("chainId"))
    rpc = list(chain.get("rpcUrls") or [])
    return Decoded(
        {
            "kind": "add-chain",
            "summary": f"add network {chain.get('chainName') or '?'} (chain {chain_id}) "
            f"with RPC {', '.join(rpc) or '?'}",
            "chainId": chain_id,
            "chainName": chain.get("chainName"),
            "rpcUrls": rpc,
            "nativeCurrency": chain.get("nativeCurrency"),
            "blockExplorerUrls": list(chain.get("blockExplorerUrls") or []),
        }
    )


def decode_switch_chain(params: Any) -> Decoded:
    chain = (params[0] if isinstance(params, list) and params else params) or {}
    chain_id = parse_int(chain.get("chainId")) if isinstance(chain, dict) else None
    return Decoded(
        {"kind": "switch-chain", "summary": f"switch to chain {chain_id}", "chainId": chain_id}
    )
