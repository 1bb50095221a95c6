"""django-csp's middleware with the header built once: softspot's responses all carry the same policy.

``csp.middleware.CSPMiddleware`` builds the Content-Security-Policy header from the settings on every response
(about 5 % of a record POST's CPU; issue 9). softspot uses no nonces and no per-view policies
(``@csp_update`` and the like), so the header is the same every time: it is built once per policy setting and
kept. A response that does use one of those (a nonce was asked for, a view changed its policy) goes through
django-csp's own code unchanged, so nothing is lost if one is added later.
"""

from __future__ import annotations

import http.client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as Base
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_built: dict[str, tuple[str, str]] = {}


def policies() -> tuple[str, str]:
    """The policy and the report-only policy the settings give, built once per setting (tests change them)."""
    key = repr(
        [getattr(settings, name, None) for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")]
    )
    found = _built.get(key)
    if found is None:
        found = _built[key] = (build_policy(), build_policy(report_only=True))
    return found


class CSPMiddleware(Base):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        parts = [self.get_policy_parts(request=request, response=response, report_only=ro) for ro in (False, True)]
        if any(p.config or p.update or p.replace or p.nonce for p in parts):
            return super().process_response(request, response)  # a nonce or a view's own policy
        # django-csp 4.0's process_response, with build_policy's answer kept.
        if response.status_code in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND) and settings.DEBUG:
            return response
        csp, csp_ro = policies()
        for header, policy, exempt, setting in (
            (HEADER, csp, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, csp_ro, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            if not policy or getattr(response, exempt, False) is not False or header in response:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
