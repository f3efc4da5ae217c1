"""Handlers by host and path: one small handler per behaviour.

Each sites/ module fills its own ``Routes`` with decorators; sites/__init__.py
merges them into the one table the server dispatches on.
"""

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# A host's fallback for paths it has no handler for (internal.test answers all).
ANY_PATH = "*"


class Routes:
    def __init__(self) -> None:
        self.by_host: dict[str, dict[str, Handler]] = {}

    def route(self, host: str, path: str) -> Callable[[Handler], Handler]:
        """Register the decorated handler for `path` on `host`, any method."""

        def register(handler: Handler) -> Handler:
            self._add(host, path, handler)
            return handler

        return register

    def find(self, host: str, path: str) -> Handler | None:
        paths = self.by_host.get(host, {})
        return paths.get(path) or paths.get(ANY_PATH)

    @classmethod
    def merge(cls, *parts: "Routes") -> "Routes":
        merged = cls()
        for part in parts:
            for host, paths in part.by_host.items():
                for path, handler in paths.items():
                    merged._add(host, path, handler)
        return merged

    def _add(self, host: str, path: str, handler: Handler) -> None:
        paths = self.by_host.setdefault(host, {})
        if path in paths:
            raise ValueError(f"two handlers for {host}{path}")
        paths[path] = handler
