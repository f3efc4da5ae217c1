"""Engine "sanctions": unit cases, the crypto corpus pages (news and donation: hard negatives,
exact address lists), the giveaway scam on a sanctioned address and the exchange "migration"
that makes the wallet pay one (scanned directly: not in the corpus, see
tests/testweb/sites/crypto_pages.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from spyglass.analyze.detect.crypto import add_crypto_addresses
from spyglass.analyze.verdicts.base import EngineResult, Inputs
from spyglass.analyze.verdicts.sanctions import judge, sanctions
from spyglass.capture.browser import BrowserPool
from spyglass.models import (
    CryptoAddress,
    ListedSanction,
    RawCapture,
    Report,
    Task,
    Wallet,
    WalletRequest,
)
from tests.analyze.verdicts.conftest import CorpusReport
from tests.conftest import report_of
from tests.testweb import TestWeb
from tests.testweb.sites.crypto_pages import MIGRATE_TO_PARTS

RONIN = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"  # on the SDN list since April 2022
DOUBLER = "0x1967D8Af5Bd86A497fb3DD7899A020e47560dAAF"  # listed in lower case
SDN_DATE = "2025-11-19"
NOW = datetime(2025, 11, 21, tzinfo=UTC)
TASK = Task(uuid="u", time="2025-11-21T00:00:00.000Z", url="https://x.test/")


def entry(address: str, sources: list[str], payment: bool, sanctioned: bool) -> CryptoAddress:
    sanction = ListedSanction(name="OFAC SDN", asset="ETH", assets=["ETH"], date=SDN_DATE)
    return CryptoAddress(
        address=address,
        chain="ETH",
        sources=sources,
        payment=payment,
        sanctioned=sanctioned,
        sanction=sanction if sanctioned else None,
    )


def engine_result(report: Report) -> dict[str, Any]:
    """The engine's result as the document has it."""
    (found,) = [v for v in report.verdicts.engines.verdicts if v.engine == "sanctions"]
    return found.model_dump(mode="json")


def listed(report: Report) -> list[tuple[str, str, list[str], bool, bool]]:
    return [
        (a.address, a.chain, a.sources, a.payment, a.sanctioned)
        for a in report.lists.crypto_addresses
    ]


# ---------------------------------------------------------------------------- unit


def test_wallet_recipient_on_the_list() -> None:
    result = judge([entry(RONIN, ["text", "wallet"], True, True)])
    assert (result.malicious, result.score, result.categories) == (True, 90, ["sanctioned"])
    assert [e.reason for e in result.evidence] == [
        "a wallet request would send funds or allowances to 1 address on the OFAC SDN list: "
        f"{RONIN} (ETH)"
    ]
    assert result.evidence[0].kind == "sanctioned-address-wallet"
    assert result.evidence[0].detail["addresses"][0]["sanction"]["date"] == SDN_DATE


def test_payment_target_on_the_list() -> None:
    other = "0x" + "1" * 40
    result = judge([entry(RONIN, ["text"], True, True), entry(other, ["text"], True, True)])
    assert (result.malicious, result.score, result.categories) == (True, 70, ["sanctioned"])
    assert [e.reason for e in result.evidence] == [
        "page shows 2 addresses on the OFAC SDN list as a payment destination: "
        f"{RONIN} (ETH), {other} (ETH)"
    ]


def test_quoted_address_is_evidence_not_a_verdict() -> None:
    result = judge([entry(RONIN, ["text", "dom"], False, True)])
    assert (result.malicious, result.score, result.categories) == (False, 20, [])
    assert [e.reason for e in result.evidence] == [
        f"page mentions 1 address on the OFAC SDN list, not as a payment destination: {RONIN} (ETH)"
    ]


def test_unlisted_addresses_say_nothing() -> None:
    result = judge([entry(RONIN, ["wallet"], True, False), entry(RONIN, ["text"], True, False)])
    assert result == EngineResult(engine="sanctions")
    assert judge([]) == EngineResult(engine="sanctions")


def test_engine_reads_the_report_list() -> None:
    report = Report(task=TASK, page={"url": "https://x.test/"}, data={}, lists={})
    report.lists.crypto_addresses = [entry(RONIN, ["dom"], True, True)]
    capture = RawCapture(url="https://x.test/", started_at=NOW, finished_at=NOW)
    result = sanctions(Inputs(report=report, capture=capture))
    assert result.malicious and result.score == 70


# ---------------------------------------------------------------------------- corpus pages


