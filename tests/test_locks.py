"""Bounded lock waits against a real held lock: retries, logging, the blocker named."""

from __future__ import annotations

import logging

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.test import override_settings

from safemigrations.db.locks import (
    LockPolicy,
    LockRetriesExhausted,
    is_lock_timeout,
    run_with_lock_retries,
    session_setting,
)
from safemigrations.operations.base import NonAtomicMigrationRequired, SafeOperation

FAST = LockPolicy(
    lock_timeout=0.1, max_lock_timeout=0.1, retries=2, backoff=0.01, max_backoff=0.02, jitter=0
)


class Probe(SafeOperation):
    """A minimal operation to drive the shared step runner."""

    def describe(self) -> str:
        return "Probe harness_author"


def lock_author(conn: psycopg.Connection) -> None:
    conn.execute("BEGIN")
    conn.execute("LOCK TABLE harness_author IN ACCESS EXCLUSIVE MODE /* the blocker */")


def test_policy_reads_settings_and_overrides() -> None:
    with override_settings(SAFEMIGRATIONS={"LOCK_TIMEOUT": 1.5, "LOCK_RETRIES": 7}):
        policy = LockPolicy.from_settings(retries=None)
        assert (policy.lock_timeout, policy.retries) == (1.5, 7)
        assert policy.lock_timeout_sql == "1500ms"
        assert LockPolicy.from_settings(lock_timeout=0.2).lock_timeout == 0.2
    policy = LockPolicy(backoff=0.5, max_backoff=3, jitter=0)
    assert [policy.delay(i) for i in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3]
    # Jitter takes up to that fraction off each pause, at random.
    jittered = LockPolicy(backoff=0.5, max_backoff=3, jitter=0.5)
    assert jittered.delay(2, rand=lambda: 1.0) == 0.5
    assert jittered.delay(2, rand=lambda: 0.0) == 1.0
    # Waits start short and grow to the ceiling; a longer first wait is used as is.
    growing = LockPolicy(lock_timeout=0.1, max_lock_timeout=0.5, growth=2)
    assert [growing.timeout(n) for n in (1, 2, 3, 4)] == [0.1, 0.2, 0.4, 0.5]
    assert [growing.timeout_sql(n) for n in (1, 4)] == ["100ms", "500ms"]
    assert LockPolicy(lock_timeout=2, max_lock_timeout=0.5).timeout(5) == 2
    with pytest.raises(ValueError, match="lock_timeout"):
        LockPolicy.from_settings(lock_timeout=0)


def test_retries_then_fails_naming_the_blocker(migrator, test_db_conninfo, caplog) -> None:
    migrator.migrate("harness")
    sleeps: list[float] = []
    with psycopg.connect(test_db_conninfo) as blocker:
        lock_author(blocker)
        caplog.set_level(logging.WARNING, logger="safemigrations")
        with pytest.raises(LockRetriesExhausted) as info:
            run_with_lock_retries(
                connection,
                lambda: connection.cursor().execute("ALTER TABLE harness_author ADD COLUMN x int"),
                policy=FAST,
                tables=["harness_author"],
                description="add column x",
                sleep=sleeps.append,
            )
        blocker_pid = blocker.info.backend_pid
        blocker.rollback()
    message = str(info.value)
    assert "in 3 attempts" in message
    assert f"pid {blocker_pid}" in message
    assert "AccessExclusiveLock on harness_author" in message
    assert "the blocker" in message  # the blocking query is quoted
    assert "run the migration again" in message
    assert sleeps == [0.01, 0.02]
    retries = [r for r in caplog.records if "lock wait timed out" in r.getMessage()]
    assert len(retries) == 2
    assert "attempt 1 of 3" in retries[0].getMessage()
    with connection.cursor() as cur:
        cur.execute("SHOW lock_timeout")
        assert cur.fetchone()[0] != "100ms"  # restored after the step


