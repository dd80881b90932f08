"""``exporttablestats``: the size of every table, for judging lint findings by real table size.

Run it against a production or replica database; it writes JSON with each table's schema, name,
estimated row count and total size, read from PostgreSQL's statistics (``pg_class.reltuples``,
``pg_stat_user_tables``, ``pg_total_relation_size``). No table is scanned and no row is read, so
the file holds no data. ``lintmigrations --table-stats FILE`` and ``sqlmigrate --lint
--table-stats FILE`` then grade each finding by the size of the table it is about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from safemigrations.lint.tablesize import TableStats


class Command(BaseCommand):
    """Write table statistics (schema, table, estimated rows, total size) as JSON."""

    help = (
        "Export each table's estimated rows and total size (statistics only, no data) as JSON, "
        "for `lintmigrations --table-stats FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The DATABASES alias to read (a production or replica database).",
        )
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        if alias not in connections.databases:
            known = ", ".join(connections.databases) or "none"
            raise CommandError(f"--database {alias!r} is not in DATABASES (known aliases: {known})")
        connection = connections[alias]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"database {alias!r} is {connection.vendor}, not PostgreSQL: table statistics "
                "are read from PostgreSQL's catalog"
            )
        try:
            with connection.cursor() as cursor:
                stats = TableStats.read(cursor, source=f"database {alias}")
        except DatabaseError as exc:
            raise CommandError(f"cannot read table statistics from {alias!r}: {exc}") from None
        text = stats.to_json(database=alias)
        output = options["output"]
        if not output:
            self.stdout.write(text)
            return
        path = Path(output)
        try:
            path.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
        self.stderr.write(f"Wrote the statistics of {len(stats.tables)} table(s) to {path}.")
