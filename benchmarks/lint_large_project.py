"""Cold and warm linting of a large project, side by side with django-migration-linter.

Generates the project of :mod:`benchmarks.large_project` (8 apps, 168 models, 264 migration files
with squashed chains, expression/partial indexes, conditional constraints, renames, proxy
models, RunPython, RunSQL, a ``makemigrations`` override) in a temporary git repository, commits
3 new migrations on top, and times each step as its own process (``/usr/bin/time`` gives the
peak RSS), on the server of ``DATABASE_URL`` (or an embedded one):

====================================  =============================================================
safemigrations                        django-migration-linter (same virtualenv, ``BENCH_DML=1``)
====================================  =============================================================
cold ``lintmigrations --since HEAD~1``  ``lintmigrations --git-commit-id HEAD~1 --no-cache``
warm, the same again                  (it has no warm mode that changes this: ``--no-cache``)
cold ``sqlmigrate --lint shop 0034``  ``lintmigrations shop 0034_new --no-cache``
cold ``lintmigrations --all``         ``lintmigrations --no-cache``
====================================  =============================================================

"Cold" means no template database on the server and no dump (``lintcache --clear`` first).
Then it prints the findings per rule of ``--all`` and the migrations not analysed (target 0).

django-migration-linter must be installed in the same virtualenv
(``pip install django-migration-linter==6.0.0``; it is not a dependency of the project): both
packages name their command ``lintmigrations``, so the settings install one at a time.

Run: ``.venv/bin/python benchmarks/lint_large_project.py [--no-dml]``
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from large_project import add_new_migrations, write_project

PREFIX = "adopt_lint_speed_lint_"  # the scratch/template databases of this benchmark


def run(
    root: Path, env: dict[str, str], *args: str, dml: bool = False
) -> tuple[float, float, str, int]:
    """(seconds, peak RSS in MB, stdout, exit status) of one ``python -m django`` process."""
    env = dict(env)
    if dml:
        env["BENCH_DML"] = "1"
    else:
        env.pop("BENCH_DML", None)
    timing = root / ".time.txt"
    command = [sys.executable, "-m", "django", *args]
    if shutil.which("time") or Path("/usr/bin/time").exists():
        command = ["/usr/bin/time", "-f", "%M", "-o", str(timing), *command]
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    rss = float(timing.read_text().strip().splitlines()[-1]) / 1024 if timing.exists() else 0.0
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        print(f"  ! {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-600:]}")
    return seconds, rss, proc.stdout, proc.returncode


def dml_counts(stdout: str) -> Counter[str]:
    """django-migration-linter's per-migration verdicts (OK / ERR / WARNING / IGNORE)."""
    return Counter(re.findall(r"^\(\w+, \w+\)\.*\s*(OK|ERR|WARNING|IGNORE)", stdout, re.M))


def main() -> int:
    from safemigrations.db.server import get_server

    server = get_server()
    tmp = Path(tempfile.mkdtemp(prefix="safemigrations-large-"))
    write_project(tmp)
    new = add_new_migrations(tmp)
    git = ["git", "-c", "user.email=b@example.com", "-c", "user.name=b"]
    subprocess.run([*git, "add", "."], cwd=tmp, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "3 new migrations"], cwd=tmp, check=True)
    files = len(list(tmp.glob("*/migrations/0*.py")))
    project_db = "adopt_lint_speed_project"  # not under PREFIX: lintcache --clear keeps it
    with server.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{project_db}"')
        conn.execute(f'CREATE DATABASE "{project_db}"')
    env = {
        **os.environ,
        "DATABASE_URL": server.conninfo(),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join(p for p in (str(tmp), os.environ.get("PYTHONPATH")) if p),
        "BENCH_DB": project_db,
        "BENCH_PREFIX": PREFIX,
    }
    stats = tmp / "stats.json"
    print(f"PostgreSQL {server.version()}; {files} migration files in {tmp}; new: {new}")

    def clear() -> None:
        run(tmp, env, "lintcache", "--clear")

    rows: list[tuple[str, tuple[float, float], tuple[float, float] | None]] = []
    try:
        clear()
        cold = run(tmp, env, "lintmigrations", "--since", "HEAD~1", "--stats-json", str(stats))
        print("  cold --since: " + json.loads(stats.read_text())["build"])
        warm = run(tmp, env, "lintmigrations", "--since", "HEAD~1")
        clear()
        one = run(tmp, env, "sqlmigrate", "--lint", "shop", "0034_new")
        clear()
        every = run(
            tmp, env, "lintmigrations", "--all", "--format", "json", "--stats-json", str(stats)
        )
        facts = json.loads(stats.read_text())
        findings = json.loads(every[2] or "[]")
        dml = {}
        if "--no-dml" not in sys.argv:
            dml["since"] = run(
                tmp, env, "lintmigrations", "--git-commit-id", "HEAD~1", "--no-cache", dml=True
            )
            dml["one"] = run(tmp, env, "lintmigrations", "shop", "0034_new", "--no-cache", dml=True)
            dml["all"] = run(tmp, env, "lintmigrations", "--no-cache", dml=True)
        rows = [
            ("cold --since (3 new)", cold[:2], dml.get("since", (0, 0))[:2] or None),
            ("warm --since (3 new)", warm[:2], None),
            ("cold sqlmigrate --lint (1)", one[:2], dml.get("one", (0, 0))[:2] or None),
            ("cold --all", every[:2], dml.get("all", (0, 0))[:2] or None),
        ]
        print(f"\n{'':30} {'safemigrations':>22}   {'django-migration-linter':>24}   ratio")
        for label, ours, theirs in rows:
            other = f"{theirs[0]:8.1f} s {theirs[1]:7.0f} MB" if theirs and theirs[0] else ""
            ratio = f"{ours[0] / theirs[0]:5.2f}x" if theirs and theirs[0] else ""
            print(f"{label:30} {ours[0]:8.1f} s {ours[1]:7.0f} MB   {other:>24}   {ratio}")
        print(
            f"\n--all: {facts['linted']} migrations analysed, {len(facts['not_analysed'])} not "
            f"analysed, {len(facts['partly_analysed'])} partly; build: {facts['build']}"
        )
        by_rule = Counter(f["rule"] for f in findings)
        print(
            "findings per rule (--all): "
            + ", ".join(f"{r} {n}" for r, n in sorted(by_rule.items()))
        )
        if "all" in dml:
            counts = dml_counts(dml["all"][2])
            print(
                "django-migration-linter verdicts (all apps): "
                + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            )
    finally:
        clear()
        with server.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{project_db}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
