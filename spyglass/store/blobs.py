"""Content-addressed blobs: response bodies, screenshots, DOMs, downloads, by sha256.

Identical content is stored once, whichever scan brought it. ``LocalBlobs`` keeps them in a
folder, fanned out so no directory grows huge::

    <root>/ab/cd/abcd1234...   (the full 64-hex sha256 is the file name)

An S3 implementation comes later behind the same ``BlobStore`` protocol.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_sha256(sha: str) -> str:
    """The sha itself when it is 64 lower-case hex characters; anything else (``../x``) is refused.

    Upper-case hex is accepted and lowered: ``"AB" * 32`` -> ``"ab" * 32``.
    """
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha.lower()):
        raise ValueError(f"not a sha256: {sha!r}")
    return sha.lower()


@runtime_checkable
class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data``; return its sha256 (hex). Storing what is there already is a no-op."""
        ...

    def get(self, sha: str) -> bytes | None:
        """The content whose sha256 is ``sha``, or None."""
        ...

    def has(self, sha: str) -> bool:
        """Whether content with sha256 ``sha`` is stored."""
        ...


class LocalBlobs:
    """Blobs in a local folder. Safe for many threads and processes writing at once: a blob is
    written to a temporary file in its final folder and renamed into place, so a reader sees a
    whole blob or none."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalBlobs({str(self.root)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalBlobs) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def path(self, sha: str) -> Path:
        sha = check_sha256(sha)
        return self.root / sha[:2] / sha[2:4] / sha

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.exists():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                # Renamed before its bytes reach the disk, a crash would leave a short blob
                # that put() never rewrites (it exists) while the database points at it.
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha: str) -> bytes | None:
        try:
            return self.path(sha).read_bytes()
        except FileNotFoundError:
            return None

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()
