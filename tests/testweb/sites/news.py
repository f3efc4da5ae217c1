"""news.test and the hosts its article page pulls from.

The page mirrors a real news article (see the urlscan reference report): a GET
search form, a newsletter form full of hidden inputs, CDN assets over HTTPS, a
tracking pixel and script, a hosted web font, and an ad from an IPv6 host.
"""

import html

from aiohttp import web

from tests.testweb import media
from tests.testweb.render import page, static
from tests.testweb.routes import Routes

routes = Routes()

# Fonts are fetched in CORS mode; without this header Chromium drops them.
CORS_ANY = {"Access-Control-Allow-Origin": "*"}
YEAR = "public, max-age=31536000, immutable"


@routes.route("news.test", "/")
async def article(request: web.Request) -> web.Response:
    return page(request, "news.html")


@routes.route("news.test", "/search")
async def search(request: web.Request) -> web.Response:
    return page(request, "search.html", query=html.escape(request.query.get("q", "")))


@routes.route("news.test", "/favicon.ico")
@routes.route("plain.test", "/favicon.ico")
async def favicon(request: web.Request) -> web.Response:
    return web.Response(body=media.favicon_ico(), content_type="image/x-icon")


@routes.route("cdn.test", "/static/site.css")
async def stylesheet(request: web.Request) -> web.Response:
    return static("site.css", "text/css", headers={"Cache-Control": YEAR})


@routes.route("cdn.test", "/static/app.js")
async def bootstrap_script(request: web.Request) -> web.Response:
    return static("app.js", "text/javascript", headers={"Cache-Control": YEAR})


@routes.route("cdn.test", "/images/pyongyang-parade.png")
async def lead_photo(request: web.Request) -> web.Response:
    return web.Response(body=media.hero_png(), content_type="image/png")


@routes.route("tracker.test", "/pixel.gif")
async def tracking_pixel(request: web.Request) -> web.Response:
    return web.Response(
        body=media.PIXEL_GIF, content_type="image/gif", headers={"Cache-Control": "no-store"}
    )


@routes.route("tracker.test", "/tracker.js")
async def tracker_script(request: web.Request) -> web.Response:
    return static("tracker.js", "text/javascript")


@routes.route("tracker.test", "/collect")
async def collect_beacon(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(status=204, headers=CORS_ANY)


@routes.route("fonts.test", "/css2")
async def font_stylesheet(request: web.Request) -> web.Response:
    return static("fonts.css", "text/css")


@routes.route("fonts.test", "/s/testsans/v1/testsans-regular.woff2")
async def font_file(request: web.Request) -> web.Response:
    headers = {**CORS_ANY, "Cache-Control": YEAR}
    return web.Response(body=media.font_ttf(), content_type="font/woff2", headers=headers)


@routes.route("ipv6.test", "/")
async def ad_server_home(request: web.Request) -> web.Response:
    return page(request, "ipv6.html")


@routes.route("ipv6.test", "/ads/banner.png")
async def ad_banner(request: web.Request) -> web.Response:
    return web.Response(body=media.banner_png(), content_type="image/png")
