"""ON DELETE in the constraints Django's schema editor creates: migrations and SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from safemigrations.db import catalog
from safemigrations.testing.migrator import Migrator
from tests.testapps.ondelete.models import (
    Child,
    DefaultChild,
    GrandChild,
    MirrorChild,
    NullChild,
    Parent,
    RestrictChild,
)


def fk_action(table: str, column: str) -> str | None:
    with connection.cursor() as cursor:
        found = [
            c.on_delete
            for c in catalog.constraints(cursor, table).values()
            if c.type == "foreign key" and c.columns == (column,)
        ]
    assert len(found) == 1, found
    return found[0]


STEPS = [
    ("0001_initial", "NO ACTION"),  # CreateModel with models.CASCADE
    ("0002_db_cascade", "CASCADE"),  # AlterField CASCADE -> DB_CASCADE
    ("0003_in_database_too", "CASCADE"),  # AlterField -> InDatabaseToo(CASCADE)
    ("0004_nullable", "CASCADE"),  # AlterField null=True: the FK is dropped and re-created
    ("0006_python_cascade", "NO ACTION"),  # AlterField back to models.CASCADE
]


def test_alter_field_sets_keeps_and_removes_the_action(migrator: Migrator) -> None:
    migrator.migrate("ondelete_alter", "zero")
    try:
        for migration, action in STEPS:
            migrator.migrate("ondelete_alter", migration)
            assert fk_action("ondelete_alter_item", "parent_id") == action, migration
    finally:
        migrator.migrate("ondelete_alter")


def test_alter_field_that_recreates_the_fk_keeps_the_action(migrator: Migrator) -> None:
    """The ``null=True`` change drops and re-adds the FK; the re-added one has ON DELETE."""
    migrator.migrate("ondelete_alter", "0003_in_database_too")
    try:
        sql = migrator.sqlmigrate("ondelete_alter", "0004_nullable")
        assert "DROP CONSTRAINT" in sql
        assert "ON DELETE CASCADE" in sql
        migrator.migrate("ondelete_alter", "0004_nullable")
        assert fk_action("ondelete_alter_item", "parent_id") == "CASCADE"
        # The column change really happened alongside.
        with connection.cursor() as cursor:
            assert not catalog.columns(cursor, "ondelete_alter_item")["parent_id"].not_null
    finally:
        migrator.migrate("ondelete_alter")


def test_add_field_creates_the_action(migrator: Migrator) -> None:
    migrator.migrate("ondelete_alter", "0004_nullable")
    try:
        sql = migrator.sqlmigrate("ondelete_alter", "0005_tag_parent")
        assert "ON DELETE SET NULL" in sql
        migrator.migrate("ondelete_alter", "0005_tag_parent")
        assert fk_action("ondelete_alter_tag", "parent_id") == "SET NULL"
    finally:
        migrator.migrate("ondelete_alter")


def test_python_to_python_change_emits_no_sql(db: None) -> None:
    """Only a change of database action alters the column; CASCADE -> PROTECT stays state-only."""
    from django.db import models

    from safemigrations import DB_CASCADE

    old = models.ForeignKey(Parent, models.CASCADE)
    new = models.ForeignKey(Parent, models.PROTECT)
    db_new = models.ForeignKey(Parent, DB_CASCADE)
    for field in (old, new, db_new):
        field.set_attributes_from_name("parent")
    editor: Any
    with connection.schema_editor() as editor:
        assert not editor._field_should_be_altered(old, new)
        assert editor._field_should_be_altered(old, db_new)
        assert editor._field_should_be_altered(db_new, old)


@pytest.fixture
def sqlite(django_db_blocker: Any) -> Iterator[BaseDatabaseWrapper]:
    """An in-memory SQLite connection next to the PostgreSQL default (not in DATABASES)."""
    sqlite_settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    databases = connections.configure_settings({"default": sqlite_settings})
    wrapper = load_backend("django.db.backends.sqlite3").DatabaseWrapper(
        databases["default"], "ondelete_sqlite"
    )
    connections["ondelete_sqlite"] = wrapper
    with django_db_blocker.unblock():
        try:
            yield wrapper
        finally:
            wrapper.close()
            del connections["ondelete_sqlite"]


def sqlite_actions(conn: BaseDatabaseWrapper, model: Any) -> dict[str, str]:
    with conn.cursor() as cursor:
        cursor.execute(f"PRAGMA foreign_key_list({model._meta.db_table})")
        # id, seq, table, from, to, on_update, on_delete, match
        return {row[3]: row[6] for row in cursor.fetchall()}


MODELS = (Parent, Child, GrandChild, NullChild, DefaultChild, RestrictChild, MirrorChild)


def test_sqlite_create_table_carries_the_action(sqlite: BaseDatabaseWrapper) -> None:
    with sqlite.schema_editor() as editor:
        for model in MODELS:
            editor.create_model(model)
    assert sqlite_actions(sqlite, Child) == {"parent_id": "CASCADE"}
    assert sqlite_actions(sqlite, GrandChild) == {"child_id": "CASCADE"}
    assert sqlite_actions(sqlite, NullChild) == {"parent_id": "SET NULL"}
    assert sqlite_actions(sqlite, DefaultChild) == {"parent_id": "SET DEFAULT"}
    assert sqlite_actions(sqlite, RestrictChild) == {"parent_id": "RESTRICT"}
    assert sqlite_actions(sqlite, MirrorChild) == {"parent_id": "CASCADE"}
    with sqlite.cursor() as cursor:
        cursor.execute("INSERT INTO ondelete_parent (id, name) VALUES (1, 'p')")
        cursor.execute("INSERT INTO ondelete_child (parent_id, payload) VALUES (1, '{}')")
        cursor.execute("INSERT INTO ondelete_nullchild (parent_id) VALUES (1)")
        cursor.execute("DELETE FROM ondelete_parent WHERE id = 1")
        cursor.execute("SELECT count(*) FROM ondelete_child")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT parent_id FROM ondelete_nullchild")
        assert cursor.fetchone()[0] is None


def test_sqlite_table_remake_and_add_field_keep_the_action(sqlite: BaseDatabaseWrapper) -> None:
    """SQLite rebuilds the whole table on AlterField: the new table keeps every action."""
    from django.db import models

    from safemigrations import DB_SET_NULL

    with sqlite.schema_editor() as editor:
        for model in MODELS:
            editor.create_model(model)
        old = Child._meta.get_field("payload")
        new = models.JSONField(default=list)
        new.set_attributes_from_name("payload")
        editor.alter_field(Child, old, new)
        extra = models.ForeignKey(Parent, DB_SET_NULL, null=True, related_name="+")
        extra.set_attributes_from_name("second")
        editor.add_field(Child, extra)
    assert sqlite_actions(sqlite, Child) == {"parent_id": "CASCADE", "second_id": "SET NULL"}
