"""login.test: a credential-phishing kit; collect.test: where it sends the loot.

Looks like a Microsoft 365 sign-in, posts to another host, and carries a
lightly obfuscated "email autograb" script, as real kits do.
"""

from aiohttp import web

from tests.testweb.render import page
from tests.testweb.routes import Routes

routes = Routes()


@routes.route("login.test", "/")
async def sign_in(request: web.Request) -> web.Response:
    return page(request, "login.html")


@routes.route("collect.test", "/submit.php")
async def submit(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text="ok")
