"""Bounded lock waits: ``lock_timeout``, retries with backoff, and naming who blocked us.

Any DDL that waits for a lock queues every later query on the table behind it, so a migration
must never wait long. Each brief locking step runs under ``lock_timeout``; when that expires the
step is retried after a growing pause, a bounded number of times, and then fails with a message
naming the backends that held the table (pid, state, query, transaction age).

Outside a transaction a step is retried alone. Inside a transaction a lock timeout aborts the whole
transaction, so the step is run once and the error propagates: the ``migrate`` command re-runs the
whole migration transaction, never half of it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from safemigrations.conf import setting

logger = logging.getLogger("safemigrations")

T = TypeVar("T")

LOCK_NOT_AVAILABLE = "55P03"

#: True while :func:`run_with_lock_retries` runs a step: its statements' lock waits are bounded
#: and retried there, so ``migrate``'s statement-level lock waits leave them alone.
_step_manages_lock_waits: ContextVar[bool] = ContextVar(
    "safemigrations_step_manages_lock_waits", default=False
)


def step_manages_lock_waits() -> bool:
    """True inside :func:`run_with_lock_retries` (the step sets and retries its own waits)."""
    return _step_manages_lock_waits.get()


@dataclass(frozen=True)
class LockPolicy:
    """How long one lock wait may last, and how often to try again."""

    lock_timeout: float = 3.0  # seconds
    retries: int = 5
    backoff: float = 0.5  # seconds before the first retry, doubled each time
    max_backoff: float = 10.0

    @classmethod
    def from_settings(cls, **overrides: Any) -> LockPolicy:
        """The project's ``SAFEMIGRATIONS`` settings, with non-None ``overrides`` applied."""
        policy = cls(
            lock_timeout=float(setting("LOCK_TIMEOUT")),
            retries=int(setting("LOCK_RETRIES")),
            backoff=float(setting("RETRY_BACKOFF")),
            max_backoff=float(setting("RETRY_MAX_BACKOFF")),
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        policy = replace(policy, **given) if given else policy
        if policy.lock_timeout <= 0:
            raise ValueError("lock_timeout must be a positive number of seconds")
        if policy.retries < 0:
            raise ValueError("lock_retries must be 0 or more")
        return policy

    @property
    def lock_timeout_sql(self) -> str:
        """The value for ``SET lock_timeout``, in milliseconds."""
        return f"{max(1, round(self.lock_timeout * 1000))}ms"

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        return min(self.max_backoff, self.backoff * (2 ** (retry - 1)))


@dataclass(frozen=True)
class Blocker:
    """A backend that held a lock on one of the tables we waited for."""

    pid: int
    mode: str
    relation: str
    state: str | None
    query: str | None
    transaction_seconds: float | None

    def describe(self) -> str:
        age = (
            f", transaction open {self.transaction_seconds:.1f}s"
            if self.transaction_seconds
            else ""
        )
        query = (self.query or "").strip().replace("\n", " ")
        if len(query) > 200:
            query = query[:197] + "..."
        return f"pid {self.pid} ({self.state or 'unknown state'}{age}) holds {self.mode} on {self.relation}: {query!r}"


class LockRetriesExhausted(OperationalError):
    """A step could not get its lock within ``lock_timeout`` on any attempt."""

    def __init__(self, description: str, policy: LockPolicy, blockers: list[Blocker]) -> None:
        self.description = description
        self.policy = policy
        self.blockers = blockers
        attempts = policy.retries + 1
        lines = [
            f"{description}: could not acquire its lock within {policy.lock_timeout:g}s "
            f"in {attempts} attempt{'s' if attempts != 1 else ''}.",
            describe_blockers(blockers),
            "End or wait out the blocking transaction(s) and run the migration again (it resumes "
            "where it stopped), or raise SAFEMIGRATIONS['LOCK_TIMEOUT'] / ['LOCK_RETRIES'] "
            "(or the operation's lock_timeout= / lock_retries=).",
        ]
        super().__init__("\n".join(lines))


def is_lock_timeout(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what it wraps) is PostgreSQL's lock_not_available (55P03)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if (
            getattr(exc, "sqlstate", None) == LOCK_NOT_AVAILABLE
            or getattr(exc, "pgcode", None) == LOCK_NOT_AVAILABLE
        ):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def lock_holders(cursor: Any, tables: Iterable[str]) -> list[Blocker]:
    """Other backends holding (or waiting for) locks on ``tables``, with what they are doing."""
    names = [t for t in tables if t]
    if not names:
        return []
    cursor.execute(
        """
        SELECT l.pid, l.mode, l.relation::regclass::text, a.state, a.query,
               EXTRACT(EPOCH FROM (now() - a.xact_start))::float
        FROM pg_locks l
        JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.granted AND l.pid <> pg_backend_pid()
          AND l.relation = ANY (SELECT to_regclass(quote_ident(t)) FROM unnest(%s::text[]) AS t)
        ORDER BY a.xact_start NULLS LAST, l.pid
        """,
        [names],
    )
    return [
        Blocker(
            pid=r[0], mode=r[1], relation=r[2], state=r[3], query=r[4], transaction_seconds=r[5]
        )
        for r in cursor.fetchall()
    ]


