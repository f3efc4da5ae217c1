"""Brand data, lookalike domains, brand signals and the brands engine on small pages.

The corpus pages (tests/testweb/sites/brand_sites.py) are scanned for real in
tests/analyze/verdicts/test_brands_engine.py; these tests check each rule on its own.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from importlib import resources

import pytest

from spyglass.analyze.brands.impersonation import impersonated_brands
from spyglass.analyze.brands.lookalikes import damerau_levenshtein_1, lookalikes, skeleton
from spyglass.analyze.brands.signals import page_signals, text_matches
from spyglass.analyze.verdicts import engines
from spyglass.analyze.verdicts.base import EngineResult, Inputs
from spyglass.analyze.verdicts.brands import brands_engine, credential_asks
from spyglass.models import Favicon, RawCapture, Transaction, VerdictBrand
from spyglass.refdata.brand_list import brand_info, brands, owner_of, path_digest
from tests.conftest import report_of

NOW = datetime(2026, 11, 25, tzinfo=UTC)
PASSWORD_FORM = (
    '<form action="/next.php" method="post"><input name="email" placeholder="Email">'
    '<input type="password" name="pass" placeholder="Password"><button>Log In</button></form>'
)


def icon(slug: str) -> bytes:
    return resources.files("spyglass.data.brands").joinpath(f"icons/{slug}.svg").read_bytes()


def capture(url: str, body: str, title: str = "", **fields) -> RawCapture:
    dom = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    document = Transaction(
        request_id="1", url=url, resource_type="Document", is_main_frame=True, status=200,
        mime_type="text/html",
    )  # fmt: skip
    fields.setdefault("transactions", [document])
    return RawCapture(
        url=url, final_url=url, started_at=NOW, finished_at=NOW, dom=dom, title=title, **fields
    )


def verdict(raw: RawCapture) -> EngineResult:
    return brands_engine(Inputs(report=report_of(raw), capture=raw))


def techniques(host: str) -> list[tuple[str, str]]:
    return [(m.brand, m.technique) for m in lookalikes(host)]


# --------------------------------------------------------------------------- the data


def test_bundled_brand_list() -> None:
    known = brands()
    assert len(known) >= 50
    for brand in known.values():
        assert brand.domains, brand.key
        assert brand.keywords or brand.names, brand.key
        assert brand.labels, brand.key
    verticals = {v for b in known.values() for v in b.vertical}
    assert {"bank", "webmail", "exchange", "wallet", "payment", "delivery"} <= verticals
    microsoft = known["microsoft"].domains
    assert {"microsoft.com", "live.com", "office.com", "microsoftonline.com"} <= microsoft
    assert {"outlook.com", "office365.com", "sharepoint.com"} <= microsoft


def test_logo_fingerprints_match_the_bundled_simple_icons() -> None:
    with_logos = [b for b in brands().values() if b.logos]
    assert len(with_logos) >= 40
    for brand in with_logos:
        for logo in brand.logos:
            body = icon(logo.slug)
            assert hashlib.sha256(body).hexdigest() == logo.svg_sha256
            assert logo.path_sha256 and logo.title
    files = resources.files("spyglass.data.brands")
    assert "CC0" in files.joinpath("LICENSE").read_text()
    assert "simple-icons 16.37.0" in files.joinpath("SOURCE").read_text()


def test_brand_info_for_the_combiner() -> None:
    assert brand_info("chase") == VerdictBrand(
        key="chase", name="Chase", country=["US"], vertical=["bank"]
    )
    assert brand_info("unknown-brand").name == "unknown-brand"


def test_owner_of() -> None:
    assert owner_of("login.microsoftonline.com").key == "microsoft"
    assert owner_of("www.sparkasse-koelnbonn.de").key == "sparkasse"
    assert owner_of("paypal.com.verify.test") is None
    assert owner_of("127.0.0.1") is None


# --------------------------------------------------------------------------- lookalikes


@pytest.mark.parametrize(
    ("host", "brand", "technique", "imitates"),
    [
        ("xn--pypal-4ve.test", "paypal", "homoglyph", "paypal.com"),  # Cyrillic a
        ("login.xn--micrsoft-2dg.com", "microsoft", "homoglyph", "microsoft.com"),  # Greek o
        ("xn--inbase-vqfx.io", "coinbase", "homoglyph", "coinbase.com"),  # Cyrillic c, o
        ("paypa1.com", "paypal", "typosquat", "paypal.com"),  # 1 -> l
        ("micros0ft.com", "microsoft", "typosquat", "microsoft.com"),  # 0 -> o
        ("rnicrosoft.com", "microsoft", "typosquat", "microsoft.com"),  # rn -> m
        ("coinbsae.com", "coinbase", "typosquat", "coinbase.com"),  # swapped letters
        ("binanace.com", "binance", "typosquat", "binance.com"),  # one letter added
        ("login.micros0ftonline.test", "microsoft", "typosquat", "microsoftonline.com"),
        ("paypal-secure-login.com", "paypal", "combosquat", "paypal.com"),
        ("login-microsoftonline.support", "microsoft", "combosquat", "microsoftonline.com"),
        ("metamask-wallet-restore.test", "metamask", "combosquat", "metamask.io"),
        ("paypalverify.net", "paypal", "combosquat", "paypal.com"),
        ("trustwallet-airdrop-claim.xyz", "trustwallet", "combosquat", "trustwallet.com"),
        ("secure.chase.com.verify-account.xyz", "chase", "subdomain", "chase.com"),
        ("binance.com.airdrop-claim.xyz", "binance", "subdomain", "binance.com"),
        ("paypal.test", "paypal", "tld-swap", "paypal.com"),
        ("paypal-fans.test", "paypal", "brand-in-domain", "paypal.com"),
    ],
)
def test_lookalike_techniques(host: str, brand: str, technique: str, imitates: str) -> None:
    found = [m for m in lookalikes(host) if m.brand == brand]
    assert [(m.technique, m.imitates) for m in found] == [(technique, imitates)]


def test_homoglyph_host_is_shown_in_unicode() -> None:
    (match,) = lookalikes("xn--pypal-4ve.test")
    assert match.unicode_host == "p\u0430ypal.test"
    assert match.strong and not match.needs_context


def test_no_brand_domain_or_subdomain_is_a_lookalike_of_it() -> None:
    for brand in brands().values():
        for domain in brand.domains:
            for host in (domain, f"www.{domain}", f"login.secure.{domain}"):
                assert brand.key not in [m.brand for m in lookalikes(host)], host


@pytest.mark.parametrize(
    "host",
    [
        "news.test", "email-login.com", "live-stream.com", "venom.com", "example.github.io",
        "myapp.azurewebsites.net", "www.sparkasse-hannover.de", "127.0.0.1", "bbc.co.uk",
    ],
)  # fmt: skip
def test_ordinary_hosts_are_not_lookalikes(host: str) -> None:
    assert lookalikes(host) == []


def test_common_word_brands_need_context() -> None:
    (apple,) = [m for m in lookalikes("apple-support.com") if m.brand == "apple"]
    assert apple.technique == "combosquat" and apple.needs_context
    (steam,) = lookalikes("steamcommunlty.com")
    assert (steam.brand, steam.technique, steam.needs_context) == ("steam", "typosquat", True)


def test_skeleton_and_edit_distance() -> None:
    assert skeleton("p\u0430yp\u0430l") == "paypal"
    assert skeleton("vvellsfargo") == "wellsfargo"
    assert damerau_levenshtein_1("kucoin", "kucion")
    assert not damerau_levenshtein_1("kucoin", "kucoin")


# --------------------------------------------------------------------------- page signals


def test_text_mentions() -> None:
    assert [(b.key, s) for b, _, s in text_matches("Sign in to your PayPal account")] == [
        ("paypal", True)
    ]
    assert list(text_matches("Continue with Apple")) == []
    assert list(text_matches("Enter the code from Google Authenticator")) == []
    # Common words match only capitalised, and only as weak signals.
    assert [(b.key, s) for b, _, s in text_matches("the chase is on, Chase it")] == [
        ("chase", False)
    ]
    assert [(b.key, s) for b, _, s in text_matches("Your Apple ID")] == [("apple", True)]


def test_inline_svg_logo_matches_with_other_whitespace() -> None:
    svg = icon("paypal").decode().replace(" ", "  ").replace('d="M', 'd="\n M')
    raw = capture("https://login.example/", f"<header>{svg}</header>")
    found = {(s.brand, s.kind, s.value) for s in page_signals(report_of(raw), raw) if s.strong}
    assert found == {("paypal", "logo", "PayPal"), ("paypal", "image", "PayPal")}  # <title>


def test_data_uri_and_loaded_logo_files() -> None:
    uri = "data:image/svg+xml;base64," + base64.b64encode(icon("netflix")).decode()
    body = icon("coinbase")
    digest = hashlib.sha256(body).hexdigest()
    logo = Transaction(
        request_id="2", url="https://kit.example/i/a1.svg", resource_type="Image", status=200,
        body_sha256=digest,
    )  # fmt: skip
    raw = capture("https://kit.example/", f'<img src="{uri}" alt="">', transactions=[logo])
    raw.blobs[digest] = body
    found = {(s.brand, s.kind, s.where) for s in page_signals(report_of(raw), raw)}
    assert ("netflix", "logo", "data: URI image") in found
    assert ("coinbase", "logo", "https://kit.example/i/a1.svg") in found


def test_favicon_by_file_hash_and_by_path_data() -> None:
    exact = icon("dropbox")
    raw = capture("https://files.example/", "<p>files</p>")
    raw.favicon = Favicon(url="https://files.example/favicon.svg", sha256=_sha(exact))
    raw.blobs[_sha(exact)] = exact
    assert [(s.brand, s.kind) for s in page_signals(report_of(raw), raw)] == [
        ("dropbox", "favicon")
    ]
    # The same icon recoloured: other bytes, the same path data.
    recoloured = exact.replace(b"<svg ", b'<svg fill="#0061FE" ')
    raw.favicon = Favicon(url="https://files.example/favicon.svg", sha256=_sha(recoloured))
    raw.blobs = {_sha(recoloured): recoloured}
    assert [(s.brand, s.kind) for s in page_signals(report_of(raw), raw)] == [
        ("dropbox", "favicon")
    ]


def test_image_alt_and_file_names() -> None:
    body = '<img src="/img/paypal-logo.png" alt="PayPal"><p>x</p>'
    raw = capture("https://kit.example/", body)
    kinds = {(s.brand, s.kind, s.strong) for s in page_signals(report_of(raw), raw)}
    assert kinds == {("paypal", "image", True), ("paypal", "filename", True)}


def test_links_and_sso_buttons_point_at_brands_not_from_them() -> None:
    body = (
        f'<div class="box">{PASSWORD_FORM}'
        f'<button type="button">{icon("google").decode()} Sign in with Google</button>'
        '<a href="https://www.facebook.com/ourpage"><img src="/i/facebook.png" alt="Facebook">'
        "</a><a href=/sso?option=Twitter>Twitter</a></div>"
    )
    raw = capture("https://forum.example/login", body, "Forum login")
    assert [s for s in page_signals(report_of(raw), raw) if s.strong] == []


def test_long_headline_is_a_mention() -> None:
    title = "Binance halts withdrawals for three hours after a database outage locks users out"
    raw = capture("https://news.example/a", f"<h1>{title}</h1>{PASSWORD_FORM}", title)
    assert not any(s.strong for s in page_signals(report_of(raw), raw))


# --------------------------------------------------------------------------- the engine


def test_logo_and_password_on_an_unrelated_domain() -> None:
    raw = capture("https://account-review.example/", icon("paypal").decode() + PASSWORD_FORM)
    result = verdict(raw)
    assert result.malicious and result.brands == ["paypal"]
    assert result.categories == ["phishing"]
    assert result.evidence[0].reason == (
        "page shows the PayPal logo and PayPal in its image text and asks for a password on "
        "account-review.example, which PayPal does not use"
    )
    assert [e.kind for e in result.evidence] == ["brand-impersonation", "brand-logo"]


def test_same_page_on_the_brands_own_domain() -> None:
    raw = capture("https://www.paypal.com/signin", icon("paypal").decode() + PASSWORD_FORM)
    result = verdict(raw)
    assert not result.malicious and result.evidence == []
    (match,) = impersonated_brands(report_of(raw), raw)
    assert (match.key, match.owned, match.impersonated) == ("paypal", True, False)


def test_lookalike_and_brand_title_without_a_form() -> None:
    raw = capture("https://xn--pypal-4ve.test/", "<p>Loading...</p>", "PayPal")
    result = verdict(raw)
    assert result.malicious and result.brands == ["paypal"]
    assert {e.kind for e in result.evidence} == {"brand-impersonation", "lookalike-homoglyph"}
    assert result.evidence[-1].reason == (
        "domain xn--pypal-4ve.test (p\u0430ypal.test) imitates paypal.com "
        "(homoglyph: look-alike characters)"
    )


def test_lookalike_without_the_brand_is_recorded_not_judged() -> None:
    result = verdict(capture("https://paypal-secure-login.com/", "<p>Parked</p>", "Parked"))
    assert not result.malicious and result.score == 40
    assert [e.kind for e in result.evidence] == ["lookalike-combosquat"]


def test_common_word_brand_on_text_alone_is_not_impersonation() -> None:
    recipes = capture("https://apple-support.test/", "<p>Apple pie</p>", "Fresh Apple recipes")
    assert not verdict(recipes).malicious
    chase = capture("https://club.example/", f"<h2>Chase the dream</h2>{PASSWORD_FORM}")
    assert verdict(chase).evidence == []
    apple_id = capture("https://apple-support.test/", f"<h2>Apple ID</h2>{PASSWORD_FORM}")
    assert verdict(apple_id).brands == ["apple"]


def test_card_network_logos_on_a_checkout_are_not_impersonation() -> None:
    logos = "".join(f'<img src="/img/{n}.svg" alt="{n.title()}">' for n in ("visa", "mastercard"))
    card = '<input name="cardnumber" placeholder="Card number"><input name="cvc">'
    raw = capture("https://shop.example/checkout", f"<form>{logos}{card}</form>", "Checkout")
    assert not verdict(raw).malicious


def test_news_mentioning_brands() -> None:
    raw = capture(
        "https://news.example/tech",
        "<article><p>Microsoft and Google said on Monday that Outlook and Gmail...</p></article>",
        "Microsoft and Google report an outage of Outlook and Gmail for several hours",
    )
    result = verdict(raw)
    assert not result.malicious and result.score == 0


def test_credential_asks() -> None:
    grid = "".join(f'<input type="text" name="w{i}">' for i in range(12))
    raw = capture("https://x.example/", f"<div>{grid}</div>")
    assert credential_asks(raw) == ["a wallet recovery phrase"]
    raw = capture("https://x.example/", '<textarea placeholder="Private key"></textarea>')
    assert credential_asks(raw) == ["a wallet recovery phrase"]


def test_engine_is_registered() -> None:
    assert brands_engine in [engine.run for engine in engines()]


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def test_path_digest_ignores_whitespace_only() -> None:
    assert path_digest("M1 2L3 4") != path_digest("M1 2L3 5")


def test_brand_on_a_hosting_service_of_another_brand() -> None:
    """sites.google.com serves anyone's pages: PayPal there is judged, Google is left out."""
    body = icon("paypal").decode() + PASSWORD_FORM + "<footer>Google Sites</footer>"
    raw = capture("https://sites.google.com/view/paypal-resolution", body, "PayPal")
    result = verdict(raw)
    assert result.malicious and result.brands == ["paypal"]
    form = capture(
        "https://docs.google.com/forms/d/e/1FAIpQL/viewform", PASSWORD_FORM, "Google Forms"
    )
    assert verdict(form).evidence == []
    # On GitHub Pages the account name is anyone's: a lookalike of PayPal, not of GitHub.
    assert techniques("paypal-help.github.io") == [("paypal", "subdomain")]
