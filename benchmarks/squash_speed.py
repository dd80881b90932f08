"""Squash a 200-migration history that uses every safe operation; compare with Django's squash.

Generates an app (``sqbench``, ten models, 20 migrations each) in a temporary directory. Each
model's 20 migrations use, in turn: ``CreateModel`` (with a foreign key to the previous model),
``AddField``, ``AddIndexConcurrently``, ``AddConstraintNotValid`` then ``ValidateConstraint``,
``AddUniqueConstraintConcurrently``, ``SetNotNull``, ``AddDBCascadeConstraint``,
``AddForeignKeyField``, ``RunSQL(CREATE INDEX CONCURRENTLY, state_operations=[AddIndex])``, an
elidable and a non-elidable ``RunPython`` (each migration file defines its own ``forwards``),
``DropIndexConcurrently``, ``AlterField``, an add-then-drop of a column, and a state-only
``SeparateDatabaseAndState``.

Then, in one process against one server (``DATABASE_URL`` or the embedded one):

1. safemigrations' ``squashmigrations sqbench 0200`` — squash time, verification time (both
   histories built on scratch databases and compared), and the fresh-database ``migrate`` time of
   the original and the squashed history (target: the squashed one at least 5x faster);
2. Django's own ``squashmigrations`` on a copy of the same history: what it folded, whether its
   file imports, whether it migrates.

Run: ``.venv/bin/python benchmarks/squash_speed.py``.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
import time
import traceback
from io import StringIO
from pathlib import Path

MODELS = 10
PER_MODEL = 20
NON_ATOMIC_KINDS = {2, 4, 6, 8, 9, 10, 11, 14, 18}


def migration_source(n: int) -> str:
    """Migration ``n`` (1-based) of the generated app."""
    t, kind = divmod(n - 1, PER_MODEL)
    model = f"thing{t}"
    deps = f'[("sqbench", "{n - 1:04d}_m")]' if n > 1 else "[]"
    header = ""
    if kind == 0:
        parent = (
            f',\n            ("parent", models.ForeignKey("sqbench.thing{t - 1}", '
            "models.CASCADE, null=True, related_name='+'))"
            if t
            else ""
        )
        ops = (
            f'migrations.CreateModel("Thing{t}", [\n'
            '            ("id", models.BigAutoField(primary_key=True)),\n'
            '            ("name", models.CharField(max_length=100))' + parent + "])"
        )
    elif kind == 1:
        ops = f'migrations.AddField("{model}", "qty", models.IntegerField(null=True))'
    elif kind == 2:
        ops = (
            f'AddIndexConcurrently("{model}", models.Index(fields=["name"], '
            f'name="{model}_name_ix"))'
        )
    elif kind == 3:
        ops = (
            f'AddConstraintNotValid("{model}", models.CheckConstraint('
            f'condition=models.Q(qty__gte=0), name="{model}_qty_gte_0"))'
        )
    elif kind == 4:
        ops = f'ValidateConstraint("{model}", "{model}_qty_gte_0")'
    elif kind == 5:
        ops = f'migrations.AddField("{model}", "code", models.CharField(max_length=20, null=True))'
    elif kind == 6:
        ops = (
            f'AddUniqueConstraintConcurrently("{model}", models.UniqueConstraint('
            f'fields=["code"], name="{model}_code_uniq"))'
        )
    elif kind == 7:
        ops = f'migrations.AddField("{model}", "flag", models.CharField(max_length=5, null=True))'
    elif kind == 8:
        ops = f'SetNotNull("{model}", "flag")'
    elif kind == 9:
        ops = (
            f'AddDBCascadeConstraint("{model}", "parent", on_delete=DB_CASCADE)'
            if t
            else f'AddIndexConcurrently("{model}", field="code")'
        )
    elif kind == 10:
        ops = (
            f'AddForeignKeyField("{model}", "owner", models.ForeignKey("sqbench.thing0", '
            "models.SET_NULL, null=True, related_name='+'))"
        )
    elif kind == 11:
        ops = (
            f'migrations.RunSQL(\'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{model}_qty_ix" '
            f'ON "sqbench_{model}" ("qty")\', \'DROP INDEX CONCURRENTLY "{model}_qty_ix"\', '
            f'state_operations=[migrations.AddIndex("{model}", models.Index(fields=["qty"], '
            f'name="{model}_qty_ix"))])'
        )
    elif kind == 12:
        header = "\n\ndef nothing(apps, schema_editor):\n    pass\n"
        ops = "migrations.RunPython(nothing, migrations.RunPython.noop, elidable=True)"
    elif kind == 13:
        header = (
            f'\n\nLABEL = "row of {model}"\n\n\ndef forwards(apps, schema_editor):\n'
            f'    apps.get_model("sqbench", "{model}").objects.create(name=LABEL, flag="x")\n'
        )
        ops = "migrations.RunPython(forwards, migrations.RunPython.noop)"
    elif kind == 14:
        ops = f'DropIndexConcurrently("{model}", "{model}_name_ix")'
    elif kind == 15:
        ops = f'migrations.AlterField("{model}", "name", models.CharField(max_length=200))'
    elif kind == 16:
        ops = f'migrations.AddField("{model}", "note", models.TextField(default=""))'
    elif kind == 17:
        ops = f'migrations.RemoveField("{model}", "note")'
    elif kind == 18:
        ops = f'AddIndexConcurrently("{model}", field="flag")'
    else:
        ops = (
            "migrations.SeparateDatabaseAndState(state_operations=[migrations.AlterField("
            f'"{model}", "name", models.CharField(max_length=200, help_text="Its name."))])'
        )
    atomic = "    atomic = False\n" if kind in NON_ATOMIC_KINDS else ""
    return (
        "from django.db import migrations, models\n\n"
        "from safemigrations.deletion import DB_CASCADE\n"
        "from safemigrations.operations import (\n"
        "    AddConstraintNotValid, AddDBCascadeConstraint, AddForeignKeyField,\n"
        "    AddIndexConcurrently, AddUniqueConstraintConcurrently, DropIndexConcurrently,\n"
        "    SetNotNull, ValidateConstraint,\n)\n"
        f"{header}\n\nclass Migration(migrations.Migration):\n{atomic}"
        f"    dependencies = {deps}\n\n    operations = [\n        {ops},\n    ]\n"
    )


def write_app(root: Path, package: str) -> None:
    """The app ``sqbench`` whose migrations module is ``package.migrations``."""
    app = root / "sqbench"
    app.mkdir(exist_ok=True)
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text("")
    migrations = root / package / "migrations"
    migrations.mkdir(parents=True)
    (root / package / "__init__.py").write_text("")
    (migrations / "__init__.py").write_text("")
    for n in range(1, MODELS * PER_MODEL + 1):
        (migrations / f"{n:04d}_m.py").write_text(migration_source(n))


def setup(root: Path, dbname: str) -> None:
    import django
    from django.conf import settings

    from safemigrations.db.server import get_server

    sys.path.insert(0, str(root))
    settings.configure(
        DATABASES={"default": get_server().django_database(dbname)},
        INSTALLED_APPS=["safemigrations", "sqbench"],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        MIGRATION_MODULES={"sqbench": "safe_copy.migrations"},
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )
    django.setup()


def ours(repeats: int = 3) -> dict[str, object]:
    """Squash, prove, then time the fresh-database ``migrate`` of both histories ``repeats``
    times each (alternating; the proof's own builds count as the first) and keep the medians."""
    from statistics import median

    from safemigrations.squash.plan import plan_squash
    from safemigrations.squash.verify import GraphLoader, build, verify_squash

    started = time.perf_counter()
    plan = plan_squash("sqbench", None, f"{MODELS * PER_MODEL:04d}")
    squash_seconds = time.perf_counter() - started
    squashed_migrations = [r.migration for r in plan.rendered]
    started = time.perf_counter()
    comparison, original, squashed = verify_squash("sqbench", squashed_migrations)
    verify_seconds = time.perf_counter() - started
    original_times, squashed_times = [original.seconds], [squashed.seconds]
    for _ in range(repeats - 1):
        original_times.append(build(GraphLoader(), apps={"sqbench"}).seconds)
        squashed_times.append(
            build(GraphLoader(extra=squashed_migrations), apps={"sqbench"}).seconds
        )
    return {
        "operations": f"{plan.operations_before} -> {plan.operations_after}",
        "migrations": f"{plan.migrations_before} -> {plan.migrations_after}",
        "kept": len(plan.kept),
        "file imports": True,  # render() proved it, or plan_squash would have raised
        "migrates": True,
        "equivalent": comparison.equivalent,
        "differences": comparison.differences[:5],
        "squash s": round(squash_seconds, 2),
        "verify s": round(verify_seconds, 2),
        "migrate original s": round(median(original_times), 2),
        "migrate squashed s": round(median(squashed_times), 2),
    }


def djangos(root: Path) -> dict[str, object]:
    from django.conf import settings
    from django.core.management.commands.squashmigrations import Command

    from safemigrations.squash.compare import compare
    from safemigrations.squash.verify import GraphLoader, build

    settings.MIGRATION_MODULES = {"sqbench": "django_copy.migrations"}
    started = time.perf_counter()
    out = StringIO()
    command = Command(stdout=out, stderr=StringIO())
    command.handle(
        app_label="sqbench",
        start_migration_name=None,
        migration_name=f"{MODELS * PER_MODEL:04d}",
        no_optimize=False,
        interactive=False,
        squashed_name=None,
        include_header=True,
        verbosity=1,
    )
    seconds = time.perf_counter() - started
    folded = next((line for line in out.getvalue().splitlines() if "Optimized" in line), "")
    result: dict[str, object] = {"squash s": round(seconds, 2), "operations": folded.strip()}
    written = next((root / "django_copy" / "migrations").glob("*squashed*.py"))
    result["manual porting"] = "manual copying" in written.read_text()
    try:
        importlib.import_module(f"django_copy.migrations.{written.stem}")
        result["file imports"] = True
    except Exception as exc:
        result["file imports"] = f"no: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
        return result
    try:
        original = build(GraphLoader(drop=[("sqbench", written.stem)]), apps={"sqbench"})
        squashed = build(GraphLoader(), apps={"sqbench"})
        result["migrates"] = True
        result["migrate squashed s"] = round(squashed.seconds, 2)
        result["equivalent"] = compare(original, squashed).equivalent
    except Exception as exc:
        result["migrates"] = f"no: {''.join(traceback.format_exception_only(exc))[:120]}"
    return result


def main() -> None:
    from safemigrations.db.scratch import scratch_database
    from safemigrations.db.server import get_server

    root = Path(tempfile.mkdtemp(prefix="squash_bench_"))
    try:
        write_app(root, "safe_copy")
        shutil.copytree(root / "safe_copy", root / "django_copy")
        with scratch_database("squash_bench", get_server()) as dbname:
            setup(root, dbname)
            mine = ours()
            theirs = djangos(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"History: {MODELS * PER_MODEL} migrations (sqbench)")
    keys = sorted(set(mine) | set(theirs), key=lambda k: (k not in mine, k))
    print(f"{'':22} {'safemigrations':>30}  {'Django squashmigrations':>40}")
    for key in keys:
        print(f"{key:22} {mine.get(key, '-')!s:>30}  {theirs.get(key, '-')!s:>40}")
    ratio = float(mine["migrate original s"]) / max(float(mine["migrate squashed s"]), 1e-9)  # type: ignore[arg-type]
    print(
        f"fresh-database migrate (median of 3 each): squashed is {ratio:.1f}x faster than the "
        "original history"
    )


if __name__ == "__main__":
    main()
