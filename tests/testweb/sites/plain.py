"""plain.test: the smallest normal page, a baseline and the "next scan works" check.

(Its /favicon.ico is served alongside news.test's, in news.py.)
"""

from aiohttp import web

from tests.testweb.render import page
from tests.testweb.routes import Routes

routes = Routes()


@routes.route("plain.test", "/")
async def plain(request: web.Request) -> web.Response:
    return page(request, "simple.html", title="Plain page", text="Nothing to see here.")
