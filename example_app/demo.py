"""``make demo``: run safemigrations' main job on the example project and print the result.

Starts the embedded PostgreSQL (or uses ``DATABASE_URL``), migrates the example project, and prints
the schema the migrations built: every table with its foreign keys (and their ON DELETE action),
indexes and constraints, as PostgreSQL's catalogs report them.
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


def main() -> int:
    import django
    from django.core.management import call_command

    from safemigrations.db.server import get_server

    server = get_server()
    print(
        f"safemigrations demo: PostgreSQL {server.version()} ({server.source}), Django {django.get_version()}"
    )
    django.setup()
    print("\n== migrate the example project ==")
    call_command("migrate", verbosity=1, interactive=False)
    print("\n== the schema the migrations built (from pg_catalog) ==")
    print_schema(["catalog", "chain"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
