"""``sqlmigrate`` that can lint, and that does not crash on a concurrent operation.

* ``sqlmigrate APP NAME``: Django's output. An atomic migration holding a concurrent operation
  (``AddIndexConcurrently`` …) makes Django's command raise ``NotSupportedError``; this one prints
  the SQL the operations would run without a transaction, under a comment saying that
  ``migrate`` fails on the migration as written.
* ``sqlmigrate --lint APP NAME``: the SQL ``migrate`` will really run (replayed on a scratch
  database at the state before the migration, so no ``(no-op)`` where an index or constraint is
  really dropped, and ``BEGIN``/``COMMIT`` where transactions really are), each statement
  followed by its findings. Exit status 1 when a finding reaches ``fail_on``.

Listed anywhere in ``INSTALLED_APPS``: when another app also has a ``sqlmigrate``, this command
runs that one with :class:`SafeSqlmigrateMixin` on top (see
:mod:`safemigrations.management.compose`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.core.management.commands.sqlmigrate import Command as DjangoSqlmigrateCommand
from django.db import NotSupportedError, connections
from django.db.migrations.loader import MigrationLoader

from safemigrations.lint import targets
from safemigrations.lint.collect import CollectedMigration, is_transaction_control
from safemigrations.lint.model import Finding, Statement
from safemigrations.lint.project import lint_migrations
from safemigrations.lint.report.text import fresh_note
from safemigrations.lint.tablesize import size_text
from safemigrations.management.compose import DelegatingCommand
from safemigrations.management.lint_build import add_build_options, build_lines
from safemigrations.management.lint_support import (
    add_judgement_options,
    fail_if_needed,
    lint_config,
    scratch_databases_allowed,
    table_stats_from,
)


class SafeSqlmigrateMixin:
    """What safemigrations adds to a ``sqlmigrate`` command: ``--lint``, and the SQL of a
    migration Django refuses to show (a concurrent operation in an atomic migration).

    Put it before Django's (or your) ``sqlmigrate`` ``Command`` in the bases.
    """

    stdout: OutputWrapper
    stderr: OutputWrapper
    style: Any
    output_transaction: bool

    help = DjangoSqlmigrateCommand.help + " With --lint: the SQL migrate really runs, linted."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)  # type: ignore[misc]
        parser.add_argument(
            "--lint",
            action="store_true",
            help="Replay the migration on a scratch database and print the SQL it really runs, "
            "with the linter's findings under each statement.",
        )
        parser.add_argument("--target-pg-version", metavar="N", default=None)
        parser.add_argument("--fail-on", choices=["error", "warning", "info"], default=None)
        add_judgement_options(parser)
        add_build_options(parser)

    def handle(self, *args: Any, **options: Any) -> str | None:
        if options["lint"]:
            if options["backwards"]:
                raise CommandError("--lint lints a migration forwards; drop --backwards.")
            self.output_transaction = False
            self.lint(options)
            return None
        try:
            result: str | None = super().handle(*args, **options)  # type: ignore[misc]
            return result
        except NotSupportedError as exc:
            return self.without_transaction(exc, options)

    # -- plain sqlmigrate that does not crash -----------------------------------------------------

    def without_transaction(self, error: Exception, options: dict[str, Any]) -> str:
        """The SQL of a migration that cannot run atomically, collected without a transaction."""
        connection = connections[options["database"]]
        loader = MigrationLoader(connection, replace_migrations=False)
        key = targets.by_name(loader, options["app_label"], options["migration_name"])
        migration = loader.graph.nodes[key]
        migration.atomic = False  # this loader's own instance
        self.output_transaction = False
        sql = loader.collect_sql([(migration, options["backwards"])])
        note = [
            f"-- migrate fails on this migration as written: {error}",
            "-- Below: the SQL of its operations run without a transaction "
            "(set atomic = False on the Migration).",
        ]
        return "\n".join(note + sql)

    # -- --lint ----------------------------------------------------------------------------------

    def lint(self, options: dict[str, Any]) -> None:
        config = lint_config(
            fail_on=options["fail_on"],
            target_pg_version=options["target_pg_version"],
            include_fresh=options["include_fresh"],
        )
        table_stats = table_stats_from(options)
        # The graph migrate uses on a new database: a squashed migration stands for the ones it
        # replaces (with both in the graph the replay would apply the same changes twice). A
        # migration a squash replaces is linted in the graph that still has it, as Django's
        # sqlmigrate shows it: what a database that applied only some of them runs.
        loader = MigrationLoader(None, ignore_no_migrations=True)
        key = targets.by_name(loader, options["app_label"], options["migration_name"])
        if key not in loader.graph.nodes:
            self.stderr.write(f"-- {replaced_by_squash(loader, key)}")
            loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
        with scratch_databases_allowed(options["database"]):
            result = lint_migrations(
                [key],
                config=config,
                database=options["database"],
                loader=loader,
                table_stats=table_stats,
                build=options["build"],
                cache_dir=options["cache_dir"],
            )
        assert result.collection is not None
        for collected in result.collection.migrations:
            self.write_linted(collected, result.by_migration.get(collected.key, []))
        note = fresh_note(len(result.fresh), shown=config.include_fresh).strip()
        if note:
            self.stdout.write(f"-- {note}")
        # On standard error: standard output stays the SQL (and its findings) to pipe or diff.
        for line in build_lines(result.collection):
            self.stderr.write(f"-- {line}")
        fail_if_needed(result.findings, config)

    def write_linted(self, collected: CollectedMigration, findings: list[Finding]) -> None:
        """sqlmigrate's layout (operation comment blocks), real transaction boundaries, and the
        findings below the statement they are about."""
        pending = list(findings)
        statements = collected.to_statements()
        descriptions = collected.descriptions()
        shown_ops: set[int | None] = set()
        open_tx: int | None = None
        for index, description in enumerate(descriptions):
            if not any(s.operation_index == index for s in statements):
                self.write_operation(description, deferred=False)
                self.stdout.write("-- (no-op)")
                self.write_findings(_take(pending, index, None))
                shown_ops.add(index)
        for stmt in statements:
            if is_transaction_control(stmt.sql):
                continue
            tx = stmt.transaction_id if stmt.in_transaction else None
            if tx != open_tx:
                if open_tx is not None:
                    self.stdout.write(self.style.SQL_KEYWORD("COMMIT;"))
                if tx is not None:
                    self.stdout.write(self.style.SQL_KEYWORD("BEGIN;"))
                open_tx = tx
            if stmt.operation_index not in shown_ops:
                shown_ops.add(stmt.operation_index)
                if stmt.operation_index is not None:
                    self.write_operation(descriptions[stmt.operation_index], deferred=False)
                    self.write_findings(_take(pending, stmt.operation_index, ""))
            self.stdout.write(stmt.sql.rstrip().rstrip(";") + ";")
            self.write_findings(_take(pending, stmt.operation_index, stmt.sql, stmt))
        if open_tx is not None:
            self.stdout.write(self.style.SQL_KEYWORD("COMMIT;"))
        if pending:
            self.stdout.write("--\n-- The migration as a whole\n--")
            self.write_findings(pending)

    def write_operation(self, description: str, *, deferred: bool) -> None:
        self.stdout.write("--")
        self.stdout.write(f"-- {description}")
        self.stdout.write("--")

    def write_findings(self, findings: list[Finding]) -> None:
        styles = {"error": self.style.ERROR, "warning": self.style.WARNING}
        for f in findings:
            paint = styles.get(str(f.severity), self.style.NOTICE)
            # Every line stays an SQL comment (a database error's message spans several lines).
            message = "\n--     ".join(f.message.splitlines() or [""])
            self.stdout.write(paint(f"--   ^ {f.rule} {f.severity}: {message}"))
            if f.table_size:
                self.stdout.write(f"--     size: {size_text(f.table_size)}")
            if f.fresh:
                self.stdout.write(f"--     fresh: {f.fresh}")
            if f.fix:
                first = f.fix.strip().splitlines()[0]
                self.stdout.write(f"--     fix: {first}")


class Command(DelegatingCommand, SafeSqlmigrateMixin, DjangoSqlmigrateCommand):
    """Django's ``sqlmigrate`` (or the next app's) with :class:`SafeSqlmigrateMixin`."""

    command_name = "sqlmigrate"
    safe_mixin = SafeSqlmigrateMixin
    django_command = DjangoSqlmigrateCommand


def _take(
    pending: list[Finding], index: int | None, sql: str | None, stmt: Statement | None = None
) -> list[Finding]:
    """Remove and return the findings located at operation ``index`` and statement ``sql``."""
    taken = [
        f
        for f in pending
        if f.operation_index == index
        and (sql is None or f.sql == sql or (stmt is None and not f.sql))
    ]
    for f in taken:
        pending.remove(f)
    return taken


def replaced_by_squash(loader: MigrationLoader, key: tuple[str, str]) -> str:
    """The note for a migration that a squashed migration replaces in the graph."""
    squashes = [
        f"{squash[0]}.{squash[1]}"
        for squash, migration in loader.replacements.items()
        if key in migration.replaces
    ]
    name = f"{key[0]}.{key[1]}"
    if not squashes:
        return f"{name} is linted in the graph of the original migrations"
    return (
        f"{name} is replaced by the squashed migration {squashes[0]}: linted here as a database "
        f"that applied only some of them runs it; a new database runs the squash (`sqlmigrate "
        f"--lint {key[0]} {squashes[0].split('.', 1)[1]}`)"
    )
