"""SM103: a concurrent index statement whose re-run after a failure is not clean (a note)."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint import fixtext
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, short


class ConcurrentIndexNotIdempotent(Rule):
    """A failed concurrent build leaves an INVALID index behind; re-running needs care.

    Re-runnability is advice, not a hazard to traffic: the statement itself takes only SHARE
    UPDATE EXCLUSIVE. The rule is therefore a note (``info``), which never fails a run unless
    ``--fail-on info`` asks for it.
    """

    id = "SM103"
    name = "concurrent-index-not-idempotent"
    severity = Severity.INFO
    title = "Concurrent index statement whose re-run after a failure is not clean"
    message = "{what}: {outcome}"
    why = (
        "Concurrent index statements run outside a transaction. When one fails (lock or "
        "statement timeout, deadlock, duplicate key) `CREATE INDEX CONCURRENTLY` leaves an "
        "INVALID index that is still updated on every write but never used. Without "
        '`IF NOT EXISTS` the re-run fails with "already exists"; with `IF NOT EXISTS` the re-run '
        "succeeds but silently keeps the INVALID index. Only a build preceded by "
        "`DROP INDEX CONCURRENTLY IF EXISTS` of the same name (or an operation that checks "
        "`pg_index.indisvalid`) re-runs cleanly. This is advice about re-running, not a hazard "
        "to traffic, hence a note."
    )
    fix = (
        "Use `AddIndexConcurrently` / `DropIndexConcurrently`: they check `pg_index.indisvalid`, "
        "drop an INVALID leftover and build again, so an interrupted migration can be re-run. In "
        "raw SQL, put `DROP INDEX CONCURRENTLY IF EXISTS` of the same name before the build.\n\n"
        "```python\n"
        'AddIndexConcurrently(model_name="{model}", index=models.Index(fields=["{field}"], name="{index}"))\n'
        "```"
    )
    unsafe_example = 'CREATE INDEX CONCURRENTLY "book_title_idx" ON "shop_book" ("title");'
    safe_example = (
        'DROP INDEX CONCURRENTLY IF EXISTS "book_title_idx";\n'
        'CREATE INDEX CONCURRENTLY "book_title_idx" ON "shop_book" ("title");'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Note CREATE INDEX CONCURRENTLY not preceded by a DROP of the same name, and DROP
        INDEX CONCURRENTLY without IF EXISTS."""
        if not stmt.concurrently or stmt.node is None:
            return
        dropped: set[tuple[object, ...]] = ctx.rule_state(self.id, set)
        here = stmt.statement
        origin = (here.file, here.app, here.migration)
        if stmt.kind == "DropStmt":
            if stmt.node.missing_ok:
                dropped.update((*origin, short(name)) for name in stmt.dropped)
            else:
                yield Hit(
                    params={
                        "what": "DROP INDEX CONCURRENTLY without IF EXISTS",
                        "outcome": 'if it is interrupted, running it again fails with "does '
                        'not exist"',
                    }
                )
            return
        if stmt.kind != "IndexStmt":
            return
        name = stmt.node.idxname or ""
        if name and (*origin, short(name)) in dropped:
            return  # DROP ... IF EXISTS first: a leftover INVALID index is removed on re-run
        if not stmt.node.if_not_exists:
            outcome = (
                "if it is interrupted, an INVALID index stays behind and running it again "
                'fails with "already exists"'
            )
            what = "CREATE INDEX CONCURRENTLY without IF NOT EXISTS"
        else:
            outcome = (
                "if it is interrupted, running it again succeeds but keeps the INVALID index "
                "left behind"
            )
            what = "CREATE INDEX CONCURRENTLY IF NOT EXISTS"
        names = {"table": stmt.tables[0]} if stmt.tables else {}
        yield Hit(
            params={"what": what, "outcome": outcome, **names, **fixtext.index_names(stmt.node)}
        )
