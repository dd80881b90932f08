"""``AddConstraintNotValid`` and ``ValidateConstraint``: add a constraint now, check the rows later.

``AddConstraintNotValid`` adds a CHECK constraint or a foreign key's constraint without checking
the existing rows (a brief lock); ``ValidateConstraint`` checks them later, taking only ``SHARE
UPDATE EXCLUSIVE`` (reads and writes go on), and refuses to run inside a transaction that already
blocks writes on the table.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AddConstraint, AlterField
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState

from safemigrations.db import catalog
from safemigrations.exceptions import NonAtomicMigrationRequired, OperationTargetError
from safemigrations.operations import sql as ddl
from safemigrations.operations.equivalent import field_with
from safemigrations.operations.foreign_keys import ForeignKeyRef
from safemigrations.operations.resolve import (
    get_field,
    get_foreign_key,
    get_model,
    state_field,
)

from .db_cascade import AddDBCascadeConstraint
from .model_scoped import ModelScopedOperation, on_delete_action


class AddConstraintNotValid(ModelScopedOperation):
    """Add a CHECK constraint, or a foreign key's constraint, without checking existing rows.

    ``AddConstraintNotValid("order", models.CheckConstraint(...))`` works like Django's own;
    ``AddConstraintNotValid("order", field="customer")`` adds the constraint Django would create
    for the foreign key ``customer`` (with its ``ON DELETE`` action) and sets
    ``db_constraint=True`` in the migration state. New rows are checked at once; run
    :class:`ValidateConstraint` later to check the existing ones without blocking writes.

    It accepts every call of ``django.contrib.postgres.operations.AddConstraintNotValid``
    (``(model_name, constraint)``, positionally or by keyword) and leaves the same constraint and
    model state, so swapping the import is all it takes to move to this one.
    """

    category = OperationCategory.ADDITION
    reversible = True
    requires_non_atomic = False

    def __init__(
        self,
        model_name: str,
        constraint: models.BaseConstraint | None = None,
        *,
        field: str | None = None,
        lock_timeout: float | None = None,
        lock_retries: int | None = None,
    ) -> None:
        super().__init__(model_name, lock_timeout=lock_timeout, lock_retries=lock_retries)
        if (constraint is None) == (field is None):
            raise TypeError(
                "AddConstraintNotValid needs either a CheckConstraint (constraint=...) or the "
                "name of a foreign key field (field=...), not both and not neither."
            )
        if constraint is not None and not isinstance(constraint, models.CheckConstraint):
            raise TypeError(
                f"AddConstraintNotValid adds CHECK constraints and foreign keys; "
                f"{type(constraint).__name__} {getattr(constraint, 'name', '')!r} is neither. "
                "For a foreign key pass field='<field name>'; a unique constraint needs an index "
                "built concurrently (AddUniqueConstraintConcurrently)."
            )
        self.constraint = constraint
        self.field = field

    def deconstruct_kwargs(self) -> dict[str, Any]:
        if self.constraint is not None:
            return {"constraint": self.constraint}
        return {"field": self.field}

    def describe(self) -> str:
        what = (
            f"constraint {self.constraint.name}"
            if self.constraint is not None
            else f"foreign key constraint of {self.field}"
        )
        return f"Create not valid {what} on model {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        what = self.constraint.name if self.constraint is not None else f"{self.field}_fk"
        return f"{self.model_name_lower}_{what.lower()}_not_valid"

    def fresh_operations(
        self, app_label: str, state: ProjectState, *, validated: bool = False
    ) -> list[Operation] | None:
        """On an empty database, once validated: a plain constraint, for squashing.

        ``validated=True`` when a later ``ValidateConstraint`` of the same squash checks it:
        ``AddConstraint`` (or the foreign key with ``db_constraint=True``). Otherwise ``None``:
        the originals leave the constraint NOT VALID, and so must the squashed migration.
        """
        if not validated:
            return None
        if self.constraint is not None:
            return [AddConstraint(self.model_name, self.constraint)]
        assert self.field is not None
        field = state_field(state, app_label, self.model_name, self.field)
        if field.db_constraint:
            return []
        return [AlterField(self.model_name, self.field, field_with(field, db_constraint=True))]

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        if self.constraint is not None:
            state.add_constraint(app_label, self.model_name_lower, self.constraint)
            return
        assert self.field is not None
        field = state_field(state, app_label, self.model_name, self.field)
        if not (field.many_to_one or field.one_to_one):
            raise OperationTargetError(
                f"{app_label}.{self.model_name}.{self.field} is a {type(field).__name__}, not a "
                "ForeignKey or OneToOneField."
            )
        if not field.db_constraint:
            new = field_with(field, db_constraint=True)
            state.alter_field(app_label, self.model_name_lower, self.field, new, True)

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = get_model(to_state.apps, app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if self.constraint is not None:
            self._add_check(schema_editor, model)
        else:
            old_model = get_model(from_state.apps, app_label, self.model_name)
            self._add_foreign_key(schema_editor, old_model, model)

    def _add_check(self, schema_editor: BaseDatabaseSchemaEditor, model: Any) -> None:
        assert self.constraint is not None
        sql = str(self.constraint.create_sql(model, schema_editor))
        if not self._checked_postgresql(schema_editor):
            schema_editor.add_constraint(model, self.constraint)
            return
        table = model._meta.db_table
        if not self.collecting_sql(schema_editor):
            with schema_editor.connection.cursor() as cursor:
                existing = catalog.constraints(cursor, table).get(self.constraint.name)
            if existing is not None:
                return  # added by an earlier, interrupted run
        self.run_step(
            schema_editor, ddl.not_valid(sql), tables=[table], description="add NOT VALID"
        )

    def _add_foreign_key(
        self, schema_editor: BaseDatabaseSchemaEditor, old_model: Any, model: Any
    ) -> None:
        assert self.field is not None
        _, field = get_foreign_key(model, self.field)
        if not self._checked_postgresql(schema_editor):
            _, old_field = get_foreign_key(old_model, self.field)
            schema_editor.alter_field(model, old_field, field)
            return
        ref = ForeignKeyRef.of(schema_editor, model, field)
        if not self.collecting_sql(schema_editor):
            with schema_editor.connection.cursor() as cursor:
                current, _temp, _ = ref.existing(cursor)
            if current:
                return  # the key already has a constraint (an earlier, interrupted run)
        sql = ref.add_sql(
            schema_editor,
            ref.name,
            on_delete_action(field.remote_field.on_delete),
            schema_editor.connection.ops.deferrable_sql(),
        )
        self.run_step(
            schema_editor, sql, tables=[ref.table, ref.to_table], description="add NOT VALID"
        )

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = get_model(from_state.apps, app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if self.constraint is not None:
            if not self._checked_postgresql(schema_editor):
                schema_editor.remove_constraint(model, self.constraint)
                return
            name, tables = self.constraint.name, [model._meta.db_table]
        else:
            assert self.field is not None
            previous_model = get_model(to_state.apps, app_label, self.model_name)
            _, previous = get_foreign_key(previous_model, self.field)
            _, field = get_foreign_key(model, self.field)
            if previous.db_constraint:
                return  # the constraint was there before this operation: keep it
            if not self._checked_postgresql(schema_editor):
                schema_editor.alter_field(model, field, previous)
                return
            ref = ForeignKeyRef.of(schema_editor, model, field)
            name, tables = ref.name, [ref.table, ref.to_table]
        self.run_step(
            schema_editor,
            ddl.drop_constraint(schema_editor, tables[0], name, if_exists=True),
            tables=tables,
            description=f"drop {name}",
        )


class ValidateConstraint(ModelScopedOperation):
    """Check the existing rows against a ``NOT VALID`` constraint, without blocking writes.

    ``name`` is the constraint's name, or the name of a foreign key field: its constraint is
    then found in ``pg_constraint`` (Django generates foreign key names). ``VALIDATE CONSTRAINT``
    takes ``SHARE UPDATE EXCLUSIVE``, which blocks neither reads nor writes, and runs with
    ``statement_timeout`` lifted. A validated constraint is left alone, so a re-run is a no-op.
    In an atomic migration it refuses to run after an earlier operation of the same
    transaction took a write-blocking lock on the table (the scan would then block writes).

    It accepts every call of ``django.contrib.postgres.operations.ValidateConstraint``
    (``(model_name, name)``, positionally or by keyword) and leaves the same validated
    constraint, so swapping the import is all it takes to move to this one.
    """

    category = OperationCategory.ALTERATION
    reversible = True
    requires_non_atomic = False

    def __init__(
        self,
        model_name: str,
        name: str,
        *,
        lock_timeout: float | None = None,
        lock_retries: int | None = None,
    ) -> None:
        super().__init__(model_name, lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.name = name

    def deconstruct_kwargs(self) -> dict[str, Any]:
        return {"name": self.name}

    def describe(self) -> str:
        return f"Validate constraint {self.name} on model {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_validate_{self.name.lower()}"

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass  # the state does not know whether a constraint is validated

    def fresh_operations(
        self, app_label: str, state: ProjectState, *, validated: bool = False
    ) -> list[Operation] | None:
        """``None``: alone it stays in a squash (it validates a constraint added before).

        A squash drops it when the constraint it validates is added in the same squash, whose
        fresh form is then the validated constraint (see ``AddConstraintNotValid``).
        """
        return None

    def validates(self, operation: Operation) -> bool:
        """Whether this validates the constraint ``operation`` (of the same model) adds."""
        if getattr(operation, "model_name_lower", None) != self.model_name_lower:
            return False
        if isinstance(operation, AddConstraintNotValid):
            target = (
                operation.constraint.name if operation.constraint is not None else operation.field
            )
            return target == self.name
        if isinstance(operation, AddDBCascadeConstraint):
            return (
                operation.m2m_side is None
                and not operation.validate
                and operation.name == self.name
            )
        return False

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = get_model(to_state.apps, app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if not self._checked_postgresql(schema_editor):
            return  # SQLite checks every constraint when it is created
        table = model._meta.db_table
        constraint = self._resolve(schema_editor, model)
        if constraint is not None and constraint.validated:
            return
        name = (
            constraint.name if constraint is not None else self._expected_name(schema_editor, model)
        )
        tables = [table]
        if constraint is not None and constraint.referenced_table:
            tables.append(constraint.referenced_table)
        self._refuse_under_write_locks(schema_editor, table)
        self.run_step(
            schema_editor,
            ddl.validate_constraint(schema_editor, table, name),
            tables=tables,
            description=f"validate {name}",
            long=True,
        )

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        pass  # PostgreSQL cannot mark a constraint NOT VALID again; nothing to undo

    def _expected_name(self, schema_editor: BaseDatabaseSchemaEditor, model: Any) -> str:
        """Under ``sqlmigrate`` before the table exists: the name Django gives, else ``name``."""
        try:
            _, field = get_foreign_key(model, self.name)
        except OperationTargetError:
            return self.name
        return ForeignKeyRef.of(schema_editor, model, field).name

    def _resolve(
        self, schema_editor: BaseDatabaseSchemaEditor, model: Any
    ) -> catalog.Constraint | None:
        """The constraint named ``name``, or the constraint of the foreign key field ``name``."""
        table = model._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            if not catalog.table_exists(cursor, table):
                if self.collecting_sql(schema_editor):
                    return None
                raise OperationTargetError(
                    f"Table {table!r} of model {model._meta.label} does not exist in the database."
                )
            everything = catalog.constraints(cursor, table)
            if self.name in everything:
                return everything[self.name]
            try:
                field = get_field(model, self.name)
            except OperationTargetError:
                field = None
            if field is not None and (field.many_to_one or field.one_to_one):
                ref = ForeignKeyRef.of(schema_editor, model, field)
                current, temp, _ = ref.existing(cursor)
                found = current or ([temp] if temp is not None else [])
                if len(found) == 1:
                    return found[0]
        if self.collecting_sql(schema_editor):
            return None
        names = ", ".join(
            f"{c.name} ({c.type}{'' if c.validated else ', NOT VALID'})"
            for c in everything.values()
        )
        raise OperationTargetError(
            f"ValidateConstraint: table {table!r} ({model._meta.label}) has no constraint "
            f"{self.name!r}, and {self.name!r} is not a foreign key of the model with exactly one "
            f"constraint. Constraints of the table: {names or '(none)'}."
        )

    def _refuse_under_write_locks(
        self, schema_editor: BaseDatabaseSchemaEditor, table: str
    ) -> None:
        """In a transaction that already blocks writes on ``table``, VALIDATE would too."""
        connection = schema_editor.connection
        if self.collecting_sql(schema_editor) or not connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            blocking = catalog.own_write_blocking_locks(cursor, table)
        if blocking:
            raise NonAtomicMigrationRequired(
                f"ValidateConstraint({self.model_name!r}, {self.name!r}) would scan {table!r} "
                f"while this migration's transaction holds {', '.join(sorted(blocking))} on it "
                "(taken by an earlier operation), blocking writes for the whole scan. Move "
                "ValidateConstraint to a migration of its own, or set `atomic = False` on this "
                "migration."
            )
