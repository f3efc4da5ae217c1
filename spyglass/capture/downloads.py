"""The per-download cap, applied while a download streams.

Chromium writes a download to the browser's folder as it arrives; one without
``Content-Length`` cannot be judged before. DevTools reports each download's progress about twice
a second (``Page.downloadProgress``); the first report past the cap cancels it
(``Browser.cancelDownload``), and Chromium deletes the partial file. Between two reports a fast
server can write more than the cap, which is why the hard bound on what a scan can put on disk is
the guard proxy's byte budget (``proxy.GuardProxy``), not this.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from playwright.async_api import CDPSession
from playwright.async_api import Error as PlaywrightError

log = logging.getLogger("spyglass.capture.downloads")


class DownloadLimits:
    """``await limits.attach(cdp)`` before the navigation; ``cancelled`` lists the URLs cut."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.cancelled: dict[str, int] = {}  # url -> bytes received when it was cancelled
        self._urls: dict[str, str] = {}  # guid -> url
        self._context_id: str | None = None
        self._cdp: CDPSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def attach(self, cdp: CDPSession) -> None:
        self._cdp = cdp
        info = await cdp.send("Target.getTargetInfo")
        self._context_id = info["targetInfo"].get("browserContextId")
        cdp.on("Page.downloadWillBegin", self._began)
        cdp.on("Page.downloadProgress", self._progress)

    def _began(self, event: dict[str, Any]) -> None:
        self._urls[event["guid"]] = event.get("url", "")

    def _progress(self, event: dict[str, Any]) -> None:
        guid = event.get("guid", "")
        received = int(event.get("receivedBytes") or 0)
        url = self._urls.get(guid, "")
        if event.get("state") != "inProgress" or received <= self.max_bytes:
            return
        if url in self.cancelled:
            return
        self.cancelled[url] = received
        task = asyncio.ensure_future(self._cancel(guid))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _cancel(self, guid: str) -> None:
        assert self._cdp is not None
        params: dict[str, Any] = {"guid": guid}
        if self._context_id:
            params["browserContextId"] = self._context_id
        try:
            await self._cdp.send("Browser.cancelDownload", params)
        except PlaywrightError as e:
            # It finished (or failed) between the report and the cancel: its size is judged
            # when it is saved.
            log.info("download %s not cancelled: %s", guid, str(e).splitlines()[0])
