"""SM213: a foreign key left without an index on its referencing columns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from safemigrations.lint import fixtext
from safemigrations.lint.model import Severity, Statement
from safemigrations.lint.rules._schema import covers, defined_by
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.snapshot import ForeignKeyInfo, IndexInfo
from safemigrations.lint.sql import StatementFacts, short


@dataclass
class _Seen:
    """What the input did so far: foreign keys added, indexes created and dropped."""

    added: list[tuple[ForeignKeyInfo, Statement]] = field(default_factory=list)
    created: list[IndexInfo] = field(default_factory=list)
    dropped: dict[str, Statement] = field(default_factory=dict)  # index name -> DROP statement
    dropped_constraints: set[tuple[str, str]] = field(default_factory=set)
    dropped_tables: set[str] = field(default_factory=set)
    # Column and table renames in order: (table, old column, new column), column "" for a table
    # rename (old, new). The catalog snapshot may predate them.
    renames: list[tuple[str, str, str]] = field(default_factory=list)

    def rename(self, table: str, old: str, new: str) -> None:
        """Follow a rename in what was seen so far, and remember it for the catalog's facts."""
        self.renames.append((table, old, new))
        self.created = [_renamed_index(i, table, old, new) for i in self.created]
        self.added = [(_renamed_fk(fk, table, old, new), s) for fk, s in self.added]

    def follow(
        self, indexes: list[IndexInfo], fks: list[ForeignKeyInfo]
    ) -> tuple[list[IndexInfo], list[ForeignKeyInfo]]:
        """The catalog's indexes and foreign keys with this input's renames applied (a no-op
        for a snapshot read after them: the old names are gone)."""
        for table, old, new in self.renames:
            indexes = [_renamed_index(i, table, old, new) for i in indexes]
            fks = [_renamed_fk(fk, table, old, new) for fk in fks]
        return indexes, fks


def _renamed_index(index: IndexInfo, table: str, old: str, new: str) -> IndexInfo:
    if table == "":  # table rename: old -> new
        return replace(index, table=new) if index.table == old else index
    if index.table != table:
        return index
    return replace(index, columns=tuple(new if c == old else c for c in index.columns))


def _renamed_fk(fk: ForeignKeyInfo, table: str, old: str, new: str) -> ForeignKeyInfo:
    if table == "":
        return replace(
            fk,
            table=new if fk.table == old else fk.table,
            referenced=new if fk.referenced == old else fk.referenced,
        )
    if fk.table == table:
        fk = replace(fk, columns=tuple(new if c == old else c for c in fk.columns))
    if fk.referenced == table:
        fk = replace(
            fk, referenced_columns=tuple(new if c == old else c for c in fk.referenced_columns)
        )
    return fk


