"""Does applying each migration on only the models it reaches give the SQL of the whole state?

Captures the SQL of every migration of a Django project twice, in one process, on scratch
databases of its server: once on the whole rendered project state (``LINT_WHOLE_STATE``, as
``migrate`` does) and once on the small state of the models each migration can reach (the
default, :mod:`safemigrations.lint.replay.substate`). Prints both times, how many migrations ran
on a small state, and every migration whose statements differ (random defaults such as
``uuid4()`` or ``timezone.now()`` differ between any two runs).

Run it in a project (``safemigrations`` installed, PostgreSQL database):
``DJANGO_SETTINGS_MODULE=mysite.settings python benchmarks/substate_compare.py [APP ...]``.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import django


def capture(targets: list[tuple[str, str]], whole: bool) -> tuple[float, Any]:
    """(seconds, collection) of capturing ``targets`` on the whole or the small state."""
    from django.test import override_settings

    from safemigrations.lint.collect import collect

    with override_settings(SAFEMIGRATIONS={"LINT_WHOLE_STATE": whole}):
        started = time.perf_counter()
        result = collect(targets, use_cache=False)
        return time.perf_counter() - started, result


def statements(result: Any) -> dict[tuple[str, str], list[tuple[str, Any, bool]]]:
    return {
        m.key: [(s.sql, s.operation_index, s.deferred) for s in m.statements]
        for m in result.migrations
    }


def main() -> int:
    django.setup()
    from django.db.migrations.loader import MigrationLoader

    apps = set(sys.argv[1:])
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    targets = sorted(k for k in graph.nodes if not apps or k[0] in apps)
    whole_seconds, whole = capture(targets, whole=True)
    small_seconds, small = capture(targets, whole=False)
    print(f"{len(targets)} migrations")
    print(f"  whole state: {whole_seconds:6.1f} s")
    print(
        f"  small state: {small_seconds:6.1f} s ({small.stats.reduced} on a small state, "
        f"{small.stats.reduced_fallbacks} applied again on the whole state)"
    )
    a, b = statements(whole), statements(small)
    differ = [key for key in a if a[key] != b.get(key)]
    print(f"  migrations whose statements differ: {len(differ)}")
    for key in differ:
        print(f"    {key[0]}.{key[1]}")
        for x, y in zip(a[key], b[key], strict=False):
            if x != y:
                print(f"      whole: {x[0][:160]}\n      small: {y[0][:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
