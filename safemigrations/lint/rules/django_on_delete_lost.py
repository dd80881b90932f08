"""SM904: an operation re-creates a foreign key and its database ON DELETE action is lost."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import migrations

from safemigrations.deletion import db_action
from safemigrations.lint.model import Severity
from safemigrations.lint.rules._django import anchor
from safemigrations.lint.rules.base import Hit, MigrationContext, Rule


def _readded_action(sql: str, constraint: str) -> str | None:
    """The ON DELETE action of ``ADD CONSTRAINT constraint FOREIGN KEY …`` in ``sql``
    (``"NO ACTION"`` when the clause is absent), or None when ``sql`` does not add it."""
    match = re.search(
        r'ADD\s+CONSTRAINT\s+"?' + re.escape(constraint) + r'"?\s+FOREIGN\s+KEY(.*)',
        sql,
        re.I | re.S,
    )
    if not match:
        return None
    action = re.search(r"ON\s+DELETE\s+(SET\s+NULL|SET\s+DEFAULT|NO\s+ACTION|\w+)", match[1], re.I)
    return " ".join(action[1].upper().split()) if action else "NO ACTION"


def _declared(field: Any) -> str:
    remote = getattr(field, "remote_field", None)
    return db_action(getattr(remote, "on_delete", None)) or "NO ACTION"


def _intended(ctx: MigrationContext, index: int | None) -> bool:
    """True when the operation is an ``AlterField`` that changes the declared action itself."""
    if index is None:
        return False
    operation = ctx.operations[index]
    if not isinstance(operation, migrations.AlterField):
        return False
    try:
        model = ctx.from_state.models[ctx.app, operation.model_name_lower]
        old = model.fields[operation.name]
    except (KeyError, AttributeError):
        return False
    return _declared(old) != _declared(operation.field)


class OnDeleteActionLost(Rule):
    """A foreign key with a database ``ON DELETE`` action is dropped and comes back without it."""

    id = "SM904"
    name = "foreign-key-on-delete-lost"
    severity = Severity.ERROR
    migration_level = True
    title = "Foreign key re-created without its database ON DELETE action"
    message = (
        "{operation} drops foreign key {constraint} on {table} (ON DELETE {before}) and "
        "{after}: deleting a parent row will {effect}"
    )
    why = (
        "Django re-creates a foreign key's constraint for many `AlterField` changes (db_index, "
        "type, target, db_constraint). It writes the new constraint from the field in the "
        "migration state, so an `ON DELETE` action the database had but the state did not "
        "record (added with RunSQL, or by a tool that edited the constraint) disappears "
        "silently, and rows that the database used to delete or null are left behind or block "
        "the delete."
    )
    fix = (
        "Record the action in the field: `on_delete=DB_CASCADE` (or `DB_SET_NULL`, "
        "`DB_SET_DEFAULT`, `DB_RESTRICT`, or `InDatabaseToo(models.CASCADE)` to keep Django's "
        "handler too), switched without blocking with "
        "`AddDBCascadeConstraint(model_name, name, on_delete=DB_CASCADE)`; after that Django "
        "re-creates the constraint with the action."
    )
    unsafe_example = (
        "# the database has ON DELETE CASCADE (RunSQL), the state says models.CASCADE\n"
        "AlterField('book', 'author', models.ForeignKey('author', models.CASCADE, "
        "db_index=False))"
    )
    safe_example = (
        "AddDBCascadeConstraint('book', 'author', on_delete=DB_CASCADE)\n"
        "AlterField('book', 'author', models.ForeignKey('author', DB_CASCADE, db_index=False))"
    )

    def check_migration(self, ctx: MigrationContext) -> Iterable[Hit]:
        """Compare each dropped foreign key's action with the one it is re-added with."""
        collected = ctx.collected
        if collected is None:
            return
        all_sql = "\n".join(s.sql for s in collected.statements)
        for captured in collected.statements:
            for constraint, table, before in captured.dropped_foreign_keys:
                after = _readded_action(all_sql, constraint)
                index = captured.operation_index
                if after is None or after == before or _intended(ctx, index):
                    continue
                operation = (
                    type(ctx.operations[index]).__name__ if index is not None else "The migration"
                )
                yield Hit(
                    params={
                        "operation": operation,
                        "constraint": constraint,
                        "table": table,
                        "before": before,
                        "after": f"adds it back with ON DELETE {after}",
                        "effect": f"do {after} instead of {before}",
                    },
                    tables=[table],
                    statement=anchor(ctx, index),
                )
