from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from spyglass.store.blobs import BlobStore, LocalBlobs
from tests.store.conftest import sha256, tiny_png


def test_put_get_has_by_sha256(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    png = tiny_png()
    sha = blobs.put(png)
    assert sha == sha256(png)
    assert blobs.has(sha)
    assert blobs.get(sha) == png
    assert blobs.path(sha) == tmp_path / sha[:2] / sha[2:4] / sha
    assert isinstance(blobs, BlobStore)


def test_identical_content_is_stored_once(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    body = b"<script>var wallet = window.ethereum;</script>"
    first = blobs.put(body)
    written = blobs.path(first).stat().st_mtime_ns
    with ThreadPoolExecutor(8) as pool:
        shas = set(pool.map(blobs.put, [body] * 32))
    assert shas == {first}
    assert blobs.path(first).stat().st_mtime_ns == written  # never rewritten
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [blobs.path(first)]


def test_missing_blob(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    assert blobs.get("0" * 64) is None
    assert not blobs.has("0" * 64)


@pytest.mark.parametrize(
    "sha",
    ["", "abc", "../../etc/passwd", "g" * 64, "0" * 63, "0" * 65, "/" + "0" * 63, "00/" + "0" * 61],
)
def test_bad_sha_is_refused(tmp_path: Path, sha: str) -> None:
    blobs = LocalBlobs(tmp_path)
    with pytest.raises(ValueError, match="not a sha256"):
        blobs.get(sha)
    with pytest.raises(ValueError, match="not a sha256"):
        blobs.has(sha)


def test_upper_case_sha_is_the_same_blob(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    sha = blobs.put(b"body")
    assert blobs.get(sha.upper()) == b"body"
