"""WSGI entry point: ``gunicorn softspot.web.wsgi`` (see docs/deployment.md)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "softspot.web.settings")

application = get_wsgi_application()
