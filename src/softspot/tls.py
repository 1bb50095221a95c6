"""HTTPS on the home network: this household's own small certificate authority and server certificate.

``softspot serve --lan --https`` calls :func:`ensure`. Everything lives in
``<data dir>/tls/`` (folder 0700, keys 0600, each file written whole or not at
all by :mod:`softspot.keys`):

- ``ca.key``, ``ca.crt``: the authority, made once (ten years). A phone trusts
  it once (``/trust/``); from then on every server certificate it signs is
  trusted, so renewing the server certificate asks nothing of anyone.
- ``server.key``, ``server.crt``: the server certificate for the home address,
  ``localhost``, ``127.0.0.1``, ``::1``, ``<hostname>.local`` and the host
  name. Issued again when fewer than 30 days are left or the names change.

What phones demand of a certificate from an authority a person installed
(Apple, "Requirements for trusted certificates in iOS 13 and macOS 10.15";
Chrome and Android the same or less): names in the subjectAltName (the common
name is ignored), extendedKeyUsage serverAuth, at most 825 days of validity
(397 here, the limit for publicly trusted ones too), SHA-256 signatures, keys of
at least RSA 2048 or ECDSA P-256; the authority a real CA (basicConstraints
CA:TRUE, keyUsage keyCertSign). Keys are ECDSA P-256: small, quick to make,
accepted by every current phone.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from softspot.keys import private_folder, write_private
from softspot.paths import data_dir

CA_LIFETIME = timedelta(days=3650)
SERVER_LIFETIME = timedelta(days=397)
RENEW_BEFORE = timedelta(days=30)
CLOCK_SKEW = timedelta(hours=1)
"""Certificates start an hour early, so a phone whose clock is a little behind still accepts them."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class ServerNames:
    """The names a phone may use to reach this computer: they all go into the server certificate."""

    dns: tuple[str, ...]
    ips: tuple[IPAddress, ...]

    def as_set(self) -> set[str]:
        return {f"DNS:{d}" for d in self.dns} | {f"IP:{ip}" for ip in self.ips}


def server_names(address: str, hostname: str) -> ServerNames:
    """``localhost``, ``<hostname>.local`` and the host name (when valid DNS names), the address, loopback."""
    dns = ["localhost"]
    label = hostname.split(".", 1)[0].lower()
    if _LABEL.match(label) and label != "localhost":
        dns += [f"{label}.local", label]
    ips: list[IPAddress] = []
    with contextlib.suppress(ValueError):
        ips.append(ipaddress.ip_address(address.strip("[]")))
    for loopback in ("127.0.0.1", "::1"):
        ip = ipaddress.ip_address(loopback)
        if ip not in ips:
            ips.append(ip)
    return ServerNames(tuple(dns), tuple(ips))


@dataclass(frozen=True)
class Certificates:
    """What ``serve`` needs and tells: the files, the authority's fingerprint, and what was just made."""

    folder: Path
    fingerprint: str
    """SHA-256 of the authority's certificate, as ``AB:CD:...``; phones show the same in its details."""
    server_expires: datetime
    made_authority: bool
    """True when the authority is new: every phone must trust it (again)."""
    issued: bool
    """True when the server certificate was (re)issued just now."""

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.crt"

    @property
    def server_cert(self) -> Path:
        return self.folder / "server.crt"

    @property
    def server_key(self) -> Path:
        return self.folder / "server.key"


def ensure(folder: Path, names: ServerNames, now: datetime, hostname: str = "") -> Certificates:
    """Make or renew what is missing, expiring, damaged or for other names; reuse the rest.

    Raises :class:`softspot.keys.FolderNotWritable` (an ``OSError``) when the folder cannot be written.
    """
    private_folder(folder)
    ca = _load_pair(folder / "ca.crt", folder / "ca.key")
    made_authority = ca is None or ca[0].not_valid_after_utc - now < RENEW_BEFORE
    if made_authority:
        ca = _new_authority(now, hostname)
        _save_pair(folder / "ca.crt", folder / "ca.key", *ca)
    assert ca is not None
    server = None if made_authority else _load_pair(folder / "server.crt", folder / "server.key")
    issued = server is None or not _still_good(server[0], ca[0], names, now)
    if issued:
        server = _new_server_certificate(ca, names, now, hostname)
        _save_pair(folder / "server.crt", folder / "server.key", *server)
    assert server is not None
    return Certificates(
        folder=folder,
        fingerprint=fingerprint(ca[0]),
        server_expires=server[0].not_valid_after_utc,
        made_authority=made_authority,
        issued=issued,
    )


def folder() -> Path:
    """``<data dir>/tls``: where the household's authority and the server certificate live."""
    return data_dir() / "tls"


def fingerprint(cert: x509.Certificate) -> str:
    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def fingerprint_lines(text: str) -> list[str]:
    """The fingerprint in four lines of eight pairs, easier to compare by eye on a phone."""
    pairs = text.split(":")
    return [":".join(pairs[i : i + 8]) for i in range(0, len(pairs), 8)]


def authority_name(cert: x509.Certificate) -> str:
    """The name a phone shows for the authority (its common name)."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else "softspot"


def authority_certificate(folder: Path) -> x509.Certificate | None:
    """The household's authority certificate, for ``/trust/``; None when there is none (yet) or it is damaged."""
    try:
        return x509.load_pem_x509_certificate((folder / "ca.crt").read_bytes())
    except (OSError, ValueError):
        return None


Pair = tuple[x509.Certificate, ec.EllipticCurvePrivateKey]


def _load_pair(cert_path: Path, key_path: Path) -> Pair | None:
    """A certificate and its key, or None when either is missing, unreadable or they do not belong together."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != cert.public_key():
        return None
    with contextlib.suppress(OSError):
        if key_path.stat().st_mode & 0o077:
            os.chmod(key_path, 0o600)  # someone loosened it: a private key is the owner's only
    return cert, key


def _save_pair(cert_path: Path, key_path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
    """Key first, then certificate: after a crash between the two they do not match, and the pair is made again."""
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_private(key_path, key_pem, replace=True)
    write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM), replace=True)


def _still_good(cert: x509.Certificate, ca: x509.Certificate, names: ServerNames, now: datetime) -> bool:
    if cert.issuer != ca.subject or cert.not_valid_after_utc - now < RENEW_BEFORE or cert.not_valid_before_utc > now:
        return False
    try:
        cert.verify_directly_issued_by(ca)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return False
    have = {f"DNS:{d}" for d in san.get_values_for_type(x509.DNSName)}
    have |= {f"IP:{ip}" for ip in san.get_values_for_type(x509.IPAddress)}
    return have == names.as_set()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "softspot"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _new_authority(now: datetime, hostname: str) -> Pair:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"softspot household CA ({hostname})" if hostname else "softspot household CA")
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _new_server_certificate(ca: Pair, names: ServerNames, now: datetime, hostname: str) -> Pair:
    ca_cert, ca_key = ca
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    not_before = now - CLOCK_SKEW
    not_after = min(not_before + SERVER_LIFETIME, ca_cert.not_valid_after_utc)
    alt_names: list[x509.GeneralName] = [x509.DNSName(d) for d in names.dns]
    alt_names += [x509.IPAddress(ip) for ip in names.ips]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"softspot on {hostname}" if hostname else "softspot"))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
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
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def now_utc() -> datetime:
    return datetime.now(UTC)


__all__ = [
    "Certificates",
    "ServerNames",
    "authority_certificate",
    "authority_name",
    "ensure",
    "fingerprint",
    "fingerprint_lines",
    "folder",
    "server_names",
]
