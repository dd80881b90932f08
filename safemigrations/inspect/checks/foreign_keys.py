"""ON DELETE, ON UPDATE and deferrability of each foreign key, against the model's field.

Django writes no ``ON DELETE`` clause for Python-level values (``CASCADE``, ``PROTECT``...): the
constraint must say ``NO ACTION``. ``DB_*`` values and ``InDatabaseToo`` need their action
(:func:`safemigrations.deletion.db_action`). A mismatch means raw SQL deletes (and, for ``DB_*``
values, every delete) behave differently from what the model says: a rolled-back migration, a
change made by hand, or a failed switch. ``AddDBCascadeConstraint`` with the model's value puts
the action back without blocking writes.
"""

from __future__ import annotations

from collections.abc import Iterator

from safemigrations.db.schema import Constraint, Table
from safemigrations.lint.model import Severity

from ..context import Context, rows_and_size
from ..drift import Drift
from ..expected import ExpectedForeignKey, ExpectedModel


def constraints_of(table: Table, fk: ExpectedForeignKey) -> list[Constraint]:
    """The table's foreign key constraints on ``fk``'s column that reference its table."""
    return [
        c
        for c in table.foreign_keys
        if c.columns == (fk.column,) and c.referenced_table == fk.referenced_table
    ]


def find(context: Context) -> Iterator[Drift]:
    """One finding per foreign key whose action, update action or deferrability differ."""
    deferrable = bool(context.connection.features.can_defer_constraint_checks)
    for model, table in context.pairs():
        for fk in model.foreign_keys:
            for constraint in constraints_of(table, fk):
                yield from _compare(context, model, table, fk, constraint, deferrable)


def _compare(
    context: Context,
    model: ExpectedModel,
    table: Table,
    fk: ExpectedForeignKey,
    constraint: Constraint,
    deferrable: bool,
) -> Iterator[Drift]:
    where = f"{model.label}.{fk.field} ({table.name}.{fk.column}, constraint {constraint.name})"
    if constraint.on_delete != fk.action:
        yield context.drift(
            "SMD101",
            model,
            table,
            f"{where}: the model says on_delete={fk.on_delete_label}, which expects ON DELETE "
            f"{fk.action}, but the database has ON DELETE {constraint.on_delete}. "
            + _consequence(fk, constraint.on_delete or "NO ACTION"),
            fix=(
                f"AddDBCascadeConstraint({model.model_name!r}, {fk.field!r}, "
                f"on_delete={fk.on_delete_label}) puts the model's action into the database "
                "without blocking writes (--fix writes it); or change the model if the database "
                f"is right ({rows_and_size(table)})."
            ),
            field=fk.field,
            objects=[constraint.name],
            details={"expected": fk.action, "actual": constraint.on_delete},
            remedy={"op": "on_delete", "model": model.model_name, "field": fk.field},
            # NO ACTION and RESTRICT both reject the delete; only when (end of statement or of
            # a deferred transaction) differs.
            severity=(
                Severity.WARNING
                if {fk.action, constraint.on_delete} <= {"NO ACTION", "RESTRICT"}
                else None
            ),
        )
    if constraint.on_update != "NO ACTION":
        yield context.drift(
            "SMD102",
            model,
            table,
            f"{where}: ON UPDATE {constraint.on_update} in the database; Django creates ON "
            "UPDATE NO ACTION and its models cannot declare another.",
            fix=(
                "Recreate the constraint without ON UPDATE (ADD CONSTRAINT ... NOT VALID, VALIDATE "
                "CONSTRAINT, then drop the old one), or allowlist it if a program relies on it."
            ),
            field=fk.field,
            objects=[constraint.name],
            details={"expected": "NO ACTION", "actual": constraint.on_update},
        )
    actual = (constraint.deferrable, constraint.initially_deferred)
    if actual != (deferrable, deferrable):
        state = _deferrable_text(*actual)
        yield context.drift(
            "SMD103",
            model,
            table,
            f"{where}: the constraint is {state}; Django creates foreign keys "
            f"{_deferrable_text(deferrable, deferrable)}, and its transactions rely on checks "
            "at commit (rows saved in any order inside atomic()).",
            fix=(
                "Recreate the constraint DEFERRABLE INITIALLY DEFERRED (NOT VALID, then VALIDATE), "
                "or allowlist it."
            ),
            field=fk.field,
            objects=[constraint.name],
            details={"expected": _deferrable_text(deferrable, deferrable), "actual": state},
        )


def _consequence(fk: ExpectedForeignKey, actual: str) -> str:
    if actual in ("CASCADE", "SET NULL", "SET DEFAULT"):
        return (
            f"A raw SQL DELETE of a {fk.referenced_table} row (or a delete Django leaves to the "
            f"database) does ON DELETE {actual} instead."
        )
    if fk.action in ("CASCADE", "SET NULL", "SET DEFAULT"):
        return (
            f"Deletes Django leaves to the database fail with an IntegrityError, and raw SQL "
            f"deletes do not {fk.action.lower()} as the model says."
        )
    return (
        "Both reject the delete of a referenced row, but RESTRICT checks at once, even in a "
        "transaction that would remove the referencing rows before it commits."
    )


def _deferrable_text(deferrable: bool, deferred: bool) -> str:
    if not deferrable:
        return "NOT DEFERRABLE"
    return "DEFERRABLE INITIALLY DEFERRED" if deferred else "DEFERRABLE INITIALLY IMMEDIATE"
