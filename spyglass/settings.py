"""One settings object, read once from ``SPYGLASS_*`` variables and passed down.

Each field of ``Settings`` is its own declaration: ``Env(variable, parse, help)`` when the
environment may set it, ``Internal(why)`` when only code does (tests, ``serve``'s own port, fixed
limits). ``from_env`` reads every ``Env`` field the same way, and ``settings_doc`` writes the
README's table from the same declarations, so a setting cannot be read but undocumented.

``Settings.from_env(environ)`` takes any mapping so tests can build variants without touching
``os.environ``; a bad value fails naming the variable and the value. An empty variable counts as
unset, except a switch, where empty means off.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from spyglass.errors import InvalidOption

DEFAULT_CHROMIUM = "/usr/bin/chromium"
MAX_SESSION_HOURS = 24 * 366
MiB = 1024 * 1024

# A parser turns a variable's text into the field's value; it gets the variable's name to put in
# its error message.
Parser = Callable[[str, str], object]


@dataclass(frozen=True)
class Env:
    """A field the ``var`` variable sets, through ``parse``; ``help`` and ``default`` (how the
    README shows the default when the value alone does not say it) feed the README's table."""

    var: str
    parse: Parser
    help: str
    default: str | None = None


@dataclass(frozen=True)
class Internal:
    """A field no variable sets; ``help`` says who sets it instead."""

    help: str


def _text(value: str, name: str) -> str:
    return value


def _path(value: str, name: str) -> Path:
    return Path(value)


def _paths(value: str, name: str) -> tuple[Path, ...]:
    """``"/a.mmdb: /b.mmdb:"`` -> ``(Path("/a.mmdb"), Path("/b.mmdb"))`` (split on os.pathsep)."""
    return tuple(Path(part.strip()) for part in value.split(os.pathsep) if part.strip())


def _words(value: str, name: str) -> tuple[str, ...]:
    """``"a=, b=,"`` -> ``("a=", "b=")``."""
    return tuple(_split(value))


def _base_url(value: str, name: str) -> str:
    """``"https://scan.example/"`` -> ``"https://scan.example"``: paths are appended to it."""
    return value.rstrip("/")


def _networks(value: str, name: str) -> tuple[str, ...]:
    return parse_networks(_split(value), name)


def _pins(value: str, name: str) -> dict[str, str]:
    return parse_pins(_split(value), name)


def _int(value: str, name: str) -> int:
    return int(_parse_number(value, name, int))


def _float(value: str, name: str) -> float:
    return float(_parse_number(value, name, float))


def _hours(value: str, name: str) -> float:
    """``"0.5"`` -> ``0.5``; a session of no time, forever (inf, nan) or over a year is refused."""
    hours = _float(value, name)
    if not 0 < hours <= MAX_SESSION_HOURS:
        raise InvalidOption(f"{name}: expected 0 < hours <= {MAX_SESSION_HOURS}, got {value!r}")
    return hours


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


