"""System checks: safemigrations' commands are the ones ``manage.py`` runs, or the project says so.

=====================  ==========================================================================
safemigrations.W010    ``makemigrations`` is another app's and does not write the safe operations
safemigrations.W011    ``migrate`` is another app's and does not bound lock waits
safemigrations.W012    ``sqlmigrate`` is another app's and has no ``--lint``
safemigrations.W013    another app also has a ``lintmigrations`` (django-migration-linter): which
                       one runs, and the name that always runs safemigrations' (``safelintmigrations``)
=====================  ==========================================================================

safemigrations' own commands compose with another app's command of the same name (see
:mod:`safemigrations.management.compose`); these checks cover what composition cannot: another
app listed before ``"safemigrations"`` wins, and a command that does not subclass Django's cannot
take a mixin from outside. Each hint says exactly what to write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.core.management import load_command_class

from safemigrations import conf
from safemigrations.management.compose import APP, next_provider, owner, providers

#: The name under which safemigrations' linter always runs, whoever owns ``lintmigrations``.
LINT_ALIAS = "safelintmigrations"


@dataclass(frozen=True)
class Composable:
    """One of safemigrations' commands that adds a mixin to the command of the same name."""

    name: str
    check_id: str
    missing: str  # what the other app's command does not do, for the message
    mixin: type
    django_command: type
    enabled: Callable[[], bool]

    @property
    def alias(self) -> str:
        """How the hint imports Django's command (``MakemigrationsCommand`` ...)."""
        return f"{self.name.capitalize()}Command"


def composables() -> list[Composable]:
    """makemigrations, migrate and sqlmigrate, with their mixins (imported on demand)."""
    from django.core.management.commands import makemigrations, migrate, sqlmigrate

    from safemigrations.autodetector import safe_makemigrations_enabled
    from safemigrations.management.commands.makemigrations import SafeMakemigrationsMixin
    from safemigrations.management.commands.migrate import SafeMigrateMixin
    from safemigrations.management.commands.sqlmigrate import SafeSqlmigrateMixin

    return [
        Composable(
            "makemigrations",
            "safemigrations.W010",
            "does not write safemigrations' safe operations",
            SafeMakemigrationsMixin,
            makemigrations.Command,
            safe_makemigrations_enabled,
        ),
        Composable(
            "migrate",
            "safemigrations.W011",
            "does not bound the lock waits of the statements it runs",
            SafeMigrateMixin,
            migrate.Command,
            lambda: bool(conf.setting("MIGRATE_LOCK_WAITS")),
        ),
        Composable(
            "sqlmigrate",
            "safemigrations.W012",
            "has no --lint",
            SafeSqlmigrateMixin,
            sqlmigrate.Command,
            lambda: True,
        ),
    ]


def _possessive(app: str) -> str:
    """``safemigrations'`` / ``guard's``."""
    return f"{app}'" if app.endswith("s") else f"{app}'s"


def composition_hint(name: str, app: str, mixin: str, alias: str, *, subclasses: bool) -> str:
    """What to write so that ``app``'s ``name`` command gets safemigrations' behaviour."""
    inherit = (
        f"make {_possessive(app)} Command inherit the mixin: "
        f"`from django.core.management.commands.{name} import Command as {alias}`, "
        f"`from safemigrations.management.commands.{name} import {mixin}`, "
        f"`class Command({mixin}, {alias}): ...`"
    )
    if not subclasses:
        return (
            f"{_possessive(app)} {name} Command does not subclass Django's, so safemigrations cannot add to "
            f"it from outside: {inherit}."
        )
    return (
        f"List '{APP}' before '{app}' in INSTALLED_APPS (safemigrations' {name} then runs "
        f"{_possessive(app)} with its own behaviour on top), or {inherit}."
    )


@register(Tags.commands)
def check_command_composition(**kwargs: Any) -> list[CheckMessage]:
    """W010-W012: the ``makemigrations``/``migrate``/``sqlmigrate`` that runs lacks
    safemigrations' behaviour."""
    messages: list[CheckMessage] = []
    for spec in composables():
        command = load_command_class(owner(spec.name), spec.name)
        if isinstance(command, spec.mixin) or not spec.enabled():
            continue
        app = owner(spec.name)
        if app == APP:  # safemigrations' delegated to a command it cannot add to
            app = next_provider(spec.name)
        messages.append(
            Warning(
                f"`manage.py {spec.name}` runs {_possessive(app)} command, which {spec.missing}.",
                hint=composition_hint(
                    spec.name,
                    app,
                    spec.mixin.__name__,
                    spec.alias,
                    subclasses=isinstance(command, spec.django_command),
                ),
                id=spec.check_id,
            )
        )
    return messages


def lintmigrations_clash() -> tuple[str, list[str]] | None:
    """``(owner, others)`` when another app than safemigrations also has ``lintmigrations``."""
    apps_with = [app for app in providers("lintmigrations") if app != "django.core"]
    others = [app for app in apps_with if app != APP]
    if not others:
        return None
    return owner("lintmigrations"), others


def lintmigrations_note() -> str | None:
    """One paragraph on who owns ``lintmigrations`` and how to reach the other linter."""
    clash = lintmigrations_clash()
    if clash is None:
        return None
    winner, others = clash
    if winner != APP:
        return (
            f"`manage.py lintmigrations` runs {_possessive(winner)} linter ('{winner}' is listed before "
            f"'{APP}' in INSTALLED_APPS); it does not take safemigrations' options. Run "
            f"safemigrations' linter as `manage.py {LINT_ALIAS}` (same options), or list "
            f"'{APP}' first."
        )
    hidden = ", ".join(others)
    return (
        f"`manage.py lintmigrations` runs safemigrations' linter ('{APP}' is listed before "
        f"'{hidden}' in INSTALLED_APPS); {_possessive(hidden)} lintmigrations and its options are hidden. "
        f"To run {_possessive(hidden)}, list '{others[0]}' before '{APP}'; safemigrations' linter stays "
        f"available as `manage.py {LINT_ALIAS}`."
    )


@register(Tags.commands)
def check_lintmigrations_clash(**kwargs: Any) -> list[CheckMessage]:
    """W013: two apps have a ``lintmigrations``; say which one runs and the other name."""
    note = lintmigrations_note()
    if note is None:
        return []
    winner, others = lintmigrations_clash() or (APP, [])
    return [
        Warning(
            f"Two apps have a lintmigrations command ({', '.join([APP, *others])}); "
            f"{_possessive(winner)} runs.",
            hint=note
            + " Silence with SILENCED_SYSTEM_CHECKS = ['safemigrations.W013'] once settled.",
            id="safemigrations.W013",
        )
    ]
