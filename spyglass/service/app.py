"""The FastAPI application: ``create_app(settings, store)``.

    app = create_app(settings, store, lifespan_tasks=[worker_loop])   # spyglass serve
    app = create_app(settings, store)                                 # tests, API-only hosts

``lifespan_tasks`` are coroutine functions run as background tasks while the app lives (the
scan workers of ``spyglass serve``); they are cancelled, and awaited, on shutdown. The store
belongs to the caller: the app neither opens nor closes it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles

from spyglass.models import Isolation
from spyglass.refdata.ipdata import IPData
from spyglass.service import api_v1, artifacts, ui
from spyglass.service.dependencies import StoreDep
from spyglass.service.error_bodies import UrlscanJSONResponse, install_error_handlers
from spyglass.service.middleware import ArtifactHeaders, HeadWithoutBody, RateLimitHeaders
from spyglass.service.ratelimit import RateLimiter
from spyglass.service.routing import route
from spyglass.settings import Settings
from spyglass.store import Store

log = logging.getLogger("spyglass.service")

# A coroutine function, not any awaitable: asyncio.create_task runs coroutines only.
LifespanTask = Callable[[], Coroutine[object, object, None]]

_health = APIRouter(tags=["service"])


@route(_health, "/healthz")
async def healthz(request: Request, store: StoreDep) -> Response:
    """Liveness, the queue (jobs by status) and how this process's browser is isolated (null on
    an API-only host); a browser without its sandbox is named in ``warnings``."""
    isolation: Isolation | None = request.app.state.isolation
    warnings = []
    if isolation is not None and not isolation.sandbox:
        warnings.append(
            "the browser runs without Chromium's sandbox (SPYGLASS_ALLOW_UNSANDBOXED is set and "
            "the sandbox cannot start here)"
        )
    return UrlscanJSONResponse(
        {
            "status": "ok",
            "jobs": await run_in_threadpool(store.counts),
            "browser": isolation.model_dump(mode="json") if isolation is not None else None,
            "allowUnsandboxed": request.app.state.settings.allow_unsandboxed,
            "warnings": warnings,
        }
    )


def create_app(
    settings: Settings,
    store: Store,
    *,
    lifespan_tasks: Sequence[LifespanTask] = (),
    ip_data: IPData | None = None,
    isolation: Isolation | None = None,
) -> FastAPI:
    app = FastAPI(
        title="Spyglass",
        summary="Self-hosted URL-scanning sandbox with a urlscan.io-compatible API.",
        version="0.1.0",
        lifespan=_lifespan(tuple(lifespan_tasks)),
        default_response_class=UrlscanJSONResponse,
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.isolation = isolation  # of this process's workers' browser (check_browser)
    # Where submitters are (submitter.country): the process's, or made from the settings.
    app.state.ip_data = ip_data if ip_data is not None else IPData.from_settings(settings)
    app.state.rate_limiter = RateLimiter(
        {"minute": settings.rate_limit_minute, "day": settings.rate_limit_day}
    )
    install_error_handlers(app)
    app.include_router(api_v1.router)
    app.include_router(artifacts.router)
    app.include_router(_health)
    app.include_router(ui.router)
    app.mount("/static", StaticFiles(directory=ui.STATIC), name="static")
    # Added last = outermost: HEAD bodies are dropped after every other middleware ran.
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(ArtifactHeaders)
    app.add_middleware(HeadWithoutBody)
    return app


def _lifespan(
    tasks: tuple[LifespanTask, ...],
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        running = [asyncio.create_task(task(), name=_name(task)) for task in tasks]
        for task in running:
            task.add_done_callback(_report_end)
        try:
            yield
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    return lifespan


def _name(task: LifespanTask) -> str:
    """``run_workers`` for ``partial(run_workers, ...)`` too."""
    function = getattr(task, "func", task)
    return getattr(function, "__qualname__", None) or repr(task)


def _report_end(task: asyncio.Task[None]) -> None:
    """A background task that crashes is logged as an error (its exception included)."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("background task %s crashed", task.get_name(), exc_info=error)
    else:
        log.info("background task %s ended", task.get_name())