def _switch(value: str, name: str) -> bool:
    """``"1"``, ``"true"``, ``"yes"``, ``"on"`` -> True; ``"0"``, ``"false"``, ``"no"``, ``"off"``,
    ``""`` -> False (any case, spaces ignored); anything else is refused."""
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


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    data_dir: Annotated[Path, Env("SPYGLASS_DATA", _path, "data folder")] = Path("spyglass-data")
    chromium_path: Annotated[str, Env("SPYGLASS_CHROMIUM", _text, "Chromium binary")] = (
        DEFAULT_CHROMIUM
    )
    # Everything private/reserved is closed by default.
    allow_networks: Annotated[
        tuple[str, ...],
        Env(
            "SPYGLASS_ALLOW_NETWORKS",
            _networks,
            "comma-separated CIDRs the guard opens for every scan",
        ),
    ] = ()
    # Like curl --resolve.
    resolve: Annotated[
        dict[str, str],
        Env(
            "SPYGLASS_RESOLVE",
            _pins,
            "comma-separated `HOST:ADDRESS` pins applied to every scan (`*.suffix` pins a suffix)",
        ),
    ] = Field(default_factory=dict)
    # For tests and air gaps.
    pins_only: Annotated[
        bool,
        Env(
            "SPYGLASS_PINS_ONLY",
            _switch,
            "`1`: only pinned hosts resolve; no DNS query leaves the machine",
        ),
    ] = False
    # Accepted despite an unknown issuer.
    trusted_spki: Annotated[
        tuple[str, ...],
        Env(
            "SPYGLASS_TRUSTED_SPKI",
            _words,
            "base64 SHA-256 SPKI hashes of certificates Chromium accepts (a lab CA)",
        ),
    ] = ()
    relaunch_every: Annotated[
        int,
        Internal("relaunch the browser after this many scans, to bound leaks in a long worker"),
    ] = 200
    max_body_bytes: Annotated[int, Internal("a response body larger than this is not kept")] = (
        10 * MiB
    )
    # Chromium needs seconds per MB to lay out giant text.
    max_document_bytes: Annotated[
        int, Internal("a main document is cut off here (loading stops)")
    ] = 3 * MiB
    max_total_body_bytes: Annotated[
        int, Internal("response bodies one scan keeps in all; later ones are not kept")
    ] = 64 * MiB
    # Content-Length past it cancels at once; otherwise progress reports come about twice a second.
    max_download_bytes: Annotated[
        int,
        Env(
            "SPYGLASS_MAX_DOWNLOAD_BYTES",
            _int,
            "one download is cancelled at Chromium's first progress report past this",
        ),
    ] = 32 * MiB
    # Enforced while they stream (every body, every download, through the guard proxy).
    max_scan_bytes: Annotated[
        int,
        Env(
            "SPYGLASS_MAX_SCAN_BYTES",
            _int,
            "bytes one scan may receive in all, enforced while they stream "
            "(the bound on what a page can put on disk)",
        ),
    ] = 256 * MiB
    max_browser_bytes: Annotated[
        int,
        Env(
            "SPYGLASS_MAX_BROWSER_BYTES",
            _int,
            "the same for all scans of one worker process at once: its disk budget",
        ),
    ] = 1024 * MiB
    # memory.py: a page past it loses its renderer.
    browser_memory_mb: Annotated[
        int,
        Env(
            "SPYGLASS_BROWSER_MEMORY_MB",
            _int,
            "memory of each browser's whole process tree (a cgroup, else a watchdog); "
            "a page past it ends with reason `memory`",
        ),
    ] = 2048
    memory_bound: Annotated[
        str, Internal("how browser_memory_mb is enforced: auto | cgroup | watchdog (tests)")
    ] = "auto"
    # sandbox.py.
    browser_user: Annotated[
        str,
        Env(
            "SPYGLASS_BROWSER_USER",
            _text,
            "the account the browser runs as when Spyglass runs as root "
            "(`scripts/setup` makes it; `nobody` when it is missing)",
        ),
    ] = "spyglass-browser"
    # For a kernel without user namespaces: the browser then runs with --no-sandbox.
    allow_unsandboxed: Annotated[
        bool,
        Env(
            "SPYGLASS_ALLOW_UNSANDBOXED",
            _switch,
            "`1`: start even where Chromium's sandbox cannot (no user namespaces); "
            "reports' `meta.isolation` and `/healthz` then say so",
            default="`0` (refuse to start)",
        ),
    ] = False
    screenshot_max_height: Annotated[
        int, Internal("a full-page screenshot is cut off at this many pixels")
    ] = 8000
    # A memory bomb kills its own renderer in about a second instead of eating the worker's memory.
    renderer_heap_mb: Annotated[int, Internal("cap on each page's JavaScript heap")] = 1024
    scanner_country: Annotated[
        str | None,
        Env(
            "SPYGLASS_SCANNER_COUNTRY",
            _text,
            "the `scanner.country` written in reports",
            default="unknown",
        ),
    ] = None
    # First that knows wins (refdata/ipdata.py).
    mmdb: Annotated[
        tuple[Path, ...],
        Env(
            "SPYGLASS_MMDB",
            _paths,
            "MaxMind-format databases (GeoLite2/GeoIP2 ASN, Country, City; ip-location-db mmdb), "
            "separated by `:`, consulted in order before the shipped data",
        ),
    ] = ()
    # refdata/sanctions_list.py.
    sanctions_path: Annotated[
        Path | None,
        Env(
            "SPYGLASS_SANCTIONS_FILE",
            _path,
            "the OFAC digital-currency address list to match against "
            "(JSON, as `spyglass data update` writes it)",
            default="the list `spyglass data update` rebuilt in the data folder, "
            "else the bundled snapshot",
        ),
    ] = None
    # analyze/verdicts/yara_rules.py.
    yara_rules_dir: Annotated[
        Path | None,
        Env(
            "SPYGLASS_YARA_RULES",
            _path,
            "a folder of your own YARA rules (`*.yar`, `*.yara`), used with the bundled ones "
            "(`spyglass/data/yara/`) by the `yara` verdict engine; meta `description`, "
            "`category`, `score` (default 75; 70 and above is malicious); a rule that does not "
            "compile stops the worker at start, naming the file",
        ),
    ] = None

    # ---- service (spyglass serve / worker)
    database_url: Annotated[
        str | None,
        Env(
            "SPYGLASS_DATABASE_URL",
            _text,
            "`postgresql+psycopg://user@host/db` at scale",
            default="SQLite in the data folder",
        ),
    ] = None
    # (result, api, screenshotURL...)
    public_url: Annotated[
        str,
        Env(
            "SPYGLASS_PUBLIC_URL",
            _base_url,
            "base of every absolute URL the API returns",
            default="`http://HOST:PORT` of `serve`",
        ),
    ] = "http://127.0.0.1:8000"
    # Their own policy, whatever allow_networks opens for pages (webhooks.py).
    webhook_allow_networks: Annotated[
        tuple[str, ...],
        Env(
            "SPYGLASS_WEBHOOK_ALLOW_NETWORKS",
            _networks,
            "comma-separated CIDRs webhooks may reach; `SPYGLASS_ALLOW_NETWORKS` does not open "
            "them, and the service's own port (its public URL's, `serve --port`) is never called",
        ),
    ] = ()
    service_ports: Annotated[
        tuple[int, ...],
        Internal("ports this service's API listens on besides public_url's (`serve --port`)"),
    ] = ()
    # Same URL, visibility, owner and options; a submission's "force" overrides it.
    dedupe_window: Annotated[
        float,
        Env(
            "SPYGLASS_DEDUPE_WINDOW",
            _float,
            "seconds within which an identical submission returns the earlier scan",
            default="`0` (off)",
        ),
    ] = 0.0
    # Without a heartbeat; then another worker may take the job over.
    lease_seconds: Annotated[
        float,
        Env("SPYGLASS_LEASE_SECONDS", _float, "how long a silent worker keeps a job"),
    ] = 60.0
    max_attempts: Annotated[
        int, Env("SPYGLASS_MAX_ATTEMPTS", _int, "tries per job before it fails")
    ] = 3
    # Per API key and action (public, unlisted, private, search, retrieve).
    rate_limit_minute: Annotated[
        int,
        Env(
            "SPYGLASS_RATE_LIMIT_MINUTE",
            _int,
            "calls per key and action (`public`, `unlisted`, `private` submissions, `search`, "
            "`retrieve`) in a minute; `0` turns the window off",
        ),
    ] = 120
    rate_limit_day: Annotated[
        int,
        Env(
            "SPYGLASS_RATE_LIMIT_DAY",
            _int,
            "the same in a day; `0` turns the window off",
        ),
    ] = 20000
    # Submitting always needs a key.
    anonymous_read: Annotated[
        bool,
        Env(
            "SPYGLASS_ANONYMOUS_READ",
            _switch,
            "anonymous callers may read public scans (result, screenshot, DOM, search)",
        ),
    ] = True
    # A 400 that says so, whatever the search asks.
    search_timeout: Annotated[
        float,
        Env("SPYGLASS_SEARCH_TIMEOUT", _float, "seconds any one search statement may run"),
    ] = 10.0
    # Fixed: using the session does not extend it.
    session_hours: Annotated[
        float,
        Env(
            "SPYGLASS_SESSION_HOURS",
            _hours,
            "how long a sign-in to the pages lasts, from signing in",
        ),
    ] = 12.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """``{"SPYGLASS_MAX_ATTEMPTS": "5"}`` -> ``Settings(max_attempts=5)``; ``None`` reads
        ``os.environ``."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field, spec in declared():
            value = env.get(spec.var)
            # A blank line in an env file leaves the default; only a switch reads "" (as off).
            if value is None or (not value and spec.parse is not _switch):
                continue
            values[field] = spec.parse(value, spec.var)
        return cls.model_validate(values)


def declared(model: type[Settings] | None = None) -> Iterator[tuple[str, Env]]:
    """Each environment-settable field of ``model`` (``Settings``) with its declaration, in the
    class's order: ``("data_dir", Env("SPYGLASS_DATA", ...))``, ..."""
    for name, field in (model or Settings).model_fields.items():
        for mark in field.metadata:
            if isinstance(mark, Env):
                yield name, mark
