"""links.test: a page whose links are internal and external, relative and absolute."""

from aiohttp import web

from tests.testweb.render import page
from tests.testweb.routes import Routes

routes = Routes()


@routes.route("links.test", "/")
async def link_page(request: web.Request) -> web.Response:
    return page(request, "links.html")


@routes.route("links.test", "/about")
async def about(request: web.Request) -> web.Response:
    return page(request, "simple.html", title="About Links Test", text="We collect links.")


@routes.route("links.test", "/contact")
async def contact(request: web.Request) -> web.Response:
    return page(request, "simple.html", title="Contact Links Test", text="Write to us.")


@routes.route("external-a.test", "/")
@routes.route("external-a.test", "/reports/dprk-crypto-2023")
async def external_a(request: web.Request) -> web.Response:
    return page(request, "simple.html", title="External A", text="An external site.")


@routes.route("external-b.test", "/page")
async def external_b(request: web.Request) -> web.Response:
    return page(request, "simple.html", title="External B", text="Another external site.")
