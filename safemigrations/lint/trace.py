"""``--trace``: run the migrations and read from PostgreSQL which locks each statement really takes.

The static linter *predicts* locks from the SQL text; tracing *observes* them. Each target
migration is applied on the scratch database (see :mod:`safemigrations.lint.collect`) and, after
every statement, the statement's own connection reads ``pg_locks`` for its backend
(:func:`safemigrations.db.catalog.locks_held`) and the relations' storage file numbers
(:func:`safemigrations.db.catalog.relations`, a changed number means a rewrite):

* a statement inside a transaction: the locks it holds at its end are held until the transaction
  ends, so the trace says from which statement to which ``COMMIT`` each lock was held, and how
  long that took on the scratch database;
* a statement that runs alone (autocommit) and may run in a transaction block is wrapped in
  ``BEGIN … COMMIT`` so the same reading is exact (a lone statement is its own transaction);
* a statement that cannot run in a transaction (``CREATE INDEX CONCURRENTLY`` …) is watched from
  a second connection that polls ``pg_locks`` while it runs
  (:class:`safemigrations.testing.locks.LockRecorder`); brief locks can fall between two polls.

Locks on relations created in the same transaction are left out: nobody else can be waiting for
them. Durations are those of the scratch database (empty tables): they show *which* statements
hold a lock until commit, not how long production will wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from safemigrations.db import catalog
from safemigrations.db.lock_recorder import LockRecorder
from safemigrations.db.server import Server
from safemigrations.lint.analyzer import analyze
from safemigrations.lint.locks import LockMode
from safemigrations.lint.model import Statement

TABLE_KINDS = {"r", "p", "m"}
# Table-level locks only: relation-extension, page and tuple locks say nothing about blocking.
RELATION_LOCKS = frozenset({"relation"})


@dataclass
class LockSpan:
    """One lock mode on one relation, from the statement that took it to its release."""

    relation: str
    kind: str
    mode: str  # as pg_locks spells it: AccessExclusiveLock …
    taken_by: int  # index of the statement (in Tracer.statements) that took it
    released_after: int | None = None  # index of the last statement before the release
    released_by: str = ""  # "COMMIT", "end of statement"
    seconds: float = 0.0
    _taken_at: float = 0.0

    @property
    def label(self) -> str:
        """The mode as the manual spells it (``ACCESS EXCLUSIVE``)."""
        return LockMode.parse(self.mode).label


@dataclass
class StatementTrace:
    """What one statement did, as PostgreSQL reported it."""

    index: int
    sql: str
    in_transaction: bool
    method: str  # "snapshot" (exact) or "polling" (best effort)
    locks: list[LockSpan] = field(default_factory=list)  # taken by this statement
    rewritten: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def table_locks(self) -> dict[str, LockMode]:
        """Strongest mode per pre-existing table taken by this statement."""
        out: dict[str, LockMode] = {}
        for span in self.locks:
            if span.kind in TABLE_KINDS:
                mode = LockMode.parse(span.mode)
                if span.relation not in out or mode > out[span.relation]:
                    out[span.relation] = mode
        return out


class Tracer:
    """Runs statements on one driver connection and records locks and rewrites after each.

    ``raw`` is a psycopg connection (Django's ``connection.connection``), ``conninfo`` a libpq
    string for the same database (the polling connection uses it). Use :meth:`run` around each
    statement and :meth:`transaction_ended` when a transaction commits or rolls back.
    """

    def __init__(self, raw: Any, conninfo: str, pg_version: int = 14) -> None:
        self.raw = raw
        self.conninfo = conninfo
        self.pg_version = pg_version
        self.statements: list[StatementTrace] = []
        self.spans: list[LockSpan] = []
        self._open: dict[tuple[str, str], LockSpan] = {}
        self._existing: dict[str, catalog.Relation] | None = None  # at transaction start

    # -- StatementObserver protocol (collect.py) -----------------------------------------------

    def run(self, execute: Callable[[], Any], sql: str, connection: Any = None) -> StatementTrace:
        """Execute one statement through ``execute()`` and return its trace."""
        in_transaction = _status(self.raw) != "idle"
        trace = StatementTrace(
            index=len(self.statements), sql=sql, in_transaction=in_transaction, method="snapshot"
        )
        self.statements.append(trace)
        if not in_transaction and not _transactional(sql, self.pg_version):
            trace.method = "polling"
            return self._run_polled(trace, execute)
        wrap = not in_transaction
        if wrap:
            self.raw.execute("BEGIN")
        before = self._relations()
        if self._existing is None:
            self._existing = before
        started = time.perf_counter()
        try:
            execute()
        except Exception as exc:
            trace.error = str(exc).strip()
            if wrap:
                self.raw.execute("ROLLBACK")
                self.transaction_ended()
            raise
        finally:
            trace.seconds = time.perf_counter() - started
        if _status(self.raw) == "intrans":
            self._observe(trace, before, started)
        if wrap:
            self.raw.execute("COMMIT")
            self._close(trace.index, "end of statement")
            self._existing = None
        return trace

    def transaction_ended(self, connection: Any = None) -> None:
        """The transaction the recent statements ran in has committed (or rolled back)."""
        if self.statements:
            self._close(len(self.statements) - 1, "COMMIT")
        self._existing = None

    # -- internals ------------------------------------------------------------------------------

    def _relations(self) -> dict[str, catalog.Relation]:
        with self.raw.cursor() as cursor:
            return catalog.relations(cursor)

    def _observe(
        self, trace: StatementTrace, before: dict[str, catalog.Relation], t0: float
    ) -> None:
        after = self._relations()
        existing = self._existing or before
        trace.created = sorted(set(after) - set(before))
        trace.rewritten = sorted(
            name
            for name, rel in after.items()
            if name in before and rel.filenode != before[name].filenode and rel.filenode
        )
        with self.raw.cursor() as cursor:
            held = catalog.locks_held(cursor, self.raw.info.backend_pid)
        for lock in held:
            if lock.locktype not in RELATION_LOCKS or not lock.granted:
                continue
            if lock.relation is None or lock.relation not in existing:
                continue
            key = (lock.relation, lock.mode)
            if key in self._open:
                continue
            span = LockSpan(
                relation=lock.relation,
                kind=existing[lock.relation].kind,
                mode=lock.mode,
                taken_by=trace.index,
                _taken_at=t0,
            )
            self._open[key] = span
            self.spans.append(span)
            trace.locks.append(span)

    def _close(self, last: int, how: str) -> None:
        now = time.perf_counter()
        for span in self._open.values():
            span.released_after = last
            span.released_by = how
            span.seconds = now - span._taken_at
        self._open.clear()

    def _run_polled(self, trace: StatementTrace, execute: Callable[[], Any]) -> StatementTrace:
        before = self._relations()
        started = time.perf_counter()
        recorder = LockRecorder(
            self.conninfo, self.raw.info.backend_pid, interval=0.001, locktypes=RELATION_LOCKS
        )
        try:
            with recorder as recording:
                execute()
        except Exception as exc:
            trace.error = str(exc).strip()
            raise
        finally:
            trace.seconds = time.perf_counter() - started
        for relation, mode in recording.seen:
            if relation is None or relation not in before:
                continue
            trace.locks.append(
                LockSpan(
                    relation=relation,
                    kind=before[relation].kind,
                    mode=mode,
                    taken_by=trace.index,
                    released_after=trace.index,
                    released_by="end of statement",
                    seconds=trace.seconds,
                )
            )
        self.spans.extend(trace.locks)
        return trace


def _status(raw: Any) -> str:
    value = int(raw.info.transaction_status)
    return {0: "idle", 2: "intrans", 3: "inerror"}.get(value, "intrans" if value == 1 else "idle")


def _transactional(sql: str, pg_version: int) -> bool:
    """False for statements PostgreSQL refuses inside a transaction block (CONCURRENTLY …)."""
    try:
        return bool(analyze(Statement(sql=sql), pg_version=pg_version).transactional)
    except Exception:
        return "CONCURRENTLY" not in sql.upper()


def static_table_locks(sql: str, pg_version: int = 14, known: Any = None) -> dict[str, LockMode]:
    """The linter's predicted strongest lock per table for one statement (new tables left out).

    ``known`` answers ``index_table()`` / ``column_type()`` / ``is_partitioned()`` for objects
    that exist before the statement (e.g. a :class:`~safemigrations.lint.collect.CatalogSchema`).
    """
    facts = analyze(Statement(sql=sql), pg_version=pg_version, known=known)
    created = {t.rsplit(".", 1)[-1] for t in facts.created}
    return {
        table.rsplit(".", 1)[-1]: mode
        for table, mode in facts.locks.items()
        if table.rsplit(".", 1)[-1] not in created
    }


def render_trace(statements: Iterable[StatementTrace]) -> list[str]:
    """Text lines describing each statement's observed locks, hold time and rewrites."""
    lines: list[str] = []
    traces = list(statements)
    offset = traces[0].index if traces else 0  # number the statements of this migration from 1
    for trace in traces:
        head = " ".join(trace.sql.split())
        lines.append(f"  [{trace.index - offset + 1}] {head[:110]}{'…' if len(head) > 110 else ''}")
        for span in trace.locks:
            until = (
                f"until {span.released_by} after statement {span.released_after - offset + 1}"
                if span.released_after is not None
                else "until the end of the run"
            )
            how = " (seen by polling)" if trace.method == "polling" else ""
            lines.append(
                f"      lock {span.label:<22} on {span.relation} ({_KIND.get(span.kind, span.kind)})"
                f" {until}, held {span.seconds * 1000:.1f} ms{how}"
            )
        for name in trace.rewritten:
            lines.append(f"      rewrite of {name} (new storage file)")
        if not trace.locks and not trace.rewritten:
            lines.append("      no lock on an existing relation")
    return lines


_KIND = {
    "r": "table",
    "p": "partitioned table",
    "i": "index",
    "I": "partitioned index",
    "m": "materialized view",
    "S": "sequence",
    "t": "TOAST table",
}


class MigrationTracer:
    """The :class:`~safemigrations.lint.collect.StatementObserver` of ``--trace``: one
    :class:`Tracer` per driver connection of the scratch database."""

    def __init__(self, server: Server, pg_version: int = 14) -> None:
        self.server = server
        self.pg_version = pg_version
        self._tracers: dict[int, Tracer] = {}

    def _tracer(self, connection: Any) -> Tracer:
        raw = connection.connection
        tracer = self._tracers.get(id(raw))
        if tracer is None or tracer.raw is not raw:
            conninfo = self.server.conninfo(connection.settings_dict["NAME"])
            tracer = self._tracers[id(raw)] = Tracer(raw, conninfo, self.pg_version)
        return tracer

    def run(self, execute: Callable[[], Any], sql: str, connection: Any) -> StatementTrace:
        """Run and trace one statement of a migration."""
        return self._tracer(connection).run(execute, sql)

    def transaction_ended(self, connection: Any) -> None:
        """Close the lock spans of the transaction that just ended."""
        if connection.connection is not None:
            self._tracer(connection).transaction_ended()
