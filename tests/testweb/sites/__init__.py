"""Every site's handlers, merged into the one table the server dispatches on."""

from types import ModuleType

from tests.testweb.routes import Routes
from tests.testweb.sites import (
    app,
    brand_sites,
    credential,
    crypto_pages,
    decoy_pages,
    drainers,
    guard,
    hostile,
    isolation,
    kits,
    links,
    lures,
    news,
    phishing,
    plain,
    redirects,
    saved_pages,
    shop,
    xss,
)

ROUTES = Routes.merge(
    drainers.routes,
    news.routes,
    redirects.routes,
    app.routes,
    phishing.routes,
    links.routes,
    hostile.routes,
    isolation.routes,
    guard.routes,
    plain.routes,
    shop.routes,
    kits.routes,
    xss.routes,
    decoy_pages.routes,
    saved_pages.routes,
    crypto_pages.routes,
    credential.routes,
    lures.routes,
    brand_sites.routes,
)


def corpus_modules() -> list[ModuleType]:
    """The modules whose ``CORPUS`` lists labelled pages (tests/testweb/corpus.py)."""
    return [saved_pages, crypto_pages, credential, lures, drainers, brand_sites]
