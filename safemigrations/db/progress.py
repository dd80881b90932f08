"""Progress of long migration steps, read from PostgreSQL while they run.

An index build on a big table runs for minutes; without feedback nobody knows whether to wait or
cancel. While a long step runs, :func:`watch` polls, on a connection of its own, what the
migrating backend is doing:

- ``pg_stat_progress_create_index`` for ``CREATE INDEX [CONCURRENTLY]``: phase, blocks / tuples
  done of total, percent, and which transaction a concurrent build is waiting for;
- ``pg_stat_activity`` for every other long step (``VALIDATE CONSTRAINT`` has no progress view in
  PostgreSQL): elapsed time, and the backends it waits for when it waits for a lock.

On a terminal the line is redrawn in place (``\\r``); otherwise a plain line is printed every
``SAFEMIGRATIONS["PROGRESS_INTERVAL"]`` seconds. Lines go to the running ``migrate`` command's
stdout (so ``call_command("migrate", stdout=...)`` captures them), else to ``sys.stdout``.
Nothing is printed at ``migrate -v0``.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import TextIOBase
from typing import Any, TextIO

from django.core.management.base import OutputWrapper
from django.db.backends.base.base import BaseDatabaseWrapper

from safemigrations.conf import migrate_stdout, migrate_verbosity, setting

#: Seconds between two samples on a terminal (plain output samples at the same pace and prints
#: one line per ``PROGRESS_INTERVAL``).
TTY_REFRESH = 0.5


@dataclass(frozen=True)
class IndexBuildProgress:
    """One row of ``pg_stat_progress_create_index`` for the migrating backend."""

    command: str
    phase: str
    lockers_total: int
    lockers_done: int
    current_locker_pid: int | None
    blocks_total: int
    blocks_done: int
    tuples_total: int
    tuples_done: int

    @property
    def percent(self) -> float | None:
        """How far the current phase is, when PostgreSQL counts it."""
        for done, total in (
            (self.blocks_done, self.blocks_total),
            (self.tuples_done, self.tuples_total),
            (self.lockers_done, self.lockers_total),
        ):
            if total > 0:
                return min(100.0, 100.0 * done / total)
        return None

    def describe(self) -> str:
        """``scanning table: 1,204 of 5,000 blocks (24%)`` and the like."""
        text = self.phase.removeprefix("building index: ")
        if self.blocks_total > 0:
            text += f": {self.blocks_done:,} of {self.blocks_total:,} blocks"
        elif self.tuples_total > 0:
            text += f": {self.tuples_done:,} of {self.tuples_total:,} tuples"
        elif self.lockers_total > 0:
            text += f": {self.lockers_done:,} of {self.lockers_total:,} transactions"
        if self.percent is not None:
            text += f" ({self.percent:.0f}%)"
        if self.current_locker_pid:
            text += f", waiting for pid {self.current_locker_pid}"
        return text


@dataclass(frozen=True)
class BackendActivity:
    """What ``pg_stat_activity`` says about the migrating backend."""

    wait_event_type: str | None
    wait_event: str | None
    blocking_pids: tuple[int, ...]

    def describe(self) -> str:
        if self.wait_event_type == "Lock":
            who = ", ".join(str(p) for p in self.blocking_pids) or "another backend"
            return f"waiting for a {self.wait_event} lock held by pid {who}"
        return "running"


def read_index_build(cursor: Any, pid: int) -> IndexBuildProgress | None:
    """The index build backend ``pid`` is running, if any."""
    cursor.execute(
        """
        SELECT command, phase, lockers_total, lockers_done, current_locker_pid,
               blocks_total, blocks_done, tuples_total, tuples_done
        FROM pg_stat_progress_create_index WHERE pid = %s
        """,
        [pid],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return IndexBuildProgress(
        command=row[0],
        phase=row[1],
        lockers_total=int(row[2] or 0),
        lockers_done=int(row[3] or 0),
        current_locker_pid=int(row[4]) if row[4] else None,
        blocks_total=int(row[5] or 0),
        blocks_done=int(row[6] or 0),
        tuples_total=int(row[7] or 0),
        tuples_done=int(row[8] or 0),
    )


def read_activity(cursor: Any, pid: int) -> BackendActivity | None:
    """Wait state of backend ``pid`` and the backends blocking it."""
    cursor.execute(
        """
        SELECT wait_event_type, wait_event, pg_blocking_pids(pid)
        FROM pg_stat_activity WHERE pid = %s
        """,
        [pid],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return BackendActivity(
        wait_event_type=row[0], wait_event=row[1], blocking_pids=tuple(row[2] or ())
    )


def describe_sample(
    index: IndexBuildProgress | None, activity: BackendActivity | None, elapsed: float
) -> str:
    """One progress line's text (without the step's name)."""
    if index is not None:
        text = index.describe()
    elif activity is not None:
        text = activity.describe()
    else:
        text = "running"
    if activity is not None and activity.wait_event_type == "Lock" and index is not None:
        text += f"; {activity.describe()}"
    return f"{text} [{format_elapsed(elapsed)}]"


def format_elapsed(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class ProgressPrinter:
    """Writes progress lines: in place on a terminal, one plain line per interval otherwise."""

    def __init__(
        self, stream: TextIO | TextIOBase, *, tty: bool, interval: float, indent: str = "    "
    ) -> None:
        self.stream: TextIO | TextIOBase | _RawWrites = (
            _RawWrites(stream) if isinstance(stream, OutputWrapper) else stream
        )
        self.tty = tty
        self.interval = interval
        self.indent = indent
        self._width = 0
        self._last_line = float("-inf")
        self._printed = False

    def update(self, text: str, now: float) -> None:
        """Show ``text``: redraw on a terminal, or print it when ``interval`` has passed."""
        line = self.indent + text
        if self.tty:
            prefix = "" if self._printed else "\n"
            self.stream.write(prefix + "\r" + line.ljust(self._width))
            self._width = max(self._width, len(line))
        elif now - self._last_line >= self.interval:
            prefix = "" if self._printed else "\n"
            self.stream.write(prefix + line + "\n")
            self._last_line = now
        else:
            return
        self._printed = True
        self.stream.flush()

    def finish(self, text: str) -> None:
        """End the progress display with a last line, if anything was shown at all."""
        if not self._printed:
            return
        line = self.indent + text
        if self.tty:
            self.stream.write("\r" + line.ljust(self._width) + "\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class _RawWrites:
    """A command's ``OutputWrapper`` that writes text as given (it would append a newline)."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


