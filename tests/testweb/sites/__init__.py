"""Every site's handlers, merged into the one table the server dispatches on."""

from types import ModuleType

from tests.testweb.routes import Routes
from tests.testweb.sites import (
    app,
    guard,
    hostile,
    kits,
    links,
    news,
    phishing,
    plain,
    redirects,
    shop,
    xss,
)

ROUTES = Routes.merge(
    news.routes,
    redirects.routes,
    app.routes,
    phishing.routes,
    links.routes,
    hostile.routes,
    guard.routes,
    plain.routes,
    shop.routes,
    kits.routes,
    xss.routes,
)


def corpus_modules() -> list[ModuleType]:
    """The modules whose ``CORPUS`` lists labelled pages (tests/testweb/corpus.py)."""
    return []
