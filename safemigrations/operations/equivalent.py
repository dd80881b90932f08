"""Operations whose model state is exactly that of Django's own (blocking) operations.

A safe operation changes the database differently from Django (concurrently, in steps) but must
leave the *model state* Django's operation would leave, or ``makemigrations`` would see changes
that are not there. Like ``SeparateDatabaseAndState``, each operation here names its
``state_operations`` — the Django operations it stands for (``AlterField(db_index=False)``,
``AddIndex``, ``AddConstraint``, ``AddField``, ...) — and runs only its own database steps on
PostgreSQL. On SQLite the Django operations run as they are (there is nothing to lock there); any
other database gets a ``NotSupportedError``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ModelState, ProjectState

from .base import ModelOperation
from .resolve import state_field, state_model

#: Databases the operations support: PostgreSQL (safe steps), SQLite (Django's own operations).
SUPPORTED_VENDORS = ("postgresql", "sqlite")


class DjangoEquivalentOperation(ModelOperation):
    """Base: state from :meth:`state_operations`, database from :meth:`forwards` / :meth:`backwards`."""

    # -- what subclasses provide -----------------------------------------------------------

    def state_operations(self, app_label: str, state: ProjectState) -> list[Operation]:
        """The Django operations this one stands for, given the state *before* it."""
        raise NotImplementedError

    def forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        """The safe PostgreSQL steps, applying the operation."""
        raise NotImplementedError

    def backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        """The safe PostgreSQL steps, unapplying the operation."""
        raise NotImplementedError

    # -- Django's Operation API ------------------------------------------------------------

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        for operation in self.state_operations(app_label, state):
            operation.state_forwards(app_label, state)

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        self.require_vendor(schema_editor, *SUPPORTED_VENDORS)
        if not self.is_postgresql(schema_editor):
            for operation in self.state_operations(app_label, from_state):
                operation.database_forwards(app_label, schema_editor, from_state, to_state)
            return
        self.require_non_atomic(schema_editor)
        self.forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        self.require_vendor(schema_editor, *SUPPORTED_VENDORS)
        if not self.is_postgresql(schema_editor):
            for operation in self.state_operations(app_label, to_state):
                operation.database_backwards(app_label, schema_editor, from_state, to_state)
            return
        self.require_non_atomic(schema_editor)
        self.backwards(app_label, schema_editor, from_state, to_state)

    def fresh_operations(
        self, app_label: str, state: ProjectState, *, validated: bool = False
    ) -> list[Operation] | None:
        """The operation's form for an empty database (``squashmigrations``): Django's own.

        On a database that is being built from scratch there is no traffic to protect, so the
        Django operations this one stands for build the same schema in one transaction, and
        Django's optimizer can fold them with the rest.
        """
        return self.state_operations(app_label, state)

    # -- helpers ---------------------------------------------------------------------------

    def model_state(self, app_label: str, state: ProjectState) -> ModelState:
        """The model's state, or an error that lists the app's models."""
        return state_model(state, app_label, self.model_name, self.__class__.__name__)

    def state_field(self, app_label: str, state: ProjectState, name: str) -> models.Field:
        """Field ``name`` of the model's state, or an error listing what exists."""
        return state_field(state, app_label, self.model_name, name, self.__class__.__name__)  # type: ignore[no-any-return]


def field_with(field: models.Field, **changes: Any) -> models.Field:
    """A copy of ``field`` with some of its constructor arguments changed."""
    _, _, args, kwargs = field.deconstruct()
    kwargs.update(changes)
    return field.__class__(*args, **kwargs)
