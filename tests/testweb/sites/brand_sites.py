"""Brand impersonation and lookalike domains (corpus), and the brands' own pages.

The test web serves any host name on loopback (each pinned; nothing leaves the machine), so the
hard negatives are the brands' pages on their real domains:

- www.paypal.com/signin: PayPal sign-in with the PayPal logo, posting to its own domain
- login.microsoftonline.com: the Microsoft sign-in ("Sign in to your account")
- www.coinbase.com/signin: Coinbase sign-in with the Coinbase logo and "Sign in with Google /
  Apple" buttons drawn with those brands' logos
- metamask.io/download: MetaMask download and safety page ("never ask for your Secret
  Recovery Phrase"), a newsletter form
- www.cryptobeat-news.test: a news article on a Binance outage naming Coinbase, Kraken, OKX,
  with the site's own subscriber sign-in box

The kits (label "phishing"):

- xn--pypal-4ve.test ("paypal" with a Cyrillic U+0430 for the first "a"): PayPal login,
  logo file paypal-logo.svg
- login.micros0ftonline.test: Microsoft 365 "Enter password" step (typosquat of
  microsoftonline.com), first try always "wrong"
- paypal-account-verify.test: "account limited" card-confirmation page, the PayPal logo as a
  data: URI, card-network logos next to the card fields
- account-billing-renew.test: Netflix "membership on hold" sign-in with the exact simple-icons
  Netflix SVG inline, on a domain without the brand's name
- docs-fileshare-view.test: "shared files" sign-in whose favicon is the Dropbox icon and
  nothing else names Dropbox
"""

from __future__ import annotations

import base64
import functools
from importlib import resources

from aiohttp import web

from tests.testweb.corpus import Sample
from tests.testweb.render import page
from tests.testweb.routes import ANY_PATH, Routes

routes = Routes()

HOMOGLYPH_PAYPAL = "xn--pypal-4ve.test"  # "p\u0430ypal.test"
VICTIM = "j.smith@contoso-corp.example"

CORPUS: list[Sample] = [
    Sample("benign-brand-paypal-own", "www.paypal.com", "/signin", hard_negative=True,
           note="PayPal sign-in with its logo on paypal.com, posting to itself"),
    Sample("benign-brand-microsoft-own", "login.microsoftonline.com",
           "/common/oauth2/v2.0/authorize?client_id=4765445b&response_type=code",
           hard_negative=True, note="Microsoft sign-in on login.microsoftonline.com"),
    Sample("benign-brand-coinbase-own", "www.coinbase.com", "/signin", hard_negative=True,
           note="Coinbase sign-in with Google/Apple SSO buttons and their logos"),
    Sample("benign-brand-metamask-own", "metamask.io", "/download", hard_negative=True,
           note="MetaMask download page warning about recovery phrases, newsletter form"),
    Sample("benign-brand-news-mentions", "www.cryptobeat-news.test",
           "/markets/2026/11/24/binance-withdrawals-outage", hard_negative=True,
           note="news on a Binance outage naming other exchanges; the site's own sign-in box"),
    Sample("phish-brand-homoglyph-paypal", HOMOGLYPH_PAYPAL, "/signin", label="phishing",
           note="PayPal login on xn--pypal-4ve (Cyrillic a), logo file paypal-logo.svg"),
    Sample("phish-brand-typosquat-microsoft", "login.micros0ftonline.test",
           "/common/reprocess", label="phishing",
           note="Microsoft 365 password step on a typosquat of microsoftonline.com"),
    Sample("phish-brand-combosquat-paypal", "paypal-account-verify.test",
           "/webapps/mpp/resolution", label="phishing",
           note="PayPal 'account limited' card form, logo as a data: URI, card-network logos"),
    Sample("phish-brand-logo-netflix", "account-billing-renew.test", "/login", label="phishing",
           note="exact simple-icons Netflix SVG inline + password form, no brand in the domain"),
    Sample("phish-brand-favicon-dropbox", "docs-fileshare-view.test", "/s/Remittance_Q4",
           label="phishing", note="the Dropbox icon as favicon + e-mail password form"),
]  # fmt: skip


@functools.cache
def icon(slug: str) -> bytes:
    """A bundled simple-icons SVG, byte for byte (its sha256 is the logo's fingerprint)."""
    folder = resources.files("spyglass.data.brands").joinpath("icons")
    return folder.joinpath(f"{slug}.svg").read_bytes()


def _svg(slug: str) -> str:
    return icon(slug).decode("utf-8")


def _serve_icon(host: str, path: str, slug: str) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=icon(slug), content_type="image/svg+xml")

    routes.route(host, path)(handler)


def _template_page(host: str, path: str, template: str, **values: str) -> None:
    async def handler(request: web.Request) -> web.Response:
        return page(request, template, **values)

    routes.route(host, path)(handler)


async def _accept(request: web.Request) -> web.Response:
    """Where the forms post: a sign-in service or a kit's mailer; takes anything."""
    await request.read()
    return web.json_response({"status": "ok"})


# ---- the brands' own pages
_template_page("www.paypal.com", "/signin", "brand-paypal-real.html", logo=_svg("paypal"))
_template_page(
    "login.microsoftonline.com", "/common/oauth2/v2.0/authorize", "brand-microsoft-real.html"
)
_template_page(
    "www.coinbase.com",
    "/signin",
    "brand-coinbase-real.html",
    logo=_svg("coinbase"),
    google=_svg("google"),
    apple=_svg("apple"),
)
_template_page("metamask.io", "/download", "brand-metamask-real.html")
_template_page(
    "www.cryptobeat-news.test",
    "/markets/2026/11/24/binance-withdrawals-outage",
    "brand-news.html",
)

# ---- the kits
_template_page(HOMOGLYPH_PAYPAL, "/signin", "brand-paypal-homoglyph.html")
_serve_icon(HOMOGLYPH_PAYPAL, "/assets/img/paypal-logo.svg", "paypal")
_template_page(
    "login.micros0ftonline.test", "/common/reprocess", "brand-o365-typo.html", victim=VICTIM
)
_template_page(
    "paypal-account-verify.test",
    "/webapps/mpp/resolution",
    "brand-paypal-combo.html",
    logo_uri="data:image/svg+xml;base64," + base64.b64encode(icon("paypal")).decode("ascii"),
)
for _slug, _name in (("visa", "visa"), ("mastercard", "mastercard"), ("americanexpress", "amex")):
    _serve_icon("paypal-account-verify.test", f"/assets/img/{_name}.svg", _slug)
_template_page(
    "account-billing-renew.test", "/login", "brand-netflix-logo.html", logo=_svg("netflix")
)
_template_page("docs-fileshare-view.test", "/s/Remittance_Q4", "brand-dropbox-favicon.html")
_serve_icon("docs-fileshare-view.test", "/static/images/favicon.svg", "dropbox")

for _host in (
    "www.paypal.com",
    "login.microsoftonline.com",
    "www.coinbase.com",
    "metamask.io",
    "www.cryptobeat-news.test",
    HOMOGLYPH_PAYPAL,
    "login.micros0ftonline.test",
    "paypal-account-verify.test",
    "account-billing-renew.test",
    "docs-fileshare-view.test",
):
    routes.route(_host, ANY_PATH)(_accept)
