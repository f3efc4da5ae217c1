"""Real Chromium against the test web's HTTPS hosts: the certificates a scan reports are the
ones the test web served (tests/testweb/certs.py makes them at start, so they are young)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

from cryptography import x509
from cryptography.x509.oid import NameOID

from spyglass.capture.browser import BrowserPool
from spyglass.models import Certificate, FailureReason, ScanOptions
from tests.conftest import report_of
from tests.testweb import TestWeb

NEWS_HOSTS = ["news.test", "cdn.test", "fonts.test", "tracker.test", "ipv6.test"]
KEYS = {"subject_name", "issuer", "serial", "sha256", "san_list", "valid_from", "valid_to",
        "valid_days"}  # fmt: skip


def expected(der: bytes) -> dict[str, object]:
    """The report's view of a served leaf, computed independently with cryptography."""
    cert = x509.load_der_x509_certificate(der)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    valid_from = int(cert.not_valid_before_utc.timestamp())
    valid_to = int(cert.not_valid_after_utc.timestamp())
    serial = f"{cert.serial_number:X}"
    return {
        "subject_name": cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value,
        "issuer": cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value,
        "serial": "0" * (len(serial) % 2) + serial,
        "sha256": hashlib.sha256(der).hexdigest(),
        "san_list": [*names.get_values_for_type(x509.DNSName)]
        + [str(ip) for ip in names.get_values_for_type(x509.IPAddress)],
        "valid_from": valid_from,
        "valid_to": valid_to,
        "valid_days": (valid_to - valid_from) // 86400,
    }


def described(certificate: Certificate) -> dict[str, object]:
    return certificate.model_dump(include=KEYS)


async def test_news_page_certificates_are_the_served_leaf(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("news.test", https=True))
    report = report_of(capture)
    assert capture.failure is None and capture.incomplete == []

    origins = {f"https://{host}:{web.https_port}" for host in NEWS_HOSTS}
    assert origins <= capture.certificates.keys()
    leaf = base64.b64encode(web.leaf_der).decode("ascii")
    assert all(capture.certificates[origin][0] == leaf for origin in origins)
    assert all(len(capture.certificates[origin]) == 2 for origin in origins)  # leaf, then CA

    (certificate,) = report.lists.certificates  # every good host serves the same leaf
    assert described(certificate) == expected(web.leaf_der)
    assert certificate.issuer == "Spyglass Test CA"
    assert certificate.subject_name == "news.test" and "127.0.0.2" in certificate.san_list
    assert certificate.hosts[0] == "news.test" and set(NEWS_HOSTS) <= set(certificate.hosts)
    assert certificate.young and certificate.age_days == 1  # made at start, backdated a day
    dumped = report.to_json_dict()["lists"]["certificates"][0]
    assert isinstance(dumped["validFrom"], int) and isinstance(dumped["validTo"], int)

    page = report.page
    assert page.tls_issuer == "Spyglass Test CA"
    assert page.tls_valid_days == certificate.valid_days == 31
    assert page.tls_age_days == 1
    valid_from = datetime.fromtimestamp(certificate.valid_from or 0, UTC)
    assert page.tls_valid_from == valid_from.strftime("%Y-%m-%dT%H:%M:%S.000Z")


async def test_redirect_hops_certificate(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("redirect.test", "/start", https=True))
    report = report_of(capture)
    assert capture.certificates.keys() == {f"https://redirect.test:{web.https_port}"}
    (certificate,) = report.lists.certificates
    assert certificate.sha256 == hashlib.sha256(web.leaf_der).hexdigest()
    assert certificate.hosts == ["redirect.test"]
    assert report.page.tls_issuer is None  # the page landed on plain HTTP


async def test_untrusted_certificate_with_insecure(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("badtls.test", https=True), ScanOptions(insecure_tls=True))
    report = report_of(capture)
    assert capture.failure is None
    (certificate,) = report.lists.certificates
    assert described(certificate) == expected(web.badtls_leaf_der)
    assert certificate.issuer == "Untrusted Test CA" and certificate.hosts == ["badtls.test"]
    assert report.page.tls_issuer == "Untrusted Test CA"


async def test_certificate_error_still_reports_the_certificate(
    pool: BrowserPool, web: TestWeb
) -> None:
    capture = await pool.capture(web.url("badtls.test", https=True))
    assert capture.failure is not None and capture.failure.reason is FailureReason.TLS
    report = report_of(capture)
    (certificate,) = report.lists.certificates
    assert described(certificate) == expected(web.badtls_leaf_der)
    assert certificate.hosts == ["badtls.test"] and certificate.young
