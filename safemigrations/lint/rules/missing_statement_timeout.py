"""SM965: long work under a write-blocking lock with no ``statement_timeout`` to bound it."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.locks import LockMode, blocks_text
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import Action, StatementFacts, short


class MissingStatementTimeout(Rule):
    """Nothing stops a scan or rewrite that runs far longer than planned while traffic waits."""

    id = "SM965"
    name = "missing-statement-timeout"
    severity = Severity.WARNING
    title = "Long statement under a blocking lock without statement_timeout"
    message = (
        "{work} of {table} holds {mode} with no statement_timeout: nothing bounds how long "
        "traffic waits ({blocks})"
    )
    why = (
        "A scan, rewrite or index build that holds a lock blocking writes (SHARE or stronger) "
        "lasts as long as the table is big. Without `statement_timeout` a table larger than "
        "expected, a slow disk or a bloated index turns a planned pause into an open-ended "
        "outage, and the only way out is cancelling the migration by hand. Reported once per "
        "input; `statement_timeout = 0` does not count. Long steps that take only SHARE UPDATE "
        "EXCLUSIVE (concurrent index builds, VALIDATE) may run without one: they block no "
        "traffic, which is why safemigrations lifts the timeout for them."
    )
    fix = (
        "Prefer the non-blocking form the other findings name (`AddIndexConcurrently`, "
        "`AddConstraintNotValid` + `ValidateConstraint`, `SetNotNull`, …). Where a blocking "
        "step is accepted, give it a budget: `SET statement_timeout = '5min';` before it in "
        '`RunSQL`, or `OPTIONS: {{"options": "-c statement_timeout=300000"}}` on the '
        "connection that runs migrations."
    )
    unsafe_example = 'CREATE INDEX "book_title_idx" ON "shop_book" ("title");'
    safe_example = (
        'SET statement_timeout = \'5min\';\nCREATE INDEX "book_title_idx" ON "shop_book" ("title");'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Report the first long statement holding a write-blocking lock on an existing table."""
        if ctx.statement_timeout_set or ctx.rule_memory.get(self.id):
            return
        for action in stmt.actions:
            work = self._work(action, ctx)
            mode = stmt.locks.get(action.table)
            if work is None or mode is None or mode < LockMode.SHARE:
                continue
            if ctx.is_new_table(action.table) or action.table in stmt.created:
                continue
            ctx.rule_memory[self.id] = True
            yield Hit(
                params={
                    "work": work,
                    "table": action.table,
                    "mode": mode.label,
                    "blocks": blocks_text(mode),
                },
                lock=mode.label,
                tables=[action.table],
            )
            return

    @staticmethod
    def _work(action: Action, ctx: LintContext) -> str | None:
        """What long work the action does on its table, or None."""
        if action.rewrites:
            return "A rewrite"
        if action.builds_index:
            return "An index build"
        if not action.scans:
            return None
        # SET NOT NULL skips its scan when a validated CHECK (col IS NOT NULL) exists.
        if action.kind == "set_not_null" and (
            (short(action.table), action.column) in ctx.not_null_checks
        ):
            return None
        return "A full scan"
