"""SM305: a stored generated column (or a new generation expression) rewrites the table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import CT, StatementFacts


class AddColumnGeneratedStored(Rule):
    """Computing a stored expression for every row is a full rewrite under ACCESS EXCLUSIVE."""

    id = "SM305"
    name = "generated-column-rewrite"
    severity = Severity.ERROR
    title = "Stored generated column added or changed"
    message = "{what} {column} rewrites {table} under ACCESS EXCLUSIVE"
    why = (
        "A `GENERATED ALWAYS AS (...) STORED` column is computed and written for every existing "
        "row when added, and `ALTER COLUMN ... SET EXPRESSION` (PostgreSQL 17+) recomputes it: "
        "both rewrite the table and its indexes while holding ACCESS EXCLUSIVE. Django emits "
        "this for `GeneratedField(db_persist=True)`."
    )
    fix = (
        "On PostgreSQL 18, a virtual generated column (`GeneratedField(db_persist=False)`) needs "
        "no rewrite. Otherwise add a plain nullable column, fill it in batches (and keep it in "
        "sync with a trigger), then `SetNotNull` if needed."
    )
    unsafe_example = 'ALTER TABLE "shop_book" ADD COLUMN "total" integer GENERATED ALWAYS AS ("price" * "qty") STORED;'
    safe_example = 'ALTER TABLE "shop_book" ADD COLUMN "total" integer NULL;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag stored generated columns and SET EXPRESSION on existing tables."""
        for action in stmt.actions:
            if ctx.is_new_table(action.table):
                continue
            if action.kind == "add_column" and action.detail == "generated":
                if _virtual(action.node):
                    continue  # PostgreSQL 18's VIRTUAL: computed on read, no rewrite
                what = "ADD COLUMN ... GENERATED ALWAYS AS (...) STORED"
            elif action.kind == "set_expression":
                what = "ALTER COLUMN ... SET EXPRESSION on"
            else:
                continue
            yield Hit(params={"what": what, "column": action.column, "table": action.table})


def _virtual(coldef: Any) -> bool:
    """True for ``GENERATED ALWAYS AS (...) VIRTUAL`` (PostgreSQL 18), which writes nothing."""
    return any(
        getattr(c, "contype", None) == CT.CONSTR_GENERATED
        and getattr(c, "generated_kind", "") == "v"
        for c in getattr(coldef, "constraints", None) or ()
    )
