"""SM901: the migration raises when ``migrate`` runs it (found by replaying it)."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules._django import anchor
from safemigrations.lint.rules.base import Hit, MigrationContext, Rule


class MigrationFails(Rule):
    """The replay on a scratch database raised: ``migrate`` will fail the same way."""

    id = "SM901"
    name = "migration-fails"
    severity = Severity.ERROR
    migration_level = True
    title = "Migration fails when applied"
    message = "{app}.{migration} fails when migrate runs it: {error_type}: {error}"
    why = (
        "The migration was applied to a scratch database at the state before it, exactly as "
        "`migrate` applies it, and raised. `sqlmigrate` cannot show this: it never runs the SQL "
        "(and raises on some of these cases itself)."
    )
    fix = (
        "Read the error. A concurrent operation (`AddIndexConcurrently`, safemigrations' "
        "non-atomic operations) needs its own migration with `atomic = False`; the linter kept "
        "going by applying the migration without a transaction, so the other findings show "
        "what that version would run."
    )
    unsafe_example = (
        "class Migration(migrations.Migration):\n"
        "    operations = [AddIndexConcurrently('book', models.Index(fields=['title'], "
        "name='book_title_idx'))]"
    )
    safe_example = (
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        "    operations = [AddIndexConcurrently('book', models.Index(fields=['title'], "
        "name='book_title_idx'))]"
    )

    def check_migration(self, ctx: MigrationContext) -> Iterable[Hit]:
        """One hit when the replay recorded a failure of the migration itself (what the linter
        could not analyse is SM910's)."""
        collected = ctx.collected
        if collected is None:
            return
        failure = collected.failure
        if failure is not None:
            yield Hit(
                params={
                    "app": ctx.app,
                    "migration": ctx.name,
                    "error_type": failure.error_type,
                    "error": failure.error,
                },
                statement=anchor(ctx, failure.operation_index),
            )
