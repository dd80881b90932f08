"""AddDBCascadeConstraint under traffic: locks per step, concurrent writers, interruptions, retries."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction

from safemigrations.db import catalog
from safemigrations.db.locks import LockRetriesExhausted
from tests.blocking import blocking, when_waiting

APP = "constraintops"
CHILD, PARENT = "constraintops_child", "constraintops_parent"
WRITE_BLOCKING = {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}


def fill(parents: int = 50, children: int = 3000) -> None:
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {PARENT} (name) SELECT 'p' || g FROM generate_series(1, %s) g", [parents]
        )
        cur.execute(
            f"INSERT INTO {CHILD} (parent_id, note) SELECT p.id, 'c' FROM {PARENT} p, "
            "generate_series(1, %s) g",
            [children // parents],
        )


def child_fks() -> list[catalog.Constraint]:
    with connection.cursor() as cur:
        return [
            c
            for c in catalog.constraints(cur, CHILD).values()
            if c.type == "foreign key" and c.columns == ("parent_id",)
        ]


class StepLocks:
    """Execute wrapper: runs each ALTER TABLE in a transaction and records the locks it took."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, set[tuple[str, str]]]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not sql.lstrip().upper().startswith("ALTER TABLE"):
            return execute(sql, params, many, context)
        with transaction.atomic(using=context["connection"].alias):
            result = execute(sql, params, many, context)
            raw = context["cursor"].cursor
            raw.execute(
                "SELECT relation::regclass::text, mode FROM pg_locks WHERE pid = pg_backend_pid() "
                "AND granted AND relation IS NOT NULL"
            )
            held = {(r, m) for r, m in raw.fetchall() if r in (CHILD, PARENT)}
            self.steps.append((" ".join(sql.split()[3:5]), held))
        return result


def test_locks_held_per_step(migrator: Any) -> None:
    migrator.migrate(APP, "0001")
    fill()
    recorder = StepLocks()
    with connection.execute_wrapper(recorder):
        migrator.migrate(APP, "0002")
    child_steps = [
        (what, held) for what, held in recorder.steps if any(r == CHILD for r, _ in held)
    ]
    kinds = [what.split()[0] for what, _ in child_steps]
    assert kinds == ["ADD", "VALIDATE", "DROP", "RENAME"]
    add, validate, drop, rename = (held for _, held in child_steps)
    # ADD ... NOT VALID: SHARE ROW EXCLUSIVE on both tables (blocks writes, briefly), never
    # ACCESS EXCLUSIVE, so reads go on.
    assert (CHILD, "ShareRowExclusiveLock") in add
    assert (PARENT, "ShareRowExclusiveLock") in add
    assert not {m for _, m in add} & {"AccessExclusiveLock", "ExclusiveLock"}
    # VALIDATE: the long step takes nothing that blocks reads or writes on either table.
    assert (CHILD, "ShareUpdateExclusiveLock") in validate
    assert not {m for _, m in validate} & WRITE_BLOCKING
    # The swap: ACCESS EXCLUSIVE on the child table, for a catalog-only change.
    assert (CHILD, "AccessExclusiveLock") in drop
    assert (CHILD, "AccessExclusiveLock") in rename
    migrator.migrate(APP, "0001")


def test_concurrent_writers_and_readers_see_no_error_and_lose_no_row(
    migrator: Any, concurrent_load: Any, test_db_conninfo: str, pg_catalog: Any
) -> None:
    migrator.migrate(APP, "0001")
    fill()
    with connection.cursor() as cur:
        cur.execute(f"SELECT min(id), max(id) FROM {PARENT}")
        low, high = cur.fetchone()
    inserted: list[int] = []
    lock = threading.Lock()

    def write(conn: psycopg.Connection, i: int) -> None:
        row = conn.execute(
            f"INSERT INTO {CHILD} (parent_id, note) VALUES (%s, 'load') RETURNING id",
            [low + i % (high - low + 1)],
        ).fetchone()
        assert row is not None
        with lock:
            inserted.append(row[0])

    def read(conn: psycopg.Connection, i: int) -> None:
        conn.execute(
            f"SELECT count(*) FROM {CHILD} c JOIN {PARENT} p ON p.id = c.parent_id WHERE p.id = %s",
            [low + i % (high - low + 1)],
        ).fetchone()

    with concurrent_load(writers=[write, write], readers=[read, read]) as load:
        migrator.migrate(APP, "0002")
    report = load.report
    assert report.errors == []
    assert report.writes.operations > 0
    assert report.reads.operations > 0
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FROM {CHILD} WHERE note = 'load' AND id = ANY(%s)", [inserted]
        )
        assert cur.fetchone()[0] == len(inserted)
    (fk,) = child_fks()
    assert (fk.on_delete, fk.validated) == ("CASCADE", True)
    migrator.migrate(APP, "0001")


@contextmanager
def validate_held_by(conninfo: str) -> Iterator[dict[str, Any]]:
    """Make the migration's VALIDATE wait: a second session takes SHARE UPDATE EXCLUSIVE first."""
    held: dict[str, Any] = {}

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "VALIDATE CONSTRAINT" in sql and "blocker" not in held and CHILD in sql:
            conn = psycopg.connect(conninfo)
            conn.execute(f"LOCK TABLE {CHILD} IN SHARE UPDATE EXCLUSIVE MODE")
            held["blocker"] = conn
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(wrapper):
            yield held
    finally:
        if "blocker" in held:
            held["blocker"].rollback()
            held["blocker"].close()


