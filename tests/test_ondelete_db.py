"""Database-level on_delete values on real PostgreSQL: constraints, raw SQL, the collector."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import CASCADE, SET_NULL
from django.db.models.signals import post_delete
from django.test.utils import CaptureQueriesContext

from safemigrations import deletion
from safemigrations.db import catalog
from tests.testapps.ondelete.models import (
    FALLBACK_PARENT_ID,
    Child,
    DefaultChild,
    GrandChild,
    MirrorChild,
    NullChild,
    Parent,
    PythonChild,
    RestrictChild,
)

pytestmark = pytest.mark.django_db


def fk_actions(table: str) -> dict[tuple[str, ...], str | None]:
    """ON DELETE action of each foreign key of ``table`` (read from pg_constraint)."""
    with connection.cursor() as cursor:
        return {
            c.columns: c.on_delete
            for c in catalog.constraints(cursor, table).values()
            if c.type == "foreign key"
        }


@pytest.mark.parametrize(
    ("model", "column", "action"),
    [
        (Child, "parent_id", "CASCADE"),  # AddField in 0001_initial
        (GrandChild, "child_id", "CASCADE"),  # CreateModel
        (NullChild, "parent_id", "SET NULL"),
        (DefaultChild, "parent_id", "SET DEFAULT"),
        (RestrictChild, "parent_id", "RESTRICT"),
        (MirrorChild, "parent_id", "CASCADE"),
        (PythonChild, "parent_id", "NO ACTION"),
    ],
)
def test_test_database_constraints_carry_the_action(model: Any, column: str, action: str) -> None:
    assert fk_actions(model._meta.db_table) == {(column,): action}


def raw_delete_parent(parent: Parent) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Parent._meta.db_table} WHERE id = %s", [parent.pk])


def test_raw_delete_cascades_sets_null_and_sets_default() -> None:
    Parent.objects.create(id=FALLBACK_PARENT_ID, name="fallback")
    parent = Parent.objects.create(name="p")
    child = Child.objects.create(parent=parent)
    GrandChild.objects.create(child=child)
    null_child = NullChild.objects.create(parent=parent)
    default_child = DefaultChild.objects.create(parent=parent)
    MirrorChild.objects.create(parent=parent)

    raw_delete_parent(parent)

    assert not Child.objects.exists()
    assert not GrandChild.objects.exists()
    assert not MirrorChild.objects.exists()
    null_child.refresh_from_db()
    assert null_child.parent_id is None
    default_child.refresh_from_db()
    assert default_child.parent_id == FALLBACK_PARENT_ID


def test_db_restrict_rejects_raw_delete_and_delete() -> None:
    parent = Parent.objects.create(name="p")
    RestrictChild.objects.create(parent=parent)
    with (
        pytest.raises(IntegrityError, match="violates foreign key constraint"),
        transaction.atomic(),
    ):
        raw_delete_parent(parent)
    with pytest.raises(IntegrityError), transaction.atomic():
        parent.delete()
    assert Parent.objects.filter(pk=parent.pk).exists()


def raw_delete_parent_checked_now(parent: Parent) -> None:
    """Raw delete, then check the (deferred) foreign keys at once."""
    with transaction.atomic():
        raw_delete_parent(parent)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_python_cascade_without_action_fails_raw_delete() -> None:
    parent = Parent.objects.create(name="p")
    PythonChild.objects.create(parent=parent)
    with pytest.raises(IntegrityError, match="violates foreign key constraint"):
        raw_delete_parent_checked_now(parent)


def child_table_queries(queries: list[dict[str, str]], *models: Any) -> list[str]:
    tables = [f'"{m._meta.db_table}"' for m in models]
    return [q["sql"] for q in queries if any(t in q["sql"] for t in tables)]


@contextmanager
def deleting(sender: Any) -> Iterator[tuple[list[Any], CaptureQueriesContext]]:
    """Collect the instances ``post_delete`` reports for ``sender`` and the queries run."""
    received: list[Any] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        received.append(instance)

    post_delete.connect(receiver, sender=sender)
    try:
        with CaptureQueriesContext(connection) as ctx:
            yield received, ctx
    finally:
        post_delete.disconnect(receiver, sender=sender)


def test_collector_skips_db_level_relations() -> None:
    parent = Parent.objects.create(name="p")
    child = Child.objects.create(parent=parent, payload={"x": 1})
    GrandChild.objects.create(child=child)
    NullChild.objects.create(parent=parent)
    skipped = (Child, GrandChild, NullChild, DefaultChild, RestrictChild)
    with deleting(Child) as (received, ctx):
        parent.delete()

    touching = child_table_queries(ctx.captured_queries, *skipped)
    assert touching == []
    # Only the mirror and Python children are collected by Python.
    assert not any(q["sql"].startswith("SELECT") and '"ondelete_child"' in q["sql"] for q in ctx)
    assert received == []  # the database deleted the child: no signal
    assert not Child.objects.exists()
    assert not GrandChild.objects.exists()
    assert NullChild.objects.get().parent_id is None


def test_parent_queryset_is_fast_deleted_when_only_db_level_relations() -> None:
    """A model whose only incoming relations are database-level is deleted with one query."""
    parent_child = Child.objects.create(parent=Parent.objects.create(name="p"))
    GrandChild.objects.create(child=parent_child)
    with CaptureQueriesContext(connection) as ctx:
        deleted, _ = Child.objects.filter(pk=parent_child.pk).delete()
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) == 1
    assert sqls[0].startswith("DELETE FROM")
    assert deleted == 1
    assert not GrandChild.objects.exists()


def test_mirror_value_keeps_python_cascade_and_signals() -> None:
    parent = Parent.objects.create(name="p")
    MirrorChild.objects.create(parent=parent, note="a")
    MirrorChild.objects.create(parent=parent, note="b")
    with deleting(MirrorChild) as (received, ctx):
        parent.delete()
    assert sorted(child.note for child in received) == ["a", "b"]
    assert any(
        q["sql"].startswith("SELECT") and '"ondelete_mirrorchild"' in q["sql"]
        for q in ctx.captured_queries
    )
    assert not MirrorChild.objects.exists()


def test_db_action_and_is_db_level() -> None:
    from django.db import models

    assert deletion.db_action(deletion.DB_CASCADE) == "CASCADE"
    assert deletion.db_action(deletion.DB_SET_NULL) == "SET NULL"
    assert deletion.db_action(deletion.DB_SET_DEFAULT) == "SET DEFAULT"
    assert deletion.db_action(deletion.DB_RESTRICT) == "RESTRICT"
    assert deletion.db_action(deletion.InDatabaseToo(models.CASCADE)) == "CASCADE"
    assert deletion.db_action(deletion.InDatabaseToo(models.PROTECT)) == "RESTRICT"
    assert deletion.db_action(deletion.InDatabaseToo(models.RESTRICT)) == "NO ACTION"
    assert deletion.db_action(models.CASCADE) is None
    assert deletion.db_action(models.DO_NOTHING) is None
    assert deletion.is_db_level(deletion.DB_CASCADE)
    assert not deletion.is_db_level(deletion.InDatabaseToo(models.CASCADE))
    assert not deletion.is_db_level(models.CASCADE)
    with pytest.raises(TypeError, match=r"pass one of models\.CASCADE"):
        deletion.InDatabaseToo(models.SET(3))


def test_values_are_djangos_own_on_61() -> None:
    import django
    from django.db.models import deletion as django_deletion

    if django.VERSION >= (6, 1):
        assert deletion.NATIVE
        assert deletion.DB_CASCADE is django_deletion.DB_CASCADE  # type: ignore[attr-defined]
        assert deletion.DB_SET_NULL is django_deletion.DB_SET_NULL  # type: ignore[attr-defined]
        assert deletion.DB_SET_DEFAULT is django_deletion.DB_SET_DEFAULT  # type: ignore[attr-defined]
    else:
        assert not deletion.NATIVE
        assert not hasattr(django_deletion, "DB_CASCADE")
    import safemigrations

    assert safemigrations.DB_CASCADE is deletion.DB_CASCADE


@pytest.mark.parametrize(
    "value",
    [
        deletion.DB_CASCADE,
        deletion.DB_SET_NULL,
        deletion.DB_SET_DEFAULT,
        deletion.DB_RESTRICT,
        deletion.InDatabaseToo(CASCADE),
        deletion.InDatabaseToo(SET_NULL),
    ],
    ids=str,
)
def test_values_round_trip_through_the_migration_writer(value: Any) -> None:
    from django.db import models
    from django.db.migrations.writer import MigrationWriter

    field = models.ForeignKey("ondelete.parent", on_delete=value, null=True)
    text, imports = MigrationWriter.serialize(field)
    namespace: dict[str, Any] = {}
    exec("\n".join(sorted(imports)), namespace)
    rebuilt = eval(text, namespace)
    assert rebuilt.remote_field.on_delete == value
    if deletion.is_db_level(value):
        assert rebuilt.remote_field.on_delete is value
    assert deletion.db_action(rebuilt.remote_field.on_delete) == deletion.db_action(value)
