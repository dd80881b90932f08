"""SM703: ``REFRESH MATERIALIZED VIEW`` without ``CONCURRENTLY``."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class RefreshMaterializedView(Rule):
    """A plain refresh blocks every read of the view until the new contents are computed."""

    id = "SM703"
    name = "refresh-materialized-view"
    severity = Severity.WARNING
    title = "REFRESH MATERIALIZED VIEW without CONCURRENTLY"
    message = (
        "REFRESH MATERIALIZED VIEW {table} takes ACCESS EXCLUSIVE: reads of it wait for the refresh"
    )
    why = (
        "A plain refresh recomputes the view while holding ACCESS EXCLUSIVE on it, so every "
        "SELECT of the view waits for the whole query. `CONCURRENTLY` takes EXCLUSIVE, which "
        "lets reads continue (it needs a unique index on the view)."
    )
    fix = (
        "Use `REFRESH MATERIALIZED VIEW CONCURRENTLY` (after adding a unique index on the view "
        "with `AddIndexConcurrently` or `CREATE UNIQUE INDEX CONCURRENTLY`)."
    )
    unsafe_example = 'REFRESH MATERIALIZED VIEW "shop_sales";'
    safe_example = 'REFRESH MATERIALIZED VIEW CONCURRENTLY "shop_sales";'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag non-concurrent refreshes of views not created in the same input."""
        for action in stmt.actions_of("refresh_matview"):
            if not action.node.concurrent and not ctx.is_new_table(action.table):
                yield Hit(params={"table": action.table})
