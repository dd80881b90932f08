"""Shared check of the rules about brief but traffic-blocking locks (not a rule module).

These statements do no work proportional to the table size, yet take a lock that blocks reads
or writes. Held for a moment they are harmless; *waiting* for it behind a long query is not,
since every later query on the table queues behind the waiting request. Each rule names its
statement kinds; a finding is made per statement while no ``lock_timeout`` is in effect (with
one, a blocked request gives up instead of stalling traffic). Tables created earlier in the same
input are not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from safemigrations.lint.locks import LockMode, blocks_text
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import Action, StatementFacts


class BriefLockRule(Rule):
    """A rule reporting the statement kinds in :attr:`kinds` taken without ``lock_timeout``."""

    severity = Severity.WARNING
    kinds: ClassVar[frozenset[str]] = frozenset()

    def describe(self, action: Action) -> str:
        """How the message names the statement (default: its kind)."""
        return action.kind.replace("_", " ")

    def wanted(self, action: Action, ctx: LintContext) -> bool:
        """Whether this action is one the rule reports (default: every action of its kinds)."""
        return True

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """One hit per matching action on an existing table, when no lock_timeout is set."""
        if ctx.lock_timeout_set:
            return
        for action in stmt.actions:
            if action.kind not in self.kinds or not action.table:
                continue
            if ctx.is_new_table(action.table) or action.table in stmt.created:
                continue
            if not self.wanted(action, ctx):
                continue
            tables = sorted(
                t
                for t, mode in stmt.locks.items()
                if mode >= LockMode.SHARE and not ctx.is_new_table(t)
            ) or [action.table]
            mode = max(stmt.locks.get(t, action.lock) for t in tables)
            yield Hit(
                params={
                    "what": self.describe(action),
                    "table": action.table,
                    "tables": ", ".join(tables),
                    "mode": mode.label,
                    "blocks": blocks_text(mode),
                },
                tables=tables,
                lock=mode.label,
            )
