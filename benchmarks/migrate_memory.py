"""Memory benchmark: peak RSS of ``migrate`` on a project with a few hundred migrations.

Generates a throw-away Django project in a temporary directory (``--apps`` apps of
``--migrations`` migrations each: models with a dozen fields, foreign keys across apps, added and
altered fields, indexes, a non-atomic migration per app), then runs ``migrate`` on a fresh scratch
database, each in a child process of its own:

- ``plain``: Django's own ``migrate`` (safemigrations not installed);
- ``safemigrations``: safemigrations' ``migrate`` with bounded lock waits (the default);
- ``safemigrations --lock-timeout 0``: the same with bounded lock waits off.

Printed: peak RSS (``ru_maxrss`` of the child), wall time, and the ratio to plain ``migrate``.

Usage::

    python benchmarks/migrate_memory.py                       # 20 apps x 15 = 300 migrations
    python benchmarks/migrate_memory.py --apps 26 --migrations 10 --repeat 2

The server is ``DATABASE_URL`` when set, else an embedded PostgreSQL started for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from safemigrations.db.scratch import scratch_database  # noqa: E402
from safemigrations.db.server import get_server  # noqa: E402

MODELS_PER_APP = 6
FIELDS_PER_MODEL = 12

SETTINGS = """
import os
from safemigrations.db.server import django_database_settings

SECRET_KEY = "memory-benchmark"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
APPS = {apps!r}
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
if os.environ.get("WITH_SAFEMIGRATIONS") == "1":
    INSTALLED_APPS.append("safemigrations")
INSTALLED_APPS += APPS
DATABASES = {{"default": django_database_settings()}}
"""

MEASURE = """
import os, resource, sys, time, json
import django
django.setup()
from django.core.management import call_command
start = time.perf_counter()
call_command("migrate", *sys.argv[1:], verbosity=0, interactive=False)
print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "seconds": time.perf_counter() - start}))
"""


def _fields(app: int, model: int) -> str:
    lines = [
        '("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False))',
    ]
    for f in range(FIELDS_PER_MODEL):
        kind = f % 4
        if kind == 0:
            lines.append(f'("c{f}", models.CharField(max_length=100, default=""))')
        elif kind == 1:
            lines.append(f'("i{f}", models.IntegerField(null=True))')
        elif kind == 2:
            lines.append(f'("d{f}", models.DateTimeField(null=True))')
        else:
            lines.append(f'("t{f}", models.TextField(blank=True, default=""))')
    if app > 0:
        lines.append(
            f'("ref", models.ForeignKey(null=True, on_delete=models.deletion.CASCADE, '
            f'related_name="+", to="app{app - 1}.model{model}"))'
        )
    return ",\n                ".join(lines)


def _migration(app: int, number: int, previous: str | None) -> tuple[str, str]:
    deps = [f'("app{app}", "{previous}")'] if previous else []
    if app > 0 and number == 1:
        deps.append(f'("app{app - 1}", "0001_initial")')
    atomic = ""
    if number == 1:
        name = "0001_initial"
        ops = [
            f"""migrations.CreateModel(
            name="Model{m}",
            fields=[
                {_fields(app, m)}
            ],
        )"""
            for m in range(MODELS_PER_APP)
        ]
    else:
        model = number % MODELS_PER_APP
        step = number % 4
        name = f"{number:04d}_step"
        if step == 0:
            ops = [
                f'migrations.AddField("model{model}", "extra{number}", '
                f"models.IntegerField(null=True))"
            ]
        elif step == 1:
            ops = [
                f'migrations.AlterField("model{model}", "c0", '
                f'models.CharField(max_length={100 + number}, default=""))'
            ]
        elif step == 2:
            ops = [
                f'migrations.AddIndex("model{model}", models.Index(fields=["i1"], '
                f'name="a{app}m{model}n{number}"))'
            ]
        else:
            atomic = "    atomic = False\n"
            ops = [
                f'migrations.RunSQL("UPDATE app{app}_model{model} SET i1 = 1 WHERE false", '
                "migrations.RunSQL.noop)",
                f'migrations.AddField("model{model}", "flag{number}", '
                f"models.BooleanField(null=True))",
            ]
    body = ",\n        ".join(ops)
    text = (
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"{atomic}"
        f"    dependencies = [{', '.join(deps)}]\n\n"
        "    operations = [\n"
        f"        {body},\n"
        "    ]\n"
    )
    return name, text


def generate(root: Path, apps: int, migrations: int) -> list[str]:
    """Write the project into ``root``; return its app labels."""
    labels = []
    for app in range(apps):
        label = f"app{app}"
        labels.append(label)
        package = root / label
        (package / "migrations").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "migrations" / "__init__.py").write_text("")
        previous = None
        for number in range(1, migrations + 1):
            name, text = _migration(app, number, previous)
            (package / "migrations" / f"{name}.py").write_text(text)
            previous = name
    (root / "bench_settings.py").write_text(SETTINGS.format(apps=labels))
    (root / "measure.py").write_text(MEASURE)
    return labels


def run(root: Path, conninfo: str, safemigrations: bool, *args: str) -> dict[str, float]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DATABASE_URL": conninfo,
        "WITH_SAFEMIGRATIONS": "1" if safemigrations else "0",
        "PYTHONPATH": os.pathsep.join(
            [str(root), os.environ.get("SAFEMIGRATIONS_PATH", str(ROOT))]
        ),
    }
    proc = subprocess.run(
        [sys.executable, str(root / "measure.py"), *args],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"migrate failed:\n{proc.stdout}\n{proc.stderr}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--migrations", type=int, default=15, help="per app")
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    server = get_server()
    variants = [
        ("plain (Django's migrate)", False, ()),
        ("safemigrations", True, ()),
        ("safemigrations --lock-timeout 0", True, ("--lock-timeout", "0")),
    ]
    total = options.apps * options.migrations
    print(
        f"migrate memory: {options.apps} apps x {options.migrations} migrations = {total} "
        f"migrations, {MODELS_PER_APP * options.apps} models; PostgreSQL {server.version()}"
    )
    with tempfile.TemporaryDirectory(prefix="sm_memory_") as tmp:
        root = Path(tmp)
        generate(root, options.apps, options.migrations)
        results: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in variants}
        for _ in range(options.repeat):
            for name, with_safemigrations, args in variants:
                with scratch_database("reliability_memory", server) as db:
                    results[name].append(run(root, server.conninfo(db), with_safemigrations, *args))
    plain = max(r["maxrss_kb"] for r in results[variants[0][0]])
    print(f"{'variant':34} {'peak RSS':>10} {'vs plain':>9} {'time':>8}")
    for name, _, _ in variants:
        peak = max(r["maxrss_kb"] for r in results[name])
        seconds = min(r["seconds"] for r in results[name])
        print(f"{name:34} {peak / 1024:8.1f}MB {peak / plain:8.2f}x {seconds:7.1f}s")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"(benchmark took {time.perf_counter() - started:.0f}s)")
