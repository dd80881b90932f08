"""Who is migrating: ``application_name`` of the migration connection, and orphaned backends.

The migration connection names itself in ``pg_stat_activity.application_name``
(``safemigrations <app>.<migration> (<os pid>)``), so an operator can see what runs, and a later
run can recognise a backend left by an earlier one. When the ``migrate`` process is killed (a
container evicted), PostgreSQL goes on running its last statement (a ``CREATE INDEX
CONCURRENTLY`` or ``VALIDATE CONSTRAINT`` only notices the lost client when it ends): that
*orphan* still holds its locks. :func:`wait_for_orphans` finds such backends on the tables of a
step and waits until they end, saying what it waits for, or terminates them when asked.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from safemigrations.exceptions import OrphanStillRunning

logger = logging.getLogger("safemigrations")

#: Every application_name this package sets starts with this.
PREFIX = "safemigrations"
_MAX = 63  # PostgreSQL truncates application_name to NAMEDATALEN - 1 bytes


def label_for(what: str) -> str:
    """``safemigrations <what> (<os pid>)``, cut to what PostgreSQL keeps."""
    suffix = f" ({os.getpid()})"
    text = f"{PREFIX} {what}"
    if len(text.encode()) + len(suffix) > _MAX:
        text = text.encode()[: _MAX - len(suffix)].decode(errors="ignore")
    return text + suffix


def set_application_name(connection: BaseDatabaseWrapper, name: str) -> None:
    """Show ``name`` as the connection's ``application_name`` (session-level)."""
    if connection.vendor != "postgresql":
        return
    waits_internal(connection, "SELECT set_config('application_name', %s, false)", [name])


def waits_internal(connection: BaseDatabaseWrapper, sql: str, params: Any = None) -> Any:
    """Run a bookkeeping query on ``connection``, outside ``migrate``'s lock-wait retries."""
    from safemigrations.db.locks import LockWaits

    waits = LockWaits.of(connection)
    previous = waits.internal
    waits.internal = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        waits.internal = previous


@dataclass(frozen=True)
class Orphan:
    """A backend of another safemigrations run that still works on one of our tables."""

    pid: int
    application_name: str
    state: str | None
    query: str
    seconds: float | None

    def describe(self) -> str:
        """pid, application_name, state, running time and the statement, on one line."""
        query = " ".join(self.query.split())
        if len(query) > 160:
            query = query[:157] + "..."
        running = f", running {self.seconds:.1f}s" if self.seconds is not None else ""
        return f"pid {self.pid} [{self.application_name}] ({self.state}{running}): {query!r}"


def orphans_on(connection: BaseDatabaseWrapper, tables: Iterable[str]) -> list[Orphan]:
    """Other backends named ``safemigrations ...`` that run a statement on ``tables``."""
    names = [t for t in tables if t]
    if not names or connection.vendor != "postgresql":
        return []
    rows = waits_internal(
        connection,
        """
        SELECT DISTINCT a.pid, a.application_name, a.state, a.query,
               EXTRACT(EPOCH FROM (now() - a.query_start))::float
        FROM pg_stat_activity a
        JOIN pg_locks l ON l.pid = a.pid
        WHERE a.pid <> pg_backend_pid() AND a.datname = current_database()
          AND a.application_name LIKE %s AND a.state = 'active'
          AND a.application_name <> current_setting('application_name')
          AND l.relation = ANY (SELECT to_regclass(quote_ident(t)) FROM unnest(%s::text[]) AS t)
        ORDER BY a.pid
        """,
        [PREFIX + " %", names],
    )
    return [Orphan(r[0], r[1], r[2], r[3] or "", r[4]) for r in rows or []]


def wait_for_orphans(
    connection: BaseDatabaseWrapper,
    tables: Iterable[str],
    *,
    what: str,
    timeout: float,
    terminate: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    report_every: float = 10.0,
) -> list[Orphan]:
    """Wait until no earlier run's backend works on ``tables`` (or terminate them); return them.

    Waits at most ``timeout`` seconds, logging what it waits for; then raises
    :class:`OrphanStillRunning` with a message saying what to do.
    """
    names = list(tables)
    found = orphans_on(connection, names)
    if not found:
        return []
    seen = list(found)
    start = time.monotonic()
    last_report = -report_every
    while found:
        if terminate:
            for orphan in found:
                logger.warning(
                    "%s: terminating %s, left running by an earlier migrate (--cancel-orphans).",
                    what,
                    orphan.describe(),
                )
                waits_internal(connection, "SELECT pg_terminate_backend(%s)", [orphan.pid])
        else:
            elapsed = time.monotonic() - start
            if elapsed >= timeout:
                raise OrphanStillRunning(
                    f"{what}: a backend of an earlier migrate still works on "
                    f"{', '.join(names)} after {elapsed:.0f}s:\n"
                    + "\n".join(f"  - {o.describe()}" for o in found)
                    + "\nIts process was probably killed; PostgreSQL finishes its statement "
                    "first. Run migrate again later (it continues from the catalog), or with "
                    "--cancel-orphans to end that backend."
                )
            if elapsed - last_report >= report_every:
                last_report = elapsed
                logger.warning(
                    "%s: waiting for a backend of an earlier migrate to finish (up to %.0fs; "
                    "--cancel-orphans ends it instead): %s",
                    what,
                    timeout,
                    "; ".join(o.describe() for o in found),
                )
        sleep(0.2)
        found = orphans_on(connection, names)
    return seen
