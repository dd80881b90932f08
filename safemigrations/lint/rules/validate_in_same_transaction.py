"""SM203: ``VALIDATE CONSTRAINT`` in the transaction that added the constraint ``NOT VALID``."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class ValidateInSameTransaction(Rule):
    """The NOT VALID step's lock is kept until COMMIT, so the validation scan runs under it."""

    id = "SM203"
    name = "validate-in-same-transaction"
    severity = Severity.ERROR
    title = "VALIDATE CONSTRAINT in the same transaction as ADD ... NOT VALID"
    message = (
        "VALIDATE CONSTRAINT {constraint} runs in the transaction that added it NOT VALID: the "
        "scan runs while that transaction still holds its {held} lock"
    )
    why = (
        "`NOT VALID` + `VALIDATE` is only useful in two transactions. Locks are released at "
        "COMMIT, so the ACCESS EXCLUSIVE (CHECK) or SHARE ROW EXCLUSIVE (foreign key) lock "
        "taken by `ADD CONSTRAINT ... NOT VALID` is still held during the validation scan."
    )
    fix = (
        "Validate in a separate transaction: `AddConstraintNotValid` in one migration (or step) "
        "and `ValidateConstraint` after it, in a non-atomic migration or a later one.\n\n"
        "```python\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        "    operations = [\n"
        '        AddConstraintNotValid(model_name="{model}", constraint=models.CheckConstraint(\n'
        '            condition={condition}, name="{constraint}")),\n'
        '        ValidateConstraint(model_name="{model}", name="{constraint}"),\n'
        "    ]\n"
        "```"
    )
    fix_example = {"constraint": "price_gte_0"}
    unsafe_example = (
        "BEGIN;\n"
        'ALTER TABLE "shop_book" ADD CONSTRAINT "price_gte_0" CHECK ("price" >= 0) NOT VALID;\n'
        'ALTER TABLE "shop_book" VALIDATE CONSTRAINT "price_gte_0";\n'
        "COMMIT;"
    )
    safe_example = (
        'ALTER TABLE "shop_book" ADD CONSTRAINT "price_gte_0" CHECK ("price" >= 0) NOT VALID;\n'
        'ALTER TABLE "shop_book" VALIDATE CONSTRAINT "price_gte_0";'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag VALIDATE of a constraint added NOT VALID earlier in the open transaction."""
        if not stmt.in_transaction:
            return
        for action in stmt.actions_of("validate_constraint"):
            if action.detail in ctx.not_valid_in_transaction:
                held = next(
                    (h.mode for h in ctx.held_locks if h.table == action.table), "ACCESS EXCLUSIVE"
                )
                yield Hit(params={"constraint": action.detail, "held": held}, lock=held)
