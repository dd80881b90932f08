"""Where a write stall comes from: per-write timings, the migration's statements, wait events.

A stall benchmark reports the longest single write. To say *why* it was long, this records for
every write its start and end, and — when the server runs on this machine — from Linux's
``/proc/<pid>/schedstat`` how long the writer's backend and the client thread ran on a CPU and
how long they sat runnable in the run queue waiting for one. A write stalled by a lock shows
neither (the backend sleeps, and ``pg_stat_activity`` says ``Lock``); a write stalled because
other processes took the cores shows run-queue time. Optional extras (``--trace``): every
statement the migration ran, with its start and end, and ``pg_stat_activity`` of the writers
sampled every few milliseconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _schedstat(path: Path) -> tuple[int, int]:
    """(ns on a CPU, ns waiting in the run queue) of a task, or (0, 0) when unreadable."""
    try:
        on_cpu, run_queue, _ = path.read_text().split()
    except (OSError, ValueError):
        return 0, 0
    return int(on_cpu), int(run_queue)


def backend_schedstat(pid: int) -> Path:
    """``/proc/<pid>/schedstat`` of a server backend (meaningful when the server is local)."""
    return Path(f"/proc/{pid}/schedstat")


def thread_schedstat() -> Path:
    """``schedstat`` of the calling thread."""
    return Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")


@dataclass(frozen=True)
class Write:
    """One unit of writer work, timed, with its CPU and run-queue time on both sides."""

    pid: int
    start: float
    end: float
    backend_cpu: float
    backend_queue: float
    client_queue: float
    statements: tuple[tuple[str, float], ...]  # (label, seconds)

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class WriteLog:
    """Thread-safe list of :class:`Write` s."""

    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, conn: Any, steps: list[tuple[str, Callable[[], Any]]]) -> None:
        """Run ``steps`` (label, callable) as one write and record it."""
        pid = int(conn.info.backend_pid)
        backend, client = backend_schedstat(pid), thread_schedstat()
        b_cpu0, b_q0 = _schedstat(backend)
        _, c_q0 = _schedstat(client)
        start = time.perf_counter()
        timings = []
        for label, step in steps:
            t0 = time.perf_counter()
            step()
            timings.append((label, time.perf_counter() - t0))
        end = time.perf_counter()
        b_cpu1, b_q1 = _schedstat(backend)
        _, c_q1 = _schedstat(client)
        write = Write(
            pid=pid,
            start=start,
            end=end,
            backend_cpu=(b_cpu1 - b_cpu0) / 1e9,
            backend_queue=(b_q1 - b_q0) / 1e9,
            client_queue=(c_q1 - c_q0) / 1e9,
            statements=tuple(timings),
        )
        with self.lock:
            self.writes.append(write)

    def longest(self, since: float = float("-inf")) -> Write | None:
        with self.lock:
            writes = [w for w in self.writes if w.start >= since]
        return max(writes, key=lambda w: w.seconds, default=None)


@dataclass(frozen=True)
class Executed:
    """One statement the migration ran."""

    sql: str
    start: float
    end: float


@contextmanager
def statement_log(connection: Any) -> Iterator[list[Executed]]:
    """Record every statement run on the Django ``connection`` inside the block."""
    log: list[Executed] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append(Executed(" ".join(str(sql).split()), start, time.perf_counter()))

    with connection.execute_wrapper(wrapper):
        yield log


#: Pseudo pid under which the checkpointer's samples are kept.
CHECKPOINTER = -1


class ActivitySampler(threading.Thread):
    """Samples ``pg_stat_activity`` of some backends every ``interval`` seconds."""

    def __init__(self, conninfo: str, interval: float = 0.003) -> None:
        super().__init__(name="activity-sampler", daemon=True)
        self.conninfo = conninfo
        self.interval = interval
        self.samples: list[tuple[float, int, str, str, str]] = []  # t, pid, state, type, event
        self.stop_event = threading.Event()
        self.parallel_workers: set[int] = set()
        self.build_phases: list[tuple[float, str]] = []  # pg_stat_progress_create_index

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            while not self.stop_event.is_set():
                rows = conn.execute(
                    "SELECT pid, backend_type, state, wait_event_type, wait_event "
                    "FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                ).fetchall()
                phases = conn.execute("SELECT phase FROM pg_stat_progress_create_index").fetchall()
                now = time.perf_counter()
                self.build_phases.extend((now, phase) for (phase,) in phases)
                for pid, backend_type, state, kind, event in rows:
                    if backend_type == "checkpointer":
                        pid = CHECKPOINTER
                    elif backend_type == "parallel worker":
                        self.parallel_workers.add(pid)
                    self.samples.append((now, pid, state or "", kind or "", event or ""))
                self.stop_event.wait(self.interval)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)

    def during(self, pid: int, start: float, end: float) -> dict[str, int]:
        """How many samples of ``pid`` between ``start`` and ``end`` saw each wait state."""
        counts: dict[str, int] = {}
        for t, p, state, kind, event in self.samples:
            if p == pid and start <= t <= end:
                if pid == CHECKPOINTER:
                    key = f"{kind}:{event}" if kind else "working"
                else:
                    key = f"{kind}:{event}" if kind else ("on CPU or runnable" if state else "idle")
                counts[key] = counts.get(key, 0) + 1
        return counts


def explain(
    write: Write,
    statements: list[Executed],
    sampler: ActivitySampler | None,
    origin: float,
) -> list[str]:
    """Lines that put the longest write next to what the migration ran at that moment."""
    ms = 1000
    lines = [
        f"longest write: {write.seconds * ms:.0f} ms at +{(write.start - origin) * ms:.0f} ms "
        f"(backend on CPU {write.backend_cpu * ms:.0f} ms, backend waiting for a CPU "
        f"{write.backend_queue * ms:.0f} ms, client thread waiting for a CPU "
        f"{write.client_queue * ms:.0f} ms); "
        + ", ".join(f"{label} {s * ms:.0f} ms" for label, s in write.statements)
    ]
    for ex in statements:
        overlaps = ex.start <= write.end and ex.end >= write.start
        marker = "  <== overlaps the longest write" if overlaps else ""
        lines.append(
            f"  +{(ex.start - origin) * ms:>8.0f} .. +{(ex.end - origin) * ms:>8.0f} ms  "
            f"{ex.sql[:90]}{marker}"
        )
    if sampler is not None:
        counts = sampler.during(write.pid, write.start, write.end)
        lines.append(
            "  writer's pg_stat_activity during it: "
            + (", ".join(f"{k} x{v}" for k, v in sorted(counts.items())) or "no sample")
        )
        phases: dict[str, int] = {}
        for t, phase in sampler.build_phases:
            if write.start <= t <= write.end:
                phases[phase] = phases.get(phase, 0) + 1
        if phases:
            lines.append(
                "  index build phase during it: "
                + ", ".join(f"{k} x{v}" for k, v in sorted(phases.items()))
            )
        lines.append(f"  parallel workers seen during the run: {len(sampler.parallel_workers)}")
        counts = sampler.during(CHECKPOINTER, write.start, write.end)
        lines.append(
            "  checkpointer during it: "
            + (", ".join(f"{k} x{v}" for k, v in sorted(counts.items())) or "no sample")
        )
    return lines


@dataclass(frozen=True)
class ServerCounters:
    """WAL position and checkpoint counts, to tell how much WAL a run wrote and if it checkpointed."""

    wal_lsn: int
    checkpoints: int

    @classmethod
    def read(cls, cursor: Any) -> ServerCounters:
        cursor.execute(
            "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn, "
            "checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"
        )
        lsn, checkpoints = cursor.fetchone()
        return cls(int(lsn), int(checkpoints))
