import time, json
from urllib.parse import urlsplit
from aiohttp import web as aioweb
from selectolax.lexbor import LexborHTMLParser
from spyglass.models import ScanOptions
from tests.conftest import report_of
from tests.testweb.hosts import ADDRESSES
from tests.testweb.sites import ROUTES
from tests.testweb.saved_pages import SDISTS, page_files, page_bytes

def url_of(html):
    t = LexborHTMLParser(html)
    for sel, attr in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        n = t.css_first(sel)
        v = n.attributes.get(attr) if n else None
        if v and v.startswith("http"):
            return v
    return None

async def test_probe_all(pool, web):
    current = {}
    async def handler(request):
        if request.path != current["path"]:
            return aioweb.Response(status=404)
        return aioweb.Response(body=current["body"], content_type="text/html")
    out = open("/tmp/saved/all_pages.txt", "w")
    t0 = time.monotonic(); n = 0
    for sdist in SDISTS:
        for f in page_files(sdist):
            body = page_bytes(sdist, f)
            u = url_of(body)
            if not u:
                continue
            parts = urlsplit(u)
            host, path = parts.hostname, parts.path or "/"
            if not host or host.startswith("."):
                continue
            site = host if host in ADDRESSES else "github.com"
            addr = ADDRESSES[site]
            current.update(path=path, body=body)
            paths = ROUTES.by_host.setdefault(site, {})
            saved_routes = dict(paths)
            paths.clear(); paths["*"] = handler
            try:
                url = f"https://{host}:{web.https_port}{path}"
                t = time.monotonic()
                cap = await pool.capture(url, ScanOptions(resolve={host: addr}, insecure_tls=True))
                rep = report_of(cap)
            finally:
                paths.clear(); paths.update(saved_routes)
            v = rep.verdicts; n += 1
            line = f"{sdist.name}/{f} {host}{path[:60]} {time.monotonic()-t:.1f}s fail={cap.failure and cap.failure.reason} mal={v['overall']['malicious']} score={v['overall']['score']} eng={v['engines']['malicious']} clicked={cap.clicked} reasons={v['spyglass']['reasons'][:4]}"
            if cap.failure: line += f" failmsg={cap.failure.message[:150]}"
            print(line, file=out, flush=True)
    print(f"TOTAL {n} pages {time.monotonic()-t0:.1f}s", file=out, flush=True)
