"""Fault benchmark: ``migrate`` under a killed deploy, two deploys at once, and a blocker.

A throw-away project (temporary directory) has one app, ``shop``: ``Parent`` and ``Entry`` (N rows)
and a migration ``0002`` that switches the foreign key to ``ON DELETE CASCADE`` in the database,
drops the index of ``code``, adds one on ``name`` and makes ``note`` NOT NULL, written two ways:

- **safemigrations**: what ``makemigrations`` writes with safemigrations (non-atomic;
  ``AddDBCascadeConstraint``, ``DropIndexConcurrently``, ``AddIndexConcurrently``,
  ``SetNotNull``), run by safemigrations' ``migrate`` with its defaults;
- **plain Django**: the naive equivalent (atomic; the foreign key dropped and re-added with
  ``ON DELETE CASCADE`` by ``RunSQL``, ``AlterField`` for the rest), run by Django's ``migrate``.

Each variant goes through three situations on its own copy of the loaded database, with two
writer and two reader sessions running all along:

1. **killed**: the ``migrate`` process is SIGKILLed while it builds the index (as when a container
   is evicted), then ``migrate`` is run again at once, and again until it succeeds (at most 4);
2. **concurrent**: two ``migrate`` processes start together (then one more run if one failed);
3. **blocker**: an idle-in-transaction session holds ACCESS SHARE on the table for
   ``--hold`` seconds while ``migrate`` runs (again after, if it failed).

Printed per variant, rows and situation: each run's exit code and last message line (and
whether a traceback was printed), the worst latency of the concurrent writes and reads, the time
until the database held the migration's final result, and whether the final catalog equals an
uninterrupted run's (constraints with action and validity, indexes with validity and
definition, NOT NULL, applied migrations).

Usage::

    python benchmarks/migrate_faults.py                          # 1,000,000 and 3,000,000 rows
    python benchmarks/migrate_faults.py --rows 1000000 --hold 8

The server is ``DATABASE_URL`` when set, else an embedded PostgreSQL started for the run.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from safemigrations.db import catalog  # noqa: E402
from safemigrations.db.scratch import create_database, drop_database, scratch_name  # noqa: E402
from safemigrations.db.server import Server, get_server  # noqa: E402
from safemigrations.testing.load import ConcurrentLoad  # noqa: E402

TABLES = ["shop_parent", "shop_entry"]
PARENTS = 1000

SETTINGS = """
import os
from safemigrations.db.server import django_database_settings

SECRET_KEY = "faults-benchmark"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SAFE = os.environ.get("VARIANT") == "safe"
INSTALLED_APPS = ["safemigrations", "shop"] if SAFE else ["shop"]
MIGRATION_MODULES = {"shop": "shop.migrations_safe" if SAFE else "shop.migrations_naive"}
DATABASES = {"default": django_database_settings()}
"""

INITIAL = """
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Parent",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=50)),
            ],
        ),
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("parent", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             to="shop.parent")),
                ("code", models.CharField(db_index=True, max_length=20)),
                ("name", models.CharField(max_length=50)),
                ("note", models.IntegerField(null=True)),
            ],
        ),
    ]
"""

SAFE = """
from django.db import migrations

import safemigrations.deletion
from safemigrations.operations import (
    AddDBCascadeConstraint, AddIndexConcurrently, DropIndexConcurrently, SetNotNull,
)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0001_initial")]
    operations = [
        AddDBCascadeConstraint("entry", "parent", on_delete=safemigrations.deletion.DB_CASCADE),
        DropIndexConcurrently("entry", field="code"),
        AddIndexConcurrently("entry", field="name"),
        SetNotNull("entry", "note"),
    ]
"""

NAIVE = """
from django.db import migrations, models

SWITCH_FK = '''
DO $$ DECLARE c text; BEGIN
  SELECT conname INTO c FROM pg_constraint
  WHERE conrelid = 'shop_entry'::regclass AND contype = 'f';
  EXECUTE format('ALTER TABLE shop_entry DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE shop_entry ADD CONSTRAINT shop_entry_parent_id_fk FOREIGN KEY (parent_id)
  REFERENCES shop_parent (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
'''


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.RunSQL(SWITCH_FK, migrations.RunSQL.noop),
        migrations.AlterField("entry", "code", models.CharField(max_length=20)),
        migrations.AlterField("entry", "name", models.CharField(db_index=True, max_length=50)),
        migrations.AlterField("entry", "note", models.IntegerField()),
    ]
