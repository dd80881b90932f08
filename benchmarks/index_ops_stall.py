"""Stall benchmark: index and column changes on a big table under traffic, naive vs safe.

On a scratch database, an ``item`` table of N rows (loaded with ``generate_series``) gets four
changes while two writer and two reader sessions
(:class:`safemigrations.testing.load.ConcurrentLoad`) run, each change once the way Django's own
operation does it and once with the safemigrations operation:

=====================  ==========================================  ==================================
change                 Django's operation (what it runs)           safemigrations
=====================  ==========================================  ==================================
index build            ``AddIndex`` (``CREATE INDEX``: SHARE)      ``AddIndexConcurrently``
unique constraint      ``AddConstraint(UniqueConstraint)``         ``AddUniqueConstraintConcurrently``
                       (``ADD CONSTRAINT UNIQUE``: ACCESS EXCL.)
SET NOT NULL           ``AlterField(null=False)`` (scan under      ``SetNotNull``
                       ACCESS EXCLUSIVE)
new FK column          ``AddField(ForeignKey(null=True))``         ``AddForeignKeyField``
                       (inline REFERENCES + ``CREATE INDEX``)
=====================  ==========================================  ==================================

Printed per change and method: how long it took, the longest single write and read a client
saw (the stall), and every error the clients got; then the ratio of the stalls.

Usage::

    python benchmarks/index_ops_stall.py                      # N = 3,000,000
    python benchmarks/index_ops_stall.py --rows 1000000 --rows 3000000
    python benchmarks/index_ops_stall.py --rows 3000000 --only "unique constraint" --trace
    python benchmarks/index_ops_stall.py --rows 3000000 --only "index build" --repeat 5

For the longest write of each run, the table also shows how much of it the writer's backend and
client thread spent *runnable but not running* (waiting for a CPU, from Linux's schedstat; only
when the server runs on this machine): a stall made of that is CPU contention on the machine, not
a lock. ``--trace`` prints, per run, every statement the migration ran with its start and end
next to the longest write, and the writer's ``pg_stat_activity`` wait events sampled during it.

The server is ``DATABASE_URL`` when set, else an embedded PostgreSQL started for the run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.django_setup import apply, setup_django  # noqa: E402
from benchmarks.stall_trace import (  # noqa: E402
    ActivitySampler,
    ServerCounters,
    Write,
    WriteLog,
    explain,
    statement_log,
)

APP = "idxbench"
TEAMS = 10_000
TABLE = f"{APP}_item"


@dataclass
class Result:
    """What the clients saw while one method made one change."""

    change: str
    method: str
    rows: int
    seconds: float
    write_stall: float
    read_stall: float
    writes: int
    reads: int
    errors: list[str]
    longest: Write | None = None
    trace: list[str] | None = None
    wal_bytes: int = 0
    checkpoints: int = 0

    @property
    def cpu_wait(self) -> float:
        """Seconds of the longest write spent waiting for a CPU (backend + client thread)."""
        if self.longest is None:
            return 0.0
        return self.longest.backend_queue + self.longest.client_queue


def initial_state() -> Any:
    """Team and Item as a migration state; ``Item.note`` is nullable but never NULL."""
    from django.db import models
    from django.db.migrations.state import ModelState, ProjectState

    state = ProjectState()
    state.add_model(
        ModelState(
            APP,
            "Team",
            [("id", models.BigAutoField(primary_key=True)), ("name", models.TextField())],
        )
    )
    state.add_model(
        ModelState(
            APP,
            "Item",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("team", models.ForeignKey(f"{APP}.Team", models.CASCADE)),
                ("code", models.CharField(max_length=40)),
                ("score", models.IntegerField()),
                ("note", models.TextField(null=True)),
            ],
        )
    )
    return state


def build(rows: int, state: Any) -> None:
    """Create the tables through Django's schema editor and load ``rows`` items quickly."""
    from django.db import connection

    with connection.schema_editor() as editor:
        editor.create_model(state.apps.get_model(APP, "Team"))
        editor.create_model(state.apps.get_model(APP, "Item"))
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {APP}_team (name) SELECT 'team ' || g FROM generate_series(1, %s) g",
            [TEAMS],
        )
        cur.execute(
            f"INSERT INTO {TABLE} (team_id, code, score, note) "
            f"SELECT 1 + g %% {TEAMS}, 'code-' || g, g %% 1000, 'note' "
            "FROM generate_series(1, %s) g",
            [rows],
        )
        cur.execute(f"VACUUM ANALYZE {TABLE}")
        # A server in steady state has WAL segments recycled by its checkpoints; a fresh one
        # creates (zero-fills) each new 16 MB segment, and a writer whose commit crosses into a
        # segment creates it itself (wait events IO:WALInitWrite / WALInitSync: tens of ms).
        # Checkpoint once after the load, as a server would have long done by then.
        try:
            cur.execute("CHECKPOINT")
        except Exception as exc:  # not a superuser on DATABASE_URL: measured without it
            print(f"(no CHECKPOINT after the load: {' '.join(str(exc).split())})")


