"""The local test web, checked with plain HTTP clients (no browser).

Connections go to each host's pinned address with the hostname in the Host
header and in TLS SNI, the way a scan reaches it.
"""

import hashlib
import http.client
import io
import ipaddress
import signal
import socket
import ssl
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509

from tests.testweb import Hit, TestWeb
from tests.testweb.certs import spki_hash
from tests.testweb.downloads import report_zip
from tests.testweb.hosts import INTERNAL_ADDRESS, TEST_NETWORKS
from tests.testweb.sites.hostile import GIANT_SIZE

TIMEOUT = 5.0
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def web():
    with TestWeb() as running:
        yield running


@dataclass
class Fetched:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0]


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Sends Host: `host` but connects to `address`, like curl --resolve."""

    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=TIMEOUT, context=context)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def trusting(web: TestWeb) -> ssl.SSLContext:
    return ssl.create_default_context(cadata=web.ca_pem.decode("ascii"))


def fetch(
    web: TestWeb,
    host: str,
    path: str = "/",
    *,
    https: bool = False,
    method: str = "GET",
    context: ssl.SSLContext | None = None,
) -> Fetched:
    address = web.pins[host]
    if https:
        connection = PinnedHTTPSConnection(host, web.https_port, address, context or trusting(web))
    else:
        connection = PinnedHTTPConnection(host, web.http_port, address)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return Fetched(response.status, response.headers, response.read())
    finally:
        connection.close()


def test_every_host_has_its_own_address(web):
    assert len(web.pins) == 94
    assert len(set(web.pins.values())) == len(web.pins)
    assert web.pins["ipv6.test"] == "::1"
    assert web.pins["internal.test"] == INTERNAL_ADDRESS == "127.0.0.200"
    assert web.http_port and web.https_port and web.http_port != web.https_port


def test_url_carries_the_real_ports(web):
    assert web.url("news.test") == f"http://news.test:{web.http_port}/"
    assert web.url("cdn.test", "/a.js", https=True) == f"https://cdn.test:{web.https_port}/a.js"
    with pytest.raises(ValueError):
        web.url("news.test", "no-slash")


SITES = [
    ("news.test", "/", 200, "text/html", "| The Daily Test</title>"),
    ("news.test", "/search?q=<b>", 200, "text/html", 'Search results for "&lt;b&gt;"'),
    ("news.test", "/favicon.ico", 200, "image/x-icon", ""),
    ("plain.test", "/", 200, "text/html", "<title>Plain page</title>"),
    ("plain.test", "/favicon.ico", 200, "image/x-icon", ""),
    ("cdn.test", "/static/site.css", 200, "text/css", ".story__headline"),
    ("cdn.test", "/static/app.js", 200, "text/javascript", "window.dailyTest"),
    ("cdn.test", "/images/pyongyang-parade.png", 200, "image/png", ""),
    ("tracker.test", "/pixel.gif?e=pageview", 200, "image/gif", ""),
    ("tracker.test", "/tracker.js", 200, "text/javascript", "sendBeacon"),
    ("fonts.test", "/css2?family=Test+Sans", 200, "text/css", "@font-face"),
    ("fonts.test", "/s/testsans/v1/testsans-regular.woff2", 200, "font/woff2", ""),
    ("ipv6.test", "/ads/banner.png", 200, "image/png", ""),
    ("redirect.test", "/meta", 200, "text/html", 'content="0;url=/js"'),
    ("final.test", "/landing", 200, "text/html", "<title>Landing page</title>"),
    ("final.test", "/after-timeout", 200, "text/html", "<title>Arrived after timeout</title>"),
    ("app.test", "/", 200, "text/html", 'throw new Error("spyglass-uncaught")'),
    ("login.test", "/", 200, "text/html", 'name="password"'),
    ("links.test", "/", 200, "text/html", '<a href="contact">Contact</a>'),
    ("links.test", "/about", 200, "text/html", "About Links Test"),
    ("external-a.test", "/", 200, "text/html", "External A"),
    ("external-b.test", "/page", 200, "text/html", "External B"),
    ("hostile.test", "/dialogs", 200, "text/html", 'confirm("Are you sure?")'),
    ("hostile.test", "/dialog-spam", 200, "text/html", "i < 10000"),
    ("hostile.test", "/popup-spam", 200, "text/html", "i < 50"),
    ("hostile.test", "/hang-resource", 200, "text/html", '<script src="/never">'),
    ("hostile.test", "/loop", 200, "text/html", "while (true) {}"),
    ("hostile.test", "/crash", 200, "text/html", "hoard.push"),
    ("hostile.test", "/missing", 404, "text/html", "Page not found"),
    ("hostile.test", "/error", 500, "text/html", "Internal Server Error"),
    ("hostile.test", "/doc.pdf", 200, "application/pdf", "%PDF-1.4"),
    ("hostile.test", "/data.json", 200, "application/json", '"service": "hostile.test"'),
    ("hostile.test", "/slow-redirect", 200, "text/html", ", 15000)"),
    ("hostile.test", "/slower-redirect", 200, "text/html", ", 60000)"),
    ("popup.test", "/ad", 200, "text/html", "You won a prize!"),
    ("internal.test", "/anything", 200, "text/plain", "INTERNAL SECRET"),
    ("blocked.test", "/subresource-internal", 200, "text/html", "http://10.255.255.1/x.png"),
    ("badtls.test", "/", 200, "text/html", "Bad TLS"),
    ("plain.test", "/no-such-page", 404, "text/html", "Not Found"),
]


@pytest.mark.parametrize(("host", "path", "status", "content_type", "snippet"), SITES)
def test_site_answers_on_its_address(web, host, path, status, content_type, snippet):
    response = fetch(web, host, path)
    assert (response.status, response.content_type) == (status, content_type)
    assert snippet.encode() in response.body
    if content_type.startswith("text/"):
        assert b"{{" not in response.body  # every template placeholder was filled


@pytest.mark.parametrize(
    ("host", "path", "method"),
    [
        ("news.test", "/", "GET"),
        ("cdn.test", "/static/app.js", "GET"),
        ("collect.test", "/submit.php", "POST"),
        ("ipv6.test", "/", "GET"),
    ],
)
def test_https_verifies_against_the_test_ca(web, host, path, method):
    response = fetch(web, host, path, https=True, method=method)
    assert response.status == 200
    if host == "collect.test":
        assert response.body == b"ok"


def test_leaf_spki_hash_is_the_one_advertised(web):
    context = ssl.create_default_context(cadata=web.ca_pem.decode("ascii"))
    with (
        socket.create_connection((web.pins["plain.test"], web.https_port), TIMEOUT) as sock,
        context.wrap_socket(sock, server_hostname="plain.test") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert spki_hash(x509.load_der_x509_certificate(der)) == web.spki_hash


def test_badtls_certificate_is_not_trusted(web):
    with pytest.raises(ssl.SSLCertVerificationError):
        fetch(web, "badtls.test", https=True)
    anything = ssl.create_default_context()
    anything.check_hostname = False
    anything.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((web.pins["badtls.test"], web.https_port), TIMEOUT) as sock,
        anything.wrap_socket(sock, server_hostname="badtls.test") as tls,
    ):
        cert = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
    assert spki_hash(cert) != web.spki_hash
    assert cert.issuer != x509.load_pem_x509_certificate(web.ca_pem).subject


def test_redirect_chain_starts_with_http_redirects(web):
    first = fetch(web, "redirect.test", "/start")
    second = fetch(web, "redirect.test", "/step2")
    assert (first.status, first.headers["Location"]) == (301, "/step2")
    assert (second.status, second.headers["Location"]) == (302, "/meta")
    script = fetch(web, "redirect.test", "/js").text
    assert f'location.href = "http://final.test:{web.http_port}/landing"' in script


def test_blocked_redirects_to_internal(web):
    response = fetch(web, "blocked.test", "/redirect-internal")
    assert response.status == 302
    assert response.headers["Location"] == f"http://internal.test:{web.http_port}/"


def test_news_page_matches_the_reference_shape(web):
    page = fetch(web, "news.test").text
    assert "<title>North Korea's missile program funded by crypto hackers | The Daily Test" in page
    assert page.count("<form") == 2
    assert (
        f'<form class="slide-search__form" action="https://news.test:{web.https_port}/search" '
        'method="get">' in page
    )
    assert '<form class="form-section">' in page
    for hidden in ("subscribeId", "processorId", "captchaPublicKey", "bot-field"):
        assert f'type="hidden" name="{hidden}"' in page
    article = page.split('<div class="story__text">')[1].split("</div>")[0]
    assert article.count("<p>") >= 12
    assert f"https://cdn.test:{web.https_port}/static/app.js" in page
    assert f"http://ipv6.test:{web.http_port}/ads/banner.png" in page
    assert "{{" not in page


def test_news_over_https_pulls_everything_over_https(web):
    page = fetch(web, "news.test", https=True).text
    assert f"https://tracker.test:{web.https_port}/tracker.js" in page
    assert f":{web.http_port}/" not in page.split("</head>")[0]


def test_app_sets_cookies_by_header(web):
    cookies = fetch(web, "app.test").headers.get_all("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session_id="))
    prefs = next(c for c in cookies if c.startswith("prefs="))
    assert "HttpOnly" in session
    assert "SameSite=Lax" in prefs and "Max-Age=3600" in prefs


def test_login_posts_to_another_host(web):
    page = fetch(web, "login.test").text
    action = f'method="post" action="https://collect.test:{web.https_port}/submit.php"'
    assert action in page
    assert 'type="hidden" name="token"' in page


def test_font_is_cors_enabled_and_a_font(web):
    response = fetch(web, "fonts.test", "/s/testsans/v1/testsans-regular.woff2")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.body.startswith(b"\0\1\0\0")  # TrueType sfnt version


@pytest.mark.parametrize(
    ("path", "name", "content_type"),
    [
        ("/files/report.zip", "report.zip", "application/zip"),
        ("/files/invoice.exe", "invoice.exe", "application/octet-stream"),
    ],
)
def test_downloads_are_attachments_with_known_bytes(web, path, name, content_type):
    response = fetch(web, "hostile.test", path)
    assert response.content_type == content_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.body == web.file_bytes(name)


def test_download_files_are_deterministic(web):
    assert report_zip() == web.file_bytes("report.zip")
    with zipfile.ZipFile(io.BytesIO(web.file_bytes("report.zip"))) as archive:
        assert archive.namelist() == ["report.txt", "summary.csv"]
        assert archive.testzip() is None
    assert web.file_bytes("invoice.exe")[:2] == b"MZ"
    assert web.file_bytes("doc.pdf").startswith(b"%PDF-")
    assert (
        hashlib.sha256(web.file_bytes("doc.pdf")).hexdigest()
        == hashlib.sha256(fetch(web, "hostile.test", "/doc.pdf").body).hexdigest()
    )


def test_giant_streams_40_mb(web):
    connection = PinnedHTTPConnection("hostile.test", web.http_port, web.pins["hostile.test"])
    connection.request("GET", "/giant")
    response = connection.getresponse()
    total = 0
    while chunk := response.read(1 << 20):
        total += len(chunk)
    connection.close()
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert total == GIANT_SIZE == 40 * 1024 * 1024


def test_hits_are_recorded(web):
    fetch(web, "plain.test", "/?probe=1")
    fetch(web, "plain.test", "/", https=True, method="HEAD")
    hits = web.hits_for("plain.test")
    assert Hit("plain.test", "/", "GET", "127.0.0.1", "http") in hits
    assert Hit("plain.test", "/", "HEAD", "127.0.0.1", "https") in hits
    fetch(web, "ipv6.test", "/ads/banner.png")
    assert Hit("ipv6.test", "/ads/banner.png", "GET", "::1", "http") in web.hits_for("ipv6.test")


def test_ip_literal_requests_count_for_the_site_on_that_address(web):
    connection = http.client.HTTPConnection(INTERNAL_ADDRESS, web.http_port, timeout=TIMEOUT)
    connection.request("GET", "/ip-literal")
    assert connection.getresponse().read() == b"INTERNAL SECRET"
    connection.close()
    assert Hit("internal.test", "/ip-literal", "GET", "127.0.0.1", "http") in web.hits_for(
        "internal.test"
    )


def test_resolver_rules_map_every_host_and_refuse_the_rest(web):
    rules = web.resolver_rules().split(", ")
    assert "MAP news.test 127.0.0.2" in rules
    assert "MAP ipv6.test [::1]" in rules
    assert rules.index("MAP * ~NOTFOUND") == len(web.pins)
    assert {f"EXCLUDE {address}" for address in web.pins.values()} == set(
        rules[len(web.pins) + 1 :]
    )


def test_stop_ends_responses_that_never_finish():
    web = TestWeb()
    web.start()
    hang = socket.create_connection((web.pins["hostile.test"], web.http_port), TIMEOUT)
    never = socket.create_connection((web.pins["hostile.test"], web.http_port), TIMEOUT)
    hang.sendall(b"GET /hang HTTP/1.1\r\nHost: hostile.test\r\n\r\n")
    never.sendall(b"GET /never HTTP/1.1\r\nHost: hostile.test\r\n\r\n")
    received = b""
    while b"never finishes loading" not in received:
        received += hang.recv(4096)
    assert received.startswith(b"HTTP/1.1 200 OK")

    started = time.monotonic()
    web.stop()
    assert time.monotonic() - started < 2.0
    for sock in (hang, never):
        while sock.recv(4096):  # drains to EOF: the server closed its end
            pass
        sock.close()
    with pytest.raises(OSError):
        socket.create_connection((web.pins["plain.test"], web.http_port), TIMEOUT)


def run_module(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.testweb", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_module_help_prints_usage_and_exits():
    with run_module("--help") as process:
        try:
            out, err = process.communicate(timeout=30)
        finally:
            process.kill()  # if --help were ignored the web would serve until killed
    assert process.returncode == 0, err
    assert out.startswith("usage:") and "tests.testweb" in out


def test_module_prints_settings_that_keep_internal_closed():
    with run_module() as process:
        try:
            assert process.stdout is not None
            lines = []
            for line in process.stdout:  # ends when the web stops printing: it then serves
                lines.append(line.rstrip("\n"))
                if line.startswith("Serving until Ctrl-C"):
                    break
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=60)  # a loaded machine is slow to stop it
        finally:
            process.kill()
    exported = [line for line in lines if line.startswith("export SPYGLASS_ALLOW_NETWORKS=")]
    assert len(exported) == 1, lines
    networks = exported[0].partition("=")[2].split(",")
    assert tuple(networks) == TEST_NETWORKS
    internal = ipaddress.ip_address(INTERNAL_ADDRESS)
    assert not any(internal in ipaddress.ip_network(network) for network in networks)
    assert process.returncode == 0
