"""Write a large Django project whose migration history looks like a real one's, for benchmarks.

``write_project(root)`` writes, into ``root`` (a git repository with one commit):

* 8 apps, 21 models each (168 models) and 33 migrations each (264 migration files), with
  foreign keys inside and across apps (cross-app dependencies) and to ``auth.User``;
* squashed chains: ``catalog`` and ``billing`` each have ``0001_squashed_0008`` replacing their
  first 8 migrations (both kept on disk, as after ``squashmigrations``);
* expression indexes (``Lower``), partial indexes and conditional unique constraints, check
  constraints, ``AlterField`` changes, ``RenameField``, ``RenameModel``, ``AlterModelTable``,
  proxy models, ``ManyToManyField``, ``RunPython`` data migrations, ``RunSQL`` that creates an
  extension, and one ``RunSQL`` with DDL (a view) near the end of ``legacy``;
* an app (``tooling``) that overrides ``makemigrations``;
* ``settings.py`` installing ``safemigrations``, or ``django_migration_linter`` when the
  environment has ``BENCH_DML=1`` (both name their command ``lintmigrations``).

``add_new_migrations(root)`` then writes 3 new migrations (not committed), as a pull request
would. Run ``python benchmarks/large_project.py DIR`` to only write the project.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

APPS = ["catalog", "accounts", "billing", "shop", "cms", "search", "legacy", "tooling"]
MODELS_PER_APP = 21
MIGRATIONS_PER_APP = 33
SQUASHED = {"catalog": 8, "billing": 8}
NEW_MIGRATIONS = 3

HEADER = (
    "import django.db.models.deletion\n"
    "import django.db.models.functions.text\n"
    "from django.conf import settings\n"
    "from django.db import migrations, models\n\n\n"
)


@dataclass
class Model:
    """A generated model as the generator tracks it (current name, fields, indexed fields)."""

    name: str
    fields: list[str] = field(default_factory=lambda: ["name"])
    renamed_field: bool = False
    proxy_of: str | None = None
    since: str = "0001_initial"  # the migration that gave the model its current name


@dataclass
class App:
    """The migrations of one app as they are generated."""

    label: str
    index: int
    models: list[Model] = field(default_factory=list)
    migrations: list[tuple[str, list[str], list[tuple[str, str]]]] = field(default_factory=list)
    created: int = 0
    functions: list[str] = field(default_factory=list)
    current: str = "0001_initial"  # the migration being generated

    def concrete(self) -> list[Model]:
        return [m for m in self.models if m.proxy_of is None]


def _create_model(app: App, n: int, other: App | None) -> tuple[str, list[tuple[str, str]]]:
    name = f"{app.label.capitalize()}Item{n}"
    fields = [
        '("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False))',
        '("name", models.CharField(max_length=100))',
        '("created", models.DateTimeField(auto_now_add=True))',
        '("active", models.BooleanField(default=True))',
    ]
    deps: list[tuple[str, str]] = []
    concrete = app.concrete()
    if concrete:
        parent = concrete[-1].name
        fields.append(
            f'("parent", models.ForeignKey(null=True, on_delete=django.db.models.deletion.'
            f'CASCADE, to="{app.label}.{parent.lower()}"))'
        )
    if n % 3 == 0:
        fields.append(
            '("owner", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,'
            " to=settings.AUTH_USER_MODEL))"
        )
        deps.append(("__setting__", "AUTH_USER_MODEL"))
    if other is not None and other.concrete() and n % 4 == 1:
        target_model = other.concrete()[0]
        target = target_model.name
        fields.append(
            f'("ref", models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,'
            f' related_name="+", to="{other.label}.{target.lower()}"))'
        )
        # As makemigrations writes it: on the migration that made the referenced model.
        deps.append((other.label, target_model.since))
    app.models.append(Model(name, since=app.current))
    return (
        f'migrations.CreateModel(name="{name}", fields=[{", ".join(fields)}])',
        deps,
    )


def _operations(app: App, step: int, other: App | None) -> tuple[list[str], list[tuple[str, str]]]:
    """The operations of migration ``step`` (2-based) of ``app``: one kind per step, cycling."""
    concrete = app.concrete()
    model = concrete[step % len(concrete)]
    lower = model.name.lower()
    tag = f"{app.label[:4]}{step}"
    kind = step % 16
    if app.created < MODELS_PER_APP and kind in (0, 4, 8, 11, 14):
        ops, deps = [], []
        for _ in range(2 if app.created < MODELS_PER_APP - 1 else 1):
            op, d = _create_model(app, app.created, other)
            app.created += 1
            ops.append(op)
            deps += d
        return ops, deps
    if kind in (1, 9):
        fname = f"note{step}"
        model.fields.append(fname)
        return [
            f'migrations.AddField(model_name="{lower}", name="{fname}", '
            "field=models.CharField(blank=True, default='', max_length=50))"
        ], []
    if kind == 2:
        return [
            f'migrations.AddIndex(model_name="{lower}", index=models.Index('
            f'django.db.models.functions.text.Lower("name"), name="{tag}_lower_idx"))'
        ], []
    if kind == 3:
        return [
            f'migrations.AddIndex(model_name="{lower}", index=models.Index(fields=["created"], '
            f'condition=models.Q(("active", True)), name="{tag}_active_idx"))'
        ], []
    if kind == 5:
        return [
            f'migrations.AddConstraint(model_name="{lower}", constraint=models.UniqueConstraint('
            f'fields=["name"], condition=models.Q(("active", True)), name="{tag}_uniq_name"))'
        ], []
    if kind == 6:
        return [
            f'migrations.AlterField(model_name="{lower}", name="name", '
            "field=models.CharField(max_length=200))"
        ], []
    if kind == 7:
        return [
            f'migrations.AddField(model_name="{lower}", name="score{step}", '
            "field=models.IntegerField(null=True)),\n        "
            f'migrations.AddConstraint(model_name="{lower}", constraint=models.CheckConstraint('
            f'condition=models.Q(("score{step}__gte", 0)), name="{tag}_score_gte_0"))'
        ], []
    if kind == 10:
        notes = [f for f in model.fields if f.startswith("note")]
        if notes and not model.renamed_field:
            old = notes[0]
            model.fields[model.fields.index(old)] = "memo" + old[4:]
            model.renamed_field = True
            return [
                f'migrations.RenameField(model_name="{lower}", old_name="{old}", '
                f'new_name="memo{old[4:]}")'
            ], []
        kind = 12
    if kind == 12:
        func = f"fill_{tag}"
        app.functions.append(
            f"def {func}(apps, schema_editor):\n"
            f'    Model = apps.get_model("{app.label}", "{model.name}")\n'
            '    Model.objects.filter(name="").update(active=False)\n'
        )
        return [f"migrations.RunPython({func}, migrations.RunPython.noop)"], []
    if kind == 13:
        proxy = f"{model.name}Proxy{step}"
        app.models.append(Model(proxy, proxy_of=model.name))
        return [
            f'migrations.CreateModel(name="{proxy}", fields=[], options={{"proxy": True, '
            f'"indexes": [], "constraints": []}}, bases=("{app.label}.{lower}",))'
        ], []
    if kind == 15:
        target = concrete[-1] if len(concrete) > 2 else model
        if target.name.endswith("Renamed") or any(m.proxy_of == target.name for m in app.models):
            return [
                f'migrations.AlterModelTable(name="{target.name.lower()}", table="{app.label}_t{step}")'
            ], []
        new = target.name + "Renamed"
        op = f'migrations.RenameModel(old_name="{target.name}", new_name="{new}")'
        for m in app.models:
            if m.proxy_of == target.name:
                m.proxy_of = new
        target.name = new
        target.since = app.current
        return [op], []
    if kind in (0, 4, 8, 11, 14):
        return [
            f'migrations.AddField(model_name="{lower}", name="tags{step}", field=models.'
            f'ManyToManyField(blank=True, related_name="+", to="{app.label}.'
            f'{concrete[0].name.lower()}"))'
        ], []
    raise AssertionError(kind)


def _source(
    app: App, name: str, ops: list[str], deps: list[tuple[str, str]], extra: str = ""
) -> str:
    dep_lines = []
    for a, m in deps:
        if a == "__setting__":
            dep_lines.append("migrations.swappable_dependency(settings.AUTH_USER_MODEL)")
        else:
            dep_lines.append(f'("{a}", "{m}")')
    functions = "\n\n".join(app.functions)
    app.functions = []
    return (
        HEADER
        + (functions + "\n\n" if functions else "")
        + "class Migration(migrations.Migration):\n"
        + extra
        + f"    dependencies = [{', '.join(dict.fromkeys(dep_lines))}]\n"
        + "    operations = [\n        "
        + ",\n        ".join(ops)
        + ",\n    ]\n"
    )


def generate_app(app: App, other: App | None, out: Path) -> None:
    """Write the migrations of ``app`` to ``out`` (its ``migrations`` package)."""
    out.mkdir(parents=True)
    (out / "__init__.py").write_text("")
    ops: list[str] = []
    deps: list[tuple[str, str]] = []
    for _ in range(5):
        op, d = _create_model(app, app.created, other)
        app.created += 1
        ops.append(op)
        deps += d
    if app.label == "search":
        ops.insert(0, 'migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", "")')
    sources: list[tuple[str, str, list[str]]] = []
    name = "0001_initial"
    sources.append((name, _source(app, name, ops, deps), ops))
    app.migrations.append((name, ops, deps))
    for step in range(2, MIGRATIONS_PER_APP + 1):
        app.current = f"{step:04d}_step"
        ops, deps = _operations(app, step, other)
        if app.label == "legacy" and step == MIGRATIONS_PER_APP - 4:
            table = f"legacy_{app.concrete()[0].name.lower()}"
            ops = [
                f'migrations.RunSQL("CREATE VIEW legacy_active AS SELECT id, name FROM {table} '
                'WHERE active", "DROP VIEW legacy_active")'
            ]
        name = f"{step:04d}_step"
        deps = [(app.label, app.migrations[-1][0]), *deps]
        sources.append((name, _source(app, name, ops, deps), ops))
        app.migrations.append((name, ops, deps))
    for name, text, _ in sources:
        (out / f"{name}.py").write_text(text)
    if app.label in SQUASHED:
        squash(app, out, SQUASHED[app.label])


def squash(app: App, out: Path, upto: int) -> None:
    """Add ``0001_squashed_00NN`` replacing the first ``upto`` migrations (operations
    concatenated, RunPython functions copied), as ``squashmigrations`` leaves them."""
    replaced = app.migrations[:upto]
    names = [m[0] for m in replaced]
    ops = [op for _, o, _ in replaced for op in o]
    deps = [d for _, _, ds in replaced for d in ds if d[0] != app.label]
    functions = []
    for name in names:
        text = (out / f"{name}.py").read_text()
        functions += [
            chunk.split("\n\n\nclass Migration")[0]
            for chunk in text.split("\n\n\n")
            if chunk.startswith("def ")
        ]
    app.functions = functions
    squashed = f"0001_squashed_{upto:04d}_step"
    extra = f"    replaces = [{', '.join(repr((app.label, n)) for n in names)}]\n"
    (out / f"{squashed}.py").write_text(_source(app, squashed, ops, deps, extra))
    # The migration after the squashed range depends on the last replaced one (Django maps it).


def write_project(root: Path, installed: str = "safemigrations") -> list[str]:
    """Write the project into ``root`` and commit it; returns the app labels."""
    apps: list[App] = []
    for i, label in enumerate(APPS):
        app = App(label, i)
        pkg = root / label
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "models.py").write_text("")
        generate_app(app, apps[-1] if apps else None, pkg / "migrations")
        apps.append(app)
    cmd = root / "tooling" / "management" / "commands"
    cmd.mkdir(parents=True)
    (root / "tooling" / "management" / "__init__.py").write_text("")
    (cmd / "__init__.py").write_text("")
    (cmd / "makemigrations.py").write_text(
        "from django.core.management import get_commands, load_command_class\n"
        "from django.core.management.commands.makemigrations import Command as Base\n\n\n"
        "class Command(Base):\n"
        '    """The project\'s own makemigrations (adds a header check)."""\n\n'
        "    # Django's check commands.E001 wants the autodetector of the installed migrate.\n"
        '    autodetector = load_command_class(get_commands()["migrate"], "migrate").autodetector\n'
        "\n"
        "    def handle(self, *args, **options):\n"
        "        return super().handle(*args, **options)\n"
    )
    labels = ", ".join(repr(a) for a in APPS)
    (root / "bench_settings.py").write_text(
        "import os\n"
        "from safemigrations.db.server import django_database_settings\n"
        "SECRET_KEY = 'bench'\nUSE_TZ = True\n"
        "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n"
        # tooling first: its makemigrations override sits before safemigrations'.
        "INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', "
        "'django.contrib.postgres', "
        f"{labels}, "
        "'django_migration_linter' if os.environ.get('BENCH_DML') else 'safemigrations']\n"
        "DATABASES = {'default': django_database_settings(os.environ.get('BENCH_DB'))}\n"
        "SAFEMIGRATIONS = {'LINT_DATABASE_PREFIX': os.environ.get('BENCH_PREFIX', 'smlint_')}\n"
        "BASE_DIR = os.path.dirname(os.path.abspath(__file__))\n"
    )
    git = ["git", "-c", "user.email=b@example.com", "-c", "user.name=b"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "large project"], cwd=root, check=True)
    return list(APPS)


