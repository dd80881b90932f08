"""safemigrations anywhere in INSTALLED_APPS, next to a project's own command overrides and
django-migration-linter (issue 12).

The project is ``tests/installorder``: ``guard`` overrides ``makemigrations`` (with its own
autodetector), ``deploy`` overrides ``migrate`` and ``sqlmigrate``, ``legacy`` has a
``makemigrations`` that does not subclass Django's, ``shop`` has models with a pending change and
a migration that prints the ``lock_timeout`` it runs under. The user's scenarios run as
``python -m django ...`` in a fresh process against the real PostgreSQL; the class-level facts
are checked in process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.management import get_commands, load_command_class
from django.test import override_settings

from safemigrations.autodetector import SafeMigrationAutodetector
from safemigrations.db.scratch import scratch_database
from safemigrations.db.server import Server
from safemigrations.management.commands.makemigrations import SafeMakemigrationsMixin
from safemigrations.management.commands.migrate import SafeMigrateMixin
from safemigrations.management.commands.sqlmigrate import SafeSqlmigrateMixin
from safemigrations.management.compose import providers
from tests.installorder.deploy.management.commands.migrate import Command as DeployMigrate
from tests.installorder.deploy.management.commands.sqlmigrate import Command as DeploySqlmigrate
from tests.installorder.guard.management.commands.makemigrations import (
    Command as GuardMakemigrations,
)
from tests.installorder.guard.management.commands.makemigrations import GuardAutodetector

ROOT = Path(__file__).resolve().parent.parent
SM, DML = "safemigrations", "django_migration_linter"
GUARD, DEPLOY, SHOP, LEGACY, MIRROR = (
    f"tests.installorder.{app}" for app in ("guard", "deploy", "shop", "legacy", "mirror")
)
BASE_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]


def manage(order: list[str], *args: str, database: str) -> subprocess.CompletedProcess[str]:
    """``python -m django ARGS`` for the tests/installorder project with ``INSTALLED_APPS`` in
    ``order`` (after contenttypes and auth)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.installorder.settings",
        "INSTALL_ORDER": ",".join(order),
        "DATABASE_URL": database,
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def project_db(pg_server: Server) -> Iterator[str]:
    """A fresh database for the project's ``migrate``; its conninfo."""
    with scratch_database("install_order", pg_server) as name:
        yield pg_server.conninfo(name)


def installed(*apps: str) -> Any:
    """``override_settings`` with these apps after contenttypes and auth (Django drops its
    command cache on the change)."""
    return override_settings(INSTALLED_APPS=[*BASE_APPS, *apps])


def command(name: str) -> Any:
    """The ``name`` command ``manage.py`` would run, instantiated as Django does."""
    return load_command_class(get_commands()[name], name)


def check_ids(**kwargs: Any) -> dict[str, Any]:
    return {str(message.id): message for message in run_checks(tags=["commands"], **kwargs)}


# -- the user's report: a project app overriding makemigrations, safemigrations appended ---------


def test_listed_last_after_an_override_passes_check(pg_server: Server) -> None:
    """Was: ``commands.E001`` stopped check/migrate/runserver. Now: check passes, with a warning
    that says how to get the safe makemigrations too."""
    proc = manage([GUARD, SHOP, SM], "check", database=pg_server.conninfo())
    assert proc.returncode == 0, proc.stderr
    output = proc.stdout + proc.stderr
    assert "commands.E001" not in output
    assert "safemigrations.W010" in output
    assert f"List 'safemigrations' before '{GUARD}'" in output
    assert "class Command(SafeMakemigrationsMixin, MakemigrationsCommand)" in output


@pytest.mark.parametrize(
    "first", [True, False], ids=["safemigrations-first", "safemigrations-last"]
)
def test_makemigrations_that_copies_migrates_autodetector_loads(
    pg_server: Server, first: bool
) -> None:
    """Was: a ``makemigrations`` whose class body reads ``migrate``'s autodetector (Django's
    ``commands.E001`` hint) hit a circular import through safemigrations' ``migrate``, and every
    command stopped with a traceback. Now both commands share one autodetector."""
    order = [SM, MIRROR, SHOP] if first else [MIRROR, SHOP, SM]
    proc = manage(order, "check", database=pg_server.conninfo())
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "commands.E001" not in proc.stdout + proc.stderr
    probe = (
        "from django.core.management import get_commands, load_command_class as l;"
        "m = l(get_commands()['migrate'], 'migrate').autodetector;"
        "mm = l(get_commands()['makemigrations'], 'makemigrations').autodetector;"
        "from safemigrations.autodetector import SafeMigrationAutodetector as S;"
        "print(m is mm, issubclass(mm, S))"
    )
    proc = manage(order, "shell", "-c", probe, database=pg_server.conninfo())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-2:] == ["True", "True"]


