"""Named people for store and API tests: alice (the owner), bob (her partner), charlie (an outsider).

With receivers (issue 9): ``home`` is the household account alice and bob share, with the receivers
"Alice" and "Sam"; ``charlies`` is charlie's own receiver in another household.
Only tests that ask for them touch the database.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Home:
    """The household alice and bob share: one account, two receivers."""

    owner: User
    alice: Any  # softspot.store.models.Receiver
    sam: Any


@pytest.fixture
def home(alice: User) -> Home:
    from softspot.store import receivers

    alice.first_name = "Alice"
    alice.save(update_fields=["first_name"])
    return Home(alice, receivers.add(alice, "Alice", thigh_cm=44.0), receivers.add(alice, "Sam", thigh_cm=38.0))


@pytest.fixture
def charlies(charlie: User) -> Any:
    from softspot.store import receivers

    return receivers.add(charlie, "Charlie", thigh_cm=41.0)


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise() -> Any:
    """Each test starts in English; a command that makes another language active (CliRunner runs it in this
    process) leaves it behind only until the test ends."""
    from softspot import i18n

    with i18n.use(i18n.DEFAULT):
        yield