def _stream_is_tty(stream: TextIO | TextIOBase) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


class _Poller(threading.Thread):
    """Samples the migrating backend on a connection of its own until stopped."""

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        pid: int,
        label: str,
        printer: ProgressPrinter,
        delay: float,
        refresh: float,
    ) -> None:
        super().__init__(name=f"safemigrations-progress-{pid}", daemon=True)
        self.connection = connection
        self.pid = pid
        self.label = label
        self.printer = printer
        self.delay = delay
        self.refresh = refresh
        self.stop_event = threading.Event()
        self.started_at = time.monotonic()
        self.samples = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        if self.stop_event.wait(self.delay):
            return
        # A Django connection belongs to the thread that creates it: make our own here.
        watcher = self.connection.copy()  # type: ignore[attr-defined]
        try:
            with watcher.cursor() as cursor:
                while not self.stop_event.is_set():
                    index = read_index_build(cursor, self.pid)
                    activity = read_activity(cursor, self.pid)
                    self.samples += 1
                    elapsed = time.monotonic() - self.started_at
                    self.printer.update(
                        f"{self.label}: {describe_sample(index, activity, elapsed)}",
                        time.monotonic(),
                    )
                    self.stop_event.wait(self.refresh)
        except Exception as exc:  # progress is best effort: never fail the migration for it
            self.error = exc
        finally:
            watcher.close()


@contextmanager
def watch(
    connection: BaseDatabaseWrapper,
    label: str,
    *,
    stream: TextIO | TextIOBase | None = None,
    interval: float | None = None,
    delay: float | None = None,
) -> Iterator[_Poller | None]:
    """Show the progress of the step running on ``connection`` inside the block.

    Nothing happens at verbosity 0, on other databases than PostgreSQL, or when the step ends
    before ``delay`` seconds (default: ``PROGRESS_INTERVAL`` on plain output, one refresh on a
    terminal), so quick steps print nothing.
    """
    if migrate_verbosity.get() < 1 or connection.vendor != "postgresql":
        yield None
        return
    if stream is None:
        stream = migrate_stdout.get() or sys.stdout
    interval = float(setting("PROGRESS_INTERVAL")) if interval is None else interval
    tty = _stream_is_tty(stream)
    refresh = min(TTY_REFRESH, interval) if tty else min(interval, 1.0)
    if delay is None:
        delay = refresh if tty else interval
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    printer = ProgressPrinter(stream, tty=tty, interval=interval)
    poller = _Poller(connection, pid, label, printer, delay, refresh)
    poller.start()
    failed = True
    try:
        yield poller
        failed = False
    finally:
        poller.stop_event.set()
        poller.join(timeout=10)
        elapsed = format_elapsed(time.monotonic() - poller.started_at)
        printer.finish(f"{label}: {'failed' if failed else 'done'} after {elapsed}")