# -- both orders, in process ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    [[SM, GUARD, DEPLOY, SHOP], [GUARD, DEPLOY, SHOP, SM], [GUARD, SHOP, SM], [SM, GUARD, SHOP]],
    ids=["first", "last", "last-makemigrations-only", "first-makemigrations-only"],
)
def test_same_autodetector_in_either_order(order: list[str]) -> None:
    with installed(*order):
        assert "commands.E001" not in check_ids()
        makemigrations, migrate = command("makemigrations"), command("migrate")
        assert makemigrations.autodetector is migrate.autodetector
        assert issubclass(makemigrations.autodetector, GuardAutodetector)
        assert isinstance(makemigrations, GuardMakemigrations)  # the project's own still runs
        if order[0] == SM:
            assert isinstance(makemigrations, SafeMakemigrationsMixin)
            assert issubclass(makemigrations.autodetector, SafeMigrationAutodetector)
            assert makemigrations.autodetector.__name__ == "SafeGuardAutodetector"
            assert isinstance(migrate, SafeMigrateMixin)
        else:
            assert makemigrations.autodetector is GuardAutodetector


def test_listed_first_composes_and_has_nothing_to_report() -> None:
    with installed(SM, GUARD, DEPLOY, SHOP):
        migrate = command("migrate")
        assert isinstance(migrate, DeployMigrate)
        assert isinstance(migrate, SafeMigrateMixin)
        sqlmigrate = command("sqlmigrate")
        assert isinstance(sqlmigrate, DeploySqlmigrate)
        assert isinstance(sqlmigrate, SafeSqlmigrateMixin)
        assert "--lint" in sqlmigrate.create_parser("manage.py", "sqlmigrate").format_help()
        assert not [i for i in check_ids() if i.startswith("safemigrations.W01")]
        # One composed class per command, not one per lookup.
        assert type(command("migrate")) is type(migrate)


def test_listed_last_warns_for_each_command_it_cannot_reach() -> None:
    with installed(GUARD, DEPLOY, SHOP, SM):
        ids = check_ids()
        assert {"safemigrations.W010", "safemigrations.W011"} <= set(ids)
        assert GUARD in ids["safemigrations.W010"].msg
        assert "SafeMigrateMixin, MigrateCommand" in ids["safemigrations.W011"].hint
        assert "safemigrations.W012" in ids
        assert "SafeSqlmigrateMixin, SqlmigrateCommand" in ids["safemigrations.W012"].hint


def test_settings_that_turn_a_feature_off_silence_its_warning(settings: Any) -> None:
    settings.SAFEMIGRATIONS = {"SAFE_MAKEMIGRATIONS": False, "MIGRATE_LOCK_WAITS": False}
    with installed(GUARD, DEPLOY, SHOP, SM):
        ids = check_ids()
        assert "safemigrations.W010" not in ids
        assert "safemigrations.W011" not in ids


def test_a_project_command_that_inherits_the_mixin_is_used_as_is() -> None:
    """A project that wrote ``class Command(SafeMigrateMixin, ...)`` gets no second layer."""
    from safemigrations.management import compose

    class ProjectMigrate(SafeMigrateMixin, DeployMigrate):
        pass

    from django.core.management.commands.migrate import Command as DjangoMigrate

    from safemigrations.management.commands.migrate import Command as SafeMigrate

    assert compose.composed(SafeMigrateMixin, ProjectMigrate, DjangoMigrate, SafeMigrate) is (
        ProjectMigrate
    )
    assert compose.composed(SafeMigrateMixin, DjangoMigrate, DjangoMigrate, SafeMigrate) is (
        SafeMigrate
    )

    class SubclassOfSafemigrations(SafeMigrate):
        pass

    # A project's subclass of safemigrations' own Command is instantiated as itself.
    assert type(SubclassOfSafemigrations()) is SubclassOfSafemigrations
    assert compose.composed(
        SafeMigrateMixin, SubclassOfSafemigrations, DjangoMigrate, SafeMigrate
    ) is (SubclassOfSafemigrations)


