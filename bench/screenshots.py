"""Screenshots of the web UI for the docs: home, a report and search, on desktop and phone.

Run from the repository root, with the project's venv (about a minute):

    .venv/bin/python -m bench.screenshots                  # writes docs/screenshots/*.png
    .venv/bin/python -m bench.screenshots --out /tmp/shots

A real Spyglass: ``tests.testweb`` in a process of its own (loopback), ``spyglass serve
--workers 1`` on a free loopback port with a fresh SQLite store (bench/service.py's ``serving``:
tests/e2e's environment, the test web's pins and CA), an API key, and real scans of a few test
sites submitted through the API (news.test, shop.test, kit-a.test, login.test, links.test,
plain.test) and waited for. Then Debian's Chromium (Playwright, a fresh profile, no network but
loopback) opens the home page, news.test's report and a search, at 1280 px wide (desktop: the
top ``--desktop-height`` px) and 390 px wide (phone, device scale 2: the whole page, cut at
``--phone-height`` CSS px), and writes ``{home,report,search}-{desktop,phone}.png``, each
re-encoded as a 256-colour PNG to keep it small.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
from PIL import Image
from playwright.async_api import async_playwright

from bench.capture import BARE_FLAGS, CHROMIUM, progress, testweb_process
from bench.service import Server, create_key, fresh_place, serving

REPO = Path(__file__).resolve().parent.parent
# (host, https, tags); the report shown is the first one's.
SCANS = [
    ("plain.test", False, ["demo"]),
    ("links.test", False, ["demo"]),
    ("login.test", False, ["demo", "phishing"]),
    ("kit-a.test", False, ["demo", "phishing", "kit"]),
    ("shop.test", True, ["demo", "shop"]),
    ("news.test", True, ["demo", "news"]),
]
SEARCH = "tag:demo AND date:>now-1d"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1},
    "phone": {
        "viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
        "is_mobile": True, "has_touch": True,
    },
}  # fmt: skip


def submit_all(server: Server, key: str, urls: list[tuple[str, list[str]]]) -> dict[str, str]:
    """Submit each URL (one after the other, so the home page lists them in this order) and wait
    for each to finish; {url: uuid}."""
    uuids: dict[str, str] = {}
    with httpx.Client(base_url=server.base_url, headers={"API-Key": key}, timeout=90) as http:
        for url, tags in urls:
            body = {"url": url, "visibility": "public", "tags": tags, "force": True}
            response = http.post("/api/v1/scan/", json=body)
            response.raise_for_status()
            uuid = response.json()["uuid"]
            deadline = time.monotonic() + 120
            while True:
                result = http.get(f"/api/v1/result/{uuid}/", params={"wait": 30})
                if result.status_code == 200:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url}: not finished after 120 s ({result.text[:200]})")
            progress(f"scanned {url}: {uuid}")
            uuids[url] = uuid
    return uuids


def small_png(data: bytes, path: Path) -> int:
    """Write ``data`` as a 256-colour PNG (screenshots of flat UI lose nothing visible)."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    quantized = image.quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    quantized.save(path, optimize=True)
    return path.stat().st_size


async def shoot(
    base_url: str, pages: dict[str, str], out: Path, desktop_height: int, phone_height: int
) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BARE_FLAGS)
        try:
            for device, options in VIEWPORTS.items():
                context = await browser.new_context(**options)  # fresh, in-memory profile
                page = await context.new_page()
                for name, path in pages.items():
                    await page.goto(base_url + path, wait_until="networkidle")
                    if device == "desktop":
                        width = options["viewport"]["width"]
                        height = min(desktop_height, await _height(page))
                        data = await page.screenshot(
                            full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
                        )
                    else:
                        height = min(phone_height, await _height(page))
                        data = await page.screenshot(
                            full_page=True, clip={"x": 0, "y": 0, "width": 390, "height": height}
                        )
                    target = out / f"{name}-{device}.png"
                    size = small_png(data, target)
                    progress(f"{target}: {size / 1024:.0f} kB")
                await context.close()
        finally:
            await browser.close()


async def _height(page) -> int:  # type: ignore[no-untyped-def]
    return int(await page.evaluate("document.documentElement.scrollHeight"))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--desktop-height", type=int, default=1100)
    parser.add_argument("--phone-height", type=int, default=2600)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with testweb_process() as web, fresh_place("sqlite", "screenshots") as place:
        key = create_key(place)
        with serving(web, place, workers=1) as server:
            urls = [(web.url(host, "/", https), tags) for host, https, tags in SCANS]
            uuids = submit_all(server, key, urls)
            report = uuids[urls[-1][0]]
            pages = {
                "home": "/",
                "report": f"/result/{report}/",
                "search": "/search/?" + httpx.QueryParams({"q": SEARCH}).__str__(),
            }
            asyncio.run(shoot(server.base_url, pages, args.out, args.desktop_height,
                              args.phone_height))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
