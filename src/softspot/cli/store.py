"""The store, opened for a command: one clear line and exit 2 when it cannot be used, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from softspot.cli.output import fail


def check_store() -> None:
    """Check the store without creating anything (``guide``, before the safety check)."""
    from softspot.store.bootstrap import check
    from softspot.store.health import StoreError

    try:
        check()
    except StoreError as exc:
        fail(str(exc))


def open_store() -> None:
    """Configure Django, check the store and migrate it; fail with the reason when it cannot be used."""
    from softspot.store.bootstrap import setup
    from softspot.store.health import StoreError

    try:
        setup()
    except StoreError as exc:
        fail(str(exc))


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn a database that fails while a command runs (read-only, damaged, gone) into one line and exit 2."""
    try:
        yield
    except Exception as exc:
        line = store_problem_line(exc)
        if line is None:
            raise
        fail(line)


def store_problem_line(exc: BaseException) -> str | None:
    """The plain reason for a store exception (None for anything else); loads Django only if it is loaded."""
    import sys

    if "django.db" not in sys.modules:
        return None
    from softspot.store.health import StoreError, classify

    if isinstance(exc, StoreError):
        return str(exc)
    problem = classify(exc)
    return None if problem is None else problem.message


def local_owner() -> Any:
    """The store, opened, and its local owner (the command line's user)."""
    open_store()
    with store_errors():
        from softspot.store.records import local_owner as owner

        return owner()
