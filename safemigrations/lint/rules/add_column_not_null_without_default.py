"""SM302: ``ADD COLUMN ... NOT NULL`` without a default fails on a non-empty table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pglast import ast

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import CT, StatementFacts


def is_null_constant(expr: Any) -> bool:
    """True for ``NULL`` and ``NULL::type`` (a default that fills rows with NULL)."""
    while isinstance(expr, ast.TypeCast):
        expr = expr.arg
    return isinstance(expr, ast.A_Const) and bool(expr.isnull)


class AddColumnNotNullWithoutDefault(Rule):
    """Existing rows would get NULL in a NOT NULL column: PostgreSQL refuses."""

    id = "SM302"
    name = "add-column-not-null-without-default"
    severity = Severity.ERROR
    title = "NOT NULL column added without a default"
    message = (
        "ADD COLUMN {column} NOT NULL without DEFAULT fails on {table} as soon as the table has "
        'a row ("contains null values")'
    )
    why = (
        "Existing rows have no value for the new column. PostgreSQL checks the NOT NULL "
        "constraint and aborts the migration if the table is not empty: it works in "
        "development and fails in production."
    )
    fix = (
        "Give the column a database default (`db_default=`), which PostgreSQL 11+ stores without "
        "a rewrite; or add it nullable, back-fill, then `SetNotNull`.\n\n"
        "```python\n"
        'migrations.AddField("{model}", "{field}", models.IntegerField(db_default=0))\n'
        "```"
    )
    fix_example = {"field": "qty", "column": "qty"}
    unsafe_example = 'ALTER TABLE "shop_book" ADD COLUMN "qty" integer NOT NULL;'
    safe_example = 'ALTER TABLE "shop_book" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL;'
    # ``DEFAULT NULL NOT NULL`` (a DEFAULT clause that fills nothing) is the same failure.

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag NOT NULL columns without default/identity/generation on existing tables
        (``DEFAULT NULL`` counts as no default)."""
        for action in stmt.actions_of("add_column"):
            if ctx.is_new_table(action.table) or action.detail == "serial":
                continue
            # ``DEFAULT NULL`` is no default at all: existing rows still get NULL.
            types = {
                c.contype
                for c in action.node.constraints or ()
                if not (c.contype == CT.CONSTR_DEFAULT and is_null_constant(c.raw_expr))
            }
            not_null = CT.CONSTR_NOTNULL in types or CT.CONSTR_PRIMARY in types
            filled = types & {CT.CONSTR_DEFAULT, CT.CONSTR_IDENTITY, CT.CONSTR_GENERATED}
            if not_null and not filled:
                # The failure is on this table alone (a foreign key's referenced table is
                # SM202's concern): a new, empty table makes the finding fresh.
                yield Hit(
                    params={"column": action.column, "table": action.table}, tables=[action.table]
                )
