"""SM211: ``ALTER DOMAIN ... ADD CONSTRAINT`` validated against every column using the domain."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class AlterDomainAddConstraint(Rule):
    """A validated domain constraint scans every table that uses the domain, blocking their writes."""

    id = "SM211"
    name = "alter-domain-add-constraint"
    severity = Severity.ERROR
    title = "Domain constraint added without NOT VALID"
    message = (
        "ALTER DOMAIN {domain} ADD CONSTRAINT checks every column of that domain, holding SHARE "
        "on each table that uses it"
    )
    why = (
        "Adding a constraint to a domain checks all existing values in every table that has a "
        "column of the domain; each of those tables is held with a SHARE lock (writes wait) "
        "during its scan."
    )
    fix = (
        "Add it `NOT VALID` (no scan, no table lock), then `ALTER DOMAIN ... VALIDATE "
        "CONSTRAINT` in a later transaction; or use column CHECK constraints added with "
        "`AddConstraintNotValid` + `ValidateConstraint`."
    )
    unsafe_example = 'ALTER DOMAIN "posint" ADD CONSTRAINT "posint_max" CHECK (VALUE < 1000000);'
    safe_example = (
        'ALTER DOMAIN "posint" ADD CONSTRAINT "posint_max" CHECK (VALUE < 1000000) NOT VALID;'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag validated ADD CONSTRAINT on domains."""
        node = stmt.node
        if stmt.kind != "AlterDomainStmt" or node.subtype != "C":
            return
        con = node.def_
        if con is not None and not getattr(con, "skip_validation", False):
            domain = ".".join(getattr(n, "sval", "") for n in node.typeName or ())
            yield Hit(params={"domain": domain}, lock="SHARE", tables=[])
