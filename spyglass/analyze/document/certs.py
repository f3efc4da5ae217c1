"""TLS certificates: the DER chains the browser gave, read into urlscan's ``lists.certificates``.

``lists.certificates`` holds each distinct leaf certificate once, in first-seen order, with the
hosts that presented it. A leaf comes from ``RawCapture.certificates`` (DER, by origin); an
origin without DER falls back to DevTools' ``securityDetails`` summary (subject, issuer,
validity), as urlscan reports it. Subject and issuer are common names, as DevTools and urlscan
write them. Ages count from the task time, passed in: analysis has no clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID

from spyglass.analyze.domains import host_of
from spyglass.analyze.timestamps import epoch_seconds
from spyglass.models import Certificate, TLSDetails, Transaction, tls_origin

DAY = 86400
YOUNG_DAYS = 7  # certificates this fresh are typical of throwaway phishing hosts


def parse_certificate(der: bytes, task_time: datetime) -> Certificate:
    """A DER certificate's facts; ``ValueError`` when it is not one."""
    cert = x509.load_der_x509_certificate(der)
    valid_from = int(cert.not_valid_before_utc.timestamp())
    valid_to = int(cert.not_valid_after_utc.timestamp())
    sans = _san_list(cert)
    subject = _common_name(cert.subject) or (sans[0] if sans else cert.subject.rfc4514_string())
    certificate = Certificate(
        subject_name=subject,
        issuer=_common_name(cert.issuer) or cert.issuer.rfc4514_string() or None,
        valid_from=valid_from,
        valid_to=valid_to,
        serial=serial_hex(cert.serial_number),
        sha256=hashlib.sha256(der).hexdigest(),
        san_list=sans,
    )
    return _with_ages(certificate, task_time)


def serial_hex(serial: int) -> str:
    """Upper-case hex, whole bytes, as ``openssl x509 -serial`` prints it.

    >>> serial_hex(0xABC), serial_hex(0x1F00)
    ('0ABC', '1F00')
    """
    text = f"{serial:X}"
    return text.zfill(len(text) + len(text) % 2)


def from_details(tls: TLSDetails, task_time: datetime) -> Certificate | None:
    """The certificate as DevTools' ``securityDetails`` summarise it (no serial, no hash)."""
    if not tls.subject_name:
        return None
    certificate = Certificate(
        subject_name=tls.subject_name,
        issuer=tls.issuer,
        valid_from=tls.valid_from,
        valid_to=tls.valid_to,
        san_list=list(tls.san_list),
    )
    return _with_ages(certificate, task_time)


def leaf_certificates(
    chains: Mapping[str, Sequence[str]], task_time: datetime
) -> dict[str, Certificate]:
    """Origin -> its parsed leaf; origins whose leaf is not a readable DER certificate are
    left out (their hops fall back to ``securityDetails``)."""
    leaves: dict[str, Certificate] = {}
    for origin, chain in chains.items():
        if not chain:
            continue
        try:
            leaves[origin] = parse_certificate(base64.b64decode(chain[0]), task_time)
        except (ValueError, binascii.Error):
            continue
    return leaves


def hop_certificate(
    hop: Transaction, leaves: Mapping[str, Certificate], task_time: datetime
) -> Certificate | None:
    """The certificate that answered ``hop``: its origin's leaf, else its ``securityDetails``
    (or the leaf they describe, when another origin gave that one's DER)."""
    if not hop.url.startswith("https:"):
        return None
    leaf = leaves.get(tls_origin(hop.url))
    if leaf is not None:
        return leaf
    summary = from_details(hop.tls, task_time) if hop.tls is not None else None
    if summary is None:
        return None
    same = (c for c in leaves.values() if _summary_key(c) == _summary_key(summary))
    return next(same, summary)


def certificate_list(
    transactions: Sequence[Transaction],
    chains: Mapping[str, Sequence[str]],
    task_time: datetime,
) -> list[Certificate]:
    """``lists.certificates`` (see the module docstring). A hop whose handshake failed counts
    when the browser still showed its chain (a certificate error page)."""
    leaves = leaf_certificates(chains, task_time)
    seen: dict[object, Certificate] = {}
    for hop in transactions:
        found = hop_certificate(hop, leaves, task_time)
        if found is None:
            continue
        key = found.sha256 or _summary_key(found)
        certificate = seen.get(key)
        if certificate is None:  # copied once: the hosts list grows on the copy
            certificate = seen[key] = found.model_copy(deep=True)
        host = host_of(hop.url)
        if host and host not in certificate.hosts:
            certificate.hosts.append(host)
    for origin, leaf in leaves.items():  # chains no recorded hop points at
        certificate = seen.get(leaf.sha256)
        if certificate is None:
            certificate = seen[leaf.sha256] = leaf.model_copy(deep=True)
        host = host_of(origin)
        if host and host not in certificate.hosts:
            certificate.hosts.append(host)
    return list(seen.values())


def _summary_key(c: Certificate) -> tuple[str, str | None, int | None, int | None]:
    return (c.subject_name, c.issuer, c.valid_from, c.valid_to)


def _with_ages(certificate: Certificate, task_time: datetime) -> Certificate:
    """Sets ``valid_days``, ``age_days`` and ``young``: whole days, floored as urlscan's
    ``tlsAgeDays``; a certificate not yet valid at scan time counts as young too."""
    start, end = certificate.valid_from, certificate.valid_to
    if start is None:
        return certificate
    age = int(epoch_seconds(task_time)) - start
    certificate.age_days = age // DAY
    certificate.young = age < YOUNG_DAYS * DAY
    if end is not None:
        certificate.valid_days = (end - start) // DAY
    return certificate


def _common_name(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = values[0].value if values else None
    return value if isinstance(value, str) and value else None


def _san_list(cert: x509.Certificate) -> list[str]:
    """DNS names, then IP addresses, as the certificate lists them."""
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    dns = names.get_values_for_type(x509.DNSName)
    ips = [str(address) for address in names.get_values_for_type(x509.IPAddress)]
    return [*dns, *ips]
