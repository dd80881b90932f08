"""``AddUniqueConstraintConcurrently``: a unique constraint whose index is built concurrently.

Two modes: a ``UniqueConstraint`` of ``Meta.constraints`` (``constraint=``, state
``AddConstraint``) or ``unique=True`` on an existing field (``field=``, state ``AlterField``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.migrations.operations import AddConstraint, RemoveConstraint
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState

from safemigrations.exceptions import OperationTargetError

from .concurrent_index import (
    ConcurrentIndexOperation,
    FieldMode,
    IndexMode,
    IndexTarget,
    MetaUniqueConstraint,
)


@dataclass(frozen=True)
class _ConstraintMode(IndexMode):
    """``constraint=``: a ``UniqueConstraint`` of ``Meta.constraints``."""

    constraint: models.UniqueConstraint

    @property
    def target(self) -> IndexTarget:
        return MetaUniqueConstraint(str(self.constraint.name))

    def state_operations(
        self, operation: ConcurrentIndexOperation, app_label: str, state: ProjectState
    ) -> list[Operation]:
        return [AddConstraint(operation.model_name, self.constraint)]

    def describe(self, model_name: str) -> str:
        return f"Create unique constraint {self.constraint.name} on {model_name} concurrently"

    def kwargs(self) -> dict[str, Any]:
        return {"constraint": self.constraint}


@dataclass(frozen=True)
class _FieldMode(FieldMode):
    """``field=``: ``unique=True`` on an existing field, with the indexes Django gives it then."""

    def changes(self, where: str, field: Any) -> dict[str, Any]:
        if field.unique or field.primary_key:
            raise OperationTargetError(
                f"{where} is already unique at this point of the migrations."
            )
        return {"unique": True}

    def describe(self, model_name: str) -> str:
        return f"Make {model_name}.{self.field} unique concurrently"

    def references_field(
        self, operation: ConcurrentIndexOperation, model_name: str, name: str, app_label: str
    ) -> bool:
        return model_name.lower() == operation.model_name_lower and name == self.field


class AddUniqueConstraintConcurrently(ConcurrentIndexOperation):
    """Add a unique constraint without blocking writes for the index build.

    ``constraint``: a ``UniqueConstraint`` of ``Meta.constraints`` (state: ``AddConstraint``).
    ``field``: the unique constraint of ``unique=True`` on an existing field, under the name
    Django gives it (state: ``AlterField(unique=True)``); like Django, the ``_like`` index of a
    ``varchar``/``text`` column is built too, and a plain ``db_index`` index the unique one makes
    redundant is dropped concurrently afterwards.

    ``CREATE UNIQUE INDEX CONCURRENTLY`` (SHARE UPDATE EXCLUSIVE: reads and writes go on), then
    ``ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX`` (a brief ACCESS EXCLUSIVE lock with a
    bounded wait). A constraint with a condition, expressions, ``include`` or opclasses is a unique
    index in Django too: it is built concurrently and nothing is attached. Duplicate rows fail the
    build with a message naming the columns and a query that finds them; the INVALID index is
    dropped, so fixing the data and running the migration again is all it takes.
    """

    category = OperationCategory.ADDITION
    name_fragment = "add_unique"

    def __init__(
        self,
        model_name: str,
        constraint: models.UniqueConstraint | None = None,
        *,
        field: str | None = None,
        lock_timeout: float | None = None,
        lock_retries: int | None = None,
    ) -> None:
        if (constraint is None) == (field is None):
            raise TypeError(
                "AddUniqueConstraintConcurrently needs exactly one of constraint= (a "
                "models.UniqueConstraint for Meta.constraints) or field= (the field to make "
                "unique=True)."
            )
        if constraint is not None and not isinstance(constraint, models.UniqueConstraint):
            raise TypeError(
                "AddUniqueConstraintConcurrently.constraint must be a models.UniqueConstraint; "
                "for other constraints use AddConstraintNotValid + ValidateConstraint."
            )
        super().__init__(model_name, lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.constraint = constraint
        self.field = field
        self.mode = (
            _ConstraintMode(constraint) if constraint is not None else _FieldMode(str(field))
        )

    def reduce(self, operation: Operation, app_label: str) -> bool | list[Operation]:
        """Adding a constraint, then removing it again, is nothing."""
        if (
            isinstance(operation, RemoveConstraint)
            and operation.model_name_lower == self.model_name_lower
            and self.mode.target == MetaUniqueConstraint(str(operation.name))
        ):
            return []
        return super().reduce(operation, app_label)
