"""``AddIndexConcurrently``: build an index with ``CREATE INDEX CONCURRENTLY``, resumably.

Two modes: an index of ``Meta.indexes`` (``index=``, state ``AddIndex``) or the implicit index
of a field (``field=``, i.e. ``db_index=True``; state ``AlterField``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.migrations.operations import AddIndex, RemoveIndex
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState

from safemigrations.exceptions import OperationTargetError

from .concurrent_index import (
    ConcurrentIndexOperation,
    FieldMode,
    IndexMode,
    IndexTarget,
    MetaIndex,
)
from .drop_index import DropIndexConcurrently


@dataclass(frozen=True)
class _MetaIndexMode(IndexMode):
    """``index=``: an index of ``Meta.indexes`` (partial, expression, covering: any)."""

    index: models.Index

    @property
    def target(self) -> IndexTarget:
        return MetaIndex(str(self.index.name))

    def state_operations(
        self, operation: ConcurrentIndexOperation, app_label: str, state: ProjectState
    ) -> list[Operation]:
        return [AddIndex(operation.model_name, self.index)]

    def describe(self, model_name: str) -> str:
        return f"Create index {self.index.name} on {model_name} concurrently"

    def kwargs(self) -> dict[str, Any]:
        return {"index": self.index}


@dataclass(frozen=True)
class _FieldIndexMode(FieldMode):
    """``field=``: the index ``db_index=True`` gives a field (and its ``_like`` twin)."""

    def changes(self, where: str, field: Any) -> dict[str, Any]:
        if field.unique or field.primary_key:
            raise OperationTargetError(
                f"{where} is unique; its unique constraint is already an index."
            )
        if field.db_index:
            raise OperationTargetError(
                f"{where} already has db_index=True at this point of the migrations, so Django "
                "has built its index."
            )
        return {"db_index": True}

    def describe(self, model_name: str) -> str:
        return f"Create the index of {model_name}.{self.field} concurrently"


class AddIndexConcurrently(ConcurrentIndexOperation):
    """Build an index with ``CREATE INDEX CONCURRENTLY``, resumably.

    ``index``: any ``models.Index`` of ``Meta.indexes`` — partial (``condition=``), expression,
    covering, with opclasses (state: ``AddIndex``). ``field``: the implicit index Django creates
    for ``db_index=True`` (plus the ``_like`` index of a ``varchar``/``text`` column), under the
    name Django generates (state: ``db_index=True``).

    A valid index of that name is kept (a re-run after an interruption); an INVALID one, left by a
    failed or cancelled build, is dropped concurrently and built again.

    It accepts every call of ``django.contrib.postgres.operations.AddIndexConcurrently``
    (``AddIndexConcurrently(model_name, index)``, positionally or by keyword) and leaves the same
    index and model state, so swapping the import is all it takes to move to this one.
    """

    category = OperationCategory.ADDITION
    name_fragment = "add_index"

    def __init__(
        self,
        model_name: str,
        index: models.Index | None = None,
        *,
        field: str | None = None,
        lock_timeout: float | None = None,
        lock_retries: int | None = None,
    ) -> None:
        if (index is None) == (field is None):
            raise TypeError(
                "AddIndexConcurrently needs exactly one of index= (a models.Index for "
                "Meta.indexes) or field= (the field whose db_index=True index to build)."
            )
        if index is not None and not index.name:
            raise OperationTargetError(
                "AddIndexConcurrently requires a name for the index: models.Index(..., name=...)."
            )
        super().__init__(model_name, lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.index = index
        self.field = field
        self.mode = _MetaIndexMode(index) if index is not None else _FieldIndexMode(str(field))

    def reduce(self, operation: Operation, app_label: str) -> bool | list[Operation]:
        """Building an index, then dropping it again, is nothing (Django's drops included)."""
        same_model = getattr(operation, "model_name_lower", None) == self.model_name_lower
        if same_model and dropped_target(operation) == self.mode.target:
            return []
        return super().reduce(operation, app_label)


def dropped_target(operation: Operation) -> IndexTarget | None:
    """The index ``operation`` drops: ours, Django's ``RemoveIndex`` / ``RemoveIndexConcurrently``."""
    if isinstance(operation, DropIndexConcurrently):
        return operation.mode.target
    if isinstance(operation, RemoveIndex):
        return MetaIndex(str(operation.name))
    return None
