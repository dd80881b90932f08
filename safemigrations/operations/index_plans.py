"""Plans for the indexes Django creates: their names and the SQL that builds them concurrently.

Django names the indexes it creates implicitly (a ``ForeignKey``'s index, ``db_index=True``, the
``_like`` pattern-ops index of a ``varchar``/``text`` column, ``unique=True`` and
``unique_together``) with a hash of the table and column names. An :class:`IndexPlan` is what
Django would create for one of them, or for an index or unique constraint of ``Meta``: its
generated (or given) name, the ``CREATE INDEX CONCURRENTLY`` that builds it and, for a unique
constraint, the ``ADD CONSTRAINT ... UNIQUE USING INDEX`` that turns the index into the
constraint. Plans are computed from a model state with Django's own schema editor templates; no
database is read here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement

from . import sql as ddl

_CREATE_INDEX = re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY\b)", re.IGNORECASE)


@dataclass(frozen=True)
class IndexPlan:
    """One index Django would create, with its generated (or given) name and build SQL."""

    table: str
    name: str
    create_sql: str
    #: ``named`` (Meta.indexes / UniqueConstraint: found by name only), ``index`` (implicit
    #: b-tree index of a field), ``like`` (its ``*_pattern_ops`` twin), ``unique`` (unique=True /
    #: unique_together).
    kind: str
    columns: tuple[str, ...] = ()
    unique: bool = False
    #: ``ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX`` when the index backs a constraint.
    constraint_sql: str | None = None

    @property
    def is_constraint(self) -> bool:
        return self.constraint_sql is not None


def concurrently(sql: str) -> str:
    """``CREATE [UNIQUE] INDEX`` → ``CREATE [UNIQUE] INDEX CONCURRENTLY`` (other SQL unchanged).

    For SQL text only; the operations build their statements from Django's templates
    (:func:`safemigrations.operations.sql.create_index_concurrently`).
    """
    return _CREATE_INDEX.sub(
        lambda m: f"CREATE {'UNIQUE ' if m.group(1) else ''}INDEX CONCURRENTLY ", sql, count=1
    )


def _unquote(name: str) -> str:
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


def _statement_name(statement: Statement) -> str:
    return _unquote(str(statement.parts["name"]))


def _column(model: type[models.Model], field_name: str) -> str:
    field: Any = model._meta.get_field(field_name)
    return str(field.column)


def named_index_plan(
    schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model], index: models.Index
) -> IndexPlan:
    """Plan for an index of ``Meta.indexes`` (partial, expression, covering, opclass: all kinds)."""
    statement = index.create_sql(model, schema_editor)
    return IndexPlan(
        table=model._meta.db_table,
        name=str(index.name),
        create_sql=ddl.create_index_concurrently(schema_editor, statement),
        kind="named",
        columns=tuple(_column(model, f.lstrip("-")) for f in index.fields),
    )


def field_index_plans(
    schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model], field: models.Field
) -> list[IndexPlan]:
    """The indexes Django creates for ``field`` itself: b-tree, ``_like`` twin, unique."""
    editor: Any = schema_editor  # Django's private naming and index helpers
    table = model._meta.db_table
    column = str(field.column)
    like_name = editor._create_index_name(table, [column], suffix="_like")
    plans = []
    for statement in editor._field_indexes_sql(model, field):
        name = _statement_name(statement)
        plans.append(
            IndexPlan(
                table=table,
                name=name,
                create_sql=ddl.create_index_concurrently(schema_editor, statement),
                kind="like" if name == like_name else "index",
                columns=(column,),
            )
        )
    if field.unique and not field.primary_key:
        plans.append(unique_plan(schema_editor, model, fields=[field]))
    return plans


def unique_plan(
    schema_editor: BaseDatabaseSchemaEditor,
    model: type[models.Model],
    *,
    fields: Sequence[models.Field] = (),
    constraint: models.UniqueConstraint | None = None,
) -> IndexPlan:
    """Plan for a unique constraint: ``unique=True`` / ``unique_together`` or a UniqueConstraint.

    A constraint on plain columns becomes a unique index built concurrently, then attached with
    ``UNIQUE USING INDEX``. One with a condition, expressions, ``include`` or opclasses is only a
    unique index in Django too, so it is built concurrently and nothing is attached.
    """
    editor: Any = schema_editor
    table = model._meta.db_table
    statement: Any
    if constraint is not None:
        statement = constraint.create_sql(model, schema_editor)
        columns = tuple(_column(model, f) for f in constraint.fields)
        kind = "named"
    else:
        statement = editor._create_unique_sql(model, list(fields))
        columns = tuple(str(f.column) for f in fields)
        kind = "unique"
    if statement is None:
        raise ValueError(
            f"{schema_editor.connection.display_name} cannot create this unique constraint "
            f"on {table}."
        )
    name = _statement_name(statement)
    if statement.template == schema_editor.sql_create_unique:
        return IndexPlan(
            table=table,
            name=name,
            create_sql=ddl.unique_index_concurrently(statement),
            kind=kind,
            columns=columns,
            unique=True,
            constraint_sql=ddl.unique_using_index(statement),
        )
    return IndexPlan(
        table=table,
        name=name,
        create_sql=ddl.create_index_concurrently(schema_editor, statement),
        kind=kind,
        columns=columns,
        unique=True,
    )
