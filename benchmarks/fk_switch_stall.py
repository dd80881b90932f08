"""Stall benchmark: switching a foreign key to ``ON DELETE CASCADE`` on a big table under traffic.

For each table size N: a child table of N rows (and 10,000 parents) on a scratch database, two
writer and two reader sessions (:class:`safemigrations.testing.load.ConcurrentLoad`) running
while the key is switched, once with each method:

- ``AlterField`` to ``DB_CASCADE``, what ``migrate`` runs without safemigrations: in one
  transaction, ``DROP CONSTRAINT`` then ``ADD CONSTRAINT ... ON DELETE CASCADE`` validated in
  place (the script prints the exact SQL);
- ``AddDBCascadeConstraint``: ``ADD ... NOT VALID``, ``VALIDATE CONSTRAINT`` in its own
  transaction, then drop + rename in one brief transaction.

Printed per method: how long the switch took, the longest single write and read (the stall a
client saw), and every error the clients got.

Usage::

    python benchmarks/fk_switch_stall.py                          # N = 1,000,000 and 3,000,000
    python benchmarks/fk_switch_stall.py --rows 200000 --rows 1000000

The server is ``DATABASE_URL`` when set, else an embedded PostgreSQL started for the run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.django_setup import apply, setup_django  # noqa: E402

APP = "fkbench"
PARENTS = 10_000


@dataclass
class Result:
    """What the clients saw while one method switched the key."""

    method: str
    rows: int
    seconds: float
    write_stall: float
    read_stall: float
    writes: int
    reads: int
    errors: list[str]
    action: str


def initial_state() -> Any:
    """Parent and Child (``parent = ForeignKey(Parent, CASCADE)``) as a migration state."""
    from django.db import models
    from django.db.migrations.state import ModelState, ProjectState

    state = ProjectState()
    state.add_model(
        ModelState(
            APP,
            "Parent",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("name", models.CharField(max_length=50)),
            ],
        )
    )
    state.add_model(
        ModelState(
            APP,
            "Child",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("parent", models.ForeignKey(f"{APP}.Parent", models.CASCADE)),
                ("payload", models.TextField()),
            ],
        )
    )
    return state


def build(rows: int, state: Any) -> None:
    """Create the tables through Django's schema editor and load the rows quickly."""
    from django.db import connection

    from safemigrations.db import catalog

    parent = state.apps.get_model(APP, "Parent")
    child = state.apps.get_model(APP, "Child")
    with connection.schema_editor() as editor:
        editor.create_model(parent)
        editor.create_model(child)
    table = child._meta.db_table
    with connection.cursor() as cur:
        (fk,) = [c for c in catalog.constraints(cur, table).values() if c.type == "foreign key"]
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{fk.name}"')
        cur.execute(
            f"INSERT INTO {parent._meta.db_table} (name) SELECT 'parent ' || g "
            "FROM generate_series(1, %s) g",
            [PARENTS],
        )
        cur.execute(
            f"INSERT INTO {table} (parent_id, payload) SELECT 1 + (g %% {PARENTS}), "
            "repeat('x', 100) FROM generate_series(1, %s) g",
            [rows],
        )
        cur.execute(
            f'ALTER TABLE {table} ADD CONSTRAINT "{fk.name}" FOREIGN KEY (parent_id) '
            f"REFERENCES {parent._meta.db_table} (id) DEFERRABLE INITIALLY DEFERRED"
        )
        cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute(f"VACUUM ANALYZE {parent._meta.db_table}")


def fk_action() -> str:
    from django.db import connection

    from safemigrations.db import catalog

    with connection.cursor() as cur:
        (fk,) = [
            c for c in catalog.constraints(cur, f"{APP}_child").values() if c.type == "foreign key"
        ]
    return f"{fk.on_delete}{'' if fk.validated else ' NOT VALID'}"


