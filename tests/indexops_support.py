"""Fixtures and helpers shared by the tests of the index and column operations."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection
from django.db.migrations.state import ProjectState

from safemigrations.db import catalog
from safemigrations.testing.locks import LockRecorder, LockRecording
from safemigrations.testing.migrator import Migrator

APP = "indexops"
MEMBER = "indexops_member"


@pytest.fixture
def app(migrator: Migrator) -> Iterator[Migrator]:
    """``indexops`` at 0001 with a few hundred rows; rebuilt from scratch afterwards."""
    migrator.migrate(APP, "0001")
    with connection.cursor() as cur:
        cur.execute("INSERT INTO indexops_team (name) SELECT 't' || g FROM generate_series(1, 5) g")
        cur.execute(
            """
            INSERT INTO indexops_member (team_id, code, email, nickname, score)
            SELECT (SELECT min(id) FROM indexops_team) + g % 5, 'c' || g, 'm' || g || '@x.org',
                   'n' || g, g % 7
            FROM generate_series(1, 500) g
            """
        )
    yield migrator
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS indexops_member, indexops_team CASCADE")
    migrator.migrate(APP, "zero", fake=True)
    migrator.migrate(APP)


MIGRATIONS = {
    "0001": "0001_initial",
    "0002": "0002_unique_constraint",
    "0003": "0003_indexes",
    "0004": "0004_columns",
    "0005": "0005_buddy_unique_nickname",
}


def state_at(migrator: Migrator, name: str) -> ProjectState:
    """The project state right after migration ``name`` (short form) of the test app."""
    return migrator.state(APP, MIGRATIONS[name])


def run_forwards(
    operation: object, from_state: ProjectState, *, atomic: bool = False, collect: bool = False
) -> list[str]:
    """Apply one operation the way ``migrate`` does; return collected SQL when ``collect``."""
    to_state = from_state.clone()
    operation.state_forwards(APP, to_state)  # type: ignore[attr-defined]
    with connection.schema_editor(atomic=atomic, collect_sql=collect) as editor:
        operation.database_forwards(APP, editor, from_state, to_state)  # type: ignore[attr-defined]
    return list(editor.collected_sql) if collect else []


def run_backwards(operation: object, to_state: ProjectState) -> None:
    from_state = to_state.clone()
    operation.state_forwards(APP, from_state)  # type: ignore[attr-defined]
    with connection.schema_editor(atomic=False) as editor:
        operation.database_backwards(APP, editor, from_state, to_state)  # type: ignore[attr-defined]


def indexes() -> dict[str, catalog.Index]:
    with connection.cursor() as cur:
        return catalog.indexes(cur, MEMBER)


def constraints() -> dict[str, catalog.Constraint]:
    with connection.cursor() as cur:
        return catalog.constraints(cur, MEMBER)


def hold_writer(conninfo: str, seconds: float, after_column: str | None = None) -> threading.Thread:
    """A writing transaction open for ``seconds``: concurrent builds and drops wait for it.

    With ``after_column`` the transaction starts only once that column of the table exists, so an
    earlier ``ADD COLUMN`` of the operation under test does not wait for it instead.
    """
    started = threading.Event()

    def hold() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            deadline = time.monotonic() + 30
            while after_column and time.monotonic() < deadline:
                found = conn.execute(
                    "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s",
                    [MEMBER, after_column],
                ).fetchone()
                if found:
                    break
                time.sleep(0.001)
            with conn.transaction(force_rollback=True):
                conn.execute(f"UPDATE {MEMBER} SET score = score WHERE id = -1")
                started.set()
                time.sleep(seconds)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    if after_column is None:
        started.wait(10)
    return thread


@contextmanager
def recording_locks(conninfo: str) -> Iterator[LockRecording]:
    """The locks Django's connection holds inside the block, sampled from ``pg_locks``."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    with LockRecorder(conninfo, pid, interval=0.001) as recording:
        yield recording
