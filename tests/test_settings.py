"""Settings: each SPYGLASS_* variable is read through its declaration, and every field says
whether it has one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spyglass.errors import InvalidOption
from spyglass.settings import Env, Internal, Settings, declared

# One value per variable and the field it must give.
READS = [
    ({"SPYGLASS_DATA": "/srv/spyglass"}, "data_dir", Path("/srv/spyglass")),
    ({"SPYGLASS_CHROMIUM": "/opt/chromium"}, "chromium_path", "/opt/chromium"),
    (
        {"SPYGLASS_ALLOW_NETWORKS": "127.0.0.0/8, ::1,"},
        "allow_networks",
        ("127.0.0.0/8", "::1/128"),
    ),
    (
        {"SPYGLASS_RESOLVE": "News.test.:127.0.0.2, v6.test:443:[::1]"},
        "resolve",
        {"news.test": "127.0.0.2", "v6.test": "::1"},
    ),
    ({"SPYGLASS_PINS_ONLY": " Yes "}, "pins_only", True),
    ({"SPYGLASS_TRUSTED_SPKI": "a=, b="}, "trusted_spki", ("a=", "b=")),
    ({"SPYGLASS_SCANNER_COUNTRY": "DE"}, "scanner_country", "DE"),
    (
        {"SPYGLASS_MMDB": os.pathsep.join(["/a.mmdb", " /b.mmdb ", ""])},
        "mmdb",
        (Path("/a.mmdb"), Path("/b.mmdb")),
    ),
    ({"SPYGLASS_SANCTIONS_FILE": "/x.json"}, "sanctions_path", Path("/x.json")),
    ({"SPYGLASS_YARA_RULES": "/rules"}, "yara_rules_dir", Path("/rules")),
    (
        {"SPYGLASS_DATABASE_URL": "postgresql+psycopg://u@h/d"},
        "database_url",
        "postgresql+psycopg://u@h/d",
    ),
    ({"SPYGLASS_PUBLIC_URL": "https://scan.example//"}, "public_url", "https://scan.example"),
    ({"SPYGLASS_ALLOW_UNSANDBOXED": "on"}, "allow_unsandboxed", True),
    ({"SPYGLASS_BROWSER_USER": "nobody"}, "browser_user", "nobody"),
    ({"SPYGLASS_WEBHOOK_ALLOW_NETWORKS": "10.1.2.3/8"}, "webhook_allow_networks", ("10.0.0.0/8",)),
    ({"SPYGLASS_ANONYMOUS_READ": "0"}, "anonymous_read", False),
    ({"SPYGLASS_ANONYMOUS_READ": ""}, "anonymous_read", False),
    ({"SPYGLASS_DEDUPE_WINDOW": "2.5"}, "dedupe_window", 2.5),
    ({"SPYGLASS_LEASE_SECONDS": "5"}, "lease_seconds", 5.0),
    ({"SPYGLASS_SEARCH_TIMEOUT": "0.5"}, "search_timeout", 0.5),
    ({"SPYGLASS_SESSION_HOURS": "8784"}, "session_hours", 8784.0),
    ({"SPYGLASS_MAX_ATTEMPTS": "1"}, "max_attempts", 1),
    ({"SPYGLASS_RATE_LIMIT_MINUTE": "0"}, "rate_limit_minute", 0),
    ({"SPYGLASS_RATE_LIMIT_DAY": "7"}, "rate_limit_day", 7),
    ({"SPYGLASS_MAX_DOWNLOAD_BYTES": "1024"}, "max_download_bytes", 1024),
    ({"SPYGLASS_MAX_SCAN_BYTES": "2048"}, "max_scan_bytes", 2048),
    ({"SPYGLASS_MAX_BROWSER_BYTES": "4096"}, "max_browser_bytes", 4096),
    ({"SPYGLASS_BROWSER_MEMORY_MB": "512"}, "browser_memory_mb", 512),
]


@pytest.mark.parametrize(("env", "field", "expected"), READS, ids=[next(iter(r[0])) for r in READS])
def test_each_variable_sets_its_field(env: dict[str, str], field: str, expected: object) -> None:
    settings = Settings.from_env(env)
    assert getattr(settings, field) == expected
    assert type(getattr(settings, field)) is type(expected)
    # Nothing else moves.
    others = {name for name in Settings.model_fields if name != field}
    assert {n: getattr(settings, n) for n in others} == {n: getattr(Settings(), n) for n in others}


def test_every_variable_is_exercised() -> None:
    assert {next(iter(env)) for env, _, _ in READS} == {env.var for _, env in declared()}


def test_empty_values_keep_the_default() -> None:
    blank = {env.var: "" for _, env in declared() if env.var != "SPYGLASS_ANONYMOUS_READ"}
    assert Settings.from_env(blank) == Settings()


def test_from_env_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPYGLASS_MAX_ATTEMPTS", "9")
    assert Settings.from_env().max_attempts == 9


BAD = [
    ("SPYGLASS_ALLOW_NETWORKS", "intranet", "SPYGLASS_ALLOW_NETWORKS: 'intranet' is not a network"),
    (
        "SPYGLASS_WEBHOOK_ALLOW_NETWORKS",
        "10.0.0.0/33",
        "SPYGLASS_WEBHOOK_ALLOW_NETWORKS: '10.0.0.0/33' is",
    ),
    ("SPYGLASS_RESOLVE", "news.test", "SPYGLASS_RESOLVE: 'news.test' is not HOST:ADDRESS"),
    (
        "SPYGLASS_RESOLVE",
        "a.test:nowhere",
        "SPYGLASS_RESOLVE: 'nowhere' in 'a.test:nowhere' is not",
    ),
    ("SPYGLASS_PINS_ONLY", "maybe", "SPYGLASS_PINS_ONLY: expected true or false, got 'maybe'"),
    ("SPYGLASS_ALLOW_UNSANDBOXED", "2", "SPYGLASS_ALLOW_UNSANDBOXED: expected true or false"),
    ("SPYGLASS_ANONYMOUS_READ", "nope", "SPYGLASS_ANONYMOUS_READ: expected true or false"),
    ("SPYGLASS_LEASE_SECONDS", "soon", "SPYGLASS_LEASE_SECONDS: expected a float, got 'soon'"),
    ("SPYGLASS_DEDUPE_WINDOW", "-1", "SPYGLASS_DEDUPE_WINDOW: must not be negative, got '-1'"),
    ("SPYGLASS_MAX_ATTEMPTS", "1.5", "SPYGLASS_MAX_ATTEMPTS: expected a int, got '1.5'"),
    ("SPYGLASS_MAX_SCAN_BYTES", "-5", "SPYGLASS_MAX_SCAN_BYTES: must not be negative, got '-5'"),
    ("SPYGLASS_SESSION_HOURS", "-1", "SPYGLASS_SESSION_HOURS: must not be negative, got '-1'"),
    ("SPYGLASS_SESSION_HOURS", "0", "SPYGLASS_SESSION_HOURS: expected 0 < hours <= 8784, got '0'"),
    (
        "SPYGLASS_SESSION_HOURS",
        "inf",
        "SPYGLASS_SESSION_HOURS: expected 0 < hours <= 8784, got 'inf'",
    ),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD)
def test_a_bad_value_names_the_variable_and_the_value(name: str, value: str, message: str) -> None:
    with pytest.raises(InvalidOption) as caught:
        Settings.from_env({name: value})
    assert caught.value.message.startswith(message)


def test_every_field_is_declared_settable_or_internal() -> None:
    for name, field in Settings.model_fields.items():
        marks = [m for m in field.metadata if isinstance(m, Env | Internal)]
        assert len(marks) == 1, f"Settings.{name} declares neither Env(...) nor Internal(...)"
        assert marks[0].help, f"Settings.{name} has no help text"


def test_internal_fields_are_not_read_from_the_environment() -> None:
    internal = {n for n, f in Settings.model_fields.items() if not _env_of(f.metadata)}
    assert internal == {
        "relaunch_every",
        "max_body_bytes",
        "max_document_bytes",
        "max_total_body_bytes",
        "memory_bound",
        "screenshot_max_height",
        "renderer_heap_mb",
        "service_ports",
    }
    env = {f"SPYGLASS_{n.upper()}": "1" for n in internal}
    assert Settings.from_env(env) == Settings()


def test_variable_names_are_unique_and_prefixed() -> None:
    names = [env.var for _, env in declared()]
    assert len(names) == len(set(names))
    assert all(name.startswith("SPYGLASS_") for name in names)


def test_keyword_construction_still_validates() -> None:
    assert Settings(max_attempts=5, data_dir=Path("x")).max_attempts == 5
    with pytest.raises(ValueError, match="max_attempts"):
        Settings(max_attempts="many")  # type: ignore[arg-type]


def _env_of(metadata: list[object]) -> Env | None:
    return next((m for m in metadata if isinstance(m, Env)), None)
