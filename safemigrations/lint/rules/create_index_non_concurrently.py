"""SM101: ``CREATE INDEX`` without ``CONCURRENTLY`` on a table that already exists."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint import fixtext
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class CreateIndexNonConcurrently(Rule):
    """A plain index build blocks every write to the table until the build finishes."""

    id = "SM101"
    name = "create-index-non-concurrently"
    severity = Severity.ERROR
    title = "Index built without CONCURRENTLY"
    message = "CREATE INDEX on {table} takes a SHARE lock: writes wait for the whole index build"
    why = (
        "`CREATE INDEX` takes a SHARE lock on the table and reads every row to build the index. "
        "SHARE blocks INSERT, UPDATE and DELETE (reads continue) for as long as the build runs, "
        "which on a large table is minutes."
    )
    fix = (
        "Build it with `CREATE INDEX CONCURRENTLY` in a non-atomic migration: "
        "`AddIndexConcurrently` (it also drops an INVALID leftover of an interrupted build).\n\n"
        "```python\n"
        "from safemigrations.operations import AddIndexConcurrently\n\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        "    operations = [\n"
        "        AddIndexConcurrently(\n"
        '            model_name="{model}",\n'
        '            index=models.Index(fields=["{field}"], name="{index}"),\n'
        "        ),\n"
        "    ]\n"
        "```"
    )
    unsafe_example = 'CREATE INDEX "book_title_idx" ON "shop_book" ("title");'
    safe_example = (
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_title_idx" ON "shop_book" ("title");'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag non-concurrent builds on tables not created earlier in the same input."""
        for action in stmt.actions_of("create_index"):
            if stmt.concurrently or ctx.is_new_table(action.table):
                continue
            node = action.node
            if ctx.is_partitioned(action.table) and not node.relation.inh:
                continue  # CREATE INDEX ON ONLY parent: no build, partitions attached later
            yield Hit(
                params={"table": action.table, **fixtext.index_names(node)},
                tables=[action.table],
                lock="SHARE",
            )
