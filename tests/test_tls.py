"""The household's certificate authority and server certificate, and the installation's secret key.

What a phone demands of them is checked field by field (docs/web.md, "Plain HTTP and --https"); time is a
parameter, so renewal is tested by asking about a later day.
"""

from __future__ import annotations

import ipaddress
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from tests.running import clean_env

from softspot import keys, tls

NOW = datetime(2026, 11, 20, 19, 30, tzinfo=UTC)
HOME = tls.server_names("192.168.1.20", "alices-laptop")


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".tmp-"))


def test_the_authority_is_a_real_ca_that_phones_accept(tmp_path: Path) -> None:
    made = tls.ensure(tmp_path / "tls", HOME, NOW, "alices-laptop")
    ca = load(tmp_path / "tls" / "ca.crt")
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    assert usage.critical and usage.value.key_cert_sign and usage.value.crl_sign
    assert ca.issuer == ca.subject
    assert tls.authority_name(ca) == "softspot household CA (alices-laptop)"
    assert ca.not_valid_after_utc - NOW == tls.CA_LIFETIME
    assert isinstance(ca.public_key(), ec.EllipticCurvePublicKey)
    assert ca.signature_hash_algorithm is not None and ca.signature_hash_algorithm.name == "sha256"
    assert made.made_authority and made.issued
    assert made.fingerprint == tls.fingerprint(ca)
    assert len(made.fingerprint.split(":")) == 32


def test_the_server_certificate_names_the_home_address_loopback_and_the_local_name(tmp_path: Path) -> None:
    made = tls.ensure(tmp_path / "tls", HOME, NOW, "alices-laptop")
    ca, cert = load(made.ca_cert), load(made.server_cert)
    cert.verify_directly_issued_by(ca)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost", "alices-laptop.local", "alices-laptop"]
    assert san.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("192.168.1.20"),
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    ]
    assert cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.SERVER_AUTH]
    )
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert lifetime == timedelta(days=397)  # iOS accepts at most 825 days; 397 is also the public limit
    assert cert.not_valid_before_utc < NOW  # an hour early, for a phone whose clock is a little behind
    assert made.server_expires == cert.not_valid_after_utc


def test_keys_are_the_owners_only_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    tls.ensure(folder, HOME, NOW)
    assert mode(folder) == 0o700
    assert mode(folder / "ca.key") == 0o600
    assert mode(folder / "server.key") == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["ca.crt", "ca.key", "server.crt", "server.key"]


