"""The operations' modules after the split: old import paths, written migrations, one DDL builder."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, models
from django.db.migrations.writer import OperationWriter
from django.test.utils import isolate_apps

from safemigrations.db import catalog
from safemigrations.operations import (
    AddIndexConcurrently,
    AddUniqueConstraintConcurrently,
    DropIndexConcurrently,
    constraints,
    db_cascade,
    not_valid,
)
from safemigrations.operations import sql as ddl
from safemigrations.operations.indexing import (
    concurrently,
    field_index_plans,
    named_index_plan,
    unique_plan,
)


def test_old_module_path_serves_the_same_classes() -> None:
    assert constraints.AddDBCascadeConstraint is db_cascade.AddDBCascadeConstraint
    assert constraints.AddConstraintNotValid is not_valid.AddConstraintNotValid
    assert constraints.ValidateConstraint is not_valid.ValidateConstraint
    assert constraints.WRITE_BLOCKING_MODES is catalog.WRITE_BLOCKING_MODES


def test_written_migrations_keep_naming_the_old_module() -> None:
    text, imports = OperationWriter(not_valid.ValidateConstraint("order", "check")).serialize()
    assert "safemigrations.operations.constraints.ValidateConstraint(" in text
    assert imports == {"import safemigrations.operations.constraints"}


def test_index_modules_keep_serving_what_they_served() -> None:
    """``indexes`` and ``indexing`` gather what now lives in one module per job."""
    from safemigrations import exceptions
    from safemigrations.operations import (
        add_index,
        add_unique,
        concurrent_index,
        drop_index,
        index_lookup,
        index_plans,
        index_steps,
        indexes,
        indexing,
    )

    assert indexes.AddIndexConcurrently is add_index.AddIndexConcurrently
    assert indexes.DropIndexConcurrently is drop_index.DropIndexConcurrently
    assert indexes.AddUniqueConstraintConcurrently is add_unique.AddUniqueConstraintConcurrently
    assert indexes.meta_names is concurrent_index.meta_names
    assert indexing.IndexPlan is index_plans.IndexPlan
    assert indexing.concurrently is index_plans.concurrently
    assert indexing.field_index_plans is index_plans.field_index_plans
    assert indexing.find_index is index_lookup.find_index
    assert indexing.FoundIndex is index_lookup.FoundIndex
    assert indexing.ConcurrentIndexSteps is index_steps.ConcurrentIndexSteps
    assert indexing.AmbiguousIndexError is exceptions.AmbiguousIndexError
    assert indexing.DuplicateValuesError is exceptions.DuplicateValuesError
    assert indexing.IndexBuildFailed is exceptions.IndexBuildFailed


@pytest.mark.parametrize(
    "operation",
    [
        AddIndexConcurrently("member", models.Index(fields=["email"], name="m_email")),
        AddIndexConcurrently("member", field="email", lock_timeout=2.0),
        DropIndexConcurrently("member", "m_email"),
        DropIndexConcurrently("member", fields=["team", "code"], lock_retries=3),
        AddUniqueConstraintConcurrently("member", field="code"),
    ],
    ids=lambda op: op.describe(),
)
def test_written_index_migrations_name_the_indexes_module_and_load(operation: Any) -> None:
    """A migration file names ``safemigrations.operations.indexes.<Operation>``, before the
    split and after it; what it says builds the operation it was written from."""
    text, imports = OperationWriter(operation, indentation=0).serialize()
    name = type(operation).__name__
    assert text.startswith(f"safemigrations.operations.indexes.{name}(")
    assert "import safemigrations.operations.indexes" in imports
    namespace: dict[str, Any] = {}
    exec("\n".join(sorted(imports)), namespace)
    rebuilt = eval(text.rstrip(","), namespace)
    assert type(rebuilt) is type(operation)
    assert rebuilt.deconstruct() == operation.deconstruct()


@pytest.fixture
def editor() -> Any:
    assert connection.vendor == "postgresql"
    return connection.schema_editor(collect_sql=True)


@isolate_apps("tests")
def test_index_sql_from_templates_matches_the_text_rewrite(editor: Any) -> None:
    """Building CONCURRENTLY from Django's templates gives what rewriting its text gave."""

    class Thing(models.Model):
        code = models.CharField(max_length=20, db_index=True)
        owner = models.IntegerField()
        state = models.IntegerField()

        class Meta:
            app_label = "tests"
            indexes = [
                models.Index(fields=["owner", "-state"], name="thing_owner_state"),
                models.Index(fields=["owner"], name="thing_active", condition=models.Q(state=1)),
            ]

    conditional = models.UniqueConstraint(
        fields=["owner"], condition=models.Q(state=1), name="thing_one_active"
    )
    plain = models.UniqueConstraint(fields=["owner", "state"], name="thing_owner_state_uniq")
    statements = [index.create_sql(Thing, editor) for index in Thing._meta.indexes]
    statements += list(editor._field_indexes_sql(Thing, Thing._meta.get_field("code")))
    statements.append(conditional.create_sql(Thing, editor))
    for statement in statements:
        built = ddl.create_index_concurrently(editor, statement)
        assert "CONCURRENTLY" in built
        assert built == concurrently(str(statement))
    assert [p.create_sql for p in field_index_plans(editor, Thing, Thing._meta.get_field("code"))]
    assert named_index_plan(editor, Thing, Thing._meta.indexes[1]).create_sql.startswith(
        'CREATE INDEX CONCURRENTLY "thing_active" ON "tests_thing"'
    )
    attached = unique_plan(editor, Thing, constraint=plain)
    assert attached.create_sql.startswith(
        'CREATE UNIQUE INDEX CONCURRENTLY "thing_owner_state_uniq"'
    )
    assert attached.constraint_sql == (
        'ALTER TABLE "tests_thing" ADD CONSTRAINT "thing_owner_state_uniq" '
        'UNIQUE USING INDEX "thing_owner_state_uniq"'
    )


def test_constraint_statements(editor: Any) -> None:
    assert ddl.validate_constraint(editor, "t", "c") == 'ALTER TABLE "t" VALIDATE CONSTRAINT "c"'
    assert ddl.drop_constraint(editor, "t", "c", if_exists=True) == (
        'ALTER TABLE "t" DROP CONSTRAINT IF EXISTS "c"'
    )
    assert ddl.rename_constraint(editor, "t", "a", "b") == (
        'ALTER TABLE "t" RENAME CONSTRAINT "a" TO "b"'
    )
    assert ddl.drop_index_concurrently(editor, "i") == 'DROP INDEX CONCURRENTLY IF EXISTS "i"'
    assert ddl.add_check_not_valid(editor, "t", "c", '"x" IS NOT NULL') == (
        'ALTER TABLE "t" ADD CONSTRAINT "c" CHECK ("x" IS NOT NULL) NOT VALID'
    )
    assert ddl.add_foreign_key(
        editor, "t", "f", "p_id", "p", "id", on_delete=" ON DELETE CASCADE"
    ) == (
        'ALTER TABLE "t" ADD CONSTRAINT "f" FOREIGN KEY ("p_id") REFERENCES "p" ("id") '
        "ON DELETE CASCADE NOT VALID"
    )


def test_operations_load_without_the_postgresql_driver() -> None:
    """SQLite projects may lack libpq: the operations' modules must not import psycopg."""
    import subprocess
    import sys

    code = (
        "import sys, django; from django.conf import settings; settings.configure(); "
        "django.setup(); import safemigrations.operations, safemigrations.operations.sql; "
        "print('psycopg' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
