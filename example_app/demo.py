"""``make demo``: run safemigrations' main job on the example project and print the result.

Starts the embedded PostgreSQL (or uses the server at ``DATABASE_URL``, in a throw-away database
that is dropped at the end), migrates the example project, and prints
the schema the migrations built: every table with its foreign keys (and their ON DELETE action),
indexes and constraints, as PostgreSQL's catalogs report them. Then it lints the project's
migrations the way ``manage.py lintmigrations`` does (each replayed on a scratch database): the
``naive`` app's plain-Django migrations get findings with their fixes, the safe ``catalog`` and
``chain`` migrations none. Then the drift inspector: clean on the fresh database, and the story of
a rolled-back ``on_delete`` change (the constraint loses its ``ON DELETE CASCADE`` behind the
models' back) caught and named. Last, the squash helper folds ``chain``'s four migrations and
proves on scratch databases that the result builds the same schema (nothing is written).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")


def print_schema(app_labels: list[str]) -> None:
    """Print each table of the apps with its constraints and indexes, from the catalogs."""
    from django.apps import apps
    from django.db import connection

    from safemigrations.db import catalog

    with connection.cursor() as cur:
        for label in app_labels:
            for model in apps.get_app_config(label).get_models():
                table = model._meta.db_table
                print(f"\n{table}")
                for col in catalog.columns(cur, table).values():
                    null = "NOT NULL" if col.not_null else "NULL"
                    print(f"  column     {col.name:<16} {col.type:<28} {null}")
                for con in catalog.constraints(cur, table).values():
                    extra = ""
                    if con.type == "foreign key":
                        extra = f" -> {con.referenced_table} ON DELETE {con.on_delete}"
                    valid = "" if con.validated else " NOT VALID"
                    print(f"  constraint {con.name:<45} {con.type}{extra}{valid}")
                for idx in catalog.indexes(cur, table).values():
                    if idx.constraint:
                        continue
                    print(
                        f"  index      {idx.name:<45} ({', '.join(c or '<expr>' for c in idx.columns)})"
                    )


def print_lint(app_labels: list[str]) -> int:
    """Lint every migration of the apps; print one line per finding with its fix. Returns the
    number of error-level findings."""
    from django.db.migrations.loader import MigrationLoader

    from safemigrations.lint import targets
    from safemigrations.lint.project import lint_migrations

    loader = MigrationLoader(None, ignore_no_migrations=True)
    result = lint_migrations(targets.all_of(loader, app_labels), loader=loader)
    for (app, name), findings in result.by_migration.items():
        mark = "ok " if not findings else "!! "
        print(f"\n{mark}{app}.{name}")
        for f in findings:
            fix = f.fix.strip().splitlines()[0] if f.fix else ""
            print(f"     {f.rule} {f.severity.value:<7} {f.message}")
            if fix:
                print(f"     {'':<13} fix: {fix}")
    stats = result.collection.stats if result.collection else None
    errors = sum(f.severity.value == "error" for f in result.findings)
    if stats:
        print(
            f"\n{len(result.by_migration)} migrations linted in {stats.seconds:.1f}s against "
            f"PostgreSQL {result.pg_version}: {len(result.findings)} findings, {errors} errors"
        )
    return errors


def show_drift() -> None:
    """Inspect the fresh database (clean), then undo an ON DELETE in the database alone, as a
    rolled-back migration leaves it, and inspect again."""
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    call_command("inspectdrift", "catalog", "chain")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'chain_child'::regclass "
            "AND contype = 'f' AND confdeltype = 'c'"
        )
        (name,) = cur.fetchone()
        cur.execute(
            f'ALTER TABLE chain_child DROP CONSTRAINT "{name}", ADD CONSTRAINT "{name}" '
            "FOREIGN KEY (parent_id) REFERENCES chain_parent (id) DEFERRABLE INITIALLY DEFERRED"
        )
    print("\n-- the constraint lost its ON DELETE CASCADE (a rolled-back migration) --")
    try:
        call_command("inspectdrift", "chain")
    except CommandError as exc:  # exit status 1: drift found, as CI would see it
        print(f"(exit status {exc.returncode}: {exc})")


def main() -> int:
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from safemigrations.db.scratch import scratch_database
    from safemigrations.db.server import get_server

    server = get_server()
    print(
        f"safemigrations demo: PostgreSQL {server.version()} ({server.source}), Django {django.get_version()}"
    )
    # A throw-away database on that server: the demo never touches DATABASE_URL's own database.
    with scratch_database("safemigrations_demo", server) as dbname:
        settings.DATABASES["default"]["NAME"] = dbname
        django.setup()
        try:
            print(f"\n== migrate the example project (database {dbname}) ==")
            call_command("migrate", verbosity=1, interactive=False)
            print("\n== the schema the migrations built (from pg_catalog) ==")
            print_schema(["catalog", "chain", "naive"])
            print("\n== lint the migrations (python example_app/manage.py lintmigrations) ==")
            print_lint(["catalog", "chain", "naive"])
            print("\n== drift: does the database match the models? (manage.py inspectdrift) ==")
            show_drift()
            print(
                "\n== squash chain's migrations, proven (manage.py squashmigrations --dry-run) =="
            )
            call_command("squashmigrations", "chain", "0004", "--noinput", "--dry-run")
        finally:
            connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
