"""SM705: row-level security, policies or replica identity changed without ``lock_timeout``."""

from __future__ import annotations

from safemigrations.lint.rules._brief import BriefLockRule
from safemigrations.lint.sql import Action

_WORDS = {
    "enablerowsecurity": "ENABLE ROW LEVEL SECURITY",
    "disablerowsecurity": "DISABLE ROW LEVEL SECURITY",
    "forcerowsecurity": "FORCE ROW LEVEL SECURITY",
    "noforcerowsecurity": "NO FORCE ROW LEVEL SECURITY",
    "replicaidentity": "REPLICA IDENTITY",
    "policy": "CREATE/ALTER POLICY",
    "drop_policy": "DROP POLICY",
}


class RowSecurityOrReplicaIdentity(BriefLockRule):
    """These ALTERs are instant but take ACCESS EXCLUSIVE: reads and writes wait."""

    id = "SM705"
    name = "row-security-or-replica-identity"
    kinds = frozenset(_WORDS)
    title = "Row security, policy or replica identity changed without lock_timeout"
    message = (
        "{what} on {table} takes {mode} without a lock_timeout: while it waits, every query on "
        "{table} queues behind it ({blocks})"
    )
    why = (
        "`ALTER TABLE … ENABLE/DISABLE/FORCE ROW LEVEL SECURITY`, `REPLICA IDENTITY`, and "
        "`CREATE/ALTER/DROP POLICY` take ACCESS EXCLUSIVE on the table. They finish at once, "
        "but a request that waits behind a long query blocks every later query on the table, "
        "plain SELECTs included. Enabling row security also changes what running code sees."
    )
    fix = (
        "Bound the wait: run the migration with safemigrations' `migrate` (`lock_timeout` and "
        "retries on every statement) or start the SQL with `SET lock_timeout = '3s';`, in a "
        "short `RunSQL` migration of its own."
    )
    unsafe_example = 'ALTER TABLE "shop_book" REPLICA IDENTITY FULL;'
    safe_example = "SET lock_timeout = '3s';\nALTER TABLE \"shop_book\" REPLICA IDENTITY FULL;"

    def describe(self, action: Action) -> str:
        """The SQL words of the change."""
        return _WORDS.get(action.kind, action.kind)
