"""SM910: the linter could not analyse the migration (or part of it); never a silent skip."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules._django import anchor
from safemigrations.lint.rules.base import Hit, MigrationContext, Rule


class MigrationNotAnalysed(Rule):
    """What the linter could not check is reported and counted, never skipped silently.

    The message says why: the linter itself failed while capturing the migration's SQL (then
    it says so, and that the migration applies without the linter: a bug to report, not a
    problem of the migration), a catalog read the linter makes before a statement failed (the
    statement was linted without it), or the scratch database could not be brought to the
    state before the migration. It is an error: the run did not check what it was asked to.
    """

    id = "SM910"
    name = "migration-not-analysed"
    severity = Severity.ERROR
    migration_level = True
    title = "Migration not analysed"
    message = "{app}.{migration} was not analysed: {why}"
    why = (
        "A linter that skips what it cannot check makes a run look clean when it is not. The "
        "migration's SQL (or the catalog facts some rules need) could not be collected, so no "
        "rule could judge it."
    )
    fix = (
        "Read the reason. When it is the linter's failure, report it (the message says what to "
        "include) and review the migration by hand meanwhile, or run with `--build replay`; "
        "when the scratch database could not be built, check the migrations before it."
    )
    unsafe_example = "(any migration the linter could not replay)"
    safe_example = "(the same migration, once the linter can replay it)"

    def check_migration(self, ctx: MigrationContext) -> Iterable[Hit]:
        """One hit for a migration not analysed, one per failed catalog read otherwise."""
        collected = ctx.collected
        if collected is None:
            return
        if collected.not_analysed:
            yield Hit(
                params={"app": ctx.app, "migration": ctx.name, "why": collected.not_analysed},
                statement=anchor(ctx, None),
            )
            return
        for error in collected.linter_errors:
            yield Hit(
                message=(
                    f"{ctx.app}.{ctx.name} was only partly analysed: {error}; the rules that "
                    "judge statements against the catalog (type changes, dropped indexes and "
                    "foreign keys) could not run. This is a bug in safemigrations' linter, not "
                    "in the migration: please report it with the migration file and this message"
                ),
                statement=anchor(ctx, None),
            )
