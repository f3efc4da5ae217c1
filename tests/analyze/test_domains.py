from __future__ import annotations

import os
import subprocess
import sys

import pytest

from spyglass.analyze.domains import apex_domain, host_of


@pytest.mark.parametrize(
    ("host", "apex"),
    [
        ("www.politico.com", "politico.com"),
        ("politico.com", "politico.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("WWW.Example.COM.", "example.com"),
        ("stats.g.doubleclick.net", "doubleclick.net"),
        ("evil.github.io", "github.io"),  # ICANN suffixes only, as urlscan
        ("news.test", "news.test"),  # unknown suffix: the last two labels
        ("cdn.news.test", "news.test"),
        ("a.b.cdn.news.test", "news.test"),
        ("localhost", "localhost"),
        ("co.uk", "co.uk"),  # a public suffix is its own apex
        ("192.0.2.7", "192.0.2.7"),  # an address is its own apex, as urlscan
        ("[2001:db8::1]", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_apex_domain(host: str, apex: str) -> None:
    assert apex_domain(host) == apex


@pytest.mark.parametrize("host", [None, "", "."])
def test_no_host_no_apex(host: str | None) -> None:
    assert apex_domain(host) is None


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://CDN.News.test:8443/a?b#c", "cdn.news.test"),
        ("http://[2001:db8::1]:8080/", "2001:db8::1"),
        ("http://192.0.2.7/x", "192.0.2.7"),
        ("//cdn.news.test/x.js", "cdn.news.test"),
        ("javascript:alert(1)", None),
        ("mailto:a@b.test", None),
        ("http://[broken/", None),
        ("", None),
        (None, None),
    ],
)
def test_host_of(url: str | None, host: str | None) -> None:
    assert host_of(url) == host


def test_public_suffix_list_is_the_bundled_snapshot() -> None:
    """A fresh interpreter with sockets and the cache directory unusable still answers."""
    script = (
        "import socket, sys\n"
        "def refuse(*a, **k): raise AssertionError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from spyglass.analyze.domains import apex_domain\n"
        "print(apex_domain('shop.example.com.au'))\n"
    )
    env = {**os.environ, "HOME": "/nonexistent", "TLDEXTRACT_CACHE": "/nonexistent/cache"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "example.com.au"
