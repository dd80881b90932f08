"""``AddDBCascadeConstraint``: give an existing foreign key's constraint a database ON DELETE action.

A replacement is added ``NOT VALID``, validated in its own transaction (which blocks no reads or
writes), then swapped in for the old one under the name Django expects (:class:`_SwitchPlan`).
Every step reads ``pg_constraint`` first and does only what remains, so a migration interrupted at
any point can be run again.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AlterField
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState

from safemigrations.db import catalog
from safemigrations.exceptions import OperationTargetError
from safemigrations.operations.equivalent import field_with
from safemigrations.operations.foreign_keys import ForeignKeyRef, deferrable_clause
from safemigrations.operations.resolve import (
    get_foreign_key,
    get_model,
    state_field,
)

from .model_scoped import ModelScopedOperation, on_delete_action
from .sqlite_remake import through_fields_as_in_database


class AddDBCascadeConstraint(ModelScopedOperation):
    """Give an existing foreign key's constraint the ``ON DELETE`` action of ``on_delete``.

    Django (6.1's ``AlterField``) drops the constraint and adds it back validated in one
    transaction: reads and writes on the child table wait for the whole scan. This operation adds
    the new constraint ``NOT VALID`` (brief lock), runs ``VALIDATE CONSTRAINT`` in its own
    transaction (blocks no reads or writes), then drops the old constraint and renames the new
    one to the name Django expects, in one brief transaction. The migration state gets
    ``on_delete``; ``migrate`` backwards restores the previous action the same way.

    - ``on_delete=DB_CASCADE`` (or ``DB_SET_NULL``, ``DB_SET_DEFAULT``, ``DB_RESTRICT``): the
      database alone carries out the delete; Django's collector skips the relation.
    - ``on_delete=InDatabaseToo(models.CASCADE)``: Django keeps its Python handler (signals fire
      for ORM deletes) and the constraint gets the action too, for raw SQL deletes.
    - ``m2m_side="from"``/``"to"`` with ``name`` a ManyToManyField: the auto-created through
      table's key to ``model_name``'s table / to the related table. The migration state cannot
      describe an action on an auto-created through table, so only the database changes.
    - ``validate=False``: drop and re-add ``NOT VALID`` under the final name in one brief
      transaction, allowed in an atomic migration; run :class:`ValidateConstraint` later.
    """

    category = OperationCategory.ALTERATION
    reversible = True

    def __init__(
        self,
        model_name: str,
        name: str,
        on_delete: Any,
        *,
        m2m_side: str | None = None,
        validate: bool = True,
        lock_timeout: float | None = None,
        lock_retries: int | None = None,
    ) -> None:
        super().__init__(model_name, lock_timeout=lock_timeout, lock_retries=lock_retries)
        if not callable(on_delete):
            raise TypeError(
                f"AddDBCascadeConstraint.on_delete must be an on_delete value such as DB_CASCADE "
                f"or InDatabaseToo(models.CASCADE), not {on_delete!r}."
            )
        if m2m_side not in (None, "from", "to"):
            raise ValueError(f"m2m_side must be 'from', 'to' or None, not {m2m_side!r}.")
        self.name = name
        self.on_delete = on_delete
        self.m2m_side = m2m_side
        self.validate = validate
        self.requires_non_atomic = validate

    # -- Django's Operation API ---------------------------------------------------------------

    def deconstruct_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"name": self.name, "on_delete": self.on_delete}
        if self.m2m_side is not None:
            kwargs["m2m_side"] = self.m2m_side
        if not self.validate:
            kwargs["validate"] = False
        return kwargs

    def describe(self) -> str:
        side = f" (through table, {self.m2m_side} side)" if self.m2m_side else ""
        return (
            f"Set ON DELETE {on_delete_action(self.on_delete)} on the foreign key "
            f"{self.model_name}.{self.name}{side}"
        )

    @property
    def migration_name_fragment(self) -> str:
        return f"alter_{self.model_name_lower}_{self.name.lower()}_on_delete"

    def references_field(self, model_name: str, name: str, app_label: str) -> bool:
        return model_name.lower() == self.model_name_lower and name.lower() == self.name.lower()

    def reduce(self, operation: Operation, app_label: str) -> Any:
        """A later switch of the same key replaces this one (backwards restores the original)."""
        if (
            isinstance(operation, AddDBCascadeConstraint)
            and operation.model_name_lower == self.model_name_lower
            and operation.name == self.name
            and operation.m2m_side == self.m2m_side
        ):
            return [operation]
        return super().reduce(operation, app_label)

    def fresh_operations(
        self, app_label: str, state: ProjectState, *, validated: bool = False
    ) -> list[Operation] | None:
        """On an empty database: the field's ``on_delete`` (``AlterField``), for squashing.

        ``None`` (keep the operation) for a through table's key, which the state cannot
        describe, and for ``validate=False`` unless a later ``ValidateConstraint`` of the same
        squash validates it (``validated=True``): the originals leave that constraint NOT VALID.
        """
        if self.m2m_side is not None or not (self.validate or validated):
            return None
        field = state_field(state, app_label, self.model_name, self.name)
        return [AlterField(self.model_name, self.name, field_with(field, on_delete=self.on_delete))]

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        field = state_field(state, app_label, self.model_name, self.name)
        label = f"{app_label}.{self.model_name}.{self.name}"
        if self.m2m_side is not None and not field.many_to_many:
            raise OperationTargetError(
                f"m2m_side is only for ManyToManyField; {label} is a {type(field).__name__}."
            )
        if field.many_to_many:
            return  # an auto-created through table has no field in the state to record it on
        if not (field.many_to_one or field.one_to_one):
            raise OperationTargetError(
                f"{label} is a {type(field).__name__}, not a ForeignKey or OneToOneField."
            )
        self._check_fits(field, label)
        new = field_with(field, on_delete=self.on_delete)
        state.alter_field(app_label, self.model_name_lower, self.name, new, True)

    def _check_fits(self, field: Any, label: str) -> None:
        action = on_delete_action(self.on_delete)
        if action == "SET NULL" and not field.null:
            raise OperationTargetError(
                f"{label} is NOT NULL, so ON DELETE SET NULL would fail on every delete. Make "
                "it null=True first (AlterField), then switch the action."
            )
        if action == "SET DEFAULT" and field.db_default is models.NOT_PROVIDED:
            raise OperationTargetError(
                f"{label} has no db_default, so ON DELETE SET DEFAULT would set NULL. Give it a "
                "db_default first (AlterField), then switch the action."
            )

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self._switch(app_label, schema_editor, from_state, to_state, self.on_delete)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        # to_state is the state before this operation: restore its field's action.
        model = get_model(to_state.apps, app_label, self.model_name)
        _, previous = get_foreign_key(model, self.name, self.m2m_side)
        self._switch(
            app_label, schema_editor, from_state, to_state, previous.remote_field.on_delete
        )

    # -- the switch ---------------------------------------------------------------------------

    def _switch(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
        on_delete: Any,
    ) -> None:
        old_model = get_model(from_state.apps, app_label, self.model_name)
        new_model = get_model(to_state.apps, app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, new_model):
            return
        _model, old_field = get_foreign_key(old_model, self.name, self.m2m_side)
        new_through, new_field = get_foreign_key(new_model, self.name, self.m2m_side)
        if not self._checked_postgresql(schema_editor):
            if self.m2m_side is None:
                alter_fields = [(old_field, new_field)]
            else:
                alter_fields = through_fields_as_in_database(
                    schema_editor, new_through, new_field, on_delete
                )
            schema_editor._remake_table(new_through, alter_fields=alter_fields)  # type: ignore[attr-defined]
            return
        if self.validate:
            self.require_non_atomic(
                schema_editor,
                hint=(
                    f"Or pass validate=False (the swap then runs in the migration's transaction) "
                    f"and validate later with ValidateConstraint({self.model_name!r}, "
                    f"{self.name!r}) in a migration of its own."
                ),
            )
        ref = ForeignKeyRef.of(schema_editor, new_through, new_field)
        _SwitchPlan(self, schema_editor, ref, on_delete_action(on_delete)).run()


class _SwitchPlan:
    """The steps that remain to give ``ref``'s constraint ``action``, read from the catalog."""

    def __init__(
        self,
        operation: AddDBCascadeConstraint,
        schema_editor: BaseDatabaseSchemaEditor,
        ref: ForeignKeyRef,
        action: str,
    ) -> None:
        self.op = operation
        self.editor = schema_editor
        self.ref = ref
        self.action = action
        self.tables = [ref.table, ref.to_table]

    def _read(self) -> tuple[catalog.Constraint | None, catalog.Constraint | None]:
        """(current constraint, half-built replacement); under ``sqlmigrate``: as before a run."""
        with self.editor.connection.cursor() as cursor:
            if self.op.collecting_sql(self.editor):
                if not catalog.table_exists(cursor, self.ref.table):
                    return None, None
                current, _, _ = self.ref.existing(cursor)
                if len(current) != 1:
                    return None, None
                # Print every step, even where this database already has the action.
                return dataclasses.replace(current[0], on_delete=None), None
            current, temp, everything = self.ref.existing(cursor)
        if len(current) > 1:
            raise OperationTargetError(
                f"{self.ref.label}: {len(current)} foreign key constraints on {self.ref.table!r} "
                f"({self.ref.column}) reference {self.ref.to_table!r}: "
                f"{', '.join(c.name for c in current)}. Drop the extra ones first."
            )
        if not current and temp is None:
            raise OperationTargetError(
                f"{self.ref.label}: no foreign key constraint on {self.ref.table!r} "
                f"({self.ref.column}) references {self.ref.to_table!r} ({self.ref.to_column}). "
                f"Foreign keys of the table: {self.ref.describe_constraints(everything)}."
            )
        return (current[0] if current else None), temp

    def run(self) -> None:
        old, temp = self._read()
        if self.op.collecting_sql(self.editor) and old is None:
            # sqlmigrate before the table exists: show the steps with the name Django expects.
            old = catalog.Constraint(
                name=self.ref.name,
                type="foreign key",
                validated=True,
                columns=(self.ref.column,),
                definition="",
                on_delete=None,
                deferrable=True,
                initially_deferred=True,
            )
        if temp is None and old is not None and old.on_delete == self.action:
            self._finish_in_place(old)
        elif self.op.validate:
            self._replace(old, temp)
        else:
            self._replace_not_valid(old, temp)

    def _step(self, statements: Any, description: str, **kwargs: Any) -> None:
        self.op.run_step(
            self.editor, statements, tables=self.tables, description=description, **kwargs
        )

    def _finish_in_place(self, old: catalog.Constraint) -> None:
        """The constraint already has the action: at most a rename and a validation remain."""
        if old.name != self.ref.name:
            self._step(
                self.ref.rename_sql(self.editor, old.name, self.ref.name),
                f"rename {old.name} to {self.ref.name}",
            )
        if self.op.validate and not old.validated:
            self._step(
                self.ref.validate_sql(self.editor, self.ref.name),
                f"validate {self.ref.name}",
                long=True,
            )

    def _deferrable(self, old: catalog.Constraint | None) -> str:
        return deferrable_clause(old, self.editor.connection.ops.deferrable_sql())

    def _replace(self, old: catalog.Constraint | None, temp: catalog.Constraint | None) -> None:
        """NOT VALID replacement, VALIDATE, then drop + rename in one brief transaction."""
        ref, editor = self.ref, self.editor
        if temp is not None and temp.on_delete != self.action:
            # Left by an interrupted run towards another action: start it over.
            self._step(ref.drop_sql(editor, temp.name), f"drop stale {temp.name}")
            temp = None
        if temp is None:
            self._step(
                ref.add_sql(editor, ref.temp_name, self.action, self._deferrable(old)),
                f"add {ref.temp_name} NOT VALID",
            )
        if temp is None or not temp.validated:
            self._step(
                ref.validate_sql(editor, ref.temp_name), f"validate {ref.temp_name}", long=True
            )
        swap = [ref.drop_sql(editor, old.name)] if old is not None else []
        swap.append(ref.rename_sql(editor, ref.temp_name, ref.name))
        self._step(swap, f"swap {ref.temp_name} in as {ref.name}", transaction=True)

    def _replace_not_valid(
        self, old: catalog.Constraint | None, temp: catalog.Constraint | None
    ) -> None:
        """Drop and re-add NOT VALID under the final name, in one transaction."""
        ref, editor = self.ref, self.editor
        statements = [ref.drop_sql(editor, c.name) for c in (temp, old) if c is not None]
        statements.append(ref.add_sql(editor, ref.name, self.action, self._deferrable(old)))
        self._step(statements, f"replace {ref.name} NOT VALID", transaction=True)
