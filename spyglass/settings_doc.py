"""The README's settings table, written from the declarations in ``spyglass/settings.py``.

``scripts/settings-doc`` puts it between the marker comments in README.md;
tests/test_settings_doc.py fails when the README's table is not what this writes, so a setting
that is added, renamed or re-explained in code but not in the README fails the tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spyglass.settings import Env, Settings, declared

BEGIN = "<!-- settings table: written by scripts/settings-doc from spyglass/settings.py -->"
END = "<!-- end of settings table -->"


def markdown_table(model: type[Settings] = Settings) -> str:
    """One row per ``Env`` field: ``| `SPYGLASS_DATA` | data folder | `spyglass-data` |``."""
    rows = ["| variable | meaning | default |", "| --- | --- | --- |"]
    for field, env in declared(model):
        meaning = env.help.replace("|", "\\|")
        rows.append(f"| `{env.var}` | {meaning} | {shown_default(model, field, env)} |")
    return "\n".join(rows) + "\n"


def shown_default(model: type[Settings], field: str, env: Env) -> str:
    """The default as a reader wants it: ``env.default`` when given, else from the value:
    ``False`` -> ``"`0`"``, ``12.0`` -> ``"`12`"``, ``()`` or ``None`` -> ``"none"``,
    ``268435456`` for a ``*_BYTES`` variable -> ``"256 MiB"``."""
    if env.default is not None:
        return env.default
    value = model.model_fields[field].get_default(call_default_factory=True)
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    if value is None or value == () or value == {}:
        return "none"
    if isinstance(value, int) and env.var.endswith("_BYTES"):
        return _size(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def _size(count: int) -> str:
    """``1073741824`` -> ``"1 GiB"``, ``33554432`` -> ``"32 MiB"``, ``1000`` -> ``"`1000`"``."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2)):
        if count % size == 0:
            return f"{count // size} {unit}"
    return f"`{count}`"


def with_table(readme: str, table: str) -> str:
    """``readme`` with ``table`` in place of whatever stands between BEGIN and END."""
    head, begin, rest = readme.partition(BEGIN + "\n")
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"README has no {BEGIN!r} ... {END!r} markers")
    return head + begin + table + end + tail


def table_in(readme: str) -> str:
    """What stands between the markers (the table the README shows)."""
    rest = readme.partition(BEGIN + "\n")[2]
    return rest.partition(END)[0]


def write_table(readme: Path) -> None:
    """Rewrite ``readme``'s settings table (``python -m spyglass.settings_doc README.md``)."""
    text = readme.read_text(encoding="utf-8")
    readme.write_text(with_table(text, markdown_table()), encoding="utf-8")


if __name__ == "__main__":
    write_table(Path(sys.argv[1]))
