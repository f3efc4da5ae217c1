"""A private on-disk cache for what costs time to derive and is the same from one process to
the next: the fingerprint index and ``js`` chains (``refdata``), a browser's blank-page globals
(``capture/baseline.py``), Node's compiled code for Playwright's driver.

``read_cached``/``write_cached``: JSON under ``cache_dir()``, in a folder only this user can open
(the browser, which runs as another user, must not read or plant it), each file named by what it
was made from (its ``key``) and checked against a SHA-256 of its body before it is used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

CACHE_FORMAT = "spyglass-cache/1"
log = logging.getLogger("spyglass.diskcache")


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/spyglass``, else ``~/.cache/spyglass``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "spyglass"


def read_cached(name: str, key: dict[str, Any]) -> Any | None:
    """The JSON value ``write_cached(name, key, value)`` stored; None when there is none, it was
    made from something else (another ``key``), or it is not exactly what was written."""
    folder = _private_dir(create=False)
    if folder is None:
        return None
    try:
        # No symlink followed; no wait on a FIFO (the check below refuses all but a file).
        fd = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as e:  # a symlink (ELOOP) or unreadable: never followed
        log.warning("cache %s ignored: %s", folder / name, e)
        return None
    with os.fdopen(fd, "rb") as f:
        if not _ours(os.fstat(f.fileno())):
            log.warning("cache %s ignored: not a file of this user's alone", folder / name)
            return None
        try:
            header_line, _, body = f.read().partition(b"\n")
        except OSError as e:
            log.warning("cache %s ignored: %s", folder / name, e)
            return None
    try:
        header = json.loads(header_line)
        if header != {"format": CACHE_FORMAT, "key": key, "sha256": _sha256(body)}:
            return None  # stale (made from other data or code) or damaged: rebuilt
        return json.loads(body)
    except ValueError:  # not JSON: damaged
        return None


def write_cached(name: str, key: dict[str, Any], value: Any) -> None:
    """Store ``value`` (JSON) for ``read_cached``: whole or not at all (a temporary file renamed
    over the old one), so that processes starting together never read half a file. A cache
    that cannot be written is logged and skipped: it only saves time."""
    body = json.dumps(value, separators=(",", ":")).encode()
    header = json.dumps({"format": CACHE_FORMAT, "key": key, "sha256": _sha256(body)})
    try:
        folder = _private_dir(create=True)
        if folder is None:
            return
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}.", delete=False) as f:
            f.write(header.encode() + b"\n" + body)  # mkstemp's mode: 0600
        os.replace(f.name, folder / name)
    except OSError as e:
        log.warning("cache %s not written: %s", name, e)


def private_cache_dir() -> Path | None:
    """``cache_dir()``, made if missing, for other caches of this user's (Node's compiled code
    for Playwright's driver); None when it cannot be made or is not this user's alone."""
    try:
        return _private_dir(create=True)
    except OSError as e:
        log.warning("cache folder %s not usable: %s", cache_dir(), e)
        return None


def _private_dir(create: bool) -> Path | None:
    """``cache_dir()``, made 0700; None when it is missing (and not ``create``) or belongs to
    someone else: a folder another user can write is no place to read code's data from."""
    folder = cache_dir()
    if create:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return None
    if info.st_uid != os.geteuid() or not stat.S_ISDIR(info.st_mode):
        log.warning("cache folder %s ignored: not a folder of this user's", folder)
        return None
    if stat.S_IMODE(info.st_mode) & 0o077:
        folder.chmod(0o700)  # ours, made by someone with a looser umask: close it
    return folder


def _ours(info: os.stat_result) -> bool:
    """A regular file of this user's that no one else may write."""
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
