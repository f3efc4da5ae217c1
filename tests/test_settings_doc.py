"""The README's settings table is the one settings_doc writes from the declarations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest

from spyglass.settings import Env, Settings, declared
from spyglass.settings_doc import (
    BEGIN,
    END,
    markdown_table,
    shown_default,
    table_in,
    with_table,
    write_table,
)

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_settings_table_is_the_generated_one() -> None:
    assert table_in(README.read_text(encoding="utf-8")) == markdown_table(), (
        "README's settings table is stale: run scripts/settings-doc"
    )


def test_every_variable_has_a_row() -> None:
    table = table_in(README.read_text(encoding="utf-8"))
    for _, env in declared():
        assert f"| `{env.var}` | {env.help} |" in table


class _WithNewSetting(Settings):
    crawl_depth: Annotated[int, Env("SPYGLASS_CRAWL_DEPTH", lambda v, n: int(v), "links")] = 2


def test_a_new_setting_makes_the_readme_stale() -> None:
    table = markdown_table(_WithNewSetting)
    assert table.endswith("| `SPYGLASS_CRAWL_DEPTH` | links | `2` |\n")
    assert table_in(README.read_text(encoding="utf-8")) != table


@pytest.mark.parametrize(
    ("field", "shown"),
    [
        ("data_dir", "`spyglass-data`"),
        ("chromium_path", "`/usr/bin/chromium`"),
        ("pins_only", "`0`"),
        ("anonymous_read", "`1`"),
        ("allow_networks", "none"),
        ("lease_seconds", "`60`"),
        ("max_attempts", "`3`"),
        ("max_scan_bytes", "256 MiB"),
        ("max_browser_bytes", "1 GiB"),
        ("dedupe_window", "`0` (off)"),
        ("scanner_country", "unknown"),
    ],
)
def test_shown_default(field: str, shown: str) -> None:
    env = dict(declared())[field]
    assert shown_default(Settings, field, env) == shown


def test_write_table_replaces_only_between_the_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{BEGIN}\n| old |\n{END}\nafter\n", encoding="utf-8")
    write_table(readme)
    text = readme.read_text(encoding="utf-8")
    assert text == f"# Title\n\nbefore\n{BEGIN}\n{markdown_table()}{END}\nafter\n"
    write_table(readme)
    assert readme.read_text(encoding="utf-8") == text


def test_markers_missing_is_an_error() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_table("# no table here\n", markdown_table())