def test_retry_succeeds_once_the_blocker_is_gone(migrator, test_db_conninfo, pg_catalog) -> None:
    migrator.migrate("harness")
    with psycopg.connect(test_db_conninfo) as blocker:
        lock_author(blocker)
        run_with_lock_retries(
            connection,
            lambda: connection.cursor().execute("ALTER TABLE harness_author ADD COLUMN y int"),
            policy=FAST,
            tables=["harness_author"],
            description="add column y",
            sleep=lambda _: blocker.rollback(),
        )
    with connection.cursor() as cur:
        assert "y" in pg_catalog.columns(cur, "harness_author")
        cur.execute("ALTER TABLE harness_author DROP COLUMN y")


def test_inside_a_transaction_the_timeout_propagates_after_one_try(
    migrator, test_db_conninfo
) -> None:
    migrator.migrate("harness")
    calls = []

    def step() -> None:
        calls.append(1)
        connection.cursor().execute("ALTER TABLE harness_author ADD COLUMN z int")

    with psycopg.connect(test_db_conninfo) as blocker:
        lock_author(blocker)
        with pytest.raises(OperationalError) as info, transaction.atomic():
            run_with_lock_retries(
                connection, step, policy=FAST, tables=["harness_author"], description="z"
            )
        blocker.rollback()
    assert is_lock_timeout(info.value)
    assert not isinstance(info.value, LockRetriesExhausted)
    assert calls == [1]


def test_session_setting_restores_the_previous_value(transactional_db) -> None:
    with connection.cursor() as cur:
        cur.execute("SHOW statement_timeout")
        before = cur.fetchone()[0]
        with session_setting(connection, "statement_timeout", "1234ms"):
            cur.execute("SHOW statement_timeout")
            assert cur.fetchone()[0] == "1234ms"
        cur.execute("SHOW statement_timeout")
        assert cur.fetchone()[0] == before


def test_non_atomic_guard_says_what_to_change(transactional_db) -> None:
    op = Probe()
    with (
        connection.schema_editor(atomic=True) as editor,
        pytest.raises(NonAtomicMigrationRequired, match="Set `atomic = False`"),
    ):
        op.require_non_atomic(editor)
    with connection.schema_editor(atomic=False) as editor:
        op.require_non_atomic(editor)  # fine outside a transaction
    with connection.schema_editor(collect_sql=True, atomic=True) as editor:
        op.require_non_atomic(editor)  # sqlmigrate always prints


def test_run_step_prints_the_real_sql_under_sqlmigrate(transactional_db) -> None:
    op = Probe(lock_timeout=2)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        op.run_step(
            editor,
            ["ALTER TABLE t ADD x int", "ALTER TABLE t ADD y int"],
            tables=["t"],
            description="two",
            transaction=True,
        )
        op.run_step(
            editor, "ALTER TABLE t VALIDATE CONSTRAINT c", tables=["t"], description="v", long=True
        )
    assert editor.collected_sql == [
        "SET lock_timeout = '2000ms';",
        "BEGIN;",
        "ALTER TABLE t ADD x int;",
        "ALTER TABLE t ADD y int;",
        "COMMIT;",
        "SET lock_timeout = '2000ms';",
        "SET statement_timeout = 0;",
        "ALTER TABLE t VALIDATE CONSTRAINT c;",
        "RESET statement_timeout;",
    ]
    assert op.lock_kwargs() == {"lock_timeout": 2}


def test_run_step_in_its_own_transaction_is_all_or_nothing(migrator, pg_catalog) -> None:
    migrator.migrate("harness")
    op = Probe()
    with (
        connection.schema_editor(atomic=False) as editor,
        pytest.raises(Exception, match="no_such"),
    ):
        op.run_step(
            editor,
            ["ALTER TABLE harness_author ADD COLUMN w int", "ALTER TABLE no_such ADD COLUMN w int"],
            tables=["harness_author"],
            description="both or none",
            transaction=True,
        )
    with connection.cursor() as cur:
        assert "w" not in pg_catalog.columns(cur, "harness_author")
