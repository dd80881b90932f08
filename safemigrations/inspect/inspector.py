"""Run the drift checks: read the models and the catalog, compare, apply the allowlist."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from safemigrations.db.schema import Schema, read_schema, table_names

from . import allowlist
from .checks import ALL, Check
from .context import Context
from .drift import Drift
from .expected import ExpectedModel, expected_models, table_counts
from .state import applied_state_apps


@dataclass
class Inspection:
    """What one inspection found, and what it looked at."""

    findings: list[Drift]
    allowed: list[tuple[Drift, str]] = field(default_factory=list)
    models: list[ExpectedModel] = field(default_factory=list)
    schema: Schema = field(default_factory=Schema)
    app_labels: list[str] = field(default_factory=list)
    seconds: float = 0.0
    queries: int = 0  # catalog queries run (the migration history read is not counted)
    #: ``{app_label: tables}`` of the apps from installed packages the selection left out
    not_inspected: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """True when nothing is left to report."""
        return not self.findings

    def by_app(self) -> dict[str | None, list[Drift]]:
        """The findings grouped by app label (None: the allowlist's own findings)."""
        grouped: dict[str | None, list[Drift]] = {}
        for drift in self.findings:
            grouped.setdefault(drift.app, []).append(drift)
        return grouped


def inspect_database(
    connection: BaseDatabaseWrapper,
    app_labels: Iterable[str],
    *,
    registry: Any = None,
    allow: dict[str, str] | None = None,
    checks: Sequence[Check] = ALL,
    not_selected: Iterable[str] = (),
) -> Inspection:
    """Compare the catalog of ``connection`` with the models of ``app_labels``.

    ``registry`` is the app registry the models come from; by default the migration state at the
    leaf of the migrations applied to this database. ``allow`` is the allowlist
    (``SAFEMIGRATIONS["DRIFT"]["allow"]``). ``not_selected`` names apps the selection left out
    (those of installed packages, by default): their tables are counted, so the report says
    what was not compared.
    """
    started = time.perf_counter()
    labels = sorted(set(app_labels))
    if registry is None:
        registry = applied_state_apps(connection)
    models = expected_models(registry, labels, connection)
    left_out = table_counts(registry, set(not_selected) - set(labels), connection)
    with connection.cursor() as cursor:
        schema = read_schema(cursor, {m.table for m in models})
        all_tables = table_names(cursor)
    context = Context(
        schema=schema,
        models=models,
        connection=connection,
        all_tables=frozenset(all_tables),
        known_tables=frozenset(_known_tables(registry, connection)),
    )
    found = _locked(context) + _once([drift for check in checks for drift in check(context)])
    filtered = allowlist.apply(found, allow or {})
    return Inspection(
        findings=filtered.findings,
        allowed=filtered.allowed,
        models=models,
        schema=schema,
        app_labels=labels,
        seconds=time.perf_counter() - started,
        queries=schema.queries + 1,
        not_inspected=left_out,
    )


def _locked(context: Context) -> list[Drift]:
    """One finding per table whose definitions could not be read without waiting for a lock."""
    return [
        context.drift(
            "SMD181",
            context.by_table[table],
            None,
            f"{context.by_table[table].label}: {table} was not inspected: backend {pid} holds or "
            "awaits an ACCESS EXCLUSIVE lock on it (a migration running?), and reading its "
            "definitions would wait for it.",
            fix=f"Inspect again once it is done (SELECT query FROM pg_stat_activity WHERE pid = {pid}).",
            objects=[table],
            details={"pid": pid},
        )
        for table, pid in sorted(context.schema.locked.items())
        if table in context.by_table
    ]


#: Kinds that name an index or constraint another check reports more precisely.
_GENERIC = {"SMD152", "SMD153"}


def _once(findings: list[Drift]) -> list[Drift]:
    """Drop a generic "extra object" finding when a precise one names the same object."""
    precise = {(d.table, d.objects[0]) for d in findings if d.kind.id not in _GENERIC and d.objects}
    return [
        d
        for d in findings
        if d.kind.id not in _GENERIC or not d.objects or (d.table, d.objects[0]) not in precise
    ]


def _known_tables(registry: Any, connection: BaseDatabaseWrapper) -> set[str]:
    """Tables of every model of every app, in the state and in the project's models."""
    from django.apps import apps as project_apps

    tables: set[str] = set()
    for source in (registry, project_apps):
        for model in source.get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
    return tables
