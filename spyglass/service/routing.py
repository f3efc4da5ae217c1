"""Routes that answer with and without a trailing slash, without redirecting.

urlscan-python calls ``/api/v1/result/{uuid}/``; XSOAR, MISP and Splunk SOAR call
``/api/v1/result/{uuid}``. A redirect would turn a POST into a GET in httpx (301/302), so both
spellings are registered as routes of their own; the OpenAPI page shows the first one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import APIRouter

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def route(
    router: APIRouter, path: str, methods: Sequence[str] = ("GET",), **options: Any
) -> Callable[[Endpoint], Endpoint]:
    """``@route(router, "/api/v1/scan/", ["POST"])`` serves ``/api/v1/scan/`` and
    ``/api/v1/scan``. HEAD, when asked for, is a route of its own kept out of the schema (one
    operation per method there)."""
    bare = path.rstrip("/")
    other = bare if path.endswith("/") else bare + "/"
    shown = [method for method in methods if method != "HEAD"]
    hidden = [method for method in methods if method == "HEAD"]

    def register(endpoint: Endpoint) -> Endpoint:
        name = endpoint.__name__
        for spelling, suffix in ((path, ""), (other, "_alt")):
            router.add_api_route(
                spelling,
                endpoint,
                methods=shown,
                name=name + suffix,
                include_in_schema=not suffix,
                **options,
            )
            if hidden:
                router.add_api_route(
                    spelling,
                    endpoint,
                    methods=hidden,
                    name=f"{name}_head{suffix}",
                    include_in_schema=False,
                    **options,
                )
        return endpoint

    return register
