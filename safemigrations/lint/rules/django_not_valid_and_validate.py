"""SM903: ``AddConstraintNotValid`` and ``ValidateConstraint`` in the same atomic migration."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safemigrations.lint.model import Severity
from safemigrations.lint.rules._django import anchor, database_operations, is_kind
from safemigrations.lint.rules.base import Hit, MigrationContext, Rule
from safemigrations.operations.not_valid import AddConstraintNotValid, ValidateConstraint


def _added_name(operation: Any) -> str | None:
    constraint = getattr(operation, "constraint", None)
    if constraint is not None:
        return str(constraint.name)
    field = getattr(operation, "field", None)
    return str(field) if isinstance(field, str) else None


class NotValidAndValidateInOneTransaction(Rule):
    """Adding ``NOT VALID`` then validating in one transaction gains nothing."""

    id = "SM903"
    name = "not-valid-and-validate-in-one-transaction"
    severity = Severity.ERROR
    migration_level = True
    supersedes = ("SM901", "SM203")  # the SQL rule sees the same transaction; this names the ops
    title = "NOT VALID and VALIDATE in the same atomic migration"
    message = (
        "{model}: constraint {constraint} is added NOT VALID and validated in the same atomic "
        "migration: the lock of the ADD is held through the whole validation scan"
    )
    why = (
        "`ADD CONSTRAINT … NOT VALID` takes a strong lock (ACCESS EXCLUSIVE for a CHECK, SHARE "
        "ROW EXCLUSIVE on both tables for a foreign key) that is held until the transaction "
        "commits. `VALIDATE CONSTRAINT` scans the whole table; in the same transaction the scan "
        "runs under that lock, so writes (and for a CHECK, reads) wait as long as with a plain "
        "`ADD CONSTRAINT`."
    )
    fix = (
        "Validate in a later migration (each Django migration is its own transaction), or in "
        "the same migration with `atomic = False`:\n\n"
        "```python\n"
        "# 0005_add_check.py\n"
        "operations = [AddConstraintNotValid('{model}', models.CheckConstraint(...))]\n"
        "# 0006_validate_check.py\n"
        "operations = [ValidateConstraint('{model}', '{constraint}')]\n"
        "```"
    )
    fix_example = {"constraint": "book_pages_gte_0"}
    unsafe_example = (
        "operations = [\n"
        "    AddConstraintNotValid('book', models.CheckConstraint(condition=Q(pages__gte=0), "
        "name='pages_gte_0')),\n"
        "    ValidateConstraint('book', 'pages_gte_0'),\n"
        "]"
    )
    safe_example = (
        "# 0005: AddConstraintNotValid(...); 0006 (a later migration): "
        "ValidateConstraint('book', 'pages_gte_0')"
    )

    def check_migration(self, ctx: MigrationContext) -> Iterable[Hit]:
        """A hit per ValidateConstraint whose constraint an earlier operation added NOT VALID."""
        if not getattr(ctx.migration, "atomic", True):
            return
        added: dict[str, tuple[int, str]] = {}
        for index, operation in database_operations(ctx.operations):
            if is_kind(operation, AddConstraintNotValid):
                name = _added_name(operation)
                if name:
                    added[name.lower()] = (index, operation.model_name)
            elif is_kind(operation, ValidateConstraint):
                found = added.get(str(operation.name).lower())
                if found is not None:
                    yield Hit(
                        params={"model": found[1], "constraint": operation.name},
                        statement=anchor(ctx, index),
                    )
