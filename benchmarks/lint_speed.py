"""How fast is faithful linting? 150 generated migrations, cold, then ``--since`` on a warm cache.

Generates an app with 150 migrations (tables, fields, indexes, foreign keys, constraints, field
changes) in a temporary git repository, then times, in one process against one server:

1. ``lintmigrations bench`` on all 150 with no template database (cold cache), in this process
   and then again as a process of its own (start-up included, as django-migration-linter is
   timed);
2. ``lintmigrations bench --since HEAD`` after adding 3 new migrations (warm cache: the template
   saved by run 1 holds the schema after the 150, so only the 3 are applied);
3. django-migration-linter on the same 150 (installed into a throw-away virtualenv, not a project
   dependency) when PyPI is reachable; its published figure is 2.4 s for 150 migrations against
   an empty database.

Run: ``.venv/bin/python benchmarks/lint_speed.py`` (``DATABASE_URL`` or an embedded server).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import venv
from io import StringIO
from pathlib import Path

MIGRATIONS = 150
NEW = 3


def migration_source(n: int) -> str:
    """Migration number ``n`` (1-based) of the generated app, cycling through operation kinds."""
    table = (n - 1) // 10  # a new model every 10 migrations
    model = f"Thing{table}"
    deps = f'[("bench", "{n - 1:04d}_m")]' if n > 1 else "[]"
    kind = (n - 1) % 10
    if kind == 0:
        fk = (
            f',\n                ("parent", models.ForeignKey("bench.thing{table - 1}", '
            "models.CASCADE, null=True))"
            if table
            else ""
        )
        op = (
            f'migrations.CreateModel("{model}", [\n'
            '                ("id", models.BigAutoField(primary_key=True)),\n'
            '                ("name", models.CharField(max_length=100))' + fk + "])"
        )
    elif kind == 1:
        op = f'migrations.AddField("{model}", "qty", models.IntegerField(null=True))'
    elif kind == 2:
        op = (
            f'migrations.AddIndex("{model}", models.Index(fields=["name"], '
            f'name="thing{table}_name_idx"))'
        )
    elif kind == 3:
        op = (
            f'migrations.AddField("{model}", "owner", models.ForeignKey("auth.User", '
            "models.SET_NULL, null=True))"
        )
    elif kind == 4:
        op = (
            f'migrations.AddConstraint("{model}", models.CheckConstraint('
            f'condition=models.Q(qty__gte=0), name="thing{table}_qty_gte_0"))'
        )
    elif kind == 5:
        op = f'migrations.AlterField("{model}", "name", models.CharField(max_length=200))'
    elif kind == 6:
        op = f'migrations.AddField("{model}", "code", models.CharField(max_length=20, null=True))'
    elif kind == 7:
        op = (
            f'migrations.AddConstraint("{model}", models.UniqueConstraint(fields=["code"], '
            f'name="thing{table}_code_uniq"))'
        )
    elif kind == 8:
        op = f'migrations.AlterField("{model}", "qty", models.BigIntegerField(null=True))'
    else:
        op = f'migrations.RemoveIndex("{model}", "thing{table}_name_idx")'
    return (
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = {deps}"
        + (' + [("auth", "0012_alter_user_first_name_max_length")]' if n == 1 else "")
        + "\n"
        f"    operations = [{op}]\n"
    )


def write_project(root: Path) -> Path:
    """The generated app ``bench`` with its migrations, in a git repository at ``root``."""
    app = root / "bench"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    for n in range(1, MIGRATIONS + 1):
        (app / "migrations" / f"{n:04d}_m.py").write_text(migration_source(n))
    (root / "bench_settings.py").write_text(
        "import os\n"
        "from safemigrations.db.server import django_database_settings\n"
        "SECRET_KEY = 'bench'\nUSE_TZ = True\n"
        "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n"
        "INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', 'bench', "
        # Both packages name their command lintmigrations: install one at a time.
        "'django_migration_linter' if os.environ.get('BENCH_DML') else 'safemigrations']\n"
        "DATABASES = {'default': django_database_settings()}\n"
    )
    git = ["git", "-c", "user.email=b@example.com", "-c", "user.name=b"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "150 migrations"], cwd=root, check=True)
    return app


def run_lint(*args: str) -> float:
    """Seconds one ``lintmigrations`` call takes (its findings are not the point here)."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    started = time.perf_counter()
    with contextlib.suppress(CommandError):  # findings at error level: exit status 1
        call_command("lintmigrations", *args, "--format", "json", stdout=StringIO())
    return time.perf_counter() - started


