"""SM966 (statements an interrupted non-atomic migration cannot replay) and SM606 (renamed
sequences, functions, types, schemas and enum values), in plain SQL and on Django migrations."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

from safemigrations.db.scratch import scratch_database
from safemigrations.db.server import Server
from safemigrations.lint.engine import lint_sql_text, lint_statements
from safemigrations.lint.model import Finding, Statement
from safemigrations.lint.project import lint_migrations
from safemigrations.operations.columns import AddForeignKeyField


def rule_lines(sql: str, rule: str, version: int = 16) -> list[int]:
    return [f.line for f in lint_sql_text(sql, pg_version=version) if f.rule == rule]


# -- SM966 in plain SQL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        'ALTER TABLE "t" ADD COLUMN "c" integer;',
        'ALTER TABLE "t" DROP COLUMN "b";',
        'ALTER TABLE "t" DROP CONSTRAINT "t_b_check";',
        'ALTER TABLE "t" ADD CONSTRAINT "t_b_check" CHECK ("b" > 0) NOT VALID;',
        'ALTER TABLE "t" ADD CHECK ("b" > 0) NOT VALID;',
        'CREATE TABLE "u" ("id" integer);',
        'CREATE INDEX "t_b_idx" ON "t" ("b");',
        'CREATE INDEX ON "t" ("b");',
        'CREATE SEQUENCE "s";',
        'CREATE VIEW "v" AS SELECT 1 AS one;',
        "CREATE TYPE \"e\" AS ENUM ('a');",
        "ALTER TYPE \"e\" ADD VALUE 'b';",
        'DROP TABLE "t";',
        'DROP INDEX "t_b_idx";',
    ],
)
def test_unguarded_statement_followed_by_another_is_reported(statement: str) -> None:
    sql = statement + '\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "t_a_idx" ON "t" ("a");'
    assert rule_lines(sql, "SM966") == [1]


@pytest.mark.parametrize(
    "statement",
    [
        'ALTER TABLE "t" ADD COLUMN IF NOT EXISTS "c" integer;',
        'ALTER TABLE "t" DROP COLUMN IF EXISTS "b";',
        'ALTER TABLE "t" DROP CONSTRAINT IF EXISTS "t_b_check", '
        'ADD CONSTRAINT "t_b_check" CHECK ("b" > 0) NOT VALID;',
        'CREATE TABLE IF NOT EXISTS "u" ("id" integer);',
        'CREATE INDEX IF NOT EXISTS "t_b_idx" ON "t" ("b");',
        'CREATE SEQUENCE IF NOT EXISTS "s";',
        'CREATE OR REPLACE VIEW "v" AS SELECT 1 AS one;',
        "ALTER TYPE \"e\" ADD VALUE IF NOT EXISTS 'b';",
        'DROP TABLE IF EXISTS "t";',
        'ALTER TABLE "t" VALIDATE CONSTRAINT "t_b_check";',
        'UPDATE "t" SET "b" = 0 WHERE "b" IS NULL;',
    ],
)
def test_guarded_or_repeatable_statement_is_not_reported(statement: str) -> None:
    sql = statement + '\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "t_a_idx" ON "t" ("a");'
    assert rule_lines(sql, "SM966") == []


def test_last_statement_and_single_transaction_are_not_reported() -> None:
    # Nothing runs after the last statement: if it fails, it is rolled back on its own.
    assert rule_lines('ALTER TABLE "t" ADD COLUMN "c" integer;', "SM966") == []
    # One transaction: a failure anywhere rolls everything back.
    one = 'BEGIN;\nALTER TABLE "t" ADD COLUMN "c" integer;\nCREATE INDEX "i" ON "t" ("c");\nCOMMIT;'
    assert rule_lines(one, "SM966") == []
    # SET and transaction control after it cannot fail the way work does.
    assert rule_lines('ALTER TABLE "t" ADD COLUMN "c" integer;\nRESET lock_timeout;', "SM966") == []


def test_committed_transaction_followed_by_another_is_reported() -> None:
    sql = (
        'BEGIN;\nALTER TABLE "t" ADD COLUMN "c" integer;\nCOMMIT;\n'
        'BEGIN;\nALTER TABLE "t" ADD COLUMN IF NOT EXISTS "d" integer;\nCOMMIT;'
    )
    assert rule_lines(sql, "SM966") == [2]


def test_concurrent_index_statements_stay_with_sm103() -> None:
    sql = 'CREATE INDEX CONCURRENTLY "i" ON "t" ("a");\nDROP INDEX CONCURRENTLY "j";\nSELECT 1;'
    rules = {(f.rule, f.line) for f in lint_sql_text(sql, pg_version=16)}
    assert {("SM103", 1), ("SM103", 2)} <= rules
    assert not any(rule == "SM966" for rule, _ in rules)


def test_statements_of_two_files_do_not_confirm_each_other() -> None:
    first = Statement(sql='ALTER TABLE "t" ADD COLUMN "c" integer', file="a.sql", line=1)
    second = Statement(sql='ALTER TABLE "t" ADD COLUMN "d" integer', file="b.sql", line=1)
    findings = lint_statements([first, second], pg_version=16)
    assert [f.rule for f in findings if f.rule == "SM966"] == []


def test_replaying_reported_sql_really_fails_and_the_guarded_form_does_not(
    pg_server: Server,
) -> None:
    """What the rule claims, on PostgreSQL: the committed part makes the second run fail."""
    failing = 'ALTER TABLE "t" ADD COLUMN "c" integer;\nALTER TABLE "t" ADD COLUMN "x" nosuchtype;'
    guarded = failing.replace('ADD COLUMN "c"', 'ADD COLUMN IF NOT EXISTS "c"')
    assert rule_lines(failing, "SM966") == [1]
    assert rule_lines(guarded, "SM966") == []
    with (
        scratch_database("smlint_rerun", pg_server) as name,
        psycopg.connect(pg_server.conninfo(name), autocommit=True) as conn,
    ):
        conn.execute('CREATE TABLE "t" ("a" integer)')
        errors = [_run_file(conn, failing) for _ in range(2)]
        assert "nosuchtype" in errors[0]
        assert "already exists" in errors[1]
        conn.execute('ALTER TABLE "t" DROP COLUMN "c"')
        errors = [_run_file(conn, guarded) for _ in range(2)]
        assert all("nosuchtype" in e for e in errors)


def _run_file(conn: psycopg.Connection[Any], sql: str) -> str:
    """Run statements one by one in autocommit, as psql does; the first error's text."""
    for statement in sql.split(";\n"):
        try:
            conn.execute(statement.rstrip(";"))  # type: ignore[arg-type]
        except psycopg.Error as exc:
            return str(exc)
    return ""


