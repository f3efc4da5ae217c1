"""xss.test: a page whose every scanned trace carries script and HTML payloads.

Title, visible text, redirect URLs, response headers, forms (names, values, hidden inputs,
actions), cookies (``Set-Cookie`` and ``document.cookie``), console messages, link URLs and
JavaScript globals all hold markup that would run if a page showing the report ever treated
the scanned page's words as HTML, script or a template. Every payload leaves evidence when it
runs: a dialog (``alert``), a console line with ``XSS-MARKER`` and/or a request to
``marker.xss.test`` (a name the test web never serves: the request is what counts). A page of
ours that shows this scan must show all of it as text and run none of it.

The markup is written out here rather than in templates/: ``render`` would read the ``{{7*7}}``
template probes as its own placeholders.
"""

import html

from aiohttp import web

from tests.testweb.routes import Routes

routes = Routes()

HOST = "xss.test"
MARKER = "XSS-MARKER"
MARKER_HOST = "marker.xss.test"

# The payloads, as the scanned page's own words (before any HTML escaping).
SCRIPT = f"<script>alert('{MARKER}')</script>"
IMG = f"\"><img src=x onerror=\"alert('{MARKER}');fetch('http://{MARKER_HOST}/img')\">"
SVG = f"<svg onload=alert('{MARKER}')>"
BREAKOUT = f"</textarea></pre></title><script>console.log('{MARKER}')</script>"
TEMPLATES = "{{7*7}} ${7*7} <%= 7*7 %> {{constructor.constructor('alert(1)')()}}"
TITLE = f"{SCRIPT}{SVG} {TEMPLATES}"
TEXT = f"Pay here {BREAKOUT} {IMG} {TEMPLATES}"
JS_HREF = f"javascript:alert('{MARKER}')"
DATA_HREF = f"data:text/html,<script>alert('{MARKER}')</script>"
COOKIE_NAME = f"xss<script>alert('{MARKER}')</script>"
COOKIE_VALUE = f"<img src=x onerror=alert('{MARKER}')>"
JS_COOKIE_VALUE = f"\"><svg onload=fetch('http://{MARKER_HOST}/cookie')>"
CONSOLE = f"console {SCRIPT} {IMG}"
GLOBAL = f"<img src=x onerror=alert('{MARKER}')>"
HEADER = f"<script>alert('{MARKER}')</script>"


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _js(value: str) -> str:
    """A JavaScript string literal that cannot end the inline script it sits in."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\x3c") + '"'


PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(TITLE)}</title>
</head>
<body>
<h1>{html.escape(TITLE)}</h1>
<p>{html.escape(TEXT)}</p>
<ul>
  <li><a href="{_attr(JS_HREF)}">{html.escape(SVG)}</a></li>
  <li><a href="{_attr(DATA_HREF)}">data link</a></li>
  <li><a href="http://{MARKER_HOST}/link?q={_attr(SCRIPT)}">{html.escape(IMG)}</a></li>
</ul>
<form id="payload" method="post" action="/collect?next={_attr(IMG)}">
  <label>Card <input type="text" name="{_attr(IMG)}" value="{_attr(SCRIPT)}"></label>
  <input type="hidden" name="token{_attr(SVG)}" value="{_attr(BREAKOUT)}">
  <input type="password" name="pin" value="{_attr(TEMPLATES)}">
  <textarea name="note">{html.escape(BREAKOUT)}</textarea>
  <button type="submit" name="go" value="{_attr(SVG)}">{html.escape(SCRIPT)}</button>
</form>
<form method="get" action="{_attr(JS_HREF)}">
  <input type="hidden" name="{_attr(TEMPLATES)}" value="{_attr(IMG)}">
</form>
<script>
  document.cookie = "xss_js=" + {_js(JS_COOKIE_VALUE)} + "; path=/";
  console.log({_js(CONSOLE)});
  console.error({_js(BREAKOUT)});
  window[{_js(GLOBAL)}] = 1;
  window[{_js(SCRIPT)}] = function () {{}};
</script>
</body>
</html>
"""

HEADERS = {
    "Server": HEADER,
    "X-Payload": IMG.replace('"', "'"),
}


@routes.route(HOST, "/")
async def entry(request: web.Request) -> web.Response:
    """One redirect hop whose target carries a payload in its query (the redirect chain)."""
    raise web.HTTPFound(f"/page?from={IMG}{SCRIPT}", headers=HEADERS)


@routes.route(HOST, "/page")
async def payload_page(request: web.Request) -> web.Response:
    response = web.Response(text=PAGE, content_type="text/html", charset="utf-8", headers=HEADERS)
    response.headers.add("Set-Cookie", f"{COOKIE_NAME}=1; Path=/")
    response.headers.add("Set-Cookie", f"xss_value={COOKIE_VALUE}; Path=/")
    return response


@routes.route(HOST, "/collect")
async def collect(request: web.Request) -> web.Response:
    return web.Response(text="ok", content_type="text/plain")
