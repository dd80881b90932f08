"""``inspectdrift``: compare the live database with the models, and optionally write the fix.

Reads the catalog of ``--database`` and the models at the leaf of its applied migrations, and
reports each difference per model and field with the names of the objects, the table's
estimated rows and size, and what to do. Exit status 1 when a finding reaches ``--fail-on``.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from safemigrations.inspect import KINDS, inspect_database
from safemigrations.inspect.config import DriftConfig, DriftConfigError
from safemigrations.inspect.fix import FixError, write_fixes
from safemigrations.inspect.report import FORMATS, not_inspected_note, render
from safemigrations.lint.targets import installed_package_apps, project_apps
from safemigrations.management.lint_support import style_hook


class Command(BaseCommand):
    """Report drift between the database and the models; exit 1 at ``--fail-on``."""

    help = (
        "Compare the real catalog of a database with the models (migration state at the "
        "applied leaf): ON DELETE, NOT VALID constraints, INVALID indexes, duplicate and "
        "redundant indexes, unindexed foreign keys. --fix writes a migration that fixes them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "app_label",
            nargs="*",
            help="Only these apps (default: the project's own apps; apps from installed "
            "packages such as django.contrib.* are counted, not inspected, unless "
            "--include-installed).",
        )
        parser.add_argument(
            "--include-installed",
            action="store_true",
            help="Also inspect the apps that come from installed packages (site-packages): "
            "their tables drift too (a failed upgrade, an index added by hand).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to read.")
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument(
            "--fail-on",
            choices=["error", "warning", "info"],
            default=None,
            help='Lowest severity that makes the exit status 1 (default: SAFEMIGRATIONS["DRIFT"]'
            '["fail_on"], else error).',
        )
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Write a migration into each app that puts the database back in line with "
            "the models, and list what it cannot fix.",
        )
        parser.add_argument(
            "--list", action="store_true", help="List the kinds of drift (ids and names)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for kind in KINDS.values():
                self.stdout.write(f"{kind.id}  {kind.name:<26} {kind.severity:<8} {kind.title}")
            return
        config = self._config(options)
        labels, not_selected = self._labels(
            options["app_label"], config, include_installed=options["include_installed"]
        )
        alias = options["database"]
        if alias not in connections:
            raise CommandError(
                f"No database {alias!r} in DATABASES (known: {', '.join(connections)})."
            )
        connection = connections[alias]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"inspectdrift reads PostgreSQL's catalog; database {alias!r} is "
                f"{connection.vendor}."
            )
        try:
            inspection = inspect_database(
                connection, labels, allow=dict(config.allow), not_selected=not_selected
            )
        except DatabaseError as exc:
            raise CommandError(
                f"Could not read the catalog of database {alias!r}: {str(exc).strip()}. Check "
                "that it is reachable and that its user may read pg_catalog."
            ) from None
        style = style_hook(self)
        self.stdout.write(render(inspection, options["format"], style=style))
        note = not_inspected_note(inspection)
        if note and options["format"] != "text":
            self.stderr.write(note)  # the machine formats keep their shape; people read stderr
        if options["fix"]:
            # Machine-readable formats keep stdout for the report.
            out = self.stdout if options["format"] == "text" else self.stderr
            self._fix(connection, inspection, out)
        failing = [d for d in inspection.findings if config.fails(d.level)]
        if failing:
            raise CommandError(
                f"{len(failing)} finding(s) at or above {config.fail_on.value} level: fix them "
                '(--fix), or accept them with a reason in SAFEMIGRATIONS["DRIFT"]["allow"].',
                returncode=1,
            )

    def _config(self, options: dict[str, Any]) -> DriftConfig:
        data = (getattr(settings, "SAFEMIGRATIONS", None) or {}).get("DRIFT")
        try:
            return DriftConfig.from_settings(data, fail_on=options["fail_on"])
        except DriftConfigError as exc:
            raise CommandError(str(exc)) from None

    def _labels(
        self, given: list[str], config: DriftConfig, *, include_installed: bool
    ) -> tuple[list[str], list[str]]:
        """The apps to inspect, and the apps from installed packages left out (to count)."""
        for label in given:
            try:
                apps.get_app_config(label)
            except LookupError as exc:
                raise CommandError(str(exc)) from None
        installed = installed_package_apps()
        labels = list(given) or project_apps() + (installed if include_installed else [])
        left_out = [] if given or include_installed else installed
        return (
            [label for label in labels if label not in config.exclude_apps],
            [label for label in left_out if label not in config.exclude_apps],
        )

    def _fix(self, connection: Any, inspection: Any, out: Any) -> None:
        try:
            plan = write_fixes(connection, inspection.findings, inspection.models)
        except (FixError, OSError) as exc:
            raise CommandError(f"--fix wrote nothing more: {exc}") from None
        for written in plan.written:
            out.write(
                self.style.MIGRATE_HEADING(f"Wrote {written.path}")
                + f" ({len(written.fixed)} fix(es); run: manage.py migrate {written.app_label})"
            )
            for edit in written.model_edits:
                out.write(f"  model edit that goes with it: {edit}")
        if plan.not_fixed:
            out.write(self.style.WARNING(f"Not fixed by --fix ({len(plan.not_fixed)}):"))
            for drift in plan.not_fixed:
                out.write(f"  {drift.kind.id} {drift.subject or drift.objects}: {drift.fix}")
        if not plan.written and not plan.not_fixed:
            out.write("Nothing to fix.")