def test_a_second_start_reuses_the_authority_and_the_certificate(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    first = tls.ensure(folder, HOME, NOW)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = tls.ensure(folder, HOME, NOW + timedelta(days=200))
    assert (again.made_authority, again.issued) == (False, False)
    assert again.fingerprint == first.fingerprint
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_the_server_certificate_is_renewed_30_days_before_it_expires_under_the_same_authority(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "tls"
    first = tls.ensure(folder, HOME, NOW)
    late = first.server_expires - timedelta(days=29)
    renewed = tls.ensure(folder, HOME, late)
    assert renewed.issued and not renewed.made_authority
    assert renewed.fingerprint == first.fingerprint  # phones need not trust anything again
    assert renewed.server_expires > first.server_expires
    load(renewed.server_cert).verify_directly_issued_by(load(renewed.ca_cert))


def test_a_new_home_address_gets_a_new_certificate(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    first = tls.ensure(folder, HOME, NOW)
    moved = tls.ensure(folder, tls.server_names("10.0.0.7", "alices-laptop"), NOW)
    assert moved.issued and moved.fingerprint == first.fingerprint
    san = load(moved.server_cert).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("10.0.0.7") in san.get_values_for_type(x509.IPAddress)
    assert ipaddress.ip_address("192.168.1.20") not in san.get_values_for_type(x509.IPAddress)


def test_an_authority_near_its_end_is_replaced_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    first = tls.ensure(folder, HOME, NOW)
    later = tls.ensure(folder, HOME, NOW + tls.CA_LIFETIME - timedelta(days=10))
    assert later.made_authority and later.issued
    assert later.fingerprint != first.fingerprint


def test_a_key_that_does_not_match_its_certificate_is_made_again(tmp_path: Path) -> None:
    """What a crash between writing a new key and its certificate would leave."""
    folder = tmp_path / "tls"
    first = tls.ensure(folder, HOME, NOW)
    (folder / "server.key").write_bytes((folder / "ca.key").read_bytes())
    again = tls.ensure(folder, HOME, NOW)
    assert again.issued and not again.made_authority
    (folder / "ca.crt").write_text("not a certificate")
    remade = tls.ensure(folder, HOME, NOW)
    assert remade.made_authority and remade.fingerprint != first.fingerprint


def test_a_key_loosened_by_hand_is_made_owner_only_again(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    tls.ensure(folder, HOME, NOW)
    os.chmod(folder / "ca.key", 0o644)
    tls.ensure(folder, HOME, NOW)
    assert mode(folder / "ca.key") == 0o600


def test_a_folder_that_cannot_be_made_is_a_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    (tmp_path / "tls").write_text("a file where the folder should be")
    with pytest.raises(keys.FolderNotWritable) as raised:
        tls.ensure(tmp_path / "tls", HOME, NOW)
    assert str(raised.value) == f"cannot write {tmp_path / 'tls'}: it is a file, not a folder"
    assert isinstance(raised.value, OSError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tls"]


def test_names_leave_out_a_host_name_that_is_not_a_dns_name() -> None:
    names = tls.server_names("192.168.1.20", "Alice's MacBook")
    assert names.dns == ("localhost",)
    assert tls.server_names("127.0.0.1", "box.example.org").dns == ("localhost", "box.local", "box")
    assert [str(ip) for ip in tls.server_names("127.0.0.1", "box").ips] == ["127.0.0.1", "::1"]


def test_the_fingerprint_is_shown_in_four_lines_of_eight_pairs() -> None:
    lines = tls.fingerprint_lines(":".join(f"{n:02X}" for n in range(32)))
    assert lines == [
        "00:01:02:03:04:05:06:07",
        "08:09:0A:0B:0C:0D:0E:0F",
        "10:11:12:13:14:15:16:17",
        "18:19:1A:1B:1C:1D:1E:1F",
    ]


# The installation's secret key


def test_the_secret_key_is_made_once_owner_only_and_kept(tmp_path: Path) -> None:
    key = keys.installation_secret_key(tmp_path / "data")
    path = tmp_path / "data" / "secret_key"
    assert len(key) >= 50
    assert path.read_text() == key
    assert mode(path) == 0o600
    assert mode(tmp_path / "data") == 0o700
    assert keys.installation_secret_key(tmp_path / "data") == key
    assert leftovers(tmp_path) == []


def test_a_secret_key_made_meanwhile_by_another_process_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    assert keys.write_private(path, b"first" * 20, replace=False)
    assert not keys.write_private(path, b"second" * 20, replace=False)
    assert path.read_bytes() == b"first" * 20
    assert leftovers(tmp_path) == []


def test_an_emptied_secret_key_is_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(keys.SecretKeyUnreadable, match="too short to be a key; delete it"):
        keys.installation_secret_key(tmp_path)
    assert (tmp_path / "secret_key").read_text() == ""


def test_a_data_folder_that_cannot_be_made_is_a_clear_oserror(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    with pytest.raises(OSError, match=f"cannot write {tmp_path / 'data'}"):
        keys.installation_secret_key(tmp_path / "data")


def settings_secret_key(data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(data, DJANGO_SETTINGS_MODULE="softspot.web.settings", **env),
        capture_output=True,
        text=True,
    )


def test_settings_sign_with_this_installations_own_key_unless_the_environment_gives_one(tmp_path: Path) -> None:
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    first = settings_secret_key(alice).stdout.strip()
    assert first == (alice / "secret_key").read_text()
    assert settings_secret_key(alice).stdout.strip() == first
    assert settings_secret_key(bob).stdout.strip() not in {"", first}
    given = "x" * 60
    assert settings_secret_key(tmp_path / "carol", SOFTSPOT_SECRET_KEY=given).stdout.strip() == given
    assert not (tmp_path / "carol" / "secret_key").exists()


def test_settings_on_a_data_folder_that_cannot_be_written_raise_an_oserror_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    result = settings_secret_key(tmp_path / "data")
    assert result.returncode != 0
    assert result.stdout == ""  # settings print nothing themselves
    assert f"FolderNotWritable: cannot write {tmp_path / 'data'}: it is a file, not a folder" in result.stderr