async def test_news_story_quoting_a_sanctioned_address(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("crypto-news-addresses")
    report = scanned.report
    both = ["text", "dom"]
    assert listed(report) == [
        (RONIN, "ETH", both, False, True),
        ("0xC8723e9C00e6a2AE3751daCd477311e20B454607", "ETH", both, False, False),
        ("bc1qex7he7dft9ynt9u3y6hzmkl3rnfe3dpz3unf88", "BTC", both, False, False),
        ("1HLjnBDUz9eSDrAGh7dVsQMWM1iLJ78ugo", "BTC", both, False, False),
        ("TJCSmHoUd8YvUHWfsvFwH8qb3icKYc4qWM", "TRON", both, False, False),
        ("BuBNLPJGWjwxfzVRrpbLcGR4d8EfM9HtQza1yHxZFeMF", "SOL", both, False, False),
        ("0xdAC17F958D2ee523a2206206994597C13D831ec7", "ETH", ["script"], False, False),
        ("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "ETH", ["script"], False, False),
    ]
    assert report.to_json_dict()["lists"]["cryptoAddresses"][0]["sanction"] == {
        "list": "OFAC SDN",
        "asset": "ETH",
        "assets": ["ETH"],
        "date": SDN_DATE,
    }
    result = engine_result(report)
    assert (result["malicious"], result["score"]) == (False, 20)
    assert [e["kind"] for e in result["evidence"]] == ["sanctioned-address-quoted"]
    assert report.verdicts.overall.malicious is False
    assert "sanctioned" not in report.verdicts.overall.categories
    indexed = report.to_json_dict()["lists"]["cryptoAddresses"]
    assert [a["address"] for a in indexed][:2] == [
        RONIN,
        "0xC8723e9C00e6a2AE3751daCd477311e20B454607",
    ]


async def test_donation_page(corpus_report: CorpusReport) -> None:
    report = (await corpus_report("crypto-donation-page")).report
    both = ["text", "dom"]
    xmr = (
        "41fsN3esf4MRm3AKygNqAp9f66dKcosxFAFekhpRuFQC8JtmgSyRDfgSU8XiUkJg77SE7JyJwyqu7hkFsM2Eex"
        "TFUJ36KHS"
    )
    assert listed(report) == [
        ("bc1qwkhv0fy3jla2zsjlwj2wddh65ga90fmel0pfhk", "BTC", both, True, False),
        (xmr, "XMR", both, True, False),
        ("0x414448b747a694eC3AB203D2eF33328eEf9e6FcD", "ETH", both, True, False),
    ]
    assert engine_result(report) == EngineResult(engine="sanctions").model_dump(mode="json")
    assert report.verdicts.overall.malicious is False


# ---------------------------------------------------------------------------- the giveaway scam


async def test_giveaway_asking_for_eth_at_a_sanctioned_address(
    pool: BrowserPool, web: TestWeb
) -> None:
    capture = await pool.capture(web.url("eth-doubler.test", "/", https=True))
    report = report_of(capture)
    assert listed(report) == [
        (DOUBLER, "ETH", ["text", "dom"], True, True),
        ("0x5e65e234fc08BB91fdFe4B2DCCF3E209596e7903", "ETH", ["dom"], False, False),
        ("0x6513aeCeb6BB021bB7a1cA963A56AfC4205A8773", "ETH", ["dom"], False, False),
        ("0x6c51674537cC05681dFec4ea77478a9FeA197EC1", "ETH", ["dom"], False, False),
    ]
    result = engine_result(report)
    assert (result["malicious"], result["score"], result["categories"]) == (
        True,
        70,
        ["sanctioned"],
    )
    reason = f"page shows 1 address on the OFAC SDN list as a payment destination: {DOUBLER} (ETH)"
    assert [e["reason"] for e in result["evidence"]] == [reason]
    overall = report.verdicts.overall
    assert overall.malicious is True and "sanctioned" in overall.categories
    assert reason in report.verdicts.spyglass.reasons


async def test_wallet_call_paying_a_sanctioned_address(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("exchange-migrate.test", "/", https=True))
    report = report_of(capture)
    receiver = "".join(MIGRATE_TO_PARTS)
    assert [c.method for c in capture.wallet_calls][-1] == "eth_sendTransaction"
    assert listed(report) == [(receiver, "ETH", ["wallet"], True, True)]
    result = engine_result(report)
    assert (result["malicious"], result["score"], result["categories"]) == (
        True,
        90,
        ["sanctioned"],
    )
    assert [e["reason"] for e in result["evidence"]] == [
        "a wallet request would send funds or allowances to 1 address on the OFAC SDN list: "
        f"{receiver} (ETH)"
    ]
    assert report.verdicts.overall.score >= 90


def test_wallet_recipient_end_to_end_without_a_browser() -> None:
    report = Report(task=TASK, page={"url": "https://x.test/"}, data={}, lists={})
    report.wallet = Wallet(
        calls=[WalletRequest(provider="ethereum", method="x", addresses=[RONIN.lower()])],
        addresses=[RONIN.lower()],
    )
    capture = RawCapture(url="https://x.test/", started_at=NOW, finished_at=NOW)
    add_crypto_addresses(report, capture)  # the bundled list
    assert listed(report) == [(RONIN, "ETH", ["wallet"], True, True)]
    result = sanctions(Inputs(report=report, capture=capture))
    assert (result.malicious, result.score) == (True, 90)
