"""SM707: identity, storage, compression or sequence changes without ``lock_timeout``."""

from __future__ import annotations

from safemigrations.lint.rules._brief import BriefLockRule
from safemigrations.lint.sql import Action

_WORDS = {
    "addidentity": "ADD GENERATED … AS IDENTITY",
    "setidentity": "SET GENERATED / RESTART (identity)",
    "dropidentity": "DROP IDENTITY",
    "setstorage": "SET STORAGE",
    "setcompression": "SET COMPRESSION",
    "alter_sequence": "ALTER SEQUENCE",
}


class IdentityStorageOrSequence(BriefLockRule):
    """Metadata-only column changes that still take ACCESS EXCLUSIVE (or block nextval)."""

    id = "SM707"
    name = "identity-storage-or-sequence-change"
    kinds = frozenset(_WORDS)
    title = "Identity, storage or sequence changed without lock_timeout"
    message = (
        "{what} on {table} takes {mode} without a lock_timeout: while it waits, every query "
        "that conflicts queues behind it ({blocks})"
    )
    why = (
        "`ALTER COLUMN … ADD/SET/DROP IDENTITY`, `RESTART`, `SET STORAGE` and `SET COMPRESSION` "
        "do not rewrite the table but take ACCESS EXCLUSIVE on it. `ALTER SEQUENCE` takes SHARE "
        "ROW EXCLUSIVE on the sequence, which `nextval()` (every INSERT using the sequence) "
        "waits for; `RESTART` also gives the sequence a new file. Instant when granted, but a "
        "request waiting behind a long query stalls everything queued after it. Django emits "
        "identity changes when an `AutoField` becomes an `IntegerField` or back."
    )
    fix = (
        "Bound the wait: run the migration with safemigrations' `migrate` (`lock_timeout` and "
        "retries on every statement) or start the SQL with `SET lock_timeout = '3s';`; keep the "
        "change in a short migration of its own."
    )
    unsafe_example = 'ALTER TABLE "shop_book" ALTER COLUMN "notes" SET STORAGE EXTERNAL;'
    safe_example = (
        "SET lock_timeout = '3s';\n"
        'ALTER TABLE "shop_book" ALTER COLUMN "notes" SET STORAGE EXTERNAL;'
    )

    def describe(self, action: Action) -> str:
        """The SQL words of the change."""
        return _WORDS.get(action.kind, action.kind)
