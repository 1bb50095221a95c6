"""The database settings for a database URL: what softspot sets on every connection, per engine."""

from __future__ import annotations

from typing import Any

import dj_database_url


def database(url: str, conn_max_age: int = 0) -> dict[str, Any]:
    """Django's ``DATABASES["default"]`` for ``url`` (SQLite or PostgreSQL), with softspot's connection options.

    SQLite (w1-store): WAL, so readers never wait for the writer and a crash loses at most the last commits'
    fsync, never consistency; synchronous=NORMAL is the setting SQLite recommends with WAL. A write waits up to
    20 s for another writer; IMMEDIATE takes the write lock when a transaction starts, so two writers never
    deadlock upgrading a read lock.

    PostgreSQL: no JIT. Compiling a query costs about 100 ms, which the practice overview's figures query (about
    13 ms of work, but estimated above ``jit_above_cost``) paid on every request; a web app's short queries
    never earn it back (docs/benchmarks.md, "A practice with 1,000 clients").
    """
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    options: dict[str, Any] = config.setdefault("OPTIONS", {})
    if "sqlite" in config["ENGINE"]:
        options.update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    elif "postgresql" in config["ENGINE"]:
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config
