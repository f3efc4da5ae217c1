"""URLs of the test web, which carry the ports chosen at start."""

import re
from dataclasses import dataclass

from tests.testweb.hosts import url_host

# "https://cdn.test/app.js", or "page://cdn.test/app.js" for "the page's own scheme".
_TEMPLATE_URL = re.compile(r"(?P<scheme>https?|page)://(?P<host>[^/]+)(?P<path>/.*)?", re.DOTALL)


@dataclass(frozen=True)
class Urls:
    http_port: int
    https_port: int

    def url(self, host: str, path: str = "/", https: bool = False) -> str:
        """Absolute URL on the test web.

        >>> Urls(8080, 8443).url("news.test", "/search?q=x", https=True)
        'https://news.test:8443/search?q=x'
        """
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        scheme, port = ("https", self.https_port) if https else ("http", self.http_port)
        return f"{scheme}://{url_host(host)}:{port}{path}"

    def expand(self, template_url: str, page_scheme: str) -> str:
        """Fill in the port of a port-less URL written in a page template.

        "page://" stands for the scheme the page itself was served over, so an
        HTTPS page never pulls plain-HTTP scripts that Chromium would block as
        mixed content.

        >>> Urls(8080, 8443).expand("page://tracker.test/p.gif?a=1", "https")
        'https://tracker.test:8443/p.gif?a=1'
        """
        match = _TEMPLATE_URL.fullmatch(template_url)
        if match is None:
            raise ValueError(f"not a template URL: {template_url!r}")
        scheme = page_scheme if match["scheme"] == "page" else match["scheme"]
        return self.url(match["host"], match["path"] or "/", https=scheme == "https")
