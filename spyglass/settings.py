"""One settings object, read once from ``SPYGLASS_*`` variables and passed down.

``Settings.from_env(environ)`` takes any mapping so tests can build variants without touching
``os.environ``; a bad value fails naming the variable and the value.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from spyglass.errors import InvalidOption

DEFAULT_CHROMIUM = "/usr/bin/chromium"
MAX_SESSION_HOURS = 24 * 366


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    data_dir: Path = Path("spyglass-data")
    chromium_path: str = DEFAULT_CHROMIUM
    # CIDRs the guard opens for every scan (everything private/reserved is closed by default).
    allow_networks: tuple[str, ...] = ()
    # host -> address pins applied to every scan (like curl --resolve).
    resolve: dict[str, str] = Field(default_factory=dict)
    # When true, only pinned hosts resolve: no DNS query ever leaves the machine (tests, air gaps).
    pins_only: bool = False
    # base64 SHA-256 SPKI hashes Chromium accepts despite an unknown issuer (a lab's own CA).
    trusted_spki: tuple[str, ...] = ()
    # Relaunch the browser after this many scans, to bound leaks in a long-lived worker.
    relaunch_every: int = 200
    max_body_bytes: int = 10 * 1024 * 1024
    # A main document is cut off here: Chromium needs seconds per MB to lay out giant text.
    max_document_bytes: int = 3 * 1024 * 1024
    max_total_body_bytes: int = 64 * 1024 * 1024
    # A download is cancelled at Chromium's first progress report past this (reports come about
    # twice a second), or at once when its Content-Length says so.
    max_download_bytes: int = 32 * 1024 * 1024
    # Bytes one scan may receive in all (every body, every download, through the guard proxy):
    # enforced while they stream, so nothing a page pulls can put more than this on disk.
    max_scan_bytes: int = 256 * 1024 * 1024
    # The same for all scans of one browser (one worker process) at once: its disk budget.
    max_browser_bytes: int = 1024 * 1024 * 1024
    # Memory of each browser's whole process tree (memory.py): a page past it loses its renderer
    # and the scan ends with reason "memory". method: auto (a cgroup, else a watchdog) | cgroup |
    # watchdog.
    browser_memory_mb: int = 2048
    memory_bound: str = "auto"
    # The account the browser runs as when the service runs as root (sandbox.py).
    browser_user: str = "spyglass-browser"
    # Start even where Chromium's sandbox cannot (a kernel without user namespaces): the browser
    # then runs with --no-sandbox, and every report's meta and /healthz say so.
    allow_unsandboxed: bool = False
    screenshot_max_height: int = 8000
    # Cap on each page's JavaScript heap: a memory bomb kills its own renderer in about a second
    # instead of eating the worker's memory for many.
    renderer_heap_mb: int = 1024
    scanner_country: str | None = None
    # The user's MaxMind-format databases (GeoLite2/GeoIP2 ASN, Country, City; ip-location-db
    # mmdb), first that knows wins, before the data shipped with Spyglass (analyze/enrich.py).
    mmdb: tuple[Path, ...] = ()
    # The OFAC digital-currency address list (analyze/sanctions.py). None: the list
    # `spyglass data update` rebuilt under the data dir when there is one, else the bundled one.
    sanctions_path: Path | None = None
    # A folder of the user's YARA rules (*.yar, *.yara), used with the bundled ones by the
    # "yara" verdict engine (analyze/verdicts/yara_rules.py); a rule that does not compile
    # stops the worker at start, naming the file.
    yara_rules_dir: Path | None = None

    # ---- service (spyglass serve / worker)
    # None: SQLite at <data_dir>/spyglass.db. At scale: postgresql+psycopg://user@host/db
    database_url: str | None = None
    # Base of every absolute URL in API answers (result, api, screenshotURL...).
    public_url: str = "http://127.0.0.1:8000"
    # CIDRs webhooks may reach: their own policy, closed to loopback/private by default whatever
    # allow_networks opens for pages, and never the service's own port (webhooks.py).
    webhook_allow_networks: tuple[str, ...] = ()
    # Ports this service's API listens on besides public_url's (`serve` sets its --port).
    service_ports: tuple[int, ...] = ()
    # Identical submissions (same URL, visibility, owner and options) within this many seconds
    # return the earlier scan; 0 turns deduplication off; a submission's "force" overrides it.
    dedupe_window: float = 0.0
    # A worker holds a job for this long without a heartbeat before another may take it over.
    lease_seconds: float = 60.0
    max_attempts: int = 3
    # Per API key and action (public, unlisted, private, search, retrieve).
    rate_limit_minute: int = 120
    rate_limit_day: int = 20000
    # Anonymous callers may read public scans (result, screenshot, DOM, search); submitting
    # always needs a key.
    anonymous_read: bool = True
    # Any search statement running longer is stopped (a 400 that says so), whatever it asks.
    search_timeout: float = 10.0
    # A sign-in to the pages lasts this long from signing in (fixed; using it does not extend it).
    session_hours: float = 12.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if "SPYGLASS_DATA" in env:
            values["data_dir"] = Path(env["SPYGLASS_DATA"])
        if "SPYGLASS_CHROMIUM" in env:
            values["chromium_path"] = env["SPYGLASS_CHROMIUM"]
        if env.get("SPYGLASS_ALLOW_NETWORKS"):
            values["allow_networks"] = parse_networks(
                _split(env["SPYGLASS_ALLOW_NETWORKS"]), "SPYGLASS_ALLOW_NETWORKS"
            )
        if env.get("SPYGLASS_RESOLVE"):
            values["resolve"] = parse_pins(_split(env["SPYGLASS_RESOLVE"]), "SPYGLASS_RESOLVE")
        if "SPYGLASS_PINS_ONLY" in env:
            values["pins_only"] = _parse_bool(env["SPYGLASS_PINS_ONLY"], "SPYGLASS_PINS_ONLY")
        if env.get("SPYGLASS_TRUSTED_SPKI"):
            values["trusted_spki"] = tuple(_split(env["SPYGLASS_TRUSTED_SPKI"]))
        if env.get("SPYGLASS_SCANNER_COUNTRY"):
            values["scanner_country"] = env["SPYGLASS_SCANNER_COUNTRY"]
        if env.get("SPYGLASS_MMDB"):
            paths = env["SPYGLASS_MMDB"].split(os.pathsep)
            values["mmdb"] = tuple(Path(part.strip()) for part in paths if part.strip())
        if env.get("SPYGLASS_SANCTIONS_FILE"):
            values["sanctions_path"] = Path(env["SPYGLASS_SANCTIONS_FILE"])
        if env.get("SPYGLASS_YARA_RULES"):
            values["yara_rules_dir"] = Path(env["SPYGLASS_YARA_RULES"])
        if env.get("SPYGLASS_DATABASE_URL"):
            values["database_url"] = env["SPYGLASS_DATABASE_URL"]
        if env.get("SPYGLASS_PUBLIC_URL"):
            values["public_url"] = env["SPYGLASS_PUBLIC_URL"].rstrip("/")
        if "SPYGLASS_ALLOW_UNSANDBOXED" in env:
            values["allow_unsandboxed"] = _parse_bool(
                env["SPYGLASS_ALLOW_UNSANDBOXED"], "SPYGLASS_ALLOW_UNSANDBOXED"
            )
        if env.get("SPYGLASS_BROWSER_USER"):
            values["browser_user"] = env["SPYGLASS_BROWSER_USER"]
        if env.get("SPYGLASS_WEBHOOK_ALLOW_NETWORKS"):
            values["webhook_allow_networks"] = parse_networks(
                _split(env["SPYGLASS_WEBHOOK_ALLOW_NETWORKS"]), "SPYGLASS_WEBHOOK_ALLOW_NETWORKS"
            )
        if "SPYGLASS_ANONYMOUS_READ" in env:
            values["anonymous_read"] = _parse_bool(
                env["SPYGLASS_ANONYMOUS_READ"], "SPYGLASS_ANONYMOUS_READ"
            )
        for name, field in (
            ("SPYGLASS_DEDUPE_WINDOW", "dedupe_window"),
            ("SPYGLASS_LEASE_SECONDS", "lease_seconds"),
            ("SPYGLASS_SEARCH_TIMEOUT", "search_timeout"),
            ("SPYGLASS_SESSION_HOURS", "session_hours"),
        ):
            if env.get(name):
                values[field] = _parse_number(env[name], name, float)
        for name, field in (
            ("SPYGLASS_MAX_ATTEMPTS", "max_attempts"),
            ("SPYGLASS_RATE_LIMIT_MINUTE", "rate_limit_minute"),
            ("SPYGLASS_RATE_LIMIT_DAY", "rate_limit_day"),
            ("SPYGLASS_MAX_DOWNLOAD_BYTES", "max_download_bytes"),
            ("SPYGLASS_MAX_SCAN_BYTES", "max_scan_bytes"),
            ("SPYGLASS_MAX_BROWSER_BYTES", "max_browser_bytes"),
            ("SPYGLASS_BROWSER_MEMORY_MB", "browser_memory_mb"),
        ):
            if env.get(name):
                values[field] = _parse_number(env[name], name, int)
        if not 0 < float(values.get("session_hours", 1)) <= MAX_SESSION_HOURS:  # type: ignore[arg-type]
            raise InvalidOption(
                f"SPYGLASS_SESSION_HOURS: expected 0 < hours <= {MAX_SESSION_HOURS}, "
                f"got {env['SPYGLASS_SESSION_HOURS']!r}"
            )
        return cls(**values)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _parse_number(value: str, name: str, kind: type[int] | type[float]) -> int | float:
    try:
        number = kind(value)
    except ValueError as e:
        raise InvalidOption(f"{name}: expected a {kind.__name__}, got {value!r}") from e
    if number < 0:
        raise InvalidOption(f"{name}: must not be negative, got {value!r}")
    return number


def _parse_bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise InvalidOption(f"{name}: expected true or false, got {value!r}")


def parse_networks(
    values: list[str] | tuple[str, ...], name: str = "--allow-network"
) -> tuple[str, ...]:
    """Validate CIDRs: ``["127.0.0.0/8", "::1"]`` -> ``("127.0.0.0/8", "::1/128")``."""
    networks = []
    for value in values:
        try:
            networks.append(str(ipaddress.ip_network(value, strict=False)))
        except ValueError as e:
            raise InvalidOption(f"{name}: {value!r} is not a network (CIDR)") from e
    return tuple(networks)


def parse_pins(values: list[str] | tuple[str, ...], name: str = "--resolve") -> dict[str, str]:
    """Parse curl-style pins: ``["news.test:127.0.0.2", "v6.test:[::1]"]`` -> {host: address}.

    curl's ``HOST:PORT:ADDRESS`` form is accepted too; the port is ignored because the pin applies
    to every port of the host.
    """
    pins: dict[str, str] = {}
    for value in values:
        host, sep, rest = value.partition(":")
        if not sep or not host or not rest:
            raise InvalidOption(f"{name}: {value!r} is not HOST:ADDRESS")
        head, _, tail = rest.partition(":")
        if head.isdigit() and tail:  # HOST:PORT:ADDRESS
            rest = tail
        address = rest.strip("[]")
        try:
            ipaddress.ip_address(address)
        except ValueError as e:
            raise InvalidOption(f"{name}: {address!r} in {value!r} is not an IP address") from e
        pins[host.lower().rstrip(".")] = address
    return pins
