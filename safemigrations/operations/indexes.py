"""Concurrent index operations for any index Django creates, implicit ones included.

- :class:`DropIndexConcurrently` — a ``Meta.indexes`` index (``name=``), the implicit index of a
  ``ForeignKey`` / ``db_index=True`` field (``field=``; the foreign key constraint is left alone),
  a ``unique=True`` field or a ``unique_together`` entry (``fields=``).
- :class:`AddIndexConcurrently` — a ``Meta.indexes`` index (partial, expression, covering: any) or
  a field's implicit index (``field=``, i.e. ``db_index=True``), recovering from an INVALID
  leftover of an earlier failed build.
- :class:`AddUniqueConstraintConcurrently` — ``CREATE UNIQUE INDEX CONCURRENTLY``, then
  ``ADD CONSTRAINT ... UNIQUE USING INDEX``.

Each keeps the model state Django's own operation would leave (``AlterField(db_index=False)``,
``RemoveIndex``, ``AlterUniqueTogether``, ``AddIndex``, ``AddConstraint``) and needs a migration
with ``atomic = False`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import (
    AddConstraint,
    AddIndex,
    AlterField,
    AlterUniqueTogether,
    RemoveConstraint,
    RemoveIndex,
)
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState

from safemigrations.exceptions import OperationTargetError

from .equivalent import DjangoEquivalentOperation, field_with
from .indexing import (
    ConcurrentIndexSteps,
    IndexPlan,
    field_index_plans,
    named_index_plan,
    unique_plan,
)


def meta_names(model: type[models.Model]) -> set[str]:
    """Names of the model's ``Meta.indexes`` and ``Meta.constraints``: never implicit indexes."""
    return {str(i.name) for i in model._meta.indexes} | {
        str(c.name) for c in model._meta.constraints
    }


