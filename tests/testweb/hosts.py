"""Which address each test hostname is served on.

Every site gets its own loopback address so that a scan of a page that pulls
from several hosts sees several distinct IPs, as it would on the internet.
All ordinary sites live in 127.0.0.0/25; only internal.test sits above it, so a
guard test can allow 127.0.0.0/25 (plus ::1) and keep internal.test closed.
"""

INTERNAL_ADDRESS = "127.0.0.200"
# The ranges a test (or `python -m tests.testweb`) opens: every site but internal.test.
TEST_NETWORKS = ("127.0.0.0/25", "::1/128")

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
    # (sites/decoy_pages.py: capture tests, not corpus samples)
    "wallet-lab.test": "127.0.0.22",
    "clip-lab.test": "127.0.0.23",
    "chain-digest.test": "127.0.0.24",
    # drainers: 127.0.0.30-44
    # (sites/drainers.py: drainer kits, the CDN one loads its logic from, two honest dApps)
    "arb-airdrop.test": "127.0.0.30",
    "usdc-rewards.test": "127.0.0.31",
    "uniswap-rewards.test": "127.0.0.32",
    "otherside-mint.test": "127.0.0.33",
    "wallet-verify.test": "127.0.0.34",
    "opensea-earnings.test": "127.0.0.35",
    "revoke-approvals.test": "127.0.0.36",
    "jup-rewards.test": "127.0.0.37",
    "pepe-airdrop.test": "127.0.0.38",
    "zk-airdrop.test": "127.0.0.39",
    "drainer-cdn.test": "127.0.0.40",
    "blast-gold.test": "127.0.0.41",
    "fluxswap.test": "127.0.0.42",
    "guildhub.test": "127.0.0.43",
    "pump-rewards.test": "127.0.0.44",
    # credential phishing and brands on their own domains: 127.0.0.45-65
    # (sites/credential.py: kits, their collector, and ordinary logins)
    "chase-online-verify.test": "127.0.0.45",
    "wellsfargo-secure-alerts.test": "127.0.0.46",
    "office365-mailbox-verify.test": "127.0.0.47",
    "coinbase-login-secure.test": "127.0.0.48",
    "binance-account-verify.test": "127.0.0.49",
    "metamask-wallet-restore.test": "127.0.0.50",
    "ledger-live-recover.test": "127.0.0.51",
    "paypal-secure-login.test": "127.0.0.52",
    "gate-panel.test": "127.0.0.53",
    "acmeboard.test": "127.0.0.54",
    "firstcity-cu.test": "127.0.0.55",
    # (sites/brand_sites.py: brands on their own domains, then lookalike/logo/favicon kits)
    "www.paypal.com": "127.0.0.56",
    "login.microsoftonline.com": "127.0.0.57",
    "www.coinbase.com": "127.0.0.58",
    "metamask.io": "127.0.0.59",
    "www.cryptobeat-news.test": "127.0.0.60",
    "xn--pypal-4ve.test": "127.0.0.61",
    "login.micros0ftonline.test": "127.0.0.62",
    "paypal-account-verify.test": "127.0.0.63",
    "account-billing-renew.test": "127.0.0.64",
    "docs-fileshare-view.test": "127.0.0.65",
    # paste-and-run lures: 127.0.0.67-79
    # (sites/lures.py: lures, then install docs and a genuine human check)
    "recaptcha-verify.test": "127.0.0.67",
    "cf-clearance.test": "127.0.0.68",
    "meet-google.test": "127.0.0.69",
    "zoom-interview.test": "127.0.0.70",
    "teams-interview.test": "127.0.0.71",
    "mac-verify.test": "127.0.0.72",
    "file-access.test": "127.0.0.73",
    "word-online.test": "127.0.0.74",
    "dns-fix.test": "127.0.0.75",
    "hcaptcha-check.test": "127.0.0.76",
    "requests-docs.test": "127.0.0.77",
    "rustlang.test": "127.0.0.78",
    "forum-check.test": "127.0.0.79",
    # crypto addresses (news, donation): 127.0.0.80-84
    "chainwire.test": "127.0.0.80",
    "donate.test": "127.0.0.81",
    "eth-doubler.test": "127.0.0.82",
    "exchange-migrate.test": "127.0.0.83",
    # real saved pages: 127.0.0.85-99
    # (each on the real domain it was saved from; sites/saved_pages.py)
    "www.cnn.com": "127.0.0.85",
    "uk.yahoo.com": "127.0.0.86",
    "www.wired.com": "127.0.0.87",
    "time.com": "127.0.0.88",
    "www.cleveland.com": "127.0.0.89",
    "www.bbc.com": "127.0.0.90",
    "prachatai.com": "127.0.0.91",
    "www.facebook.com": "127.0.0.92",
    "github.com": "127.0.0.93",
    "www.intel.com": "127.0.0.94",
    "en.blog.wordpress.com": "127.0.0.95",
    "www.weltwoche.ch": "127.0.0.96",
    "www.eff.org": "127.0.0.97",
    "blogs.mediapart.fr": "127.0.0.98",
    "www.beltz.de": "127.0.0.99",
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
