"""What the linting management commands share: configuration, colors, running the linter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from safemigrations.lint.config import LintConfig, LintConfigError, parse_pg_version
from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.report.text import Style
from safemigrations.lint.tablesize import TableStats, TableStatsError, load

ROLE_STYLES = {
    "error": "ERROR",
    "warning": "WARNING",
    "info": "NOTICE",
    "rule": "SQL_KEYWORD",
    "location": "MIGRATE_LABEL",
    "label": "SQL_FIELD",
    "sql": "SQL_TABLE",
    "summary": "MIGRATE_HEADING",
}


def add_judgement_options(parser: CommandParser) -> None:
    """``--include-fresh``, ``--table-stats FILE`` and ``--table-stats-database ALIAS``: the
    options of every command that lints Django migrations."""
    parser.add_argument(
        "--include-fresh",
        action="store_true",
        default=None,
        help="Also report findings on tables created earlier in the same migration (initial "
        "and squashed migrations' own tables), as info. By default they are left out and counted.",
    )
    stats = parser.add_mutually_exclusive_group()
    stats.add_argument(
        "--table-stats",
        metavar="FILE",
        help="Judge severity by real table size, from a file written by `exporttablestats` on "
        "a production or replica database.",
    )
    stats.add_argument(
        "--table-stats-database",
        metavar="ALIAS",
        help="Judge severity by real table size, reading the statistics live from this "
        "DATABASES alias (statistics only; no table is scanned).",
    )


def table_stats_from(options: dict[str, Any]) -> TableStats | None:
    """The table statistics the options name (a file or a live database alias), or None."""
    path = options.get("table_stats")
    alias = options.get("table_stats_database")
    if path:
        try:
            return load(path)
        except TableStatsError as exc:
            raise CommandError(str(exc)) from None
    if alias:
        if alias not in connections.databases:
            known = ", ".join(connections.databases) or "none"
            raise CommandError(
                f"--table-stats-database {alias!r} is not in DATABASES (known aliases: {known})"
            )
        connection = connections[alias]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"--table-stats-database {alias!r} is {connection.vendor}, not PostgreSQL: "
                "table statistics are read from pg_class"
            )
        try:
            with connection.cursor() as cursor:
                return TableStats.read(cursor, source=f"database {alias}")
        except DatabaseError as exc:
            raise CommandError(
                f"cannot read table statistics from database {alias!r}: {exc}".strip()
            ) from None
    return None


def lint_config(
    *, fail_on: str | None = None, target_pg_version: Any = None, include_fresh: bool | None = None
) -> LintConfig:
    """``SAFEMIGRATIONS["LINT"]`` with the command-line overrides; bad values are a CommandError."""
    try:
        config = LintConfig.from_dict(
            (getattr(settings, "SAFEMIGRATIONS", None) or {}).get("LINT"),
            source='SAFEMIGRATIONS["LINT"]',
        )
        return config.merged(
            fail_on=Severity.parse(fail_on) if fail_on else None,
            target_pg_version=(
                parse_pg_version(target_pg_version) if target_pg_version is not None else None
            ),
            include_fresh=include_fresh or None,
        )
    except (LintConfigError, ValueError) as exc:
        raise CommandError(str(exc)) from None


#: SQLSTATE ``insufficient_privilege``.
_INSUFFICIENT_PRIVILEGE = "42501"


def _cannot_create_database(exc: BaseException) -> bool:
    """``CREATE DATABASE`` refused to a role without ``CREATEDB`` (possibly wrapped by Django)."""
    while exc is not None:
        if (
            getattr(exc, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE
            and "create database" in str(exc).lower()
        ):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def _role_of(database: str) -> str:
    """The role the linter connects as: ``DATABASES[database]["USER"]``, else ``current_user``."""
    user = connections[database].settings_dict.get("USER")
    if user:
        return str(user)
    try:
        with connections[database].cursor() as cursor:
            cursor.execute("SELECT current_user")
            row = cursor.fetchone()
        return str(row[0]) if row else "(unknown)"
    except Exception:  # the message still helps without the name
        return "(the role of DATABASES[" + repr(database) + "])"


@contextmanager
def scratch_databases_allowed(database: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Turn "permission denied to create database" into a ``CommandError`` that names the role
    and the two ways out, instead of a traceback: the linter replays migrations on a scratch
    database it creates and drops."""
    try:
        yield
    except Exception as exc:
        if not _cannot_create_database(exc):
            raise
        role = _role_of(database)
        raise CommandError(
            f"The linter replays migrations on a scratch database it creates, and the database "
            f"role {role!r} may not create databases (it has no CREATEDB). Either grant it "
            f'(as a superuser: ALTER ROLE "{role}" CREATEDB;), or point safemigrations at a '
            "server where it may create them: set SAFEMIGRATIONS['LINT_DATABASE_URL'] "
            "(e.g. 'postgresql://user@ci-postgres:5432/postgres'). Nothing was linted."
        ) from None


def style_hook(command: BaseCommand) -> Style:
    """A ``style(role, text)`` for the text report, built on the command's ``self.style``
    (colored on a terminal, plain otherwise or with ``--no-color``)."""

    def style(role: str, text: str) -> str:
        name = ROLE_STYLES.get(role)
        return getattr(command.style, name)(text) if name else text

    return style


def fail_if_needed(findings: list[Finding], config: LintConfig) -> None:
    """Raise a ``CommandError`` with exit status 1 when a finding reaches ``fail_on``."""
    failing = [f for f in findings if config.fails(f.severity)]
    if failing:
        raise CommandError(
            f"{len(failing)} finding(s) at or above {config.fail_on.value} level; fix them or "
            "suppress them with a reason (# safemigrations: ignore[RULE] reason)",
            returncode=1,
        )


def lint_written(
    command: BaseCommand, keys: list[tuple[str, str]], options: dict[str, Any]
) -> None:
    """``makemigrations --lint``: lint the migrations the command just wrote, print the findings
    (each says which safe operation to use), exit 1 on an error-level finding."""
    import importlib

    from django.db.migrations.loader import MigrationLoader

    from safemigrations.lint.project import lint_migrations
    from safemigrations.lint.report import render
    from safemigrations.lint.report.text import fresh_note

    if options.get("dry_run") or options.get("check_changes"):
        command.stdout.write("--lint: nothing was written (--dry-run / --check), nothing linted.")
        return
    if not keys:
        return
    importlib.invalidate_caches()  # the new files must be importable
    config = lint_config()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    gone = [key for key in keys if key not in loader.disk_migrations]
    if gone:  # another makemigrations in the chain (django-migration-linter's) deleted them
        command.stdout.write(
            "--lint: not linted, no longer on disk: "
            + ", ".join(f"{app}.{name}" for app, name in gone)
        )
        keys = [key for key in keys if key not in gone]
        if not keys:
            return
    with scratch_databases_allowed(options.get("database") or DEFAULT_DB_ALIAS):
        result = lint_migrations(keys, config=config, loader=loader)
    names = ", ".join(f"{app}.{name}" for app, name in keys)
    command.stdout.write(command.style.MIGRATE_HEADING(f"Linting {names}:"))
    text = render(result.findings, "text", style=style_hook(command))
    command.stdout.write(text + fresh_note(len(result.fresh), shown=config.include_fresh))
    fail_if_needed(result.findings, config)
