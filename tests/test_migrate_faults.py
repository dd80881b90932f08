"""``migrate`` under real deploy faults: a killed process, two runs at once, a blocker.

Each case runs ``manage.py migrate`` as a child process against the test database and compares
what the database holds afterwards with what an uninterrupted run leaves
(:func:`safemigrations.db.catalog.schema_snapshot`).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest
from django.db import connection

from safemigrations.db import catalog
from safemigrations.db.locks import LockRetriesExhausted
from safemigrations.testing.load import ConcurrentLoad
from tests.blocking import blocking
from tests.faults_support import (
    backend_alive,
    finish,
    kill_when_running,
    migrate_started,
    start_migrate,
    wait_until,
)

APP = "faults"
TABLES = ["faults_parent", "faults_entry"]
READ_ENTRY = "SELECT count(*) FROM faults_entry /* open transaction */"
#: A transaction holding a snapshot: CREATE INDEX CONCURRENTLY waits for it to end.
SNAPSHOT = ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", READ_ENTRY]

_reference: dict[str, Any] = {}


def snapshot() -> dict[str, Any]:
    with connection.cursor() as cur:
        return catalog.schema_snapshot(cur, TABLES, apps=[APP])


def seed() -> None:
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO faults_parent (name) SELECT 'p' || i FROM generate_series(1, 20) i"
        )
        cur.execute(
            "INSERT INTO faults_entry (parent_id, code, name, note) "
            "SELECT (SELECT min(id) FROM faults_parent) + i % 20, 'c' || i, 'n' || i, i "
            "FROM generate_series(1, 5000) i"
        )


def uninterrupted(migrator: Any) -> dict[str, Any]:
    """The catalog an uninterrupted run leaves (computed once per test session)."""
    if not _reference:
        migrator.migrate(APP, "0001")
        seed()
        migrator.migrate(APP)
        _reference.update(snapshot())
        migrator.migrate(APP, "zero")
    return dict(_reference)


def prepare(migrator: Any, before: str) -> None:
    migrator.migrate(APP, "zero")
    migrator.migrate(APP, "0001")
    seed()
    if before != "0001":
        migrator.migrate(APP, before)


def run_earlier_steps(migrator: Any, migration: str, *markers: str) -> None:
    """Run the statements of ``migration`` that contain ``markers``, as an earlier run did."""
    statements = [
        line
        for line in migrator.sqlmigrate(APP, migration).splitlines()
        if any(marker in line for marker in markers)
    ]
    assert len(statements) == len(markers), statements
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


#: id: (migration to stop, migration before it, statements of it an earlier interrupted run
#: already made, blocker's statements, statement to kill it in, whether the killed run's
#: backend outlives the process until the blocker ends)
KILL_POINTS = {
    "fk-add-not-valid": (
        "0002",
        "0001",
        (),
        ["LOCK TABLE faults_entry IN ROW EXCLUSIVE MODE"],
        "%NOT VALID%",
        False,
    ),
    "fk-validate": (
        "0002",
        "0001",
        ("NOT VALID",),
        ["LOCK TABLE faults_entry IN SHARE UPDATE EXCLUSIVE MODE"],
        "%VALIDATE CONSTRAINT%",
        False,
    ),
    "fk-swap": ("0002", "0001", (), [READ_ENTRY], "%DROP CONSTRAINT%", False),
    "drop-index": ("0003", "0002", (), [READ_ENTRY], "DROP INDEX CONCURRENTLY%", True),
    "create-index": ("0004", "0003", (), SNAPSHOT, "CREATE INDEX CONCURRENTLY%", True),
    "not-null-check": ("0005", "0004", (), [READ_ENTRY], "%CHECK%NOT VALID%", False),
    "not-null-set": (
        "0005",
        "0004",
        ("NOT VALID", "VALIDATE"),
        [READ_ENTRY],
        "%SET NOT NULL%",
        False,
    ),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_then_rerun_converges(migrator: Any, test_db_conninfo: str, point: str) -> None:
    target, before, done, blocker_sql, query, orphan = KILL_POINTS[point]
    reference = uninterrupted(migrator)
    prepare(migrator, before)
    if done:
        run_earlier_steps(migrator, target, *done)
    with blocking(test_db_conninfo, *blocker_sql) as blocker:
        proc = start_migrate(test_db_conninfo, APP, target)
        killed_backend = kill_when_running(proc, test_db_conninfo, APP, query)
        if orphan:
            # PostgreSQL keeps running the killed client's statement: the next run waits for it.
            assert backend_alive(test_db_conninfo, killed_backend)
            rerun = start_migrate(test_db_conninfo, APP)
            wait_until(lambda: migrate_started(test_db_conninfo, rerun), "the rerun connects")
            time.sleep(0.5)
            assert rerun.poll() is None, "the rerun must wait for the orphan, not fail"
            assert backend_alive(test_db_conninfo, killed_backend)
            blocker.release()
        else:
            blocker.release()
            rerun = start_migrate(test_db_conninfo, APP)
        result = finish(rerun)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "deadlock" not in result.stderr
    if orphan:
        assert "Another migrate runs on database" in result.stderr
        assert f"pid {killed_backend}" in result.stderr
    assert snapshot() == reference
    migrator.migrate(APP, "zero")


def test_cancel_orphans_ends_the_killed_runs_backend(migrator: Any, test_db_conninfo: str) -> None:
    reference = uninterrupted(migrator)
    prepare(migrator, "0003")
    with blocking(test_db_conninfo, *SNAPSHOT) as blocker:
        proc = start_migrate(test_db_conninfo, APP, "0004")
        killed_backend = kill_when_running(
            proc, test_db_conninfo, APP, "CREATE INDEX CONCURRENTLY%"
        )
        # The rerun terminates the orphan (its INVALID index stays); dropping that index waits
        # for the blocker, which ends once the orphan is gone.
        rerun = start_migrate(test_db_conninfo, APP, "--cancel-orphans")
        wait_until(
            lambda: not backend_alive(test_db_conninfo, killed_backend), "the orphan is ended"
        )
        blocker.release()
        result = finish(rerun)
    assert result.returncode == 0, result.stderr
    assert f"Terminating pid {killed_backend}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not backend_alive(test_db_conninfo, killed_backend)
    assert snapshot() == reference
    migrator.migrate(APP, "zero")


def test_two_migrate_processes_at_once(migrator: Any, test_db_conninfo: str) -> None:
    reference = uninterrupted(migrator)
    prepare(migrator, "0001")
    first = start_migrate(test_db_conninfo, APP)
    second = start_migrate(test_db_conninfo, APP)
    results = [finish(first), finish(second)]
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert "deadlock" not in result.stderr
    # One applied the migrations; the other waited for the lock and found nothing left to do.
    outputs = [r.stdout for r in results]
    assert sum("Applying faults.0005_entry_note_not_null... OK" in o for o in outputs) == 1
    assert sum("No migrations to apply" in o for o in outputs) == 1
    assert snapshot() == reference  # every migration recorded once (count 1 in "applied")
    migrator.migrate(APP, "zero")


def test_migrate_lock_wait_zero_fails_at_once_with_a_message(
    migrator: Any, test_db_conninfo: str
) -> None:
    from safemigrations.db.migrate_lock import lock_key

    migrator.migrate(APP, "0001")
    with psycopg.connect(test_db_conninfo, autocommit=True) as holder:
        row = holder.execute("SELECT current_database()").fetchone()
        assert row is not None
        dbname = row[0]
        holder.execute("SELECT set_config('application_name', 'deploy job 7', false)")
        holder.execute("SELECT pg_advisory_lock(%s, %s)", list(lock_key(dbname)))
        holder_pid = holder.info.backend_pid
        result = finish(start_migrate(test_db_conninfo, APP, "--migrate-lock-wait", "0"))
    assert result.returncode == 1
    assert "CommandError: Another migrate runs on database" in result.stderr
    assert f"pid {holder_pid} [deploy job 7]" in result.stderr
    assert "Traceback" not in result.stderr
    assert migrator.applied(APP) == ["0001_initial"]
    migrator.migrate(APP, "zero")


def test_blocker_stalls_others_no_longer_than_one_attempt(
    migrator: Any, test_db_conninfo: str, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """An idle-in-transaction reader: the flags reach the operation, writers stall < 1 wait."""
    settings.SAFEMIGRATIONS = {"RETRY_BACKOFF": 0.1, "RETRY_MAX_BACKOFF": 0.3}
    prepare(migrator, "0004")
    caplog.set_level("WARNING", logger="safemigrations")

    def write(conn: psycopg.Connection, i: int) -> None:
        conn.execute(
            "INSERT INTO faults_entry (parent_id, code, name, note) "
            "SELECT min(id), 'w', 'w', 1 FROM faults_parent"
        )

    def read(conn: psycopg.Connection, i: int) -> None:
        conn.execute("SELECT count(*) FROM faults_entry WHERE id = %s", [i])

    with (
        blocking(test_db_conninfo, "SELECT count(*) FROM faults_entry /* idle report */") as b,
        ConcurrentLoad(test_db_conninfo, writers=[write], readers=[read]) as load,
        pytest.raises(LockRetriesExhausted) as info,
    ):
        migrator.migrate(APP, "0005", lock_timeout=0.15, lock_retries=3)
    report = load.report
    assert report is not None
    assert report.errors == []
    message = str(info.value)
    assert "note" in message
    assert f"pid {b.pid}" in message
    assert "idle report" in message
    assert "in 4 attempts" in message
    retries = [r.getMessage() for r in caplog.records if "lock wait timed out" in r.getMessage()]
    # --lock-timeout reached the safemigrations operation: first wait 0.15 s, growing.
    assert [m.split(" after ")[1].split("s ")[0] for m in retries] == ["0.15", "0.225", "0.3375"]
    ceiling = 0.5  # the longest attempt's wait (LOCK_TIMEOUT_MAX)
    assert report.writes.longest_stall < ceiling + 0.25, report.summary()
    assert report.reads.longest_stall < ceiling + 0.25, report.summary()
    migrator.migrate(APP, "zero")


def test_deadlock_is_retried_like_a_lock_timeout(
    migrator: Any, test_db_conninfo: str, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A deadlock with another session during a step: the step is retried, the run finishes."""
    settings.SAFEMIGRATIONS = {"RETRY_BACKOFF": 0.05}
    prepare(migrator, "0001")
    caplog.set_level("WARNING", logger="safemigrations")
    # The other session holds faults_parent. Adding the foreign key locks faults_entry, then
    # waits for faults_parent; the other session then asks for faults_entry: a cycle, which
    # PostgreSQL breaks by failing the statement of the backend whose deadlock_timeout expires
    # first once the cycle exists: the migration's (3 s), not the other session's (30 s).
    with connection.cursor() as cur:
        cur.execute("SET deadlock_timeout = '3s'")
    with psycopg.connect(test_db_conninfo) as other:
        other.execute("SET deadlock_timeout = '30s'")
        other.execute("LOCK TABLE faults_parent IN ACCESS EXCLUSIVE MODE")

        def collide() -> None:
            with psycopg.connect(test_db_conninfo, autocommit=True) as watcher:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    row = watcher.execute(
                        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query ILIKE %s",
                        ["%NOT VALID%"],
                    ).fetchone()
                    if row:
                        break
                    time.sleep(0.005)
            try:
                other.execute("LOCK TABLE faults_entry IN ROW EXCLUSIVE MODE")
            finally:
                other.rollback()

        thread = threading.Thread(target=collide, daemon=True)
        thread.start()
        try:
            migrator.migrate(APP, "0002", lock_timeout=10)
        finally:
            with connection.cursor() as cur:
                cur.execute("RESET deadlock_timeout")
        thread.join(timeout=30)
    messages = [r.getMessage() for r in caplog.records]
    assert any("deadlock after 10s (attempt 1 of" in m for m in messages), messages
    assert migrator.applied(APP)[-1] == "0002_entry_parent_db_cascade"
    with connection.cursor() as cur:
        fks = [
            c for c in catalog.constraints(cur, "faults_entry").values() if c.type == "foreign key"
        ]
    assert [(c.on_delete, c.validated) for c in fks] == [("CASCADE", True)]
    migrator.migrate(APP, "zero")


