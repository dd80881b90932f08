"""SM701: ``VACUUM FULL`` and ``CLUSTER`` rewrite the table under ACCESS EXCLUSIVE."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class TableRewriteCommand(Rule):
    """Both commands copy the whole table while nothing can read or write it."""

    id = "SM701"
    name = "vacuum-full-or-cluster"
    severity = Severity.ERROR
    title = "VACUUM FULL / CLUSTER"
    message = "{what} rewrites {table} under ACCESS EXCLUSIVE: reads and writes wait for the copy"
    why = (
        "`VACUUM FULL` and `CLUSTER` write a new copy of the table and its indexes while holding "
        "ACCESS EXCLUSIVE. On a large table that is an outage of minutes to hours."
    )
    fix = (
        "Do not run them in a migration. Use pg_repack or pg_squeeze (online), or plain "
        "`VACUUM`, which takes no lock that blocks reads or writes."
    )
    unsafe_example = 'VACUUM FULL "shop_book";'
    safe_example = 'VACUUM "shop_book";'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag VACUUM FULL and CLUSTER of tables not created in the same input."""
        for action in stmt.actions_of("vacuum", "cluster"):
            if action.rewrites and not ctx.is_new_table(action.table):
                what = "VACUUM FULL" if action.kind == "vacuum" else "CLUSTER"
                yield Hit(params={"what": what, "table": action.table or "every table"})
