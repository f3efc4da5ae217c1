"""Scan workers: claim a job -> capture -> analyse -> store -> finish, with a heartbeat.

A worker holds a job under a lease and renews it while it scans. If the worker dies (kill -9,
a crashed host), the lease runs out and another worker takes the job over; the store only lets
the current holder finish a job, so a job is never finished twice. Errors that another try could
fix (the browser failed) go back to the queue, bounded by ``Settings.max_attempts``; errors that
it could not (the target no longer resolves, or resolves into a closed range) fail the scan with
their reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import uuid as uuidlib

from spyglass.capture.browser import BrowserPool
from spyglass.errors import GuardError, InputError, SpyglassError
from spyglass.models import ClaimedJob, RawCapture
from spyglass.pipeline import RefData, finish_scan, save_scan, task_for_job
from spyglass.refdata.ipdata import IPData
from spyglass.settings import Settings
from spyglass.store import Store
from spyglass.webhooks import notify

log = logging.getLogger("spyglass.worker")

IDLE_POLL = 0.5  # seconds between claims while the queue is empty


class Worker:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        pool: BrowserPool,
        name: str | None = None,
        refdata: RefData | None = None,
    ):
        self.settings = settings
        self.store = store
        self.pool = pool
        self.refdata = refdata  # None: the data shipped with Spyglass only
        self.id = name or f"worker-{uuidlib.uuid4().hex[:8]}"
        self.done = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Scan jobs until ``stop`` is set."""
        while not stop.is_set():
            job = await asyncio.to_thread(self.store.claim, self.id, self.settings.lease_seconds)
            if job is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), IDLE_POLL)
                continue
            await self.process(job)

    async def process(self, job: ClaimedJob) -> None:
        scan = asyncio.ensure_future(self._scan(job))
        keeper = asyncio.ensure_future(self._keep_lease(job, scan))
        try:
            await scan
        except asyncio.CancelledError:
            if not keeper.done() or keeper.result() is not False:
                raise  # we are being shut down: the lease runs out and another worker resumes
            log.warning("%s lost the lease on job %s; its result is dropped", self.id, job.job_id)
        finally:
            keeper.cancel()

    async def _keep_lease(self, job: ClaimedJob, scan: asyncio.Future[None]) -> bool:
        interval = max(self.settings.lease_seconds / 3, 0.05)
        while True:
            await asyncio.sleep(interval)
            held = await asyncio.to_thread(self.store.heartbeat, job, self.settings.lease_seconds)
            if not held:
                scan.cancel()
                return False

    async def _scan(self, job: ClaimedJob) -> None:
        request = job.request
        try:
            capture = await self.pool.capture(request.url, request.options)
        except (GuardError, InputError) as e:
            await asyncio.to_thread(self.store.fail, job, e.reason, e.message, retry=False)
            return
        except SpyglassError as e:
            await asyncio.to_thread(self.store.fail, job, e.reason, e.message, retry=True)
            return
        except Exception as e:  # a bug: keep the worker alive, let the job be retried
            log.exception("%s: job %s failed unexpectedly", self.id, job.job_id)
            await asyncio.to_thread(self.store.fail, job, "internal", repr(e)[:500], retry=True)
            return
        finished = await asyncio.to_thread(self._complete, job, capture)
        if finished:
            self.done += 1
            if request.webhook_url:
                await notify(request.webhook_url, job, self.settings)

    def _complete(self, job: ClaimedJob, capture: RawCapture) -> bool:
        finished = finish_scan(capture, task_for_job(job, self.settings), self.refdata)
        return save_scan(self.store, job, capture, finished)


async def run_workers(
    settings: Settings,
    store: Store,
    count: int,
    stop: asyncio.Event | None = None,
    ip_data: IPData | None = None,
) -> None:
    """``count`` workers sharing one browser (one context each) until ``stop`` is set or the
    task is cancelled (a cancelled scan's lease runs out and another worker resumes it).
    ``ip_data``: the process's, or made here from ``settings`` (``SPYGLASS_MMDB``)."""
    if count <= 0:
        return
    stop = stop or asyncio.Event()
    refdata = RefData.from_settings(settings, ip_data)  # a broken YARA rule stops us here
    await asyncio.to_thread(refdata.preload)
    # The enrichment data is ~280,000 long-lived objects; every full collection would walk
    # them again (~160 ms, measured in bench/ui.py, on the API's requests too when `serve`
    # runs workers). Frozen, the collector leaves them alone.
    gc.collect()
    gc.freeze()
    async with BrowserPool(settings) as pool:
        await pool.warm_up()  # the first scan as fast as the later ones
        workers = [Worker(settings, store, pool, refdata=refdata) for _ in range(count)]
        await asyncio.gather(*(w.run(stop) for w in workers))