def run_lint_process(root: Path, database_url: str, *args: str) -> float:
    """Seconds one ``python -m django lintmigrations`` process takes on the same server,
    start-up included: the way django-migration-linter is timed below, and the way a user or
    CI runs it."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p),
    }
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "django", "lintmigrations", *args, "--format", "json"],
        cwd=root,
        env=env,
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - started


def django_migration_linter(root: Path, database_url: str) -> float | None:
    """Time django-migration-linter 6.0.0 on the same project in a throw-away virtualenv."""
    env_dir = root / ".dml-venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    here = Path(__file__).resolve().parent.parent
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "django-migration-linter==6.0.0", f"{here}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        print(f"django-migration-linter: not installed ({install.stderr.strip()[-200:]})")
        return None
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BENCH_DML": "1",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": str(root),
    }
    started = time.perf_counter()
    proc = subprocess.run(
        [str(python), "-m", "django", "lintmigrations", "bench"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    linted = proc.stdout.count("(bench, ")
    if linted < MIGRATIONS:
        tail = (proc.stdout + proc.stderr).strip()[-400:]
        print(f"django-migration-linter linted {linted} of {MIGRATIONS} migrations: {tail}")
        return None
    return seconds


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="safemigrations-lint-bench-"))
    app = write_project(tmp)
    sys.path.insert(0, str(tmp))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    os.chdir(tmp)
    import django

    django.setup()
    from safemigrations.db.scratch import TemplateCache, server_for_django
    from safemigrations.db.server import get_server

    server = get_server()
    from django.db import connections

    cache = TemplateCache(server_for_django(connections["default"].settings_dict))
    cache.clear()
    print(f"PostgreSQL {server.version()} ({server.source}), Django {django.get_version()}")

    cold = run_lint("bench", "--all")
    cache.clear()
    cold_process = run_lint_process(tmp, server.conninfo(), "bench", "--all")
    for n in range(MIGRATIONS + 1, MIGRATIONS + NEW + 1):
        (app / "migrations" / f"{n:04d}_m.py").write_text(migration_source(n))
    if "--profile" in sys.argv:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
    warm = run_lint("bench", "--since", "HEAD")
    if "--profile" in sys.argv:
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    print(f"safemigrations, {MIGRATIONS} migrations, cold cache : {cold:6.2f} s")
    print(f"  same, as its own process (start-up included)   : {cold_process:6.2f} s")
    print(f"safemigrations, --since with {NEW} new, warm cache  : {warm:6.2f} s (target < 1 s)")

    dml = None
    if "--no-dml" not in sys.argv:
        url = server.conninfo()  # DATABASE_URL also accepts a libpq key=value string
        for n in range(MIGRATIONS + 1, MIGRATIONS + NEW + 1):
            (app / "migrations" / f"{n:04d}_m.py").unlink()  # the same 150 migrations
        dml = django_migration_linter(tmp, url)
    if dml is not None:
        print(f"django-migration-linter 6.0.0, {MIGRATIONS} migrations   : {dml:6.2f} s")
        print(f"ratio cold safemigrations / django-migration-linter : {cold / dml:.1f}x")
        print(f"ratio, both as processes                          : {cold_process / dml:.1f}x")
    print("(django-migration-linter's published figure: 2.4 s for 150 migrations, empty database)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
