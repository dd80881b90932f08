"""SM967: ``SET LOCAL`` outside a transaction block, where it has no effect (a note)."""

from __future__ import annotations

from collections.abc import Iterable

from pglast import ast

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, func_name

_TIMEOUTS = ("lock_timeout", "statement_timeout")


class SetLocalOutsideTransaction(Rule):
    """``SET LOCAL`` lasts until the end of the current transaction; alone, that is at once."""

    id = "SM967"
    name = "set-local-outside-transaction"
    severity = Severity.INFO
    title = "SET LOCAL outside a transaction block does nothing"
    message = "{what} runs outside a transaction block, so it has no effect{after}"
    why = (
        "`SET LOCAL` (and `set_config(…, true)`) changes a setting until the end of the current "
        "transaction. Outside `BEGIN … COMMIT` (a SQL file without `BEGIN`, a non-atomic "
        "migration) each statement is its own transaction, so the setting is gone before the "
        "next statement runs (PostgreSQL only warns: SET LOCAL can only be used in transaction "
        "blocks): a `SET LOCAL lock_timeout` there protects nothing. Findings about "
        "a missing `lock_timeout` on the statements after it have this as their cause."
    )
    fix = (
        "Use plain `SET` (it lasts for the session) outside a transaction, or put the `SET "
        "LOCAL` and the statements it should cover inside `BEGIN … COMMIT`.\n\n"
        "```sql\n"
        "SET lock_timeout = '3s';\n"
        "```"
    )
    unsafe_example = (
        'SET LOCAL lock_timeout = \'3s\';\nALTER TABLE "shop_book" ADD COLUMN "notes" text NULL;'
    )
    safe_example = (
        "BEGIN;\n"
        "SET LOCAL lock_timeout = '3s';\n"
        'ALTER TABLE "shop_book" ADD COLUMN "notes" text NULL;\n'
        "COMMIT;"
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Note ``SET LOCAL`` / ``set_config(name, value, true)`` run outside a transaction."""
        if stmt.in_transaction or stmt.node is None:
            return
        setting = _local_setting(stmt.node)
        if setting is None:
            return
        what, name = setting
        after = ""
        if name in _TIMEOUTS:
            after = f": the statements after it run without this {name}"
        yield Hit(params={"what": what, "after": after}, tables=[], lock="")


def _local_setting(node: object) -> tuple[str, str] | None:
    """(how the statement is written, setting name) for a transaction-local setting change."""
    if isinstance(node, ast.VariableSetStmt) and node.is_local and node.name:
        name = node.name.lower()
        return f"SET LOCAL {name}", name
    if isinstance(node, ast.SelectStmt):
        for target in node.targetList or ():
            call = getattr(target, "val", None)
            if not isinstance(call, ast.FuncCall) or func_name(call) != "set_config":
                continue
            args = list(call.args or ())
            if len(args) < 3:
                continue
            is_local = getattr(getattr(args[2], "val", None), "boolval", False)
            name = getattr(getattr(args[0], "val", None), "sval", "") or ""
            if is_local and name:
                return f"set_config('{name}', …, true)", name.lower()
    return None
