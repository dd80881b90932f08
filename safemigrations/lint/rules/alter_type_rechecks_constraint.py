"""SM402: a column type change that re-checks a CHECK constraint with a full scan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from safemigrations.lint.model import Severity
from safemigrations.lint.rules._schema import defined_by
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, short


@dataclass
class _Checks:
    """CHECK constraints the input added (validated or waiting for VALIDATE) and dropped."""

    valid: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    pending: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    dropped: set[tuple[str, str]] = field(default_factory=set)

    def learn(self, stmt: StatementFacts) -> None:
        done = defined_by(stmt)
        for table, name, columns, validated in done.checks:
            (self.valid if validated else self.pending)[(table, name)] = columns
            self.dropped.discard((table, name))
        for key in done.validated:
            if key in self.pending:
                self.valid[key] = self.pending.pop(key)
        for key in done.dropped_constraints:
            self.valid.pop(key, None)
            self.pending.pop(key, None)
            self.dropped.add(key)


class AlterTypeRechecksConstraint(Rule):
    """Even a type change that keeps the table's files re-validates the column's CHECKs."""

    id = "SM402"
    name = "alter-type-rechecks-constraint"
    severity = Severity.ERROR
    title = "Type change of a column a CHECK constraint reads"
    message = (
        "ALTER COLUMN {column} TYPE on {table} re-checks {constraints} against every row under "
        "ACCESS EXCLUSIVE, even when the type change itself does not rewrite"
    )
    why = (
        "When a column's type changes, PostgreSQL rebuilds the CHECK constraints that read the "
        "column and validates them again: a full scan of the table while ACCESS EXCLUSIVE blocks "
        "all reads and writes. This happens for binary-coercible changes too (widening "
        "varchar(n), varchar to text), which are otherwise instant. Django's "
        "PositiveIntegerField and PositiveSmallIntegerField carry such a CHECK, and so does "
        "every `CheckConstraint` on the field. CHECK constraints added NOT VALID and never "
        "validated are not re-checked."
    )
    fix = (
        "Drop the CHECK constraint, change the type, then add the constraint back NOT VALID "
        "and validate it in a later step (SHARE UPDATE EXCLUSIVE: reads and writes continue):\n\n"
        "```python\n"
        "operations = [\n"
        '    RemoveConstraint("{model}", "{constraint}"),\n'
        '    AlterField("{model}", "{field}", models.CharField(max_length=300)),\n'
        '    AddConstraintNotValid("{model}", models.CheckConstraint(\n'
        '        condition={condition}, name="{constraint}")),\n'
        "]\n"
        "# next migration\n"
        'operations = [ValidateConstraint("{model}", "{constraint}")]\n'
        "```"
    )
    fix_example = {"condition": '~Q(title="")'}
    unsafe_example = (
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_title_not_blank" CHECK ("title" <> \'\') '
        "NOT VALID;\n"
        'ALTER TABLE "shop_book" VALIDATE CONSTRAINT "book_title_not_blank";\n'
        'ALTER TABLE "shop_book" ALTER COLUMN "title" TYPE varchar(300);'
    )
    safe_example = (
        'ALTER TABLE "shop_book" DROP CONSTRAINT "book_title_not_blank";\n'
        'ALTER TABLE "shop_book" ALTER COLUMN "title" TYPE varchar(300);\n'
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_title_not_blank" CHECK ("title" <> \'\') '
        "NOT VALID;\n"
        'ALTER TABLE "shop_book" VALIDATE CONSTRAINT "book_title_not_blank";'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag type changes (that do not already rewrite) of columns a validated CHECK reads."""
        checks: _Checks = ctx.rule_state(self.id, _Checks)
        for action in stmt.actions_of("alter_type"):
            if action.rewrites or ctx.is_new_table(action.table) or not action.column:
                continue
            table, column = short(action.table), action.column
            names = [n for (t, n), cols in checks.valid.items() if t == table and column in cols]
            for name in ctx.ask_schema("checks_on", [], table, column):
                if (table, name) not in checks.dropped and name not in names:
                    names.append(name)
            if names:
                yield Hit(
                    params={
                        "column": column,
                        "table": action.table,
                        "constraints": ", ".join(sorted(names)),
                        "constraint": sorted(names)[0] if names else "",
                    },
                    tables=[action.table],
                    lock="ACCESS EXCLUSIVE",
                )
        checks.learn(stmt)
