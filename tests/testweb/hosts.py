"""Which address each test hostname is served on.

Every site gets its own loopback address so that a scan of a page that pulls
from several hosts sees several distinct IPs, as it would on the internet.
All ordinary sites live in 127.0.0.0/25; only internal.test sits above it, so a
guard test can allow 127.0.0.0/25 (plus ::1) and keep internal.test closed.
"""

INTERNAL_ADDRESS = "127.0.0.200"

ADDRESSES: dict[str, str] = {
    "news.test": "127.0.0.2",
    "cdn.test": "127.0.0.3",
    "tracker.test": "127.0.0.4",
    "fonts.test": "127.0.0.5",
    "redirect.test": "127.0.0.6",
    "final.test": "127.0.0.7",
    "app.test": "127.0.0.8",
    "login.test": "127.0.0.9",
    "collect.test": "127.0.0.10",
    "links.test": "127.0.0.11",
    "external-a.test": "127.0.0.12",
    "external-b.test": "127.0.0.13",
    "hostile.test": "127.0.0.14",
    "popup.test": "127.0.0.15",
    "blocked.test": "127.0.0.16",
    "plain.test": "127.0.0.17",
    # Real, fingerprintable libraries and CMS markup (technology detection).
    "shop.test": "127.0.0.18",
    # Two copies of one phishing kit, text changed (look-alike pivots).
    "kit-a.test": "127.0.0.19",
    "kit-b.test": "127.0.0.20",
    # Script and HTML payloads in every trace a scan records (the web UI must show them inert).
    "xss.test": "127.0.0.21",
    # ---- the labelled verdict corpus (tests/testweb/corpus.py); one block per site module
    # decoy/clipboard capture pages: 127.0.0.22-29
    # drainers: 127.0.0.30-44
    # credential phishing and brands on their own domains: 127.0.0.45-65
    # paste-and-run lures: 127.0.0.67-79
    # crypto addresses (news, donation): 127.0.0.80-84
    # real saved pages: 127.0.0.85-99
    # Presents a certificate from an untrusted CA; see certs.py.
    "badtls.test": "127.0.0.66",
    "internal.test": INTERNAL_ADDRESS,
    "ipv6.test": "::1",
}

# The one host whose HTTPS listener uses the untrusted certificate.
BADTLS_HOST = "badtls.test"

HOST_BY_ADDRESS: dict[str, str] = {address: host for host, address in ADDRESSES.items()}
assert len(HOST_BY_ADDRESS) == len(ADDRESSES), "two hosts share an address"


def url_host(address: str) -> str:
    """How an address is written in a URL or a Chromium MAP rule.

    >>> url_host("127.0.0.2"), url_host("::1")
    ('127.0.0.2', '[::1]')
    """
    return f"[{address}]" if ":" in address else address
