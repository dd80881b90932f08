"""Constraint operations that never hold a blocking lock while rows are scanned.

- :class:`AddDBCascadeConstraint` gives an existing foreign key's constraint a database ``ON
  DELETE`` action: a replacement is added ``NOT VALID``, validated in its own transaction (which
  blocks no reads or writes), then swapped in for the old one under the name Django expects.
- :class:`AddConstraintNotValid` adds a CHECK constraint or a foreign key's constraint without
  checking the existing rows.
- :class:`ValidateConstraint` checks them later, taking only ``SHARE UPDATE EXCLUSIVE``.

Every step reads ``pg_constraint`` first and does only what remains, so a migration interrupted
at any point can be run again. Brief locks are taken with ``lock_timeout`` and retried
(:mod:`safemigrations.operations.base`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AddConstraint, AlterField
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState

from safemigrations.db import catalog
from safemigrations.deletion import db_action
from safemigrations.operations.base import NonAtomicMigrationRequired, SafeOperation
from safemigrations.operations.equivalent import field_with
from safemigrations.operations.foreign_keys import ForeignKeyRef, deferrable_clause
from safemigrations.operations.resolve import (
    OperationTargetError,
    get_field,
    get_foreign_key,
    get_model,
    state_field,
)

#: Lock modes that block writes; VALIDATE must not run while its transaction holds one.
WRITE_BLOCKING_MODES = frozenset(
    {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}
)


def _action(on_delete: Any) -> str:
    """The ON DELETE action a constraint gets for ``on_delete`` (NO ACTION for Python values)."""
    return db_action(on_delete) or "NO ACTION"


def _on_delete_label(on_delete: Any) -> str:
    return str(getattr(on_delete, "__name__", None) or on_delete)


def _bound_copy(field: Any, **changes: Any) -> Any:
    """A copy of a rendered model's field with ``changes``, usable by a SQLite table remake."""
    copy: Any = field_with(field, **changes)
    copy.set_attributes_from_name(field.name)
    copy.model = field.model
    copy.remote_field.model = field.remote_field.model
    copy.remote_field.field_name = field.remote_field.field_name
    return copy


def _through_fields_as_in_database(
    schema_editor: BaseDatabaseSchemaEditor, through: Any, field: Any, on_delete: Any
) -> list[tuple[Any, Any]]:
    """SQLite: the through table's keys with ``field`` switched and the other keeps its action.

    The state cannot record an action on an auto-created through table, so a table remake built
    from the state alone would drop the action the other key got from an earlier operation.
    """
    from safemigrations.deletion import DB_CASCADE, DB_RESTRICT, DB_SET_DEFAULT, DB_SET_NULL

    values = {
        "CASCADE": DB_CASCADE,
        "SET NULL": DB_SET_NULL,
        "SET DEFAULT": DB_SET_DEFAULT,
        "RESTRICT": DB_RESTRICT,
    }
    table = schema_editor.quote_name(through._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"PRAGMA foreign_key_list({table})")
        actions = {row[3]: row[6] for row in cursor.fetchall()}
    altered = []
    for key in through._meta.local_concrete_fields:
        if key.remote_field is None:
            continue
        wanted = on_delete if key is field else values.get(actions.get(key.column, ""))
        if wanted is not None:
            altered.append((key, _bound_copy(key, on_delete=wanted)))
    return altered


class _ModelOperation(SafeOperation):
    """What the three operations share: the model they touch, and how they reduce."""

    model_name: str

    @property
    def model_name_lower(self) -> str:
        return self.model_name.lower()

    def references_model(self, name: str, app_label: str) -> bool:
        return name.lower() == self.model_name_lower

    def reduce(self, operation: Operation, app_label: str) -> Any:
        """Operations on other models may be optimized across this one; others may not."""
        return not operation.references_model(self.model_name, app_label)

    def _checked_postgresql(self, schema_editor: BaseDatabaseSchemaEditor) -> bool:
        """True on PostgreSQL; False on SQLite (the caller remakes); else NotSupportedError."""
        self.require_vendor(schema_editor, "postgresql", "sqlite")
        return self.is_postgresql(schema_editor)