def add_new_migrations(root: Path) -> list[tuple[str, str]]:
    """Three new migrations in three apps (uncommitted): an index, a field, a field change."""
    new = []
    for label, op in (
        (
            "shop",
            'migrations.AddIndex(model_name="shopitem1", index=models.Index(fields=["name", '
            '"created"], name="shop_new_name_created"))',
        ),
        (
            "cms",
            'migrations.AddField(model_name="cmsitem2", name="summary", '
            "field=models.TextField(null=True))",
        ),
        (
            "accounts",
            'migrations.AlterField(model_name="accountsitem3", name="name", '
            "field=models.CharField(max_length=300))",
        ),
    ):
        folder = root / label / "migrations"
        last = sorted(p.stem for p in folder.glob("0*_step.py"))[-1]
        name = f"{MIGRATIONS_PER_APP + 1:04d}_new"
        (folder / f"{name}.py").write_text(
            HEADER
            + "class Migration(migrations.Migration):\n"
            + f'    dependencies = [("{label}", "{last}")]\n'
            + f"    operations = [{op}]\n"
        )
        new.append((label, name))
    return new


if __name__ == "__main__":
    target = Path(sys.argv[1])
    write_project(target)
    print(f"wrote {len(APPS) * MIGRATIONS_PER_APP} migrations into {target}")
