"""SM907: ``RunSQL`` / ``RunPython`` without a reverse."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import migrations

from safemigrations.lint.model import Severity
from safemigrations.lint.rules._django import anchor
from safemigrations.lint.rules.base import Hit, MigrationContext, Rule


class RunWithoutReverse(Rule):
    """A data or raw-SQL operation that cannot be migrated backwards."""

    id = "SM907"
    name = "run-without-reverse"
    severity = Severity.WARNING
    migration_level = True
    title = "RunSQL / RunPython without a reverse"
    message = "{operation} has no {argument}: this migration cannot be rolled back"
    why = (
        "Rolling a bad deploy back means `migrate app <previous>`; Django refuses to unapply a "
        "migration holding an irreversible operation (`IrreversibleError`), so the rollback "
        "stops here while the code is already reverted."
    )
    fix = (
        "Give the reverse, or say explicitly that there is nothing to undo: "
        "`RunSQL(sql, reverse_sql=migrations.RunSQL.noop)`, "
        "`RunPython(forwards, reverse_code=migrations.RunPython.noop)`."
    )
    unsafe_example = "migrations.RunSQL('UPDATE book SET pages = 0 WHERE pages IS NULL')"
    safe_example = (
        "migrations.RunSQL('UPDATE book SET pages = 0 WHERE pages IS NULL', "
        "reverse_sql=migrations.RunSQL.noop)"
    )

    def check_migration(self, ctx: MigrationContext) -> Iterable[Hit]:
        """A hit per top-level RunSQL / RunPython without a reverse."""
        for index, operation in enumerate(ctx.operations):
            if isinstance(operation, migrations.RunSQL) and operation.reverse_sql is None:
                argument = "reverse_sql"
            elif isinstance(operation, migrations.RunPython) and operation.reverse_code is None:
                argument = "reverse_code"
            else:
                continue
            yield Hit(
                params={"operation": type(operation).__name__, "argument": argument},
                statement=anchor(ctx, index),
            )
