"""The web server under ``softspot serve``: cheroot, a maintained pure-Python WSGI server (CherryPy's).

Why cheroot: it speaks TLS with Python's own ``ssl`` (no compiler, no extra
binary), serves from a pool of threads with a real listen backlog, runs the
same on Linux, macOS and Windows, and is a single small dependency. Django's
``runserver`` server it replaces listened with a queue of 10 and reset
connections under a burst (docs/benchmarks.md).

A practice hosting softspot for many clients still runs gunicorn behind a proxy
(docs/deployment.md); this is the household's server.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from cheroot import errors, wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter

THREADS = 16
"""Requests served at once; more wait in the listen queue, they are not refused."""
LISTEN_QUEUE = 256
"""Connections the system holds while every thread is busy (Django's runserver held 10)."""
TIMEOUT = 10
"""Seconds a silent client may hold a connection (or a TLS handshake)."""


PLAIN_HTTP_ANSWERED = "softspot: plain HTTP on the HTTPS port, answered with a redirect"
TLS_HANDSHAKE = 0x16
"""The first byte of every TLS connection (a handshake record); a plain HTTP request starts with a letter."""


class ListenError(Exception):
    """The port could not be taken; the message is one line naming the option at fault."""


def _not_yet(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"softspot is starting; try again in a moment.\n"]


class _Server(wsgi.Server):
    """cheroot's WSGI server, keeping the system's reason when it cannot bind (cheroot folds it into text)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bind_failures: list[OSError] = []
        self.refused_by: set[str] = set()

    def bind(self, family: int, type: int, proto: int = 0) -> socket.socket:
        try:
            sock: socket.socket = super().bind(family, type, proto)
        except OSError as exc:
            self.bind_failures.append(exc)
            raise
        return sock

    def error_log(self, msg: str = "", level: int = 20, traceback: bool = False) -> None:
        """Say what a person can act on (a device that does not trust the certificate yet); the rest as cheroot does."""
        if "during handshake" in msg:
            client = msg.split("Client ", 1)[-1].split(" ", 1)[0]
            host = client.strip("()'\"").split("'", 1)[0].split(",", 1)[0]
            if host not in self.refused_by:
                self.refused_by.add(host)
                sys.stderr.write(
                    f"softspot: a device at {host} broke off the secure connection; if it is a phone that does not "
                    "trust softspot's certificate yet, open the /trust/ address shown above on it.\n"
                )
            return
        if "plain HTTP into" in msg or PLAIN_HTTP_ANSWERED in msg:
            return  # the browser got an answer that sends it to HTTPS
        super().error_log(msg, level, traceback)


@dataclass
class Listener:
    """One bound port and the server that will answer on it."""

    option: str
    server: _Server
    scheme: str = "http"
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def port(self) -> int:
        return int(self.server.bind_addr[1])

    def use(self, app: WSGIApplication) -> None:
        self.server.wsgi_app = app

    def use_tls(self, certificate: str, key: str, known_hosts: set[str], fallback_host: str) -> None:
        self.server.ssl_adapter = _TLS(certificate, key, known_hosts=known_hosts, fallback_host=fallback_host)
        self.scheme = "https"


class _TLS(BuiltinSSLAdapter):
    """cheroot's TLS, except that a browser asking for ``http://`` on this port is sent to ``https://``."""

    def __init__(self, certificate: str, key: str, *, known_hosts: set[str], fallback_host: str) -> None:
        super().__init__(certificate, key)
        self.known_hosts = known_hosts
        self.fallback_host = fallback_host

    def wrap(self, sock: socket.socket) -> tuple[socket.socket, dict[str, str]]:
        try:
            first = sock.recv(1, socket.MSG_PEEK)
        except OSError as exc:
            raise errors.FatalSSLAlert(str(exc)) from exc
        if first and first[0] != TLS_HANDSHAKE:
            self._redirect(sock)
            raise errors.FatalSSLAlert(PLAIN_HTTP_ANSWERED)
        wrapped: tuple[socket.socket, dict[str, str]] = super().wrap(sock)  # type: ignore[no-untyped-call]
        return wrapped

    def _redirect(self, sock: socket.socket) -> None:
        head = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in head and len(head) < 8192:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                head += chunk
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        path = parts[1] if len(parts) == 3 and parts[1].startswith("/") else "/"
        host_header = next(
            (line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("host:")), ""
        )
        port = sock.getsockname()[1]
        host = _host_only(host_header)
        host = host if host in self.known_hosts else self.fallback_host
        location = f"https://{_bracketed(host)}:{port}{quote(path, safe='/?=&%:@;,+~')}"
        answer = (
            "HTTP/1.1 307 Temporary Redirect\r\n"
            f"Location: {location}\r\n"
            "Content-Length: 0\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n"
        )
        with contextlib.suppress(OSError):
            sock.sendall(answer.encode("latin-1"))


def listen(option: str, host: str, port: int) -> Listener:
    """Bind ``host:port`` now (so a taken or forbidden port is known before anything else happens).

    Requests wait in the queue until :func:`serve_forever`; the application is set with :meth:`Listener.use`.
    Raises :class:`ListenError` with a one-line message naming ``option``.
    """
    server = _Server(
        (host, port),
        _not_yet,
        numthreads=THREADS,
        request_queue_size=LISTEN_QUEUE,
        timeout=TIMEOUT,
        server_name="softspot",
    )
    try:
        server.prepare()
    except OSError as exc:
        server.stop()
        cause = server.bind_failures[0] if server.bind_failures else exc
        raise ListenError(explain(option, host, port, cause)) from None
    return Listener(option, server)


def explain(option: str, host: str, port: int, exc: OSError) -> str:
    """One line a person can act on, for a port that could not be taken."""
    if exc.errno == errno.EADDRINUSE:
        return (
            f"{option}: port {port} is already in use on {host} (is softspot already running?); "
            f"stop the other program or choose another port with {option}"
        )
    if exc.errno in {errno.EACCES, errno.EPERM}:
        if 0 < port < 1024:
            return (
                f"{option}: port {port} is below 1024, which only an administrator may use on this computer; "
                f"choose a port from 1024 up with {option}"
            )
        return f"{option}: this computer does not allow listening on {host}:{port} ({exc.strerror or exc})"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"--host: {host} is not an address of this computer"
    return f"{option}: cannot listen on {host}:{port}: {exc.strerror or exc}"


def serve_forever(listeners: list[Listener]) -> None:
    """Serve on every listener until Ctrl-C (KeyboardInterrupt, raised again) or a server fails; stop them all."""
    failed: list[BaseException] = []

    def run(listener: Listener) -> None:
        try:
            listener.server.serve()
        except BaseException as exc:  # a server thread must not die silently
            failed.append(exc)

    try:
        for listener in listeners:
            listener.thread = threading.Thread(target=run, args=(listener,), name=f"softspot {listener.option}")
            listener.thread.daemon = True
            listener.thread.start()
        while all(listener.thread is not None and listener.thread.is_alive() for listener in listeners):
            listeners[0].thread.join(0.5)  # type: ignore[union-attr]
    finally:
        close(listeners)
    if failed:
        raise failed[0]


def close(listeners: list[Listener]) -> None:
    for listener in listeners:
        listener.server.stop()


def https_redirect(app: WSGIApplication, https_port: int, known_hosts: set[str], fallback_host: str) -> WSGIApplication:
    """The plain-HTTP side of ``--https``: ``/trust/`` (and the static files it uses) answered, ``/`` leads
    there, everything else redirected to the same path on HTTPS.

    The redirect keeps the host the browser used when it is one of ours, else uses ``fallback_host``.
    """

    def redirect(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/") or "/"
        if path.startswith(("/trust/", "/static/")):
            return app(environ, start_response)
        if path == "/":
            start_response("302 Found", [("Location", "/trust/"), ("Content-Length", "0")])
            return [b""]
        host = _host_only(environ.get("HTTP_HOST", ""))
        if host not in known_hosts:
            host = fallback_host
        query = environ.get("QUERY_STRING", "")
        target = f"https://{_bracketed(host)}:{https_port}{quote(path.encode('latin-1', 'replace'))}"
        target += f"?{query}" if query else ""
        start_response(
            "307 Temporary Redirect",
            [("Location", target), ("Content-Length", "0"), ("Cache-Control", "no-store")],
        )
        return [b""]

    return redirect


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _host_only(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


__all__ = ["LISTEN_QUEUE", "THREADS", "ListenError", "Listener", "close", "https_redirect", "listen", "serve_forever"]
