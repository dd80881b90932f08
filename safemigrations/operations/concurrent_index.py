"""What the concurrent index operations share: a mode chosen once, and one database step.

:class:`~.add_index.AddIndexConcurrently`, :class:`~.drop_index.DropIndexConcurrently` and
:class:`~.add_unique.AddUniqueConstraintConcurrently` each accept their target in more than one
way: an index of ``Meta.indexes``, the indexes Django creates for a field, a ``unique_together``
entry, a ``UniqueConstraint``. The constructor turns the way it was called into a *mode*
(:class:`IndexMode`) and every method after that asks the mode: the state change Django's own
operation would make, how the operation is described, how it is written back into a migration.

What the mode points at is a *target* (:class:`MetaIndex`, :class:`MetaUniqueConstraint`,
:class:`FieldIndexes`, :class:`UniqueTogether`): the indexes it stands for *as a given model
state has them* — none when that state lacks it. So the database side needs no mode at all and
is the same step both ways (:meth:`ConcurrentIndexOperation.switch`): build every index of the
target that the new state has, then drop those only the old state had. Building an index,
dropping one, making a field unique (its unique constraint built before its plain index is
dropped) and each of their reverses are that one step.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AlterField
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from .equivalent import DjangoEquivalentOperation, field_with
from .index_plans import IndexPlan, field_index_plans, named_index_plan, unique_plan
from .index_steps import ConcurrentIndexSteps


def meta_names(model: type[models.Model]) -> set[str]:
    """Names of the model's ``Meta.indexes`` and ``Meta.constraints``: never implicit indexes."""
    return {str(i.name) for i in model._meta.indexes} | {
        str(c.name) for c in model._meta.constraints
    }


# -- targets: the indexes an operation stands for, read off a model state ----------------------


class IndexTarget(Protocol):
    """What an operation builds or drops, whichever way its constructor was given it."""

    @property
    def label(self) -> str:
        """A short name: the index's or constraint's name, the field's, the fields joined."""
        ...

    def plans(
        self, schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model]
    ) -> list[IndexPlan]:
        """The target's indexes as ``model`` (one state of the model) has them: [] if none."""
        ...


@dataclass(frozen=True)
class _ByName:
    """A target of ``Meta`` found by its name, which is also its label."""

    name: str

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class MetaIndex(_ByName):
    """An index of ``Meta.indexes``, by name."""

    def plans(
        self, schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model]
    ) -> list[IndexPlan]:
        return [
            named_index_plan(schema_editor, model, index)
            for index in model._meta.indexes
            if index.name == self.name
        ]


@dataclass(frozen=True)
class MetaUniqueConstraint(_ByName):
    """A ``UniqueConstraint`` of ``Meta.constraints``, by name."""

    def plans(
        self, schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model]
    ) -> list[IndexPlan]:
        return [
            unique_plan(schema_editor, model, constraint=constraint)
            for constraint in model._meta.constraints
            if isinstance(constraint, models.UniqueConstraint) and constraint.name == self.name
        ]


@dataclass(frozen=True)
class FieldIndexes:
    """The indexes Django creates for a field: ``db_index``'s, its ``_like`` twin, ``unique``'s."""

    field: str

    @property
    def label(self) -> str:
        return self.field

    def plans(
        self, schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model]
    ) -> list[IndexPlan]:
        meta: Any = model._meta
        return field_index_plans(schema_editor, model, meta.get_field(self.field))


@dataclass(frozen=True)
class UniqueTogether:
    """A ``unique_together`` entry: the unique constraint Django creates for it."""

    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        return "_".join(self.fields)

    def plans(
        self, schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model]
    ) -> list[IndexPlan]:
        meta: Any = model._meta
        if self.fields not in {tuple(entry) for entry in meta.unique_together}:
            return []
        fields = [meta.get_field(name) for name in self.fields]
        return [unique_plan(schema_editor, model, fields=fields)]


# -- modes: one way of calling an operation's constructor ------------------------------------


