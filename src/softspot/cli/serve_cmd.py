"""``softspot serve`` and ``softspot admin``: the web app on this machine or the home network.

The server is Django's threaded WSGI server (``django.core.servers.basehttp``,
the one under ``runserver`` but without the autoreloader or debug pages) with
static files through whitenoise: enough for one household on loopback or the
home network. A practice hosting it for many clients runs gunicorn behind a
proxy instead (docs/deployment.md).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

from rich.markup import escape

from softspot.cli.output import console, fail

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


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


def check_options(host: str | None, port: int, lan: bool) -> str:
    """The address to bind; bad combinations exit 2 naming the option."""
    if not 0 <= port <= 65535:
        fail(f"--port: {port} is not a port number (1 to 65535, or 0 for any free port)")
    if host is not None and not host.strip():
        fail("--host: give an address, e.g. 127.0.0.1")
    if lan:
        return host or "0.0.0.0"
    host = host or "127.0.0.1"
    if not is_loopback(host):
        fail(f"--host: {host} would serve the network without sign-in; use --lan, which requires sign-in")
    return host


def _environment(lan: bool, bind: str, shown_host: str) -> None:
    if os.environ.get("SOFTSPOT_PRODUCTION", "").lower() in {"1", "true", "yes", "on"}:
        fail("SOFTSPOT_PRODUCTION is set: in production run gunicorn behind a proxy (see docs/deployment.md)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "softspot.web.settings")
    if lan:
        os.environ["SOFTSPOT_LAN"] = "true"
        hosts = {shown_host, "127.0.0.1", "localhost", "[::1]", socket.gethostname(), f"{socket.gethostname()}.local"}
        if bind not in {"0.0.0.0", "::"}:
            hosts.add(bind)
        extra = os.environ.get("SOFTSPOT_ALLOWED_HOSTS", "")
        os.environ["SOFTSPOT_ALLOWED_HOSTS"] = ",".join(sorted(hosts | {h for h in extra.split(",") if h}))
    else:
        os.environ["SOFTSPOT_LAN"] = "false"


def sign_in_link(base_url: str) -> str:
    """A one-time link (10 minutes) that signs a device in as this computer's owner."""
    from django.utils import timezone

    from softspot.store.records import local_owner
    from softspot.web.models import SignInLink

    token = SignInLink.issue(local_owner(), timezone.now())
    return f"{base_url}/signin/?token={token}"


def show_link(url: str) -> None:
    import segno

    console.print("\n[bold]Sign in on the phone[/]: scan this code, or open the link (works once, for 10 minutes).")
    segno.make(url, error="m").terminal(out=sys.stdout, compact=True)
    console.print(f"  {escape(url)}\n")


def serve(host: str | None, port: int, lan: bool) -> None:
    bind = check_options(host, port, lan)
    shown = (lan_address() if bind in {"0.0.0.0", "::"} else bind) if lan else bind
    _environment(lan, bind, shown)

    from softspot.store import bootstrap

    bootstrap.setup()
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    def announce(bound_port: object) -> None:  # Django passes the bound port number
        base = f"http://{'[' + shown + ']' if ':' in shown else shown}:{bound_port}"
        console.print(f"softspot is serving at [bold]{escape(base)}/[/] (Ctrl-C to stop).")
        if lan:
            console.print("On the home network every page except the technique page needs sign-in.")
            show_link(sign_in_link(base))

    try:
        run(bind, port, get_wsgi_application(), ipv6=":" in bind, threading=True, on_bind=announce)
    except OSError as exc:
        fail(f"--port: cannot serve on {bind}:{port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        console.print("stopped.")


def admin(args: list[str]) -> None:
    """Django's management commands (``migrate``, ``createsuperuser``, ``check --deploy``...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "softspot.web.settings")
    from django.core.management import execute_from_command_line

    from softspot.paths import data_dir

    data_dir().mkdir(parents=True, exist_ok=True)  # where SQLite lives unless a database URL is given

    execute_from_command_line(["softspot admin", *args])


__all__ = ["admin", "check_options", "is_loopback", "serve"]
