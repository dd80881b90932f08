"""Which migrations a squash replaces, with the errors a user can act on.

The range is Django's: ``APP [START] END`` resolved by prefix, the app's migrations on the path
to ``END``, from ``START`` on. The graph is the one a fresh database would use (existing squashed
migrations replace their originals), so an original that an earlier squash already replaces is
refused with the name of that squash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.migrations.loader import AmbiguityError, MigrationLoader
from django.db.migrations.migration import Migration

from safemigrations.exceptions import SquashError

from .model import Key


@dataclass
class Selection:
    """The migrations to squash, in order, and the graph they were found in."""

    app_label: str
    migrations: list[Migration]
    loader: MigrationLoader
    start_given: bool
    notes: list[str] = field(default_factory=list)

    @property
    def keys(self) -> list[Key]:
        return [(m.app_label, m.name) for m in self.migrations]


def fresh_loader() -> MigrationLoader:
    """The migration graph as a fresh database sees it (no migration applied)."""
    return MigrationLoader(None, ignore_no_migrations=True)


def find_migration(loader: MigrationLoader, app_label: str, name: str) -> Migration:
    """The app's migration ``name`` (a prefix is enough), or a clear error."""
    try:
        return loader.get_migration_by_prefix(app_label, name)
    except AmbiguityError:
        raise SquashError(
            f"More than one migration of app {app_label!r} starts with {name!r}: give more of "
            "its name (`python manage.py showmigrations {app_label}` lists them)."
        ) from None
    except KeyError:
        known = sorted(n for a, n in loader.disk_migrations if a == app_label)
        raise SquashError(
            f"App {app_label!r} has no migration matching {name!r}. Its migrations: "
            f"{', '.join(known) or '(none)'}."
        ) from None


def select(app_label: str, start: str | None, end: str) -> Selection:
    """Resolve ``APP [START] END`` into the migrations to squash."""
    try:
        apps.get_app_config(app_label)
    except LookupError:
        installed = ", ".join(sorted(c.label for c in apps.get_app_configs()))
        raise SquashError(
            f"No installed app with label {app_label!r}. Installed apps: {installed}."
        ) from None
    loader = fresh_loader()
    if app_label not in loader.migrated_apps:
        raise SquashError(f"App {app_label!r} has no migrations, so there is nothing to squash.")
    last = _in_graph(loader, find_migration(loader, app_label, end))
    plan = [
        loader.get_migration(a, n)
        for a, n in loader.graph.forwards_plan((last.app_label, last.name))
        if a == app_label
    ]
    if start:
        first = _in_graph(loader, find_migration(loader, app_label, start))
        if first not in plan:
            raise SquashError(
                f"{app_label}.{first.name} does not come before {app_label}.{last.name}: the "
                "range START END must go forwards (`python manage.py showmigrations "
                f"{app_label}` shows the order)."
            )
        plan = plan[plan.index(first) :]
    for migration in plan:
        if migration.replaces:
            raise SquashError(
                f"{app_label}.{migration.name} is already a squashed migration (it replaces "
                f"{len(migration.replaces)} migrations). Squash only what comes after it "
                f"(START = the migration after {migration.name}), or first turn it into a "
                "normal migration: delete the migrations it replaces and its `replaces` list."
            )
    return Selection(app_label, plan, loader, start_given=bool(start))


def _in_graph(loader: MigrationLoader, migration: Migration) -> Migration:
    """``migration`` when the graph holds it; an error naming the squash that replaces it."""
    key = (migration.app_label, migration.name)
    if key in loader.graph.nodes:
        return migration
    for other_key, other in loader.disk_migrations.items():
        if key in (tuple(r) for r in (other.replaces or [])):
            raise SquashError(
                f"{migration.app_label}.{migration.name} is already replaced by the squashed "
                f"migration {other_key[0]}.{other_key[1]}: the range is partly squashed. Choose "
                f"a range after {other_key[1]}, or squash {other_key[1]} itself once it is a "
                "normal migration."
            )
    raise SquashError(f"{migration.app_label}.{migration.name} is not in the migration graph.")
