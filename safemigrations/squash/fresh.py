"""The operations of a squash in their fresh-database form, so Django's optimizer can fold them.

A squashed migration runs on databases that are being built from scratch: there is no traffic to
protect. Each safemigrations operation names its fresh form (``fresh_operations``): Django's own
operation for the same schema (``AddIndexConcurrently`` -> ``AddIndex``, ``SetNotNull`` ->
``AlterField(null=False)`` ...). ``AddConstraintNotValid`` (or ``AddDBCascadeConstraint(
validate=False)``) followed by the ``ValidateConstraint`` that checks it becomes the plain
constraint. ``SeparateDatabaseAndState`` and ``RunSQL(state_operations=...)`` become their state
side when their database side is recognisably the same change (:mod:`.recognise`).

Everything else is kept as it is, and what is kept for a reason worth telling the user (a safe
operation without a fresh form, a state/database split whose database side is unknown) is
reported with its migration and position.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.migrations.operations import RunPython, RunSQL, SeparateDatabaseAndState
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from .model import Item, Kept
from .recognise import fold_state_split

#: Django operations that run code the squash cannot see into.
DATA_OPERATIONS = (RunPython, RunSQL)


def is_data_operation(operation: Operation) -> bool:
    """A ``RunPython``/``RunSQL`` that is not elidable: it stays, in order, in the squash."""
    return isinstance(operation, DATA_OPERATIONS) and not operation.elidable


def validation_pairs(items: Sequence[Item]) -> tuple[set[int], set[int]]:
    """(positions of NOT VALID additions that a later ``ValidateConstraint`` checks, positions
    of those ``ValidateConstraint``s).

    Only pairs with no data migration in between: rows written between the two steps may break
    the constraint and be fixed before the validation, which a plain constraint would refuse.
    """
    added: set[int] = set()
    validations: set[int] = set()
    for j, item in enumerate(items):
        validates = getattr(item.operation, "validates", None)
        if validates is None:
            continue
        for i in range(j - 1, -1, -1):
            if i in added:
                continue
            if is_data_operation(items[i].operation):
                break
            if validates(items[i].operation):
                added.add(i)
                validations.add(j)
                break
    return added, validations


def freshen(
    app_label: str, items: Sequence[Item], state: ProjectState
) -> tuple[list[Item], list[Kept]]:
    """The items in their fresh-database form, and the operations kept as they were.

    ``state`` is the project state before the first item; it is advanced (mutated) through
    them, so each fresh form is computed on the state just before its operation.
    """
    added, validations = validation_pairs(items)
    result: list[Item] = []
    kept: list[Kept] = []
    for position, item in enumerate(items):
        operation = item.operation
        if position in validations:
            continue  # its constraint is added validated (see `added`)
        replacement, reason = _fresh_form(app_label, operation, state, position in added)
        if replacement is None:
            result.append(item)
            if reason:
                kept.append(Kept(item.origin, operation.describe(), reason))
        else:
            result.extend(Item(op, item.origin) for op in replacement)
        operation.state_forwards(app_label, state)
    return result, kept


def _fresh_form(
    app_label: str, operation: Operation, state: ProjectState, validated: bool
) -> tuple[list[Operation] | None, str]:
    """(replacement operations or None to keep it, why it is kept when that is worth saying)."""
    fresh = getattr(operation, "fresh_operations", None)
    if fresh is not None:
        replacement = fresh(app_label, state, validated=validated)
        if replacement is None:
            return None, _why_safe_operation_kept(operation)
        return replacement, ""
    if isinstance(operation, SeparateDatabaseAndState) or (
        isinstance(operation, RunSQL) and operation.state_operations
    ):
        folded, reason = fold_state_split(app_label, operation, state, freshen_one=_fresh_one)
        return folded, reason
    if is_data_operation(operation):
        return None, "data migration: kept, in order"
    return None, ""


def _fresh_one(app_label: str, operation: Operation, state: ProjectState) -> list[Operation]:
    """One operation's fresh form on its own (no validation pairing); itself when it has none."""
    fresh = getattr(operation, "fresh_operations", None)
    replacement = fresh(app_label, state, validated=False) if fresh is not None else None
    return [operation] if replacement is None else list(replacement)


def _why_safe_operation_kept(operation: Operation) -> str:
    name = type(operation).__name__
    if name == "ValidateConstraint":
        return (
            "validates a constraint added before the squashed range (or with a data migration "
            "in between): kept"
        )
    if name == "AddConstraintNotValid":
        return "never validated in the squashed range, so the constraint stays NOT VALID: kept"
    if getattr(operation, "m2m_side", None) is not None:
        return "an auto-created through table's key: the state cannot describe it, kept"
    if name == "AddDBCascadeConstraint":
        return "validate=False and never validated in the squashed range: kept"
    return "no fresh-database form: kept"
