"""The drainer engine over every drainer corpus page, scanned with the decoy wallets: the verdict,
the category, the plain-language reason and the decoded spender / operator / recipient."""

from __future__ import annotations

from typing import Any

import pytest

from spyglass.capture.browser import BrowserPool
from spyglass.capture.decoys import BALANCE_WEI, DECOY_ETH_ACCOUNT, DECOY_SOL_ACCOUNT, GAS_PRICE_WEI
from spyglass.models import ScanOptions
from tests.analyze.verdicts.conftest import CorpusReport, Scanned
from tests.conftest import report_of
from tests.testweb import TestWeb
from tests.testweb.sites.drainers import (
    ATTACKERS,
    CORPUS,
    ETH_SIGN_HASH,
    SOLANA_BALANCE_LAMPORTS,
    SOLANA_FEE_LAMPORTS,
    SPL_TOKEN_ACCOUNTS,
)

USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
USDT = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
WETH = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
DAI = "0x6B175474E89094C44Da98b954EedeAC495271d0F"
BAYC = "0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D"
AZUKI = "0xED5AF388653567Af2F388E6224dC7C4b3241C544"
UNIV2 = "0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D"
MAX_UINT = 2**256 - 1
TOKEN_BALANCE = 1_250_000 * 10**18  # what the decoy answers balanceOf() with


def engine_verdict(scanned: Scanned) -> dict[str, Any]:
    """The engine's result as the document has it."""
    verdicts = scanned.report.verdicts.engines.verdicts
    return next(v for v in verdicts if v.engine == "drainer").model_dump(mode="json")


def intents(scanned: Scanned, kind: str) -> list[dict[str, Any]]:
    calls = scanned.report.wallet.calls
    return [c.intent for c in calls if c.intent and c.intent["kind"] == kind]


async def drained(corpus_report: CorpusReport, name: str) -> tuple[Scanned, dict[str, Any]]:
    scanned = await corpus_report(name)
    verdict = engine_verdict(scanned)
    assert verdict["malicious"], (name, scanned.report.wallet, scanned.capture.clicked)
    assert verdict["categories"] == ["crypto-drainer"]
    assert verdict["score"] >= 90
    assert "crypto-drainer" in scanned.report.verdicts.overall.categories
    return scanned, verdict


def reasons(verdict: dict[str, Any]) -> list[str]:
    return [e["reason"] for e in verdict["evidence"]]


def test_every_drainer_sample_has_a_test() -> None:
    names = {sample.name for sample in CORPUS}
    tested = {
        name.removeprefix("test_").replace("_", "-")
        for name in globals()
        if name.startswith(("test_drainer_", "test_dapp_"))
    }
    assert names == tested


async def test_drainer_approve_max(corpus_report: CorpusReport) -> None:
    scanned, verdict = await drained(corpus_report, "drainer-approve-max")
    approve = intents(scanned, "erc20-approve")[0]
    assert approve["spender"] == ATTACKERS["approve"]
    assert approve["token"]["address"] == USDT and approve["token"]["symbol"] == "USDT"
    assert approve["amount"] == str(MAX_UINT) and approve["unlimited"]
    assert scanned.report.wallet.addresses == [ATTACKERS["approve"]]
    assert (
        f"asked the wallet to approve unlimited USDT (0xdAC1…1ec7) spending by "
        f"{ATTACKERS['approve']}" in reasons(verdict)
    )
    assert scanned.report.wallet.accounts["ethereum"] == DECOY_ETH_ACCOUNT
    assert scanned.report.wallet.probes >= 3  # requestAccounts, chain switch?, balanceOf


async def test_drainer_permit(corpus_report: CorpusReport) -> None:
    scanned, verdict = await drained(corpus_report, "drainer-permit")
    permit = intents(scanned, "permit")[0]
    assert permit["spender"] == ATTACKERS["permit"]
    assert permit["token"]["address"] == USDC and permit["verifyingContract"] == USDC
    assert permit["owner"] == DECOY_ETH_ACCOUNT and permit["unlimited"]
    assert permit["amount"] == str(MAX_UINT)
    assert scanned.report.wallet.addresses == [ATTACKERS["permit"]]
    assert verdict["evidence"][0]["kind"] == "permit-signature"


