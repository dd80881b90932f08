"""What the models declare and the database lacks: tables, columns, constraints, indexes.

Compared with the migration state at the applied leaf. Columns: presence, SQL type (aliases
such as ``varchar``/``character varying`` are the same type), nullability, and whether a
database default exists (``db_default``; its expression is not compared). Constraints: the
primary key, each foreign key (by column and referenced table); unique and check constraints
and indexes by name, else by definition (:mod:`..matching`: an object that kept its name
through a table or field rename is not missing; names longer than 63 bytes are compared as
PostgreSQL truncates them). A foreign key's missing index is reported once, by
:mod:`.unindexed_foreign_keys`.
"""

from __future__ import annotations

from collections.abc import Iterator

from safemigrations.db.schema import Table
from safemigrations.lint.types import parse_type

from ..context import Context
from ..drift import Drift
from ..expected import ExpectedColumn, ExpectedIndex, ExpectedModel
from ..matching import implicit_index_matches

__all__ = ["find", "implicit_index_matches", "same_type"]


def same_type(expected: str, actual: str) -> bool:
    """True when two spellings name the same SQL type (``varchar(5)``, ``character varying(5)``)."""
    try:
        return parse_type(expected) == parse_type(actual)
    except Exception:
        return expected.strip().lower() == actual.strip().lower()


def find(context: Context) -> Iterator[Drift]:
    """Missing tables, columns, constraints and indexes; differing columns."""
    for model in context.models:
        table = context.schema.tables.get(model.table)
        if model.table in context.schema.locked:
            continue  # reported by the inspector as not inspected
        if table is None:
            yield context.drift(
                "SMD141",
                model,
                None,
                f"{model.label}: table {model.table} does not exist.",
                fix=(
                    "Find the migration that created it (showmigrations) and why the table is "
                    "gone; migrating the app back and forth re-creates it, empty."
                ),
                objects=[model.table],
            )
            continue
        yield from _columns(context, model, table)
        yield from _constraints(context, model, table)
        yield from _indexes(context, model, table)


def _columns(context: Context, model: ExpectedModel, table: Table) -> Iterator[Drift]:
    for expected in model.columns:
        actual = table.column(expected.name)
        where = f"{model.label}.{expected.field} ({table.name}.{expected.name})"
        if actual is None:
            yield context.drift(
                "SMD142",
                model,
                table,
                f"{where}: the column does not exist; every query that selects the model fails.",
                fix="Add the column (AddField in a migration), or remove the field.",
                field=expected.field,
                objects=[expected.name],
            )
            continue
        problems = _column_problems(expected, actual.type, actual.not_null, actual.default)
        if actual.identity:
            problems = [p for p in problems if not p.startswith("database default")]
        if problems:
            yield context.drift(
                "SMD143",
                model,
                table,
                f"{where}: {'; '.join(problems)}.",
                fix=(
                    "Write the migration that makes the database match the field (AlterField; "
                    "SetNotNull for NOT NULL without a blocking scan), or change the field."
                ),
                field=expected.field,
                objects=[expected.name],
                details={"type": actual.type, "not_null": actual.not_null},
            )


def _column_problems(
    expected: ExpectedColumn, type_: str, not_null: bool, default: str | None
) -> list[str]:
    problems = []
    if expected.type and not same_type(expected.type, type_):
        problems.append(f"the field declares {expected.type}, the column is {type_}")
    if expected.generated:
        return problems
    if not_null == expected.null:
        want = "NULL allowed" if expected.null else "NOT NULL"
        problems.append(
            f"the field expects {want}, the column is {'NOT NULL' if not_null else 'nullable'}"
        )
    serial = expected.autofield and (default or "").startswith("nextval(")
    if expected.has_db_default and default is None:
        problems.append("database default missing (the field has db_default)")
    elif not expected.has_db_default and default is not None and not serial:
        problems.append(f"database default {default} that the field does not declare")
    return problems


def _constraints(context: Context, model: ExpectedModel, table: Table) -> Iterator[Drift]:
    if not any(c.kind == "primary key" for c in table.constraints):
        yield context.drift(
            "SMD144",
            model,
            table,
            f"{model.label}: {table.name} has no primary key.",
            fix="Add it back (ALTER TABLE ... ADD PRIMARY KEY USING INDEX a unique index).",
            objects=[table.name],
        )
    for fk in model.foreign_keys:
        if not any(
            c.columns == (fk.column,) and c.referenced_table == fk.referenced_table
            for c in table.foreign_keys
        ):
            yield context.drift(
                "SMD144",
                model,
                table,
                f"{model.label}.{fk.field}: no foreign key constraint on {table.name}."
                f"{fk.column} references {fk.referenced_table}; the database accepts rows that "
                "point nowhere.",
                fix=(
                    f"AddConstraintNotValid({model.model_name!r}, field={fk.field!r}) then "
                    f"ValidateConstraint({model.model_name!r}, {fk.field!r})."
                ),
                field=fk.field,
                objects=[fk.constraint_name],
            )
    matches = context.matches(model, table)
    for check in model.checks:
        if check.name not in matches.checks:
            yield context.drift(
                "SMD144",
                model,
                table,
                f"{model.label}{'.' + check.field if check.field else ''}: check constraint "
                f"{check.name} does not exist on {table.name}.",
                fix="Add it NOT VALID, then validate it (AddConstraintNotValid, ValidateConstraint).",
                field=check.field,
                objects=[check.name],
            )
    for expected in model.indexes:
        if expected.unique and expected.name not in matches.indexes:
            yield context.drift(
                "SMD144",
                model,
                table,
                f"{_owner(model, expected)}: unique {'constraint' if expected.is_constraint else 'index'}"
                f" {expected.name} ({', '.join(expected.columns)}) does not exist on {table.name}; "
                "duplicates are accepted.",
                fix="AddUniqueConstraintConcurrently builds it without blocking writes.",
                field=expected.field,
                objects=[expected.name],
            )


def _indexes(context: Context, model: ExpectedModel, table: Table) -> Iterator[Drift]:
    fk_columns = {fk.column for fk in model.foreign_keys}
    matches = context.matches(model, table)
    for expected in model.indexes:
        if expected.unique or expected.name in matches.indexes:
            continue
        if expected.source == "field" and expected.columns[0] in fk_columns:
            continue  # reported by unindexed_foreign_keys when nothing serves the key
        yield context.drift(
            "SMD145",
            model,
            table,
            f"{_owner(model, expected)}: index {expected.name} ({', '.join(expected.columns)}) "
            f"does not exist on {table.name}.",
            fix=(
                f"AddIndexConcurrently({model.model_name!r}, "
                + (
                    f"field={expected.field!r}"
                    if expected.field
                    else f"<the {expected.name} index>"
                )
                + ") in a SeparateDatabaseAndState(database_operations=[...]): the state "
                "already has it."
            ),
            field=expected.field,
            objects=[expected.name],
        )


def _owner(model: ExpectedModel, expected: ExpectedIndex) -> str:
    if expected.field:
        return f"{model.label}.{expected.field}"
    return model.label
