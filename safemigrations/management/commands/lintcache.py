"""``lintcache``: list or drop the scratch and template databases the linter keeps on its server.

The linter creates its databases on the server ``SAFEMIGRATIONS["LINT_DATABASE_URL"]`` names
(else the project's own), all named with ``SAFEMIGRATIONS["LINT_DATABASE_PREFIX"]``
(``smlint_``): ``…run_…`` while a run lasts (one left behind means a run was killed),
``…tpl_…`` templates kept so the next run starts from them (at most four), and ``…old_…``:
databases a run is done with, renamed rather than dropped on its path (a drop forces a
checkpoint) and dropped in the background by the next run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from safemigrations.db.scratch import (
    drop_unused_database,
    lint_databases,
    lint_prefix,
    lint_server,
)
from safemigrations.db.server import DatabaseUnavailable


class Command(BaseCommand):
    """List (default) or drop (``--clear``) the linter's databases, and its dump files."""

    help = (
        "List the linter's scratch and template databases (name, size, in use), or drop them "
        "with --clear. Databases a running lint uses are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--list", action="store_true", help="List them (the default).")
        action.add_argument("--clear", action="store_true", help="Drop them.")
        parser.add_argument(
            "--cache-dir",
            metavar="DIR",
            help="Also list (or, with --clear, remove) the template dumps in DIR.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database whose server hosts them (when LINT_DATABASE_URL is not set).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        prefix = lint_prefix()
        try:
            server, _ = lint_server(options["database"])
        except DatabaseUnavailable as exc:
            raise CommandError(str(exc)) from None
        try:
            found = lint_databases(server, prefix)
        except psycopg.Error as exc:
            raise CommandError(
                f"Cannot list the linter's databases on {server.source}: {str(exc).strip()}. "
                'Check SAFEMIGRATIONS["LINT_DATABASE_URL"] (or the project\'s database settings).'
            ) from None
        dumps = sorted(Path(options["cache_dir"]).glob("*.dump")) if options["cache_dir"] else []
        if options["clear"]:
            self.clear(server, found, dumps)
            return
        if not found and not dumps:
            self.stdout.write(f"No linter databases (prefix {prefix!r}) on {server.source}.")
            return
        total = 0
        for name, size, sessions in found:
            kind = (
                "template"
                if name.startswith(prefix + "tpl_")
                else "retired, dropped by the next run"
                if name.startswith(prefix + "old_")
                else "scratch"
            )
            used = f", {sessions} session(s) connected" if sessions else ""
            self.stdout.write(f"{name}  {kind}  {size / 1e6:.1f} MB{used}")
            total += size
        for dump in dumps:
            self.stdout.write(f"{dump}  dump  {dump.stat().st_size / 1e6:.1f} MB")
        self.stdout.write(
            f"{len(found)} database(s), {total / 1e6:.1f} MB on {server.source}"
            + (f"; {len(dumps)} dump file(s)" if dumps else "")
            + ". Drop them with: manage.py lintcache --clear"
        )

    def clear(self, server: Any, found: list[tuple[str, int, int]], dumps: list[Path]) -> None:
        dropped = kept = 0
        for name, _size, _sessions in found:
            if drop_unused_database(server, name):
                dropped += 1
            else:
                kept += 1
                self.stdout.write(f"{name}: in use by a running lint, kept")
        for dump in dumps:
            dump.unlink(missing_ok=True)
        self.stdout.write(
            f"Dropped {dropped} database(s)"
            + (f", kept {kept} in use" if kept else "")
            + (f", removed {len(dumps)} dump file(s)" if dumps else "")
            + "."
        )
