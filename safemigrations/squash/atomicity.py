"""Whether a squashed migration can be atomic, and where it must be split when it cannot.

Django's ``squashmigrations`` writes every squash atomic, so a concurrent index operation left in
it fails at ``migrate``. Here a squash is atomic unless an operation left in it must commit on
its own: a safemigrations operation that says so (``requires_non_atomic``), SQL that PostgreSQL
refuses in a transaction (``CONCURRENTLY``, ``VACUUM``...), or a ``ValidateConstraint`` that
would scan a table an earlier operation of the same transaction locked.

The original migrations are grouped into *segments* of consecutive migrations that are all
atomic-safe or not: each segment becomes one squashed migration (one when nothing needs
``atomic = False``; an atomic part and a non-atomic part when something does), so no migration
is written that cannot run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db.migrations.operations import RunPython, RunSQL, SeparateDatabaseAndState
from django.db.migrations.operations.base import Operation

from safemigrations.operations.namesakes import is_operation
from safemigrations.operations.not_valid import ValidateConstraint

from .model import Item, Key, Segment

_NO_TRANSACTION_SQL = re.compile(
    r"\b(CONCURRENTLY|VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+SYSTEM|"
    r"REINDEX\s+.*CONCURRENTLY|ALTER\s+TYPE\s+\S+\s+ADD\s+VALUE)\b",
    re.IGNORECASE | re.DOTALL,
)


def needs_non_atomic(operation: Operation) -> str | None:
    """Why ``operation`` cannot run inside a migration's transaction, or None when it can."""
    if getattr(operation, "requires_non_atomic", False):
        return f"{type(operation).__name__} commits its steps separately"
    if isinstance(operation, SeparateDatabaseAndState):
        for inner in operation.database_operations:
            reason = needs_non_atomic(inner)
            if reason:
                return reason
        return None
    if isinstance(operation, RunSQL):
        for statement in _statements(operation.sql):
            match = _NO_TRANSACTION_SQL.search(statement)
            if match:
                return f"RunSQL runs {match.group(1).upper()}, which cannot run in a transaction"
        return None
    if isinstance(operation, RunPython) and operation.atomic is False:
        return "RunPython(atomic=False)"
    return None


def _statements(sql: object) -> list[str]:
    if isinstance(sql, str):
        return [sql]
    if isinstance(sql, list | tuple):
        return [s if isinstance(s, str) else str(s[0]) for s in sql]
    return []


def validate_after_lock(items: Sequence[Item]) -> str | None:
    """A ``ValidateConstraint`` preceded, in the same list, by an operation on its model: in a
    transaction that operation's lock would make the validation refuse to run."""
    for j, item in enumerate(items):
        operation = item.operation
        if not is_operation(operation, ValidateConstraint):
            continue
        model = str(getattr(operation, "model_name", ""))
        for earlier in items[:j]:
            if earlier.operation.references_model(model, ""):
                return (
                    f"ValidateConstraint({model!r}, {getattr(operation, 'name', '')!r}) follows "
                    "an operation on the same table"
                )
    return None


def segments(order: Sequence[Key], items: Sequence[Item]) -> list[Segment]:
    """Consecutive original migrations grouped by whether what is left of them is atomic-safe.

    ``items`` are the fresh forms of the whole range (their origins say which migration each
    comes from); the segments' own items are filled in later, freshened segment by segment so
    that nothing moves from one squashed migration to another.
    """
    reasons: dict[str, list[str]] = {name: [] for _, name in order}
    for item in items:
        reason = needs_non_atomic(item.operation)
        if reason:
            reasons[item.origin.migration].append(f"{item.origin}: {reason}")
    result: list[Segment] = []
    for key in order:
        atomic = not reasons[key[1]]
        if result and result[-1].atomic == atomic:
            result[-1].migrations.append(key)
        else:
            result.append(Segment(migrations=[key], atomic=atomic))
        result[-1].why_not_atomic.extend(reasons[key[1]])
    return result