"""

#: Statement to kill each variant's migrate in (the index build), as ILIKE patterns.
KILL_AT = {"safe": "CREATE INDEX CONCURRENTLY%", "naive": "CREATE INDEX%"}
VARIANTS = {"safe": "safemigrations", "naive": "plain Django"}


def generate(root: Path) -> None:
    shop = root / "shop"
    for package in ("migrations_safe", "migrations_naive"):
        (shop / package).mkdir(parents=True)
        (shop / package / "__init__.py").write_text("")
        (shop / package / "0001_initial.py").write_text(INITIAL)
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text("")
    (shop / "migrations_safe" / "0002_safe.py").write_text(SAFE)
    (shop / "migrations_naive" / "0002_naive.py").write_text(NAIVE)
    (root / "bench_settings.py").write_text(SETTINGS)


@dataclass
class Run:
    """One ``migrate`` process: exit code, last line said, traceback printed or not."""

    returncode: int | None
    message: str
    traceback: bool
    waited: bool = False  # said it waited for another migrate (the migrate lock)

    def describe(self) -> str:
        code = "killed" if self.returncode is None else f"exit {self.returncode}"
        tb = " +traceback" if self.traceback else ""
        waited = " (waited for another migrate first)" if self.waited else ""
        return f"{code}{tb}: {self.message[:90]}{waited}"


@dataclass
class Outcome:
    """What one situation gave."""

    variant: str
    rows: int
    situation: str
    runs: list[Run] = field(default_factory=list)
    write_ms: float = 0.0
    read_ms: float = 0.0
    converge: float = 0.0
    same_catalog: bool = False
    client_errors: int = 0


class Project:
    """The generated project and how to run ``migrate`` in it."""

    def __init__(self, root: Path, server: Server) -> None:
        self.root = root
        self.server = server

    def start(self, variant: str, db: str, *args: str) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "DATABASE_URL": self.server.conninfo(db),
            "VARIANT": variant,
            "PYTHONPATH": os.pathsep.join([str(self.root), str(ROOT)]),
        }
        return subprocess.Popen(
            [sys.executable, "-m", "django", "migrate", "shop", *args, "--no-input"],
            env=env,
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @staticmethod
    def finish(proc: subprocess.Popen[str]) -> Run:
        out, err = proc.communicate(timeout=1800)
        return summarize(proc.returncode, out, err)


def summarize(returncode: int | None, out: str, err: str) -> Run:
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line.split(":")[0]]
    if returncode == 0:
        applied = [
            line for line in out.splitlines() if "Applying" in line or "No migrations" in line
        ]
        message = applied[-1].strip() if applied else "ok"
    else:
        message = errors[-1] if errors else (lines[-1] if lines else "")
    return Run(returncode, message, "Traceback" in err, "Another migrate runs" in err)


def snapshot(server: Server, db: str) -> dict[str, Any]:
    with psycopg.connect(server.conninfo(db), autocommit=True) as conn, conn.cursor() as cur:
        return catalog.schema_snapshot(cur, TABLES, apps=["shop"])


def load(server: Server, db: str) -> ConcurrentLoad:
    def write(conn: psycopg.Connection, i: int) -> None:
        conn.execute(
            "INSERT INTO shop_entry (parent_id, code, name, note) VALUES (%s, 'w', 'w', 1)",
            [1 + i % PARENTS],
        )

    def read(conn: psycopg.Connection, i: int) -> None:
        conn.execute("SELECT note FROM shop_entry WHERE id = %s", [1 + (i * 7919) % 100000])

    return ConcurrentLoad(server.conninfo(db), writers=[write, write], readers=[read, read])


def kill_at(server: Server, db: str, proc: subprocess.Popen[str], pattern: str) -> bool:
    with psycopg.connect(server.conninfo(db), autocommit=True) as conn:
        while proc.poll() is None:
            row = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND query ILIKE %s AND state = 'active' AND pid <> pg_backend_pid()",
                [pattern],
            ).fetchone()
            if row:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return True
            time.sleep(0.01)
    return False


def until_done(project: Project, variant: str, db: str, outcome: Outcome, tries: int = 4) -> None:
    for _ in range(tries):
        run = project.finish(project.start(variant, db))
        outcome.runs.append(run)
        if run.returncode == 0:
            return


def situation(
    project: Project, variant: str, template: str, rows: int, name: str, reference: Any, hold: float
) -> Outcome:
    server = project.server
    db = scratch_name("reliability_faults")
    create_database(server, db, template, file_copy=True)
    outcome = Outcome(VARIANTS[variant], rows, name)
    try:
        with load(server, db) as traffic:
            start = time.perf_counter()
            if name == "killed":
                proc = project.start(variant, db)
                killed = kill_at(server, db, proc, KILL_AT[variant])
                outcome.runs.append(
                    Run(None, "SIGKILL during the index build", False)
                    if killed
                    else project.finish(proc)
                )
                start = time.perf_counter()
                until_done(project, variant, db, outcome)
            elif name == "concurrent":
                procs = [project.start(variant, db), project.start(variant, db)]
                outcome.runs.extend(project.finish(p) for p in procs)
                if any(r.returncode != 0 for r in outcome.runs):
                    until_done(project, variant, db, outcome)
            else:
                blocker = psycopg.connect(server.conninfo(db))
                blocker.execute("SELECT count(*) FROM shop_entry WHERE id < 10 /* report */")
                timer = threading.Timer(hold, blocker.rollback)
                timer.start()
                outcome.runs.append(project.finish(project.start(variant, db)))
                timer.join()
                blocker.close()
                if outcome.runs[-1].returncode != 0:
                    until_done(project, variant, db, outcome)
            outcome.converge = time.perf_counter() - start
        report = traffic.report
        assert report is not None
        outcome.write_ms = report.writes.longest_stall * 1000
        outcome.read_ms = report.reads.longest_stall * 1000
        outcome.client_errors = len(report.errors)
        outcome.same_catalog = snapshot(server, db) == reference
    finally:
        drop_database(server, db)
    return outcome


def prepare(project: Project, variant: str, rows: int) -> tuple[str, Any, float]:
    """A loaded template database, and an uninterrupted run's catalog and time."""
    server = project.server
    template = scratch_name(f"reliability_faults_tpl_{variant}")
    create_database(server, template)
    run = project.finish(project.start(variant, template, "0001"))
    if run.returncode != 0:
        raise SystemExit(f"migrate shop 0001 failed: {run.message}")
    with psycopg.connect(server.conninfo(template), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO shop_parent (name) SELECT 'p' || i FROM generate_series(1, %s) i",
            [PARENTS],
        )
        conn.execute(
            "INSERT INTO shop_entry (parent_id, code, name, note) "
            "SELECT 1 + i %% %s, 'c' || i, md5(i::text), i FROM generate_series(1, %s) i",
            [PARENTS, rows],
        )
        conn.execute("VACUUM ANALYZE shop_entry")
    db = scratch_name("reliability_faults_ref")
    create_database(server, db, template, file_copy=True)
    try:
        start = time.perf_counter()
        run = project.finish(project.start(variant, db))
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            raise SystemExit(f"uninterrupted migrate failed: {run.message}")
        reference = snapshot(server, db)
    finally:
        drop_database(server, db)
    return template, reference, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--hold", type=float, default=8.0, help="seconds the blocker holds")
    parser.add_argument("--variant", choices=sorted(VARIANTS), action="append")
    parser.add_argument("--situation", choices=["killed", "concurrent", "blocker"], action="append")
    options = parser.parse_args()
    sizes = options.rows or [1_000_000, 3_000_000]
    variants = options.variant or ["safe", "naive"]
    server = get_server()
    print(f"migrate under deploy faults; PostgreSQL {server.version()}; blocker {options.hold:g}s")
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="sm_faults_") as tmp:
        project = Project(Path(tmp), server)
        generate(project.root)
        for rows in sizes:
            for variant in variants:
                template, reference, seconds = prepare(project, variant, rows)
                print(
                    f"\n{VARIANTS[variant]}, {rows:,} rows: uninterrupted migrate {seconds:.1f}s",
                    flush=True,
                )
                try:
                    for name in options.situation or ("killed", "concurrent", "blocker"):
                        outcome = situation(
                            project, variant, template, rows, name, reference, options.hold
                        )
                        outcomes.append(outcome)
                        print_outcome(outcome)
                finally:
                    drop_database(server, template)
    print_table(outcomes)
    return 0


