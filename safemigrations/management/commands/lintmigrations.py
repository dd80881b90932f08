"""``lintmigrations``: lint the SQL that migrations will really run, for CI and for people.

Each selected migration is applied on a scratch database at the state before it (a cached
template database makes repeated runs cheap), the statements it really executes are collected
with their transaction boundaries, and the SQL rules and the Django-level rules judge them.

The same command is always available as ``safelintmigrations``, for projects where another app
(django-migration-linter) owns ``lintmigrations``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.db.migrations.loader import MigrationLoader

from safemigrations.lint import targets
from safemigrations.lint.collect import scratch_server
from safemigrations.lint.config import LintConfig
from safemigrations.lint.project import LintResult, lint_migrations
from safemigrations.lint.replay.runner import cache_key
from safemigrations.lint.report import FORMATS, render
from safemigrations.lint.report.text import fresh_note, summary
from safemigrations.lint.tablesize import counts
from safemigrations.lint.trace import MigrationTracer, render_trace
from safemigrations.management.checks import lintmigrations_note
from safemigrations.management.lint_build import add_build_options, build_lines, write_stats
from safemigrations.management.lint_support import (
    add_judgement_options,
    fail_if_needed,
    lint_config,
    scratch_databases_allowed,
    style_hook,
    table_stats_from,
)


class Command(BaseCommand):
    """Lint migrations; exit status 1 when a finding reaches ``--fail-on``."""

    help = (
        "Lint the SQL that migrations really run (replayed on a scratch database): locks, "
        "rewrites, scans, failures, and Django-level hazards."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """Django's parser; its errors also say which app's ``lintmigrations`` this is when
        another app has one too (options of the other linter are refused here)."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        note = lintmigrations_note()
        if note is not None:
            error = parser.error

            def error_with_note(message: str) -> Any:
                return error(f"{message}\n{note}")

            parser.error = error_with_note  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app_label", nargs="?", help="Only this app.")
        parser.add_argument("migration_name", nargs="?", help="Only this migration (a prefix).")
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--since", metavar="GIT_REF", help="Only migrations whose file changed since GIT_REF."
        )
        which.add_argument(
            "--unapplied",
            action="store_true",
            help="Only migrations not yet applied to the database, of every app (those of "
            "installed packages included: `migrate` will run them too).",
        )
        which.add_argument(
            "--all",
            action="store_true",
            help="Every migration of the project's apps (default; apps from installed packages "
            "such as django.contrib.* are counted, not linted, unless --include-installed).",
        )
        parser.add_argument(
            "--include-installed",
            action="store_true",
            help="Also lint the apps that come from installed packages (site-packages), e.g. "
            "before upgrading one whose new migrations will run on your tables.",
        )
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument(
            "--target-pg-version",
            metavar="N",
            help="PostgreSQL major version the migrations will run on (default: the setting, "
            "else the version of the database server).",
        )
        parser.add_argument(
            "--trace",
            action="store_true",
            help="Also report the locks each statement really took (read from pg_locks).",
        )
        parser.add_argument("--fail-on", choices=["error", "warning", "info"], default=None)
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database whose server hosts the scratch database.",
        )
        parser.add_argument(
            "--no-cache",
            action="store_true",
            help="Neither use nor keep template databases of already applied migrations.",
        )
        add_judgement_options(parser)
        add_build_options(parser)
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            metavar="N",
            help="Worker processes for many migrations (default: one per core, at most 4, one "
            "per 40 migrations; each starts from a schema built for its share).",
        )
        parser.add_argument(
            "--print-cache-key",
            action="store_true",
            help="Print the key of the template the selection starts from, and exit (for CI "
            "caches of --cache-dir).",
        )
        parser.add_argument(
            "--stats-json",
            metavar="FILE",
            help="Also write the run's facts (build mode, migrations linted and not analysed, "
            "cache key, timings) to FILE as JSON ('-' for standard error).",
        )

    #: ``{app_label: migrations}`` of installed-package apps the selection left out.
    left_out: dict[str, int] = {}

    def handle(self, *args: Any, **options: Any) -> None:
        self.left_out = {}
        config = lint_config(
            fail_on=options["fail_on"],
            target_pg_version=options["target_pg_version"],
            include_fresh=options["include_fresh"],
        )
        table_stats = table_stats_from(options)
        loader = MigrationLoader(None, ignore_no_migrations=True)
        keys = self.select(loader, options)
        if options["print_cache_key"]:
            self.stdout.write(
                cache_key(keys, loader=loader, database=options["database"], build=options["build"])
            )
            return
        observer = None
        if options["trace"]:
            server, _ = scratch_server(options["database"])
            observer = MigrationTracer(server, config.target_pg_version or 14)
        with scratch_databases_allowed(options["database"]):
            result = lint_migrations(
                keys,
                config=config,
                database=options["database"],
                use_cache=not options["no_cache"],
                observer=observer,
                loader=loader,
                table_stats=table_stats,
                build=options["build"],
                cache_dir=options["cache_dir"],
                jobs=options["jobs"],
            )
        self.report(result, options, config)
        write_stats(self, result, options["stats_json"], {"installed_not_linted": self.left_out})
        fail_if_needed(result.findings, config)

    def select(self, loader: MigrationLoader, options: dict[str, Any]) -> list[tuple[str, str]]:
        """The migrations the options ask for, in graph order."""
        app, name = options["app_label"], options["migration_name"]
        if app and name:
            return [targets.by_name(loader, app, name)]
        if app:
            targets.check_app(loader, app)
        labels = [app] if app else targets.project_apps()
        if not app and (options["include_installed"] or options["unapplied"]):
            # --unapplied: what `migrate` will run, a package upgrade's migrations included.
            labels += targets.installed_package_apps()
        if not app and not options["since"]:
            self.left_out = {
                label: count
                for label, count in targets.left_out(loader, labels).items()
                if label in set(targets.installed_package_apps())
            }
        if options["since"]:
            return targets.changed_since(loader, options["since"], labels)
        if options["unapplied"]:
            return targets.unapplied(loader, labels, options["database"])
        return targets.all_of(loader, labels)

    def report(self, result: LintResult, options: dict[str, Any], config: LintConfig) -> None:
        fmt = options["format"]
        fresh = len(result.fresh)
        if fmt != "text":
            self.stdout.write(render(result.findings, fmt))
            note = fresh_note(fresh, shown=config.include_fresh).strip()
            if note:  # never silent: the machine formats keep their shape, people read stderr
                self.stderr.write(note)
            return
        collection = result.collection
        count = len(collection.migrations) if collection else 0
        if not count:
            self.stdout.write("No migrations to lint.")
            self.write_left_out()
            return
        style = style_hook(self)
        explained: set[str] = set()  # each rule's why and fix are printed once
        for key, findings in result.by_migration.items():
            if not findings and not options["trace"]:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"{key[0]}.{key[1]}"))
            if findings:
                self.stdout.write(
                    render(findings, "text", style=style, verbose=True, explained=explained)
                )
            if options["trace"]:
                self.write_trace(result, key)
            self.stdout.write("")
        stats = collection.stats if collection else None
        self.stdout.write(
            f"Linted {count} migration(s) against PostgreSQL {result.pg_version}"
            + (
                f" in {stats.seconds:.2f}s ({stats.applied} applied on the scratch database"
                f"{', from a cached template' if stats.template_hit else ''})"
                if stats
                else ""
            )
        )
        if collection is not None:
            for line in build_lines(collection):
                self.stdout.write(line)
        self.write_left_out()
        if result.table_stats is not None:
            self.stdout.write(size_summary(result))
        self.stdout.write(
            style(
                "summary", summary(result.findings, fresh=fresh, fresh_shown=config.include_fresh)
            )
        )

    def write_left_out(self) -> None:
        """Say which installed-package apps the selection left out (never a silent skip)."""
        if self.left_out:
            names = ", ".join(self.left_out)
            self.stdout.write(
                f"Not linted: {sum(self.left_out.values())} migration(s) of "
                f"{len(self.left_out)} app(s) from installed packages ({names}); lint one with "
                "`lintmigrations APP_LABEL`, or all with --include-installed."
            )

    def write_trace(self, result: LintResult, key: tuple[str, str]) -> None:
        collection = result.collection
        assert collection is not None
        for collected in collection.migrations:
            if collected.key == key:
                traces = [s.observation for s in collected.statements if s.observation]
                self.stdout.write(
                    self.style.MIGRATE_LABEL("  trace (pg_locks after each statement):")
                )
                for line in render_trace(traces):
                    self.stdout.write(line)


def size_summary(result: LintResult) -> str:
    """How the findings were judged by table size, and from which statistics."""
    stats = result.table_stats
    assert stats is not None
    n = counts(result.findings)
    when = f", exported {stats.exported_at}" if stats.exported_at else ""
    return (
        f"Severity judged by table size from {stats.source}{when}: {n['small']} on small "
        f"tables (info), {n['medium']} on medium ones (rule severity), {n['large']} on large "
        f"ones (error), {n['unknown']} on tables not in the statistics (rule severity kept)."
    )
