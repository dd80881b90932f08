"""SM102: a statement PostgreSQL refuses to run inside a transaction block."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint import fixtext
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class NotAllowedInTransaction(Rule):
    """CONCURRENTLY forms, VACUUM and a few others fail with "cannot run inside a transaction block"."""

    id = "SM102"
    name = "not-allowed-in-transaction"
    severity = Severity.ERROR
    title = "Statement that cannot run inside a transaction block"
    message = "{what} cannot run inside a transaction block: the migration fails here"
    why = (
        "`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, "
        "`ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY`, `VACUUM` and a few others manage "
        "their own transactions. Inside `BEGIN ... COMMIT` (an atomic Django migration) "
        "PostgreSQL raises an error and the whole migration rolls back."
    )
    fix = (
        "Put the statement in its own migration with `atomic = False`; the safemigrations "
        "operations (`AddIndexConcurrently`, `DropIndexConcurrently`, "
        "`AddUniqueConstraintConcurrently`) refuse atomic migrations with a clear message.\n\n"
        "```python\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        '    operations = [DropIndexConcurrently(model_name="{model}", name="{index}")]\n'
        "```"
    )
    unsafe_example = 'BEGIN;\nDROP INDEX CONCURRENTLY "book_title_idx";\nCOMMIT;'
    safe_example = 'DROP INDEX CONCURRENTLY IF EXISTS "book_title_idx";'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag non-transactional statements that run in a transaction."""
        if stmt.transactional or not stmt.in_transaction:
            return
        what = " ".join(stmt.sql.split()[:3]).upper()
        if stmt.concurrently:
            what = f"{stmt.sql.split()[0].upper()} ... CONCURRENTLY"
        names = fixtext.index_names(stmt.node) if stmt.kind == "IndexStmt" else {}
        if stmt.kind == "DropStmt" and len(stmt.dropped) == 1:
            names["index"] = next(iter(stmt.dropped))
        yield Hit(params={"what": what, **names})
