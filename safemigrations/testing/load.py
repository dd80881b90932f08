"""Concurrent writers and readers against a table while a migration runs.

"Does not block writes" is a claim about time: this runs real client sessions in threads, times
every statement, and reports the longest stall and every error (deadlocks, lock timeouts, FK
violations). Tests and benchmarks both use it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

#: A unit of client work: gets a connection and the worker's loop counter, runs statements.
Work = Callable[[psycopg.Connection, int], Any]


@dataclass
class WorkerStats:
    """Latency facts of one kind of worker (writers or readers)."""

    operations: int = 0
    longest_stall: float = 0.0  # seconds, the slowest single unit of work
    errors: list[str] = field(default_factory=list)

    def record(self, seconds: float) -> None:
        self.operations += 1
        self.longest_stall = max(self.longest_stall, seconds)


@dataclass
class LoadReport:
    """What the concurrent clients saw while the load ran."""

    writes: WorkerStats
    reads: WorkerStats
    seconds: float

    @property
    def errors(self) -> list[str]:
        return self.writes.errors + self.reads.errors

    def summary(self) -> str:
        return (
            f"{self.writes.operations} writes (longest stall {self.writes.longest_stall * 1000:.0f} ms), "
            f"{self.reads.operations} reads (longest stall {self.reads.longest_stall * 1000:.0f} ms), "
            f"{len(self.errors)} errors in {self.seconds:.1f} s"
        )


class ConcurrentLoad:
    """Run writer and reader threads, each on its own autocommit connection, until stopped.

    Use as a context manager around the migration::

        with ConcurrentLoad(conninfo, writers=[insert_child], readers=[read_child]) as load:
            call_command("migrate", "shop", "0002")
        assert load.report.errors == []
        assert load.report.writes.longest_stall < 0.1
    """

    def __init__(
        self,
        conninfo: str,
        writers: Sequence[Work] = (),
        readers: Sequence[Work] = (),
        pause: float = 0.002,
        warmup: float = 0.2,
    ) -> None:
        self.conninfo = conninfo
        self.writers = list(writers)
        self.readers = list(readers)
        self.pause = pause
        self.warmup = warmup
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._write_stats = WorkerStats()
        self._read_stats = WorkerStats()
        self._lock = threading.Lock()
        self._started = 0.0
        self.report: LoadReport | None = None

    def _loop(self, work: Work, stats: WorkerStats, ready: threading.Barrier) -> None:
        try:
            conn = psycopg.connect(self.conninfo, autocommit=True)
        except psycopg.Error as exc:
            with self._lock:
                stats.errors.append(f"connect: {exc}")
            ready.wait()
            return
        ready.wait()
        i = 0
        with conn:
            while not self._stop.is_set():
                start = time.perf_counter()
                try:
                    work(conn, i)
                except psycopg.Error as exc:
                    with self._lock:
                        stats.errors.append(f"{type(exc).__name__}: {str(exc).strip()}")
                    if conn.broken:
                        return
                finally:
                    elapsed = time.perf_counter() - start
                    with self._lock:
                        stats.record(elapsed)
                i += 1
                time.sleep(self.pause)

    def start(self) -> ConcurrentLoad:
        """Start every worker and wait until they are all connected and warmed up."""
        workers = [(w, self._write_stats) for w in self.writers] + [
            (r, self._read_stats) for r in self.readers
        ]
        ready = threading.Barrier(len(workers) + 1)
        for work, stats in workers:
            thread = threading.Thread(target=self._loop, args=(work, stats, ready), daemon=True)
            thread.start()
            self._threads.append(thread)
        ready.wait()
        time.sleep(self.warmup)
        self._started = time.perf_counter()
        return self

    def stop(self) -> LoadReport:
        """Stop the workers (after the unit of work each is in) and return the report."""
        time.sleep(self.warmup)
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)
        self.report = LoadReport(
            writes=self._write_stats,
            reads=self._read_stats,
            seconds=time.perf_counter() - self._started,
        )
        return self.report

    def __enter__(self) -> ConcurrentLoad:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