async def test_drainer_permit2_batch(corpus_report: CorpusReport) -> None:
    scanned, _ = await drained(corpus_report, "drainer-permit2-batch")
    permit = intents(scanned, "permit2-batch")[0]
    assert permit["spender"] == ATTACKERS["permit2"] and permit["permit2"]
    assert [t["token"]["address"] for t in permit["tokens"]] == [USDC, USDT, WETH]
    assert [t["amount"] for t in permit["tokens"]] == [str(2**160 - 1)] * 3
    assert all(t["unlimited"] for t in permit["tokens"])
    assert scanned.report.wallet.addresses == [ATTACKERS["permit2"]]


async def test_drainer_nft_approval(corpus_report: CorpusReport) -> None:
    scanned, verdict = await drained(corpus_report, "drainer-nft-approval")
    approval = intents(scanned, "nft-approval-for-all")[0]
    assert approval["operator"] == ATTACKERS["nft"] and approval["approved"] is True
    assert approval["collection"]["address"] == BAYC
    assert approval["collection"]["symbol"] == "BAYC"
    assert scanned.report.wallet.addresses == [ATTACKERS["nft"]]
    assert any("control of every BAYC" in r for r in reasons(verdict))


async def test_drainer_native_sweep(corpus_report: CorpusReport) -> None:
    scanned, verdict = await drained(corpus_report, "drainer-native-sweep")
    sweep = intents(scanned, "native-transfer")[0]
    assert sweep["to"] == ATTACKERS["sweep"]
    assert sweep["value"] == str(BALANCE_WEI - 21000 * GAS_PRICE_WEI * 2)
    assert sweep["eth"] == "42.499496"
    assert scanned.report.wallet.addresses == [ATTACKERS["sweep"]]
    assert (
        f"asked the wallet to send 42.499496 ETH, most of its balance, to {ATTACKERS['sweep']}"
        in reasons(verdict)
    )


async def test_drainer_seaport(corpus_report: CorpusReport) -> None:
    scanned, verdict = await drained(corpus_report, "drainer-seaport")
    order = intents(scanned, "seaport-order")[0]
    assert order["offerer"] == DECOY_ETH_ACCOUNT
    assert [(o["token"]["address"], o["identifier"]) for o in order["offer"]] == [
        (BAYC, "8817"),
        (AZUKI, "4666"),
    ]
    assert order["recipients"] == [ATTACKERS["seaport"]] and order["offererReceives"] == "0"
    assert scanned.report.wallet.addresses == [ATTACKERS["seaport"]]
    assert verdict["evidence"][0]["kind"] == "seaport-order"


async def test_drainer_eth_sign(corpus_report: CorpusReport) -> None:
    scanned, verdict = await drained(corpus_report, "drainer-eth-sign")
    blind = intents(scanned, "blind-signature")[0]
    assert blind["method"] == "eth_sign" and blind["hash"] and blind["hex"] == ETH_SIGN_HASH
    assert scanned.report.wallet.addresses == []  # a hash names nobody
    assert any(ETH_SIGN_HASH in r for r in reasons(verdict))
    assert scanned.capture.clicked == ["button: Connect Wallet"]


async def test_drainer_solana(corpus_report: CorpusReport) -> None:
    scanned, verdict = await drained(corpus_report, "drainer-solana")
    tx = intents(scanned, "solana-transaction")[0]
    lamports = SOLANA_BALANCE_LAMPORTS - SOLANA_FEE_LAMPORTS
    assert tx["actions"] == [
        {
            "type": "sol-transfer",
            "from": DECOY_SOL_ACCOUNT,
            "to": ATTACKERS["solana"],
            "lamports": lamports,
            "sol": "5.233995",
            "beneficiary": ATTACKERS["solana"],
            "owner": DECOY_SOL_ACCOUNT,
        }
    ]
    assert tx["feePayer"] == DECOY_SOL_ACCOUNT and tx["version"] == "legacy"
    assert scanned.report.wallet.addresses == [ATTACKERS["solana"]]
    assert [c.method for c in scanned.report.wallet.calls] == ["connect", "signTransaction"]
    assert any(f"send 5.233995 SOL to {ATTACKERS['solana']}" in r for r in reasons(verdict))


