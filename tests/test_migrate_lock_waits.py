"""``migrate`` bounds and retries the lock waits of every statement, Django's own included."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError
from django.db import connection

from safemigrations.db.locks import LockRetriesExhausted
from safemigrations.lockwaits import tables_of
from tests.blocking import blocking

FAST = {"RETRY_BACKOFF": 0.05, "RETRY_MAX_BACKOFF": 0.2}


@pytest.fixture
def fast_retries(settings: Any) -> None:
    settings.SAFEMIGRATIONS = dict(FAST)


def columns(table: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped",
            [table],
        )
        return {r[0] for r in cur.fetchall()}


def seen() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT step, lock_timeout FROM lockwaits_seen")
        return dict(cur.fetchall())


def retry_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "lock wait timed out" in r.getMessage()]


def test_every_statement_runs_under_lock_timeout(migrator: Any, fast_retries: None) -> None:
    migrator.migrate("lockwaits", "0001")
    migrator.migrate("lockwaits", "0003", lock_timeout=1.5)
    assert seen() == {"0002": "1500ms", "0003": "1500ms"}
    with connection.cursor() as cur:
        cur.execute("SHOW lock_timeout")
        assert cur.fetchone()[0] == "0", "the session's lock_timeout is restored afterwards"
    migrator.migrate("lockwaits", "0001")


def test_off_with_zero_or_setting(migrator: Any, settings: Any) -> None:
    migrator.migrate("lockwaits", "0001")
    migrator.migrate("lockwaits", "0002", lock_timeout=0)
    assert seen() == {"0002": "0"}
    migrator.migrate("lockwaits", "0001")
    settings.SAFEMIGRATIONS = {"MIGRATE_LOCK_WAITS": False}
    migrator.migrate("lockwaits", "0002")
    assert seen() == {"0002": "0"}
    settings.SAFEMIGRATIONS = {"LOCK_TIMEOUT": 2}
    migrator.migrate("lockwaits", "0001")
    migrator.migrate("lockwaits", "0002")
    assert seen() == {"0002": "2s"}
    migrator.migrate("lockwaits", "0001")


def test_atomic_migration_is_retried_whole(
    migrator: Any, test_db_conninfo: str, fast_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    migrator.migrate("lockwaits", "0001")
    caplog.set_level(logging.WARNING, logger="safemigrations")
    with blocking(
        test_db_conninfo, "SELECT count(*) FROM lockwaits_item /* reader */", release_after=1.0
    ) as reader:
        migrator.migrate("lockwaits", "0002", lock_timeout=0.2, lock_retries=20)
    retries = retry_messages(caplog)
    assert retries, "the blocked ALTER TABLE must have timed out at least once"
    assert all("Running the whole migration again" in m for m in retries)
    assert f"pid {reader.pid}" in retries[0]
    assert "extra" in columns("lockwaits_item")
    assert migrator.applied("lockwaits")[-1] == "0002_item_extra"
    # Each attempt's transaction was rolled back: the successful one inserted the only row,
    # under a longer wait than the first attempt's (waits grow: 200 ms, 300 ms, 450 ms, 500 ms).
    rows = seen()
    assert list(rows) == ["0002"]
    assert rows["0002"] in {"300ms", "450ms", "500ms"}
    migrator.migrate("lockwaits", "0001")


def test_exhausted_retries_name_the_blocker(
    migrator: Any, test_db_conninfo: str, fast_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    migrator.migrate("lockwaits", "0001")
    caplog.set_level(logging.WARNING, logger="safemigrations")
    with (
        blocking(test_db_conninfo, "SELECT count(*) FROM lockwaits_item /* slow report */") as b,
        pytest.raises(LockRetriesExhausted) as info,
    ):
        migrator.migrate("lockwaits", "0002", lock_timeout=0.1, lock_retries=2)
    message = str(info.value)
    assert "Applying lockwaits.0002_item_extra" in message
    assert "in 3 attempts" in message
    assert f"pid {b.pid}" in message
    assert "slow report" in message
    assert "AccessShareLock on lockwaits_item" in message
    assert len(retry_messages(caplog)) == 2
    # Nothing half-applied: no column, not recorded; a second run after the blocker left works.
    assert "extra" not in columns("lockwaits_item")
    assert migrator.applied("lockwaits") == ["0001_initial"]
    migrator.migrate("lockwaits", "0002", lock_timeout=0.1, lock_retries=2)
    assert "extra" in columns("lockwaits_item")
    migrator.migrate("lockwaits", "0001")


def test_statement_outside_transaction_is_retried_alone(
    migrator: Any, test_db_conninfo: str, fast_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    migrator.migrate("lockwaits", "0002")
    caplog.set_level(logging.WARNING, logger="safemigrations")
    with blocking(
        test_db_conninfo, "SELECT count(*) FROM lockwaits_item", release_after=0.8
    ) as reader:
        migrator.migrate("lockwaits", "0003", lock_timeout=0.2, lock_retries=20)
    retries = retry_messages(caplog)
    assert retries
    assert all(
        m.startswith("Statement 'ALTER TABLE lockwaits_item ADD COLUMN flag") for m in retries
    )
    assert f"pid {reader.pid}" in retries[0]
    # The INSERT before the blocked statement ran once: only the statement was retried.
    # 0002 ran under the default first wait (SAFEMIGRATIONS["LOCK_TIMEOUT"], 100 ms).
    assert seen() == {"0002": "100ms", "0003": "200ms"}
    assert "flag" in columns("lockwaits_item")
    migrator.migrate("lockwaits", "0001")


def test_backwards_is_bounded_too(migrator: Any, test_db_conninfo: str, fast_retries: None) -> None:
    migrator.migrate("lockwaits", "0002")
    with (
        blocking(test_db_conninfo, "SELECT count(*) FROM lockwaits_item /* backup */") as b,
        pytest.raises(
            LockRetriesExhausted, match=f"(?s)Unapplying lockwaits.0002_item_extra.*pid {b.pid}"
        ),
    ):
        migrator.migrate("lockwaits", "0001", lock_timeout=0.1, lock_retries=1)
    migrator.migrate("lockwaits", "0001")
    assert "extra" not in columns("lockwaits_item")


def test_concurrent_index_build_is_not_cut_short(
    migrator: Any, test_db_conninfo: str, fast_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    migrator.migrate("lockwaits", "0003")
    caplog.set_level(logging.WARNING, logger="safemigrations")
    # An open transaction with a snapshot: CREATE INDEX CONCURRENTLY waits for it to end.
    with blocking(test_db_conninfo, "SELECT count(*) FROM lockwaits_item", release_after=0.8):
        migrator.migrate("lockwaits", "0004", lock_timeout=0.1, lock_retries=0)
    assert retry_messages(caplog) == []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'lockwaits_item_name_idx'::regclass"
        )
        assert cur.fetchone()[0] is True
    migrator.migrate("lockwaits", "0001")


@pytest.mark.parametrize(
    ("options", "message"),
    [({"lock_timeout": -1}, "--lock-timeout"), ({"lock_retries": -2}, "--lock-retries")],
)
def test_bad_options(migrator: Any, options: dict[str, Any], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        migrator.migrate("lockwaits", "0001", **options)


def test_tables_of_statements() -> None:
    assert tables_of(
        'ALTER TABLE "Weird Table-Name" ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES p (id)'
    ) == [
        "Weird Table-Name",
        "p",
    ]
    assert tables_of("not sql at all") == []


def test_command_line_gets_a_message_not_a_traceback(migrator, test_db_conninfo, pg_server) -> None:
    """``manage.py migrate`` prints the blocker and exits 1 when lock retries run out."""
    import os
    import subprocess
    import sys

    from django.db import connection

    migrator.migrate("lockwaits", "0001")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": pg_server.conninfo(connection.settings_dict["NAME"]),
    }
    with psycopg.connect(test_db_conninfo) as blocker:
        blocker_pid = blocker.info.backend_pid
        blocker.execute("LOCK TABLE lockwaits_item IN ACCESS EXCLUSIVE MODE")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "migrate",
                "lockwaits",
                "0002",
                "--lock-timeout",
                "0.1",
                "--lock-retries",
                "1",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        blocker.rollback()
    assert proc.returncode == 1
    assert "CommandError:" in proc.stderr
    assert f"pid {blocker_pid}" in proc.stderr
    assert "Traceback" not in proc.stderr
