"""SM962: a lock that blocks traffic requested without ``lock_timeout``."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.locks import LockMode, blocks_text
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class MissingLockTimeout(Rule):
    """A lock request that waits makes every later query on the table wait behind it."""

    id = "SM962"
    name = "missing-lock-timeout"
    severity = Severity.WARNING
    title = "Lock taken without lock_timeout"
    message = (
        "{mode} on {table} is requested without a lock_timeout: if it waits, every query on "
        "{table} queues behind it ({blocks})"
    )
    why = (
        "PostgreSQL grants locks in order. When a migration's lock request has to wait for a "
        "long-running query, every later query that conflicts with it waits too, even plain "
        "SELECTs behind an ACCESS EXCLUSIVE request: a quick ALTER turns into an outage. "
        "`SET lock_timeout` makes the migration give up (and retry) instead. Reported once per "
        "input; `SET lock_timeout = 0` does not count."
    )
    fix = (
        "Run the migration through safemigrations operations (they set `lock_timeout` and retry "
        "with backoff, see `LOCK_TIMEOUT` / `LOCK_RETRIES`), or start raw SQL with "
        "`SET lock_timeout = '3s';`."
    )
    unsafe_example = 'ALTER TABLE "shop_book" ADD COLUMN "notes" text NULL;'
    safe_example = (
        'SET lock_timeout = \'3s\';\nALTER TABLE "shop_book" ADD COLUMN "notes" text NULL;'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Report the first traffic-blocking lock on an existing table taken without a timeout."""
        if ctx.lock_timeout_set or ctx.lock_timeout_reported or not stmt.is_ddl:
            return
        worst: tuple[str, LockMode] | None = None
        for table, mode in stmt.locks.items():
            if mode < LockMode.SHARE or ctx.is_new_table(table) or table in stmt.created:
                continue
            if worst is None or mode > worst[1]:
                worst = (table, mode)
        if worst is None:
            return
        ctx.lock_timeout_reported = True
        table, mode = worst
        yield Hit(
            params={"mode": mode.label, "table": table, "blocks": blocks_text(mode)},
            lock=mode.label,
            tables=[table],
        )
