"""Engine "drainer": did the page ask the decoy wallet for something that hands over the
victim's funds?

Reads ``report.wallet`` (analyze/wallet.py). Malicious, category ``crypto-drainer``, when a
request would: approve an unlimited (or absurdly large) ERC-20 allowance to a spender that is
not a known router; give an operator control of a whole NFT collection; sign a Permit or
Permit2 allowance or a Seaport order that pays the victim's assets to someone else; send most
of the balance away; blind-sign a raw hash with ``eth_sign``; move tokens out of the victim with
``transferFrom``; or sign a Solana transaction that moves the decoy's lamports or tokens, or
hands a token account's authority, to another account. Connecting, "Sign in with Ethereum"
messages and exact-amount approvals to known routers are what honest dApps ask: noted, never
scored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spyglass.analyze.verdicts.base import Engine, EngineResult, Evidence, Inputs
from spyglass.analyze.wallet.decode import build_wallet
from spyglass.refdata.tokens import checksum, known_spender, short_address

NAME = "drainer"
CATEGORY = "crypto-drainer"
MALICIOUS_SCORE = 95
# What the decoy answers eth_getBalance and balanceOf() with (spyglass/capture/decoys.py
# BALANCE_WEI and TOKEN_BALANCE; a test keeps them equal): sending half the ETH or more is a
# sweep, and an allowance or transfer of half the reported token balance or more is "all of it".
DEFAULT_BALANCE_WEI = 42_500_000_000_000_000_000
DECOY_TOKEN_BALANCE = 1_250_000 * 10**18
# An allowance of a billion whole tokens is not an amount a user typed into a swap box.
HUGE_WHOLE_TOKENS = 10**9

Finding = tuple[int, str, str] | None  # (score, reason, kind); score >= MALICIOUS_SCORE: drain


def drainer(inputs: Inputs) -> EngineResult:
    wallet = inputs.report.wallet
    if wallet.empty:  # an engine run on a report built without its wallet section
        wallet = build_wallet(inputs.capture)
    balance = DEFAULT_BALANCE_WEI
    evidence: list[Evidence] = []
    scores: list[int] = []
    for index, call in enumerate(wallet.calls):
        intent = call.intent
        if not intent:
            continue
        account = wallet.accounts.get(call.provider)
        judge = _JUDGES.get(intent.get("kind", ""))
        found = judge(intent, account, balance) if judge else None
        if found is None:
            continue
        score, reason, kind = found
        if any(e.reason == reason for e in evidence):
            continue  # the same request again (kits retry, or the lure was clicked twice)
        scores.append(score)
        evidence.append(
            Evidence(
                reason=reason,
                kind=kind,
                detail={
                    "call": index,
                    "method": call.method,
                    "summary": intent.get("summary"),
                    "addresses": call.addresses,
                },
            )
        )
    drains = [s for s in scores if s >= MALICIOUS_SCORE]
    score = max(scores, default=0)
    if len(drains) > 1:
        score = 100
    malicious = bool(drains)
    telling = [e for e, s in zip(evidence, scores, strict=True) if s > 0]
    return EngineResult(
        engine=NAME,
        score=max(score, 0),
        malicious=malicious,
        categories=[CATEGORY] if malicious else [],
        tags=(["decoy-wallet"] if telling else []) + list(dict.fromkeys(e.kind for e in telling)),
        # Benign notes (connect, sign-in) are kept only when nothing is suspicious, so that the
        # report page still says what the page asked for.
        evidence=telling or evidence,
    )


# ---- one judge per intent kind -------------------------------------------------------------


def _approve(intent: dict, account: str | None, balance: int) -> Finding:
    spender = intent["spender"]
    token = intent["token"]
    what = _token_name(token)
    known = known_spender(spender)
    amount = int(intent["amount"])
    if known:
        how = "unlimited" if intent["unlimited"] else f"{intent['amountText']}"
        return 0, f"asked to approve {how} {what} for {known} ({spender})", "approve-known-router"
    if intent["unlimited"] or _huge(amount, token.get("decimals")):
        how = (
            "unlimited"
            if intent["unlimited"]
            else f"{intent['amountText']} (more than anyone holds)"
        )
        return (
            MALICIOUS_SCORE,
            f"asked the wallet to approve {how} {what} spending by {spender}",
            "erc20-approve-unlimited",
        )
    return (
        40,
        f"asked the wallet to approve {intent['amountText']} {what} spending by {spender}, "
        "which is not a known exchange",
        "erc20-approve-unknown-spender",
    )


def _transfer(intent: dict, account: str | None, balance: int) -> Finding:
    to, token = intent["to"], intent["token"]
    amount = int(intent["amount"])
    if _huge(amount, token.get("decimals")):
        return (
            MALICIOUS_SCORE,
            f"asked the wallet to transfer {intent['amountText']} {_token_name(token)}, the whole "
            f"balance the wallet reported, to {to}",
            "erc20-transfer-all",
        )
    return (
        30,
        f"asked the wallet to transfer {intent['amountText']} {_token_name(token)} to {to}",
        "erc20-transfer",
    )


def _transfer_from(intent: dict, account: str | None, balance: int) -> Finding:
    source, to = intent["from"], intent["to"]
    victim = checksum(account)
    if victim and source == victim and to != victim:
        what = (
            f"{intent['amountText']} {_token_name(intent['token'])}"
            if intent["kind"] == "erc20-transfer-from"
            else _nft_name(intent)
        )
        return (
            MALICIOUS_SCORE,
            f"asked the wallet to move {what} out of the victim's account to {to}",
            intent["kind"],
        )
    return 30, f"asked the wallet to {intent['summary']}", intent["kind"]


def _approval_for_all(intent: dict, account: str | None, balance: int) -> Finding:
    operator = intent["operator"]
    name = _token_name(intent["collection"])
    if not intent["approved"]:
        return 0, f"asked to revoke {operator}'s control of {name}", "nft-revoke"
    known = known_spender(operator)
    if known:
        return 0, f"asked to let {known} ({operator}) trade {name} NFTs", "nft-approval-known"
    return (
        MALICIOUS_SCORE,
        f"asked the wallet to give {operator} control of every {name} NFT (setApprovalForAll)",
        "nft-approval-for-all",
    )


def _nft_approve(intent: dict, account: str | None, balance: int) -> Finding:
    operator = intent["operator"]
    if known_spender(operator):
        return None
    return (
        50,
        f"asked the wallet to approve {operator} to take NFT #{intent['tokenId']} of "
        f"{_token_name(intent['collection'])}",
        "nft-approve",
    )


def _permit(intent: dict, account: str | None, balance: int) -> Finding:
    spender = intent["spender"]
    known = known_spender(spender)
    what = _token_name(intent["token"])
    how = "unlimited" if intent["unlimited"] else intent["amountText"]
    if known:
        return 0, f"asked to sign a Permit for {how} {what} to {known}", "permit-known"
    return (
        MALICIOUS_SCORE,
        f"asked the wallet to sign a Permit letting {spender} spend {how} {what} "
        "(an off-chain approval)",
        "permit-signature",
    )


def _permit2(intent: dict, account: str | None, balance: int) -> Finding:
    spender = intent["spender"]
    tokens = ", ".join(
        f"{'unlimited' if t['unlimited'] else t['amountText']} {_token_name(t['token'])}"
        for t in intent["tokens"]
    )
    known = known_spender(spender)
    if known:
        return 0, f"asked to sign a Permit2 allowance of {tokens} for {known}", "permit2-known"
    return (
        MALICIOUS_SCORE,
        f"asked the wallet to sign a Permit2 allowance letting {spender} spend {tokens}",
        "permit2-signature",
    )


def _seaport(intent: dict, account: str | None, balance: int) -> Finding:
    offer = intent["offer"]
    recipients = intent["recipients"]
    if not offer or not recipients:
        return None
    back = int(intent["offererReceives"])
    paid_others = sum(
        int(c["amount"])
        for c in intent["consideration"]
        if c.get("recipient") in recipients and c["itemType"] in ("native", "erc20")
    )
    gives = ", ".join(item["text"] for item in offer)
    if back == 0 or back < paid_others:
        return (
            MALICIOUS_SCORE,
            f"asked the wallet to sign a Seaport order giving away {gives} for "
            f"{'nothing' if back == 0 else 'less than the fees'}, paid to "
            f"{', '.join(recipients)}",
            "seaport-order",
        )
    return 0, f"asked to sign a Seaport listing of {gives}", "seaport-listing"


def _native(intent: dict, account: str | None, balance: int) -> Finding:
    value = int(intent.get("value") or 0)
    to = intent.get("to") or intent.get("contract")
    if not value or known_spender(to):
        return None
    eth = intent.get("eth")
    if value * 2 >= balance:
        return (
            MALICIOUS_SCORE,
            f"asked the wallet to send {eth} ETH, most of its balance, to {to}",
            "native-sweep",
        )
    return 20, f"asked the wallet to send {eth} ETH to {to}", "native-transfer"


def _blind(intent: dict, account: str | None, balance: int) -> Finding:
    if intent.get("method") == "eth_sign" and intent.get("hash"):
        return (
            MALICIOUS_SCORE,
            f"asked the wallet to blind-sign the raw hash {intent['hex']} with eth_sign "
            "(it could be any transaction or order)",
            "eth-sign-hash",
        )
    return (
        50,
        f"asked the wallet to sign {intent.get('bytes')} unreadable bytes "
        f"with {intent.get('method')}",
        "blind-signature",
    )


def _solana(intent: dict, account: str | None, balance: int) -> Finding:
    drains = [
        a
        for a in intent.get("actions") or []
        if a.get("beneficiary")
        and a.get("beneficiary") != account
        and (account is None or a.get("owner") == account)
    ]
    if not drains:
        return None
    return (
        MALICIOUS_SCORE,
        "asked the Solana wallet to sign a transaction that would "
        + "; ".join(_solana_action(a) for a in drains),
        "solana-" + drains[0]["type"],
    )


def _solana_action(action: dict) -> str:
    kind = action["type"]
    if kind == "sol-transfer":
        return f"send {action['sol']} SOL to {action['to']}"
    if kind == "token-transfer":
        return f"move {action['amount']} token units to {action['to']}"
    if kind == "token-approve":
        return f"let {action['delegate']} spend {action['amount']} token units"
    if kind == "token-set-authority":
        return (
            f"hand {action['authorityType']} authority of token account "
            f"{action['account']} to {action['newAuthority']}"
        )
    if kind == "token-close":
        return f"close token account {action['account']} sending its balance to {action['to']}"
    return f"reassign {action['account']} to {action['newOwner']}"


def _note(what: str) -> Callable[[dict, str | None, int], Finding]:
    def note(intent: dict, account: str | None, balance: int) -> Finding:
        return 0, f"asked to {what}: {intent.get('summary')}", intent["kind"]

    return note


_JUDGES: dict[str, Callable[[dict, str | None, int], Finding]] = {
    "erc20-approve": _approve,
    "erc20-transfer": _transfer,
    "erc20-transfer-from": _transfer_from,
    "nft-transfer": _transfer_from,
    "nft-approval-for-all": _approval_for_all,
    "nft-approve": _nft_approve,
    "permit": _permit,
    "permit2-single": _permit2,
    "permit2-batch": _permit2,
    "permit2-transfer-from": _permit2,
    "permit2-batch-transfer-from": _permit2,
    "seaport-order": _seaport,
    "native-transfer": _native,
    "contract-call": _native,
    "blind-signature": _blind,
    "solana-transaction": _solana,
    "connect": _note("connect"),
    "sign-in": _note("sign in"),
    "message-signature": _note("sign a message"),
}


def _huge(amount: int, decimals: Any) -> bool:
    places = decimals if isinstance(decimals, int) else 18
    return amount * 2 >= DECOY_TOKEN_BALANCE or amount >= HUGE_WHOLE_TOKENS * 10**places


def _token_name(token: dict) -> str:
    if token.get("symbol"):
        return f"{token['symbol']} ({short_address(token['address'])})"
    return f"tokens of {token['address']}"


def _nft_name(intent: dict) -> str:
    collection = intent.get("collection") or intent.get("token") or {}
    ids = intent.get("tokenIds") or [intent.get("amount")]
    return f"NFT #{', #'.join(str(i) for i in ids)} of {_token_name(collection)}"


ENGINE = Engine(NAME, drainer, needs=("wallet", "capture"))
