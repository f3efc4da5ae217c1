"""kit-a.test and kit-b.test: one phishing kit deployed twice with different text.

The same "verify your account" bank kit, rebranded for two targets: the brand words, headings,
labels and link targets differ, the markup, stylesheet, logo, favicon, captcha site key,
analytics IDs and the collector (collect.test, see phishing.py) do not -- what look-alike
pivots (DOM structure hash, screenshot pHash, favicon hashes) must tie together.
"""

import functools
import html

from aiohttp import web

from tests.testweb import media
from tests.testweb.render import page, static
from tests.testweb.routes import Routes

routes = Routes()

# The text each deployment carries, keyed by host.
COPIES: dict[str, dict[str, str]] = {
    "kit-a.test": {
        "title": "Northwind Bank | Online Banking Verification",
        "brand": "Northwind Bank",
        "brand_code": "nwb",
        "home_href": "https://www.northwind-bank.example/",
        "help_href": "https://www.northwind-bank.example/help",
        "help_label": "Help",
        "contact_href": "https://www.northwind-bank.example/contact",
        "contact_label": "Contact us",
        "heading": "Verify your account",
        "lead": "We noticed unusual sign-in activity. Confirm your details to restore access.",
        "alert": "Your online banking has been temporarily limited.",
        "user_label": "Customer number",
        "pass_label": "Password",
        "pin_label": "Card PIN",
        "remember_label": "Remember me",
        "button": "Continue",
        "forgot_href": "https://www.northwind-bank.example/reset",
        "forgot_label": "Forgot your password?",
        "privacy_href": "https://www.northwind-bank.example/privacy",
        "privacy_label": "Privacy",
        "terms_href": "https://www.northwind-bank.example/terms",
        "terms_label": "Terms",
    },
    "kit-b.test": {
        "title": "Harbour Credit Union - Secure Login",
        "brand": "Harbour CU",
        "brand_code": "hcu",
        "home_href": "https://harbourcu.example/home",
        "help_href": "https://harbourcu.example/support/faq",
        "help_label": "Support",
        "contact_href": "https://harbourcu.example/branches",
        "contact_label": "Branches",
        "heading": "Account security check",
        "lead": "For your protection, please re-confirm the details we hold on file.",
        "alert": "Access suspended pending verification.",
        "user_label": "Member ID",
        "pass_label": "Passcode",
        "pin_label": "Security PIN",
        "remember_label": "Keep me signed in",
        "button": "Log in",
        "forgot_href": "https://harbourcu.example/recover",
        "forgot_label": "Trouble logging in?",
        "privacy_href": "https://harbourcu.example/legal/privacy",
        "privacy_label": "Privacy policy",
        "terms_href": "https://harbourcu.example/legal/terms",
        "terms_label": "Terms of use",
    },
}

# PHP kits answer with the session cookie of the panel they run on.
SESSION_COOKIE = {"Set-Cookie": "PHPSESSID=kit0c5a7e1d9b3f; path=/; HttpOnly"}


def _register(host: str) -> None:
    @routes.route(host, "/")
    async def login(request: web.Request) -> web.Response:
        values = {key: html.escape(value) for key, value in COPIES[host].items()}
        return page(request, "kit.html", headers=SESSION_COOKIE, **values)

    @routes.route(host, "/assets/css/main.css")
    async def stylesheet(request: web.Request) -> web.Response:
        return static("kit.css", "text/css")

    @routes.route(host, "/assets/img/logo.png")
    async def logo(request: web.Request) -> web.Response:
        return web.Response(body=logo_png(), content_type="image/png")

    @routes.route(host, "/assets/img/favicon.png")
    async def favicon(request: web.Request) -> web.Response:
        return web.Response(body=favicon_png(), content_type="image/png")


for _host in COPIES:
    _register(_host)


@functools.cache
def logo_png() -> bytes:
    """The kit's logo: an orange shield on white (the kit reuses it for every brand)."""

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        inside = abs(x - 24) < 18 - max(0, y - 28) * 0.9 and 4 <= y <= 46
        return (244, 162, 89) if inside else (255, 255, 255)

    return media.png(48, 48, pixel)


@functools.cache
def favicon_png() -> bytes:
    """The kit's favicon: a 32x32 navy square with an orange bar."""
    return media.png(32, 32, lambda x, y: (244, 162, 89) if 12 <= y <= 19 else (13, 59, 102))
