"""app.test: a web app that leaves every kind of runtime trace a scan records.

Cookies from headers and from script, console output at three levels, an
uncaught exception, and non-standard globals on window.
"""

from aiohttp import web

from tests.testweb.render import page
from tests.testweb.routes import Routes

routes = Routes()


@routes.route("app.test", "/")
async def dashboard(request: web.Request) -> web.Response:
    response = page(request, "app.html")
    response.set_cookie("session_id", "s3ss10n-4f2a9c", path="/", httponly=True)
    response.set_cookie("prefs", "theme:dark", path="/", samesite="Lax", max_age=3600)
    return response
