"""SM212: ``DROP CONSTRAINT`` without ``lock_timeout`` (for a foreign key: on two tables)."""

from __future__ import annotations

from safemigrations.lint.rules._brief import BriefLockRule
from safemigrations.lint.rules.base import LintContext
from safemigrations.lint.sql import Action


class DropConstraint(BriefLockRule):
    """Dropping a constraint is instant, but waits for ACCESS EXCLUSIVE; a foreign key's drop
    also waits for it on the referenced table."""

    id = "SM212"
    name = "drop-constraint"
    kinds = frozenset({"drop_constraint"})
    title = "Constraint dropped without lock_timeout"
    message = (
        "{what} takes {mode} on {tables} without a lock_timeout: while it waits, every query on "
        "them queues behind it ({blocks})"
    )
    why = (
        "`ALTER TABLE … DROP CONSTRAINT` takes ACCESS EXCLUSIVE on the table. Dropping a foreign "
        "key also removes its triggers from the referenced table, so it takes ACCESS EXCLUSIVE "
        "there too: a long query on either table makes the drop wait, and all reads and writes "
        "of both tables queue behind the waiting drop. Django drops foreign keys for "
        "`RemoveField`, `AlterField(db_constraint=False)`, type changes of the referenced key "
        "and `RenameModel`. (The referenced table is known for foreign keys created earlier in "
        "the input or, on the Django side, from the catalog.)"
    )
    fix = (
        "Bound the wait and retry: run the migration with safemigrations' `migrate` (every "
        'statement gets `lock_timeout` and retries, `SAFEMIGRATIONS["LOCK_TIMEOUT"]`), or '
        "start raw SQL with `SET lock_timeout = '3s';`. Drop a foreign key in a migration of its "
        "own, so the lock on the referenced table is not held while other statements run."
    )
    unsafe_example = (
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "shop_author" ("id") NOT VALID;\n'
        'ALTER TABLE "shop_book" DROP CONSTRAINT "book_author_fk";'
    )
    safe_example = (
        "SET lock_timeout = '3s';\n"
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "shop_author" ("id") NOT VALID;\n'
        'ALTER TABLE "shop_book" DROP CONSTRAINT "book_author_fk";'
    )

    def describe(self, action: Action) -> str:
        """``DROP CONSTRAINT name`` (``of a foreign key to T`` when the target is known)."""
        text = f"DROP CONSTRAINT {action.detail}"
        if action.referenced:
            text += f" (a foreign key to {action.referenced})"
        return text

    def wanted(self, action: Action, ctx: LintContext) -> bool:
        """Every constraint drop on an existing table."""
        return True
