"""SM104: concurrent index builds on PostgreSQL 14.0-14.3 could corrupt indexes."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class ConcurrentIndexPg14Bug(Rule):
    """PostgreSQL 14.0 to 14.3 had a bug that could silently corrupt concurrently built indexes."""

    id = "SM104"
    name = "concurrent-index-pg14-bug"
    severity = Severity.INFO
    title = "Concurrent index build on PostgreSQL 14: needs 14.4 or later"
    message = "{what} on PostgreSQL 14: make sure the server runs 14.4 or later"
    why = (
        "PostgreSQL 14.0-14.3 could miss rows in indexes built or rebuilt with CONCURRENTLY "
        "(fixed in 14.4). The linter only knows the major version, so it reminds you."
    )
    fix = (
        "Upgrade the server to the latest 14.x minor release before running "
        "`AddIndexConcurrently`; check with `SELECT version();`. Indexes built on 14.0-14.3 "
        "should be rebuilt with `REINDEX INDEX CONCURRENTLY`."
    )
    unsafe_example = (
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_title_idx" ON "shop_book" ("title");'
    )
    safe_example = 'CREATE INDEX "tmp_idx" ON "new_table" ("id");'
    min_pg_version = 14
    max_pg_version = 14

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag concurrent builds and rebuilds (not concurrent drops)."""
        if stmt.concurrently and stmt.kind in ("IndexStmt", "ReindexStmt"):
            yield Hit(params={"what": stmt.sql.split()[0].upper() + " ... CONCURRENTLY"})