# -- SM966 on Django migrations -------------------------------------------------------------


def _non_atomic_migration(atomic: bool) -> Any:
    class Migration(migrations.Migration):
        dependencies = [("lintdj", "0001_initial")]
        operations = [
            AddForeignKeyField(
                "book",
                "editor",
                models.ForeignKey(
                    "lintdj.author", null=True, on_delete=models.SET_NULL, related_name="+"
                ),
            ),
            migrations.AddField("book", "qty", models.IntegerField(null=True)),
            migrations.RunSQL(
                'ALTER TABLE "lintdj_book" ADD COLUMN IF NOT EXISTS "note" text',
                'ALTER TABLE "lintdj_book" DROP COLUMN IF EXISTS "note"',
            ),
        ]

    Migration.atomic = atomic
    return Migration("0002_rerun", "lintdj")


def _lint_with(settings: Any, migration: Any) -> tuple[list[Finding], list[Statement]]:
    settings.MIGRATION_MODULES = {"lintdj": "tests.testapps.lintdj.scenarios.safe"}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    key = ("lintdj", migration.name)
    loader.disk_migrations[key] = migration
    loader.graph.add_node(key, migration)
    loader.graph.add_dependency(migration, key, ("lintdj", "0001_initial"))
    loader.graph.validate_consistency()
    result = lint_migrations([("lintdj", "0001_initial"), key], loader=loader, use_cache=False)
    assert result.collection is not None
    (collected,) = [c for c in result.collection.migrations if c.key == key]
    return result.by_migration[key], collected.to_statements()


