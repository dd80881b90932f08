"""Findings about tables no traffic can reach yet: created earlier in the same migration.

A lock, a rewrite, a scan, a rename or a re-run hazard hurts only when other sessions use the
table. A table the same migration created is new and empty while that migration runs: nothing
reads or writes it, no running code knows its name, and it holds no rows to rewrite or scan.
The findings of a migration whose every named table was created earlier in that migration (or
by the statement itself) are therefore *fresh*: left out of the report and counted.

This is what makes history truthful: a squashed migration (``replaces = [...]``) only ever runs
on databases where none of the migrations it replaces ran, so every table of its own app it
touches it also creates; an ``initial`` migration creates its app's tables. Their findings on
those tables are fresh. What they do to tables that existed before (another app's table a
foreign key references, a ``RunSQL`` on any table) stays reported: a squash also runs on
production databases when it replaces migrations that were never deployed, and a new app's
initial migration runs on a production database when the app is added.

Some findings hold whatever the table's age, and are never fresh: the SQL fails or cannot run
(``SM000``, ``SM002``, ``SM102``, ``SM851``, ``SM901``, ``SM902``, ``SM963``), a name is silently
truncated (``SM964``), a foreign key has no index (``SM213``, a cost every later delete pays),
and findings about the migration file itself (``SM001``, ``SM907`` to ``SM909``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from safemigrations.lint.model import Finding
from safemigrations.lint.parsetree import short

#: Rules whose findings stay reported on new tables (see the module docstring).
NEVER_FRESH = frozenset(
    {
        "SM000",
        "SM001",
        "SM002",
        "SM102",
        "SM213",
        "SM851",
        "SM901",
        "SM902",
        "SM907",
        "SM908",
        "SM909",
        "SM963",
        "SM964",
    }
)


def fresh_reason(rule: str, tables: Iterable[str], created: Iterable[str]) -> str | None:
    """Why a finding of ``rule`` on ``tables`` affects no traffic (every table is in
    ``created``: made earlier in the same migration), or None when it may."""
    names = sorted({short(t) for t in tables})
    if rule in NEVER_FRESH or not names:
        return None
    made = {short(t) for t in created}
    if not all(name in made for name in names):
        return None
    verb = "is" if len(names) == 1 else "are"
    return f"{', '.join(names)} {verb} created earlier in this migration (empty, no traffic)"


def split_fresh(findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    """``(reported, fresh)``: the findings that stay, and those about new tables only."""
    reported = [f for f in findings if not f.fresh]
    return reported, [f for f in findings if f.fresh]
