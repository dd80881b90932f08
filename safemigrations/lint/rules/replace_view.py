"""SM706: ``CREATE OR REPLACE VIEW`` of an existing view without ``lock_timeout``."""

from __future__ import annotations

from safemigrations.lint.rules._brief import BriefLockRule
from safemigrations.lint.sql import Action


class ReplaceView(BriefLockRule):
    """Replacing a view takes ACCESS EXCLUSIVE on it: every query using the view waits."""

    id = "SM706"
    name = "replace-view"
    kinds = frozenset({"replace_view"})
    title = "View replaced without lock_timeout"
    message = (
        "CREATE OR REPLACE VIEW {table} takes {mode} on the view without a lock_timeout: while "
        "it waits, every query using the view queues behind it"
    )
    why = (
        "`CREATE OR REPLACE VIEW` on an existing view takes ACCESS EXCLUSIVE on the view (and "
        "ACCESS SHARE on the tables it reads). Queries that read the view hold ACCESS SHARE on "
        "it, so the replacement waits for the longest running one, and every query on the view "
        "queues behind the waiting request. (`DROP VIEW` is reported by `drop-table`.)"
    )
    fix = (
        "Bound the wait: run the migration with safemigrations' `migrate` (`lock_timeout` and "
        "retries on every statement) or start the SQL with `SET lock_timeout = '3s';`."
    )
    unsafe_example = (
        'CREATE OR REPLACE VIEW "shop_cheap_books" AS SELECT "id", "title" FROM "shop_book";'
    )
    safe_example = (
        "SET lock_timeout = '3s';\n"
        'CREATE OR REPLACE VIEW "shop_cheap_books" AS SELECT "id", "title" FROM "shop_book";'
    )

    def describe(self, action: Action) -> str:
        """``CREATE OR REPLACE VIEW``."""
        return "CREATE OR REPLACE VIEW"
