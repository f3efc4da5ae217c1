"""Every Chromium switch, feature name and V8 flag Spyglass passes is one this Chromium knows.

Chromium ignores a switch it does not know, without a word: ``--force-webrtc-ip-handling-policy``
(a name Chromium 156 does not have) silently left WebRTC free to send UDP anywhere. So the names
are looked up in the browser binary itself, where each one is a NUL-terminated string (the
linker may share it as the tail of a longer one, e.g. ``kIsolateOrigins``).
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from pathlib import Path

import pytest

from spyglass.capture.browser import chromium_args
from spyglass.settings import Settings

# Debian's /usr/bin/chromium is a shell script that execs this.
DEBIAN_BINARY = Path("/usr/lib/chromium/chromium")


def _binary(settings: Settings) -> Path:
    path = Path(settings.chromium_path)
    if path.read_bytes()[:4] == b"\x7fELF":
        return path
    return DEBIAN_BINARY


@pytest.fixture(scope="module")
def chromium_strings() -> Iterator[mmap.mmap]:
    with _binary(Settings()).open("rb") as file:
        data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        yield data
        data.close()


def _known(data: mmap.mmap, name: str) -> bool:
    return data.find(name.encode() + b"\0") != -1


def _names(args: list[str]) -> Iterator[tuple[str, str]]:
    """(kind, name) of every switch, feature and V8 flag in ``args``."""
    for arg in args:
        switch, _, value = arg.removeprefix("--").partition("=")
        yield "switch", switch
        if switch in ("disable-features", "enable-features"):
            yield from (("feature", feature) for feature in value.split(","))
        elif switch == "js-flags":
            for flag in value.split():
                yield "v8 flag", flag.removeprefix("--").partition("=")[0].replace("-", "_")
        elif switch == "webrtc-ip-handling-policy":
            yield "policy", value


def test_every_switch_is_known_to_this_chromium(chromium_strings: mmap.mmap) -> None:
    settings = Settings(trusted_spki=("AAAA",))
    args = chromium_args(settings) + chromium_args(settings, sandbox=False)
    unknown = [(kind, name) for kind, name in _names(args) if not _known(chromium_strings, name)]
    assert unknown == []


def test_the_check_catches_a_misspelt_switch(chromium_strings: mmap.mmap) -> None:
    assert not _known(chromium_strings, "force-webrtc-ip-handling-policy")
    assert not _known(chromium_strings, "disable-client-side-phishing-detection")
    assert _known(chromium_strings, "webrtc-ip-handling-policy")