class AddDBCascadeConstraint(_ModelOperation):
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
        super().__init__(lock_timeout=lock_timeout, lock_retries=lock_retries)
        if not callable(on_delete):
            raise TypeError(
                f"AddDBCascadeConstraint.on_delete must be an on_delete value such as DB_CASCADE "
                f"or InDatabaseToo(models.CASCADE), not {on_delete!r}."
            )
        if m2m_side not in (None, "from", "to"):
            raise ValueError(f"m2m_side must be 'from', 'to' or None, not {m2m_side!r}.")
        self.model_name = model_name
        self.name = name
        self.on_delete = on_delete
        self.m2m_side = m2m_side
        self.validate = validate
        self.requires_non_atomic = validate

    # -- Django's Operation API ---------------------------------------------------------------

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "model_name": self.model_name,
            "name": self.name,
            "on_delete": self.on_delete,
        }
        if self.m2m_side is not None:
            kwargs["m2m_side"] = self.m2m_side
        if not self.validate:
            kwargs["validate"] = False
        kwargs.update(self.lock_kwargs())
        return self.__class__.__name__, [], kwargs

    def describe(self) -> str:
        side = f" (through table, {self.m2m_side} side)" if self.m2m_side else ""
        return (
            f"Set ON DELETE {_action(self.on_delete)} on the foreign key "
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
        action = _action(self.on_delete)
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
                alter_fields = _through_fields_as_in_database(
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
        _SwitchPlan(self, schema_editor, ref, _action(on_delete)).run()


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


class AddConstraintNotValid(_ModelOperation):
    """Add a CHECK constraint, or a foreign key's constraint, without checking existing rows.

    ``AddConstraintNotValid("order", models.CheckConstraint(...))`` works like Django's own;
    ``AddConstraintNotValid("order", field="customer")`` adds the constraint Django would create
    for the foreign key ``customer`` (with its ``ON DELETE`` action) and sets
    ``db_constraint=True`` in the migration state. New rows are checked at once; run
    :class:`ValidateConstraint` later to check the existing ones without blocking writes.
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
        super().__init__(lock_timeout=lock_timeout, lock_retries=lock_retries)
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
        self.model_name = model_name
        self.constraint = constraint
        self.field = field

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.constraint is not None:
            kwargs["constraint"] = self.constraint
        else:
            kwargs["field"] = self.field
        kwargs.update(self.lock_kwargs())
        return self.__class__.__name__, [], kwargs

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
            schema_editor, sql + " NOT VALID", tables=[table], description="add NOT VALID"
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
            _action(field.remote_field.on_delete),
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
        q = schema_editor.quote_name
        self.run_step(
            schema_editor,
            f"ALTER TABLE {q(tables[0])} DROP CONSTRAINT IF EXISTS {q(name)}",
            tables=tables,
            description=f"drop {name}",
        )


class ValidateConstraint(_ModelOperation):
    """Check the existing rows against a ``NOT VALID`` constraint, without blocking writes.

    ``name`` is the constraint's name, or the name of a foreign key field: its constraint is
    then found in ``pg_constraint`` (Django generates foreign key names). ``VALIDATE CONSTRAINT``
    takes ``SHARE UPDATE EXCLUSIVE``, which blocks neither reads nor writes, and runs with
    ``statement_timeout`` lifted. A validated constraint is left alone, so a re-run is a no-op.
    In an atomic migration it refuses to run after an earlier operation of the same
    transaction took a write-blocking lock on the table (the scan would then block writes).
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
        super().__init__(lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.model_name = model_name
        self.name = name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name, "name": self.name}
        kwargs.update(self.lock_kwargs())
        return self.__class__.__name__, [], kwargs

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
        q = schema_editor.quote_name
        self.run_step(
            schema_editor,
            f"ALTER TABLE {q(table)} VALIDATE CONSTRAINT {q(name)}",
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
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
            held = {
                lock.mode
                for lock in catalog.locks_held(cursor, pid)
                if lock.relation == table and lock.granted
            }
        blocking = held & WRITE_BLOCKING_MODES
        if blocking:
            raise NonAtomicMigrationRequired(
                f"ValidateConstraint({self.model_name!r}, {self.name!r}) would scan {table!r} "
                f"while this migration's transaction holds {', '.join(sorted(blocking))} on it "
                "(taken by an earlier operation), blocking writes for the whole scan. Move "
                "ValidateConstraint to a migration of its own, or set `atomic = False` on this "
                "migration."
            )


__all__ = ["AddConstraintNotValid", "AddDBCascadeConstraint", "ValidateConstraint"]
