"""SM602: ``RENAME TO`` / ``SET SCHEMA`` on a table the running code uses."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, short


class RenameTable(Rule):
    """Servers still running the previous release query the old table name and fail."""

    id = "SM602"
    name = "rename-table"
    severity = Severity.WARNING
    title = "Table renamed or moved to another schema"
    message = "{what} {table}: running code that uses the old name fails"
    why = (
        "Renaming a table or moving it to another schema is instant (a brief ACCESS EXCLUSIVE "
        "lock) but application servers on the previous release keep querying the old name and "
        'fail with "relation does not exist". Django\'s `RenameModel` also drops and re-adds '
        "the foreign keys that point to the table, fully validated."
    )
    fix = (
        'Keep the table name with `Meta.db_table = "{table}"` (no SQL). If the name must '
        "change, create an updatable view with the old name for the transition."
    )
    fix_example = {"table": "old_name"}
    unsafe_example = 'ALTER TABLE "shop_author" RENAME TO "shop_writer";'
    safe_example = 'CREATE VIEW "shop_writer" AS SELECT * FROM "shop_author";'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag renames and schema moves of existing tables."""
        for action in stmt.actions_of("rename_table", "set_schema"):
            if ctx.is_new_table(action.table) or _is_sequence_rename(action.table, action.detail):
                continue
            what = "RENAME TO on" if action.kind == "rename_table" else "SET SCHEMA on"
            yield Hit(params={"what": what, "table": action.table})


def _is_sequence_rename(old: str, new: str) -> bool:
    """``ALTER TABLE x_id_seq RENAME TO y_id_seq``: PostgreSQL accepts ``ALTER TABLE`` for
    sequences, and projects rename a table's sequence after the table this way. Code never names
    a sequence (defaults hold its oid), so it is not a rename that breaks running code. Told by
    PostgreSQL's ``<table>_<column>_seq`` naming, on both sides."""
    return short(old).endswith("_seq") and short(new or "").endswith("_seq")
