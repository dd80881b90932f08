"""The models as the applied migrations left them: the migration state at the applied leaf.

That is what ``migrate`` has put into the database, so the inspector compares the catalog with
it: migrations written but not applied yet are not drift (``migrate --check`` lists them), and
models changed without a migration are ``makemigrations --check``'s business.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState


def applied_state_apps(connection: BaseDatabaseWrapper) -> Any:
    """An app registry of the models at the leaf of the migrations applied to ``connection``."""
    loader = MigrationExecutor(connection).loader
    leaves = _applied_leaves(loader)
    if not leaves:
        return ProjectState(real_apps=loader.unmigrated_apps).apps
    return loader.project_state(nodes=leaves, at_end=True).apps


def _applied_leaves(loader: MigrationLoader) -> list[tuple[str, str]]:
    """The applied migrations no other applied migration depends on."""
    applied = set(loader.applied_migrations or ())
    graph = loader.graph
    return sorted(
        key
        for key in applied
        if key in graph.nodes
        and not any(child in applied for child in graph.node_map[key].children)
    )


def migrated_app_labels(connection: BaseDatabaseWrapper) -> set[str]:
    """Labels of the apps that have migrations."""
    return set(MigrationLoader(connection, ignore_no_migrations=True).migrated_apps)
