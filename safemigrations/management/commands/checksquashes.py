"""``checksquashes``: prove, for CI, that every squashed migration builds what its originals do.

Exit status: 0 when every checkable squash is equivalent, 1 when one differs, 2 when the check
could not run (no reachable PostgreSQL server). Logic: :mod:`safemigrations.squash.check`.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safemigrations.exceptions import SafeMigrationsError
from safemigrations.squash.check import check_squashes


class Command(BaseCommand):
    """Verify existing squashed migrations (``replaces = [...]``) on scratch databases."""

    help = (
        "Verify every squashed migration whose replaced migrations still exist: the schema, rows "
        "and migration state it builds must equal the originals'."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("app_label", nargs="*", help="Only these apps (default: every app).")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--database", default="default", help="Database whose server hosts scratch databases."
        )

    def handle(self, *app_labels: str, **options: Any) -> None:
        try:
            report = check_squashes(list(app_labels) or None, options["database"])
        except SafeMigrationsError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps([c.as_dict() for c in report.checks], indent=2))
        else:
            self._text(report)
        if report.failed:
            names = ", ".join(f"{c.key[0]}.{c.key[1]}" for c in report.failed)
            raise CommandError(
                f"{len(report.failed)} squashed migration(s) differ from their originals: {names}. "
                "Fix the squashed file (or squash again with `squashmigrations`).",
                returncode=1,
            )

    def _text(self, report: Any) -> None:
        if not report.checks:
            self.stdout.write("No squashed migrations found.")
        for check in report.checks:
            label = f"{check.key[0]}.{check.key[1]} (replaces {len(check.replaces)})"
            if check.comparison is None:
                self.stdout.write(self.style.WARNING(f"NOT CHECKED {label}: {check.skipped}"))
                continue
            if check.ok:
                self.stdout.write(self.style.SUCCESS(f"OK {label}"))
            else:
                self.stdout.write(self.style.ERROR(f"DIFFERS {label}:"))
                for difference in check.comparison.differences:
                    self.stdout.write(f"  - {difference}")
            for note in check.comparison.notes:
                self.stdout.write(f"  note: {note}")
        checked = len(report.checks) - len(report.skipped)
        self.stdout.write(
            f"{checked} checked, {len(report.failed)} differ, {len(report.skipped)} not checkable."
        )
