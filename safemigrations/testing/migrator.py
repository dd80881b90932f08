"""Migrate an app to a given migration, and read the SQL a migration runs, in tests."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState


class Migrator:
    """Thin wrapper over Django's own migration machinery, bound to one database alias."""

    def __init__(self, database: str = DEFAULT_DB_ALIAS) -> None:
        self.database = database

    @property
    def connection(self):  # type: ignore[no-untyped-def]
        return connections[self.database]

    def migrate(
        self, app_label: str, migration: str | None = None, verbosity: int = 0, **options: object
    ) -> str:
        """Run ``migrate app_label [migration]`` (latest when omitted) and return what it printed."""
        out = StringIO()
        args = [app_label] if migration is None else [app_label, migration]
        call_command(
            "migrate",
            *args,
            database=self.database,
            verbosity=verbosity,
            interactive=False,
            stdout=out,
            **options,
        )
        return out.getvalue()

    def sqlmigrate(self, app_label: str, migration: str, backwards: bool = False) -> str:
        """What ``sqlmigrate`` prints for the migration."""
        out = StringIO()
        call_command(
            "sqlmigrate",
            app_label,
            migration,
            database=self.database,
            backwards=backwards,
            stdout=out,
        )
        return out.getvalue()

    def state(self, app_label: str, migration: str) -> ProjectState:
        """The project state right after ``app_label.migration``."""
        executor = MigrationExecutor(self.connection)
        return executor.loader.project_state((app_label, migration), at_end=True)

    def applied(self, app_label: str) -> list[str]:
        """Names of the app's applied migrations, in order of application."""
        executor = MigrationExecutor(self.connection)
        return sorted(name for app, name in executor.loader.applied_migrations if app == app_label)
