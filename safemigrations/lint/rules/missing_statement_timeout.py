"""SM965: long work under a write-blocking lock with no ``statement_timeout`` to bound it."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.locks import LockMode, blocks_text
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


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
        '`RunSQL`, or `OPTIONS: {"options": "-c statement_timeout=300000"}` on the '
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
        for table in sorted(stmt.rewrites | stmt.scans | stmt.index_builds):
            mode = stmt.locks.get(table)
            if mode is None or mode < LockMode.SHARE or ctx.is_new_table(table):
                continue
            if table in stmt.created:
                continue
            work = (
                "a rewrite"
                if table in stmt.rewrites
                else "an index build"
                if table in stmt.index_builds
                else "a full scan"
            )
            ctx.rule_memory[self.id] = True
            yield Hit(
                params={
                    "work": work.capitalize(),
                    "table": table,
                    "mode": mode.label,
                    "blocks": blocks_text(mode),
                },
                lock=mode.label,
                tables=[table],
            )
            return
