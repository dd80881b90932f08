"""How long does ``inspectdrift`` take on a big schema, and how many catalog queries does it run?

Generates 300 models with about 2,000 indexes (primary key, foreign key index, two ``db_index``
fields, the ``_like`` twin of the ``varchar`` one, two ``Meta.indexes``: seven per model) on a scratch database, then:

1. times :func:`safemigrations.inspect.inspect_database` on all 300 tables (best of 3) and
   counts its catalog queries with ``connection.execute_wrapper``;
2. does the same for the naive way, one round of ``db.catalog`` queries per table (columns,
   constraints, indexes: what a per-model loop would run), for the ratio;
3. repeats the inspection with 30 models to show the query count does not grow with the schema.

Run: ``.venv/bin/python benchmarks/inspect_speed.py`` (``DATABASE_URL`` or an embedded server);
``--queries`` prints each catalog query of one inspection with its time instead.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MODELS = 300


def build_models(count: int) -> list[Any]:
    """``count`` models of app ``benchdrift``: each references the one before it."""
    from django.db import models

    made: list[Any] = []
    for n in range(count):
        attrs: dict[str, Any] = {
            "__module__": "benchdrift.models",
            "name": models.CharField(max_length=50, db_index=True),
            "code": models.IntegerField(db_index=True),
            "amount": models.BigIntegerField(),
            "created": models.DateTimeField(),
            "flag": models.BooleanField(default=False),
            "note": models.TextField(blank=True),
            "Meta": type(
                "Meta",
                (),
                {
                    "app_label": "benchdrift",
                    "indexes": [
                        models.Index(fields=["amount", "code"], name=f"bd{n}_amount_code"),
                        models.Index(
                            fields=["created"], name=f"bd{n}_flagged", condition=models.Q(flag=True)
                        ),
                    ],
                },
            ),
        }
        if made:
            attrs["parent"] = models.ForeignKey(made[-1], on_delete=models.CASCADE)
        made.append(type(f"Thing{n}", (models.Model,), attrs))
    return made


def main() -> None:
    from benchmarks.django_setup import setup_django
    from safemigrations.db.scratch import scratch_database

    with scratch_database("inspect_bench") as dbname:
        setup_django(dbname)
        from django.apps import apps
        from django.apps.config import AppConfig
        from django.db import connection

        from safemigrations.db import catalog
        from safemigrations.inspect import inspect_database

        config = AppConfig.create("safemigrations")  # any module: only the label matters
        config.label = "benchdrift"
        apps.app_configs["benchdrift"] = config
        config.apps = apps
        config.models = apps.all_models["benchdrift"]
        made = build_models(MODELS)
        started = time.perf_counter()
        with connection.schema_editor() as editor:
            for model in made:
                editor.create_model(model)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute(
                "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                "WHERE c.relname LIKE 'benchdrift_%'"
            )
            indexes = cursor.fetchone()[0]
        print(f"schema: {MODELS} models, {indexes} indexes ({time.perf_counter() - started:.1f}s)")

        def counted(run: Any) -> tuple[float, int, Any]:
            queries: list[str] = []

            def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                queries.append(sql)
                return execute(sql, params, many, context)

            best = float("inf")
            result = None
            for _ in range(3):
                queries.clear()
                with connection.execute_wrapper(wrapper):
                    t0 = time.perf_counter()
                    result = run()
                    best = min(best, time.perf_counter() - t0)
            return best, len(queries), result

        def inspect_all() -> Any:
            return inspect_database(connection, ["benchdrift"], registry=apps)

        def naive() -> None:
            with connection.cursor() as cursor:
                for model in made:
                    table = model._meta.db_table
                    catalog.columns(cursor, table)
                    catalog.constraints(cursor, table)
                    catalog.indexes(cursor, table)

        if "--queries" in sys.argv:

            def timing(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    print(f"  {time.perf_counter() - t0:.3f}s {' '.join(sql.split())[:90]}")

            with connection.execute_wrapper(timing):
                inspect_all()
            return
        seconds, queries, inspection = counted(inspect_all)
        kinds = sorted({d.kind.id for d in inspection.findings})
        print(
            f"inspect_database: {seconds:.3f}s, {queries} catalog queries, "
            f"{len(inspection.findings)} findings {kinds}"
        )
        naive_seconds, naive_queries, _ = counted(naive)
        print(
            f"per-table catalog reads (naive): {naive_seconds:.3f}s, {naive_queries} queries "
            f"-> the inspector is {naive_seconds / seconds:.1f}x the speed with "
            f"{naive_queries / queries:.0f}x fewer queries"
        )
        small = [m for m in made[:30]]
        small_labels = {m._meta.db_table for m in small}

        def inspect_small() -> Any:
            from safemigrations.db.schema import read_schema, table_names
            from safemigrations.inspect.checks import ALL
            from safemigrations.inspect.context import Context
            from safemigrations.inspect.expected import expected_models

            models = [
                m
                for m in expected_models(apps, ["benchdrift"], connection)
                if m.table in small_labels
            ]
            with connection.cursor() as cursor:
                schema = read_schema(cursor, small_labels)
                table_names(cursor)
            context = Context(schema=schema, models=models, connection=connection)
            return [d for check in ALL for d in check(context)]

        _, small_queries, _ = counted(inspect_small)
        print(
            f"30 of the 300 tables: {small_queries} catalog queries (the same count as for "
            "300: constant, not one per model)"
        )


if __name__ == "__main__":
    main()
