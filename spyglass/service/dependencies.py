"""The objects endpoints depend on, read from ``app.state`` (set by ``create_app``).

Tests swap them with ``app.dependency_overrides[get_settings] = lambda: other_settings``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from spyglass.refdata.ipdata import IPData
from spyglass.service.ratelimit import RateLimiter
from spyglass.settings import Settings
from spyglass.store import Store

# ``app.state`` is untyped (Starlette's State): each getter says what ``create_app`` put there.


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_ip_data(request: Request) -> IPData:
    ip_data: IPData = request.app.state.ip_data
    return ip_data


def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
IPDataDep = Annotated[IPData, Depends(get_ip_data)]
