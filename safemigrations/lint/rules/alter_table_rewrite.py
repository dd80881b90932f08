"""SM702: ALTER TABLE forms that rewrite the table: SET TABLESPACE, SET LOGGED/UNLOGGED, SET ACCESS METHOD."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts

_WHAT = {
    "set_tablespace": "SET TABLESPACE",
    "set_logged": "SET LOGGED/UNLOGGED",
    "set_access_method": "SET ACCESS METHOD",
}


class AlterTableRewrite(Rule):
    """These forms copy the table (and its indexes) while holding ACCESS EXCLUSIVE."""

    id = "SM702"
    name = "alter-table-rewrite"
    severity = Severity.ERROR
    title = "ALTER TABLE form that rewrites the table"
    message = "ALTER TABLE {table} {what} copies the whole table under ACCESS EXCLUSIVE"
    why = (
        "`SET TABLESPACE` copies the table files, `SET LOGGED`/`SET UNLOGGED` and `SET ACCESS "
        "METHOD` rewrite the table and rebuild its indexes. All hold ACCESS EXCLUSIVE "
        "throughout: no reads, no writes. Django emits SET TABLESPACE for `db_tablespace` changes."
    )
    fix = (
        "Avoid it on large live tables: build a new table with the wanted storage, copy the "
        "rows in batches while keeping it in sync, and swap the names in a short migration."
    )
    unsafe_example = 'ALTER TABLE "shop_book" SET TABLESPACE "fast_ssd";'
    safe_example = 'ALTER TABLE "shop_book" SET (fillfactor = 90);'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag rewriting ALTER TABLE forms on existing tables."""
        for action in stmt.actions_of(*_WHAT):
            if not ctx.is_new_table(action.table):
                yield Hit(params={"table": action.table, "what": _WHAT[action.kind]})
