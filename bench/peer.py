"""The peer's side of bench/capture.py: Lookyloo's capture library on the same pages.

Runs in bench/.venv-peer (made by bench/setup-peer), never in the project's venv, and only as a
subprocess of bench/capture.py, which writes the job to its stdin and reads one JSON object per
capture from its stdout:

    {"chromium": "/usr/bin/chromium", "flags": ["--no-sandbox", ...],
     "pages": [{"name": "plain", "url": "http://plain.test:PORT/"}], "timeout": 90}
    -> {"name": "plain", "seconds": 31.2, "launch_seconds": 0.9, "final_url": "...", ...}

PlaywrightCapture has no option for the browser's path or extra flags, and it would download
Playwright's own Chromium build; ``BrowserType.launch`` is wrapped here to drop its ``channel``,
set Debian's Chromium and append our flags (among them ``--host-resolver-rules``). Nothing in this
process may reach past loopback: aiohttp sessions and c-ares resolvers (the library's favicon and
timestamp fetchers, which resolve names themselves) cannot even be created, and a socket guard
refuses any other address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import sys
import time
from typing import Any


class OutsideTraffic(RuntimeError):
    """The peer tried to reach something that is not loopback."""


def _is_loopback(host: object) -> bool:
    if host in (None, "", "localhost"):  # None and "" are for binding, not reaching
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def guard_sockets() -> None:
    """Refuse name lookups and connections to anything but loopback in this process."""
    getaddrinfo = socket.getaddrinfo
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex
    sendto = socket.socket.sendto

    def checked(address: Any) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            raise OutsideTraffic(f"blocked: the peer tried to reach {address[0]}")

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            raise OutsideTraffic(f"blocked: the peer tried to resolve {host}")
        return getaddrinfo(host, *args, **kwargs)

    def guarded_connect(self: socket.socket, address: Any) -> None:
        checked(address)
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        checked(address)
        return connect_ex(self, address)

    def guarded_sendto(self: socket.socket, data: Any, *args: Any) -> int:
        checked(args[-1])
        return sendto(self, data, *args)

    socket.getaddrinfo = guarded_getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = guarded_sendto  # type: ignore[method-assign,assignment]


def forbid_outside_clients() -> None:
    """aiohttp (favicons, trusted timestamps) and aiodns (c-ares does its own UDP, past the socket
    guard) are the library's ways out of the browser; none is needed for a benchmark."""
    import aiodns
    import aiohttp

    def refuse(self: object, *args: Any, **kwargs: Any) -> None:
        raise OutsideTraffic(f"blocked: the peer tried to create {type(self).__name__}")

    aiohttp.ClientSession.__init__ = refuse  # type: ignore[method-assign]
    aiodns.DNSResolver.__init__ = refuse  # type: ignore[method-assign]


def use_debian_chromium(chromium: str, flags: list[str]) -> None:
    """Make every ``launch`` in this process start ``chromium`` with ``flags``, no download."""
    from playwright.async_api import BrowserType

    launch = BrowserType.launch

    async def launch_debian(self: BrowserType, **kwargs: Any) -> Any:
        kwargs.pop("channel", None)
        kwargs["executable_path"] = chromium
        kwargs["args"] = [*(kwargs.get("args") or []), *flags]
        return await launch(self, **kwargs)

    BrowserType.launch = launch_debian  # type: ignore[method-assign]


async def capture(name: str, url: str, timeout: int) -> dict[str, Any]:
    from lookyloo_models import CaptureSettings
    from playwrightcapture import Capture

    settings = CaptureSettings(
        url=url,
        browser="chromium",
        with_favicon=False,  # fetched with aiohttp and real DNS, past the browser's rules
        with_trusted_timestamps=False,
        general_timeout_in_sec=timeout,
    )
    start = time.perf_counter()
    # only_global_lookup=True would refuse our loopback IP literals; names pass it anyway.
    async with Capture(
        loglevel="WARNING", capture_settings=settings, only_global_lookup=False
    ) as peer:
        launched = time.perf_counter()
        await peer.initialize_context()
        result = await peer.capture_page(max_depth_capture_time=timeout)
    end = time.perf_counter()
    return {
        "name": name,
        "url": url,
        "seconds": end - start,
        "launch_seconds": launched - start,
        "final_url": result.get("last_redirected_url"),
        "html_bytes": len(result.get("html") or ""),
        "png_bytes": len(result.get("png") or b""),
        "har_entries": len(((result.get("har") or {}).get("log") or {}).get("entries") or []),
        "error": result.get("error"),
    }


async def main() -> None:
    job = json.load(sys.stdin)
    guard_sockets()
    forbid_outside_clients()
    use_debian_chromium(job["chromium"], job["flags"])
    for page in job["pages"]:
        try:
            row = await capture(page["name"], page["url"], job["timeout"])
        except Exception as e:  # one failed capture is a result, not the end of the run
            row = {"name": page["name"], "url": page["url"], "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
