"""Small ASGI middlewares, each with one job.

* ``RateLimitHeaders``: after an endpoint took a rate-limit slot (``auth.enforce_rate_limit``),
  keep it when the answer is 200, give it back otherwise, and add ``X-Rate-Limit-*`` headers.
* ``ArtifactHeaders``: screenshots, DOMs, HARs and response bodies are hostile content served
  from our origin: ``Content-Security-Policy: sandbox`` keeps a browser from running them;
  ``X-Content-Type-Options: nosniff`` goes on every answer.
* ``HeadWithoutBody``: a HEAD answer carries the GET answer's status and headers, no body
  (uvicorn drops it too; this keeps the in-process test client honest).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spyglass.service.ratelimit import RateLimiter, Ticket

ARTIFACT_PREFIXES = ("/screenshots/", "/dom/", "/har/", "/responses/")


class RateLimitHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def finish(message: Message) -> None:
            ticket: Ticket | None = state.get("rate_limit")
            if message["type"] == "http.response.start" and ticket is not None:
                limiter: RateLimiter = scope["app"].state.rate_limiter
                if message["status"] != 200 or scope["method"] == "HEAD":
                    limiter.release(ticket)
                window = limiter.closest_to_exhaustion(ticket.subject, ticket.action)
                if window is not None:
                    headers = MutableHeaders(scope=message)
                    for name, value in window.headers(ticket.subject.scope).items():
                        headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, finish)
        except Exception:
            ticket = state.get("rate_limit")
            if ticket is not None:  # the 500 is answered outside: the slot was not used
                scope["app"].state.rate_limiter.release(ticket)
            raise


class ArtifactHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        artifact = scope["path"].startswith(ARTIFACT_PREFIXES)

        async def secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                if artifact:
                    headers["Content-Security-Policy"] = "sandbox"
            await send(message)

        await self.app(scope, receive, secure)


class HeadWithoutBody:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def drop_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, drop_body)
