"""SM704: trigger DDL (create, enable/disable, drop, rename) without ``lock_timeout``."""

from __future__ import annotations

from safemigrations.lint.rules._brief import BriefLockRule
from safemigrations.lint.sql import Action


class TriggerChange(BriefLockRule):
    """Trigger DDL blocks writes (create, enable, disable) or everything (drop, rename)."""

    id = "SM704"
    name = "trigger-change"
    kinds = frozenset({"create_trigger", "trigger", "drop_trigger", "rename_trigger"})
    title = "Trigger changed without lock_timeout"
    message = (
        "{what} on {table} takes {mode} without a lock_timeout: while it waits, every query "
        "that conflicts queues behind it ({blocks})"
    )
    why = (
        "`CREATE TRIGGER` and `ALTER TABLE … ENABLE/DISABLE TRIGGER` take SHARE ROW EXCLUSIVE "
        "(INSERT, UPDATE and DELETE wait); `DROP TRIGGER` and `ALTER TRIGGER … RENAME` take "
        "ACCESS EXCLUSIVE (reads wait too). The change itself is instant, but a request that "
        "waits behind a long query makes every later conflicting query wait as well. "
        "`DISABLE TRIGGER ALL` also switches off foreign-key enforcement for the table."
    )
    fix = (
        "Bound the wait: run the migration with safemigrations' `migrate` (`lock_timeout` and "
        "retries on every statement) or start the SQL with `SET lock_timeout = '3s';`, and keep "
        "the trigger change in a short transaction of its own (`RunSQL` in its own migration)."
    )
    unsafe_example = 'ALTER TABLE "shop_book" DISABLE TRIGGER USER;'
    safe_example = "SET lock_timeout = '3s';\nALTER TABLE \"shop_book\" DISABLE TRIGGER USER;"

    def describe(self, action: Action) -> str:
        """The statement kind in words."""
        return {
            "create_trigger": "CREATE TRIGGER",
            "trigger": "ENABLE/DISABLE TRIGGER",
            "drop_trigger": "DROP TRIGGER",
            "rename_trigger": "ALTER TRIGGER … RENAME",
        }.get(action.kind, action.kind)
