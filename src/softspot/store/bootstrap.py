"""Django for command-line use: configure it and bring the database up to date, quietly.

Only commands that need the store call :func:`setup`, so ``softspot --help``
never imports Django.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SETTINGS_MODULE = "softspot.web.settings"


def setup() -> None:
    """Configure Django (unless already configured) and apply any migrations not yet applied."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.apps import apps

    if not apps.ready:
        from django.conf import settings

        _make_sqlite_folder(settings.DATABASES["default"])
        django.setup()
    migrate_if_needed()


def _make_sqlite_folder(database: Mapping[str, Any]) -> None:
    if "sqlite" in str(database.get("ENGINE", "")):
        name = str(database.get("NAME", ""))
        if name and name != ":memory:" and not name.startswith("file:"):
            Path(name).parent.mkdir(parents=True, exist_ok=True)


def migrate_if_needed() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)
