"""What every drift check reads: the catalog, the expected models, and how to make a finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from safemigrations.db.schema import Schema, Table

from .drift import KINDS, Drift
from .expected import ExpectedModel
from .matching import Matches, match


@dataclass
class Context:
    """The database's schema and the models it should match, table by table."""

    schema: Schema
    models: list[ExpectedModel]
    connection: BaseDatabaseWrapper
    #: Every table name of the search path (not owned by an extension), for stray tables.
    all_tables: frozenset[str] = frozenset()
    #: Every table a model of any app uses (managed or not, selected or not).
    known_tables: frozenset[str] = frozenset()
    by_table: dict[str, ExpectedModel] = field(default_factory=dict)
    _matches: dict[str, Matches] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_table = {m.table: m for m in self.models}
        for model, table in self.pairs():
            found = match(model, table)
            self._matches[model.table] = found
            model.live_names = {
                live: declared
                for declared, live in (*found.indexes.items(), *found.checks.items())
                if live != declared
            }

    def matches(self, model: ExpectedModel, table: Table) -> Matches:
        """Which live index or constraint of ``table`` is which object ``model`` declares (by
        name, else by definition: :mod:`.matching`); every check sees the same pairing, and
        ``model.index_named``/``check_named`` know the live names it found."""
        if model.table not in self._matches:
            self._matches[model.table] = match(model, table)
        return self._matches[model.table]

    def pairs(self) -> list[tuple[ExpectedModel, Table]]:
        """Each expected model with its table, for the tables that exist."""
        return [
            (model, self.schema.tables[model.table])
            for model in self.models
            if model.table in self.schema.tables
        ]

    def drift(
        self,
        kind_id: str,
        model: ExpectedModel | None,
        table: Table | None,
        message: str,
        **kw: Any,
    ) -> Drift:
        """A finding about ``model``'s ``table``, with the table's row estimate and size.

        A ``remedy`` gets the model's app label. Operations cannot name the through table
        Django creates for a ``ManyToManyField`` without ``through=``: on it, only an index no
        model declares keeps its remedy (a plain ``DROP INDEX CONCURRENTLY``).
        """
        remedy = kw.pop("remedy", None)
        if remedy is not None and model is not None:
            remedy = {**remedy, "app": model.app_label}
            if model.auto_created and remedy["op"] != "drop_unknown_index":
                remedy = None
                kw["fix"] = (
                    kw.get("fix", "").replace(" (--fix writes it)", "")
                    + f" Not written by --fix: {model.table} is the table Django creates for a "
                    "ManyToManyField without through=, which migration operations cannot name "
                    "(AddDBCascadeConstraint takes m2m_side= for its keys' actions)."
                )
        return Drift(
            remedy=remedy,
            kind=KINDS[kind_id],
            message=message,
            app=model.app_label if model else None,
            model=model.label if model else None,
            table=table.name if table else (model.table if model else None),
            rows=table.rows if table else 0,
            size_bytes=table.size_bytes if table else 0,
            **kw,
        )


def human_bytes(size: int) -> str:
    """``8.0 kB``, ``12.3 MB``: sizes for people (powers of 1024, PostgreSQL's units)."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def rows_and_size(table: Table) -> str:
    """``~1,200 rows, 4.2 MB``: the table's estimates, for messages."""
    return f"~{table.rows:,} rows, {human_bytes(table.size_bytes)}"
