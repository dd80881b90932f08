"""Progress of long steps: read from pg_stat_progress_create_index / pg_stat_activity."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection, models

from safemigrations.conf import migrate_verbosity
from safemigrations.db import progress
from safemigrations.operations import AddIndexConcurrently, SetNotNull
from safemigrations.testing.migrator import Migrator
from tests.indexops_support import APP, MEMBER, run_forwards, state_at
from tests.indexops_support import app as app  # the fixture

SLOW_INDEX = "indexops_member_slow_score"


class TerminalBuffer(io.StringIO):
    """An in-memory stream that says it is a terminal, to see the in-place rendering."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def slow_function(app: Migrator) -> Iterator[None]:
    """An immutable function that sleeps 2 ms per call: an index on it builds slowly."""
    with connection.cursor() as cur:
        cur.execute(
            "CREATE FUNCTION indexops_slow(int) RETURNS int LANGUAGE plpgsql IMMUTABLE "
            "AS $$ BEGIN PERFORM pg_sleep(0.002); RETURN $1; END $$"
        )
    yield
    with connection.cursor() as cur:
        cur.execute(f"DROP INDEX IF EXISTS {SLOW_INDEX}")
        cur.execute("DROP FUNCTION IF EXISTS indexops_slow(int)")


def slow_index_operation() -> AddIndexConcurrently:
    expression = models.Func(
        models.F("score"), function="indexops_slow", output_field=models.IntegerField()
    )
    return AddIndexConcurrently("member", models.Index(expression, name=SLOW_INDEX))


def test_index_build_progress_is_printed_as_plain_lines(
    app: Migrator, slow_function: None, settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.SAFEMIGRATIONS = {"PROGRESS_INTERVAL": 0.2}
    run_forwards(slow_index_operation(), state_at(app, "0001"))
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if SLOW_INDEX in line]
    scanning = [line for line in lines if "scanning table:" in line]
    assert len(scanning) >= 2, out
    assert "blocks (" in scanning[0]
    assert "%)" in scanning[0]
    assert "\r" not in out  # not a terminal: plain lines only
    assert "done after" in lines[-1]


def test_index_build_progress_is_redrawn_in_place_on_a_terminal(slow_function: None) -> None:
    stream = TerminalBuffer()
    with (
        connection.cursor() as cur,
        progress.watch(connection, "build", stream=stream, interval=0.1),
    ):
        cur.execute(f"CREATE INDEX {SLOW_INDEX} ON {MEMBER} (indexops_slow(score))")
    out = stream.getvalue()
    assert out.count("\r") >= 3, out
    assert "building index" in out or "scanning table" in out
    assert out.endswith("\n")
    assert "build: done after" in out


def test_nothing_is_printed_at_verbosity_zero(
    app: Migrator, slow_function: None, settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.SAFEMIGRATIONS = {"PROGRESS_INTERVAL": 0.1}
    token = migrate_verbosity.set(0)
    try:
        run_forwards(slow_index_operation(), state_at(app, "0001"))
    finally:
        migrate_verbosity.reset(token)
    assert SLOW_INDEX not in capsys.readouterr().out
    with connection.cursor() as cur:
        cur.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass", [SLOW_INDEX])
        assert cur.fetchone() == (True,)


def test_a_concurrent_build_says_which_transaction_it_waits_for(
    app: Migrator, test_db_conninfo: str, settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.SAFEMIGRATIONS = {"PROGRESS_INTERVAL": 0.2}
    holder_pid: list[int] = []
    started = threading.Event()

    def hold() -> None:
        with psycopg.connect(test_db_conninfo) as conn:
            holder_pid.append(conn.info.backend_pid)
            conn.execute(f"UPDATE {MEMBER} SET score = score WHERE id = -1")
            started.set()
            time.sleep(1.2)
            conn.rollback()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    started.wait(10)
    run_forwards(AddIndexConcurrently("member", field="email"), state_at(app, "0002"))
    thread.join()
    out = capsys.readouterr().out
    assert "waiting for writers before build" in out, out
    assert f"waiting for pid {holder_pid[0]}" in out


def test_validate_reports_elapsed_time_and_the_lock_it_waits_for(
    app: Migrator, test_db_conninfo: str, settings, capsys: pytest.CaptureFixture[str]
) -> None:
    app.migrate(APP, "0003")
    settings.SAFEMIGRATIONS = {"PROGRESS_INTERVAL": 0.2}
    holder_pid: list[int] = []
    started = threading.Event()

    def hold() -> None:
        with psycopg.connect(test_db_conninfo) as conn:
            holder_pid.append(conn.info.backend_pid)
            conn.execute(f"LOCK TABLE {MEMBER} IN SHARE UPDATE EXCLUSIVE MODE")
            started.set()
            time.sleep(1.2)
            conn.rollback()

    with connection.cursor() as cur:  # the NOT VALID check exists: only VALIDATE waits
        cur.execute(
            f"ALTER TABLE {MEMBER} ADD CONSTRAINT indexops_member_nickname_03b387f2_notnull "
            "CHECK (nickname IS NOT NULL) NOT VALID"
        )
    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    started.wait(10)
    run_forwards(SetNotNull("member", "nickname"), state_at(app, "0003"))
    thread.join()
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "validate the check" in line]
    assert any(f"held by pid {holder_pid[0]}" in line for line in lines), out
    assert "done after 1s" in lines[-1]


def test_index_progress_text() -> None:
    sample = progress.IndexBuildProgress(
        command="CREATE INDEX CONCURRENTLY",
        phase="building index: scanning table",
        lockers_total=0,
        lockers_done=0,
        current_locker_pid=None,
        blocks_total=4000,
        blocks_done=1000,
        tuples_total=0,
        tuples_done=0,
    )
    assert sample.percent == 25.0
    assert sample.describe() == "scanning table: 1,000 of 4,000 blocks (25%)"
    assert progress.format_elapsed(3725) == "1h02m"
    assert progress.format_elapsed(185) == "3m05s"


def test_plain_printer_prints_one_line_per_interval() -> None:
    stream = io.StringIO()
    printer = progress.ProgressPrinter(stream, tty=False, interval=10)
    printer.update("a", now=0.0)
    printer.update("b", now=5.0)  # within the interval: skipped
    printer.update("c", now=10.5)
    printer.finish("done")
    assert stream.getvalue() == "\n    a\n    c\n    done\n"


def test_printer_is_silent_when_nothing_was_shown() -> None:
    stream = io.StringIO()
    progress.ProgressPrinter(stream, tty=True, interval=1).finish("done")
    assert stream.getvalue() == ""


def test_migrate_command_prints_progress_to_its_own_stdout(
    app: Migrator, test_db_conninfo: str, settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """``call_command("migrate", stdout=...)`` captures the progress lines, not ``sys.stdout``."""
    from django.core.management import call_command

    from tests.indexops_support import hold_writer

    settings.SAFEMIGRATIONS = {"PROGRESS_INTERVAL": 0.2}
    holder = hold_writer(test_db_conninfo, 1.2)  # the concurrent build waits for it
    buffer = io.StringIO()
    call_command("migrate", APP, "0002", stdout=buffer, verbosity=1)
    holder.join()
    out = buffer.getvalue()
    progress_lines = [line for line in out.splitlines() if "waiting for writers" in line]
    assert progress_lines, out
    assert "indexops_member_team_code_uq" in progress_lines[0]
    assert "done after" in out
    assert "waiting for writers" not in capsys.readouterr().out
