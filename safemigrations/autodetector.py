"""A ``makemigrations`` autodetector that writes safe operations where Django writes blocking ones.

Django's :class:`~django.db.migrations.autodetector.MigrationAutodetector` first detects the
changes of each app as a list of migrations, then names them and wires them into the graph. This
subclass runs *rewriters* between those two steps. A rewriter is a function registered with
:func:`register_rewriter`::

    @register_rewriter
    def rewrite_on_delete(detector: SafeMigrationAutodetector,
                          migrations: dict[str, list[Migration]]) -> None:
        ...

It may replace operations in place and move operations that must run outside a transaction into
a migration of their own with :meth:`SafeMigrationAutodetector.add_non_atomic_migration`.
Rewriters only touch tables that already exist (models present in ``detector.from_state``): a new
table is empty, so the plain operation is already safe there.

Rewriting is on by default when the default database is PostgreSQL and can be switched with
``SAFEMIGRATIONS["SAFE_MAKEMIGRATIONS"] = True/False``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections
from django.db.migrations import Migration
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.operations.base import Operation

from .conf import setting

Rewriter = Callable[["SafeMigrationAutodetector", dict[str, list[Migration]]], None]

REWRITERS: list[Rewriter] = []

#: Modules whose import registers rewriters (each feature keeps its own).
REWRITER_MODULES = (
    "safemigrations.autodetect.on_delete",
    "safemigrations.autodetect.indexes",
)


def register_rewriter(func: Rewriter) -> Rewriter:
    """Add ``func`` to the rewriters every :class:`SafeMigrationAutodetector` runs."""
    if func not in REWRITERS:
        REWRITERS.append(func)
    return func


def load_rewriters() -> list[Rewriter]:
    """Import the rewriter modules that exist (features register on import)."""
    for module in REWRITER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return REWRITERS


def safe_makemigrations_enabled() -> bool:
    """The setting, or (when unset) whether the default database is PostgreSQL."""
    configured = setting("SAFE_MAKEMIGRATIONS")
    if configured is not None:
        return bool(configured)
    return connections["default"].vendor == "postgresql"


class SafeMigrationAutodetector(MigrationAutodetector):
    """Django's autodetector plus the registered rewriters."""

    def _detect_changes(self, convert_apps: Any = None, graph: Any = None) -> dict[str, list[Any]]:
        migrations = super()._detect_changes(convert_apps, graph)  # type: ignore[misc]
        if safe_makemigrations_enabled():
            for rewriter in load_rewriters():
                rewriter(self, migrations)
        # Drop migrations a rewriter emptied.
        for app_label in list(migrations):
            migrations[app_label] = [m for m in migrations[app_label] if m.operations]
            if not migrations[app_label]:
                del migrations[app_label]
        return migrations

    def table_exists_in_from_state(self, app_label: str, model_name: str) -> bool:
        """True when the model existed before these changes (so its table may be large)."""
        return (app_label, model_name.lower()) in self.from_state.models

    def old_field(self, app_label: str, model_name: str, name: str) -> Any:
        """Field ``name`` of ``model_name`` before these changes (following renames), or None."""
        model = model_name.lower()
        old_model = self.renamed_models.get((app_label, model), model)
        old_name = self.renamed_fields.get((app_label, model, name), name)
        model_state = self.from_state.models.get((app_label, old_model))
        return None if model_state is None else model_state.fields.get(old_name)

    def add_non_atomic_migration(
        self,
        migrations: dict[str, list[Migration]],
        app_label: str,
        operations: Iterable[Operation],
    ) -> Migration:
        """Append a migration with ``atomic = False`` holding ``operations`` to the app's changes.

        It depends on the app's previous migration in this run, so it is applied after the
        ordinary (atomic) changes; Django names it when it arranges the graph.
        """
        app_migrations = migrations.setdefault(app_label, [])
        name = f"auto_{len(app_migrations) + 1}"
        migration_class = type("Migration", (Migration,), {"operations": [], "dependencies": []})
        migration = migration_class(name, app_label)
        migration.atomic = False
        migration.operations = list(operations)
        if app_migrations:
            migration.dependencies.append((app_label, app_migrations[-1].name))
        app_migrations.append(migration)
        return migration
