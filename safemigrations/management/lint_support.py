"""What the linting management commands share: configuration, colors, running the linter."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safemigrations.lint.config import LintConfig, LintConfigError, parse_pg_version
from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.report.text import Style

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


def lint_config(*, fail_on: str | None = None, target_pg_version: Any = None) -> LintConfig:
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
        )
    except (LintConfigError, ValueError) as exc:
        raise CommandError(str(exc)) from None


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
    result = lint_migrations(keys, config=config, loader=loader)
    names = ", ".join(f"{app}.{name}" for app, name in keys)
    command.stdout.write(command.style.MIGRATE_HEADING(f"Linting {names}:"))
    command.stdout.write(render(result.findings, "text", style=style_hook(command)))
    fail_if_needed(result.findings, config)