def measure(method: str, rows: int, conninfo: str, run: Any) -> Result:
    """Run ``run()`` while writers and readers work on the child table."""
    import psycopg

    from safemigrations.testing.load import ConcurrentLoad

    table = f"{APP}_child"

    def write(conn: psycopg.Connection, i: int) -> None:
        conn.execute(
            f"INSERT INTO {table} (parent_id, payload) VALUES (%s, 'new')",
            [random.randint(1, PARENTS)],
        )

    def read(conn: psycopg.Connection, i: int) -> None:
        conn.execute(
            f"SELECT c.id, p.name FROM {table} c JOIN {APP}_parent p ON p.id = c.parent_id "
            "WHERE c.id = %s",
            [random.randint(1, rows)],
        ).fetchall()

    load = ConcurrentLoad(conninfo, writers=[write, write], readers=[read, read], pause=0.005)
    with load:
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
    report = load.report
    assert report is not None
    return Result(
        method=method,
        rows=rows,
        seconds=seconds,
        write_stall=report.writes.longest_stall,
        read_stall=report.reads.longest_stall,
        writes=report.writes.operations,
        reads=report.reads.operations,
        errors=report.errors,
        action=fk_action(),
    )


def run_size(rows: int, conninfo: str, show_sql: bool) -> list[Result]:
    """Build a table of ``rows`` children and switch its key with each method."""
    from django.db import migrations, models

    from safemigrations.deletion import DB_CASCADE
    from safemigrations.operations import AddDBCascadeConstraint

    state = initial_state()
    started = time.perf_counter()
    build(rows, state)
    print(f"\n{rows:,} child rows built in {time.perf_counter() - started:.1f} s")

    naive = migrations.AlterField(
        "child", "parent", models.ForeignKey(f"{APP}.Parent", on_delete=DB_CASCADE)
    )
    back = migrations.AlterField(
        "child", "parent", models.ForeignKey(f"{APP}.Parent", on_delete=models.CASCADE)
    )
    safe = AddDBCascadeConstraint("child", "parent", on_delete=DB_CASCADE)
    if show_sql:
        print("\nAlterField runs, in one transaction:")
        for line in apply(APP, naive, state, atomic=True, collect=True):
            print(f"  {line}")
        print("\nAddDBCascadeConstraint runs:")
        for line in apply(APP, safe, state, atomic=False, collect=True):
            print(f"  {line}")

    after: dict[str, Any] = {}

    def run_naive() -> None:
        after["state"] = apply(APP, naive, state, atomic=True)

    results = [measure("AlterField (DROP + validated ADD)", rows, conninfo, run_naive)]
    apply(APP, back, after["state"], atomic=True)  # back to NO ACTION, unmeasured
    results.append(
        measure(
            "AddDBCascadeConstraint", rows, conninfo, lambda: apply(APP, safe, state, atomic=False)
        )
    )
    return results


def print_table(results: list[Result]) -> None:
    header = (
        f"{'rows':>10}  {'method':<34} {'switch':>8} {'longest write':>14} "
        f"{'longest read':>13} {'writes':>7} {'reads':>7} {'errors':>6}  result"
    )
    print("\n" + header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.rows:>10,}  {r.method:<34} {r.seconds:>7.2f}s {r.write_stall * 1000:>12.0f}ms "
            f"{r.read_stall * 1000:>11.0f}ms {r.writes:>7} {r.reads:>7} {len(r.errors):>6}  "
            f"ON DELETE {r.action}"
        )
    for r in results:
        for error in sorted(set(r.errors))[:3]:
            print(f"  {r.rows:,} / {r.method}: {error.splitlines()[0]}")
    sizes = sorted({r.rows for r in results})
    for rows in sizes:
        naive, safe = (r for r in results if r.rows == rows)
        print(
            f"{rows:>10,}: longest write stall {naive.write_stall / max(safe.write_stall, 1e-3):.0f}x "
            f"shorter, longest read stall {naive.read_stall / max(safe.read_stall, 1e-3):.0f}x "
            "shorter with AddDBCascadeConstraint"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, action="append", help="child rows (repeat for several sizes)"
    )
    args = parser.parse_args()
    sizes = args.rows or [1_000_000, 3_000_000]

    from safemigrations.db.scratch import scratch_database
    from safemigrations.db.server import get_server

    server = get_server()
    print(f"PostgreSQL {server.version()} ({server.source}); 2 writers + 2 readers per run")
    results: list[Result] = []
    with scratch_database("fkbench", server) as dbname:
        setup_django(dbname)
        import django
        from django.db import connection

        print(f"Django {django.get_version()}")
        for i, rows in enumerate(sizes):
            with connection.cursor() as cur:
                cur.execute(f"DROP TABLE IF EXISTS {APP}_child, {APP}_parent")
            results.extend(run_size(rows, server.conninfo(dbname), show_sql=i == 0))
        connection.close()
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
