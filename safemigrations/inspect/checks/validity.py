"""Constraints left ``NOT VALID`` and indexes left INVALID, usually by a deploy that failed.

A ``NOT VALID`` constraint checks new rows only: existing rows were never checked, and the
planner cannot rely on it. An INVALID index comes from a ``CREATE INDEX CONCURRENTLY`` that
failed or was cancelled: it is maintained on every write and never used for reads. While a build
is still running its index is INVALID too; that is told apart (``pg_stat_progress_create_index``,
``pg_stat_activity``) and reported as information, not drift.
"""

from __future__ import annotations

from collections.abc import Iterator

from safemigrations.db.schema import Constraint, Index, Table

from ..context import Context, human_bytes, rows_and_size
from ..drift import Drift
from ..expected import ExpectedModel


def find(context: Context) -> Iterator[Drift]:
    """NOT VALID constraints, INVALID indexes and running builds of the models' tables."""
    for model, table in context.pairs():
        for constraint in table.constraints:
            if not constraint.validated:
                yield _not_validated(context, model, table, constraint)
        for index in table.indexes:
            if not index.valid:
                yield _invalid(context, model, table, index)


def _not_validated(
    context: Context, model: ExpectedModel, table: Table, constraint: Constraint
) -> Drift:
    fk = (
        model.foreign_key_on(constraint.columns[0])
        if constraint.kind == "foreign key" and len(constraint.columns) == 1
        else None
    )
    check = model.check_named(constraint.name)
    known = fk is not None or check is not None or model.index_named(constraint.name) is not None
    field = fk.field if fk else (check.field if check else None)
    remedy = None
    if fk is not None and fk.referenced_table == constraint.referenced_table:
        remedy = {"op": "validate", "model": model.model_name, "name": fk.field}
    elif check is not None:
        remedy = {"op": "validate", "model": model.model_name, "name": constraint.name}
    subject = f"{model.label}.{field}" if field else model.label
    return context.drift(
        "SMD111",
        model,
        table,
        f"{subject}: {constraint.kind} constraint {constraint.name} on {table.name} is NOT VALID: "
        f"rows written before it was added were never checked ({rows_and_size(table)}).",
        fix=(
            f"ValidateConstraint({model.model_name!r}, {remedy['name']!r}) checks the rows "
            "without blocking writes (--fix writes it)."
            if remedy
            else f"ALTER TABLE {table.name} VALIDATE CONSTRAINT {constraint.name} (blocks no "
            "reads or writes)"
            + ("" if known else "; the models do not declare this constraint")
            + "."
        ),
        field=field,
        objects=[constraint.name],
        remedy=remedy,
    )


def _invalid(context: Context, model: ExpectedModel, table: Table, index: Index) -> Drift:
    if index.building:
        return context.drift(
            "SMD113",
            model,
            table,
            f"{model.label}: index {index.name} on {table.name} is being built concurrently "
            "right now (INVALID until the build finishes).",
            fix="Wait for the build to finish, then inspect again.",
            objects=[index.name],
            cost_bytes=index.size_bytes,
        )
    expected = model.index_named(index.name)
    remedy = None
    field = expected.field if expected else None
    if expected is not None and expected.source == "meta_index":
        remedy = {"op": "rebuild_index", "model": model.model_name, "index": expected.name}
    elif expected is not None and expected.source in ("field", "like") and field:
        model_field = model.model._meta.get_field(field)
        if not model_field.unique:
            remedy = {"op": "rebuild_field_index", "model": model.model_name, "field": field}
    elif expected is None:
        remedy = {"op": "drop_unknown_index", "model": model.model_name, "index": index.name}
    subject = f"{model.label}.{field}" if field else model.label
    what = (
        "rebuilds it concurrently"
        if remedy and remedy["op"] != "drop_unknown_index"
        else "drops it concurrently (the models do not declare it)"
    )
    return context.drift(
        "SMD112",
        model,
        table,
        f"{subject}: index {index.name} on {table.name} is INVALID, left by a failed or "
        f"cancelled concurrent build: every write maintains it ({human_bytes(index.size_bytes)}),"
        f" no query uses it ({rows_and_size(table)}).",
        fix=(
            f"--fix writes an operation that {what}."
            if remedy
            else f"DROP INDEX CONCURRENTLY {index.name}, then build it again with the operation "
            "that created it."
        ),
        field=field,
        objects=[index.name],
        cost_bytes=index.size_bytes,
        remedy=remedy,
    )
