"""Spyglass's exceptions: one root, a machine-readable ``reason`` on every class.

The worker stores ``reason`` as a failed job's cause; the CLI exits with ``exit_code``.

    SpyglassError
     ├── InputError                 (the request itself is unacceptable; nothing is started)
     │    ├── InvalidURL            reason "invalid_url"
     │    ├── RefusedScheme         reason "refused_scheme"
     │    ├── InvalidOption         reason "invalid_option"
     │    └── InvalidQuery          reason "invalid_query" (a search the parser refuses)
     ├── GuardError                 (the network policy said no before any browser started)
     │    ├── BlockedAddress        reason "blocked_address"
     │    └── UnresolvableHost      reason "dns"
     └── BrowserError               reason "browser" (Chromium could not be started or driven)
          └── SandboxUnavailable    reason "sandbox_unavailable" (and SPYGLASS_ALLOW_UNSANDBOXED
                                    is not set: we refuse to start rather than run unsandboxed)
"""

from __future__ import annotations


class SpyglassError(Exception):
    reason = "error"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def format_message(self) -> str:
        return f"{self.reason}: {self.message}"


class InputError(SpyglassError):
    reason = "invalid_input"
    exit_code = 2


class InvalidURL(InputError):
    reason = "invalid_url"
    exit_code = 2


class RefusedScheme(InputError):
    reason = "refused_scheme"
    exit_code = 3


class InvalidOption(InputError):
    reason = "invalid_option"
    exit_code = 2


class InvalidQuery(InputError):
    reason = "invalid_query"
    exit_code = 2


class GuardError(SpyglassError):
    reason = "blocked"
    exit_code = 4


class BlockedAddress(GuardError):
    reason = "blocked_address"
    exit_code = 4


class UnresolvableHost(GuardError):
    reason = "dns"
    exit_code = 5


class BrowserError(SpyglassError):
    reason = "browser"
    exit_code = 6


class SandboxUnavailable(BrowserError):
    reason = "sandbox_unavailable"
    exit_code = 8
