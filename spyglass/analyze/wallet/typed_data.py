"""What an EIP-712 typed-data signature (``eth_signTypedData_v4``) would authorise.

Drainers favour signatures over transactions: nothing is sent, no gas is paid, the wallet shows
a wall of JSON, and the attacker submits the signature later. Recognised: EIP-2612 ``Permit``
(and DAI's ``allowed`` variant), Uniswap Permit2 (``PermitSingle``, ``PermitBatch``,
``PermitTransferFrom``, ``PermitBatchTransferFrom``, and their witness forms) and Seaport
``OrderComponents``; anything else is reported by its primary type and domain.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from spyglass.analyze.wallet.evm import UNLIMITED, Decoded, amount_text, eth_text, parse_int
from spyglass.refdata.tokens import PERMIT2, checksum, token_amount, token_info, token_label

# Permit2 amounts are uint160: its maximum is what "unlimited" looks like there.
PERMIT2_UNLIMITED = 2**160 - 1
# (message, domain, verifying contract, the decoy's account) -> the intent
TypedDecoder = Callable[[dict, dict, str | None, str | None], Decoded]

SEAPORT_ITEM_TYPES = {
    0: "native",
    1: "erc20",
    2: "erc721",
    3: "erc1155",
    4: "erc721-criteria",
    5: "erc1155-criteria",
}


def typed_data(params: Any) -> dict | None:
    """The typed-data document of ``eth_signTypedData_v4`` params ([address, JSON])."""
    items = params if isinstance(params, list) else [params]
    for item in items:
        if isinstance(item, str) and item.lstrip().startswith("{"):
            try:
                item = json.loads(item)
            except ValueError:
                continue
        if isinstance(item, dict) and "message" in item:
            return item
    return None


def decode_typed_data(params: Any, account: str | None) -> Decoded | None:
    data = typed_data(params)
    if data is None:
        return None
    primary = str(data.get("primaryType") or "")
    domain: dict[str, Any] = data["domain"] if isinstance(data.get("domain"), dict) else {}
    message: dict[str, Any] = data["message"] if isinstance(data.get("message"), dict) else {}
    contract = checksum(domain.get("verifyingContract"))
    decoder = _DECODERS.get(primary)
    decoded: Decoded
    if decoder is not None and (primary != "Permit" or "spender" in message):
        decoded = decoder(message, domain, contract, account)
    else:
        decoded = Decoded(
            {
                "kind": "typed-data",
                "summary": f"sign {primary or 'typed data'} for "
                f"{domain.get('name') or '?'} ({contract or 'no contract'})",
            }
        )
    decoded.intent.update(
        primaryType=primary,
        domain={k: domain.get(k) for k in ("name", "version", "chainId") if k in domain},
        verifyingContract=contract,
    )
    return decoded


def _deadline(value: Any) -> int | None:
    return parse_int(value)


def _permit(message: dict, domain: dict, contract: str | None, account: str | None) -> Decoded:
    token = token_info(contract or "")
    if not token.get("symbol") and domain.get("name"):
        token["name"] = domain.get("name")
    spender = checksum(message.get("spender"))
    owner = checksum(message.get("owner") or message.get("holder"))
    if "allowed" in message:  # DAI: a boolean, all or nothing
        allowed = message.get("allowed") in (True, "true", 1, "1")
        value = UNLIMITED * 2 - 1 if allowed else 0
        deadline = _deadline(message.get("expiry"))
    else:
        value = parse_int(message.get("value")) or 0
        deadline = _deadline(message.get("deadline"))
    return Decoded(
        {
            "kind": "permit",
            "summary": f"sign a Permit for {amount_text(value, token)} to {spender}",
            "token": token,
            "owner": owner,
            "spender": spender,
            "amount": str(value),
            "amountText": token_amount(value, token.get("decimals")),
            "unlimited": value >= UNLIMITED,
            "deadline": deadline,
            "nonce": parse_int(message.get("nonce")),
        },
        [spender] if spender else [],
    )


def _permit2_items(details: Any, amount_key: str) -> list[dict]:
    rows = details if isinstance(details, list) else [details]
    items = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        token = token_info(row.get("token") or "")
        amount = parse_int(row.get(amount_key)) or 0
        items.append(
            {
                "token": token,
                "amount": str(amount),
                "amountText": token_amount(amount, token.get("decimals")),
                "unlimited": amount >= PERMIT2_UNLIMITED,
                "expiration": parse_int(row.get("expiration")),
                "text": (
                    f"unlimited {token_label(token)}"
                    if amount >= PERMIT2_UNLIMITED
                    else amount_text(amount, token)
                ),
            }
        )
    return items


def _permit2(kind: str, items_key: str, amount_key: str) -> TypedDecoder:
    def decode(message: dict, domain: dict, contract: str | None, account: str | None) -> Decoded:
        spender = checksum(message.get("spender"))
        items = _permit2_items(message.get(items_key), amount_key)
        what = ", ".join(item["text"] for item in items) or "no tokens"
        return Decoded(
            {
                "kind": kind,
                "summary": f"sign a Permit2 {kind.removeprefix('permit2-')} for {what} "
                f"to {spender}",
                "spender": spender,
                "tokens": items,
                "unlimited": any(item["unlimited"] for item in items),
                "deadline": _deadline(message.get("sigDeadline") or message.get("deadline")),
                "nonce": parse_int(message.get("nonce")),
                "permit2": contract == PERMIT2,
            },
            [spender] if spender else [],
        )

    return decode


def _seaport_item(row: dict) -> dict:
    item_type = parse_int(row.get("itemType"))
    kind = SEAPORT_ITEM_TYPES.get(item_type if item_type is not None else -1, "unknown")
    token = token_info(row.get("token") or "0x" + "00" * 20)
    start = parse_int(row.get("startAmount")) or 0
    end = parse_int(row.get("endAmount"))
    identifier = row.get("identifierOrCriteria")
    amount = max(start, end or 0)
    item: dict[str, Any] = {
        "itemType": kind,
        "token": token,
        "identifier": str(identifier) if identifier is not None else None,
        "amount": str(amount),
    }
    if kind == "native":
        item["text"] = eth_text(amount)
    elif kind == "erc20":
        item["text"] = amount_text(amount, token)
    elif kind.endswith("criteria"):
        item["text"] = f"any {kind.split('-')[0].upper()} of {token_label(token)}"
    else:
        item["text"] = f"{kind.upper()} #{identifier} of {token_label(token)}"
    recipient = checksum(row.get("recipient"))
    if recipient:
        item["recipient"] = recipient
    return item


def _seaport(message: dict, domain: dict, contract: str | None, account: str | None) -> Decoded:
    offerer = checksum(message.get("offerer")) or account
    offer = [_seaport_item(r) for r in message.get("offer") or [] if isinstance(r, dict)]
    consideration = [
        _seaport_item(r) for r in message.get("consideration") or [] if isinstance(r, dict)
    ]
    to_offerer = [c for c in consideration if c.get("recipient") == offerer]
    others = list(
        dict.fromkeys(
            c["recipient"]
            for c in consideration
            if c.get("recipient") and c["recipient"] != offerer
        )
    )
    returned = sum(int(c["amount"]) for c in to_offerer if c["itemType"] in ("native", "erc20"))
    gives = ", ".join(item["text"] for item in offer) or "nothing"
    receives = ", ".join(item["text"] for item in to_offerer) or "nothing"
    return Decoded(
        {
            "kind": "seaport-order",
            "summary": f"sign a Seaport order giving {gives} for {receives}; "
            f"paid to {', '.join(others) or 'nobody else'}",
            "offerer": offerer,
            "offer": offer,
            "consideration": consideration,
            "recipients": others,
            "offererReceives": str(returned),
            "zone": checksum(message.get("zone")),
        },
        others,
    )


_DECODERS: dict[str, TypedDecoder] = {
    "Permit": _permit,
    "PermitSingle": _permit2("permit2-single", "details", "amount"),
    "PermitBatch": _permit2("permit2-batch", "details", "amount"),
    "PermitTransferFrom": _permit2("permit2-transfer-from", "permitted", "amount"),
    "PermitBatchTransferFrom": _permit2("permit2-batch-transfer-from", "permitted", "amount"),
    "PermitWitnessTransferFrom": _permit2("permit2-transfer-from", "permitted", "amount"),
    "PermitBatchWitnessTransferFrom": _permit2(
        "permit2-batch-transfer-from", "permitted", "amount"
    ),
    "OrderComponents": _seaport,
}
