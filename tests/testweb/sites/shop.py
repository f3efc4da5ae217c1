"""shop.test: real jQuery and Bootstrap, WordPress-style markup and headers.

A small WordPress shop as technology fingerprints see it: the generator meta tag, /wp-content/
and /wp-includes/ assets, the REST API ``Link`` header, PHP and nginx in the headers, and the
real minified jQuery 3.7.1 and Bootstrap 5.3.9 (static/vendor/, MIT, with their licences).
``/hostile`` keeps jQuery but guards the globals fingerprints read with throwing getters and
Proxies.
"""

from aiohttp import web

from tests.testweb.render import page, static
from tests.testweb.routes import Routes

routes = Routes()

HOST = "shop.test"
JQUERY = "vendor/jquery-3.7.1.min.js"
BOOTSTRAP_JS = "vendor/bootstrap-5.3.9.bundle.min.js"
BOOTSTRAP_CSS = "vendor/bootstrap-5.3.9.min.css"
SERVER = {"Server": "nginx/1.25.5", "X-Powered-By": "PHP/8.2.24"}
ASSET = {"Server": "nginx/1.25.5", "Cache-Control": "public, max-age=31536000"}
THEME_CSS = b".site-footer { color: #6c757d; }\n.add-to-cart { min-width: 8rem; }\n"


def _wordpress_headers(request: web.Request) -> dict[str, str]:
    api = f"{request.scheme}://{request.host}/wp-json/"
    return {**SERVER, "Link": f'<{api}>; rel="https://api.w.org/"'}


@routes.route(HOST, "/")
async def home(request: web.Request) -> web.Response:
    return page(request, "shop.html", headers=_wordpress_headers(request))


@routes.route(HOST, "/hostile")
async def hostile_globals(request: web.Request) -> web.Response:
    return page(request, "shop-hostile.html", headers=_wordpress_headers(request))


@routes.route(HOST, "/wp-includes/js/jquery/jquery-3.7.1.min.js")
async def jquery(request: web.Request) -> web.Response:
    return static(JQUERY, "application/javascript", headers=ASSET)


@routes.route(HOST, "/wp-content/themes/harbour/assets/js/bootstrap-5.3.9.bundle.min.js")
async def bootstrap_script(request: web.Request) -> web.Response:
    return static(BOOTSTRAP_JS, "application/javascript", headers=ASSET)


@routes.route(HOST, "/wp-content/themes/harbour/assets/css/bootstrap-5.3.9.min.css")
async def bootstrap_stylesheet(request: web.Request) -> web.Response:
    return static(BOOTSTRAP_CSS, "text/css", headers=ASSET)


@routes.route(HOST, "/wp-content/themes/harbour/style.css")
@routes.route(HOST, "/wp-includes/css/dist/block-library/style.min.css")
async def theme_stylesheet(request: web.Request) -> web.Response:
    return web.Response(body=THEME_CSS, content_type="text/css", headers=ASSET)