def changes() -> list[tuple[str, Any, Any, str]]:
    """(change, Django's operation, the safe operation, SQL that undoes either)."""
    from django.db import migrations, models

    from safemigrations.operations import (
        AddForeignKeyField,
        AddIndexConcurrently,
        AddUniqueConstraintConcurrently,
        SetNotNull,
    )

    index = models.Index(fields=["score"], name="item_score_idx")
    unique = models.UniqueConstraint(fields=["code"], name="item_code_uq")

    def owner() -> models.ForeignKey:
        return models.ForeignKey(f"{APP}.Team", models.SET_NULL, null=True, related_name="+")

    return [
        (
            "index build",
            migrations.AddIndex("item", index),
            AddIndexConcurrently("item", index),
            "DROP INDEX item_score_idx",
        ),
        (
            "unique constraint",
            migrations.AddConstraint("item", unique),
            AddUniqueConstraintConcurrently("item", unique),
            f"ALTER TABLE {TABLE} DROP CONSTRAINT item_code_uq",
        ),
        (
            "SET NOT NULL",
            migrations.AlterField("item", "note", models.TextField()),
            SetNotNull("item", "note"),
            f"ALTER TABLE {TABLE} ALTER COLUMN note DROP NOT NULL",
        ),
        (
            "new FK column",
            migrations.AddField("item", "owner", owner()),
            AddForeignKeyField("item", "owner", owner()),
            f"ALTER TABLE {TABLE} DROP COLUMN owner_id",
        ),
    ]


def measure(
    change: str,
    method: str,
    rows: int,
    conninfo: str,
    run: Callable[[], Any],
    trace: bool = False,
) -> Result:
    """Run ``run()`` while writers and readers work on the item table."""
    import psycopg
    from django.db import connection

    from safemigrations.testing.load import ConcurrentLoad

    log = WriteLog()

    def write(conn: psycopg.Connection, i: int) -> None:
        insert = (
            f"INSERT INTO {TABLE} (team_id, code, score, note) VALUES (%s, %s, %s, 'new')",
            [random.randint(1, TEAMS), f"w-{uuid.uuid4().hex}", i % 1000],
        )
        update = (f"UPDATE {TABLE} SET score = score + 1 WHERE id = %s", [random.randint(1, rows)])
        log.timed(
            conn,
            [
                ("INSERT", lambda: conn.execute(*insert)),
                ("UPDATE", lambda: conn.execute(*update)),
            ],
        )

    def read(conn: psycopg.Connection, i: int) -> None:
        conn.execute(
            f"SELECT id, team_id, code, score FROM {TABLE} WHERE id = %s", [random.randint(1, rows)]
        ).fetchall()

    load = ConcurrentLoad(conninfo, writers=[write, write], readers=[read, read], pause=0.005)
    sampler = ActivitySampler(conninfo) if trace else None
    with connection.cursor() as cur:
        before = ServerCounters.read(cur)
    with load:
        if sampler is not None:
            sampler.start()
        start = time.perf_counter()
        with statement_log(connection) as statements:
            run()
        seconds = time.perf_counter() - start
    if sampler is not None:
        sampler.stop()
    with connection.cursor() as cur:
        after = ServerCounters.read(cur)
    report = load.report
    assert report is not None
    longest = log.longest()
    lines = explain(longest, statements, sampler, start) if trace and longest else None
    return Result(
        change=change,
        method=method,
        rows=rows,
        seconds=seconds,
        write_stall=report.writes.longest_stall,
        read_stall=report.reads.longest_stall,
        writes=report.writes.operations,
        reads=report.reads.operations,
        errors=report.errors,
        longest=longest,
        trace=lines,
        wal_bytes=after.wal_lsn - before.wal_lsn,
        checkpoints=after.checkpoints - before.checkpoints,
    )


