"""Recognise a state/database split whose database side makes exactly its state side's change.

``SeparateDatabaseAndState`` and ``RunSQL(state_operations=...)`` stop Django's optimizer. Many
are only a safer way to make Django's change (``CREATE INDEX CONCURRENTLY`` for an ``AddIndex``,
a state-only ``AlterField`` of ``on_delete`` whose database action does not change, a safe
operation standing for Django's). Those forms are recognised here and replaced by their state
side; anything else is kept, as a barrier, with the reason.

Forms recognised:

- no database operations, and every state operation is an ``AlterField`` that changes nothing in
  the database (Django's ``_field_should_be_altered`` says no, and the ``ON DELETE`` action is
  the same);
- database operations whose fresh-database forms are the state operations, written out the same;
- SQL equal, once parsed (pglast) and with ``CONCURRENTLY``/``IF [NOT] EXISTS`` set aside, to the
  SQL Django's schema editor writes for the state operations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.migrations.operations import AlterField, RunSQL, SeparateDatabaseAndState
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import OperationWriter

from safemigrations.deletion import db_action

FreshOne = Callable[[str, Operation, ProjectState], list[Operation]]


def written(operation: Operation) -> str:
    """The operation as a migration file writes it: a structural comparison key."""
    text, _imports = OperationWriter(operation, indentation=0).serialize()
    return str(text)


def fold_state_split(
    app_label: str, operation: Operation, state: ProjectState, *, freshen_one: FreshOne
) -> tuple[list[Operation] | None, str]:
    """(the state operations when the database side is recognised, else None; the reason)."""
    if isinstance(operation, SeparateDatabaseAndState):
        database_ops = list(operation.database_operations)
        state_ops = list(operation.state_operations)
    else:
        assert isinstance(operation, RunSQL)
        database_ops = [RunSQL(operation.sql)]
        state_ops = list(operation.state_operations)
    if not database_ops:
        if all(_changes_nothing_in_database(app_label, op, state) for op in state_ops):
            return state_ops, ""
        return None, (
            "state-only operations that would change the database if Django ran them: kept "
            "(fold it by hand if the database already matches)"
        )
    if _same_operations(app_label, database_ops, state_ops, state, freshen_one):
        return state_ops, ""
    if all(isinstance(op, RunSQL) for op in database_ops):
        try:
            if _same_sql(app_label, database_ops, state_ops, state):
                return state_ops, ""
        except Exception as exc:
            return None, f"database side could not be compared with the state side ({exc}): kept"
    return None, "database side is not recognisably the state side's change: kept as a barrier"


def _changes_nothing_in_database(app_label: str, operation: Operation, state: ProjectState) -> bool:
    if not isinstance(operation, AlterField):
        return False
    model = state.models.get((app_label, operation.model_name_lower))
    if model is None or operation.name not in model.fields:
        return False
    old, new = model.fields[operation.name], operation.field
    if _action(old) != _action(new):
        return False
    old_kwargs = _database_kwargs(old)
    new_kwargs = _database_kwargs(new)
    return type(old) is type(new) and old_kwargs == new_kwargs


#: Field arguments that never change the database schema.
_NON_DATABASE = frozenset(
    {
        "verbose_name",
        "help_text",
        "choices",
        "validators",
        "editable",
        "blank",
        "error_messages",
        "on_delete",
        "related_name",
        "related_query_name",
        "limit_choices_to",
        "default",
        "serialize",
        "db_comment",
    }
)


def _database_kwargs(field: Any) -> dict[str, Any]:
    _, _, args, kwargs = field.deconstruct()
    return {k: repr(v) for k, v in kwargs.items() if k not in _NON_DATABASE} | {"args": repr(args)}


def _action(field: Any) -> str | None:
    remote = getattr(field, "remote_field", None)
    return db_action(remote.on_delete) if remote is not None and remote.on_delete else None


def _same_operations(
    app_label: str,
    database_ops: list[Operation],
    state_ops: list[Operation],
    state: ProjectState,
    freshen_one: FreshOne,
) -> bool:
    scratch = state.clone()
    fresh: list[Operation] = []
    for op in database_ops:
        fresh.extend(freshen_one(app_label, op, scratch))
        op.state_forwards(app_label, scratch)
    return [written(op) for op in fresh] == [written(op) for op in state_ops]


def _same_sql(
    app_label: str, database_ops: list[Operation], state_ops: list[Operation], state: ProjectState
) -> bool:
    given = [s for op in database_ops for s in _sql_of(op)]
    django = _django_sql(app_label, state_ops, state)
    return normalised(given) == normalised(django)


def _sql_of(operation: Operation) -> list[str]:
    assert isinstance(operation, RunSQL)
    sql = operation.sql
    items = [sql] if isinstance(sql, str) else list(sql)
    return [item if isinstance(item, str) else item[0] for item in items]


def _django_sql(app_label: str, state_ops: list[Operation], state: ProjectState) -> list[str]:
    """The SQL Django's schema editor writes for ``state_ops`` from ``state``."""
    from_state = state.clone()
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for op in state_ops:
            to_state = from_state.clone()
            op.state_forwards(app_label, to_state)
            op.database_forwards(app_label, editor, from_state, to_state)
            from_state = to_state
        return list(editor.collected_sql)


def normalised(statements: list[str]) -> list[str]:
    """Statements parsed and printed back by pglast, without the options that make them safe to
    run on a busy table (``CONCURRENTLY``, ``IF [NOT] EXISTS``) and without ``SET``s."""
    from pglast import parse_sql
    from pglast.stream import RawStream

    out: list[str] = []
    for text in statements:
        for raw in parse_sql(text):
            node: Any = raw.stmt
            kind = type(node).__name__
            if kind in {"VariableSetStmt", "TransactionStmt"}:
                continue
            if hasattr(node, "concurrent"):
                node.concurrent = False
            if kind == "IndexStmt":
                node.if_not_exists = False
            if kind == "DropStmt":
                node.missing_ok = False
            out.append(RawStream()(raw))
    return out
