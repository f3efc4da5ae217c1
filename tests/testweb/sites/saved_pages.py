"""Real saved pages of real sites, each served on its own real domain: hard negatives.

The pages come from the test data of two PyPI packages (tests/testweb/saved_pages.py): news
articles and front pages of big brands (CNN, Yahoo, Wired, Time, BBC), brands' own pages with
their own login forms (Facebook, Intel, Cleveland.com, Weltwoche, Mediapart), a shop page that
names PayPal, pages in Burmese and Thai. Each is served byte for byte at the URL it was saved
from (its canonical or og:url), on loopback, so the analysis sees the real site on its real
domain. Everything else the page references is on the internet and does not load in a test scan
(the pins resolve nothing but the test web): it is recorded as failed, as in any offline replay.
A verdict of malicious on any of them is a false positive.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web

from tests.testweb.corpus import Sample
from tests.testweb.routes import Handler, Routes
from tests.testweb.saved_pages import HTMLDATE, NEWSPAPER4K, Sdist, page_bytes

routes = Routes()


@dataclass(frozen=True)
class SavedPage:
    name: str  # the sample's name
    sdist: Sdist
    file: str  # in the sdist's pages folder
    url: str  # where it was saved from: the page's canonical link or og:url

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


# A fixed, diverse choice; every host here is in hosts.ADDRESSES (127.0.0.85-99), and a site
# with several saved pages serves them all on its one host.
PAGES: tuple[SavedPage, ...] = (
    SavedPage(
        "saved-cnn",
        NEWSPAPER4K,
        "cnn_001.html",
        "https://www.cnn.com/2023/11/06/politics/alito-prelogar-supreme-court-analysis/index.html",
    ),
    SavedPage(
        "saved-cnn-trump-testimony",
        NEWSPAPER4K,
        "cnn_002.html",
        "https://www.cnn.com/2023/11/06/politics/takeaways-trump-engoron-testimony-fraud-trial/index.html",
    ),
    SavedPage(
        "saved-cnn-2013",
        NEWSPAPER4K,
        "cnn_article.html",
        "https://www.cnn.com/2013/11/27/travel/weather-thanksgiving/index.html",
    ),
    SavedPage("saved-yahoo", NEWSPAPER4K, "yahoo_main_site.html", "https://uk.yahoo.com/"),
    SavedPage("saved-wired", NEWSPAPER4K, "wired_main_site.html", "https://www.wired.com/"),
    SavedPage(
        "saved-wired-story",
        NEWSPAPER4K,
        "wired_001.html",
        "https://www.wired.com/story/israel-surveillance-state-out-of-control-west-bank/",
    ),
    SavedPage(
        "saved-time",
        NEWSPAPER4K,
        "time_001.html",
        "https://time.com/6330957/james-hansen-climate-warning-geoengineering-study/",
    ),
    SavedPage(
        "saved-cleveland",
        NEWSPAPER4K,
        "cleveland.com1.html",
        "https://www.cleveland.com/food/index.ssf/2014/12/let_me_google_that_for_you_201.html",
    ),
    SavedPage(
        "saved-bbc-burmese",
        NEWSPAPER4K,
        "burmese_article.html",
        "https://www.bbc.com/burmese/burma-45989453",
    ),
    SavedPage(
        "saved-prachatai",
        NEWSPAPER4K,
        "thai_article.html",
        "https://prachatai.com/journal/2019/01/80642",
    ),
    SavedPage(
        "saved-facebook",
        HTMLDATE,
        "facebook.com.visitaustria.html",
        "https://www.facebook.com/visitaustria/",
    ),
    SavedPage("saved-github", HTMLDATE, "github.com.html", "https://github.com/adbar/htmldate"),
    SavedPage(
        "saved-intel",
        HTMLDATE,
        "intel.com.tos.html",
        "https://www.intel.com/content/www/us/en/legal/terms-of-use.html",
    ),
    SavedPage(
        "saved-wordpress-blog",
        HTMLDATE,
        "blog.wordpress.com.html",
        "https://en.blog.wordpress.com/",
    ),
    SavedPage(
        "saved-weltwoche",
        HTMLDATE,
        "weltwoche.ch.html",
        "https://www.weltwoche.ch/ausgaben/2019-4/artikel/forbes-die-weltwoche-ausgabe-4-2019.html",
    ),
    SavedPage("saved-eff", HTMLDATE, "eff.org.2015.html", "https://www.eff.org/annual-report/2015"),
    SavedPage(
        "saved-mediapart",
        HTMLDATE,
        "mediapart.fr.violences.html",
        "https://blogs.mediapart.fr/elba/blog/260619/violences-policieres-bombe-retardement-mediatique",
    ),
    SavedPage(
        "saved-beltz",
        HTMLDATE,
        "beltz.de.12wege.html",
        "https://www.beltz.de/sachbuch_ratgeber/buecher/produkt_produktdetails/"
        "37219-12_wege_zu_guter_pflege.html",
    ),
    SavedPage(
        "saved-beltz-event",
        HTMLDATE,
        "beltz.de.didakta.html",
        "https://www.beltz.de/fachmedien/paedagogik/didacta_2019_in_koeln_19_23_februar/"
        "beltz_veranstaltungen_didacta_2016/veranstaltung.html",
    ),
)

CORPUS: list[Sample] = [
    Sample(name=p.name, host=p.host, path=p.path, https=True, label="benign", note=p.url)
    for p in PAGES
]


def _handler(saved: SavedPage) -> Handler:
    async def serve(request: web.Request) -> web.Response:
        # Read off the event loop: the first request may have to download the sdist.
        body = await asyncio.to_thread(page_bytes, saved.sdist, saved.file)
        # No charset parameter: the browser takes the page's own <meta charset>, as it would
        # from a server that sends none.
        return web.Response(body=body, content_type="text/html")

    return serve


for _saved in PAGES:
    routes.route(_saved.host, _saved.path)(_handler(_saved))
