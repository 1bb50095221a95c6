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
    """The authority's certificate, DER-encoded as ``application/x-x509-ca-cert``: what Android's installer
    documents and what iOS Safari turns into a profile to install."""
    cert = _authority()
    response = HttpResponse(cert.public_bytes(Encoding.DER), content_type=CA_MIME_TYPE)
    response["Content-Disposition"] = f'inline; filename="{CA_FILE_NAME}"'
    response["Cache-Control"] = "no-cache"
    return response
