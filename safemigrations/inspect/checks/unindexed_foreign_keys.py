"""Foreign keys with no index led by their column(s).

Every delete of a referenced row (a cascade, a ``PROTECT``/``NO ACTION`` check, ``SET NULL``)
and every update of its key looks up the referencing rows: without an index led by the foreign
key's column that is a scan of the whole child table, once per parent row. Django creates such
an index for a ``ForeignKey`` unless ``db_index=False``; the finding says which. A partial index
``WHERE column IS NOT NULL`` counts (the lookups never search for NULL). An INVALID index led by
the column is reported by :mod:`.validity` instead. Findings are ordered by the child table's
size: the bigger the table, the longer each scan.
"""

from __future__ import annotations

from collections.abc import Iterator

from safemigrations.db.schema import Constraint, Index, Table

from ..context import Context, rows_and_size
from ..drift import Drift
from ..expected import ExpectedModel


def covers(index: Index, columns: tuple[str, ...]) -> bool:
    """True when ``index`` is led by ``columns`` (in any order) and serves the key lookups."""
    n = len(columns)
    if len(index.columns) < n or set(index.columns[:n]) != set(columns):
        return False
    if index.predicate is None:
        return True
    return n == 1 and index.predicate in (
        f"({columns[0]} IS NOT NULL)",
        f'("{columns[0]}" IS NOT NULL)',
    )


def find(context: Context) -> Iterator[Drift]:
    """One finding per foreign key constraint without a covering index, biggest table first."""
    found = []
    for model, table in context.pairs():
        for constraint in table.foreign_keys:
            if not any(covers(index, constraint.columns) for index in table.indexes):
                found.append(_finding(context, model, table, constraint))
    yield from sorted(found, key=lambda d: (-d.size_bytes, d.table or "", d.objects))


def _finding(context: Context, model: ExpectedModel, table: Table, constraint: Constraint) -> Drift:
    fk = model.foreign_key_on(constraint.columns[0]) if len(constraint.columns) == 1 else None
    columns = ", ".join(constraint.columns)
    remedy = None
    if fk is None:
        why = "The models do not declare this foreign key."
        fix = f"CREATE INDEX CONCURRENTLY ON {table.name} ({columns})."
    elif fk.db_index:
        field = model.model._meta.get_field(fk.field)
        why = (
            "Django creates an index for it (db_index=True), so it was dropped outside the "
            "migrations or its build failed."
        )
        fix = (
            f"AddIndexConcurrently({model.model_name!r}, field={fk.field!r}) rebuilds it "
            "without blocking writes (--fix writes it, database only)."
        )
        if not field.unique:
            remedy = {"op": "add_field_index", "model": model.model_name, "field": fk.field}
    else:
        why = "The field has db_index=False, so Django does not create one."
        fix = (
            f"Set db_index=True on {model.label}.{fk.field} (makemigrations then writes "
            f"AddIndexConcurrently), or add a Meta.indexes entry led by {fk.column}."
        )
        remedy = {"op": "add_field_index", "model": model.model_name, "field": fk.field}
        fix = (
            f"--fix writes AddIndexConcurrently({model.model_name!r}, field={fk.field!r}); then "
            f"set db_index=True on {model.label}.{fk.field} in the model (or remove "
            "db_index=False)."
        )
    subject = f"{model.label}.{fk.field}" if fk else model.label
    return context.drift(
        "SMD131",
        model,
        table,
        f"{subject}: foreign key {constraint.name} ({table.name}.{columns} -> "
        f"{constraint.referenced_table}) has no index led by {columns}: each delete or key "
        f"update of a {constraint.referenced_table} row scans {table.name} "
        f"({rows_and_size(table)}). {why}",
        fix=fix,
        field=fk.field if fk else None,
        objects=[constraint.name],
        details={"db_index": fk.db_index if fk else None, "columns": list(constraint.columns)},
        remedy=remedy,
    )
