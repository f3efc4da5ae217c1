"""Typed keys for what handlers read: request.app[URLS], request[SITE]."""

import asyncio

from aiohttp import web

from tests.testweb.urls import Urls

URLS = web.AppKey("urls", Urls)
# Set when stop() begins: handlers that never answer wait on it, so the server
# can always shut down promptly.
STOPPING = web.AppKey("stopping", asyncio.Event)
# The site answering this request (see server.Hit for how it is chosen).
SITE = web.RequestKey("site", str)
