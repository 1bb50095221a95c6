"""``softspot serve`` and ``softspot admin``: the web app on this machine or the home network.

The server is cheroot (``softspot.web.server``): a thread pool, a listen queue
of 256, TLS with Python's ``ssl``, static files through whitenoise; enough for
one household on loopback or the home network. ``--lan --https`` serves HTTPS
with the household's own certificate authority (``softspot.tls``) and keeps a
plain-HTTP port for ``/trust/``, where a phone gets the certificate to trust. A
practice hosting it for many clients runs gunicorn behind a proxy instead
(docs/deployment.md).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.markup import escape

from softspot.cli.output import console, fail
from softspot.cli.store import open_store, store_errors
from softspot.i18n import _

if TYPE_CHECKING:
    from softspot.tls import Certificates
    from softspot.web.server import Listener

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}
PORT = 8000
HTTPS_PORT = 8443
ANY_ADDRESS = {"0.0.0.0", "::"}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def lan_address() -> str:
    """This machine's address on the home network (no packet is sent); loopback when there is none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            address: str = probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
    return address


@dataclass(frozen=True)
class Ports:
    """What to bind: the address, the main port (HTTPS with ``--https``), and the plain-HTTP port for ``/trust/``."""

    bind: str
    port: int
    http_port: int | None = None


def _check_port(option: str, port: int) -> None:
    if not 0 <= port <= 65535:
        fail(
            _("%(option)s: %(port)s is not a port number (1 to 65535, or 0 for any free port)")
            % {"option": option, "port": port}
        )


def check_options(
    host: str | None, port: int | None, lan: bool, https: bool = False, http_port: int | None = None
) -> Ports:
    """What to bind; bad combinations exit 2 naming the option."""
    if port is not None:
        _check_port("--port", port)
    if http_port is not None:
        _check_port("--http-port", http_port)
    if host is not None and not host.strip():
        fail(_("--host: give an address, e.g. 127.0.0.1"))
    if http_port is not None and not https:
        fail(_("--http-port: only with --https (it is the plain-HTTP port that offers the certificate)"))
    if https and not lan:
        fail(_("--https: only with --lan; on this computer http://127.0.0.1 is already treated as secure"))
    if lan:
        bind = host or "0.0.0.0"
    else:
        bind = host or "127.0.0.1"
        if not is_loopback(bind):
            fail(
                _("--host: %(address)s would serve the network without sign-in; use --lan, which requires sign-in")
                % {"address": bind}
            )
    if not https:
        return Ports(bind, PORT if port is None else port)
    main = HTTPS_PORT if port is None else port
    plain = PORT if http_port is None else http_port
    if main == plain != 0:
        fail(_("--http-port: %(port)s is the HTTPS port too (--port); choose two different ports") % {"port": plain})
    return Ports(bind, main, plain)


def _refuse_production() -> None:
    if os.environ.get("SOFTSPOT_PRODUCTION", "").lower() in {"1", "true", "yes", "on"}:
        fail(_("SOFTSPOT_PRODUCTION is set: in production run gunicorn behind a proxy (see docs/deployment.md)"))


def _hosts(bind: str, shown_host: str) -> set[str]:
    """Host names the site answers to under --lan (Django's ALLOWED_HOSTS)."""
    hosts = {shown_host, "127.0.0.1", "localhost", "[::1]", socket.gethostname(), f"{socket.gethostname()}.local"}
    if bind not in ANY_ADDRESS:
        hosts.add(bind)
    return hosts


def _environment(lan: bool, bind: str, shown_host: str, https_port: int | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "softspot.web.settings")
    if lan:
        os.environ["SOFTSPOT_LAN"] = "true"
        extra = os.environ.get("SOFTSPOT_ALLOWED_HOSTS", "")
        hosts = _hosts(bind, shown_host) | {h for h in extra.split(",") if h}
        os.environ["SOFTSPOT_ALLOWED_HOSTS"] = ",".join(sorted(hosts))
    else:
        os.environ["SOFTSPOT_LAN"] = "false"
    if https_port:
        os.environ["SOFTSPOT_HTTPS_PORT"] = str(https_port)
    else:
        os.environ.pop("SOFTSPOT_HTTPS_PORT", None)


def sign_in_link(base_url: str) -> str:
    """A one-time link (10 minutes) that signs a device in as this computer's owner."""
    from django.utils import timezone

    from softspot.store.records import local_owner
    from softspot.web.models import SignInLink

    token = SignInLink.issue(local_owner(), timezone.now())
    return f"{base_url}/signin/?token={token}"


def show_qr(url: str) -> None:
    import segno

    segno.make(url, error="m").terminal(out=sys.stdout, compact=True)
    console.print(f"  {escape(url)}\n", soft_wrap=True)  # never folded: it must stay one link


