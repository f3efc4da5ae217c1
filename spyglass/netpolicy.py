"""The network policy: which URLs may be scanned and which addresses the browser may reach.

Three decisions live here, each a small function or value object:

* ``parse_target(raw)`` refuses what is not an http(s) URL before anything starts, reading it
  as browsers do (WHATWG URL, ``ada-url``): every decision, record and the browser itself see
  one host;
* ``NetworkPolicy.blocked_reason(ip)`` says whether an address is closed (loopback, private,
  link-local, multicast, reserved...) unless an allowed CIDR opens it;
* ``Resolver`` turns a hostname into addresses, honouring per-scan pins (curl's ``--resolve``).

``proxy.GuardProxy`` applies them to every connection the browser opens; ``check_target``
applies them to the target so a scan of a closed address fails before a browser is involved.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ada_url import URL, HostType

from spyglass.errors import BlockedAddress, InvalidURL, RefusedScheme, UnresolvableHost
from spyglass.models import ScanOptions
from spyglass.settings import Settings

ALLOWED_SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 8192

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Schemes a user may paste that must be refused rather than read as "host:port".
_KNOWN_SCHEMES = frozenset(
    {
        "about", "blob", "chrome", "chrome-extension", "chrome-untrusted", "data", "devtools",
        "file", "filesystem", "ftp", "javascript", "mailto", "sftp", "tel", "view-source", "ws",
        "wss", "gopher", "ldap", "smb", "ssh", "vbscript", "intent", "jar", "res",
    }
)  # fmt: skip
_LABEL = re.compile(r"^[a-z0-9_-]{1,63}$")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_target(raw: str) -> str:
    """Validate and normalise a URL to scan; refuse anything but http(s).

    Parsed as browsers parse it (WHATWG URL), so the host checked and recorded is the one
    Chromium opens: ``"http://a.test:80\\@b.test/"`` -> ``"http://a.test/@b.test/"`` (urllib
    would read host ``b.test``); ``"http://0x7f.1/"`` -> ``"http://127.0.0.1/"``;
    ``"Example.COM/a b"`` -> ``"http://example.com/a%20b"``; ``"file:///etc/passwd"`` raises
    ``RefusedScheme``; ``"http://"`` raises ``InvalidURL``.
    """
    text = raw.strip()
    if not text:
        raise InvalidURL("empty URL")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidURL(f"URL longer than {MAX_URL_LENGTH} characters")
    # Browsers drop tabs and newlines inside a URL; refusing them keeps what was submitted
    # readable as what is scanned.
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise InvalidURL("URL contains control characters")
    match = _SCHEME.match(text)
    scheme = match.group(1).lower() if match else ""
    if match and (
        "://" in text[: match.end() + 2] or scheme in _KNOWN_SCHEMES or scheme in ALLOWED_SCHEMES
    ):
        if scheme not in ALLOWED_SCHEMES:
            raise RefusedScheme(f"scheme {scheme!r} is not scanned; only http and https are")
        rest = text[match.end() :]
    else:
        rest = text
        text = "http://" + text  # "example.com/x", like urlscan and browsers' address bars
    authority = rest.lstrip("/\\")  # browsers skip any run of slashes and backslashes
    if not authority or authority[0] in "?#":
        raise InvalidURL("URL has no host")
    url = parse_url(text)
    _check_host(url)
    if url.port and not 0 < int(url.port) < 65536:
        raise InvalidURL(f"port {url.port} out of range")
    url.hash = ""  # the fragment never reaches the server; scans of a page with any are one
    return url.href


def parse_url(text: str) -> URL:
    """The WHATWG URL of ``text`` (what browsers open), or ``InvalidURL``.

    ``"HTTP://A.test:80/x"`` -> ``URL`` with href ``"http://a.test/x"``.
    """
    try:
        return URL(text)
    except ValueError as e:
        raise InvalidURL(
            "malformed URL: a browser would not open it (bad host, port or escape)"
        ) from e


def _check_host(url: URL) -> None:
    """Hosts a browser accepts but DNS never could ("a..b", 'a"b', 70-letter labels) are refused:
    only LDH labels (and ``_``) after IDNA, so no other parser can read another host in them."""
    if url.host_type != HostType.DEFAULT:
        return  # an IPv4 or IPv6 address, already canonical
    host = url.hostname
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise InvalidURL(f"invalid host {host!r}")


def host_and_port(url: str) -> tuple[str, int]:
    """``"https://[::1]:8443/x"`` -> ``("::1", 8443)``; default ports by scheme; read as browsers
    read it (``"http://a.test\\@b.test/"`` -> ``("a.test", 80)``). A URL no browser would open
    (``"http://[::1/"``) has no host: ``("", 80)``."""
    try:
        parsed = URL(url)
    except ValueError:
        return ("", 80)
    port = int(parsed.port) if parsed.port else (443 if parsed.protocol == "https:" else 80)
    return (parsed.hostname.strip("[]"), port)


def ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class NetworkPolicy:
    """Which addresses are closed. Everything not globally routable is, unless opened by CIDR."""

    def __init__(self, allow_networks: Iterable[str] = ()) -> None:
        self.allowed = tuple(ipaddress.ip_network(n, strict=False) for n in allow_networks)

    def __repr__(self) -> str:
        return f"NetworkPolicy(allow_networks={[str(n) for n in self.allowed]!r})"

    def blocked_reason(self, ip: str | IPAddress) -> str | None:
        """``None`` when the browser may connect to ``ip``; else the kind of range that is closed.

        ``"10.0.0.1"`` -> ``"private"``; ``"169.254.169.254"`` -> ``"link_local"``;
        ``"8.8.8.8"`` -> ``None``; ``"::ffff:127.0.0.1"`` -> ``"loopback"`` (mapped addresses are
        judged by the IPv4 address they carry).
        """
        addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
        addr = _embedded_ipv4(addr) or addr
        if any(addr in network for network in self.allowed if network.version == addr.version):
            return None
        return address_category(addr)


def address_category(addr: IPAddress) -> str | None:
    """The closed range an address falls in, or ``None`` for a globally routable one."""
    if addr.is_unspecified:
        return "unspecified"
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link_local"
    if addr.is_multicast:
        return "multicast"
    if addr.is_private:
        return "private"
    if addr.is_reserved:
        return "reserved"
    if not addr.is_global:
        return "reserved"  # shared address space (100.64/10), documentation ranges, ...
    return None


def _embedded_ipv4(addr: IPAddress) -> ipaddress.IPv4Address | None:
    """IPv4 carried inside IPv6 (mapped, 6to4, NAT64): ``::ffff:10.0.0.1`` is judged as 10.0.0.1."""
    if isinstance(addr, ipaddress.IPv4Address):
        return None
    if addr.ipv4_mapped:
        return addr.ipv4_mapped
    if addr.sixtofour:
        return addr.sixtofour
    if addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class Resolver:
    """Hostname -> addresses. Pins win (``*.example`` pins a whole suffix); with ``pins_only``
    nothing else resolves, so no DNS query ever leaves the machine."""

    pins: Mapping[str, str]
    pins_only: bool = False

    def pinned(self, host: str) -> str | None:
        host = host.lower().rstrip(".")
        if host in self.pins:
            return self.pins[host]
        labels = host.split(".")
        for i in range(1, len(labels)):
            wildcard = "*." + ".".join(labels[i:])
            if wildcard in self.pins:
                return self.pins[wildcard]
        return None

    async def resolve(self, host: str, port: int) -> list[str]:
        """Addresses for ``host``; ``UnresolvableHost`` when there are none."""
        literal = ip_literal(host)
        if literal is not None:
            return [str(literal)]
        pinned = self.pinned(host)
        if pinned is not None:
            return [pinned]
        if self.pins_only:
            raise UnresolvableHost(f"{host} is not pinned and only pinned hosts resolve")
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as e:
            raise UnresolvableHost(f"{host} does not resolve: {e}") from e
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise UnresolvableHost(f"{host} has no addresses")
        return addresses


async def choose_address(host: str, port: int, policy: NetworkPolicy, resolver: Resolver) -> str:
    """The address to connect to: the first one resolved that the policy leaves open.

    Raises ``UnresolvableHost`` or ``BlockedAddress`` (naming the closed range).
    """
    addresses = await resolver.resolve(host, port)
    for address in addresses:
        if policy.blocked_reason(address) is None:
            return address
    reason = policy.blocked_reason(addresses[0])
    raise BlockedAddress(f"{host} resolves to {addresses[0]} ({reason} range, closed by policy)")


def scan_policy(options: ScanOptions, settings: Settings) -> tuple[NetworkPolicy, Resolver]:
    """The policy and resolver of one scan: the settings' plus the scan's own options."""
    return (
        NetworkPolicy(settings.allow_networks + options.allow_networks),
        Resolver({**settings.resolve, **options.resolve}, pins_only=settings.pins_only),
    )


async def check_target(url: str, options: ScanOptions, settings: Settings) -> str:
    """Refuse a target before any browser work: bad URL, refused scheme, unresolvable host or
    closed address. Returns the normalised URL."""
    target = parse_target(url)
    policy, resolver = scan_policy(options, settings)
    host, port = host_and_port(target)
    await choose_address(host, port, policy, resolver)
    return target
