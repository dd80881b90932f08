"""One ``migrate`` at a time per database: a session-level advisory lock.

Two deploy jobs that both run ``migrate`` (two pods, two CI runners) would otherwise compute the
same plan and run the same DDL at once, which ends in ``deadlock detected`` for one of them.
``migrate`` takes this lock before it computes its plan; a second run waits for it (saying who
holds it), then finds the migrations applied and has nothing to do.

The key is the two-integer advisory lock ``(1397573971, crc32(current_database()))`` read as
signed 32-bit integers; 1397573971 is ``b"SMig"``. It shows in ``pg_locks`` as
``locktype = 'advisory' AND classid = 1397573971 AND objid = <crc> AND objsubid = 2``.
A session-level lock lives as long as the connection: with a transaction-pooling proxy
(PgBouncer in transaction mode) between Django and PostgreSQL turn it off with
``SAFEMIGRATIONS["MIGRATE_LOCK"] = False``.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

from safemigrations.db.activity import waits_internal
from safemigrations.exceptions import MigrateLockBusy

logger = logging.getLogger("safemigrations")

NAMESPACE = int.from_bytes(b"SMig", "big")  # 1397573971, fits a signed int4


def _signed32(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value


def lock_key(database: str) -> tuple[int, int]:
    """The advisory lock key of ``database`` (its name as PostgreSQL reports it)."""
    return NAMESPACE, _signed32(zlib.crc32(database.encode()))


@dataclass(frozen=True)
class Holder:
    """The backend that holds the migrate lock."""

    pid: int
    application_name: str | None
    state: str | None
    query: str | None
    seconds: float | None

    def describe(self) -> str:
        """pid, application_name, state, for how long, and the statement, on one line."""
        query = " ".join((self.query or "").split())
        if len(query) > 160:
            query = query[:157] + "..."
        name = f" [{self.application_name}]" if self.application_name else ""
        since = f" for {self.seconds:.1f}s" if self.seconds is not None else ""
        return f"pid {self.pid}{name} ({self.state or 'unknown state'}{since}): {query!r}"

    @property
    def is_safemigrations(self) -> bool:
        """True for a backend of safemigrations' ``migrate`` (by its application_name)."""
        return (self.application_name or "").startswith("safemigrations ")


def holders(connection: BaseDatabaseWrapper, key: tuple[int, int]) -> list[Holder]:
    """The backend(s) holding the migrate lock of ``key``."""
    rows = waits_internal(
        connection,
        """
        SELECT a.pid, a.application_name, a.state, a.query,
               EXTRACT(EPOCH FROM (now() - COALESCE(a.query_start, a.backend_start)))::float
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = %s::bigint
          AND l.objid::bigint = (%s::bigint & 4294967295) AND l.objsubid = 2
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """,
        [key[0], key[1]],
    )
    return [Holder(r[0], r[1] or None, r[2], r[3], r[4]) for r in rows or []]


@contextmanager
def migrate_lock(
    connection: BaseDatabaseWrapper,
    *,
    wait: float,
    cancel_orphans: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    report_every: float = 10.0,
) -> Iterator[tuple[int, int] | None]:
    """Hold the database's migrate lock for the block; wait at most ``wait`` seconds for it.

    ``cancel_orphans``: a holder that is a safemigrations backend still running a statement is
    taken for the orphan of a killed run and terminated (only when no other deploy runs).
    """
    if connection.vendor != "postgresql":
        yield None
        return
    database = waits_internal(connection, "SELECT current_database()")[0][0]
    key = lock_key(database)
    start = time.monotonic()
    last_report = -report_every
    while True:
        got = waits_internal(connection, "SELECT pg_try_advisory_lock(%s, %s)", list(key))[0][0]
        if got:
            break
        found = holders(connection, key)
        elapsed = time.monotonic() - start
        listing = "; ".join(h.describe() for h in found) or "a backend that just ended"
        if cancel_orphans:
            for holder in found:
                if holder.is_safemigrations and holder.state == "active":
                    logger.warning(
                        "Terminating %s, left running by an earlier migrate (--cancel-orphans).",
                        holder.describe(),
                    )
                    waits_internal(connection, "SELECT pg_terminate_backend(%s)", [holder.pid])
        if elapsed >= wait:
            raise MigrateLockBusy(
                f"Another migrate runs on database {database!r} (it holds the migrate lock): "
                f"{listing}.\nWaited {elapsed:.0f}s (--migrate-lock-wait {wait:g}). Run migrate "
                "again once it has finished (it then has nothing left to do). If its process "
                "was killed, PostgreSQL finishes its last statement first; --cancel-orphans ends "
                "that backend."
            )
        if elapsed - last_report >= report_every:
            last_report = elapsed
            logger.warning(
                "Another migrate runs on database %r; waiting up to %.0fs for it to finish: %s",
                database,
                wait,
                listing,
            )
        sleep(min(0.25 + elapsed / 20, 2.0))
    try:
        yield key
    finally:
        if connection.connection is not None:
            try:
                waits_internal(connection, "SELECT pg_advisory_unlock(%s, %s)", list(key))
            except Exception:  # the connection is gone: the lock went with it
                logger.debug("could not release the migrate lock", exc_info=True)
