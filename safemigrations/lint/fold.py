"""Drop the findings that only repeat what another reported finding says about the same statement.

Some rules describe a consequence that another rule's finding already tells, with the fix that
removes both: an index built without ``CONCURRENTLY`` (SM101) while an earlier ``ALTER TABLE``
of the same table holds ACCESS EXCLUSIVE is one hazard, and its fix (a concurrent build in a
non-atomic migration) also ends the wait SM961 reports. A rule declares this in
:attr:`~safemigrations.lint.rules.base.Rule.folds_into` (the ids of the rules that cover it),
and :func:`fold_covered` removes its findings where such a finding is reported. A rule that
sets :attr:`~safemigrations.lint.rules.base.Rule.once_per_migration` keeps only its first
finding left in each migration or SQL file.

Folding runs last, after suppressions (the Django side's ``# safemigrations: ignore``): a
suppressed finding is an accepted step, and what it covered (the outage it prolongs, the time
budget it lacks) is then reported on its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from safemigrations.lint.model import Finding
from safemigrations.lint.rules.base import Rule, all_rules


def fold_covered(findings: Sequence[Finding], rules: Iterable[Rule] | None = None) -> list[Finding]:
    """``findings`` without those another reported finding covers, in the same order.

    A finding of a rule with ``folds_into`` is covered when a finding of one of those rules is
    located at the same statement (same file or migration, operation, line and SQL) and names
    the table the finding is about (its ``subject``, else any of its ``tables``). A finding set
    aside as fresh (its tables are new) covers only fresh findings, since it is not shown by
    default. A covered finding covers nothing in turn. ``rules`` defaults to every rule.
    """
    declared = {r.id: r for r in (all_rules() if rules is None else rules)}
    folding = {rid: r.folds_into for rid, r in declared.items() if r.folds_into}
    once = {rid for rid, r in declared.items() if r.once_per_migration}
    if not folding and not once:
        return list(findings)
    at: dict[tuple[object, ...], list[int]] = defaultdict(list)  # statement -> its findings
    for i, f in enumerate(findings):
        at[statement_key(f)].append(i)
    memo: dict[int, bool] = {}

    def dropped(i: int) -> bool:
        """Covered by a finding that is itself kept (a rule cycle counts as not covered)."""
        if i not in memo:
            memo[i] = False  # while deciding: breaks a cycle of rules folding into each other
            f = findings[i]
            memo[i] = f.rule in folding and any(
                _covers(findings[j], f, folding[f.rule]) and not dropped(j)
                for j in at[statement_key(f)]
                if j != i
            )
        return memo[i]

    seen: set[tuple[object, ...]] = set()
    kept: list[Finding] = []
    for i, f in enumerate(findings):
        if dropped(i):
            continue
        if f.rule in once:
            where = (f.rule, f.file, f.app, f.migration, f.fresh is None)
            if where in seen:
                continue
            seen.add(where)
        kept.append(f)
    return kept


def _covers(other: Finding, finding: Finding, by: frozenset[str]) -> bool:
    """Whether ``other``, on the same statement, covers ``finding`` of a rule folding ``by``."""
    if other.rule not in by or (other.fresh and not finding.fresh):
        return False
    about = [finding.subject] if finding.subject else finding.tables
    return bool({_short(t) for t in about} & {_short(t) for t in other.tables})


def statement_key(f: Finding) -> tuple[object, ...]:
    """What identifies the statement a finding is located at."""
    return (f.file, f.app, f.migration, f.operation_index, f.line, f.sql)


def _short(table: str) -> str:
    return table.rsplit(".", 1)[-1]