def runner(operation: Any, state: Any, atomic: bool) -> Callable[[], Any]:
    """``apply`` bound to one operation, for :func:`measure`."""
    return lambda: apply(APP, operation, state, atomic=atomic)


def run_size(
    rows: int, conninfo: str, show_sql: bool, only: list[str], trace: bool, repeat: int = 1
) -> list[Result]:
    """Build a table of ``rows`` items and make each change with each method."""
    from django.db import connection

    from safemigrations.conf import migrate_verbosity

    migrate_verbosity.set(0)  # no progress lines in the benchmark's table
    state = initial_state()
    started = time.perf_counter()
    build(rows, state)
    print(f"\n{rows:,} rows built in {time.perf_counter() - started:.1f} s")
    results = []
    for change, naive, safe, undo in changes():
        if only and change not in only:
            continue
        if show_sql:
            print(f"\n{change}: Django runs, in one transaction:")
            for line in apply(APP, naive, state, atomic=True, collect=True):
                print(f"  {line}")
            print(f"{change}: {type(safe).__name__} runs:")
            for line in apply(APP, safe, state, atomic=False, collect=True):
                print(f"  {line}")
        for method, operation, atomic in [
            (type(naive).__name__, naive, True),
            (type(safe).__name__, safe, False),
        ] * repeat:
            result = measure(
                change, method, rows, conninfo, runner(operation, state, atomic), trace
            )
            results.append(result)
            if result.trace:
                print(f"\n{rows:,} / {change} / {method}:")
                print("\n".join(result.trace))
            with connection.cursor() as cur:
                cur.execute(undo)
    return results


def print_table(results: list[Result]) -> None:
    header = (
        f"{'rows':>10}  {'change':<18} {'method':<32} {'took':>8} {'longest write':>14} "
        f"{'CPU wait':>9} {'longest read':>13} {'writes':>7} {'reads':>7} {'errors':>6} "
        f"{'WAL':>8} {'ckpt':>4}"
    )
    print("\n" + header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.rows:>10,}  {r.change:<18} {r.method:<32} {r.seconds:>7.2f}s "
            f"{r.write_stall * 1000:>12.0f}ms {r.cpu_wait * 1000:>7.0f}ms "
            f"{r.read_stall * 1000:>11.0f}ms {r.writes:>7} "
            f"{r.reads:>7} {len(r.errors):>6} {r.wal_bytes / 2**20:>6.0f}MB {r.checkpoints:>4}"
        )
    for r in results:
        for error in sorted(set(r.errors))[:3]:
            print(f"  {r.rows:,} / {r.change} / {r.method}: {error.splitlines()[0]}")
    print(
        "\nCPU wait: of the longest write, the time its backend and client thread were runnable "
        "but waiting for a CPU (Linux schedstat; 0 when the server is not on this machine). "
        "WAL: written during the run; ckpt: checkpoints that ran during it."
    )
    for i in range(0, len(results), 2):
        naive, safe = results[i], results[i + 1]
        print(
            f"{naive.rows:>10,}  {naive.change:<18} longest write stall "
            f"{naive.write_stall * 1000:,.0f} ms -> {safe.write_stall * 1000:,.0f} ms "
            f"({naive.write_stall / max(safe.write_stall, 1e-3):.0f}x shorter)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="rows (repeat for several)")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="CHANGE",
        help='run only this change ("index build", "unique constraint", ...; repeatable)',
    )
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="make each change N times per method"
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="print each run's statements and the writers' wait events next to the longest write",
    )
    args = parser.parse_args()
    sizes = args.rows or [3_000_000]

    from safemigrations.db.scratch import scratch_database
    from safemigrations.db.server import get_server

    server = get_server()
    print(f"PostgreSQL {server.version()} ({server.source}); 2 writers + 2 readers per run")
    results: list[Result] = []
    with scratch_database("idxbench", server) as dbname:
        setup_django(dbname)
        import django
        from django.db import connection

        print(f"Django {django.get_version()}")
        for i, rows in enumerate(sizes):
            with connection.cursor() as cur:
                cur.execute(f"DROP TABLE IF EXISTS {TABLE}, {APP}_team")
            results.extend(
                run_size(
                    rows,
                    server.conninfo(dbname),
                    i == 0 and not args.trace,
                    args.only,
                    args.trace,
                    args.repeat,
                )
            )
        connection.close()
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
