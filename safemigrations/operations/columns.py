"""Column operations that never hold a blocking lock for a table scan or an index build.

- :class:`SetNotNull` — ``NOT NULL`` on an existing column through a validated check constraint,
  so ``SET NOT NULL`` itself skips its scan (PostgreSQL 12+).
- :class:`AddForeignKeyField` — a new nullable foreign key (or one-to-one) column: the column, an
  index (a unique one for a ``OneToOneField``) built concurrently, the constraint ``NOT VALID``,
  then ``VALIDATE`` on its own.

Each keeps the model state of Django's own operation (``AlterField(null=False)``, ``AddField``),
needs ``atomic = False`` on PostgreSQL, and can be run again after an interruption: every step
checks the catalog first.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import IntegrityError, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AddField, AlterField
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState

from safemigrations.db import catalog
from safemigrations.exceptions import DanglingReferencesError, NullValuesError, OperationTargetError

from . import sql as ddl
from .equivalent import DjangoEquivalentOperation, field_with
from .indexing import ConcurrentIndexSteps, field_index_plans


class SetNotNull(DjangoEquivalentOperation):
    """Make a nullable column ``NOT NULL`` without an ACCESS EXCLUSIVE table scan.

    Steps: ``ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID`` (brief), ``VALIDATE
    CONSTRAINT`` (scans under SHARE UPDATE EXCLUSIVE: reads and writes go on), then in one short
    transaction ``SET NOT NULL`` — which PostgreSQL 12+ proves from the validated check without
    scanning — and ``DROP CONSTRAINT``. Backwards drops ``NOT NULL``.

    Unlike Django's ``AlterField(null=False)``, it never writes rows: backfill NULLs first (in
    batches on a large table). If NULLs remain, it stops with a message saying so, leaving the
    check constraint in place (it already rejects new NULLs); run the migration again once the
    backfill is done.
    """

    category = OperationCategory.ALTERATION

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

    def state_operations(self, app_label: str, state: ProjectState) -> list[Operation]:
        field = self.state_field(app_label, state, self.name)
        if not field.null:
            raise OperationTargetError(
                f"SetNotNull: {self.model_name}.{self.name} is already null=False at this point "
                "of the migrations."
            )
        return [AlterField(self.model_name, self.name, field_with(field, null=False))]

    def check_name(self, schema_editor: BaseDatabaseSchemaEditor, table: str, column: str) -> str:
        """Name of the temporary ``CHECK (col IS NOT NULL)`` constraint."""
        editor: Any = schema_editor
        return str(editor._create_index_name(table, [column], suffix="_notnull"))

    def forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        column = str(model._meta.get_field(self.name).column)
        check = self.check_name(schema_editor, table, column)
        qn = schema_editor.quote_name
        add_check = ddl.add_check_not_valid(
            schema_editor, table, check, f"{qn(column)} IS NOT NULL"
        )
        validate = ddl.validate_constraint(schema_editor, table, check)
        set_not_null = [
            f"ALTER TABLE {qn(table)} ALTER COLUMN {qn(column)} SET NOT NULL",
            ddl.drop_constraint(schema_editor, table, check, if_exists=True),
        ]
        not_null, existing = False, None
        if not self.collecting_sql(schema_editor):
            with schema_editor.connection.cursor() as cursor:
                not_null = catalog.columns(cursor, table)[column].not_null
                existing = catalog.constraints(cursor, table).get(check)
        if not_null:  # only the cleanup was left to do
            self.run_step(
                schema_editor, set_not_null[1:], tables=[table], description="drop the check"
            )
            return
        if existing is None:
            self.run_step(
                schema_editor, add_check, tables=[table], description="add NOT VALID check"
            )
        if existing is None or not existing.validated:
            try:
                self.run_step(
                    schema_editor,
                    validate,
                    tables=[table],
                    description="validate the check",
                    long=True,
                    bounded_wait=False,
                )
            except IntegrityError as exc:
                raise NullValuesError(
                    f"{self.describe()}: column {column} of {table} still holds NULL values, so "
                    f"it cannot be made NOT NULL. Backfill them (UPDATE {table} SET {column} = "
                    f"... WHERE {column} IS NULL, in batches on a large table) and run the "
                    f"migration again. Meanwhile the NOT VALID check {check} already rejects "
                    "new NULLs."
                ) from exc
        self.run_step(
            schema_editor,
            set_not_null,
            tables=[table],
            description="set NOT NULL and drop the check",
            transaction=True,
        )

    def backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        column = str(model._meta.get_field(self.name).column)
        qn = schema_editor.quote_name
        check = self.check_name(schema_editor, table, column)
        self.run_step(
            schema_editor,
            f"ALTER TABLE {qn(table)} "
            f"{ddl.drop_constraint_clause(schema_editor, check, if_exists=True)}, "
            f"ALTER COLUMN {qn(column)} DROP NOT NULL",
            tables=[table],
            description="drop NOT NULL",
        )

    def describe(self) -> str:
        return f"Set NOT NULL on {self.model_name}.{self.name} without a blocking scan"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_{self.name.lower()}_set_not_null"

    def references_field(self, model_name: str, name: str, app_label: str) -> bool:
        return model_name.lower() == self.model_name_lower and name == self.name

    def deconstruct_kwargs(self) -> dict[str, Any]:
        return {"name": self.name}


def _required_fk_message(model_name: str, name: str, problem: str) -> str:
    """What to do instead of adding a required or defaulted foreign key in one step."""
    return (
        f"AddForeignKeyField adds {model_name}.{name} as an empty column (NULL in every "
        f"existing row), so the field {problem}. Adding it filled in would rewrite or scan the "
        "table under a lock that blocks writes. The safe sequence is three migrations:\n"
        f"  1. AddForeignKeyField({model_name!r}, {name!r}, models.ForeignKey(..., null=True)) "
        "(atomic = False);\n"
        "  2. a data migration (RunPython) that sets the values in batches of a few thousand "
        "rows;\n"
        f"  3. SetNotNull({model_name!r}, {name!r}) (atomic = False), which makes it required "
        "without a blocking scan.\n"
        "Keep the model field null=True until step 3, and add a Python-side default to the model "
        "if new rows need one."
    )


class AddForeignKeyField(ConcurrentIndexSteps, DjangoEquivalentOperation):
    """Add a nullable ``ForeignKey`` or ``OneToOneField`` to an existing table without blocking.

    Django's ``AddField`` adds the column with an inline, validated ``REFERENCES`` (and an inline
    ``UNIQUE`` for a ``OneToOneField``), then builds the index with a plain ``CREATE INDEX``:
    writes wait for the whole scan and build. This runs: ``ADD COLUMN`` (nullable, no constraint:
    brief), the index Django would create built concurrently under the name Django generates —
    for a ``OneToOneField`` a ``CREATE UNIQUE INDEX CONCURRENTLY`` attached as the field's unique
    constraint with ``ADD CONSTRAINT ... UNIQUE USING INDEX`` — then ``ADD CONSTRAINT ... FOREIGN
    KEY ... NOT VALID`` (brief) and ``VALIDATE CONSTRAINT`` (reads and writes go on).

    The field must be ``null=True`` without a default: a required foreign key is added nullable,
    backfilled, then made ``NOT NULL`` with :class:`SetNotNull` (the error says how).
    """

    category = OperationCategory.ADDITION

    def __init__(
        self,
        model_name: str,
        name: str,
        field: models.ForeignKey,
        *,
        lock_timeout: float | None = None,
        lock_retries: int | None = None,
    ) -> None:
        if not isinstance(field, models.ForeignKey):
            raise OperationTargetError(
                f"AddForeignKeyField takes a models.ForeignKey or models.OneToOneField, not a "
                f"{field.__class__.__name__} ({model_name}.{name}); use AddField for other fields."
            )
        if not field.null:
            raise OperationTargetError(
                _required_fk_message(model_name, name, "must be null=True (it is null=False)")
            )
        if field.has_default() or field.has_db_default():
            raise OperationTargetError(
                _required_fk_message(model_name, name, "cannot have a default or db_default")
            )
        super().__init__(model_name, lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.name = name
        self.field = field

    def state_operations(self, app_label: str, state: ProjectState) -> list[Operation]:
        return [AddField(self.model_name, self.name, self.field)]

    def forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        field: Any = model._meta.get_field(self.name)
        editor: Any = schema_editor
        table = model._meta.db_table
        target_table = field.target_field.model._meta.db_table
        qn = schema_editor.quote_name
        collecting = self.collecting_sql(schema_editor)
        columns: dict[str, catalog.Column] = {}
        constraints: dict[str, catalog.Constraint] = {}
        if not collecting:
            with schema_editor.connection.cursor() as cursor:
                columns = catalog.columns(cursor, table)
                constraints = catalog.constraints(cursor, table)

        if field.column not in columns:
            # The column alone: its unique constraint (OneToOneField) is built concurrently below.
            plain: Any = copy.copy(field)
            plain._unique = False
            definition, params = schema_editor.column_sql(model, plain)
            sql = schema_editor.sql_create_column % {
                "table": qn(table),
                "column": qn(field.column),
                "definition": definition,
            }
            self.run_step(
                schema_editor,
                [(sql, params)] if params else sql,
                tables=[table],
                description="add the nullable column",
            )
        for plan in field_index_plans(schema_editor, model, field):
            self.build_index(schema_editor, plan)
        if not field.db_constraint:
            return
        fk_sql = editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
        fk_name = str(fk_sql.parts["name"]).strip('"')
        existing = constraints.get(fk_name)
        if existing is None:
            self.run_step(
                schema_editor,
                ddl.not_valid(fk_sql),
                tables=[table, target_table],
                description="add the foreign key NOT VALID",
            )
        if existing is None or not existing.validated:
            try:
                self.run_step(
                    schema_editor,
                    ddl.validate_constraint(schema_editor, table, fk_name),
                    tables=[table, target_table],
                    description="validate the foreign key",
                    long=True,
                    bounded_wait=False,
                )
            except IntegrityError as exc:
                column, target = field.column, field.target_field.column
                raise DanglingReferencesError(
                    f"{self.describe()}: rows of {table} point to missing rows of "
                    f"{target_table}, so the foreign key {fk_name} cannot be validated "
                    f"({' '.join(str(exc).split())}). Find them with\n"
                    f"  SELECT t.{column} FROM {table} t LEFT JOIN {target_table} r "
                    f"ON r.{target} = t.{column} WHERE t.{column} IS NOT NULL AND r.{target} "
                    "IS NULL;\nfix them and run the migration again (the NOT VALID constraint "
                    "stays and already checks new rows)."
                ) from exc

    def backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        field: Any = model._meta.get_field(self.name)
        table = model._meta.db_table
        qn = schema_editor.quote_name
        self.run_step(
            schema_editor,
            f"ALTER TABLE {qn(table)} DROP COLUMN IF EXISTS {qn(field.column)}",
            tables=[table, field.target_field.model._meta.db_table],
            description="drop the column",
        )

    def describe(self) -> str:
        return f"Add foreign key {self.name} to {self.model_name} without blocking writes"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_{self.name.lower()}"

    def references_model(self, name: str, app_label: str) -> bool:
        return AddField(self.model_name, self.name, self.field).references_model(name, app_label)

    def references_field(self, model_name: str, name: str, app_label: str) -> bool:
        return AddField(self.model_name, self.name, self.field).references_field(
            model_name, name, app_label
        )

    def deconstruct_kwargs(self) -> dict[str, Any]:
        return {"name": self.name, "field": self.field}
