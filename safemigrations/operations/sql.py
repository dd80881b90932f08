"""The DDL statements safemigrations' operations run, each kind built in one place.

Operations never write ``ALTER TABLE ... VALIDATE CONSTRAINT`` or ``DROP INDEX CONCURRENTLY`` by
hand: they call these functions, which quote names with the schema editor's ``quote_name`` and
use Django's own PostgreSQL templates where Django has one (``sql_create_index_concurrently``,
``sql_delete_index_concurrently``). Statements Django generates (a constraint's or an index's
``create_sql``) are turned into their safe form through their template, never by rewriting the
generated text.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement

#: ``CREATE UNIQUE INDEX CONCURRENTLY`` for a unique constraint on plain columns; attached by
#: :data:`UNIQUE_USING_INDEX_TEMPLATE` afterwards. Filled from the parts of Django's
#: ``sql_create_unique`` statement.
UNIQUE_INDEX_TEMPLATE = (
    "CREATE UNIQUE INDEX CONCURRENTLY %(name)s ON %(table)s (%(columns)s)%(nulls_distinct)s"
)
#: ``ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX``: a brief lock, no table scan.
UNIQUE_USING_INDEX_TEMPLATE = (
    "ALTER TABLE %(table)s ADD CONSTRAINT %(name)s UNIQUE USING INDEX %(name)s%(deferrable)s"
)

_CREATE_PREFIXES = ("CREATE INDEX ", "CREATE UNIQUE INDEX ")
#: Django's PostgreSQL ``sql_delete_index_concurrently``, for a schema editor without it (the
#: PostgreSQL backend is not imported here: it needs psycopg, which SQLite projects may lack).
_DROP_INDEX_CONCURRENTLY = "DROP INDEX CONCURRENTLY IF EXISTS %(name)s"
_NOT_VALID = " NOT VALID"


def concurrent_template(schema_editor: BaseDatabaseSchemaEditor, template: str) -> str | None:
    """The ``CONCURRENTLY`` twin of an index-creating template, or None for another statement.

    Django's PostgreSQL ``sql_create_index`` has ``sql_create_index_concurrently``; its unique
    index template (and another backend's or a third-party index's) gets ``CONCURRENTLY`` after
    ``INDEX``.
    """
    concurrent = getattr(schema_editor, "sql_create_index_concurrently", None)
    if concurrent is not None and template == schema_editor.sql_create_index:
        return str(concurrent)
    for prefix in _CREATE_PREFIXES:
        if template.startswith(prefix):
            return prefix + "CONCURRENTLY " + template[len(prefix) :]
    return None


def create_index_concurrently(schema_editor: BaseDatabaseSchemaEditor, statement: Any) -> str:
    """``CREATE [UNIQUE] INDEX CONCURRENTLY`` for the index statement Django generated.

    A statement already concurrent, or one that creates no index, is returned as it is.
    """
    if isinstance(statement, Statement):
        template = concurrent_template(schema_editor, statement.template)
        if template is not None:
            return str(Statement(template, **statement.parts))
    return str(statement)


def unique_index_concurrently(statement: Statement) -> str:
    """The unique index behind Django's ``ALTER TABLE ... ADD CONSTRAINT ... UNIQUE``."""
    return str(Statement(UNIQUE_INDEX_TEMPLATE, **statement.parts))


def unique_using_index(statement: Statement) -> str:
    """Attach the index built by :func:`unique_index_concurrently` as the unique constraint."""
    return str(Statement(UNIQUE_USING_INDEX_TEMPLATE, **statement.parts))


def drop_index_concurrently(schema_editor: BaseDatabaseSchemaEditor, name: str) -> str:
    """``DROP INDEX CONCURRENTLY IF EXISTS name`` (Django's ``sql_delete_index_concurrently``)."""
    template = getattr(schema_editor, "sql_delete_index_concurrently", _DROP_INDEX_CONCURRENTLY)
    return str(template % {"name": schema_editor.quote_name(name)})


def not_valid(add_constraint_sql: object) -> str:
    """A generated ``ALTER TABLE ... ADD CONSTRAINT`` that skips checking the existing rows."""
    return f"{add_constraint_sql}{_NOT_VALID}"


def add_check_not_valid(
    schema_editor: BaseDatabaseSchemaEditor, table: str, name: str, check: str
) -> str:
    """``ALTER TABLE table ADD CONSTRAINT name CHECK (check) NOT VALID`` (``check`` is SQL)."""
    q = schema_editor.quote_name
    return not_valid(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} CHECK ({check})")


def add_foreign_key(
    schema_editor: BaseDatabaseSchemaEditor,
    table: str,
    name: str,
    column: str,
    to_table: str,
    to_column: str,
    *,
    on_delete: str = "",
    deferrable: str = "",
    not_valid: bool = True,
) -> str:
    """``ALTER TABLE ... ADD CONSTRAINT name FOREIGN KEY ... [NOT VALID]``.

    ``on_delete`` and ``deferrable`` are SQL clauses with their leading space (or empty).
    """
    q = schema_editor.quote_name
    sql = (
        f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} FOREIGN KEY ({q(column)}) "
        f"REFERENCES {q(to_table)} ({q(to_column)}){on_delete}{deferrable}"
    )
    return sql + _NOT_VALID if not_valid else sql


def validate_constraint(schema_editor: BaseDatabaseSchemaEditor, table: str, name: str) -> str:
    """``ALTER TABLE table VALIDATE CONSTRAINT name``: checks the rows, reads and writes go on."""
    q = schema_editor.quote_name
    return f"ALTER TABLE {q(table)} VALIDATE CONSTRAINT {q(name)}"


def drop_constraint(
    schema_editor: BaseDatabaseSchemaEditor, table: str, name: str, *, if_exists: bool = False
) -> str:
    """``ALTER TABLE table DROP CONSTRAINT [IF EXISTS] name``."""
    q = schema_editor.quote_name
    return f"ALTER TABLE {q(table)} {drop_constraint_clause(schema_editor, name, if_exists)}"


def drop_constraint_clause(
    schema_editor: BaseDatabaseSchemaEditor, name: str, if_exists: bool = False
) -> str:
    """``DROP CONSTRAINT [IF EXISTS] name``, for an ``ALTER TABLE`` with several actions."""
    return f"DROP CONSTRAINT {'IF EXISTS ' if if_exists else ''}{schema_editor.quote_name(name)}"


def rename_constraint(
    schema_editor: BaseDatabaseSchemaEditor, table: str, old: str, new: str
) -> str:
    """``ALTER TABLE table RENAME CONSTRAINT old TO new`` (a brief lock, no scan)."""
    q = schema_editor.quote_name
    return f"ALTER TABLE {q(table)} RENAME CONSTRAINT {q(old)} TO {q(new)}"
