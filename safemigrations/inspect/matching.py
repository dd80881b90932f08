"""Which live index or constraint is which object the models declare: by name, else by definition.

Django does not rename indexes and constraints when a table is renamed (``AlterModelTable``,
``RenameModel``) or a field is (``RenameField``), so after such a migration the catalog holds
them under names the migration state no longer generates (``customer_notification_..._9b6baeda``
on ``communication_notification``, ``..._num_orders_check`` on a renamed column). Comparing
names alone reports each of them twice: missing under its new name, extra under its old one.

So objects are paired in two passes, each live object accounting for at most one declared object
in the second pass:

1. by name (the names the models generate are cut to 63 bytes as PostgreSQL stores them);
2. the declared objects left, by definition among the live objects left: the same table, kind,
   uniqueness, columns or expressions, operator classes and condition. A field's index is a
   non-unique, non-partial index on its column (``*_pattern_ops`` for the ``_like`` twin); a
   unique field or ``unique_together`` a unique index on its columns; a ``Meta`` entry or a
   check the SQL Django writes for it, compared with PostgreSQL's text of the live object once
   quotes, parentheses, casts and spacing are set aside.

An object found under another name is not drift for implicit names (Django finds those by
introspection when it alters them); for a ``Meta.indexes``/``Meta.constraints`` entry, whose name
later operations use (``RemoveIndex``, ``RemoveConstraint``), it is worth saying (``SMD155``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from safemigrations.db.schema import Constraint, Index, Table

from .expected import ExpectedCheck, ExpectedIndex, ExpectedModel

#: Implicit sources: named by Django from the table and columns, so stale after a rename.
IMPLICIT = ("field", "like", "unique", "unique_together")


@dataclass
class Matches:
    """The pairing of one model's declared indexes and checks with its table's live objects."""

    #: declared index or unique constraint name -> the live index/constraint that is it
    indexes: dict[str, str] = field(default_factory=dict)
    #: declared check (or exclusion) constraint name -> the live constraint that is it
    checks: dict[str, str] = field(default_factory=dict)
    #: names of the live indexes and constraints some declared object accounts for
    claimed: set[str] = field(default_factory=set)
    #: declared ``Meta`` objects found by definition under another name: (declared, live name)
    renamed: list[tuple[ExpectedIndex | ExpectedCheck, str]] = field(default_factory=list)


def match(model: ExpectedModel, table: Table) -> Matches:
    """Pair ``model``'s declared indexes and checks with ``table``'s objects (module docstring)."""
    found = Matches()
    index_names = {i.name for i in table.indexes}
    constraint_names = {c.name for c in table.constraints}
    checks = [c for c in table.constraints if c.kind in ("check", "exclusion")]
    for expected in model.indexes:
        if expected.name in index_names or expected.name in constraint_names:
            found.indexes[expected.name] = expected.name
            found.claimed.add(expected.name)
    for check in model.checks:
        name = next(
            (n for n in (check.name, *check.aliases) if n in constraint_names or n in index_names),
            None,
        )
        if name is not None:
            found.checks[check.name] = name
            found.claimed.add(name)
    for expected in model.indexes:
        if expected.name in found.indexes:
            continue
        live = next(
            (
                i
                for i in table.indexes
                if i.name not in found.claimed and same_index(expected, i, table.name)
            ),
            None,
        )
        if live is not None:
            _pair(found, found.indexes, expected, live.name)
    for check in model.checks:
        if check.name in found.checks:
            continue
        other = next(
            (c for c in checks if c.name not in found.claimed and same_check(check, c)), None
        )
        if other is not None:
            _pair(found, found.checks, check, other.name)
    return found


def _pair(
    found: Matches,
    names: dict[str, str],
    expected: ExpectedIndex | ExpectedCheck,
    live: str,
) -> None:
    names[expected.name] = live
    found.claimed.add(live)
    if expected.source not in IMPLICIT:
        found.renamed.append((expected, live))


def same_index(expected: ExpectedIndex, index: Index, table: str) -> bool:
    """True when ``index`` is what ``expected`` declares, whatever its name."""
    if expected.source in ("field", "like"):
        return implicit_index_matches(expected, index)
    if expected.source in ("unique", "unique_together") or expected.is_constraint:
        return (
            index.unique
            and not index.primary
            and index.predicate is None
            and not index.include
            and index.method == "btree"
            and index.columns == expected.columns
            and not any("pattern_ops" in o for o in index.opclasses)
        )
    if not expected.sql or not index.definition:
        return False
    return _index_parts(expected.sql) == _index_parts(index.definition) is not None


def implicit_index_matches(expected: ExpectedIndex, index: Index) -> bool:
    """True when ``index`` is the implicit index ``expected`` under another name (same column,
    plain or ``*_pattern_ops`` like Django's ``_like`` twin, not unique, not partial)."""
    if index.unique or index.predicate is not None or index.columns != expected.columns:
        return False
    pattern = any("pattern_ops" in o for o in index.opclasses)
    return pattern == (expected.source == "like")


def same_check(expected: ExpectedCheck, constraint: Constraint) -> bool:
    """True when ``constraint`` checks what ``expected`` declares (compared as normalized SQL)."""
    if not expected.sql or not constraint.definition:
        return False
    declared = re.sub(r'^\s*CONSTRAINT\s+("(?:[^"]|"")*"|\S+)\s+', "", expected.sql, flags=re.I)
    if not re.match(r"\s*(CHECK|EXCLUDE)\b", declared, re.I):
        declared = f"CHECK ({declared})"
    live = re.sub(r"\s+NOT VALID\s*$", "", constraint.definition, flags=re.I)
    return normalized(declared) == normalized(live)


_CREATE_INDEX = re.compile(
    r"^\s*CREATE\s+(?P<unique>UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"
    r'(?:"(?:[^"]|"")*"|\S+)\s+ON\s+(?:ONLY\s+)?(?:"(?:[^"]|"")*"|[^\s"]+)(?:\.(?:"(?:[^"]|"")*"|\S+))?'
    r"\s*(?:USING\s+(?P<method>\w+)\s*)?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def _index_parts(sql: str) -> tuple[bool, str, str] | None:
    """(unique, method, normalized keys and condition) of a ``CREATE INDEX``, without its name
    and table."""
    found = _CREATE_INDEX.match(sql)
    if found is None:
        return None
    method = (found.group("method") or "btree").lower()
    return bool(found.group("unique")), method, normalized(found.group("rest"))


#: ``::type`` casts PostgreSQL adds when it prints an expression (``(0)::numeric``,
#: ``(name)::text``, ``'a'::character varying``).
_CAST = re.compile(
    r"::\s*(?:character varying|timestamp with(?:out)? time zone|time with(?:out)? time zone"
    r'|double precision|bit varying|"?[a-z_][a-z0-9_]*"?)(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?'
    r"(?:\[\])*",
    re.IGNORECASE,
)


def normalized(sql: str) -> str:
    """SQL text with what does not change its meaning set aside: identifier quotes, casts
    PostgreSQL adds when printing, parentheses, case and spacing."""
    text = _CAST.sub("", sql)
    text = text.replace('"', "")
    text = re.sub(r"[()]", " ", text)
    text = re.sub(r"\s*,\s*", ",", text)
    return re.sub(r"\s+", " ", text).strip().lower()
