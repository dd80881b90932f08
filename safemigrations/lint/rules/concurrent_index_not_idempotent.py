"""SM103: a concurrent index statement that cannot simply be run again after a failure."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class ConcurrentIndexNotIdempotent(Rule):
    """A failed concurrent build leaves an INVALID index behind; a plain re-run then fails."""

    id = "SM103"
    name = "concurrent-index-not-idempotent"
    severity = Severity.WARNING
    title = "Concurrent index statement that cannot be re-run"
    message = "{what} without {guard}: if it is interrupted, running the migration again fails"
    why = (
        "Concurrent index statements run outside a transaction. When one fails (lock or "
        "statement timeout, deadlock, duplicate key) `CREATE INDEX CONCURRENTLY` leaves an "
        "INVALID index that is still updated on every write but never used; the re-run then "
        'fails with "already exists". `IF NOT EXISTS` alone hides the problem: it keeps the '
        "INVALID index."
    )
    fix = (
        "Use `AddIndexConcurrently` / `DropIndexConcurrently`: they check `pg_index.indisvalid`, "
        "drop an INVALID leftover and build again, so an interrupted migration can be re-run.\n\n"
        "```python\n"
        'AddIndexConcurrently(model_name="book", index=models.Index(fields=["title"], name="book_title_idx"))\n'
        "```"
    )
    unsafe_example = 'CREATE INDEX CONCURRENTLY "book_title_idx" ON "shop_book" ("title");'
    safe_example = (
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_title_idx" ON "shop_book" ("title");'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag CREATE/DROP INDEX CONCURRENTLY without IF [NOT] EXISTS."""
        if not stmt.concurrently or stmt.node is None:
            return
        if stmt.kind == "IndexStmt" and not stmt.node.if_not_exists:
            yield Hit(params={"what": "CREATE INDEX CONCURRENTLY", "guard": "IF NOT EXISTS"})
        elif stmt.kind == "DropStmt" and not stmt.node.missing_ok:
            yield Hit(params={"what": "DROP INDEX CONCURRENTLY", "guard": "IF EXISTS"})
