"""Which migrations to lint: by name, the unapplied ones, the ones a git change touched, or all.

Every selector returns ``(app_label, migration_name)`` keys of the project's migration graph in
graph order, so they can be handed to :func:`safemigrations.lint.project.lint_migrations`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.exceptions import AmbiguityError
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from safemigrations.lint.source import migration_path

Key = tuple[str, str]


def graph_order(loader: MigrationLoader, keys: Iterable[Key]) -> list[Key]:
    """``keys`` sorted in the order ``migrate`` would apply them."""
    wanted = set(keys)
    ordered: list[Key] = []
    seen: set[Key] = set()
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key in wanted and key not in seen:
                seen.add(key)
                ordered.append(key)
    return ordered


def project_apps() -> list[str]:
    """Labels of the installed apps that live in the project (not in site-packages)."""
    return [c.label for c in apps.get_app_configs() if not _is_installed_package(c.path)]


def installed_package_apps() -> list[str]:
    """Labels of the installed apps that come from installed packages (site-packages):
    ``django.contrib.*``, wagtail, … Their migrations are not the project's to change, so
    ``lintmigrations`` leaves them out unless asked (``--include-installed``), and says so."""
    return [c.label for c in apps.get_app_configs() if _is_installed_package(c.path)]


def _is_installed_package(path: object) -> bool:
    text = str(path)
    return "site-packages" in text or "dist-packages" in text


def left_out(loader: MigrationLoader, selected: Iterable[str]) -> dict[str, int]:
    """``{app_label: number of migrations}`` of the migrated apps not in ``selected``."""
    chosen = set(selected)
    counts: dict[str, int] = {}
    for app_label, _name in loader.graph.nodes:
        if app_label not in chosen:
            counts[app_label] = counts.get(app_label, 0) + 1
    return dict(sorted(counts.items()))


def check_app(loader: MigrationLoader, app_label: str) -> None:
    """Raise ``CommandError`` when ``app_label`` is unknown or has no migrations."""
    try:
        apps.get_app_config(app_label)
    except LookupError as exc:
        raise CommandError(str(exc)) from None
    if app_label not in loader.migrated_apps:
        raise CommandError(f"App '{app_label}' does not have migrations")


def by_name(loader: MigrationLoader, app_label: str, name: str) -> Key:
    """The migration of ``app_label`` whose name starts with ``name`` (as ``sqlmigrate`` does)."""
    check_app(loader, app_label)
    try:
        migration = loader.get_migration_by_prefix(app_label, name)
    except AmbiguityError:
        raise CommandError(
            f"More than one migration matches '{name}' in app '{app_label}'. Please be more "
            "specific."
        ) from None
    except KeyError:
        raise CommandError(
            f"Cannot find a migration matching '{name}' from app '{app_label}'. Is it in "
            "INSTALLED_APPS?"
        ) from None
    return (migration.app_label, migration.name)


def all_of(loader: MigrationLoader, app_labels: Iterable[str]) -> list[Key]:
    """Every migration of the given apps."""
    labels = set(app_labels)
    return graph_order(loader, (k for k in loader.graph.nodes if k[0] in labels))


def unapplied(loader: MigrationLoader, app_labels: Iterable[str], database: str) -> list[Key]:
    """Migrations of the apps not yet recorded as applied in ``database`` (read only)."""
    recorder = MigrationRecorder(connections[database])
    applied = set(recorder.applied_migrations()) if recorder.has_table() else set()
    return [k for k in all_of(loader, app_labels) if k not in applied]


def changed_since(
    loader: MigrationLoader, ref: str, app_labels: Iterable[str], cwd: Path | None = None
) -> list[Key]:
    """Migrations whose file changed since git ``ref`` (plus new, untracked migration files).

    Uses ``git diff --name-only ref`` (committed and uncommitted changes) and
    ``git ls-files --others --exclude-standard``, run in the repository holding ``cwd``.
    """
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    names = _git(["diff", "--name-only", ref, "--"], root).splitlines()
    names += _git(["ls-files", "--others", "--exclude-standard"], root).splitlines()
    changed = {(root / n).resolve() for n in names if n.endswith(".py")}
    labels = set(app_labels)
    keys = []
    for key, migration in loader.disk_migrations.items():
        if key[0] not in labels or key not in loader.graph.nodes:
            continue
        path = migration_path(migration)
        if path is not None and path.resolve() in changed:
            keys.append(key)
    return graph_order(loader, keys)


def _git(args: list[str], cwd: Path | None) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise CommandError("--since needs git, which is not installed") from None
    if proc.returncode != 0:
        raise CommandError(
            f"git {' '.join(args)} failed: {proc.stderr.strip()} "
            "(--since needs a git checkout and a ref that exists, e.g. origin/main)"
        )
    return proc.stdout