@pytest.mark.django_db
def test_django_non_atomic_migration_reports_only_djangos_own_operation(settings) -> None:  # type: ignore[no-untyped-def]
    findings, _ = _lint_with(settings, _non_atomic_migration(atomic=False))
    rerun = [f for f in findings if f.rule == "SM966"]
    assert [f.operation_index for f in rerun] == [1], [f.to_dict() for f in findings]
    assert "ADD COLUMN qty" in rerun[0].message


@pytest.mark.django_db
def test_django_resumable_operation_would_be_reported_without_the_filter(settings) -> None:  # type: ignore[no-untyped-def]
    """AddForeignKeyField's ADD COLUMN is unguarded SQL: only the operation's own resume logic
    makes it safe, which is why the Django side drops the finding."""
    findings, statements = _lint_with(settings, _non_atomic_migration(atomic=False))
    assert not any(f.rule == "SM966" and f.operation_index == 0 for f in findings)
    # The same statements through the statement rules alone: the operation's ADD COLUMN is hit.
    raw = lint_statements(statements, pg_version=16)
    assert any(f.rule == "SM966" and f.operation_index == 0 for f in raw)


@pytest.mark.django_db
def test_django_atomic_migration_has_no_rerun_finding(settings) -> None:  # type: ignore[no-untyped-def]
    migration = _non_atomic_migration(atomic=True)
    migration.operations = migration.operations[1:]  # AddForeignKeyField needs atomic = False
    findings, _ = _lint_with(settings, migration)
    assert not any(f.rule == "SM966" for f in findings), [f.to_dict() for f in findings]


# -- SM606 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "text"),
    [
        ("ALTER TYPE \"shop_status\" RENAME VALUE 'old' TO 'new';", "RENAME VALUE 'old'"),
        # Sequence renames are no longer reported (issue 12): tests/test_lint_truth.py.
        ('ALTER FUNCTION "shop_price"(integer) RENAME TO "shop_cost";', "function shop_price"),
        ('ALTER PROCEDURE "shop_refresh"() RENAME TO "shop_reload";', "procedure"),
        ('ALTER TYPE "shop_money" RENAME TO "shop_amount";', "type shop_money"),
        ('ALTER DOMAIN "shop_qty" RENAME TO "shop_quantity";', "domain"),
        ('ALTER SCHEMA "shop" RENAME TO "store";', "schema shop"),
        ('ALTER TYPE "shop_money" RENAME ATTRIBUTE "cents" TO "minor";', "shop_money.cents"),
    ],
)
def test_renamed_object_is_reported(statement: str, text: str) -> None:
    (finding,) = [f for f in lint_sql_text(statement, pg_version=14) if f.rule == "SM606"]
    assert text in finding.message


def test_renaming_what_the_same_file_created_is_not_reported() -> None:
    sql = (
        "CREATE TYPE \"e\" AS ENUM ('a');\n"
        "ALTER TYPE \"e\" RENAME VALUE 'a' TO 'b';\n"
        'CREATE SEQUENCE "s";\nALTER SEQUENCE "s" RENAME TO "s2";\n'
        'CREATE FUNCTION "f"() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n'
        'ALTER FUNCTION "f"() RENAME TO "g";\n'
        'CREATE TYPE "m" AS ("cents" integer);\nALTER TYPE "m" RENAME ATTRIBUTE "cents" TO "c";'
    )
    assert rule_lines(sql, "SM606") == []


def test_views_and_tables_stay_with_sm602() -> None:
    findings = lint_sql_text('ALTER VIEW "v" RENAME TO "w";', pg_version=16)
    assert {"SM602"} <= {f.rule for f in findings}
    assert "SM606" not in {f.rule for f in findings}


def test_renamed_enum_value_breaks_the_old_spelling_on_postgresql(pg_server: Server) -> None:
    """The claim in the rule's text: a client writing the old value fails after the rename."""
    with (
        scratch_database("smlint_rename", pg_server) as name,
        psycopg.connect(pg_server.conninfo(name), autocommit=True) as conn,
    ):
        conn.execute("CREATE TYPE shop_status AS ENUM ('retired')")
        conn.execute("CREATE TABLE shop_item (status shop_status)")
        conn.execute("ALTER TYPE shop_status RENAME VALUE 'retired' TO 'archived'")
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            conn.execute("INSERT INTO shop_item VALUES ('retired')")
