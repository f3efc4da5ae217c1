"""redirect.test: a chain through every kind of redirect, ending on final.test.

/start -301-> /step2 -302-> /meta (meta refresh) -> /js (script) -> final.test/landing
"""

from aiohttp import web

from tests.testweb.render import page
from tests.testweb.routes import Routes

routes = Routes()


@routes.route("redirect.test", "/start")
async def start(request: web.Request) -> web.Response:
    raise web.HTTPMovedPermanently("/step2")


@routes.route("redirect.test", "/step2")
async def step2(request: web.Request) -> web.Response:
    raise web.HTTPFound("/meta")


@routes.route("redirect.test", "/meta")
async def meta_refresh(request: web.Request) -> web.Response:
    return page(request, "redirect-meta.html")


@routes.route("redirect.test", "/js")
async def script_redirect(request: web.Request) -> web.Response:
    return page(request, "redirect-js.html")


@routes.route("final.test", "/landing")
async def landing(request: web.Request) -> web.Response:
    return page(request, "landing.html")


@routes.route("final.test", "/after-timeout")
async def after_timeout(request: web.Request) -> web.Response:
    return page(request, "after-timeout.html")
