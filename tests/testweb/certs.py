"""Certificates for the test web, made fresh at every start.

Two independent authorities:

* the test CA signs ONE leaf whose SANs list every good hostname and address.
  Its key's SPKI hash is what a scan passes to Chromium's
  --ignore-certificate-errors-spki-list, and ``ca_pem`` is what a plain client
  trusts.
* an untrusted CA, with a different key, signs badtls.test's leaf, so neither
  the SPKI flag nor the test CA makes Chromium accept it.

EC P-256 keys: generating one takes microseconds where RSA-2048 takes ~50 ms.
"""

import base64
import datetime
import hashlib
import ipaddress
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=30)
# Backdated so a clock a little behind ours still accepts the certificate.
BACKDATE = datetime.timedelta(days=1)


@dataclass(frozen=True)
class ServerIdentity:
    """What one TLS listener presents, and what a client needs to check it."""

    chain_pem: bytes  # leaf then CA, as served
    key_pem: bytes
    ca_pem: bytes
    spki_hash: str  # base64(sha256(leaf SubjectPublicKeyInfo DER))
    leaf_der: bytes  # what a scan's report must describe

    def ssl_context(self) -> ssl.SSLContext:
        """A server context presenting this identity (HTTP/1.1 only)."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.set_alpn_protocols(["http/1.1"])
        # load_cert_chain only reads files; they live just long enough to be read.
        with tempfile.TemporaryDirectory(prefix="spyglass-testweb-") as directory:
            chain = Path(directory, "chain.pem")
            key = Path(directory, "key.pem")
            chain.write_bytes(self.chain_pem)
            key.write_bytes(self.key_pem)
            context.load_cert_chain(chain, key)
        return context


def make_identity(ca_name: str, hostnames: list[str], addresses: list[str]) -> ServerIdentity:
    """A fresh CA named `ca_name` and a leaf for `hostnames` and `addresses`."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _ca_certificate(ca_name, ca_key, now)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_cert = _leaf_certificate(ca_cert, ca_key, leaf_key, hostnames, addresses, now)
    pem = serialization.Encoding.PEM
    return ServerIdentity(
        chain_pem=leaf_cert.public_bytes(pem) + ca_cert.public_bytes(pem),
        key_pem=leaf_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        ca_pem=ca_cert.public_bytes(pem),
        spki_hash=spki_hash(leaf_cert),
        leaf_der=leaf_cert.public_bytes(serialization.Encoding.DER),
    )


def spki_hash(cert: x509.Certificate) -> str:
    """The value Chromium's --ignore-certificate-errors-spki-list expects."""
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Spyglass testweb"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca_certificate(
    name: str, key: ec.EllipticCurvePrivateKey, now: datetime.datetime
) -> x509.Certificate:
    # Extensions as strict verifiers (Python 3.13's VERIFY_X509_STRICT) require.
    return (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf_certificate(
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    key: ec.EllipticCurvePrivateKey,
    hostnames: list[str],
    addresses: list[str],
    now: datetime.datetime,
) -> x509.Certificate:
    names: list[x509.GeneralName] = [x509.DNSName(host) for host in hostnames]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(_name(hostnames[0]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
