"""What the database holds on the models' tables that no model declares.

Columns (an extra ``NOT NULL`` column without a default makes every insert through Django fail:
an error; otherwise a warning), constraints (foreign keys, unique and check constraints, e.g. a
replacement left by an interrupted ``AddDBCascadeConstraint``), indexes (information: they cost
writes; duplicates, redundant and INVALID ones are reported once, by their own checks; an
object the models declare under another name, kept through a table or field rename, is not
extra: :mod:`..matching`), and
tables named like a selected app's tables that no model of any app uses. Tables of other apps,
of ``managed = False`` models and of extensions are not looked at.
"""

from __future__ import annotations

from collections.abc import Iterator

from safemigrations.db.schema import Table
from safemigrations.lint.model import Severity

from ..context import Context, human_bytes, rows_and_size
from ..drift import KINDS, Drift
from ..expected import ExpectedModel


def find(context: Context) -> Iterator[Drift]:
    """Extra columns, constraints and indexes of the models' tables; stray tables of the apps."""
    for model, table in context.pairs():
        yield from _columns(context, model, table)
        yield from _constraints(context, model, table)
        yield from _indexes(context, model, table)
    yield from _tables(context)


def _columns(context: Context, model: ExpectedModel, table: Table) -> Iterator[Drift]:
    declared = {c.name for c in model.columns}
    for column in table.columns:
        if column.name in declared:
            continue
        blocking = column.not_null and column.default is None and not column.identity
        yield context.drift(
            "SMD151",
            model,
            table,
            f"{model.label}: column {table.name}.{column.name} ({column.type}"
            f"{' NOT NULL' if column.not_null else ''}) belongs to no field"
            + (
                "; it is NOT NULL without a default, so every INSERT Django makes fails."
                if blocking
                else "."
            ),
            fix=(
                "Drop it in a migration (RemoveField of a field added back state-only, or "
                "RunSQL), or add the field to the model."
            ),
            objects=[column.name],
            severity=Severity.ERROR if blocking else None,
        )


def _constraints(context: Context, model: ExpectedModel, table: Table) -> Iterator[Drift]:
    claimed = context.matches(model, table).claimed
    for constraint in table.constraints:
        if constraint.kind in ("primary key", "not null", "trigger"):
            continue
        if constraint.kind == "foreign key":
            if any(
                constraint.columns == (fk.column,)
                and constraint.referenced_table == fk.referenced_table
                for fk in model.foreign_keys
            ):
                continue
        elif constraint.name in claimed:
            continue  # declared, under this name or (renamed table or field) another one
        yield context.drift(
            "SMD152",
            model,
            table,
            f"{model.label}: {constraint.kind} constraint {constraint.name} on {table.name} "
            f"({constraint.definition}) is declared by no model.",
            fix=(
                "Declare it in the model (Meta.constraints, state-only), or drop it in a "
                "migration; allowlist it if another program owns it."
            ),
            objects=[constraint.name],
        )


def _indexes(context: Context, model: ExpectedModel, table: Table) -> Iterator[Drift]:
    claimed = context.matches(model, table).claimed
    for index in table.indexes:
        if index.primary or index.constraint or not index.valid or index.name in claimed:
            continue
        yield context.drift(
            "SMD153",
            model,
            table,
            f"{model.label}: index {index.name} on {table.name} ({', '.join(index.keys)}"
            f"{' WHERE ' + index.predicate if index.predicate else ''}) is declared by no model; "
            f"every write maintains it ({human_bytes(index.size_bytes)}, {index.scans:,} scans "
            f"since statistics were reset; {rows_and_size(table)}).",
            fix=(
                "Declare it in Meta.indexes (state-only), drop it with DROP INDEX CONCURRENTLY, "
                "or allowlist it if another program uses it."
            ),
            objects=[index.name],
            cost_bytes=index.size_bytes,
        )


def _tables(context: Context) -> Iterator[Drift]:
    prefixes = {f"{m.app_label}_" for m in context.models}
    known = set(context.known_tables)
    for name in sorted(context.all_tables):
        if name in known or not any(name.startswith(p) for p in prefixes):
            continue
        app = next(p[:-1] for p in prefixes if name.startswith(p))
        yield Drift(
            kind=KINDS["SMD154"],
            message=(
                f"table {name} is named like the tables of app {app} but no model of any app "
                "uses it: a model deleted without its migration, or a leftover."
            ),
            fix="Drop it in a migration, or allowlist it if another program owns it.",
            app=app,
            table=name,
            objects=[name],
        )