@pytest.mark.parametrize("how", ["pg_cancel_backend", "pg_terminate_backend"])
def test_interrupted_during_validate_then_rerun(
    migrator: Any, test_db_conninfo: str, settings: Any, how: str
) -> None:
    settings.SAFEMIGRATIONS = {"LOCK_TIMEOUT": 30}
    migrator.migrate(APP, "0001")
    fill()
    (original,) = child_fks()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    killer = when_waiting(test_db_conninfo, pid, lambda c: c.execute(f"SELECT {how}(%s)", [pid]))
    with validate_held_by(test_db_conninfo), pytest.raises(Exception) as info:
        migrator.migrate(APP, "0002")
    killer.join()
    assert (
        "cancel" in str(info.value).lower()
        or "terminat" in str(info.value).lower()
        or ("closed" in str(info.value).lower())
    )
    connection.close()
    # Half-done: the old constraint and the NOT VALID replacement side by side.
    fks = {c.name: c for c in child_fks()}
    assert len(fks) == 2
    assert fks[original.name].on_delete == "NO ACTION"
    (temp,) = [c for n, c in fks.items() if n != original.name]
    assert (temp.on_delete, temp.validated) == ("CASCADE", False)
    assert migrator.applied(APP) == ["0001_initial"]

    migrator.migrate(APP, "0002")
    (fk,) = child_fks()
    assert (fk.name, fk.on_delete, fk.validated) == (original.name, "CASCADE", True)
    migrator.migrate(APP, "0001")
    (fk,) = child_fks()
    assert (fk.name, fk.on_delete, fk.validated) == (original.name, "NO ACTION", True)


def test_rerun_finishes_other_half_done_states(migrator: Any) -> None:
    from safemigrations.operations.foreign_keys import ForeignKeyRef
    from tests.testapps.constraintops.models import Child

    migrator.migrate(APP, "0001")
    (original,) = child_fks()
    with connection.schema_editor() as editor:
        ref = ForeignKeyRef.of(editor, Child, Child._meta.get_field("parent"))
    q = connection.ops.quote_name
    add = (
        f"ALTER TABLE {CHILD} ADD CONSTRAINT {q(ref.temp_name)} FOREIGN KEY (parent_id) "
        f"REFERENCES {PARENT} (id) ON DELETE %s DEFERRABLE INITIALLY DEFERRED"
    )
    # (1) Replacement validated, old one already dropped: only the rename remains.
    with connection.cursor() as cur:
        cur.execute(add % "CASCADE")
        cur.execute(f"ALTER TABLE {CHILD} DROP CONSTRAINT {q(original.name)}")
    migrator.migrate(APP, "0002")
    (fk,) = child_fks()
    assert (fk.name, fk.on_delete, fk.validated) == (original.name, "CASCADE", True)
    # (2) A stale replacement towards another action (an interrupted run the other way).
    with connection.cursor() as cur:
        cur.execute((add % "SET NULL") + " NOT VALID")
    migrator.migrate(APP, "0001")
    (fk,) = child_fks()
    assert (fk.name, fk.on_delete, fk.validated) == (original.name, "NO ACTION", True)
    # (3) A second run over a finished switch changes nothing.
    migrator.migrate(APP, "0002")
    (before,) = child_fks()
    with connection.schema_editor(atomic=False) as editor:
        from safemigrations.deletion import DB_CASCADE
        from safemigrations.operations import AddDBCascadeConstraint

        state = migrator.state(APP, "0002_switch_on_delete")
        AddDBCascadeConstraint("child", "parent", on_delete=DB_CASCADE).database_forwards(
            APP, editor, state, state
        )
    (after,) = child_fks()
    assert after == before
    migrator.migrate(APP, "0001")


def test_lock_wait_is_retried_then_named(
    migrator: Any, test_db_conninfo: str, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SAFEMIGRATIONS = {"LOCK_TIMEOUT": 0.2, "RETRY_BACKOFF": 0.05, "LOCK_RETRIES": 30}
    migrator.migrate(APP, "0001")
    fill(parents=2, children=4)
    caplog.set_level(logging.WARNING, logger="safemigrations")
    update = f"UPDATE {CHILD} SET note = 'busy' WHERE id = (SELECT min(id) FROM {CHILD})"
    with blocking(test_db_conninfo, update, release_after=0.8) as writer:
        migrator.migrate(APP, "0002", lock_timeout=0)  # only the operation's own bounded waits
    retries = [r.getMessage() for r in caplog.records if "lock wait timed out" in r.getMessage()]
    assert retries
    assert "Set ON DELETE CASCADE on the foreign key child.parent: add " in retries[0]
    assert f"pid {writer.pid}" in retries[0]
    assert "RowExclusiveLock" in retries[0]
    (fk,) = child_fks()
    assert (fk.on_delete, fk.validated) == ("CASCADE", True)
    migrator.migrate(APP, "0001")

    settings.SAFEMIGRATIONS = {"LOCK_TIMEOUT": 0.1, "RETRY_BACKOFF": 0.05, "LOCK_RETRIES": 2}
    with (
        blocking(test_db_conninfo, update + " /* nightly job */") as writer,
        pytest.raises(LockRetriesExhausted) as info,
    ):
        migrator.migrate(APP, "0002")
    message = str(info.value)
    assert "in 3 attempts" in message
    assert f"pid {writer.pid}" in message
    assert "nightly job" in message
    assert "run the migration again (it resumes where it stopped)" in message
    (fk,) = child_fks()
    assert fk.on_delete == "NO ACTION", "nothing changed while the lock was refused"
    migrator.migrate(APP, "0002")
    migrator.migrate(APP, "0001")
