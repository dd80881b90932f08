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
        """Flag UPDATE/DELETE on existing tables unless the WHERE pins a few key values."""
        for action in stmt.actions_of("update", "delete"):
            if ctx.is_new_table(action.table) or _single_row(action.node):
                continue
            where = "" if action.node.whereClause is not None else " without WHERE"
            yield Hit(
                params={"what": action.kind.upper(), "table": action.table, "where": where},
                tables=[action.table],
                lock="ROW EXCLUSIVE",
            )


#: Most key values a ``WHERE key IN (…)`` may list and still count as a few rows.
MAX_LISTED_KEYS = 100


def _is_key(node: object) -> bool:
    """A column reference to a key: ``id``/``pk`` or a Django foreign key column (``…_id``)."""
    from pglast import ast

    if not isinstance(node, ast.ColumnRef):
        return False
    name = getattr((node.fields or ("",))[-1], "sval", "") or ""
    return name in ("id", "pk") or name.endswith("_id")


def _single_row(node: object) -> bool:
    """``WHERE key = <constant>`` or ``WHERE key IN (<a few constants>)``: the rows of a few
    keys (Django's delete collector writes ``"id" IN (2)`` and ``"page_id" IN (2)`` for
    ``obj.delete()`` in a ``RunPython``), not a back-fill."""
    from pglast import ast, enums

    where = getattr(node, "whereClause", None)
    if not isinstance(where, ast.A_Expr):
        return False
    operator = getattr((where.name or ("",))[0], "sval", "")
    constant = ast.A_Const | ast.ParamRef
    if where.kind == enums.A_Expr_Kind.AEXPR_IN and operator == "=":
        values = where.rexpr if isinstance(where.rexpr, tuple | list) else ()
        return (
            _is_key(where.lexpr)
            and 0 < len(values) <= MAX_LISTED_KEYS
            and all(isinstance(v, constant) for v in values)
        )
    if operator != "=":
        return False
    sides = (where.lexpr, where.rexpr)
    return any(_is_key(s) for s in sides) and any(isinstance(s, constant) for s in sides)
