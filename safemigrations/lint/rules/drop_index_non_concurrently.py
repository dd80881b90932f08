"""SM106: ``DROP INDEX`` without ``CONCURRENTLY``."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class DropIndexNonConcurrently(Rule):
    """Dropping an index takes ACCESS EXCLUSIVE on its table, queued behind every running query."""

    id = "SM106"
    name = "drop-index-non-concurrently"
    severity = Severity.ERROR
    title = "Index dropped without CONCURRENTLY"
    message = (
        "DROP INDEX {index} takes an ACCESS EXCLUSIVE lock on its table: reads and writes wait"
    )
    why = (
        "`DROP INDEX` takes ACCESS EXCLUSIVE on the table. The drop itself is quick, but it must "
        "wait for every running query on the table, and every query that arrives meanwhile "
        "queues behind it: a long report query turns it into an outage."
    )
    fix = (
        "Drop it with `DROP INDEX CONCURRENTLY` in a non-atomic migration: "
        "`DropIndexConcurrently` (a SHARE UPDATE EXCLUSIVE lock, which reads and writes do not wait for).\n\n"
        "```python\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        '    operations = [DropIndexConcurrently(model_name="{model}", name="{index}")]\n'
        "```"
    )
    unsafe_example = 'DROP INDEX IF EXISTS "book_title_idx";'
    safe_example = 'DROP INDEX CONCURRENTLY IF EXISTS "book_title_idx";'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag non-concurrent drops of indexes on tables not created in the same input."""
        if stmt.concurrently:
            return
        for action in stmt.actions_of("drop_index"):
            if ctx.is_new_table(action.table) or ctx.is_new_table(action.detail):
                continue
            yield Hit(
                params={"index": action.detail, "table": action.table}, lock="ACCESS EXCLUSIVE"
            )
