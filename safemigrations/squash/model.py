"""Values the squash steps pass to each other: where an operation came from, what was kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.migrations.operations.base import Operation

Key = tuple[str, str]


@dataclass(frozen=True)
class Origin:
    """An operation's place in the original migrations: migration name and 1-based position."""

    migration: str
    position: int

    def __str__(self) -> str:
        return f"{self.migration}, operation {self.position}"


@dataclass
class Item:
    """One operation of the squash, with the original operation it comes from."""

    operation: Operation
    origin: Origin
    index_only: bool = False  # changes only a non-unique index: data code cannot tell


@dataclass(frozen=True)
class Kept:
    """An operation that stays as it is in the squashed migration, and why."""

    origin: Origin
    description: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "migration": self.origin.migration,
            "operation": self.origin.position,
            "description": self.description,
            "reason": self.reason,
        }


@dataclass
class Segment:
    """Consecutive original migrations squashed into one new migration.

    ``atomic`` is False when an operation left in it must commit on its own.
    """

    migrations: list[Key]
    items: list[Item] = field(default_factory=list)
    atomic: bool = True
    why_not_atomic: list[str] = field(default_factory=list)
    operations: list[Operation] = field(default_factory=list)
    rendered: Any = None  # the squashed migration (:class:`.write.Rendered`); None: kept as is

    @property
    def operation_count(self) -> int:
        """Operations left, the bookkeeping ``RunDeferredSQL`` not counted."""
        return sum(1 for op in self.operations if type(op).__name__ != "RunDeferredSQL")
