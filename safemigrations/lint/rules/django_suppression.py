"""SM908 / SM909: suppressions that give no reason, or that match nothing.

Both are reported by :mod:`safemigrations.lint.suppress` while it applies the suppressions of a
migration; the classes carry their text, id and configurable severity.
"""

from __future__ import annotations

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Rule


class SuppressionWithoutReason(Rule):
    """``# safemigrations: ignore[SM101]`` with nothing after it."""

    id = "SM908"
    name = "suppression-without-reason"
    severity = Severity.ERROR
    migration_level = True
    title = "Suppression without a reason"
    message = "suppression of {rules} gives no reason: it is not applied"
    why = (
        "A suppression tells the next reviewer that someone checked the risk (the table is "
        "small, the code no longer reads the column …). Without the reason nobody can tell a "
        "checked exception from a silenced warning."
    )
    fix = (
        "Write why after the rule id: `# safemigrations: ignore[SM101] table has 200 rows`, "
        'or `safemigrations_ignore = {{"SM101": "table has 200 rows"}}` on the Migration.'
    )
    unsafe_example = "migrations.AddIndex(...),  # safemigrations: ignore[SM101]"
    safe_example = (
        "migrations.AddIndex(...),  # safemigrations: ignore[SM101] lookup table, 40 rows"
    )


class UnusedSuppression(Rule):
    """A suppression whose rule does not fire where it is written."""

    id = "SM909"
    name = "unused-suppression"
    severity = Severity.WARNING
    migration_level = True
    title = "Suppression that matches nothing"
    message = "suppression of {rules} matches no finding: remove it"
    why = (
        "A suppression left behind after the operation changed would silently hide the next, "
        "different problem of the same rule."
    )
    fix = "Delete the comment (or the `safemigrations_ignore` entry)."
    unsafe_example = "migrations.AddField(...),  # safemigrations: ignore[SM101] was an index once"
    safe_example = "migrations.AddField(...),"
