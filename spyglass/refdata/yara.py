"""YARA rules for the ``yara`` verdict engine: Spyglass's own (``spyglass/data/yara/*.yar``) plus
the ``*.yar``/``*.yara`` files of the folder the user configures (``SPYGLASS_YARA_RULES``).
"""

from __future__ import annotations

import functools
from pathlib import Path

import yara

from spyglass.errors import InvalidOption

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "yara"
RULE_SUFFIXES = (".yar", ".yara")


def load_rules(folder: Path | None = None) -> yara.Rules:
    """The bundled rules plus ``folder``'s, compiled (cached: once per process and folder).

    A file that does not compile raises ``InvalidOption`` naming the file and the line, so a
    worker fails at start instead of at every scan.
    """
    return _compile(_rule_files(folder))


def _rule_files(folder: Path | None) -> tuple[tuple[str, Path], ...]:
    files = [(f"spyglass/{path.stem}", path) for path in sorted(BUNDLED.glob("*.yar"))]
    if folder is not None:
        if not folder.is_dir():
            raise InvalidOption(f"SPYGLASS_YARA_RULES: {folder} is not a folder")
        user = sorted(p for p in folder.iterdir() if p.suffix.lower() in RULE_SUFFIXES)
        files.extend((f"user/{path.stem}", path) for path in user)
    return tuple(files)


@functools.cache
def _compile(files: tuple[tuple[str, Path], ...]) -> yara.Rules:
    for _, path in files:  # one by one first, so that an error names its file
        try:
            yara.compile(filepath=str(path))
        except yara.Error as e:
            raise InvalidOption(f"YARA rules file {path} does not compile: {e}") from e
    return yara.compile(filepaths={namespace: str(path) for namespace, path in files})
