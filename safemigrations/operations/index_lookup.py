"""Which real index of the database an :class:`~.index_plans.IndexPlan` refers to.

To drop an index Django created implicitly, its real name is read from the catalog (a table
renamed since, or an index created by an older Django, has another name): the plan's name wins
when it exists, one other matching index is taken, several are an error that lists them. When
the table does not exist (``sqlmigrate`` against an empty database) there is none. An index or
constraint of ``Meta`` is found by its name alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from safemigrations.db import catalog
from safemigrations.exceptions import AmbiguousIndexError

from .index_plans import IndexPlan


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
