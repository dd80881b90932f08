"""Delete benchmark: ``parent.delete()`` with Python ``CASCADE`` versus ``DB_CASCADE``.

Scenario: one parent, N children holding a 4 KB JSON document each (a ``post_delete`` receiver is
connected on the child model), 5 x N grandchildren. Each case runs in a fresh subprocess on a
fresh scratch database, so its peak RSS growth belongs to the delete alone: the worker resets
the kernel's high-water mark (``/proc/self/clear_refs``) just before ``parent.delete()`` and reads
``VmHWM`` right after.

Usage::

    python benchmarks/delete_cascade.py                  # N = 20,000 and 100,000
    python benchmarks/delete_cascade.py --children 5000  # one or more N

The server is ``DATABASE_URL`` when set, else an embedded PostgreSQL started for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAYLOAD_BYTES = 4096
GRANDCHILDREN_PER_CHILD = 5
MODES = ("python", "db")
MODE_LABELS = {"python": "models.CASCADE (Python)", "db": "DB_CASCADE (database)"}


def setup_django(dbname: str) -> None:
    """Configure settings for the benchmark app on ``dbname`` and set Django up."""
    import django
    from django.conf import settings

    from safemigrations.db.server import get_server

    settings.configure(
        DATABASES={"default": get_server().django_database(dbname)},
        INSTALLED_APPS=["django.contrib.contenttypes", "safemigrations", "benchmarks.deletebench"],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
    )
    django.setup()


def build(children: int, grandchildren_per_child: int = GRANDCHILDREN_PER_CHILD) -> int:
    """Create the tables (through Django's schema editor) and load the rows; return parent id."""
    from django.db import connection

    from benchmarks.deletebench.models import Child, GrandChild, Parent

    with connection.schema_editor() as editor:
        for model in (Parent, Child, GrandChild):
            editor.create_model(model)
    parent = Parent._default_manager.create(name="parent")
    # A 4 KB JSON document per child: {"blob": "<4,084 hex characters>"}.
    blob_chars = PAYLOAD_BYTES - len('{"blob": ""}')
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Child._meta.db_table} (parent_id, payload)
            SELECT %s, jsonb_build_object('blob',
                       left(repeat(md5(i::text) || md5((i + 1)::text), %s), %s))
            FROM generate_series(1, %s) AS i
            """,
            [parent.pk, blob_chars // 64 + 1, blob_chars, children],
        )
        cursor.execute(
            f"""
            INSERT INTO {GrandChild._meta.db_table} (child_id)
            SELECT c.id FROM {Child._meta.db_table} c, generate_series(1, %s)
            """,
            [grandchildren_per_child],
        )
        cursor.execute(f"ANALYZE {Child._meta.db_table}, {GrandChild._meta.db_table}")
    return int(parent.pk)


def vm_hwm_kib() -> int:
    """Peak resident set size of this process so far (``VmHWM``), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("/proc/self/status has no VmHWM (Linux only)")


def vm_rss_kib() -> int:
    """Current resident set size (``VmRSS``), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("/proc/self/status has no VmRSS (Linux only)")


def reset_hwm() -> None:
    """Reset the peak RSS to the current RSS (Linux: write 5 to ``/proc/self/clear_refs``)."""
    Path("/proc/self/clear_refs").write_text("5")


def measure(dbname: str, children: int) -> dict[str, Any]:
    """Worker: build the data, then time ``parent.delete()`` and its peak RSS growth."""
    setup_django(dbname)
    import gc

    from django.db import connection
    from django.db.models.signals import post_delete

    from benchmarks.deletebench.models import Child, GrandChild, Parent

    parent_id = build(children)
    received = []

    def on_child_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
        received.append(instance.pk)

    post_delete.connect(on_child_deleted, sender=Child)
    parent = Parent._default_manager.get(pk=parent_id)
    connection.ensure_connection()
    gc.collect()
    reset_hwm()
    before = vm_rss_kib()
    start = time.perf_counter()
    parent.delete()
    seconds = time.perf_counter() - start
    growth = vm_hwm_kib() - before
    left = Child._default_manager.count() + GrandChild._default_manager.count()
    if left:
        raise AssertionError(f"{left} rows survived the delete")
    return {"seconds": seconds, "rss_growth_kib": growth, "signals": len(received)}


def run_case(mode: str, children: int) -> dict[str, Any]:
    """One case in a fresh interpreter on a fresh scratch database."""
    from safemigrations.db.scratch import scratch_database
    from safemigrations.db.server import get_server

    server = get_server()
    with scratch_database(f"deletebench_{mode}", server) as dbname:
        env = dict(
            os.environ,
            DATABASE_URL=server.conninfo(),
            DELETEBENCH_ON_DELETE=mode,
            PYTHONPATH=str(ROOT),
        )
        cmd = [sys.executable, __file__, "--worker", dbname, "--children", str(children)]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"{mode} case failed:\n{done.stdout}{done.stderr}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def mib(kib: float) -> str:
    """KiB as MiB, or as KiB below one MiB (so a small growth is not shown as 0.0)."""
    if abs(kib) < 1024:
        return f"{kib:,.0f} KiB"
    return f"{kib / 1024:,.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--children", type=int, nargs="+", default=[20_000, 100_000], help="N (children)"
    )
    parser.add_argument("--worker", metavar="DBNAME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.worker, args.children[0])))
        return 0

    from safemigrations.db.server import get_server

    server = get_server()
    print(f"PostgreSQL {server.version()} ({server.source}); Python {sys.version.split()[0]}")
    header = f"{'children':>9} {'grandch.':>9}  {'on_delete':<26} {'time':>9} {'peak RSS growth':>16} {'signals':>8}"
    rows = [header, "-" * len(header)]
    ratios = []
    for n in args.children:
        results = {mode: run_case(mode, n) for mode in MODES}
        for mode in MODES:
            r = results[mode]
            rows.append(
                f"{n:>9,} {n * GRANDCHILDREN_PER_CHILD:>9,}  {MODE_LABELS[mode]:<26} "
                f"{r['seconds']:>8.2f}s {mib(r['rss_growth_kib']):>16} {r['signals']:>8,}"
            )
        speedup = results["python"]["seconds"] / max(results["db"]["seconds"], 1e-9)
        ratios.append(
            f"N={n:,}: DB_CASCADE {speedup:.1f}x faster; peak RSS growth "
            f"{mib(results['python']['rss_growth_kib'])} -> {mib(results['db']['rss_growth_kib'])}"
        )
    print("\n".join(rows))
    print()
    print("\n".join(ratios))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
