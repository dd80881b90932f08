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

from django.db.migrations.operations import (
    AddConstraint,
    AddIndex,
    AlterField,
    RemoveIndex,
    RunPython,
    RunSQL,
    SeparateDatabaseAndState,
)
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models import CheckConstraint

from safemigrations.operations import (
    AddConstraintNotValid,
    AddDBCascadeConstraint,
    AddUniqueConstraintConcurrently,
    ValidateConstraint,
)
from safemigrations.operations.namesakes import is_operation

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
            result.append(Item(operation, item.origin, index_only(app_label, operation, state)))
            if reason:
                kept.append(Kept(item.origin, operation.describe(), reason))
        else:
            result.extend(
                Item(op, item.origin, index_only(app_label, op, state)) for op in replacement
            )
        operation.state_forwards(app_label, state)
    return result, kept


def index_only(app_label: str, operation: Operation, state: ProjectState) -> bool:
    """Whether ``operation`` only adds or drops a non-unique index (``AddIndex``, ``RemoveIndex``,
    an ``AlterField`` of ``db_index`` alone), given the state before it."""
    if isinstance(operation, AddIndex | RemoveIndex):
        return True
    if not isinstance(operation, AlterField):
        return False
    model = state.models.get((app_label, operation.model_name_lower))
    old = model.fields.get(operation.name) if model is not None else None
    if old is None or type(old) is not type(operation.field):
        return False
    _, _, old_args, old_kwargs = old.deconstruct()
    _, _, new_args, new_kwargs = operation.field.deconstruct()
    old_kwargs.pop("db_index", None)
    new_kwargs.pop("db_index", None)
    return bool(old_args == new_args and repr(old_kwargs) == repr(new_kwargs))


def hoist_index_changes(app_label: str, items: Sequence[Item]) -> list[Item]:
    """Index-only changes moved back across data migrations, towards what made the index.

    Data code cannot tell whether a non-unique index exists, so on a fresh database the change
    may happen earlier. An ``AlterField`` of ``db_index`` alone moves back across
    ``RunPython`` and across operations that do not touch its field, until the operation that
    does (the ``CreateModel`` or ``AddField`` that made the index, which the optimizer then
    folds it into). This also avoids an ``AlterField(db_index=False)`` that runs before the
    ``CREATE INDEX`` Django defers to the end of the migration, leaving the index in place.
    ``AddIndex``/``RemoveIndex`` move back across the ``RunPython`` just before them.
    """
    result: list[Item] = []
    for item in items:
        position = len(result)
        operation = item.operation
        if item.index_only:
            while position and _crossable(app_label, result[position - 1].operation, operation):
                position -= 1
        result.insert(position, item)
    return result


def _crossable(app_label: str, before: Operation, operation: Operation) -> bool:
    """Whether the index-only ``operation`` may move back before ``before``."""
    if isinstance(before, RunPython):
        return True
    if not isinstance(operation, AlterField):
        return False
    if _checks_only(before) or isinstance(before, AddIndex | RemoveIndex):
        return True  # CHECK constraints and other named indexes never involve this index
    if _constraint_on_other_fields(before, operation.name):
        return True
    return _plain_django(before) and not before.references_field(
        operation.model_name, operation.name, app_label
    )


def _checks_only(operation: Operation) -> bool:
    """A CHECK constraint added (NOT VALID or not) or validated: no index involved."""
    if is_operation(operation, ValidateConstraint):
        return True
    constraint = getattr(operation, "constraint", None)
    return isinstance(operation, AddConstraint | AddConstraintNotValid) and isinstance(
        constraint, CheckConstraint
    )


def _constraint_on_other_fields(operation: Operation, field: str) -> bool:
    """A constraint added (concurrently or not) on named fields that do not include ``field``."""
    constraint = getattr(operation, "constraint", None)
    if not isinstance(operation, AddConstraint | AddUniqueConstraintConcurrently):
        return False
    fields = tuple(getattr(constraint, "fields", None) or ())
    return bool(fields) and not getattr(constraint, "expressions", None) and field not in fields


def _plain_django(operation: Operation) -> bool:
    """A schema operation of Django's own (not SQL, not a state/database split, not custom)."""
    module = type(operation).__module__
    return module.startswith("django.db.migrations.operations") and not isinstance(
        operation, RunSQL | RunPython | SeparateDatabaseAndState
    )


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
    if isinstance(operation, ValidateConstraint):
        return (
            "validates a constraint added before the squashed range (or with a data migration "
            "in between): kept"
        )
    if isinstance(operation, AddConstraintNotValid):
        return "never validated in the squashed range, so the constraint stays NOT VALID: kept"
    if isinstance(operation, AddDBCascadeConstraint) and operation.m2m_side is not None:
        return "an auto-created through table's key: the state cannot describe it, kept"
    if isinstance(operation, AddDBCascadeConstraint):
        return "validate=False and never validated in the squashed range: kept"
    return "no fresh-database form: kept"