def show_link(url: str, step: str = "") -> None:
    console.print(
        f"\n[bold]{step}" + _("Sign in on the phone[/]: scan this code, or open the link (works once, for 10 minutes).")
    )
    show_qr(url)


def show_trust(trust_url: str, certificates: Certificates) -> None:
    from softspot.tls import fingerprint_lines

    if certificates.made_authority:
        console.print(
            "\n"
            + _(
                "softspot made its own certificate authority for this household (in %(folder)s). "
                "Each phone trusts it once."
            )
            % {"folder": escape(str(certificates.folder))}
        )
    console.print(
        "\n[bold]1. "
        + _(
            "Once per phone, trust softspot's certificate[/]: scan this code, or open the address, "
            "and follow the steps."
        )
    )
    show_qr(trust_url)
    console.print("  " + _("The page shows this fingerprint (SHA-256) of the certificate; check that they match:"))
    for line in fingerprint_lines(certificates.fingerprint):
        console.print(f"    {line}")


def _url(scheme: str, host: str, port: int) -> str:
    return f"{scheme}://{'[' + host + ']' if ':' in host else host}:{port}"


def _certificates(shown: str) -> Certificates:
    from softspot import tls

    hostname = socket.gethostname()
    try:
        return tls.ensure(tls.folder(), tls.server_names(shown, hostname), tls.now_utc(), hostname)
    except OSError as exc:
        fail(
            _("--https: %(error)s; softspot keeps its certificates there (set SOFTSPOT_DATA_DIR to use another folder)")
            % {"error": exc}
        )


def _bind(ports: Ports) -> list[Listener]:
    from softspot.web.server import ListenError, close, listen

    listeners: list[Listener] = []
    try:
        listeners.append(listen("--port", ports.bind, ports.port))
        if ports.http_port is not None:
            listeners.append(listen("--http-port", ports.bind, ports.http_port))
    except ListenError as exc:
        close(listeners)
        fail(str(exc))
    return listeners


def _collect_static() -> None:
    """Hashed, compressed static files in the data folder, made again only when the sources changed."""
    from softspot.web.staticfiles import collect

    try:
        collect()
    except (OSError, ValueError) as exc:  # the pages still work, with plain names and uncompressed files
        console.print(
            _("note: static files were not collected (%(error)s); serving them as they are.")
            % {"error": escape(str(exc))}
        )


def serve(host: str | None, port: int | None, lan: bool, https: bool = False, http_port: int | None = None) -> None:
    ports = check_options(host, port, lan, https, http_port)
    _refuse_production()
    shown = (lan_address() if ports.bind in ANY_ADDRESS else ports.bind) if lan else ports.bind
    listeners = _bind(ports)  # first: a taken or forbidden port is said before anything is written

    from softspot.web.server import close, https_redirect, serve_forever

    try:
        certificates = _certificates(shown) if https else None
        main = listeners[0]
        _environment(lan, ports.bind, shown, main.port if https else None)
        # The store must be usable (writable, whole, migrated) before the first request: never serve pages
        # that fail while records are accepted.
        open_store()
        _collect_static()
        from django.core.wsgi import get_wsgi_application

        app = get_wsgi_application()
        known = {h.strip("[]").lower() for h in _hosts(ports.bind, shown)}
        if certificates is not None:
            main.use_tls(str(certificates.server_cert), str(certificates.server_key), known, shown)
            listeners[1].use(https_redirect(app, main.port, known, shown))
        main.use(app)
        base = _url(main.scheme, shown, main.port)
    except BaseException:
        close(listeners)
        raise

    console.print(_("softspot is serving at %(address)s (Ctrl-C to stop).") % {"address": f"[bold]{escape(base)}/[/]"})
    if lan:
        console.print(_("On the home network every page except the technique page needs sign-in."))
        if certificates is not None:
            show_trust(f"{_url('http', shown, listeners[1].port)}/trust/", certificates)
        show_link(sign_in_link(base), step="2. " if https else "")
    try:
        serve_forever(listeners)
    except KeyboardInterrupt:
        console.print(_("stopped."))


def admin(args: list[str]) -> None:
    """Django's management commands (``migrate``, ``createsuperuser``, ``check --deploy``...)."""
    from softspot.store.bootstrap import check, database
    from softspot.store.health import StoreError, sqlite_path

    try:
        check()  # settings load; the SQLite folder can be written; an existing file is whole
        path = sqlite_path(database())
        if path is not None:  # where SQLite lives unless a database URL is given
            path.parent.mkdir(parents=True, exist_ok=True)
    except StoreError as exc:
        fail(str(exc))
    from django.core.management import execute_from_command_line

    with store_errors():
        execute_from_command_line(["softspot admin", *args])


__all__ = ["admin", "check_options", "is_loopback", "serve"]
