"""On SQLite the constraint operations remake the table, so the FK clause carries the action."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import ConnectionHandler

APP = "constraintops"


@pytest.fixture
def sqlite(django_db_blocker: Any) -> Iterator[Any]:
    """An in-memory SQLite database under its own alias (the suite's database is PostgreSQL)."""
    alias = "constraintops_sqlite"
    config = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    connections.settings[alias] = ConnectionHandler({"default": config}).settings["default"]
    with django_db_blocker.unblock():
        conn = connections[alias]
        try:
            yield conn
        finally:
            conn.close()
            del connections[alias]
            del connections.settings[alias]


def on_delete(conn: Any, table: str, column: str) -> str:
    with conn.cursor() as cur:
        cur.execute(f'PRAGMA foreign_key_list("{table}")')
        actions = [row[6] for row in cur.fetchall() if row[3] == column]
    assert len(actions) == 1, actions
    return str(actions[0])


def migrate(conn: Any, name: str | None) -> None:
    executor = MigrationExecutor(conn)
    executor.migrate([(APP, name)])


TABLES = [
    ("constraintops_child", "parent_id", "CASCADE"),
    ("constraintops_audited", "parent_id", "CASCADE"),
    ("constraintops_node", "parent_id", "SET NULL"),
    ("Weird Table-Name", "Coded Ref", "CASCADE"),
    ("constraintops_profile", "parent_id", "CASCADE"),
    ("constraintops_article_tags", "article_id", "CASCADE"),
    ("constraintops_article_tags", "tag_id", "CASCADE"),
]


def test_switch_and_back_on_sqlite(sqlite: Any) -> None:
    migrate(sqlite, "0001_initial")
    for table, column, _ in TABLES:
        assert on_delete(sqlite, table, column) == "NO ACTION"
    migrate(sqlite, "0002_switch_on_delete")
    for table, column, action in TABLES:
        assert on_delete(sqlite, table, column) == action, table
    migrate(sqlite, "0005_validate")
    assert on_delete(sqlite, "constraintops_audited", "parent_id") == "CASCADE"
    assert on_delete(sqlite, "constraintops_order", "parent_id") == "CASCADE"
    with sqlite.cursor() as cur:
        cur.execute("SELECT sql FROM sqlite_master WHERE name = 'constraintops_order'")
        assert "constraintops_order_amount_gte_0" in cur.fetchone()[0]
    migrate(sqlite, "0001_initial")
    for table, column, _ in TABLES:
        assert on_delete(sqlite, table, column) == "NO ACTION"
    with sqlite.cursor() as cur:
        cur.execute('PRAGMA foreign_key_list("constraintops_order")')
        assert cur.fetchall() == []
