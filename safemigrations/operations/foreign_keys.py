"""A foreign key as the database holds it: names, current constraint, and the SQL to replace it.

Operations that change a foreign key's constraint read the real constraint from ``pg_constraint``
(never assume the name), build its replacement under a deterministic temporary name (so a re-run
finds a half-built one), and use the name Django expects for the final constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.utils import names_digest, split_identifier

from safemigrations.db import catalog
from safemigrations.exceptions import OperationTargetError
from safemigrations.operations import sql as ddl

#: PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes.
MAX_IDENTIFIER_BYTES = 63

#: The ON DELETE actions PostgreSQL knows; NO ACTION is what a constraint without the clause has.
ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")


def pg_identifier(name: str) -> str:
    """``name`` as PostgreSQL stores it: cut to 63 bytes on a character boundary."""
    encoded = name.encode()
    if len(encoded) <= MAX_IDENTIFIER_BYTES:
        return name
    return encoded[:MAX_IDENTIFIER_BYTES].decode(errors="ignore")


def action_clause(action: str) -> str:
    """`` ON DELETE <action>``, or nothing for NO ACTION (PostgreSQL's default)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown ON DELETE action {action!r}; expected one of {ACTIONS}")
    return "" if action == "NO ACTION" else f" ON DELETE {action}"


def deferrable_clause(constraint: catalog.Constraint | None, default: str) -> str:
    """The DEFERRABLE clause of ``constraint`` (kept on its replacement), else ``default``."""
    if constraint is None:
        return default
    if not constraint.deferrable:
        return ""
    return (
        " DEFERRABLE INITIALLY DEFERRED"
        if constraint.initially_deferred
        else " DEFERRABLE INITIALLY IMMEDIATE"
    )


@dataclass(frozen=True)
class ForeignKeyRef:
    """Where a foreign key lives and the names of its constraint and of its replacement."""

    table: str
    column: str
    to_table: str
    to_column: str
    name: str  # the constraint name Django gives this key
    temp_name: str  # the replacement's name while it is built and validated
    label: str  # "app.Model.field", for messages

    @classmethod
    def of(cls, schema_editor: BaseDatabaseSchemaEditor, model: Any, field: Any) -> ForeignKeyRef:
        """The reference of ``field`` (a concrete ForeignKey/OneToOneField of ``model``)."""
        if not field.db_constraint:
            raise OperationTargetError(
                f"{model._meta.label}.{field.name} has db_constraint=False: the database holds no "
                "foreign key constraint for it, so there is no ON DELETE action to change. Add the "
                "constraint first with AddConstraintNotValid(model_name, field=...) and "
                "ValidateConstraint, after setting db_constraint=True."
            )
        table = model._meta.db_table
        to_table = field.target_field.model._meta.db_table
        to_column = field.target_field.column
        name = pg_identifier(
            schema_editor._create_index_name(  # type: ignore[attr-defined]
                table, [field.column], suffix=f"_fk_{split_identifier(to_table)[1]}_{to_column}"
            )
        )
        suffix = f"_{names_digest(name, 'replacement', length=6)}_new"
        temp_name = pg_identifier(name).encode()[: MAX_IDENTIFIER_BYTES - len(suffix)]
        return cls(
            table=table,
            column=field.column,
            to_table=to_table,
            to_column=to_column,
            name=name,
            temp_name=temp_name.decode(errors="ignore") + suffix,
            label=f"{model._meta.label}.{field.name}",
        )

    def _references_target(self, constraint: catalog.Constraint) -> bool:
        ref = constraint.referenced_table or ""
        return (
            constraint.type == "foreign key"
            and constraint.columns == (self.column,)
            and (ref == self.to_table or ref.endswith("." + self.to_table))
            and constraint.referenced_columns == (self.to_column,)
        )

    def existing(
        self, cursor: Any
    ) -> tuple[list[catalog.Constraint], catalog.Constraint | None, dict[str, catalog.Constraint]]:
        """The table's constraints for this key: (current ones, half-built replacement, all)."""
        if not catalog.table_exists(cursor, self.table):
            raise OperationTargetError(
                f"Table {self.table!r} of {self.label} does not exist in the database. Apply the "
                "migrations that create it first."
            )
        everything = catalog.constraints(cursor, self.table)
        temp = everything.get(self.temp_name)
        if temp is not None and not self._references_target(temp):
            raise OperationTargetError(
                f"Constraint {self.temp_name!r} on {self.table!r} is not a foreign key "
                f"({self.column}) -> {self.to_table} ({self.to_column}); drop or rename it first."
            )
        current = [
            c
            for c in everything.values()
            if c.name != self.temp_name and self._references_target(c)
        ]
        return current, temp, everything

    def add_sql(
        self,
        schema_editor: BaseDatabaseSchemaEditor,
        name: str,
        action: str,
        deferrable: str,
        *,
        not_valid: bool = True,
    ) -> str:
        """``ALTER TABLE ... ADD CONSTRAINT name FOREIGN KEY ... [NOT VALID]``."""
        return ddl.add_foreign_key(
            schema_editor,
            self.table,
            name,
            self.column,
            self.to_table,
            self.to_column,
            on_delete=action_clause(action),
            deferrable=deferrable,
            not_valid=not_valid,
        )

    def drop_sql(self, schema_editor: BaseDatabaseSchemaEditor, name: str) -> str:
        return ddl.drop_constraint(schema_editor, self.table, name)

    def rename_sql(self, schema_editor: BaseDatabaseSchemaEditor, old: str, new: str) -> str:
        return ddl.rename_constraint(schema_editor, self.table, old, new)

    def validate_sql(self, schema_editor: BaseDatabaseSchemaEditor, name: str) -> str:
        return ddl.validate_constraint(schema_editor, self.table, name)

    def describe_constraints(self, constraints: dict[str, catalog.Constraint]) -> str:
        """The table's foreign keys, for an error message."""
        fks = [
            f"{c.name} ({', '.join(c.columns)}) -> {c.referenced_table} ON DELETE {c.on_delete}"
            for c in constraints.values()
            if c.type == "foreign key"
        ]
        return "; ".join(fks) or "(none)"
