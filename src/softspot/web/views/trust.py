"""``/trust/``: how a phone comes to trust this household's certificate (``softspot serve --lan --https``).

Public, over plain HTTP as well as HTTPS: a phone that does not trust the
certificate yet can only reach softspot over plain HTTP. What it offers is the
authority's certificate, which is public anyway; the private key never leaves
``<data dir>/tls/``.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.views.decorators.http import require_GET

from softspot import tls

CA_FILE_NAME = "softspot-ca.crt"
CA_MIME_TYPE = "application/x-x509-ca-cert"
CA_FILE_MIME_TYPE = "application/pkix-cert"


def _authority() -> x509.Certificate:
    cert = tls.authority_certificate(tls.folder()) if settings.HTTPS_PORT else None
    if cert is None:
        raise Http404("softspot is not serving HTTPS: run softspot serve --lan --https")
    return cert


@require_GET
def trust_page(request: HttpRequest) -> HttpResponse:
    cert = _authority()
    host, _ = split_domain_port(request.get_host())
    context = {
        "https_url": f"https://{host}:{settings.HTTPS_PORT}/",
        "ca_name": tls.authority_name(cert),
        "fingerprint_lines": tls.fingerprint_lines(tls.fingerprint(cert)),
        "ca_file": CA_FILE_NAME,
    }
    return render(request, "softspot/trust.html", context)


@require_GET
def ca_certificate(request: HttpRequest) -> HttpResponse:
    """The authority's certificate, DER, as ``application/x-x509-ca-cert``: iOS Safari turns it into a
    profile to install (the iPhone and iPad steps)."""
    return _certificate(CA_MIME_TYPE, "inline")


@require_GET
def ca_certificate_file(request: HttpRequest) -> HttpResponse:
    """The same certificate as a file to save (the Android steps). Chrome on Android hands
    ``application/x-x509-ca-cert`` to the system installer, which Android 11 and later refuse ("install CA
    certificates in Settings") without keeping the file; ``application/pkix-cert`` (RFC 2585) as an attachment
    is saved to Downloads, where Settings › Install a certificate › CA certificate finds it."""
    return _certificate(CA_FILE_MIME_TYPE, "attachment")


def _certificate(mime_type: str, disposition: str) -> HttpResponse:
    cert = _authority()
    response = HttpResponse(cert.public_bytes(Encoding.DER), content_type=mime_type)
    response["Content-Disposition"] = f'{disposition}; filename="{CA_FILE_NAME}"'
    response["Cache-Control"] = "no-cache"
    return response
