"""The fixture layer later tests build on, checked against the real server."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from django.db import connection

from safemigrations.db.scratch import scratch_database
from safemigrations.testing.load import ConcurrentLoad
from safemigrations.testing.locks import LockRecorder


def test_scratch_database_is_created_and_dropped(pg_server) -> None:
    with scratch_database("harness_check", pg_server) as name, pg_server.connect(name) as conn:
        conn.execute("CREATE TABLE t (id int)")
        assert conn.execute("SELECT current_database()").fetchone() == (name,)
    with pg_server.connect() as conn:
        assert (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None
        )


def test_module_scratch_db_fixture(scratch_db: str, pg_server) -> None:
    with pg_server.connect(scratch_db) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (scratch_db,)


def test_migrator_moves_an_app_and_catalog_reads_the_result(migrator, cursor, pg_catalog) -> None:
    migrator.migrate("harness", "0001")
    assert migrator.applied("harness") == ["0001_initial"]
    assert "harness_book_title_idx" not in pg_catalog.indexes(cursor, "harness_book")

    migrator.migrate("harness", "0002")
    indexes = pg_catalog.indexes(cursor, "harness_book")
    assert indexes["harness_book_title_idx"].valid
    assert indexes["harness_book_title_idx"].columns == ("title",)
    constraints = pg_catalog.constraints(cursor, "harness_book")
    check = constraints["harness_book_title_nonempty"]
    assert check.type == "check"
    assert check.validated
    (fk,) = [c for c in constraints.values() if c.type == "foreign key"]
    assert fk.columns == ("author_id",)
    assert fk.referenced_table == "harness_author"
    assert fk.on_delete == "NO ACTION"  # Django emulates CASCADE in Python
    assert fk.deferrable
    assert fk.initially_deferred
    unique = [c for c in constraints.values() if c.type == "unique"]
    assert unique
    assert unique[0].columns == ("isbn",)
    assert unique[0].index

    cols = pg_catalog.columns(cursor, "harness_book")
    assert cols["title"].type == "character varying(200)"
    assert cols["title"].not_null

    sql = migrator.sqlmigrate("harness", "0002", backwards=True)
    assert 'DROP INDEX IF EXISTS "harness_book_title_idx"' in sql

    migrator.migrate("harness", "zero")
    assert not pg_catalog.table_exists(cursor, "harness_book")
    migrator.migrate("harness")


def test_lock_recorder_sees_the_locks_of_another_backend(test_db_conninfo, migrator) -> None:
    migrator.migrate("harness")
    with psycopg.connect(test_db_conninfo) as conn:
        pid = conn.info.backend_pid
        with LockRecorder(test_db_conninfo, pid) as recording:
            conn.execute("LOCK TABLE harness_author IN SHARE ROW EXCLUSIVE MODE")
            time.sleep(0.05)
            conn.rollback()
    assert "ShareRowExclusiveLock" in recording.modes_on("harness_author")
    assert "AccessExclusiveLock" not in recording.modes_on("harness_author")
    assert recording.samples > 3


def test_concurrent_load_measures_a_stall_and_reports_errors(test_db_conninfo, migrator) -> None:
    migrator.migrate("harness")
    with connection.cursor() as cur:
        cur.execute("INSERT INTO harness_author (name) VALUES ('a') RETURNING id")
        author_id = cur.fetchone()[0]

    def write(conn: psycopg.Connection, i: int) -> None:
        conn.execute(
            "INSERT INTO harness_book (author_id, title, isbn) VALUES (%s, 't', %s)",
            [author_id, f"{i}-{threading.get_ident() % 100000}"],
        )

    def read(conn: psycopg.Connection, i: int) -> None:
        conn.execute("SELECT count(*) FROM harness_book").fetchone()

    def fail(conn: psycopg.Connection, i: int) -> None:
        conn.execute("INSERT INTO harness_book (author_id, title, isbn) VALUES (-1, 'x', 'y')")

    with psycopg.connect(test_db_conninfo) as blocker:
        load = ConcurrentLoad(test_db_conninfo, writers=[write], readers=[read]).start()
        blocker.execute("LOCK TABLE harness_book IN ACCESS EXCLUSIVE MODE")
        time.sleep(0.4)
        blocker.rollback()
        report = load.stop()
    assert report.errors == []
    assert report.writes.operations > 5
    assert report.reads.operations > 5
    assert report.writes.longest_stall >= 0.3
    assert report.reads.longest_stall >= 0.3

    failing = ConcurrentLoad(test_db_conninfo, writers=[fail], warmup=0.05).start()
    report = failing.stop()
    assert report.errors
    assert "ForeignKeyViolation" in report.errors[0]
    assert "errors" in report.summary()


@pytest.mark.parametrize("table", ["harness_book", "harness_author"])
def test_relfilenode_changes_when_the_table_is_rewritten(
    migrator, cursor, pg_catalog, table
) -> None:
    migrator.migrate("harness")
    before = pg_catalog.relfilenode(cursor, table)
    cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id TYPE integer")
    assert pg_catalog.relfilenode(cursor, table) != before
    migrator.migrate("harness", "zero")
    migrator.migrate("harness")