def test_database_errors_are_a_message_on_the_command_line(
    migrator: Any, test_db_conninfo: str
) -> None:
    prepare(migrator, "0004")
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE faults_entry SET note = NULL WHERE id IN (SELECT min(id) FROM faults_entry)"
        )
    result = finish(start_migrate(test_db_conninfo, APP))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "CommandError:" in result.stderr
    assert "still holds NULL values" in result.stderr
    # --traceback keeps Django's behaviour: the full traceback for a bug report.
    traced = finish(start_migrate(test_db_conninfo, APP, "--traceback"))
    assert traced.returncode == 1
    assert "Traceback" in traced.stderr
    migrator.migrate(APP, "zero")


def test_a_step_waits_for_an_orphan_on_its_table(
    migrator: Any, test_db_conninfo: str, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Without the migrate lock, the step itself finds the killed run's backend and waits."""
    reference = uninterrupted(migrator)
    prepare(migrator, "0003")
    caplog.set_level("WARNING", logger="safemigrations")
    settings.SAFEMIGRATIONS = {"MIGRATE_LOCK": False}
    with blocking(test_db_conninfo, *SNAPSHOT) as blocker:
        proc = start_migrate(test_db_conninfo, APP, "0004")
        killed_backend = kill_when_running(
            proc, test_db_conninfo, APP, "CREATE INDEX CONCURRENTLY%"
        )

        def release_once_waiting() -> None:
            wait_until(
                lambda: any("earlier migrate" in r.getMessage() for r in caplog.records),
                "the step says it waits",
            )
            blocker.release()

        releaser = threading.Thread(target=release_once_waiting, daemon=True)
        releaser.start()
        migrator.migrate(APP, verbosity=1)
        releaser.join(timeout=60)
    waits = [r.getMessage() for r in caplog.records if "earlier migrate" in r.getMessage()]
    assert waits, "the step must say what it waits for"
    assert f"pid {killed_backend}" in waits[0]
    assert "CREATE INDEX CONCURRENTLY" in waits[0]
    assert not backend_alive(test_db_conninfo, killed_backend)
    assert snapshot() == reference
    migrator.migrate(APP, "zero")
