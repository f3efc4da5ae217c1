"""Certificates read from DER: fields, ages, and lists.certificates' grouping by host."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from spyglass.analyze.document.certs import certificate_list, parse_certificate, serial_hex
from spyglass.analyze.document.page import build_page
from spyglass.models import RawCapture, TLSDetails, Transaction

TASK_TIME = datetime(2024, 3, 10, 12, 0, 0, tzinfo=UTC)
CA_KEY = ec.generate_private_key(ec.SECP256R1())
CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Trust"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Example Issuing CA"),
    ]
)


def make_der(
    common_name: str,
    not_before: datetime,
    days: int,
    dns: list[str],
    ips: tuple[str, ...] = (),
    serial: int = 0xBCDEF0123,
) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in ips]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(CA_NAME)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_before + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(CA_KEY, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def b64(der: bytes) -> str:
    return base64.b64encode(der).decode("ascii")


OLD = make_der("old.example", TASK_TIME - timedelta(days=200, hours=1), 365, ["old.example"])
FRESH = make_der(
    "fresh.example",
    TASK_TIME - timedelta(days=2),
    90,
    ["fresh.example", "www.fresh.example"],
    ("192.0.2.7", "2001:db8::7"),
    serial=0x1F00,
)


def test_fields_from_der() -> None:
    cert = parse_certificate(FRESH, TASK_TIME)
    parsed = x509.load_der_x509_certificate(FRESH)
    assert cert.subject_name == "fresh.example"
    assert cert.issuer == "Example Issuing CA"  # the issuer's common name, as urlscan shows it
    assert cert.san_list == ["fresh.example", "www.fresh.example", "192.0.2.7", "2001:db8::7"]
    assert cert.serial == "1F00" and int(cert.serial, 16) == parsed.serial_number
    assert cert.sha256 == hashlib.sha256(FRESH).hexdigest()
    assert cert.sha256 == parsed.fingerprint(hashes.SHA256()).hex()
    assert cert.valid_from == int((TASK_TIME - timedelta(days=2)).timestamp())
    assert cert.valid_to == cert.valid_from + 90 * 86400
    assert isinstance(cert.valid_from, int) and isinstance(cert.valid_to, int)
    assert (cert.valid_days, cert.age_days, cert.young) == (90, 2, True)


def test_old_certificate_is_not_young() -> None:
    cert = parse_certificate(OLD, TASK_TIME)
    assert (cert.valid_days, cert.age_days, cert.young) == (365, 200, False)
    assert cert.serial == "0BCDEF0123"  # whole bytes: a leading zero


def test_young_boundary_and_not_yet_valid() -> None:
    almost = make_der("a.example", TASK_TIME - timedelta(days=7) + timedelta(seconds=1), 30, [])
    week = make_der("b.example", TASK_TIME - timedelta(days=7), 30, [])
    future = make_der("c.example", TASK_TIME + timedelta(hours=3), 30, [])
    assert parse_certificate(almost, TASK_TIME).young
    assert not parse_certificate(week, TASK_TIME).young
    assert parse_certificate(future, TASK_TIME).young
    assert parse_certificate(future, TASK_TIME).age_days == -1


def test_serial_hex_whole_bytes() -> None:
    assert serial_hex(0xABCDEF0123) == "ABCDEF0123"
    assert serial_hex(0x5) == "05"


def _hop(request_id: str, url: str, tls: TLSDetails | None = None) -> Transaction:
    return Transaction(request_id=request_id, url=url, status=200, tls=tls)


def test_list_groups_hosts_by_certificate_in_first_seen_order() -> None:
    hops = [
        _hop("1", "https://fresh.example/"),
        _hop("2", "https://old.example/a.js"),
        _hop("3", "https://www.fresh.example/b.css"),
        _hop("4", "http://plain.example/"),
        _hop("5", "https://old.example:8443/c.png"),
    ]
    chains = {
        "https://fresh.example": [b64(FRESH), b64(OLD)],  # leaf first; the rest is ignored
        "https://old.example": [b64(OLD)],
        "https://www.fresh.example": [b64(FRESH)],
        "https://old.example:8443": [b64(OLD)],
    }
    certificates = certificate_list(hops, chains, TASK_TIME)
    assert [(c.subject_name, c.hosts, c.young) for c in certificates] == [
        ("fresh.example", ["fresh.example", "www.fresh.example"], True),
        ("old.example", ["old.example"], False),
    ]


def test_security_details_fallback_and_merge_with_der() -> None:
    fresh = parse_certificate(FRESH, TASK_TIME)
    details = TLSDetails(
        subject_name="fresh.example",
        issuer="Example Issuing CA",
        valid_from=fresh.valid_from,
        valid_to=fresh.valid_to,
        san_list=["fresh.example"],
    )
    other = details.model_copy(update={"subject_name": "other.example"})
    hops = [
        _hop("1", "https://www.fresh.example/", details),  # no DER for this origin
        _hop("2", "https://fresh.example/", details),
        _hop("3", "https://other.example/", other),
        _hop("4", "https://broken.example/", other),  # its DER is unreadable
    ]
    chains = {"https://fresh.example": [b64(FRESH)], "https://broken.example": ["bm90IERFUg=="]}
    certificates = certificate_list(hops, chains, TASK_TIME)
    assert [(c.subject_name, c.hosts, c.sha256 is not None) for c in certificates] == [
        ("fresh.example", ["www.fresh.example", "fresh.example"], True),
        ("other.example", ["other.example", "broken.example"], False),
    ]
    assert certificates[1].young and certificates[1].age_days == 2


def test_chain_without_a_recorded_hop_still_counts() -> None:
    # A certificate error page's chain: the handshake failed, the hop has no TLS details.
    hop = Transaction(
        request_id="1", url="https://fresh.example/", failed="net::ERR_CERT_DATE_INVALID"
    )
    chains = {"https://fresh.example": [b64(FRESH)], "https://old.example": [b64(OLD)]}
    certificates = certificate_list([hop], chains, TASK_TIME)
    assert [(c.subject_name, c.hosts) for c in certificates] == [
        ("fresh.example", ["fresh.example"]),
        ("old.example", ["old.example"]),
    ]


def test_page_tls_fields_come_from_the_primary_certificate() -> None:
    hop = Transaction(
        request_id="1",
        url="https://fresh.example/",
        resource_type="Document",
        is_main_frame=True,
        status=200,
        tls=TLSDetails(subject_name="fresh.example", issuer="stale summary", valid_from=0),
    )
    capture = RawCapture(
        url=hop.url,
        started_at=TASK_TIME,
        finished_at=TASK_TIME,
        transactions=[hop],
        certificates={"https://fresh.example": [b64(FRESH)]},
    )
    page = build_page(capture, hop, None, TASK_TIME)
    assert page.tls_issuer == "Example Issuing CA"
    assert page.tls_valid_from == "2024-03-08T12:00:00.000Z"
    assert (page.tls_valid_days, page.tls_age_days) == (90, 2)
