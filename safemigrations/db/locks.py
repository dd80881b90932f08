"""Bounded lock waits: one policy, one retry loop, and naming who blocked us.

Any DDL that waits for a lock queues every later query on the table behind it, so a migration
must never wait long. Each attempt runs under a short ``lock_timeout`` that grows over attempts
(:class:`LockPolicy`, in the spirit of GitLab's ``with_lock_retries``): a blocker then stalls other
sessions for at most the current attempt's timeout, and between attempts everyone else goes on.
Attempts are separated by a growing, jittered pause and stop after a bounded number of attempts
or a bounded total time, with a message naming the backends that held the table.

:class:`LockWaits` is the one place that runs attempts (:meth:`LockWaits.run`). It serves both
the steps of safemigrations' operations and every statement ``migrate`` runs; a call made while
another attempt of the same connection is running executes directly (the outer attempt already
bounds its waits and retries it), so waits are never retried twice.

Order of precedence for the policy: an operation's own ``lock_timeout=`` / ``lock_retries=``,
then ``migrate --lock-timeout`` / ``--lock-retries``, then ``SAFEMIGRATIONS`` settings, then the
defaults of :mod:`safemigrations.conf`.

Inside a transaction a failed lock wait aborts the whole transaction, so the step is run once and
the error propagates: the ``migrate`` command re-runs the whole migration transaction, never half
of it. ``lock_not_available`` (a lock timeout) and ``deadlock_detected`` are retried alike.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper

from safemigrations.conf import setting
from safemigrations.exceptions import LockRetriesExhausted, describe_blockers

logger = logging.getLogger("safemigrations")

T = TypeVar("T")

LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK_DETECTED = "40P01"
#: SQLSTATEs of a failed lock wait: retrying the statement later is safe.
LOCK_WAIT_FAILURES = {LOCK_NOT_AVAILABLE: "lock wait timed out", DEADLOCK_DETECTED: "deadlock"}


@dataclass(frozen=True)
class LockPolicy:
    """How long each lock wait may last, how it grows, and when to give up.

    Attempt ``n`` waits at most ``timeout(n)``: ``lock_timeout`` growing by ``growth`` per attempt
    up to ``max_lock_timeout`` (never below ``lock_timeout``: a longer ``lock_timeout`` given for
    one operation or on the command line is used as is). Between attempts it sleeps ``delay(n)``
    (doubling from ``backoff`` up to ``max_backoff``, less a random ``jitter`` fraction, so two
    waiters do not retry in step). It gives up after ``retries`` retries or when the next attempt
    would end after ``total`` seconds.
    """

    lock_timeout: float = 0.1  # seconds, first attempt
    max_lock_timeout: float = 0.5
    growth: float = 1.5
    retries: int = 30
    total: float = 60.0
    backoff: float = 0.2  # seconds before the first retry, doubled each time
    max_backoff: float = 5.0
    jitter: float = 0.5

    @classmethod
    def from_settings(cls, **overrides: Any) -> LockPolicy:
        """The project's ``SAFEMIGRATIONS`` settings, with non-None ``overrides`` applied."""
        policy = cls(
            lock_timeout=float(setting("LOCK_TIMEOUT")),
            max_lock_timeout=float(setting("LOCK_TIMEOUT_MAX")),
            retries=int(setting("LOCK_RETRIES")),
            total=float(setting("LOCK_WAIT_TOTAL")),
            backoff=float(setting("RETRY_BACKOFF")),
            max_backoff=float(setting("RETRY_MAX_BACKOFF")),
            jitter=float(setting("RETRY_JITTER")),
        )
        return policy.with_overrides(**overrides)

    def with_overrides(self, **overrides: Any) -> LockPolicy:
        """This policy with the non-None ``overrides`` applied, checked."""
        given = {k: v for k, v in overrides.items() if v is not None}
        policy = replace(self, **given) if given else self
        if policy.lock_timeout <= 0:
            raise ValueError("lock_timeout must be a positive number of seconds")
        if policy.retries < 0:
            raise ValueError("lock_retries must be 0 or more")
        if not 0 <= policy.jitter <= 1:
            raise ValueError("RETRY_JITTER must be between 0 and 1")
        return policy

    @property
    def ceiling(self) -> float:
        """The longest wait of any attempt."""
        return max(self.lock_timeout, self.max_lock_timeout)

    def timeout(self, attempt: int) -> float:
        """Seconds attempt number ``attempt`` (1-based) may wait for its lock."""
        return min(self.ceiling, self.lock_timeout * self.growth ** (attempt - 1))

    def timeout_sql(self, attempt: int) -> str:
        """The ``SET lock_timeout`` value of attempt ``attempt``, in milliseconds."""
        return f"{max(1, round(self.timeout(attempt) * 1000))}ms"

    @property
    def lock_timeout_sql(self) -> str:
        """The ``SET lock_timeout`` value of the first attempt."""
        return self.timeout_sql(1)

    def delay(self, retry: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to sleep before retry number ``retry`` (1-based), jitter included."""
        base = min(self.max_backoff, self.backoff * (2 ** (retry - 1)))
        return base * (1 - self.jitter * rand())


@dataclass(frozen=True)
class Blocker:
    """A backend that held a lock on one of the tables we waited for."""

    pid: int
    mode: str
    relation: str
    state: str | None
    query: str | None
    transaction_seconds: float | None
    application_name: str | None = None

    def describe(self) -> str:
        """pid, application_name, state, transaction age, lock and statement, on one line."""
        age = (
            f", transaction open {self.transaction_seconds:.1f}s"
            if self.transaction_seconds
            else ""
        )
        app = f" [{self.application_name}]" if self.application_name else ""
        query = (self.query or "").strip().replace("\n", " ")
        if len(query) > 200:
            query = query[:197] + "..."
        return (
            f"pid {self.pid}{app} ({self.state or 'unknown state'}{age}) holds {self.mode} on "
            f"{self.relation}: {query!r}"
        )


def lock_wait_failure(exc: BaseException | None) -> str | None:
    """What kind of failed lock wait ``exc`` (or what it wraps) is, or None for another error."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if code in LOCK_WAIT_FAILURES:
            return LOCK_WAIT_FAILURES[code]
        exc = exc.__cause__ or exc.__context__
    return None


def is_lock_timeout(exc: BaseException | None) -> bool:
    """True when ``exc`` is a failed lock wait: ``lock_not_available`` or ``deadlock_detected``."""
    return lock_wait_failure(exc) is not None


def lock_holders(cursor: Any, tables: Iterable[str]) -> list[Blocker]:
    """Other backends holding locks on ``tables``, with what they are doing."""
    names = [t for t in tables if t]
    if not names:
        return []
    cursor.execute(
        """
        SELECT l.pid, l.mode, l.relation::regclass::text, a.state, a.query,
               EXTRACT(EPOCH FROM (now() - a.xact_start))::float, a.application_name
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
            pid=r[0],
            mode=r[1],
            relation=r[2],
            state=r[3],
            query=r[4],
            transaction_seconds=r[5],
            application_name=r[6] or None,
        )
        for r in cursor.fetchall()
    ]


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


def retry_lock_waits(
    attempt: Callable[[int], T],
    *,
    policy: LockPolicy,
    description: str,
    blockers: Callable[[], list[Blocker]],
    retry_note: str = "Retrying",
    before_retry: Callable[[], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """The retry loop: run ``attempt(n)`` until it gets its locks or the policy gives up.

    ``attempt`` gets the attempt number (its ``lock_timeout`` is ``policy.timeout(n)``); a failed
    lock wait is logged with the blockers and retried after ``policy.delay(n)``; any other error
    propagates. ``before_retry`` repairs what a failed attempt left (an INVALID index).
    """
    start = clock()
    number = 0
    while True:
        number += 1
        try:
            return attempt(number)
        except Exception as exc:
            reason = lock_wait_failure(exc)
            if reason is None or isinstance(exc, LockRetriesExhausted):
                raise
            found = blockers()
            delay = policy.delay(number)
            elapsed = clock() - start
            if (
                number > policy.retries
                or elapsed + delay + policy.timeout(number + 1) > policy.total
            ):
                raise LockRetriesExhausted(
                    description, policy, found, attempts=number, elapsed=elapsed, reason=reason
                ) from exc
            logger.warning(
                "%s: %s after %gs (attempt %d of %d at most); %s %s in %.2fs.",
                description,
                "lock wait timed out"
                if reason == LOCK_WAIT_FAILURES[LOCK_NOT_AVAILABLE]
                else reason,
                policy.timeout(number),
                number,
                policy.retries + 1,
                describe_blockers(found),
                retry_note,
                delay,
            )
            sleep(delay)
            if before_retry is not None:
                before_retry()


#: Attribute of a connection that holds the LockWaits ``migrate`` installed (:func:`installed`).
_ATTRIBUTE = "_safemigrations_lock_waits"


class LockWaits:
    """The lock-wait policy of one connection and the one place its attempts run.

    ``migrate`` installs one for its connection (:func:`installed`); an operation run outside
    ``migrate`` gets a fresh one from the settings. It keeps the session's ``lock_timeout`` at the
    value the current attempt needs, setting it only when it changes.
    """

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        policy: LockPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.connection = connection
        self.policy = policy
        self.sleep = sleep
        #: > 0 while an attempt runs: calls made inside it execute directly.
        self.depth = 0
        self._set_on: Any = None  # the DB-API connection the cached value was set on
        self._value: str | None = None
        self._previous: str | None = None
        #: The last statement whose lock wait failed, for naming the blockers afterwards.
        self.last_failed_sql: str | None = None
        #: While True, statements pass through unbounded (this object's own queries).
        self.internal = False
        #: ``migrate --cancel-orphans``: end a backend a killed earlier run left on our tables.
        self.cancel_orphans = False
        #: True while ``migrate`` bounds every statement with this object: the session keeps the
        #: first attempt's ``lock_timeout`` between runs instead of getting its own back.
        self.owns_session = False
        #: The migration running now (``app.name``), for error messages.
        self.running: str | None = None

    @classmethod
    def of(cls, connection: BaseDatabaseWrapper) -> LockWaits:
        """The installed LockWaits of ``connection``, or one from the settings."""
        waits = getattr(connection, _ATTRIBUTE, None)
        return waits if waits is not None else cls(connection, LockPolicy.from_settings())

    # -- the session's lock_timeout ----------------------------------------------------------

    def _raw(self, sql: str, params: Any = None) -> Any:
        self.internal = True
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone() if cursor.description else None
        finally:
            self.internal = False

    def set_lock_timeout(self, value: str) -> None:
        """Make the session's ``lock_timeout`` ``value`` (no round trip when it already is)."""
        if (
            self._set_on is not None
            and self._set_on is self.connection.connection
            and self._value == value
        ):
            return
        if self._previous is None:
            self._previous = str(self._raw("SHOW lock_timeout")[0])
        self._raw("SELECT set_config('lock_timeout', %s, false)", [value])
        # A SET made inside a transaction is undone by its rollback: do not trust it later.
        self._set_on = None if self.connection.in_atomic_block else self.connection.connection
        self._value = value

    def restore(self) -> None:
        """Put the session's ``lock_timeout`` back as it was before the first change."""
        if (
            self._previous is not None
            and self.connection.connection is not None
            and not (self.connection.in_atomic_block and self.connection.needs_rollback)
        ):
            self._raw("SELECT set_config('lock_timeout', %s, false)", [self._previous])
        self._set_on = None
        self._previous = None

    def blockers(self, tables: Iterable[str]) -> list[Blocker]:
        """Backends holding locks on ``tables`` (call outside a failed transaction)."""
        names = list(tables)
        if not names or self.connection.vendor != "postgresql":
            return []
        self.internal = True
        try:
            with self.connection.cursor() as cursor:
                return lock_holders(cursor, names)
        finally:
            self.internal = False

    # -- the one runner --------------------------------------------------------------------

    def run(
        self,
        fn: Callable[[], T],
        *,
        description: str,
        tables: Iterable[str] | Callable[[], Iterable[str]] = (),
        policy: LockPolicy | None = None,
        bounded: bool = True,
        retry_note: str = "Retrying",
        before_retry: Callable[[], None] | None = None,
    ) -> T:
        """Run ``fn()`` with its lock waits bounded; retry it when they fail.

        Nested in another attempt of this connection, ``fn()`` runs directly. Inside a
        transaction it runs once under the first attempt's timeout and
        a failure propagates unchanged: only the owner of the transaction can retry it.
        ``bounded=False`` runs without ``lock_timeout`` (a ``CONCURRENTLY`` statement, whose wait
        queues nobody), still retrying a deadlock.
        """
        if self.connection.vendor != "postgresql":
            return fn()
        if self.depth:
            if policy is None or policy == self.policy:
                return fn()
            # An operation's own lock_timeout= inside an atomic migration's attempt.
            with session_setting(self.connection, "lock_timeout", policy.lock_timeout_sql):
                return fn()
        policy = policy or self.policy
        ad_hoc = not self.owns_session

        def attempt(number: int) -> T:
            self.depth += 1
            try:
                value = policy.timeout_sql(number) if bounded else "0"
                if ad_hoc and self.connection.in_atomic_block:
                    with session_setting(self.connection, "lock_timeout", value):
                        return fn()
                self.set_lock_timeout(value)
                return fn()
            finally:
                self.depth -= 1

        def holders() -> list[Blocker]:
            names = tables() if callable(tables) else tables
            return self.blockers(names)

        try:
            if self.connection.in_atomic_block:
                return attempt(1)
            return retry_lock_waits(
                attempt,
                policy=policy,
                description=description,
                blockers=holders,
                retry_note=retry_note,
                before_retry=before_retry,
                sleep=self.sleep,
            )
        finally:
            if ad_hoc:
                self.restore()
            elif bounded and not self.connection.in_atomic_block:
                self.set_lock_timeout(self.policy.lock_timeout_sql)


@contextmanager
def installed(connection: BaseDatabaseWrapper, waits: LockWaits) -> Iterator[LockWaits]:
    """Make ``waits`` the lock-wait policy of ``connection`` for the block (``migrate``)."""
    previous = getattr(connection, _ATTRIBUTE, None)
    setattr(connection, _ATTRIBUTE, waits)
    try:
        yield waits
    finally:
        setattr(connection, _ATTRIBUTE, previous)


def current_policy(connection: BaseDatabaseWrapper, **overrides: Any) -> LockPolicy:
    """The policy in force on ``connection`` (``migrate``'s or the settings'), with overrides."""
    return LockWaits.of(connection).policy.with_overrides(**overrides)


def run_with_lock_retries(
    connection: BaseDatabaseWrapper,
    fn: Callable[[], T],
    *,
    policy: LockPolicy,
    tables: Iterable[str],
    description: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``fn()`` under ``policy`` on ``connection`` (see :meth:`LockWaits.run`)."""
    waits = LockWaits.of(connection)
    if waits.depth == 0 and sleep is not time.sleep:
        waits = LockWaits(connection, waits.policy, sleep=sleep)
    return waits.run(fn, description=description, tables=list(tables), policy=policy)
