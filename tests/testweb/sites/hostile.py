"""hostile.test: pages that attack or break the browser, one behaviour each.

Downloads, dialogs, popups, pages that never finish, a busy loop, a huge body,
error statuses, delayed redirects and a renderer crash. popup.test is where
the popups land.
"""

from aiohttp import web

from tests.testweb import downloads
from tests.testweb.appkeys import STOPPING
from tests.testweb.render import page, render
from tests.testweb.routes import Routes

routes = Routes()

GIANT_SIZE = 40 * 1024 * 1024
# One 64 KiB chunk written 640 times: the 40 MB body never sits in memory.
GIANT_CHUNK = b"spyglass testweb giant response: this line is 64 bytes long....\n" * 1024
assert GIANT_SIZE % len(GIANT_CHUNK) == 0

DATA = {
    "service": "hostile.test",
    "version": 3,
    "files": [
        {"id": 1, "name": "report.zip", "path": "/files/report.zip"},
        {"id": 2, "name": "invoice.exe", "path": "/files/invoice.exe"},
    ],
}


@routes.route("hostile.test", "/")
async def index(request: web.Request) -> web.Response:
    return page(request, "hostile-index.html")


# Downloads


@routes.route("hostile.test", "/download")
async def download_zip_page(request: web.Request) -> web.Response:
    return page(request, "navigate-to.html", title="Your download", target="/files/report.zip")


@routes.route("hostile.test", "/download-exe")
async def download_exe_page(request: web.Request) -> web.Response:
    return page(request, "navigate-to.html", title="Invoice", target="/files/invoice.exe")


@routes.route("hostile.test", "/files/report.zip")
async def report_zip(request: web.Request) -> web.Response:
    return _attachment("report.zip", "application/zip")


@routes.route("hostile.test", "/files/invoice.exe")
async def invoice_exe(request: web.Request) -> web.Response:
    return _attachment("invoice.exe", "application/octet-stream")


def _attachment(name: str, content_type: str) -> web.Response:
    return web.Response(
        body=downloads.file_bytes(name),
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@routes.route("hostile.test", "/doc.pdf")
async def pdf(request: web.Request) -> web.Response:
    return web.Response(body=downloads.file_bytes("doc.pdf"), content_type="application/pdf")


@routes.route("hostile.test", "/data.json")
async def data_json(request: web.Request) -> web.Response:
    return web.json_response(DATA)


# Dialogs and popups


@routes.route("hostile.test", "/dialogs")
async def dialogs(request: web.Request) -> web.Response:
    return page(request, "dialogs.html")


@routes.route("hostile.test", "/dialog-spam")
async def dialog_spam(request: web.Request) -> web.Response:
    return page(request, "dialog-spam.html")


@routes.route("hostile.test", "/popup")
async def popup(request: web.Request) -> web.Response:
    return page(request, "popup.html")


@routes.route("hostile.test", "/popup-spam")
async def popup_spam(request: web.Request) -> web.Response:
    return page(request, "popup-spam.html")


@routes.route("popup.test", "/ad")
async def popup_ad(request: web.Request) -> web.Response:
    return page(request, "simple.html", title="You won a prize!", text="Claim it now.")


# Pages that never finish


@routes.route("hostile.test", "/hang")
async def hang(request: web.Request) -> web.StreamResponse:
    """Send the head and a heading, then hold the response open until stop()."""
    response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    await response.prepare(request)
    await response.write(render(request, "hang.html").encode())
    await request.app[STOPPING].wait()
    return response


@routes.route("hostile.test", "/hang-resource")
async def hang_resource(request: web.Request) -> web.Response:
    return page(request, "hang-resource.html")


@routes.route("hostile.test", "/never")
async def never(request: web.Request) -> web.Response:
    """Accept the request and send nothing until stop()."""
    await request.app[STOPPING].wait()
    return web.Response(status=503)


@routes.route("hostile.test", "/loop")
async def busy_loop(request: web.Request) -> web.Response:
    return page(request, "loop.html")


@routes.route("hostile.test", "/crash")
async def crash(request: web.Request) -> web.Response:
    return page(request, "crash.html")


@routes.route("hostile.test", "/giant")
async def giant(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
    response.content_length = GIANT_SIZE
    await response.prepare(request)
    for _ in range(GIANT_SIZE // len(GIANT_CHUNK)):
        await response.write(GIANT_CHUNK)
    await response.write_eof()
    return response


# Error statuses


@routes.route("hostile.test", "/missing")
async def missing(request: web.Request) -> web.Response:
    return page(request, "simple.html", status=404, title="Page not found", text="Gone.")


@routes.route("hostile.test", "/error")
async def error(request: web.Request) -> web.Response:
    return page(
        request, "simple.html", status=500, title="Internal Server Error", text="Try later."
    )


# Delayed redirects: the first lands within a patient scan, the second never does.


@routes.route("hostile.test", "/slow-redirect")
async def slow_redirect(request: web.Request) -> web.Response:
    return page(request, "delayed-redirect.html", delay_ms="15000")


@routes.route("hostile.test", "/slower-redirect")
async def slower_redirect(request: web.Request) -> web.Response:
    return page(request, "delayed-redirect.html", delay_ms="60000")