class IndexMode(ABC):
    """One way of giving an operation its target, chosen once by the constructor's arguments."""

    @property
    @abstractmethod
    def target(self) -> IndexTarget:
        """The indexes this mode builds or drops."""

    @abstractmethod
    def state_operations(
        self, operation: ConcurrentIndexOperation, app_label: str, state: ProjectState
    ) -> list[Operation]:
        """The Django operations ``operation`` stands for in this mode, given the state before it.

        Raises :class:`~safemigrations.exceptions.OperationTargetError` when the state has no
        such target, or one this mode cannot change.
        """

    @abstractmethod
    def describe(self, model_name: str) -> str:
        """What the operation does, for ``migrate``'s output and messages."""

    @abstractmethod
    def kwargs(self) -> dict[str, Any]:
        """The constructor argument that chose this mode, by keyword, for ``deconstruct()``."""

    def references_field(
        self, operation: ConcurrentIndexOperation, model_name: str, name: str, app_label: str
    ) -> bool:
        """Whether the operation involves field ``name``: by default, any field of its model."""
        return operation.references_model(model_name, app_label)


@dataclass(frozen=True)
class FieldMode(IndexMode):
    """Base of the ``field=`` modes: the indexes Django gives a field, changed by ``AlterField``."""

    field: str

    @property
    def target(self) -> IndexTarget:
        return FieldIndexes(self.field)

    def state_operations(
        self, operation: ConcurrentIndexOperation, app_label: str, state: ProjectState
    ) -> list[Operation]:
        field: Any = operation.state_field(app_label, state, self.field)
        where = f"{type(operation).__name__}: {operation.model_name}.{self.field}"
        changed = field_with(field, **self.changes(where, field))
        return [AlterField(operation.model_name, self.field, changed)]

    @abstractmethod
    def changes(self, where: str, field: Any) -> dict[str, Any]:
        """The field arguments the operation changes, given the field's state before it.

        Raises :class:`~safemigrations.exceptions.OperationTargetError`, its message starting
        with ``where``, when the field has no index to change that way.
        """

    def kwargs(self) -> dict[str, Any]:
        return {"field": self.field}


class ConcurrentIndexOperation(ConcurrentIndexSteps, DjangoEquivalentOperation):
    """Base of the concurrent index operations: Django's Operation API answered by the mode.

    Subclasses choose :attr:`mode` in their constructor and name themselves in
    :attr:`name_fragment`; the database step is :meth:`switch`, forwards and backwards alike.
    """

    mode: IndexMode
    #: What ``migration_name_fragment`` says the operation does (``add_index``, ...).
    name_fragment: ClassVar[str]

    def state_operations(self, app_label: str, state: ProjectState) -> list[Operation]:
        return self.mode.state_operations(self, app_label, state)

    def forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self.switch(app_label, schema_editor, from_state, to_state)

    def backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self.switch(app_label, schema_editor, from_state, to_state)

    def switch(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        old_state: ProjectState,
        new_state: ProjectState,
    ) -> None:
        """Give the target the indexes ``new_state`` has instead of those ``old_state`` had.

        Every index of the new state is built first (one that exists and is valid is kept), then
        those only the old state had are dropped, so a unique constraint that replaces a plain
        index exists before the index goes.
        """
        old = old_state.apps.get_model(app_label, self.model_name)
        new = new_state.apps.get_model(app_label, self.model_name)
        built = self.mode.target.plans(schema_editor, new)
        for plan in built:
            self.build_index(schema_editor, plan)
        names = {plan.name for plan in built}
        for plan in self.mode.target.plans(schema_editor, old):
            if plan.name not in names:
                self.drop_index(schema_editor, plan, exclude=meta_names(old))

    # -- description -------------------------------------------------------------------

    @property
    def target(self) -> str:
        """The target's short name: the index's or constraint's, the field's, the fields'."""
        return self.mode.target.label

    def describe(self) -> str:
        return self.mode.describe(self.model_name)

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_{self.name_fragment}_{self.target.lower()}"

    def deconstruct_kwargs(self) -> dict[str, Any]:
        return self.mode.kwargs()

    def references_field(self, model_name: str, name: str, app_label: str) -> bool:
        return self.mode.references_field(self, model_name, name, app_label)
