"""SM502: ``UPDATE``/``DELETE`` of an existing table in one statement (a back-fill)."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class UnbatchedDataChange(Rule):
    """One statement locks every row it touches until its transaction ends."""

    id = "SM502"
    name = "unbatched-data-change"
    severity = Severity.WARNING
    title = "Data back-fill in a single statement"
    message = (
        "{what} on {table} in one statement{where}: every touched row stays locked until it commits"
    )
    why = (
        "An `UPDATE`/`DELETE` over many rows holds a row lock on each until the transaction "
        "ends, so application writes to those rows wait; it also bloats the table and, inside a "
        "migration transaction, keeps every lock taken before it. Django emits one for "
        "`AlterField(null=False, default=...)` (`UPDATE ... WHERE col IS NULL`)."
    )
    fix = (
        "Back-fill in batches of a few thousand rows, each in its own transaction (a "
        "`RunPython` in a non-atomic migration), then add constraints with `SetNotNull` / "
        "`AddConstraintNotValid` + `ValidateConstraint`."
    )
    unsafe_example = 'UPDATE "shop_book" SET "isbn" = \'\' WHERE "isbn" IS NULL;'
    safe_example = 'UPDATE "shop_book" SET "isbn" = \'\' WHERE "id" = 42;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag UPDATE/DELETE on existing tables unless the WHERE pins a single key."""
        for action in stmt.actions_of("update", "delete"):
            if ctx.is_new_table(action.table) or _single_row(action.node):
                continue
            where = "" if action.node.whereClause is not None else " without WHERE"
            yield Hit(
                params={"what": action.kind.upper(), "table": action.table, "where": where},
                tables=[action.table],
                lock="ROW EXCLUSIVE",
            )


def _single_row(node: object) -> bool:
    """``WHERE id = <constant>``: a point update, not a back-fill."""
    from pglast import ast

    where = getattr(node, "whereClause", None)
    if not isinstance(where, ast.A_Expr) or getattr((where.name or ("",))[0], "sval", "") != "=":
        return False
    sides = (where.lexpr, where.rexpr)
    has_key = any(
        isinstance(s, ast.ColumnRef)
        and getattr((s.fields or ("",))[-1], "sval", "") in ("id", "pk")
        for s in sides
    )
    return has_key and any(isinstance(s, ast.A_Const | ast.ParamRef) for s in sides)