def describe_blockers(blockers: list[Blocker]) -> str:
    """One line per blocking backend, or a note that none was seen any more."""
    if not blockers:
        return "No backend held a lock on the table(s) any more when we looked."
    return "Blocked by:\n" + "\n".join(f"  - {b.describe()}" for b in blockers)


def _show(connection: BaseDatabaseWrapper, name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


@contextmanager
def session_setting(connection: BaseDatabaseWrapper, name: str, value: str) -> Iterator[None]:
    """``SET name = value`` for the duration of the block, then restore the previous value.

    Inside an atomic block ``SET LOCAL`` is used, so a rollback cannot leave it behind.
    """
    if connection.vendor != "postgresql":
        yield
        return
    local = connection.in_atomic_block
    previous = _show(connection, name)
    with connection.cursor() as cursor:
        cursor.execute(f"SET {'LOCAL ' if local else ''}{name} = %s", [value])
    try:
        yield
    finally:
        if not (local and connection.needs_rollback) and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET {'LOCAL ' if local else ''}{name} = %s", [previous])
            except Exception:  # an aborted transaction resets SET LOCAL on rollback anyway
                logger.debug("could not restore %s", name, exc_info=True)


def run_with_lock_retries(
    connection: BaseDatabaseWrapper,
    fn: Callable[[], T],
    *,
    policy: LockPolicy,
    tables: Iterable[str],
    description: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``fn()`` under ``lock_timeout``; retry alone when outside a transaction.

    Inside an atomic block the first lock timeout propagates unchanged: only the whole transaction
    may be retried, by the caller that owns it.
    """
    tables = list(tables)
    if connection.vendor != "postgresql":
        return fn()
    token = _step_manages_lock_waits.set(True)
    try:
        return _run_with_lock_retries(connection, fn, policy, tables, description, sleep)
    finally:
        _step_manages_lock_waits.reset(token)


def _run_with_lock_retries(
    connection: BaseDatabaseWrapper,
    fn: Callable[[], T],
    policy: LockPolicy,
    tables: list[str],
    description: str,
    sleep: Callable[[float], None],
) -> T:
    if connection.in_atomic_block:
        with session_setting(connection, "lock_timeout", policy.lock_timeout_sql):
            return fn()
    for attempt in range(policy.retries + 1):
        try:
            with session_setting(connection, "lock_timeout", policy.lock_timeout_sql):
                return fn()
        except Exception as exc:
            if not is_lock_timeout(exc):
                raise
            with connection.cursor() as cursor:
                blockers = lock_holders(cursor, tables)
            if attempt == policy.retries:
                raise LockRetriesExhausted(description, policy, blockers) from exc
            delay = policy.delay(attempt + 1)
            logger.warning(
                "%s: lock wait timed out after %gs (attempt %d of %d); %s Retrying in %.1fs.",
                description,
                policy.lock_timeout,
                attempt + 1,
                policy.retries + 1,
                describe_blockers(blockers),
                delay,
            )
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
