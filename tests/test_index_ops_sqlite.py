"""On SQLite the operations run Django's own operations and leave the same schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import ConnectionHandler

APP = "indexops"
ALIAS = "indexops_sqlite"


@pytest.fixture
def sqlite(django_db_blocker: Any) -> Iterator[BaseDatabaseWrapper]:
    """A real in-memory SQLite database, next to the PostgreSQL test database."""
    django_db_blocker.unblock()
    sqlite_settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    handler = ConnectionHandler({"default": sqlite_settings, ALIAS: sqlite_settings})
    conn = handler[ALIAS]
    connections[ALIAS] = conn  # the migration recorder looks the alias up
    yield conn
    conn.close()
    del connections[ALIAS]
    django_db_blocker.restore()


def migrate(conn: BaseDatabaseWrapper, name: str | None) -> None:
    executor = MigrationExecutor(conn)
    target = [(APP, name)] if name else executor.loader.graph.leaf_nodes(APP)
    executor.migrate(target)


def schema(conn: BaseDatabaseWrapper, table: str) -> dict[str, Any]:
    with conn.cursor() as cur:
        return conn.introspection.get_constraints(cur, table)


def test_every_migration_of_the_test_app_runs_forwards_and_backwards(
    sqlite: BaseDatabaseWrapper,
) -> None:
    migrate(sqlite, None)
    constraints = schema(sqlite, "indexops_member")
    uniques = [c["columns"] for c in constraints.values() if c["unique"] and not c["primary_key"]]
    # the named constraint (unique_together gone), nickname's and the one-to-one's
    assert sorted(uniques) == [["buddy_id"], ["nickname"], ["team_id", "code"]]
    assert "indexops_member_team_code_uq" in constraints
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] and not c["unique"]}
    assert ("email",) in indexed
    assert ("team_id",) not in indexed  # db_index=False
    assert ("mentor_id",) in indexed
    with sqlite.cursor() as cur:
        columns = {
            c.name: c for c in sqlite.introspection.get_table_description(cur, "indexops_member")
        }
    assert not columns["nickname"].null_ok
    assert columns["mentor_id"].null_ok

    migrate(sqlite, "0001_initial")
    constraints = schema(sqlite, "indexops_member")
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] and not c["unique"]}
    assert ("team_id",) in indexed
    assert ("email",) not in indexed
    with sqlite.cursor() as cur:
        columns = {
            c.name: c for c in sqlite.introspection.get_table_description(cur, "indexops_member")
        }
    assert columns["nickname"].null_ok
    assert "mentor_id" not in columns
