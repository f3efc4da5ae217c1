"""House rules about the package's shape that the linters do not check."""

from __future__ import annotations

from pathlib import Path

import spyglass

PACKAGE = Path(spyglass.__file__).parent
MAX_MODULE_LINES = 600


def test_no_module_is_over_600_lines() -> None:
    """A module past this does several jobs: split it by job (as ``analyze/detect/tech/``)."""
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text("utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def test_no_two_modules_share_a_name_across_the_layers() -> None:
    """Two ``errors.py`` or two ``artifacts.py`` send readers to the wrong file: a module's
    name says which room it is in (``__init__`` aside)."""
    seen: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.stem != "__init__":
            seen.setdefault(path.stem, []).append(str(path.relative_to(PACKAGE)))
    doubles = {stem: paths for stem, paths in seen.items() if len(paths) > 1}
    assert doubles == {}
