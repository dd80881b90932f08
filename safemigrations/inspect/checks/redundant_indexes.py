"""Indexes that cost writes and space for nothing: duplicates, and prefixes of another index.

*Duplicate*: two valid indexes with the same method, keys, operator classes, sort options,
``INCLUDE`` columns, predicate and uniqueness. *Redundant*: a non-unique b-tree index whose keys
are the leading keys of another valid b-tree index with the same predicate (``(a)`` next to
``(a, b)``), so any query it serves the longer one serves too. The classic source is
``unique_together = [("post", "author")]`` next to the index Django creates for the ``post``
foreign key. A unique index is never redundant to a non-unique one (it enforces something), an
index that backs a constraint is never the one to drop, and an index with ``INCLUDE`` columns is
left alone. The indexes Django creates on the through table of a ``ManyToManyField`` without
``through=`` are not reported: the model cannot change them.
"""

from __future__ import annotations

from collections.abc import Iterator

from safemigrations.db.schema import Index, Table

from ..context import Context, human_bytes
from ..drift import Drift
from ..expected import ExpectedModel


def find(context: Context) -> Iterator[Drift]:
    """One finding per index to drop."""
    for model, table in context.pairs():
        usable = [i for i in table.indexes if i.valid and not i.building]
        reported: set[str] = set()
        for index in sorted(usable, key=lambda i: _keep_rank(model, i)):
            if index.name in reported or _droppable(model, index) is False:
                continue
            twin = next(
                (
                    other
                    for other in sorted(usable, key=lambda i: _keep_rank(model, i))
                    if other.name != index.name
                    and other.name not in reported
                    and other.shape() == index.shape()
                ),
                None,
            )
            if twin is not None and _keep_rank(model, twin) <= _keep_rank(model, index):
                reported.add(index.name)
                yield _finding(context, model, table, index, twin, duplicate=True)
                continue
            wider = next(
                (
                    other
                    for other in usable
                    if other.name != index.name
                    and other.name not in reported
                    and _leads(index, other)
                ),
                None,
            )
            if wider is not None:
                reported.add(index.name)
                yield _finding(context, model, table, index, wider, duplicate=False)


def _keep_rank(model: ExpectedModel, index: Index) -> tuple[int, str]:
    """Lower is better to keep: constraint-backed, then declared by the model, then by name."""
    if index.primary or index.constraint:
        return (0, index.name)
    if model.index_named(index.name) is not None:
        return (1, index.name)
    return (2, index.name)


def _droppable(model: ExpectedModel, index: Index) -> bool:
    if index.primary or index.constraint:
        return False
    expected = model.index_named(index.name)
    return not (model.auto_created and expected is not None)


def _leads(short: Index, long: Index) -> bool:
    """True when ``long`` serves every query ``short`` serves (see the module docstring)."""
    n = len(short.keys)
    return (
        not short.unique
        and not short.include
        and short.method == long.method == "btree"
        and short.predicate == long.predicate
        and n <= len(long.keys)
        and short.keys == long.keys[:n]
        and short.opclasses == long.opclasses[:n]
        and short.options == long.options[:n]
        and short.shape() != long.shape()
    )


def _finding(
    context: Context,
    model: ExpectedModel,
    table: Table,
    index: Index,
    other: Index,
    *,
    duplicate: bool,
) -> Drift:
    expected = model.index_named(index.name)
    field = expected.field if expected else None
    remedy, edit = _remedy(model, index)
    subject = f"{model.label}.{field}" if field else model.label
    relation = (
        f"has the same definition as {other.name}"
        if duplicate
        else f"is covered by {other.name} ({', '.join(other.keys)}), whose keys it leads"
    )
    cost = (
        f"It adds {human_bytes(index.size_bytes)} and one more index write to every INSERT and "
        f"to every UPDATE of its columns ({table.writes:,} rows written since statistics were "
        f"reset, ~{table.rows:,} rows)."
    )
    return context.drift(
        "SMD121" if duplicate else "SMD122",
        model,
        table,
        f"{subject}: index {index.name} on {table.name} ({', '.join(index.keys)}) {relation}. "
        + cost,
        fix=(
            f"Drop {index.name} concurrently (--fix writes it){edit}."
            if remedy
            else f"DROP INDEX CONCURRENTLY {index.name}{edit}."
        ),
        field=field,
        objects=[index.name, other.name],
        cost_bytes=index.size_bytes,
        details={"kept": other.name, "index_scans": index.scans},
        remedy=remedy,
    )


def _remedy(model: ExpectedModel, index: Index) -> tuple[dict[str, str] | None, str]:
    """What ``--fix`` writes to drop ``index``, and the model edit that goes with it."""
    expected = model.index_named(index.name)
    name = model.model_name
    if expected is None:
        return {"op": "drop_unknown_index", "model": name, "index": index.name}, ""
    if expected.source in ("field", "like") and expected.field:
        field = model.model._meta.get_field(expected.field)
        if not field.unique:
            return (
                {"op": "drop_field_index", "model": name, "field": expected.field},
                f", and set db_index=False on {model.label}.{expected.field} in the model",
            )
    if expected.source == "meta_index":
        return (
            {"op": "drop_meta_index", "model": name, "index": index.name},
            f", and remove it from {model.object_name}.Meta.indexes",
        )
    return None, f" and remove what declares it from {model.label}"
