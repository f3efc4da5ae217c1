"""Host names and registered ("apex") domains, offline.

The Public Suffix List comes from tldextract's bundled snapshot only: no download, no cache
directory, so results do not change with the network or the machine.

Decisions:

- An IP literal has no registered domain; like urlscan (``page.apexDomain`` of a scan of an
  address is the address) ``apex_domain`` returns the bare IP.
- A host under a suffix the list does not know (``.test``, ``.internal``, ``localhost``) is
  treated as if its last label were a public suffix: the apex is the last two labels, so
  ``cdn.news.test`` -> ``news.test``. tldextract alone would return an empty registered domain.
- Only ICANN suffixes count (tldextract's default), as on urlscan: the apex of
  ``evil.github.io`` is ``github.io``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import tldextract

from spyglass.analyze.ips import bare_ip, is_ip

# Built once: the first call parses the bundled snapshot; suffix_list_urls=() forbids fetching.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def host_of(url: str | None) -> str | None:
    """The URL's host, lower-case, IPv6 without brackets; None when there is none.

    >>> host_of("https://CDN.News.test:8443/a?b")
    'cdn.news.test'
    >>> host_of("http://[2001:db8::1]/")
    '2001:db8::1'
    >>> host_of("javascript:void(0)") is None
    True
    """
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # e.g. an unbalanced "[" in the authority
        return None
    return host or None


def apex_domain(host: str | None) -> str | None:
    """The registered domain of a host (see the module docstring for the rules).

    >>> apex_domain("www.politico.com"), apex_domain("a.b.example.co.uk")
    ('politico.com', 'example.co.uk')
    >>> apex_domain("cdn.news.test"), apex_domain("news.test"), apex_domain("localhost")
    ('news.test', 'news.test', 'localhost')
    >>> apex_domain("[2001:db8::1]"), apex_domain("192.0.2.7")
    ('2001:db8::1', '192.0.2.7')
    """
    if not host:
        return None
    host = host.strip().lower().rstrip(".")
    if is_ip(host):
        return bare_ip(host)
    if not host:
        return None
    parts = _EXTRACT(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    if parts.suffix:  # the host is itself a public suffix ("co.uk")
        return host
    return ".".join(host.split(".")[-2:])
