"""Pages from templates/, with URLs templated to the real ports.

A template writes cross-host URLs without ports, in double braces:
``{{https://cdn.test/static/site.css}}`` or ``{{page://tracker.test/pixel.gif}}``
("page" = the scheme this page came over). Any other ``{{name}}`` is a value the
handler passes, already escaped. CSS and JavaScript braces are left alone: only
a double brace opens a placeholder.
"""

import functools
import re
from pathlib import Path

from aiohttp import web

from tests.testweb.appkeys import URLS

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

_PLACEHOLDER = re.compile(r"\{\{\s*(.+?)\s*\}\}")

HTML = "text/html"


def render(request: web.Request, template: str, **values: str) -> str:
    urls = request.app[URLS]

    def fill(match: re.Match[str]) -> str:
        key = match[1]
        if "://" in key:
            return urls.expand(key, request.scheme)
        if key not in values:
            raise KeyError(f"{template} needs a value for {{{{{key}}}}}")
        return values[key]

    return _PLACEHOLDER.sub(fill, _template(template))


def page(
    request: web.Request,
    template: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **values: str,
) -> web.Response:
    """An HTML response rendered from templates/`template`."""
    return web.Response(
        text=render(request, template, **values),
        status=status,
        content_type=HTML,
        charset="utf-8",
        headers=headers,
    )


def static(name: str, content_type: str, headers: dict[str, str] | None = None) -> web.Response:
    """A file from static/, served as is."""
    return web.Response(
        body=_static(name), content_type=content_type, charset="utf-8", headers=headers
    )


@functools.cache
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


@functools.cache
def _static(name: str) -> bytes:
    return (STATIC / name).read_bytes()
