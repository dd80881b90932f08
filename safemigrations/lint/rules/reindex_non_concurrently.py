"""SM107: ``REINDEX`` without ``CONCURRENTLY``."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class ReindexNonConcurrently(Rule):
    """REINDEX blocks writes, and reads that plan with the rebuilt index, for the whole rebuild."""

    id = "SM107"
    name = "reindex-non-concurrently"
    severity = Severity.ERROR
    title = "REINDEX without CONCURRENTLY"
    message = "REINDEX of {table} blocks writes (and reads using the index) while it rebuilds"
    why = (
        "`REINDEX` takes a SHARE lock on the table and ACCESS EXCLUSIVE on each index it rebuilds. "
        "Writes wait for the whole rebuild, and so do reads, because planning a query locks all "
        "of the table's indexes."
    )
    fix = (
        "Use `REINDEX INDEX CONCURRENTLY name` (PostgreSQL 12+) in a non-atomic migration "
        "(`migrations.RunSQL` with `atomic = False`), or drop and re-create the index with "
        "`DropIndexConcurrently` + `AddIndexConcurrently`."
    )
    unsafe_example = 'REINDEX INDEX "book_title_idx";'
    safe_example = 'REINDEX INDEX CONCURRENTLY "book_title_idx";'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag non-concurrent REINDEX of tables and indexes (not system catalogs)."""
        if stmt.concurrently:
            return
        for action in stmt.actions_of("reindex"):
            kind = getattr(action.node.kind, "name", "")
            if kind.endswith("SYSTEM") or ctx.is_new_table(action.table):
                continue
            yield Hit(params={"table": action.table or "the objects"}, lock="SHARE")
