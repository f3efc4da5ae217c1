"""Real saved pages of real sites, taken from the test data that web-extraction libraries publish.

Two source distributions on PyPI ship the HTML of real pages, saved from the live sites, as their
own test data:

- newspaper4k 0.9.6 (MIT), tests/data/html/: CNN, Yahoo, Wired, Time, BBC...;
- htmldate 1.4.0 (GPL-3.0-or-later), tests/cache/: Facebook, GitHub, Intel, WordPress.com... (the
  last htmldate release whose sdist still carries its page cache).

Neither wheel has them, and Spyglass never copies them into its tree: the first test that needs a
page downloads the pinned sdist with pip into a cache folder (pip checks the pinned sha256 before
it unpacks or runs anything of it), and the pages are read straight out of the archive.
sites/saved_pages.py serves a fixed selection of them, each on its own real domain.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

# pip download of an sdist prepares its metadata, which fetches the build backend first: allow
# for a slow registry, but never hang a test session.
DOWNLOAD_TIMEOUT = 300.0


@dataclass(frozen=True)
class Sdist:
    name: str
    version: str
    sha256: str  # of the .tar.gz, as PyPI publishes it
    license: str  # SPDX id of the package (the pages themselves belong to their sites)
    pages: str  # folder of the saved pages inside the archive's top folder

    @property
    def filename(self) -> str:
        """
        >>> NEWSPAPER4K.filename
        'newspaper4k-0.9.6.tar.gz'
        """
        return f"{self.name}-{self.version}.tar.gz"

    def member(self, file: str) -> str:
        """Where a page sits in the archive.

        >>> HTMLDATE.member("github.com.html")
        'htmldate-1.4.0/tests/cache/github.com.html'
        """
        return f"{self.name}-{self.version}/{self.pages}/{file}"


NEWSPAPER4K = Sdist(
    "newspaper4k",
    "0.9.6",
    "a3f2f0e017dddb6f1019ee77aaa8980e13e6ecea0b949abc7167aae4770d2d0e",
    "MIT",
    "tests/data/html",
)
HTMLDATE = Sdist(
    "htmldate",
    "1.4.0",
    "a382ca6bf0bda800089f96c469bb3d04b05bb8aea58cea37474229278c13e933",
    "GPL-3.0-or-later",
    "tests/cache",
)
SDISTS = (NEWSPAPER4K, HTMLDATE)


def cache_dir() -> Path:
    """Where downloaded sdists are kept between sessions: $SPYGLASS_TEST_CACHE, else
    $XDG_CACHE_HOME/spyglass-test, else ~/.cache/spyglass-test (never inside the checkout)."""
    if configured := os.environ.get("SPYGLASS_TEST_CACHE"):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "spyglass-test"


_download_lock = threading.Lock()


def archive(sdist: Sdist) -> Path:
    """The sdist's .tar.gz in the cache folder, downloaded with pip on first use."""
    with _download_lock:
        path = cache_dir() / sdist.filename
        if path.is_file() and _sha256(path) == sdist.sha256:
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
            downloaded = _pip_download(sdist, Path(scratch))
            # pip has checked the hash already; checked again because the file is trusted from
            # here on, whichever pip ran.
            if (found := _sha256(downloaded)) != sdist.sha256:
                raise RuntimeError(f"{sdist.filename}: sha256 {found}, expected {sdist.sha256}")
            os.replace(downloaded, path)
        return path


def fetch_all() -> list[str]:
    """Fill the cache ahead of a test run; one line per sdist. scripts/setup may call it:
    ``.venv/bin/python -c 'from tests.testweb.saved_pages import fetch_all; fetch_all()'``."""
    return [
        f"{archive(sdist)}: {len(page_files(sdist))} saved pages ({sdist.license})"
        for sdist in SDISTS
    ]


def page_files(sdist: Sdist) -> list[str]:
    """Every saved page the sdist ships, by file name, sorted."""
    return sorted(_pages(sdist))


def page_bytes(sdist: Sdist, file: str) -> bytes:
    """The page exactly as the package ships it (its bytes, in its own charset)."""
    try:
        return _pages(sdist)[file]
    except KeyError:
        raise FileNotFoundError(f"{sdist.member(file)} is not in {sdist.filename}") from None


_read_lock = threading.Lock()


def _pages(sdist: Sdist) -> dict[str, bytes]:
    # Read in one pass: a .tar.gz has no index, so reading members one by one would
    # decompress the archive again for each page.
    with _read_lock:
        return _read_pages(sdist)


@functools.cache
def _read_pages(sdist: Sdist) -> dict[str, bytes]:
    prefix = sdist.member("")
    found: dict[str, bytes] = {}
    with tarfile.open(archive(sdist)) as tar:
        for member in tar:
            file = member.name.removeprefix(prefix)
            if file == member.name or "/" in file or not file.endswith(".html"):
                continue
            if not member.isfile():
                continue
            extracted = tar.extractfile(member)
            assert extracted is not None  # isfile() members always extract
            with extracted:
                found[file] = extracted.read()
    return found


def _pip_download(sdist: Sdist, into: Path) -> Path:
    requirements = into / "requirements.txt"
    requirements.write_text(f"{sdist.name}=={sdist.version} --hash=sha256:{sdist.sha256}\n")
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--require-hashes",
        "--disable-pip-version-check",
        "--quiet",
        "-r",
        str(requirements),
        "-d",
        str(into),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(
            f"pip could not download {sdist.filename} (exit {done.returncode}):\n{done.stderr}"
        )
    return into / sdist.filename


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