class DropIndexConcurrently(ConcurrentIndexSteps, DjangoEquivalentOperation):
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
    """

    category = OperationCategory.REMOVAL

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
        super().__init__(lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.model_name = model_name
        self.name = name
        self.field = field
        self.fields = tuple(fields) if fields is not None else None

    # -- state -------------------------------------------------------------------------

    def state_operations(self, app_label: str, state: ProjectState) -> list[Operation]:
        model_state = self.model_state(app_label, state)
        if self.name is not None:
            names = [str(index.name) for index in model_state.options.get("indexes", [])]
            if self.name not in names:
                raise OperationTargetError(
                    f"DropIndexConcurrently: {app_label}.{self.model_name} has no index named "
                    f"{self.name!r} in Meta.indexes (it has: {', '.join(names) or 'none'}). For "
                    "the index Django creates for a field, use field=; for a unique_together "
                    "entry, fields=."
                )
            return [RemoveIndex(self.model_name, self.name)]
        if self.field is not None:
            field: Any = self.state_field(app_label, state, self.field)
            if isinstance(field, models.OneToOneField) or field.primary_key:
                raise OperationTargetError(
                    f"DropIndexConcurrently: {self.model_name}.{self.field} is a "
                    f"{field.__class__.__name__}{' primary key' if field.primary_key else ''}, "
                    "whose unique index cannot be dropped without changing the field's type."
                )
            if not (field.db_index or field.unique):
                raise OperationTargetError(
                    f"DropIndexConcurrently: {self.model_name}.{self.field} has no implicit index "
                    "(db_index=False and unique=False at this point of the migrations). For an "
                    "index of Meta.indexes, use name=."
                )
            changes = {"db_index": False} if field.db_index else {}
            if field.unique:
                changes["unique"] = False
            return [AlterField(self.model_name, self.field, field_with(field, **changes))]
        together = {tuple(t) for t in model_state.options.get("unique_together", ())}
        if self.fields not in together:
            listing = ", ".join(str(list(t)) for t in sorted(together)) or "none"
            raise OperationTargetError(
                f"DropIndexConcurrently: {list(self.fields or ())} is not a unique_together "
                f"entry of {app_label}.{self.model_name} (entries: {listing}). For an index of "
                "Meta.indexes, use name=."
            )
        return [AlterUniqueTogether(self.model_name, together - {self.fields})]

    # -- database ----------------------------------------------------------------------

    def plans(
        self, schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model]
    ) -> list[IndexPlan]:
        """What Django created for the target, on ``model`` (a state where it exists)."""
        if self.name is not None:
            (index,) = [i for i in model._meta.indexes if i.name == self.name]
            return [named_index_plan(schema_editor, model, index)]
        meta: Any = model._meta
        if self.field is not None:
            return field_index_plans(schema_editor, model, meta.get_field(self.field))
        fields = [meta.get_field(f) for f in self.fields or ()]
        return [unique_plan(schema_editor, model, fields=fields)]

    def forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        for plan in self.plans(schema_editor, model):
            self.drop_index(schema_editor, plan, exclude=meta_names(model))

    def backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        for plan in self.plans(schema_editor, model):
            self.build_index(schema_editor, plan)

    # -- description -------------------------------------------------------------------

    @property
    def target(self) -> str:
        if self.name is not None:
            return self.name
        if self.field is not None:
            return self.field
        return "_".join(self.fields or ())

    def describe(self) -> str:
        if self.name is not None:
            return f"Drop index {self.name} of {self.model_name} concurrently"
        if self.field is not None:
            return f"Drop the index of {self.model_name}.{self.field}"
        return f"Drop unique_together ({', '.join(self.fields or ())}) of {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_drop_index_{self.target.lower()}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.name is not None:
            kwargs["name"] = self.name
        if self.field is not None:
            kwargs["field"] = self.field
        if self.fields is not None:
            kwargs["fields"] = list(self.fields)
        kwargs.update(self.lock_kwargs())
        return self.__class__.__name__, [], kwargs


class AddIndexConcurrently(ConcurrentIndexSteps, DjangoEquivalentOperation):
    """Build an index with ``CREATE INDEX CONCURRENTLY``, resumably.

    ``index``: any ``models.Index`` of ``Meta.indexes`` — partial (``condition=``), expression,
    covering, with opclasses (state: ``AddIndex``). ``field``: the implicit index Django creates
    for ``db_index=True`` (plus the ``_like`` index of a ``varchar``/``text`` column), under the
    name Django generates (state: ``db_index=True``).

    A valid index of that name is kept (a re-run after an interruption); an INVALID one, left by a
    failed or cancelled build, is dropped concurrently and built again.
    """

    category = OperationCategory.ADDITION

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
        super().__init__(lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.model_name = model_name
        self.index = index
        self.field = field

    def state_operations(self, app_label: str, state: ProjectState) -> list[Operation]:
        if self.index is not None:
            return [AddIndex(self.model_name, self.index)]
        assert self.field is not None
        field: Any = self.state_field(app_label, state, self.field)
        if field.unique or field.primary_key:
            raise OperationTargetError(
                f"AddIndexConcurrently: {self.model_name}.{self.field} is unique; its unique "
                "constraint is already an index."
            )
        if field.db_index:
            raise OperationTargetError(
                f"AddIndexConcurrently: {self.model_name}.{self.field} already has db_index=True "
                "at this point of the migrations, so Django has built its index."
            )
        return [AlterField(self.model_name, self.field, field_with(field, db_index=True))]

    def plans(
        self, schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model]
    ) -> list[IndexPlan]:
        """The index(es) to build, on ``model`` (a state where they exist)."""
        if self.index is not None:
            return [named_index_plan(schema_editor, model, self.index)]
        meta: Any = model._meta
        return field_index_plans(schema_editor, model, meta.get_field(str(self.field)))

    def forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        for plan in self.plans(schema_editor, model):
            self.build_index(schema_editor, plan)

    def backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        for plan in self.plans(schema_editor, model):
            self.drop_index(schema_editor, plan, exclude=meta_names(model))

    @property
    def target(self) -> str:
        return str(self.index.name) if self.index is not None else str(self.field)

    def describe(self) -> str:
        if self.index is not None:
            return f"Create index {self.index.name} on {self.model_name} concurrently"
        return f"Create the index of {self.model_name}.{self.field} concurrently"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_add_index_{self.target.lower()}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.index is not None:
            kwargs["index"] = self.index
        else:
            kwargs["field"] = self.field
        kwargs.update(self.lock_kwargs())
        return self.__class__.__name__, [], kwargs

    def reduce(self, operation: Operation, app_label: str) -> bool | list[Operation]:
        if (
            isinstance(operation, DropIndexConcurrently)
            and operation.model_name_lower == self.model_name_lower
            and (
                (self.index is not None and operation.name == self.index.name)
                or (self.field is not None and operation.field == self.field)
            )
        ):
            return []
        return super().reduce(operation, app_label)


class AddUniqueConstraintConcurrently(ConcurrentIndexSteps, DjangoEquivalentOperation):
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
        super().__init__(lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.model_name = model_name
        self.constraint = constraint
        self.field = field

    def state_operations(self, app_label: str, state: ProjectState) -> list[Operation]:
        if self.constraint is not None:
            return [AddConstraint(self.model_name, self.constraint)]
        assert self.field is not None
        field: Any = self.state_field(app_label, state, self.field)
        if field.unique or field.primary_key:
            raise OperationTargetError(
                f"AddUniqueConstraintConcurrently: {self.model_name}.{self.field} is already "
                "unique at this point of the migrations."
            )
        return [AlterField(self.model_name, self.field, field_with(field, unique=True))]

    def plans(
        self, schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model]
    ) -> list[IndexPlan]:
        """The indexes of the constraint (or the field's), on a state where it exists."""
        if self.constraint is not None:
            return [unique_plan(schema_editor, model, constraint=self.constraint)]
        meta: Any = model._meta
        return field_index_plans(schema_editor, model, meta.get_field(str(self.field)))

    def _switch(
        self,
        schema_editor: BaseDatabaseSchemaEditor,
        build_on: type[models.Model],
        drop_on: type[models.Model],
    ) -> None:
        """Build the plans of ``build_on`` first, then drop those only ``drop_on`` has."""
        built = self.plans(schema_editor, build_on)
        for plan in built:
            self.build_index(schema_editor, plan)
        if self.constraint is not None:
            return
        names = {plan.name for plan in built}
        for plan in self.plans(schema_editor, drop_on):
            if plan.name not in names:
                self.drop_index(schema_editor, plan, exclude=meta_names(drop_on))

    def forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self._switch(
            schema_editor,
            to_state.apps.get_model(app_label, self.model_name),
            from_state.apps.get_model(app_label, self.model_name),
        )

    def backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        if self.constraint is not None:
            model = from_state.apps.get_model(app_label, self.model_name)
            (plan,) = self.plans(schema_editor, model)
            self.drop_index(schema_editor, plan)
            return
        self._switch(
            schema_editor,
            to_state.apps.get_model(app_label, self.model_name),
            from_state.apps.get_model(app_label, self.model_name),
        )

    @property
    def target(self) -> str:
        return str(self.constraint.name) if self.constraint is not None else str(self.field)

    def describe(self) -> str:
        if self.constraint is not None:
            return (
                f"Create unique constraint {self.constraint.name} on {self.model_name} concurrently"
            )
        return f"Make {self.model_name}.{self.field} unique concurrently"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_add_unique_{self.target.lower()}"

    def references_field(self, model_name: str, name: str, app_label: str) -> bool:
        if self.field is not None:
            return model_name.lower() == self.model_name_lower and name == self.field
        return super().references_field(model_name, name, app_label)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.constraint is not None:
            kwargs["constraint"] = self.constraint
        else:
            kwargs["field"] = self.field
        kwargs.update(self.lock_kwargs())
        return self.__class__.__name__, [], kwargs

    def reduce(self, operation: Operation, app_label: str) -> bool | list[Operation]:
        if (
            self.constraint is not None
            and isinstance(operation, RemoveConstraint)
            and operation.model_name_lower == self.model_name_lower
            and operation.name == self.constraint.name
        ):
            return []
        return super().reduce(operation, app_label)
