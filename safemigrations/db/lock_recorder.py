"""Record the locks a backend holds while something runs, by polling ``pg_locks``.

A lock claim ("this step takes only SHARE UPDATE EXCLUSIVE") is checked against what PostgreSQL
itself reports, not against what the code intends. ``lintmigrations --trace`` uses it to show
what each statement held; the test suite uses it to prove the operations' lock claims.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import psycopg

from safemigrations.db import catalog


@dataclass
class LockRecording:
    """Every (relation, mode) seen granted to the watched backend, and how often."""

    seen: dict[tuple[str | None, str], int] = field(default_factory=dict)
    samples: int = 0

    def modes_on(self, relation: str) -> set[str]:
        """Lock modes the backend held on ``relation`` at any sample."""
        return {mode for (rel, mode) in self.seen if rel == relation}


class LockRecorder:
    """Poll ``pg_locks`` for backend ``pid`` in a thread until stopped.

    Brief locks can fall between two samples, so a recording proves what *was* held, and the
    absence of a mode is evidence only for locks held longer than the poll interval.
    """

    def __init__(
        self,
        conninfo: str,
        pid: int,
        interval: float = 0.002,
        locktypes: frozenset[str] | None = None,
    ) -> None:
        self.conninfo = conninfo
        self.pid = pid
        self.interval = interval
        self.locktypes = locktypes  # e.g. {"relation"}: leave out relation-extension locks
        self.recording = LockRecording()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()

    def _run(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn, conn.cursor() as cur:
            self._ready.set()
            while not self._stop.is_set():
                for lock in catalog.locks_held(cur, self.pid):
                    if lock.granted and (self.locktypes is None or lock.locktype in self.locktypes):
                        key = (lock.relation, lock.mode)
                        self.recording.seen[key] = self.recording.seen.get(key, 0) + 1
                self.recording.samples += 1
                self._stop.wait(self.interval)

    def __enter__(self) -> LockRecording:
        self._thread.start()
        self._ready.wait(timeout=10)
        return self.recording

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
