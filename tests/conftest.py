"""Named people for store and API tests: alice (the owner), bob (her partner), charlie (an outsider).

Only tests that ask for them touch the database.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest
from django.contrib.auth.models import User

# The throwaway PostgreSQL server: --db=postgres, the postgres marker, the postgres_server fixture (tests/pg.py).
from tests.pg import (  # noqa: F401
    on_postgres,
    postgres_server,
    pytest_addoption,
    pytest_configure,
    pytest_report_header,
    pytest_unconfigure,
)

# Nothing a test runs writes in the real data folder (~/.local/share/softspot): logs, cue cache, databases.
if not os.environ.get("SOFTSPOT_DATA_DIR"):
    _DATA = tempfile.mkdtemp(prefix="softspot-test-data-")
    os.environ["SOFTSPOT_DATA_DIR"] = _DATA
    atexit.register(shutil.rmtree, _DATA, ignore_errors=True)
if not os.environ.get("SOFTSPOT_CACHE_DIR"):  # the validated built-in techniques (softspot.core.technique_cache)
    os.environ["SOFTSPOT_CACHE_DIR"] = os.path.join(os.environ["SOFTSPOT_DATA_DIR"], "cache")


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user("alice")


@pytest.fixture
def bob(db: None) -> User:
    return User.objects.create_user("bob")


@pytest.fixture
def charlie(db: None) -> User:
    return User.objects.create_user("charlie")
