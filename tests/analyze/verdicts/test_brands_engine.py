"""The brands engine over the corpus: each brand page and kit scanned for real.

Kits (tests/testweb/sites/brand_sites.py) must be malicious with the exact brand keys and
evidence kinds; the brands' own pages and the news article must give no verdict. Every other
benign sample of the corpus (saved real pages, other engineers' hard negatives) must not get a
brands verdict either.
"""

from __future__ import annotations

import pytest

from spyglass.analyze.brands.impersonation import impersonated_brands
from spyglass.analyze.verdicts.base import EngineResult, Inputs
from spyglass.analyze.verdicts.brands import brands_engine
from tests.analyze.verdicts.conftest import CorpusReport, Scanned
from tests.testweb.corpus import samples

# name -> (brand keys, evidence kinds) the engine must give; all malicious, category phishing.
KITS: dict[str, tuple[list[str], set[str]]] = {
    "phish-brand-homoglyph-paypal": (
        ["paypal"],
        {"brand-impersonation", "brand-logo", "lookalike-homoglyph"},
    ),
    "phish-brand-typosquat-microsoft": (
        ["microsoft"],
        {"brand-impersonation", "lookalike-typosquat"},
    ),
    "phish-brand-combosquat-paypal": (
        ["paypal"],
        {"brand-impersonation", "brand-logo", "lookalike-combosquat"},
    ),
    "phish-brand-logo-netflix": (["netflix"], {"brand-impersonation", "brand-logo"}),
    "phish-brand-favicon-dropbox": (["dropbox"], {"brand-impersonation", "brand-favicon"}),
}

# Exact reasons for two kits: what an analyst reads on the report page.
REASONS = {
    "phish-brand-homoglyph-paypal": [
        "page shows the PayPal logo and PayPal in its title and sign-in box and asks for a password"
        " on xn--pypal-4ve.test, which PayPal does not use",
        "domain xn--pypal-4ve.test (p\u0430ypal.test) imitates paypal.com"
        " (homoglyph: look-alike characters)",
    ],
    "phish-brand-favicon-dropbox": [
        "page shows the Dropbox icon as its favicon and asks for a password on"
        " docs-fileshare-view.test, which Dropbox does not use",
    ],
}

OWN_PAGES = {
    "benign-brand-paypal-own": "paypal",
    "benign-brand-microsoft-own": "microsoft",
    "benign-brand-coinbase-own": "coinbase",
    "benign-brand-metamask-own": "metamask",
}


def run(scanned: Scanned) -> EngineResult:
    return brands_engine(Inputs(report=scanned.report, capture=scanned.capture))


@pytest.mark.parametrize("name", sorted(KITS))
async def test_kit_is_brand_impersonation(corpus_report: CorpusReport, name: str) -> None:
    scanned = await corpus_report(name)
    assert scanned.sample.label == "phishing"
    result = run(scanned)
    keys, kinds = KITS[name]
    assert result.malicious, result
    assert result.categories == ["phishing"]
    assert result.brands == keys
    assert {e.kind for e in result.evidence} == kinds
    assert result.score >= 85
    for reason in REASONS.get(name, []):
        assert reason in [e.reason for e in result.evidence]
    # The report's combined verdict carries the brand too (engine registered).
    assert keys[0] in scanned.report.verdicts.overall.brands


async def test_logo_and_favicon_evidence_name_the_file(corpus_report: CorpusReport) -> None:
    homoglyph = run(await corpus_report("phish-brand-homoglyph-paypal"))
    logo = next(e for e in homoglyph.evidence if e.kind == "brand-logo")
    assert logo.detail["where"].endswith("/assets/img/paypal-logo.svg")
    assert logo.detail["title"] == "PayPal"
    favicon = run(await corpus_report("phish-brand-favicon-dropbox"))
    icon = next(e for e in favicon.evidence if e.kind == "brand-favicon")
    assert icon.detail["where"].endswith("/static/images/favicon.svg")


async def test_combosquat_card_page_does_not_blame_card_networks(
    corpus_report: CorpusReport,
) -> None:
    """Visa/Mastercard/Amex logos sit next to the card fields: shown, but not impersonated."""
    scanned = await corpus_report("phish-brand-combosquat-paypal")
    matches = {m.key: m for m in impersonated_brands(scanned.report, scanned.capture)}
    assert {"visa", "mastercard", "amex"} <= set(matches)
    assert run(scanned).brands == ["paypal"]
    impersonation = next(e for e in run(scanned).evidence if e.kind == "brand-impersonation")
    assert impersonation.detail["asks"] == ["card details"]


@pytest.mark.parametrize("name", sorted(OWN_PAGES))
async def test_brand_on_its_own_domain(corpus_report: CorpusReport, name: str) -> None:
    scanned = await corpus_report(name)
    assert scanned.sample.hard_negative
    result = run(scanned)
    assert not result.malicious and result.score == 0 and result.evidence == []
    matches = impersonated_brands(scanned.report, scanned.capture)
    assert [(m.key, m.owned) for m in matches] == [(OWN_PAGES[name], True)]


async def test_news_about_a_brand_is_not_impersonation(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("benign-brand-news-mentions")
    result = run(scanned)
    assert not result.malicious and result.score == 0
    assert impersonated_brands(scanned.report, scanned.capture) == []


BENIGN = [s.name for s in samples() if s.label == "benign"]


@pytest.mark.parametrize("name", BENIGN)
async def test_no_benign_sample_gets_a_brands_verdict(
    corpus_report: CorpusReport, name: str
) -> None:
    result = run(await corpus_report(name))
    assert not result.malicious, [e.reason for e in result.evidence]
