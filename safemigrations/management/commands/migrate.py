"""``migrate`` with bounded lock waits for every statement it runs.

Same options and behaviour as Django's command, plus ``--lock-timeout SECONDS`` and
``--lock-retries N`` (defaults: ``SAFEMIGRATIONS["LOCK_TIMEOUT"]`` / ``["LOCK_RETRIES"]``). On
PostgreSQL every statement runs under ``lock_timeout``; a statement outside a transaction is
retried alone, an atomic migration is run again whole (see :mod:`safemigrations.lockwaits`).
``--lock-timeout 0`` or ``SAFEMIGRATIONS["MIGRATE_LOCK_WAITS"] = False`` turns this off; the
operations of safemigrations keep their own bounded waits either way.

Listed anywhere in ``INSTALLED_APPS``: when another app also has a ``migrate``, this command runs
that one with :class:`SafeMigrateMixin` on top (see :mod:`safemigrations.management.compose`).
A project's own command can also inherit the mixin::

    from django.core.management.commands.migrate import Command as MigrateCommand
    from safemigrations.management.commands.migrate import SafeMigrateMixin

    class Command(SafeMigrateMixin, MigrateCommand):
        ...
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.core.management.commands import migrate as django_migrate
from django.db import connections
from django.db.migrations.autodetector import MigrationAutodetector

from safemigrations import conf
from safemigrations.db.locks import LockPolicy, LockRetriesExhausted
from safemigrations.lockwaits import bounded_lock_waits, retrying_executor_class
from safemigrations.management.compose import (
    DelegatingCommand,
    MakemigrationsAutodetectorAttribute,
)
from safemigrations.operations.base import NonAtomicMigrationRequired


class _CommandOutput(logging.Handler):
    """Shows the ``safemigrations`` logger's warnings (lock retries) on the command's stderr."""

    def __init__(self, stream: OutputWrapper, style: Any) -> None:
        super().__init__(logging.WARNING)
        self.stream = stream
        self.style = style

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write("\n" + self.style.WARNING(self.format(record)))


class SafeMigrateMixin:
    """What safemigrations adds to a ``migrate`` command: every statement's lock wait bounded
    and retried (``--lock-timeout``, ``--lock-retries``).

    Put it before Django's (or your) ``migrate`` ``Command`` in the bases.
    """

    stdout: OutputWrapper
    stderr: OutputWrapper
    style: Any

    help = django_migrate.Command.help + (
        " Every statement waits at most --lock-timeout seconds for a lock and is retried up to "
        "--lock-retries times (an atomic migration is retried whole)."
    )

    #: The ``makemigrations`` command's, whichever app owns it (``commands.E001``).
    if TYPE_CHECKING:  # what Django's command declares; computed when read (a descriptor)
        autodetector: ClassVar[type[MigrationAutodetector]]
    else:
        autodetector = MakemigrationsAutodetectorAttribute()

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)  # type: ignore[misc]
        parser.add_argument(
            "--lock-timeout",
            type=float,
            default=None,
            metavar="SECONDS",
            help=(
                "Longest wait for a lock, per statement (default: SAFEMIGRATIONS['LOCK_TIMEOUT'], "
                "3 s). 0 turns bounded lock waits off for Django's own operations."
            ),
        )
        parser.add_argument(
            "--lock-retries",
            type=int,
            default=None,
            metavar="N",
            help="Retries after a lock wait timed out (default: SAFEMIGRATIONS['LOCK_RETRIES'], 5).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        timeout, retries = options["lock_timeout"], options["lock_retries"]
        if timeout is not None and timeout < 0:
            raise CommandError("--lock-timeout must be 0 (off) or a positive number of seconds.")
        if retries is not None and retries < 0:
            raise CommandError("--lock-retries must be 0 or more.")
        enabled = bool(conf.setting("MIGRATE_LOCK_WAITS")) if timeout is None else timeout > 0
        token = conf.migrate_verbosity.set(options["verbosity"])
        stdout_token = conf.migrate_stdout.set(self.stdout)
        try:
            if not enabled:
                super().handle(*args, **options)  # type: ignore[misc]
                return
            policy = LockPolicy.from_settings(lock_timeout=timeout, retries=retries)
            self._handle_bounded(policy, *args, **options)
        except (LockRetriesExhausted, NonAtomicMigrationRequired) as exc:
            # On the command line: the message, not a traceback (exit code 1). Callers of
            # call_command() keep the typed exception.
            if getattr(self, "_called_from_command_line", False):
                raise CommandError(str(exc)) from exc
            raise
        finally:
            conf.migrate_stdout.reset(stdout_token)
            conf.migrate_verbosity.reset(token)

    def _handle_bounded(self, policy: LockPolicy, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        logger = logging.getLogger("safemigrations")
        handler = None
        if options["verbosity"] >= 1 and not logger.hasHandlers():
            handler = _CommandOutput(self.stderr, self.style)
            logger.addHandler(handler)
        module: Any = django_migrate
        original_executor = module.MigrationExecutor
        try:
            with bounded_lock_waits(connection, policy) as waits:
                # Django's command builds its executor from this module global; swap in the
                # retrying one for the duration of this call.
                module.MigrationExecutor = retrying_executor_class(waits)
                super().handle(*args, **options)  # type: ignore[misc]
        finally:
            module.MigrationExecutor = original_executor
            if handler is not None:
                logger.removeHandler(handler)


class Command(DelegatingCommand, SafeMigrateMixin, django_migrate.Command):
    """Django's ``migrate`` (or the next app's) with :class:`SafeMigrateMixin`."""

    command_name = "migrate"
    safe_mixin = SafeMigrateMixin
    django_command = django_migrate.Command
