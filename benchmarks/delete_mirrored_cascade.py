"""Delete benchmark: ``InDatabaseToo(models.CASCADE)`` against ``models.CASCADE`` and ``DB_CASCADE``.

Scenario: one parent, N children holding a 4 KB JSON document each, nothing Python must handle
pointing at a child (``DELETEBENCH_LEAF_CHILDREN=1``, no grandchild rows) and no signal receivers -- the case where Django deletes ``models.CASCADE`` children with one
``DELETE ... WHERE parent_id IN (...)``. Django recognises ``CASCADE`` by identity, so without
safemigrations' collector hook an ``InDatabaseToo(models.CASCADE)`` relation loads every child
and deletes them by primary key; the hook gives it the same fast path. Four cases, each in a
fresh subprocess on a fresh scratch database (peak RSS measured as in ``delete_cascade.py``):

- ``models.CASCADE``;
- ``InDatabaseToo(models.CASCADE)`` with Django's own ``Collector.can_fast_delete`` (the hook
  removed in the worker: what the value cost before the hook);
- ``InDatabaseToo(models.CASCADE)`` as installed;
- ``DB_CASCADE``.

Usage::

    python benchmarks/delete_mirrored_cascade.py                  # N = 20,000
    python benchmarks/delete_mirrored_cascade.py --children 5000 50000
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

from benchmarks.delete_cascade import (  # noqa: E402
    build,
    mib,
    reset_hwm,
    setup_django,
    vm_hwm_kib,
    vm_rss_kib,
)

#: case -> (DELETEBENCH_ON_DELETE, keep safemigrations' fast-path hook, label)
CASES: dict[str, tuple[str, bool, str]] = {
    "python": ("python", True, "models.CASCADE"),
    "mirror-unhooked": ("mirror", False, "InDatabaseToo, Django alone"),
    "mirror": ("mirror", True, "InDatabaseToo (hooked)"),
    "db": ("db", True, "DB_CASCADE"),
}


def measure(dbname: str, children: int, hooked: bool) -> dict[str, Any]:
    """Worker: build the rows, then time ``parent.delete()``, its queries and peak RSS growth."""
    setup_django(dbname)
    import gc

    from django.db import connection
    from django.db.models.deletion import Collector
    from django.test.utils import CaptureQueriesContext

    from benchmarks.deletebench.models import Child, Parent

    if not hooked:
        Collector.can_fast_delete = Collector.can_fast_delete.__wrapped__  # type: ignore[attr-defined,method-assign]
    parent_id = build(children, grandchildren_per_child=0)
    parent = Parent._default_manager.get(pk=parent_id)
    connection.ensure_connection()
    gc.collect()
    reset_hwm()
    before = vm_rss_kib()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        parent.delete()
        seconds = time.perf_counter() - start
    growth = vm_hwm_kib() - before
    if Child._default_manager.exists():
        raise AssertionError("children survived the delete")
    return {"seconds": seconds, "rss_growth_kib": growth, "queries": len(queries)}


def run_case(case: str, children: int) -> dict[str, Any]:
    """One case in a fresh interpreter on a fresh scratch database."""
    from safemigrations.db.scratch import scratch_database
    from safemigrations.db.server import get_server

    mode, hooked, _ = CASES[case]
    server = get_server()
    with scratch_database(f"mirrorbench_{mode}", server) as dbname:
        env = dict(
            os.environ,
            DATABASE_URL=server.conninfo(),
            DELETEBENCH_ON_DELETE=mode,
            DELETEBENCH_LEAF_CHILDREN="1",
            PYTHONPATH=str(ROOT),
        )
        cmd = [sys.executable, __file__, "--worker", dbname, "--children", str(children)]
        if not hooked:
            cmd.append("--unhooked")
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"{case} case failed:\n{done.stdout}{done.stderr}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, nargs="+", default=[20_000], help="N")
    parser.add_argument("--worker", metavar="DBNAME", help=argparse.SUPPRESS)
    parser.add_argument("--unhooked", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.worker, args.children[0], not args.unhooked)))
        return 0

    from safemigrations.db.server import get_server

    server = get_server()
    print(f"PostgreSQL {server.version()} ({server.source}); Python {sys.version.split()[0]}")
    header = (
        f"{'children':>9}  {'on_delete':<28} {'time':>9} {'peak RSS growth':>16} {'queries':>8}"
    )
    rows = [header, "-" * len(header)]
    ratios = []
    for n in args.children:
        results = {case: run_case(case, n) for case in CASES}
        for case, (_, _, label) in CASES.items():
            r = results[case]
            rows.append(
                f"{n:>9,}  {label:<28} {r['seconds']:>8.3f}s {mib(r['rss_growth_kib']):>16} "
                f"{r['queries']:>8,}"
            )
        before, after = results["mirror-unhooked"], results["mirror"]
        ratios.append(
            f"N={n:,}: InDatabaseToo(models.CASCADE) {before['seconds'] / after['seconds']:.1f}x "
            f"faster with the hook; {after['seconds'] / results['python']['seconds']:.2f}x the "
            f"time of models.CASCADE; peak RSS growth {mib(before['rss_growth_kib'])} -> "
            f"{mib(after['rss_growth_kib'])}"
        )
    print("\n".join(rows))
    print()
    print("\n".join(ratios))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
