"""Prove a squash: build both histories in scratch databases and compare what they built.

Two scratch databases on the server the linter uses (``DATABASE_URL``, the project's own
PostgreSQL server, or the embedded one: :func:`safemigrations.db.scratch.lint_server`). One
is migrated with the graph as it is (the originals), the other with the squashed migrations
replacing them; every app is migrated to its leaf, exactly as ``migrate`` on a fresh database
would. Then catalogs, row counts and the Django states are compared (:mod:`.compare`), and the
``migrate`` time of both paths is kept for the report.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import ExitStack
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from psycopg import sql

from safemigrations.db import schema as catalog_schema
from safemigrations.db.scratch import django_alias, scratch_database
from safemigrations.db.server import DatabaseUnavailable
from safemigrations.exceptions import MigrateFailed, SquashError, SquashNotEquivalent

from .compare import Built, Comparison, compare
from .model import Key


class GraphLoader(MigrationLoader):
    """The project's migrations as on disk, with ``extra`` migrations added and ``drop`` removed,
    as a fresh database sees them (nothing applied, so every squash replaces its originals)."""

    def __init__(self, extra: Iterable[Migration] = (), drop: Iterable[Key] = ()) -> None:
        self.extra = list(extra)
        self.drop = set(drop)
        super().__init__(None, ignore_no_migrations=True)

    def load_disk(self) -> None:
        super().load_disk()
        for key in self.drop:
            dropped = self.disk_migrations.pop(key, None)
            if dropped is not None and dropped.replaces:
                self._redirect(key, tuple(dropped.replaces[-1]))  # type: ignore[arg-type]
        for migration in self.extra:
            self.disk_migrations[(migration.app_label, migration.name)] = migration

    def _redirect(self, dropped: Key, to: Key) -> None:
        """Point dependencies on a dropped squash at the last migration it replaces, as Django's
        graph does when it uses the originals (a later migration may name the squash)."""
        for migration in self.disk_migrations.values():
            for attribute in ("dependencies", "run_before"):
                keys = getattr(migration, attribute)
                if any(tuple(k) == dropped for k in keys):
                    setattr(migration, attribute, [to if tuple(k) == dropped else k for k in keys])


def affected_apps(loader: MigrationLoader, app_label: str) -> set[str]:
    """``app_label`` and every app with a migration that depends on one of it, transitively:
    the apps whose schema a squash of ``app_label`` can change."""
    graph = loader.graph
    stack = [node for key, node in graph.node_map.items() if key[0] == app_label]
    seen = {node.key for node in stack}
    while stack:
        for child in stack.pop().children:
            if child.key not in seen:
                seen.add(child.key)
                stack.append(child)
    return {key[0] for key in seen} | {app_label}


def build(
    loader: MigrationLoader,
    database: str = DEFAULT_DB_ALIAS,
    prefix: str = "squash",
    apps: set[str] | None = None,
) -> Built:
    """Migrate a fresh scratch database with ``loader``'s graph and read what it built.

    ``apps``: migrate only these apps (and what they depend on) to their last migration; every
    app when None.
    """
    from safemigrations.db import scratch

    cleanup = ExitStack()
    try:
        server, settings_dict = scratch.lint_server(database)
        name = cleanup.enter_context(scratch_database(prefix, server))
    except DatabaseUnavailable as exc:
        raise SquashError(f"Cannot prove the squash: {exc} (or pass --no-verify).") from None
    except Exception as exc:
        raise SquashError(
            f"Cannot prove the squash: the PostgreSQL server for scratch databases is unreachable "
            f"({exc}). Start it, set DATABASE_URL to a reachable server, or pass --no-verify."
        ) from None
    with cleanup, django_alias(settings_dict, name, alias=database) as alias:
        connection = connections[alias]
        executor = MigrationExecutor(connection)
        executor.loader = loader
        targets = [k for k in loader.graph.leaf_nodes() if apps is None or k[0] in apps]
        plan = executor.migration_plan(targets, clean_start=True)
        started = time.perf_counter()
        try:
            executor.migrate(targets, plan=plan)
        except Exception as exc:  # any failure to migrate is the finding
            raise MigrateFailed(
                f"migrate on a fresh database fails: {type(exc).__name__}: {exc}"
            ) from exc
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            schema = catalog_schema.read_schema(cursor)
            schema.tables.pop("django_migrations", None)
            sequences = catalog_schema.read_sequences(cursor)
            generation = catalog_schema.read_generation(cursor)
            rows = _row_counts(cursor, sorted(schema.tables))
        state = loader.project_state()
    return Built(schema, sequences, generation, rows, state, seconds)


def _row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    """``count(*)`` of every table, in one query."""
    if not tables:
        return {}
    parts = [
        sql.SQL("SELECT {}, count(*) FROM {}").format(sql.Literal(t), sql.Identifier(t))
        for t in tables
    ]
    query = sql.SQL(" UNION ALL ").join(parts)
    raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
    raw.execute(query)
    return {str(name): int(count) for name, count in raw.fetchall()}


def verify_squash(
    app_label: str, squashed: list[Migration], database: str = DEFAULT_DB_ALIAS
) -> tuple[Comparison, Built, Built]:
    """Build the originals and the squash (``squashed`` replacing them) and compare.

    Only the apps the squash can change are migrated (:func:`affected_apps`).
    """
    loader = GraphLoader()
    apps = affected_apps(loader, app_label)
    try:
        original = build(loader, database, prefix="squash_orig", apps=apps)
    except MigrateFailed as exc:
        raise SquashError(
            f"The original migrations cannot be built to compare with: {exc}. Fix them first, "
            "or pass --no-verify."
        ) from None
    try:
        squash = build(GraphLoader(extra=squashed), database, prefix="squash_new", apps=apps)
    except MigrateFailed as exc:
        raise SquashNotEquivalent(
            f"The squashed migrations do not apply on a fresh database ({exc}); nothing was "
            "written. Squash a shorter range, or report the operation that fails."
        ) from None
    return compare(original, squash), original, squash


def verify_existing(key: Key, database: str = DEFAULT_DB_ALIAS) -> tuple[Comparison, Built, Built]:
    """Build the project without the squashed migration ``key`` and with it, and compare.

    :class:`MigrateFailed` when either history does not apply (the message says which).
    """
    loader = GraphLoader(drop=[key])
    apps = affected_apps(loader, key[0])
    try:
        original = build(loader, database, prefix="squash_orig", apps=apps)
    except MigrateFailed as exc:
        raise MigrateFailed(f"the migrations it replaces: {exc}") from None
    try:
        squash = build(GraphLoader(), database, prefix="squash_new", apps=apps)
    except MigrateFailed as exc:
        raise MigrateFailed(f"the squashed migration: {exc}") from None
    return compare(original, squash), original, squash
