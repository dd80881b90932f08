"""``DropIndexConcurrently``: drop an index with ``DROP INDEX CONCURRENTLY``, whatever created it.

Three modes: an index of ``Meta.indexes`` (``name``, state ``RemoveIndex``), the implicit
index(es) of a field (``field=``: a ``ForeignKey``'s or ``db_index=True`` index and its ``_like``
twin, or the unique constraint of ``unique=True``; state ``AlterField``), a ``unique_together``
entry (``fields=``, state ``AlterUniqueTogether``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.migrations.operations import AlterUniqueTogether, RemoveIndex
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState

from safemigrations.exceptions import OperationTargetError

from .concurrent_index import (
    ConcurrentIndexOperation,
    FieldMode,
    IndexMode,
    IndexTarget,
    MetaIndex,
    UniqueTogether,
)


@dataclass(frozen=True)
class _MetaIndexMode(IndexMode):
    """``name``: an index of ``Meta.indexes``."""

    name: str

    @property
    def target(self) -> IndexTarget:
        return MetaIndex(self.name)

    def state_operations(
        self, operation: ConcurrentIndexOperation, app_label: str, state: ProjectState
    ) -> list[Operation]:
        model_state = operation.model_state(app_label, state)
        names = [str(index.name) for index in model_state.options.get("indexes", [])]
        if self.name not in names:
            raise OperationTargetError(
                f"DropIndexConcurrently: {app_label}.{operation.model_name} has no index named "
                f"{self.name!r} in Meta.indexes (it has: {', '.join(names) or 'none'}). For "
                "the index Django creates for a field, use field=; for a unique_together "
                "entry, fields=."
            )
        return [RemoveIndex(operation.model_name, self.name)]

    def describe(self, model_name: str) -> str:
        return f"Drop index {self.name} of {model_name} concurrently"

    def kwargs(self) -> dict[str, Any]:
        return {"name": self.name}


@dataclass(frozen=True)
class _FieldIndexMode(FieldMode):
    """``field=``: every index Django creates for the field (``db_index``, ``_like``, unique)."""

    def changes(self, where: str, field: Any) -> dict[str, Any]:
        if isinstance(field, models.OneToOneField) or field.primary_key:
            raise OperationTargetError(
                f"{where} is a "
                f"{field.__class__.__name__}{' primary key' if field.primary_key else ''}, "
                "whose unique index cannot be dropped without changing the field's type."
            )
        if not (field.db_index or field.unique):
            raise OperationTargetError(
                f"{where} has no implicit index (db_index=False and unique=False at this point "
                "of the migrations). For an index of Meta.indexes, use name=."
            )
        changes = {"db_index": False} if field.db_index else {}
        if field.unique:
            changes["unique"] = False
        return changes

    def describe(self, model_name: str) -> str:
        return f"Drop the index of {model_name}.{self.field}"


@dataclass(frozen=True)
class _UniqueTogetherMode(IndexMode):
    """``fields=``: a ``unique_together`` entry."""

    fields: tuple[str, ...]

    @property
    def target(self) -> IndexTarget:
        return UniqueTogether(self.fields)

    def state_operations(
        self, operation: ConcurrentIndexOperation, app_label: str, state: ProjectState
    ) -> list[Operation]:
        model_state = operation.model_state(app_label, state)
        together = {tuple(t) for t in model_state.options.get("unique_together", ())}
        if self.fields not in together:
            listing = ", ".join(str(list(t)) for t in sorted(together)) or "none"
            raise OperationTargetError(
                f"DropIndexConcurrently: {list(self.fields)} is not a unique_together entry of "
                f"{app_label}.{operation.model_name} (entries: {listing}). For an index of "
                "Meta.indexes, use name=."
            )
        return [AlterUniqueTogether(operation.model_name, together - {self.fields})]

    def describe(self, model_name: str) -> str:
        return f"Drop unique_together ({', '.join(self.fields)}) of {model_name}"

    def kwargs(self) -> dict[str, Any]:
        return {"fields": list(self.fields)}


class DropIndexConcurrently(ConcurrentIndexOperation):
    """Drop an index with ``DROP INDEX CONCURRENTLY``, whatever created it.

    Give exactly one of:

    - ``name``: an index of ``Meta.indexes`` (state: ``RemoveIndex``);
    - ``field``: the index(es) Django creates for a field — a ``ForeignKey``'s or
      ``db_index=True`` index and its ``_like`` twin (state: ``db_index=False``), or the unique
      constraint of ``unique=True`` (state: ``unique=False``);
    - ``fields``: a ``unique_together`` entry (state: ``AlterUniqueTogether`` without it).

    The real index name is read from the catalog. Indexes are dropped concurrently; a unique
    *constraint* cannot be, so it is dropped with ``ALTER TABLE ... DROP CONSTRAINT`` under a
    bounded lock wait. Reversing rebuilds concurrently, under the name Django would generate.

    It accepts every call of ``django.contrib.postgres.operations.RemoveIndexConcurrently``
    (``(model_name, name)``, positionally or by keyword) and leaves the same schema and model
    state, so swapping the class is all it takes to move to this one.
    """

    category = OperationCategory.REMOVAL
    name_fragment = "drop_index"

    def __init__(
        self,
        model_name: str,
        name: str | None = None,
        *,
        field: str | None = None,
        fields: Sequence[str] | None = None,
        lock_timeout: float | None = None,
        lock_retries: int | None = None,
    ) -> None:
        if sum(x is not None for x in (name, field, fields)) != 1:
            raise TypeError(
                "DropIndexConcurrently needs exactly one of name= (an index of Meta.indexes), "
                "field= (the implicit index of a field) or fields= (a unique_together entry)."
            )
        super().__init__(model_name, lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.name = name
        self.field = field
        self.fields = tuple(fields) if fields is not None else None
        if name is not None:
            self.mode = _MetaIndexMode(name)
        elif field is not None:
            self.mode = _FieldIndexMode(field)
        else:
            self.mode = _UniqueTogetherMode(tuple(fields or ()))
