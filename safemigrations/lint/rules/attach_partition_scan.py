"""SM802: ``ATTACH PARTITION`` scans the new partition to check its bound."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class AttachPartitionScan(Rule):
    """Without a matching validated CHECK, attaching reads the whole partition under ACCESS EXCLUSIVE."""

    id = "SM802"
    name = "attach-partition-scan"
    severity = Severity.WARNING
    title = "ATTACH PARTITION that may scan the partition"
    message = (
        "ATTACH PARTITION {partition}: unless a validated CHECK implies the partition bound, "
        "every row of {partition} is checked under ACCESS EXCLUSIVE"
    )
    why = (
        "Attaching takes SHARE UPDATE EXCLUSIVE on the parent (PostgreSQL 12+) but ACCESS "
        "EXCLUSIVE on the partition, and scans it to prove every row fits the bound (also the "
        "default partition, if any). A validated CHECK constraint matching the bound skips "
        "the scan."
    )
    fix = (
        "Before attaching, add a CHECK that matches the bound with `AddConstraintNotValid` + "
        "`ValidateConstraint` (no blocking scan), attach, then drop the CHECK."
    )
    unsafe_example = "ALTER TABLE \"events\" ATTACH PARTITION \"events_2024\" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    safe_example = "CREATE TABLE \"events_2025\" PARTITION OF \"events\" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag ATTACH PARTITION of tables that existed before the input."""
        for action in stmt.actions_of("attach_partition_child"):
            if not ctx.is_new_table(action.table):
                yield Hit(
                    params={"partition": action.table},
                    tables=[action.table],
                    lock="ACCESS EXCLUSIVE",
                )
