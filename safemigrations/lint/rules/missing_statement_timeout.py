"""SM965: long work under a write-blocking lock with no ``statement_timeout`` to bound it.

The rule adds something only where no other finding already reports the same statement's long
work: an index built without ``CONCURRENTLY`` (SM101), a validated constraint (SM201, SM204,
SM206, …), a rewrite (SM401, SM702, …) or a scanning ``SET NOT NULL`` (SM501) each name the lock,
the table and the non-blocking form, which also removes the need for a timeout. Repeating them
as SM965 was noise (on a real project's history about one finding in seven). So the rule
:attr:`folds into <MissingStatementTimeout.folds_into>` them (:mod:`safemigrations.lint.fold`,
after suppressions): an SM965 on a statement that another reported finding of
:data:`PRIMARY_RULES` covers is dropped, and the first SM965 left in each migration (or SQL
file) is kept. A suppressed primary finding (the blocking step is accepted) therefore brings
SM965 back: that is when the step needs a time budget.
"""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.locks import LockMode, blocks_text
from safemigrations.lint.model import Severity
from safemigrations.lint.rules._long_work import LONG_WORK_RULES
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import Action, StatementFacts, short

#: Rules whose finding already reports a statement's long work under a blocking lock, with the
#: non-blocking form (or, SM302, a statement that fails on any row): an SM965 on the same
#: statement and table adds nothing.
PRIMARY_RULES = LONG_WORK_RULES | {"SM302"}


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
        "migration or SQL file, and not where another finding already reports the same "
        "statement's scan, rewrite or index build; `statement_timeout = 0` does not count. Long steps that take only SHARE UPDATE "
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
    folds_into = PRIMARY_RULES
    once_per_migration = True

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Report a long statement holding a write-blocking lock on an existing table (one per
        migration is kept: see :mod:`safemigrations.lint.fold`)."""
        if ctx.statement_timeout_set:
            return
        for action in stmt.actions:
            work = self._work(action, ctx)
            mode = stmt.locks.get(action.table)
            if work is None or mode is None or mode < LockMode.SHARE:
                continue
            if ctx.is_new_table(action.table) or action.table in stmt.created:
                continue
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
