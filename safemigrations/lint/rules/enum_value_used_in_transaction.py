"""SM851: an enum value used in the transaction that added it."""

from __future__ import annotations

from collections.abc import Iterable

from pglast import ast

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, walk


class EnumValueUsedInTransaction(Rule):
    """PostgreSQL refuses to use a new enum value before the transaction that added it commits."""

    id = "SM851"
    name = "enum-value-used-in-transaction"
    severity = Severity.ERROR
    title = "New enum value used before COMMIT"
    message = "enum value '{value}' was added in this transaction: using it fails (unsafe use of new value)"
    why = (
        "`ALTER TYPE ... ADD VALUE` may run in a transaction block (PostgreSQL 12+), but the new "
        "value cannot be used until that transaction commits: the statement fails with "
        '"unsafe use of new value" and the migration rolls back.'
    )
    fix = (
        "Add the value in its own migration (or mark the migration `atomic = False`) and use it "
        "in a later one."
    )
    unsafe_example = (
        "BEGIN;\n"
        "ALTER TYPE mood ADD VALUE 'meh';\n"
        'UPDATE "shop_review" SET "mood" = \'meh\' WHERE "id" = 1;\n'
        "COMMIT;"
    )
    safe_example = 'ALTER TYPE mood ADD VALUE \'meh\';\nUPDATE "shop_review" SET "mood" = \'meh\' WHERE "id" = 1;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag string constants equal to a value added earlier in the open transaction."""
        if not stmt.in_transaction or not ctx.enum_values_in_transaction or stmt.node is None:
            return
        for node in walk(stmt.node):
            if (
                isinstance(node, ast.A_Const)
                and isinstance(node.val, ast.String)
                and node.val.sval in ctx.enum_values_in_transaction
            ):
                yield Hit(params={"value": node.val.sval})
                return