def print_outcome(o: Outcome) -> None:
    print(
        f"  {o.situation:10} worst write {o.write_ms:7.0f} ms, worst read {o.read_ms:7.0f} ms, "
        f"converged in {o.converge:6.1f}s, catalog as uninterrupted: "
        f"{'yes' if o.same_catalog else 'NO'}, client errors: {o.client_errors}",
        flush=True,
    )
    for i, run in enumerate(o.runs, 1):
        print(f"      run {i}: {run.describe()}", flush=True)


def print_table(outcomes: list[Outcome]) -> None:
    print("\nside by side (worst write / worst read ms; converge s; same catalog; tracebacks)")
    keys = sorted({(o.rows, o.situation) for o in outcomes}, key=lambda k: (k[0], k[1]))
    for rows, name in keys:
        cells = []
        for variant in VARIANTS.values():
            for o in outcomes:
                if (o.rows, o.situation, o.variant) == (rows, name, variant):
                    tracebacks = sum(r.traceback for r in o.runs)
                    cells.append(
                        f"{variant}: {o.write_ms:.0f}/{o.read_ms:.0f} ms, {o.converge:.1f}s, "
                        f"{'same' if o.same_catalog else 'DIFFERENT'}, {tracebacks} tb"
                    )
        print(f"  {rows:>9,} {name:10} " + " | ".join(cells))


if __name__ == "__main__":
    raise SystemExit(main())
