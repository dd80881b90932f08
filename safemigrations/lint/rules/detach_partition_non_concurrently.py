"""SM801: ``DETACH PARTITION`` without ``CONCURRENTLY``."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class DetachPartitionNonConcurrently(Rule):
    """A plain detach takes ACCESS EXCLUSIVE on the parent: the whole partitioned table stops."""

    id = "SM801"
    name = "detach-partition-non-concurrently"
    severity = Severity.ERROR
    title = "DETACH PARTITION without CONCURRENTLY"
    message = "DETACH PARTITION {partition} takes ACCESS EXCLUSIVE on {table} and the partition"
    why = (
        "`ALTER TABLE parent DETACH PARTITION child` takes ACCESS EXCLUSIVE on the parent and "
        "the partition, blocking every query on the whole partitioned table. PostgreSQL 14+ "
        "can detach `CONCURRENTLY` with SHARE UPDATE EXCLUSIVE (outside a transaction block, "
        "not when a default partition exists)."
    )
    fix = (
        "Use `ALTER TABLE parent DETACH PARTITION child CONCURRENTLY` in a non-atomic migration "
        "(`migrations.RunSQL` with `atomic = False`); if it is interrupted, finish it with "
        "`DETACH PARTITION child FINALIZE`."
    )
    unsafe_example = 'ALTER TABLE "events" DETACH PARTITION "events_2020";'
    safe_example = 'ALTER TABLE "events" DETACH PARTITION "events_2020" CONCURRENTLY;'
    min_pg_version = 14

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag plain DETACH PARTITION of existing tables."""
        for action in stmt.actions_of("detach_partition"):
            node = action.node.def_
            if getattr(node, "concurrent", False) or ctx.is_new_table(action.table):
                continue
            if action.node.subtype.name.endswith("Finalize"):
                continue
            yield Hit(
                params={"partition": action.referenced, "table": action.table},
                tables=[action.table, action.referenced or ""],
            )
