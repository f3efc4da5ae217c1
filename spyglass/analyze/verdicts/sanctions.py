"""Engine "sanctions": addresses on the OFAC SDN list that the page asks visitors to pay.

Reads ``report.lists.crypto_addresses`` (analyze/crypto.py), where every address found already
carries its sanction and whether it was shown as somewhere to send funds (``payment``):

- a listed address a wallet call would pay or approve: malicious, score 90;
- a listed address shown as a payment destination (a ``bitcoin:`` URI, "send", "donate",
  "deposit" wording next to it): malicious, score 70;
- a listed address merely quoted (a news story about a sanctioned hack): evidence with a low
  score, not malicious -- reporting on sanctions is not paying a sanctioned party.

Addresses that are not listed never count: donation pages and exchanges show addresses.

>>> from spyglass.models import ListedSanction
>>> entry = CryptoAddress(address="0xAb", chain="ETH", sources=["text"], payment=True,
...                       sanctioned=True, sanction=ListedSanction(name="OFAC SDN", asset="ETH"))
>>> result = judge([entry])
>>> result.malicious, result.score, result.evidence[0].reason
(True, 70, 'page shows 1 address on the OFAC SDN list as a payment destination: 0xAb (ETH)')
"""

from __future__ import annotations

from spyglass.analyze.verdicts.base import Engine, EngineResult, Evidence, Inputs
from spyglass.models import CryptoAddress

NAME = "sanctions"
SCORE_WALLET, SCORE_PAYMENT, SCORE_QUOTED = 90, 70, 20


def sanctions(inputs: Inputs) -> EngineResult:
    return judge(inputs.report.lists.crypto_addresses)


def judge(addresses: list[CryptoAddress]) -> EngineResult:
    """The engine's result for the listed addresses (see the module docstring)."""
    listed = [a for a in addresses if a.sanctioned]
    paid = [a for a in listed if "wallet" in a.sources]
    shown = [a for a in listed if a not in paid and a.payment]
    quoted = [a for a in listed if a not in paid and a not in shown]
    evidence = []
    if paid:
        evidence.append(
            _evidence(paid, "a wallet request would send funds or allowances to", "wallet")
        )
    if shown:
        evidence.append(_evidence(shown, "page shows", "payment"))
    if quoted:
        evidence.append(_evidence(quoted, "page mentions", "quoted"))
    if paid or shown:
        return EngineResult(
            engine=NAME,
            score=SCORE_WALLET if paid else SCORE_PAYMENT,
            malicious=True,
            categories=["sanctioned"],
            tags=["ofac-sdn"],
            evidence=evidence,
        )
    if quoted:
        return EngineResult(engine=NAME, score=SCORE_QUOTED, tags=["ofac-sdn"], evidence=evidence)
    return EngineResult(engine=NAME)


def _evidence(entries: list[CryptoAddress], verb: str, how: str) -> Evidence:
    count = len(entries)
    noun = "address" if count == 1 else "addresses"
    named = ", ".join(f"{e.address} ({e.chain})" for e in entries)
    tail = {
        "wallet": f"{count} {noun} on the OFAC SDN list: {named}",
        "payment": f"{count} {noun} on the OFAC SDN list as a payment destination: {named}",
        "quoted": f"{count} {noun} on the OFAC SDN list, not as a payment destination: {named}",
    }[how]
    return Evidence(
        reason=f"{verb} {tail}",
        kind=f"sanctioned-address-{how}",
        detail={
            "addresses": [
                {
                    "address": e.address,
                    "chain": e.chain,
                    "sanction": e.sanction.model_dump(by_alias=True) if e.sanction else None,
                }
                for e in entries
            ]
        },
    )


ENGINE = Engine(NAME, sanctions, needs=("lists",))
