"""Plans for the indexes Django creates, and the concurrent steps that build and drop them.

Django names the indexes it creates implicitly (a ``ForeignKey``'s index, ``db_index=True``, the
``_like`` pattern-ops index of a ``varchar``/``text`` column, ``unique=True`` and
``unique_together``) with a hash of the table and column names. An :class:`IndexPlan` is what
Django would create for one of them: its generated name, the ``CREATE INDEX CONCURRENTLY`` that
builds it and, for a unique constraint, the ``ADD CONSTRAINT ... UNIQUE USING INDEX`` that turns
the index into the constraint.

To drop one, the real name is read from the catalog (a table renamed since, or an index created by
an older Django, has another name): the plan's name wins when it exists, one other matching index
is taken, several are an error that lists them. When the table does not exist (``sqlmigrate``
against an empty database) the plan's name is used.

:class:`ConcurrentIndexSteps` builds and drops plans resumably: a valid index of the plan's name
is kept, an INVALID leftover of a failed or interrupted build is dropped concurrently and built
again, and a failed build drops its own INVALID index before raising a message that says what to
fix.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, IntegrityError, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement

from safemigrations.db import catalog
from safemigrations.db.locks import is_lock_timeout
from safemigrations.exceptions import AmbiguousIndexError, DuplicateValuesError, IndexBuildFailed

from . import sql as ddl
from .base import SafeOperation

logger = logging.getLogger("safemigrations")

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


@dataclass(frozen=True)
class FoundIndex:
    """An index of the table that a plan refers to."""

    name: str
    valid: bool
    constraint: str | None  # the unique constraint that owns it


def _matches(plan: IndexPlan, index: catalog.Index) -> bool:
    if index.primary or index.predicate is not None or index.columns != plan.columns:
        return False
    pattern_ops = "_pattern_ops" in index.definition
    if plan.kind == "index":
        return not index.unique and not pattern_ops and index.constraint is None
    if plan.kind == "like":
        return not index.unique and pattern_ops
    if plan.kind == "unique":
        return index.unique
    return False


def find_index(
    cursor: Any, plan: IndexPlan, exclude: Iterable[str] = (), *, lenient: bool = False
) -> FoundIndex | None:
    """The real index of ``plan`` in the database, or None when there is none.

    ``exclude``: names of ``Meta.indexes`` / ``Meta.constraints``, which are never implicit.
    Raises :class:`AmbiguousIndexError` when several indexes match and none has the plan's name
    (unless ``lenient``: then None).
    """
    if not catalog.table_exists(cursor, plan.table):
        return None
    indexes = catalog.indexes(cursor, plan.table)
    if plan.kind == "named":
        index = indexes.get(plan.name)
        return FoundIndex(index.name, index.valid, index.constraint) if index else None
    excluded = set(exclude)
    candidates = [
        index for index in indexes.values() if index.name not in excluded and _matches(plan, index)
    ]
    chosen = [index for index in candidates if index.name == plan.name] or candidates
    if len(chosen) > 1:
        if lenient:
            return None
        listing = "\n".join(f"  - {index.name}: {index.definition}" for index in chosen)
        raise AmbiguousIndexError(
            f"{len(chosen)} indexes of {plan.table} match the implicit {plan.kind} index on "
            f"({', '.join(plan.columns)}), and none has the name Django gives it "
            f"({plan.name}):\n{listing}\n"
            f"Rename the one this migration means to {plan.name} (ALTER INDEX ... RENAME TO, "
            "a brief lock) or drop the others, then run the migration again."
        )
    if not chosen:
        return None
    index = chosen[0]
    return FoundIndex(index.name, index.valid, index.constraint)


class ConcurrentIndexSteps(SafeOperation):
    """Resumable concurrent build and drop of :class:`IndexPlan` s, for operations to share."""

    def build_index(self, schema_editor: BaseDatabaseSchemaEditor, plan: IndexPlan) -> None:
        """Build ``plan`` concurrently (then attach its constraint); resume where it stopped."""
        if self.collecting_sql(schema_editor):
            self._run_build(schema_editor, plan)
            if plan.constraint_sql:
                self.run_step(
                    schema_editor,
                    plan.constraint_sql,
                    tables=[plan.table],
                    description=f"attach unique constraint {plan.name}",
                )
            return
        with schema_editor.connection.cursor() as cursor:
            if plan.is_constraint and plan.name in catalog.constraints(cursor, plan.table):
                logger.info("%s: constraint %s exists already", self.describe(), plan.name)
                return
            existing = catalog.indexes(cursor, plan.table).get(plan.name)
        if existing is not None and not existing.valid:
            logger.warning(
                "%s: dropping INVALID index %s left by an earlier build, building it again",
                self.describe(),
                plan.name,
            )
            self._drop_index_concurrently(schema_editor, plan.table, plan.name)
            existing = None
        if existing is not None:
            self._check_compatible(plan, existing)
        else:
            try:
                self._run_build(schema_editor, plan)
            except DatabaseError as exc:
                if is_lock_timeout(exc):
                    raise
                self._clean_failed_build(schema_editor, plan)
                raise self._build_error(plan, exc) from exc
        if plan.constraint_sql:
            self.run_step(
                schema_editor,
                plan.constraint_sql,
                tables=[plan.table],
                description=f"attach unique constraint {plan.name}",
            )

    def drop_index(
        self,
        schema_editor: BaseDatabaseSchemaEditor,
        plan: IndexPlan,
        exclude: Iterable[str] = (),
    ) -> None:
        """Drop the real index of ``plan`` (its constraint, for a unique constraint)."""
        collecting = self.collecting_sql(schema_editor)
        with schema_editor.connection.cursor() as cursor:
            found = find_index(cursor, plan, exclude)
        if found is None:
            if not collecting:
                logger.info("%s: no index %s to drop any more", self.describe(), plan.name)
                return
            found = FoundIndex(plan.name, True, plan.name if plan.is_constraint else None)
        if found.constraint:
            self.run_step(
                schema_editor,
                ddl.drop_constraint(schema_editor, plan.table, found.constraint, if_exists=True),
                tables=[plan.table],
                description=f"drop unique constraint {found.constraint}",
            )
        else:
            self._drop_index_concurrently(schema_editor, plan.table, found.name)

    # -- helpers ---------------------------------------------------------------------------

    def _run_build(self, schema_editor: BaseDatabaseSchemaEditor, plan: IndexPlan) -> None:
        self.run_step(
            schema_editor,
            plan.create_sql,
            tables=[plan.table],
            description="build" if plan.name in self.describe() else f"build {plan.name}",
            long=True,
            bounded_wait=False,
            # A deadlock leaves an INVALID index of the name behind: drop it before retrying.
            before_retry=lambda: self._clean_failed_build(schema_editor, plan),
        )

    def _drop_index_concurrently(
        self, schema_editor: BaseDatabaseSchemaEditor, table: str, name: str
    ) -> None:
        self.run_step(
            schema_editor,
            ddl.drop_index_concurrently(schema_editor, name),
            tables=[table],
            description=f"drop index {name}",
            bounded_wait=False,
        )

    def _clean_failed_build(self, schema_editor: BaseDatabaseSchemaEditor, plan: IndexPlan) -> None:
        """Drop the INVALID index a failed build leaves (it would slow every write for nothing)."""
        try:
            with schema_editor.connection.cursor() as cursor:
                leftover = catalog.indexes(cursor, plan.table).get(plan.name)
            if leftover is not None and not leftover.valid:
                self._drop_index_concurrently(schema_editor, plan.table, plan.name)
        except DatabaseError:
            logger.warning(
                "%s: could not drop the INVALID index %s; the next run drops it",
                self.describe(),
                plan.name,
                exc_info=True,
            )

    def _build_error(self, plan: IndexPlan, exc: DatabaseError) -> IndexBuildFailed:
        reason = " ".join(str(exc).split())
        if isinstance(exc, IntegrityError) and plan.columns:
            cols = ", ".join(plan.columns)
            return DuplicateValuesError(
                f"{self.describe()}: the unique index {plan.name} cannot be built: {reason}. "
                f"Rows of {plan.table} share the same ({cols}). Find them with\n"
                f"  SELECT {cols}, count(*) FROM {plan.table} GROUP BY {cols} "
                "HAVING count(*) > 1;\n"
                "fix or remove the duplicates, and run the migration again (the half-built "
                "INVALID index was dropped)."
            )
        return IndexBuildFailed(
            f"{self.describe()}: building index {plan.name} on {plan.table} failed: {reason}. "
            "The half-built INVALID index was dropped; fix the cause and run the migration "
            "again."
        )

    def _check_compatible(self, plan: IndexPlan, existing: catalog.Index) -> None:
        same_columns = not plan.columns or None in existing.columns
        same_columns = same_columns or existing.columns == plan.columns
        if existing.unique != plan.unique or not same_columns:
            raise IndexBuildFailed(
                f"{self.describe()}: an index named {plan.name} already exists on {plan.table} "
                f"and is not the one this operation builds ({existing.definition}). Drop or "
                "rename it, then run the migration again."
            )
        logger.info("%s: index %s exists already and is valid", self.describe(), plan.name)