def test_a_command_that_does_not_subclass_djangos_keeps_running_with_a_hint() -> None:
    with installed(SM, LEGACY, SHOP):
        makemigrations = command("makemigrations")
        assert type(makemigrations).__module__.startswith(LEGACY)
        assert not isinstance(makemigrations, SafeMakemigrationsMixin)
        warning = check_ids()["safemigrations.W010"]
        assert "does not subclass Django's" in warning.hint
        assert "class Command(SafeMakemigrationsMixin, MakemigrationsCommand)" in warning.hint


# -- the features, reachable in a fresh process ---------------------------------------------------


def test_migrate_runs_the_project_override_with_bounded_lock_waits(project_db: str) -> None:
    first = manage([SM, GUARD, DEPLOY, SHOP], "migrate", "shop", "--lock-timeout", "2.5",
                   database=project_db)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "deploy: pre-migrate hook" in first.stdout
    assert "shop: lock_timeout=2500ms" in first.stderr  # safemigrations' --lock-timeout
    back = manage([SM, GUARD, DEPLOY, SHOP], "migrate", "shop", "zero", database=project_db)
    assert back.returncode == 0, back.stderr
    # Listed last: the project's migrate wins; it works, without bounded waits, and says so.
    last = manage([GUARD, DEPLOY, SHOP, SM], "migrate", "shop", database=project_db)
    assert last.returncode == 0, last.stderr
    assert "deploy: pre-migrate hook" in last.stdout
    assert "shop: lock_timeout=0\n" in last.stderr
    assert "safemigrations.W011" in last.stderr


def test_makemigrations_runs_the_project_override_and_writes_safe_operations(
    pg_server: Server,
) -> None:
    args = ("makemigrations", "shop", "--dry-run", "-v", "3")
    first = manage([SM, GUARD, SHOP], *args, database=pg_server.conninfo())
    assert first.returncode == 0, first.stderr
    assert "guard: makemigrations checked" in first.stdout
    assert "DropIndexConcurrently(" in first.stdout
    assert first.stdout.count("atomic = False") == 1, first.stdout
    last = manage([GUARD, SHOP, SM], *args, database=pg_server.conninfo())
    assert last.returncode == 0, last.stderr
    assert "guard: makemigrations checked" in last.stdout
    assert "DropIndexConcurrently" not in last.stdout  # listed last: the project's wins (W010)
    assert "migrations.AlterField(" in last.stdout


# -- next to django-migration-linter --------------------------------------------------------------


def test_both_linters_installed_check_names_the_other_command() -> None:
    with installed(DML, SHOP, SM):
        assert providers("lintmigrations") == [DML, SM]
        warning = check_ids()["safemigrations.W013"]
        assert f"runs {DML}'s linter" in warning.hint
        assert "manage.py safelintmigrations" in warning.hint
    with installed(SM, DML, SHOP):
        warning = check_ids()["safemigrations.W013"]
        assert f"{DML}'s lintmigrations and its options are hidden" in warning.hint
        assert "safelintmigrations" in warning.hint
    with installed(SM, SHOP):
        assert "safemigrations.W013" not in check_ids()


def test_makemigrations_composes_with_django_migration_linters() -> None:
    """Both have ``--lint``: one option, both linters; django-migration-linter's options stay."""
    from django_migration_linter.management.commands.makemigrations import Command as DmlCommand

    with installed(SM, DML, SHOP):
        makemigrations = command("makemigrations")
        assert isinstance(makemigrations, DmlCommand)
        assert isinstance(makemigrations, SafeMakemigrationsMixin)
        parser = makemigrations.create_parser("manage.py", "makemigrations")
        options = parser.parse_args(["--lint", "--warnings-as-errors", "--dry-run"])
        assert options.lint is True


def test_lint_is_reachable_whoever_owns_lintmigrations(pg_server: Server) -> None:
    database = pg_server.conninfo()
    theirs_first = manage([DML, SHOP, SM], "safelintmigrations", "shop", "--format", "json",
                          database=database)  # fmt: skip
    assert theirs_first.returncode == 0, theirs_first.stderr
    assert isinstance(json.loads(theirs_first.stdout), list)  # safemigrations' --format json
    # Listed first, safemigrations owns lintmigrations; the other linter's options get a note.
    ours_first = manage([SM, DML, SHOP], "lintmigrations", "shop", "--warnings-as-errors",
                        database=database)  # fmt: skip
    assert ours_first.returncode != 0
    assert "unrecognized arguments: --warnings-as-errors" in ours_first.stderr
    assert f"list '{DML}' before 'safemigrations'" in ours_first.stderr
    assert "safelintmigrations" in ours_first.stderr
