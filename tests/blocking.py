"""A second client that holds locks, for tests of bounded lock waits, retries and interruptions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg


class Blocker:
    """A session that runs ``statements`` in an open transaction and holds their locks."""

    def __init__(self, conninfo: str, *statements: str) -> None:
        self.conn = psycopg.connect(conninfo)
        self.pid = self.conn.info.backend_pid
        with self.conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)  # type: ignore[arg-type]
        self._timer: threading.Timer | None = None

    def release(self) -> None:
        """End the transaction (and its locks)."""
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()

    def release_after(self, seconds: float) -> None:
        self._timer = threading.Timer(seconds, self.release)
        self._timer.start()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.join()
        self.release()


@contextmanager
def blocking(
    conninfo: str, *statements: str, release_after: float | None = None
) -> Iterator[Blocker]:
    """Hold the locks of ``statements`` for the block (or only ``release_after`` seconds)."""
    blocker = Blocker(conninfo, *statements)
    if release_after is not None:
        blocker.release_after(release_after)
    try:
        yield blocker
    finally:
        blocker.close()


def when_waiting(
    conninfo: str, pid: int, action: Callable[[psycopg.Connection], object], timeout: float = 20.0
) -> threading.Thread:
    """In a thread: once backend ``pid`` runs a statement that ``action`` targets, run it.

    ``action`` gets an autocommit connection; the thread waits until ``pid`` is waiting for a
    lock (``pg_stat_activity.wait_event_type = 'Lock'``).
    """

    def run() -> None:
        deadline = time.monotonic() + timeout
        with psycopg.connect(conninfo, autocommit=True) as conn:
            while time.monotonic() < deadline:
                row = conn.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
                ).fetchone()
                if row and row[0] == "Lock":
                    action(conn)
                    return
                time.sleep(0.01)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread
