"""SM105: ``CREATE INDEX CONCURRENTLY`` on a partitioned table, which PostgreSQL refuses."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class ConcurrentIndexOnPartitioned(Rule):
    """Indexes on a partitioned parent cannot be built concurrently; a plain build locks all partitions."""

    id = "SM105"
    name = "index-on-partitioned-table"
    severity = Severity.ERROR
    title = "Index on a partitioned table"
    message = "{what} on partitioned table {table}: {effect}"
    why = (
        'PostgreSQL refuses `CREATE INDEX CONCURRENTLY` on a partitioned table ("cannot create '
        'index on partitioned table concurrently"), and a plain `CREATE INDEX` takes a SHARE '
        "lock on the parent and every partition, blocking writes to all of them for the build."
    )
    fix = (
        "Create the parent index with `CREATE INDEX ... ON ONLY parent` (instant, invalid until "
        "every partition is attached), build each partition's index with `CREATE INDEX "
        "CONCURRENTLY`, then `ALTER INDEX parent_idx ATTACH PARTITION partition_idx` for each "
        "(run them with `migrations.RunSQL` in a non-atomic migration)."
    )
    unsafe_example = (
        "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\n"
        "CREATE INDEX CONCURRENTLY events_at_idx ON events (at);"
    )
    safe_example = (
        "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\n"
        "CREATE INDEX events_at_idx ON ONLY events (at);"
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag concurrent builds on parents known (from this input) to be partitioned."""
        for action in stmt.actions_of("create_index"):
            if ctx.is_partitioned(action.table) and stmt.concurrently:
                yield Hit(
                    params={
                        "what": "CREATE INDEX CONCURRENTLY",
                        "table": action.table,
                        "effect": "PostgreSQL rejects it",
                    }
                )
