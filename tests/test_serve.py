"""``softspot serve`` as a person runs it: the new server, --lan --https, the trust page, and every refusal.

Each refusal is one line on stderr, exit 2, and nothing written in the data folder.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import re
import socket
import ssl
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from django.test import Client, override_settings
from tests.running import SOFTSPOT, Served, clean_env, serving, without_admin_rights
from typer.testing import CliRunner

from softspot import tls
from softspot.cli import app


def refused(data: Path, *args: str, rights: bool = True) -> subprocess.CompletedProcess[str]:
    command = [SOFTSPOT, "serve", *args]
    return subprocess.run(
        command if rights else without_admin_rights(command),
        env=clean_env(data),
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def contents(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def taken_port(host: str = "127.0.0.1") -> tuple[socket.socket, int]:
    blocker = socket.socket()
    blocker.bind((host, 0))
    blocker.listen()
    return blocker, int(blocker.getsockname()[1])


# Refusals


def test_a_port_already_in_use_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    blocker, port = taken_port()
    with blocker:
        result = refused(tmp_path / "data", "--port", str(port))
    assert one_line(result) == (
        f"softspot: --port: port {port} is already in use on 127.0.0.1 (is softspot already running?); "
        "stop the other program or choose another port with --port"
    )
    assert contents(tmp_path / "data") == []


def test_a_taken_plain_http_port_under_https_names_that_option_and_makes_no_certificate(tmp_path: Path) -> None:
    blocker, port = taken_port("0.0.0.0")
    with blocker:
        result = refused(tmp_path / "data", "--lan", "--https", "--port", "0", "--http-port", str(port))
    assert one_line(result).startswith(f"softspot: --http-port: port {port} is already in use on 0.0.0.0")
    assert contents(tmp_path / "data") == []


def test_a_port_below_1024_without_the_rights_is_one_line(tmp_path: Path) -> None:
    lowest_free = int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())
    if lowest_free <= 80:
        pytest.skip("this system lets anyone use port 80")
    result = refused(tmp_path / "data", "--port", "80", rights=False)
    assert one_line(result) == (
        "softspot: --port: port 80 is below 1024, which only an administrator may use on this computer; "
        "choose a port from 1024 up with --port"
    )
    assert contents(tmp_path / "data") == []


def test_a_certificate_folder_that_cannot_be_written_is_one_line_and_nothing_is_half_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o500)
    result = refused(data, "--lan", "--https", "--port", "0", "--http-port", "0", rights=False)
    assert one_line(result) == (
        f"softspot: --https: cannot write {data / 'tls'}: Permission denied; softspot keeps its certificates "
        "there (set SOFTSPOT_DATA_DIR to use another folder)"
    )
    assert contents(data) == []


def test_a_file_in_place_of_the_certificate_folder_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tls").write_text("not a folder")
    result = refused(data, "--lan", "--https", "--port", "0", "--http-port", "0")
    assert one_line(result).startswith(f"softspot: --https: cannot write {data / 'tls'}: it is a file, not a folder")
    assert contents(data) == ["tls"]


def test_a_data_folder_that_cannot_hold_the_secret_key_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o500)
    result = refused(data, "--port", "0", rights=False)
    assert one_line(result).startswith(f"softspot: the data folder {data} cannot be written (Permission denied")
    assert contents(data) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--https"], "--https: only with --lan; on this computer http://127.0.0.1 is already treated as secure"),
        (["--lan", "--http-port", "8001"], "--http-port: only with --https"),
        (["--lan", "--https", "--port", "9000", "--http-port", "9000"], "--http-port: 9000 is the HTTPS port too"),
        (["--lan", "--https", "--http-port", "70000"], "--http-port: 70000 is not a port number"),
        (["--lan", "--https", "--port", "-5"], "--port: -5 is not a port number"),
    ],
)
def test_serve_refuses_bad_https_options_with_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 2
    assert message in result.output


# The new server


def test_plain_serve_answers_a_burst_of_50_simultaneous_posts_without_resetting_one(tmp_path: Path) -> None:
    """Django's development server listened with a queue of 10 and reset some of 50 (docs/benchmarks.md)."""
    with serving(tmp_path / "data", "--port", "0") as served:
        host, port = urllib.parse.urlsplit(served.base).netloc.split(":")
        start = threading.Barrier(50)
        answers: list[int | str] = []

        def post() -> None:
            start.wait()
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
                conn.request("POST", "/api/records/", body=b"{}", headers={"Content-Type": "application/json"})
                answers.append(conn.getresponse().status)
                conn.close()
            except OSError as exc:
                answers.append(type(exc).__name__)

        threads = [threading.Thread(target=post) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert answers == [403] * 50  # every one answered (refused for want of a CSRF token), none reset


def https_context(data: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(data / "tls" / "ca.crt"))


def fetch(url: str, context: ssl.SSLContext | None = None) -> http.client.HTTPResponse:
    """One request, redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(parts.netloc, context=context, timeout=30)
    else:
        conn = http.client.HTTPConnection(parts.netloc, timeout=30)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    response = conn.getresponse()
    response.read()
    return response


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    data = tmp_path_factory.mktemp("https") / "data"
    with serving(data, "--lan", "--https", "--host", "127.0.0.1", "--port", "0", "--http-port", "0") as served:
        yield served, data


def test_https_tells_how_to_trust_the_certificate_and_how_to_sign_in(https_server: tuple[Served, Path]) -> None:
    served, data = https_server
    out = served.output
    assert served.base.startswith("https://127.0.0.1:")
    assert served.sign_in_link.startswith(f"{served.base}/signin/?token=")
    assert served.trust_url.startswith("http://127.0.0.1:")
    assert "softspot made its own certificate authority for this household" in out
    assert out.index("1. Once per phone, trust softspot's certificate") < out.index("2. Sign in on the phone")
    authority = x509.load_pem_x509_certificate((data / "tls" / "ca.crt").read_bytes())
    for line in tls.fingerprint_lines(tls.fingerprint(authority)):
        assert f"    {line}\n" in out


def test_the_plain_http_port_offers_the_trust_page_and_the_certificate_and_sends_the_rest_to_https(
    https_server: tuple[Served, Path],
) -> None:
    served, data = https_server
    plain = served.trust_url.removesuffix("/trust/")
    root = fetch(f"{plain}/")
    assert (root.status, root.headers["Location"]) == (302, "/trust/")

    page = urllib.request.urlopen(served.trust_url, timeout=30).read().decode()
    authority = x509.load_pem_x509_certificate((data / "tls" / "ca.crt").read_bytes())
    assert "Trust softspot on this phone" in page
    assert "<br>".join(tls.fingerprint_lines(tls.fingerprint(authority))) in page
    assert f'href="{served.base}/"' in page
    assert "VPN &amp; Device Management" in page and "Certificate Trust Settings" in page
    assert "Encryption &amp; credentials" in page and "CA certificate" in page
    assert " style=" not in page and "<style" not in page  # the CSP allows none
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page)), "no inline script"

    for_ios = urllib.request.urlopen(f"{plain}/trust/ca.crt", timeout=30)
    assert for_ios.headers["Content-Type"] == "application/x-x509-ca-cert"  # Safari offers it as a profile
    assert x509.load_der_x509_certificate(for_ios.read()) == authority
    for_android = urllib.request.urlopen(f"{plain}/trust/softspot-ca.crt", timeout=30)
    assert for_android.headers["Content-Type"] == "application/pkix-cert"  # saved, for Settings to install
    assert for_android.headers["Content-Disposition"] == 'attachment; filename="softspot-ca.crt"'
    assert x509.load_der_x509_certificate(for_android.read()) == authority

    away = fetch(f"{plain}/history/?week=2")
    assert (away.status, away.headers["Location"]) == (307, f"{served.base}/history/?week=2")


def test_https_is_trusted_with_the_households_authority_and_refused_without_it(
    https_server: tuple[Served, Path],
) -> None:
    served, data = https_server
    page = fetch(f"{served.base}/t/hands-free-hamstring/", https_context(data))
    assert page.status == 200
    assert fetch(f"{served.base}/trust/ca.crt", https_context(data)).status == 200
    with pytest.raises(ssl.SSLCertVerificationError):
        fetch(f"{served.base}/", ssl.create_default_context())


def test_plain_http_on_the_https_port_is_sent_to_https(https_server: tuple[Served, Path]) -> None:
    served, _ = https_server
    plain_on_https = served.base.replace("https://", "http://")
    answer = fetch(f"{plain_on_https}/history/")
    assert (answer.status, answer.headers["Location"]) == (307, f"{served.base}/history/")


def test_signing_in_over_https_gives_secure_cookies(https_server: tuple[Served, Path]) -> None:
    served, data = https_server
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=https_context(data)), urllib.request.HTTPCookieProcessor(jar)
    )
    link = served.sign_in_link
    opener.open(link, timeout=30).read()
    csrf = next(c for c in jar if c.name == "csrftoken")
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
    body = urllib.parse.urlencode({"token": token, "next": "/history/", "csrfmiddlewaretoken": csrf.value}).encode()
    request = urllib.request.Request(f"{served.base}/signin/", data=body, headers={"Referer": link})
    history = opener.open(request, timeout=30)
    assert history.url == f"{served.base}/history/"
    assert {c.name: c.secure for c in jar} == {"csrftoken": True, "sessionid": True}
    with pytest.raises(urllib.error.HTTPError) as spent:
        opener.open(request, timeout=30)
    assert spent.value.code == 400  # a link signs in once


@override_settings(LAN=True, LOCAL_OWNER=False, HTTPS_PORT=None)
def test_without_https_the_trust_page_says_how_to_turn_it_on(db: None) -> None:
    for url in ("/trust/", "/trust/ca.crt", "/trust/softspot-ca.crt"):
        response = Client().get(url)
        assert response.status_code == 404, url