class ForeignKeyWithoutIndex(Rule):
    """Without an index, every DELETE or key UPDATE on the parent scans the child table."""

    id = "SM213"
    name = "foreign-key-without-index"
    severity = Severity.WARNING
    title = "Foreign key without an index on its columns"
    message = (
        "foreign key {constraint} on {table} ({columns}) {how}: every DELETE or key UPDATE on "
        "{referenced} scans {table}"
    )
    why = (
        "PostgreSQL does not index the referencing side of a foreign key. Each DELETE of a "
        "referenced row (and each UPDATE of its key) checks the referencing table for rows "
        "that still point at it; without an index whose leading columns are the foreign key's "
        "columns that check is a sequential scan, run per deleted row while the row locks are "
        "held, and ON DELETE CASCADE / SET NULL actions scan the same way. Partial and INVALID "
        "indexes do not count. Reported when the input adds such a foreign key, or drops the "
        "last index that served one (the Django side reads existing indexes and foreign keys "
        "from the catalog; for plain SQL only the statements of the files and of a `--schema` "
        "baseline are known, so a key on a column they did not create is judged only when the "
        "baseline says which indexes exist)."
    )
    fix = (
        "Keep `db_index=True` (Django's default) on the `ForeignKey`, or add the index without "
        "blocking writes with `AddIndexConcurrently` in a non-atomic migration:\n\n"
        "```python\n"
        "atomic = False\n"
        "operations = [\n"
        '    AddIndexConcurrently("{model}", models.Index(fields=["{field}"], name="{index}")),\n'
        "]\n"
        "```\n"
        "In SQL: `CREATE INDEX CONCURRENTLY {index} ON {table} ({column})` outside a transaction "
        "block."
    )
    fix_example = {"field": "author", "column": "author_id", "index": "book_author_idx"}
    unsafe_example = (
        'ALTER TABLE "shop_book" ADD COLUMN "author_id" bigint NULL;\n'
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "shop_author" ("id") NOT VALID;'
    )
    safe_example = (
        'CREATE INDEX CONCURRENTLY "book_author_idx" ON "shop_book" ("author_id");\n'
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "shop_author" ("id") NOT VALID;'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Remember what the statement adds and drops; judged at the end of the input."""
        seen: _Seen = ctx.rule_state(self.id, _Seen)
        done = defined_by(stmt)
        for key in done.dropped_constraints:
            seen.dropped_constraints.add(key)
            seen.added = [(fk, s) for fk, s in seen.added if (fk.table, fk.name) != key]
        for fk in done.foreign_keys:
            seen.dropped_constraints.discard((fk.table, fk.name))
            seen.added.append((fk, stmt.statement))
        for name in done.dropped_indexes:
            seen.dropped[name] = stmt.statement
            seen.created = [i for i in seen.created if i.name != name]
        seen.created.extend(done.indexes)
        seen.dropped_tables.update(done.dropped_tables)
        for action in stmt.actions_of("rename_column"):
            if action.column and action.node is not None and action.node.newname:
                seen.rename(short(action.table), action.column, action.node.newname)
        for action in stmt.actions_of("rename_table"):
            if action.detail:
                seen.rename("", short(action.table), short(action.detail))
        return ()

    def finish(self, ctx: LintContext) -> Iterable[Hit]:
        """Foreign keys without a covering index once every statement has run: those the input
        added, and existing ones whose index the input dropped."""
        seen: _Seen | None = ctx.rule_memory.get(self.id)
        if seen is None:
            return
        # Plain SQL without a catalog or --schema baseline cannot see the indexes that existed
        # before: only keys on columns the input itself added are judged there.
        known_before = ctx.ask_schema("indexes", None)
        knows_indexes = known_before is not None
        before, existing = seen.follow(
            list(known_before or []), list(ctx.ask_schema("foreign_keys", []))
        )
        after_by_table: dict[str, list[IndexInfo]] = {}
        for index in [i for i in before if i.name not in seen.dropped] + seen.created:
            after_by_table.setdefault(index.table, []).append(index)
        candidates: list[tuple[ForeignKeyInfo, Statement | None]] = [
            (fk, None) for fk in existing if (fk.table, fk.name) not in seen.dropped_constraints
        ]
        candidates += seen.added
        judged: set[tuple[str, frozenset[str]]] = set()
        for fk, added_by in candidates:
            key = (fk.table, frozenset(fk.columns))
            if fk.table in seen.dropped_tables or key in judged:
                continue
            if any(covers(i, fk) for i in after_by_table.get(fk.table, ())):
                continue
            lost = [i for i in before if i.name in seen.dropped and covers(i, fk)]
            if lost:
                judged.add(key)
                yield self._hit(fk, seen.dropped[lost[0].name], f"loses its index {lost[0].name}")
            elif added_by is not None and (knows_indexes or _added_here(ctx, fk)):
                judged.add(key)
                yield self._hit(fk, added_by, "has no index")

    def _hit(self, fk: ForeignKeyInfo, statement: Statement, how: str) -> Hit:
        return Hit(
            params={
                "constraint": fk.name or "(unnamed)",
                "table": fk.table,
                "columns": ", ".join(fk.columns),
                "referenced": fk.referenced,
                "how": how,
                # For the fix: the column(s), the Django field, a name for the missing index.
                "column": ", ".join(fk.columns),
                "field": fixtext.foreign_key_field(fk.columns[0]) or ""
                if len(fk.columns) == 1
                else "",
                "index": f"{short(fk.table)}_{'_'.join(fk.columns)}_idx"[:63],
            },
            statement=statement,
            tables=[fk.table, fk.referenced],
        )


def _added_here(ctx: LintContext, fk: ForeignKeyInfo) -> bool:
    """True when the input created the key's columns (so no earlier index can cover them)."""
    return bool(fk.columns) and all(ctx.learned.column_type(fk.table, c) for c in fk.columns)
