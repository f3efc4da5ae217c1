"""``BrowserPool.warm_up``: what a worker does before its first scan (worker.run_workers)."""

from __future__ import annotations

from spyglass.capture.browser import BrowserPool
from tests.testweb import TestWeb


async def test_warm_up_leaves_nothing_open_and_counts_no_scan(
    pool: BrowserPool, web: TestWeb
) -> None:
    assert pool._browser is not None
    scans, launches, contexts = pool.scans, pool.launches, len(pool._browser.contexts)
    await pool.warm_up()
    assert (pool.scans, pool.launches, len(pool._browser.contexts)) == (scans, launches, contexts)
    after = await pool.capture(web.url("plain.test"))
    assert after.failure is None and after.title == "Plain page"
