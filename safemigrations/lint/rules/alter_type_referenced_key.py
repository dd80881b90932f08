"""SM403: type change of a column that foreign keys of other tables reference."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from safemigrations.lint.model import Severity
from safemigrations.lint.rules._helpers import listing
from safemigrations.lint.rules._schema import defined_by
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.snapshot import ForeignKeyInfo
from safemigrations.lint.sql import StatementFacts, short


@dataclass
class _Keys:
    """Foreign keys the input added and constraints it dropped."""

    added: list[ForeignKeyInfo] = field(default_factory=list)
    dropped: set[tuple[str, str]] = field(default_factory=set)


class AlterTypeReferencedKey(Rule):
    """The referencing tables are locked and their foreign keys checked again."""

    id = "SM403"
    name = "alter-type-referenced-key"
    severity = Severity.ERROR
    title = "Type change of a key other tables reference"
    message = (
        "ALTER COLUMN {column} TYPE on {table}: {count}, so {referencing} "
        "are locked ACCESS EXCLUSIVE and checked again"
    )
    why = (
        "Changing the type of a primary key or unique column that foreign keys point at makes "
        "PostgreSQL rebuild those foreign keys: it takes ACCESS EXCLUSIVE on every referencing "
        "table as well and re-checks each of them against the new key, a full scan per "
        "referencing table while nothing can read or write any of them. Django drops and "
        "re-adds the foreign keys around such an `AlterField` (and changes the referencing "
        "columns too), which is reported by the foreign-key rules instead. (The referencing "
        "foreign keys are known from the input and, on the Django side, from the catalog.)"
    )
    fix = (
        "Move to the new key type the expand/contract way: add a column of the new type, keep "
        "it in sync and back-fill it in batches, build its unique index with "
        "`AddIndexConcurrently`, add the new foreign keys with `AddConstraintNotValid` + "
        "`ValidateConstraint`, then swap in a short migration."
    )
    unsafe_example = (
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "shop_author" ("id") NOT VALID;\n'
        'ALTER TABLE "shop_author" ALTER COLUMN "id" TYPE bigint;'
    )
    safe_example = (
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "shop_author" ("id") NOT VALID;\n'
        'ALTER TABLE "shop_author" ALTER COLUMN "name" TYPE varchar(300);'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag type changes of columns referenced by foreign keys of other tables."""
        keys: _Keys = ctx.rule_state(self.id, _Keys)
        for action in stmt.actions_of("alter_type"):
            if ctx.is_new_table(action.table) or not action.column:
                continue
            table, column = short(action.table), action.column
            fks = [*ctx.ask_schema("foreign_keys", []), *keys.added]
            hits = [
                fk
                for fk in fks
                if fk.referenced == table
                and column in fk.referenced_columns
                and (fk.table, fk.name) not in keys.dropped
                and fk.table != table
            ]
            if hits:
                referencing = sorted({fk.table for fk in hits})
                names = sorted({fk.name or "(unnamed)" for fk in hits})
                if len(names) == 1:
                    count = "1 foreign key references it"
                else:
                    count = f"{len(names)} foreign keys of {len(referencing)} tables reference it"
                yield Hit(
                    params={
                        "column": column,
                        "table": action.table,
                        "count": count,
                        "referencing": listing(referencing),
                    },
                    tables=[action.table, *referencing],
                    lock="ACCESS EXCLUSIVE",
                    detail=(
                        f"Referencing tables: {', '.join(referencing)}. "
                        f"Foreign keys: {', '.join(names)}."
                    ),
                )
        done = defined_by(stmt)
        keys.dropped.update(done.dropped_constraints)
        for fk in done.foreign_keys:
            keys.dropped.discard((fk.table, fk.name))
            keys.added.append(fk)