async def test_drainer_solana_spl(corpus_report: CorpusReport) -> None:
    scanned, verdict = await drained(corpus_report, "drainer-solana-spl")
    call = next(c for c in scanned.report.wallet.calls if c.method == "signAllTransactions")
    first, second = call.intent["transactions"]
    assert first["version"] == 0 and second["version"] == "legacy"
    thief = ATTACKERS["solana-spl"]
    assert first["actions"] == [
        {
            "type": "token-set-authority",
            "account": account,
            "authorityType": "AccountOwner",
            "newAuthority": thief,
            "owner": DECOY_SOL_ACCOUNT,
            "beneficiary": thief,
        }
        for account in SPL_TOKEN_ACCOUNTS
    ]
    assert second["actions"][0]["to"] == thief
    assert second["actions"][0]["lamports"] == SOLANA_BALANCE_LAMPORTS - 10000
    assert call.addresses == [thief] and scanned.report.wallet.addresses == [thief]
    assert verdict["evidence"][0]["kind"] == "solana-token-set-authority"
    assert any("hand AccountOwner authority of token account" in r for r in reasons(verdict))


async def test_drainer_click(corpus_report: CorpusReport) -> None:
    scanned, _ = await drained(corpus_report, "drainer-click")
    assert scanned.capture.clicked == [
        "button: Connect Wallet",
        "button: Browser Wallet",
        "button: Claim 69,420,000 PEPE",
    ]
    approve = intents(scanned, "erc20-approve")[0]
    assert approve["method"] == "increaseAllowance" and approve["unlimited"]
    assert approve["spender"] == ATTACKERS["click"] and approve["token"]["address"] == WETH
    assert scanned.report.wallet.addresses == [ATTACKERS["click"]]


async def test_drainer_remote_logic(corpus_report: CorpusReport) -> None:
    scanned, _ = await drained(corpus_report, "drainer-remote-logic")
    approve = intents(scanned, "erc20-approve")[0]
    assert approve["spender"] == ATTACKERS["remote"] and approve["token"]["address"] == DAI
    calls = [c for c in scanned.report.wallet.calls if c.method == "eth_sendTransaction"]
    assert calls[0].script.endswith("/npm/@web3modal/standalone@2.4.3/dist/index.min.js")
    assert "drainer-cdn.test" in calls[0].script
    assert scanned.report.wallet.addresses == [ATTACKERS["remote"]]


async def test_drainer_eip6963(corpus_report: CorpusReport) -> None:
    scanned, verdict = await drained(corpus_report, "drainer-eip6963")
    transfer = intents(scanned, "erc20-transfer")[0]
    assert transfer["to"] == ATTACKERS["eip6963"] and transfer["token"]["address"] == USDT
    assert transfer["amount"] == str(TOKEN_BALANCE)
    assert scanned.report.wallet.addresses == [ATTACKERS["eip6963"]]
    assert verdict["evidence"][0]["kind"] == "erc20-transfer-all"


@pytest.mark.parametrize("name", ["dapp-swap", "dapp-siwe"])
async def test_hard_negatives_are_not_drainers(corpus_report: CorpusReport, name: str) -> None:
    scanned = await corpus_report(name)
    verdict = engine_verdict(scanned)
    assert not verdict["malicious"] and verdict["score"] <= 0 and verdict["categories"] == []
    assert "crypto-drainer" not in scanned.report.verdicts.overall.categories


async def test_dapp_swap(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("dapp-swap")
    approve = intents(scanned, "erc20-approve")[0]
    assert approve["spender"] == UNIV2 and approve["amount"] == "250000000"
    assert not approve["unlimited"] and approve["knownSpender"] == "Uniswap V2 Router"
    assert scanned.report.wallet.addresses == [UNIV2]  # the allowance the user asked for
    swap = intents(scanned, "contract-call")[0]
    assert swap["functionName"] == "swapExactTokensForTokens" and swap["contract"] == UNIV2
    assert not engine_verdict(scanned)["malicious"]


async def test_dapp_siwe(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("dapp-siwe")
    sign_in = intents(scanned, "sign-in")[0]
    assert sign_in["siwe"] and sign_in["text"].startswith("guildhub.test")
    assert " wants you to sign in with your Ethereum account:\n" in sign_in["text"]
    assert scanned.report.wallet.addresses == []
    assert not engine_verdict(scanned)["malicious"]


async def test_without_the_decoy_the_kit_shows_nothing(pool: BrowserPool, web: TestWeb) -> None:
    """The verdict comes from what the kit asked the decoy: with the decoy off, a drainer that
    connects on load finds no wallet, asks nothing, and the engine has nothing to say."""
    capture = await pool.capture(
        web.url("arb-airdrop.test", "/", https=True), ScanOptions(decoy=False)
    )
    report = report_of(capture)
    assert capture.wallet_calls == [] and capture.decoy_accounts == {}
    assert report.wallet.empty and report.to_json_dict()["wallet"] == {}
    assert not engine_verdict(Scanned(CORPUS[0], capture, report))["malicious"]
