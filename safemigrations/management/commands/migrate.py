"""``migrate`` that is safe to run from any deploy: bounded lock waits, one run at a time.

Same options and behaviour as Django's command, plus:

- ``--lock-timeout SECONDS`` / ``--lock-retries N``: the lock-wait policy of every statement
  *and* of safemigrations' operations (an operation's own ``lock_timeout=`` wins; the settings
  are the default). On PostgreSQL every statement runs under a short, growing ``lock_timeout``;
  a statement outside a transaction is retried alone, an atomic migration is run again whole (see
  :mod:`safemigrations.lockwaits`). ``--lock-timeout 0`` or
  ``SAFEMIGRATIONS["MIGRATE_LOCK_WAITS"] = False`` turns this off for Django's operations.
- ``--migrate-lock-wait SECONDS``: runs are serialised per database by an advisory lock
  (:mod:`safemigrations.db.migrate_lock`); a second run waits this long (0: fails at once).
- ``--cancel-orphans``: end a backend that a killed earlier run left running, instead of waiting.

On the command line every database error ends in a ``CommandError`` (message, exit code 1), never
a traceback (``--traceback`` shows it).

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
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.core.management.commands import migrate as django_migrate
from django.db import DatabaseError, connections
from django.db import Error as AnyDatabaseError
from django.db.migrations.autodetector import MigrationAutodetector

from safemigrations import conf
from safemigrations.db import activity
from safemigrations.db.activity import OrphanStillRunning
from safemigrations.db.locks import LockPolicy, LockRetriesExhausted, LockWaits, installed
from safemigrations.db.migrate_lock import MigrateLockBusy, migrate_lock
from safemigrations.lockwaits import bounded_lock_waits, retrying_executor_class
from safemigrations.management.compose import (
    DelegatingCommand,
    MakemigrationsAutodetectorAttribute,
)
from safemigrations.operations.base import NonAtomicMigrationRequired
from safemigrations.operations.indexing import AmbiguousIndexError
from safemigrations.operations.resolve import OperationTargetError

#: Errors whose message already says what happened and what to do.
_EXPLAINED = (
    LockRetriesExhausted,
    NonAtomicMigrationRequired,
    MigrateLockBusy,
    OrphanStillRunning,
    OperationTargetError,
    AmbiguousIndexError,
)


class _CommandOutput(logging.Handler):
    """Shows the ``safemigrations`` logger's warnings (lock retries) on the command's stderr."""

    def __init__(self, stream: OutputWrapper, style: Any) -> None:
        super().__init__(logging.WARNING)
        self.stream = stream
        self.style = style

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write("\n" + self.style.WARNING(self.format(record)))


def explain(exc: BaseException, running: str | None) -> str:
    """The message of a ``CommandError`` for a database error that stopped ``migrate``."""
    if isinstance(exc, _EXPLAINED):
        return str(exc)
    where = f" while applying {running}" if running else ""
    reason = " ".join(str(exc).split()) or type(exc).__name__
    lost = "server closed the connection" in reason or "terminating connection" in reason
    if lost:
        advice = (
            "The connection to PostgreSQL was lost (the backend was terminated or the server "
            "restarted). Nothing applied is lost: run migrate again and it continues where it "
            "stopped."
        )
    else:
        advice = (
            "Migrations applied before it are recorded, and safemigrations' operations resume "
            "from the catalog: fix the cause and run migrate again (--traceback shows where it "
            "failed)."
        )
    return f"migrate stopped{where}: {type(exc).__name__}: {reason}\n{advice}"


class SafeMigrateMixin:
    """What safemigrations adds to a ``migrate`` command: one run at a time per database, every
    lock wait short and retried (``--lock-timeout``, ``--lock-retries``), orphans of a killed run
    waited for (``--cancel-orphans``), database errors as ``CommandError``.

    Put it before Django's (or your) ``migrate`` ``Command`` in the bases.
    """

    stdout: OutputWrapper
    stderr: OutputWrapper
    style: Any

    #: The ``makemigrations`` command's, whichever app owns it (``commands.E001``).
    if TYPE_CHECKING:  # what Django's command declares; computed when read (a descriptor)
        autodetector: ClassVar[type[MigrationAutodetector]]
    else:
        autodetector = MakemigrationsAutodetectorAttribute()

    help = django_migrate.Command.help + (
        " Every lock wait is short and retried (--lock-timeout, --lock-retries; an atomic "
        "migration is retried whole), and one migrate runs at a time per database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)  # type: ignore[misc]
        parser.add_argument(
            "--lock-timeout",
            type=float,
            default=None,
            metavar="SECONDS",
            help=(
                "Wait for a lock of the first attempt; later attempts wait longer, up to "
                "SAFEMIGRATIONS['LOCK_TIMEOUT_MAX'] (default: SAFEMIGRATIONS['LOCK_TIMEOUT'], "
                "0.1 s). Applies to Django's and safemigrations' operations. 0 turns bounded "
                "lock waits off for Django's own operations."
            ),
        )
        parser.add_argument(
            "--lock-retries",
            type=int,
            default=None,
            metavar="N",
            help="Retries after a failed lock wait (default: SAFEMIGRATIONS['LOCK_RETRIES'], 30).",
        )
        parser.add_argument(
            "--migrate-lock-wait",
            type=float,
            default=None,
            metavar="SECONDS",
            help=(
                "How long to wait while another migrate runs on the database (default: "
                "SAFEMIGRATIONS['MIGRATE_LOCK_WAIT'], 600 s); 0 fails at once."
            ),
        )
        parser.add_argument(
            "--cancel-orphans",
            action="store_true",
            help=(
                "Terminate a backend that a killed earlier migrate left running (it holds the "
                "migrate lock or works on a table of the next step) instead of waiting for it. "
                "Only when no other deploy is running."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        timeout, retries = options["lock_timeout"], options["lock_retries"]
        if timeout is not None and timeout < 0:
            raise CommandError("--lock-timeout must be 0 (off) or a positive number of seconds.")
        if retries is not None and retries < 0:
            raise CommandError("--lock-retries must be 0 or more.")
        lock_wait = options.get("migrate_lock_wait")
        if lock_wait is not None and lock_wait < 0:
            raise CommandError("--migrate-lock-wait must be 0 or a positive number of seconds.")
        enabled = bool(conf.setting("MIGRATE_LOCK_WAITS")) if timeout is None else timeout > 0
        token = conf.migrate_verbosity.set(options["verbosity"])
        stdout_token = conf.migrate_stdout.set(self.stdout)
        waits: LockWaits | None = None
        try:
            policy = LockPolicy.from_settings(
                lock_timeout=timeout if enabled else None, retries=retries
            )
            connection = connections[options["database"]]
            waits = LockWaits(connection, policy)
            waits.cancel_orphans = bool(options.get("cancel_orphans"))
            with ExitStack() as stack:
                stack.enter_context(self._warnings_on_stderr(options["verbosity"]))
                # Named first, so that a run waiting for the migrate lock shows as one too.
                stack.enter_context(self._named(connection))
                if conf.setting("MIGRATE_LOCK"):
                    wait = (
                        float(conf.setting("MIGRATE_LOCK_WAIT")) if lock_wait is None else lock_wait
                    )
                    stack.enter_context(
                        migrate_lock(connection, wait=wait, cancel_orphans=waits.cancel_orphans)
                    )
                if enabled:
                    waits = stack.enter_context(bounded_lock_waits(connection, policy))
                    waits.cancel_orphans = bool(options.get("cancel_orphans"))
                else:
                    stack.enter_context(installed(connection, waits))
                self._run(waits, enabled, *args, **options)
        except (AnyDatabaseError, *_EXPLAINED) as exc:
            # On the command line: the message, not a traceback (exit code 1). Callers of
            # call_command() keep the typed exception.
            if getattr(self, "_called_from_command_line", False):
                raise CommandError(explain(exc, waits.running if waits else None)) from exc
            raise
        finally:
            conf.migrate_stdout.reset(stdout_token)
            conf.migrate_verbosity.reset(token)

    def _run(self, waits: LockWaits, retry_whole: bool, *args: Any, **options: Any) -> None:
        module: Any = django_migrate
        original_executor = module.MigrationExecutor
        try:
            # Django's command builds its executor from this module global; swap in ours for
            # the duration of this call.
            module.MigrationExecutor = retrying_executor_class(waits, retry_whole=retry_whole)
            super().handle(*args, **options)  # type: ignore[misc]
        finally:
            module.MigrationExecutor = original_executor

    @contextmanager
    def _warnings_on_stderr(self, verbosity: int) -> Iterator[None]:
        logger = logging.getLogger("safemigrations")
        handler = None
        if verbosity >= 1 and not logger.hasHandlers():
            handler = _CommandOutput(self.stderr, self.style)
            logger.addHandler(handler)
        try:
            yield
        finally:
            if handler is not None:
                logger.removeHandler(handler)

    @contextmanager
    def _named(self, connection: Any) -> Iterator[None]:
        """``application_name`` says safemigrations' migrate runs (then the migration's name)."""
        if connection.vendor != "postgresql":
            yield
            return
        connection.ensure_connection()
        previous = activity.waits_internal(connection, "SHOW application_name")[0][0]
        activity.set_application_name(connection, activity.label_for("migrate"))
        try:
            yield
        finally:
            if connection.connection is not None:
                with suppress(DatabaseError):
                    activity.set_application_name(connection, previous)


class Command(DelegatingCommand, SafeMigrateMixin, django_migrate.Command):
    """Django's ``migrate`` (or the next app's) with :class:`SafeMigrateMixin`."""

    command_name = "migrate"
    safe_mixin = SafeMigrateMixin
    django_command = django_migrate.Command
