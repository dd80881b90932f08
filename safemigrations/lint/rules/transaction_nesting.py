"""SM963: ``BEGIN`` inside a transaction, or a transaction left open at the end."""

from __future__ import annotations

from collections.abc import Iterable

from pglast import ast, enums

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts

_TX = enums.TransactionStmtKind


class TransactionNesting(Rule):
    """Transaction control mistakes make statements commit (or not) when you do not expect it."""

    id = "SM963"
    name = "transaction-nesting"
    severity = Severity.WARNING
    title = "Misplaced BEGIN / COMMIT"
    message = "{problem}"
    why = (
        "PostgreSQL has no nested transactions: a second BEGIN only warns, and the first COMMIT "
        "ends everything. A transaction left open holds its locks until the connection closes. "
        "In Django, `RunSQL` already runs inside the migration's transaction when it is atomic, "
        "so BEGIN/COMMIT in its SQL end that transaction early."
    )
    fix = (
        "Remove BEGIN/COMMIT from migration SQL: let `Migration.atomic` decide (or "
        "`atomic = False` to run statements on their own)."
    )
    unsafe_example = 'BEGIN;\nBEGIN;\nALTER TABLE "shop_book" DROP COLUMN "notes";\nCOMMIT;'
    safe_example = 'BEGIN;\nALTER TABLE "shop_book" DROP COLUMN "notes";\nCOMMIT;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag BEGIN inside an open transaction and COMMIT outside one."""
        node = stmt.node
        if not isinstance(node, ast.TransactionStmt):
            return
        if (
            node.kind in (_TX.TRANS_STMT_BEGIN, _TX.TRANS_STMT_START)
            and ctx.in_explicit_transaction
        ):
            line = ctx.open_transaction.line if ctx.open_transaction else "?"
            yield Hit(
                params={
                    "problem": f"BEGIN inside the transaction opened at line {line}: it is ignored"
                },
                tables=[],
                lock="",
            )
        elif (
            node.kind == _TX.TRANS_STMT_COMMIT
            and not ctx.in_explicit_transaction
            and stmt.statement.file
        ):
            yield Hit(params={"problem": "COMMIT without an open transaction"}, tables=[], lock="")

    def finish(self, ctx: LintContext) -> Iterable[Hit]:
        """Flag a transaction still open at the end of the input."""
        if ctx.in_explicit_transaction and ctx.open_transaction is not None:
            yield Hit(
                params={
                    "problem": f"the transaction opened at line {ctx.open_transaction.line} is "
                    "never committed: its locks stay held until the session ends"
                },
                statement=ctx.open_transaction,
                tables=[],
                lock="",
            )
