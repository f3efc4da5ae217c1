"""Sites for network-guard and TLS tests.

internal.test stands for a service on a closed range (127.0.0.200): any request
reaching it shows up in TestWeb.hits, which is how a test proves the guard held.
blocked.test tries to reach it by redirect and by subresource; badtls.test
presents a certificate from an untrusted CA.
"""

from aiohttp import web

from tests.testweb.appkeys import URLS
from tests.testweb.render import page
from tests.testweb.routes import ANY_PATH, Routes

routes = Routes()


@routes.route("internal.test", ANY_PATH)
async def internal_service(request: web.Request) -> web.Response:
    return web.Response(text="INTERNAL SECRET")


@routes.route("blocked.test", "/redirect-internal")
async def redirect_internal(request: web.Request) -> web.Response:
    raise web.HTTPFound(request.app[URLS].url("internal.test", "/"))


@routes.route("blocked.test", "/subresource-internal")
async def subresource_internal(request: web.Request) -> web.Response:
    return page(request, "subresource-internal.html")


@routes.route("badtls.test", "/")
async def bad_tls(request: web.Request) -> web.Response:
    return page(request, "simple.html", title="Bad TLS", text="You should not see this over HTTPS.")
