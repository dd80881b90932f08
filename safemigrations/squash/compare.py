"""Compare two built databases: catalog, rows, and the Django state, as readable differences.

The catalog side is :mod:`safemigrations.db.schema` (tables, columns, constraints, indexes) plus
sequences and column generation. Indexes and constraints are first matched by name; what is left
is matched by shape (everything but the name), and a pair whose names differ only by Django's
generated 8-hex-digit hash is a *note* (the same object under another generated name), not a
failure. Every other difference names the table and object and says what each side has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.state import ProjectState

from safemigrations.db.schema import Schema, Sequence, compare_schemas

_HASH = re.compile(r"_[0-9a-f]{8}(?=_|$)")


@dataclass
class Built:
    """What one database looks like after its migrations ran."""

    schema: Schema
    sequences: dict[str, Sequence]
    generation: dict[tuple[str, str], str]
    rows: dict[str, int]
    state: ProjectState
    seconds: float


@dataclass
class Comparison:
    """Real differences (the squash is refused) and notes (names that differ by a hash only)."""

    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def equivalent(self) -> bool:
        return not self.differences


def without_hash(name: str) -> str:
    """``name`` without Django's generated hash parts."""
    return _HASH.sub("", name)


def compare(
    original: Built, squashed: Built, labels: tuple[str, str] = ("originals", "squashed")
) -> Comparison:
    """Everything that differs between the database built by the originals and the squash."""
    result = Comparison()
    a, b = labels
    for diff in compare_schemas(original.schema, squashed.schema, names=True):
        if diff.kind in ("table", "column"):
            result.differences.append(
                _describe(diff.table, diff.kind, diff.name, diff.left, diff.right, a, b)
            )
    _compare_by_shape(original.schema, squashed.schema, result, a, b)
    _compare_mapping("sequence", original.sequences, squashed.sequences, result, a, b)
    for key in sorted(set(original.generation) | set(squashed.generation)):
        left, right = original.generation.get(key), squashed.generation.get(key)
        if left != right:
            result.differences.append(
                f"column {key[0]}.{key[1]}: {a}: {left or 'not generated'}; {b}: {right or 'not generated'}"
            )
    for table in sorted(set(original.rows) | set(squashed.rows)):
        left_rows, right_rows = original.rows.get(table), squashed.rows.get(table)
        if left_rows != right_rows and None not in (left_rows, right_rows):
            result.differences.append(
                f"table {table}: {a} hold {left_rows} rows; {b} hold {right_rows}"
            )
    result.differences.extend(state_differences(original.state, squashed.state, a, b))
    return result


def _compare_by_shape(left: Schema, right: Schema, result: Comparison, a: str, b: str) -> None:
    for table in sorted(set(left.tables) & set(right.tables)):
        tl, tr = left.tables[table], right.tables[table]
        for kind, xs, ys in (
            ("constraint", tl.constraints, tr.constraints),
            ("index", tl.indexes, tr.indexes),
        ):
            by_name_r = {y.name: y for y in ys}
            only_l = [
                x
                for x in xs
                if by_name_r.get(x.name) is None or _value(by_name_r[x.name]) != _value(x)
            ]
            by_name_l = {x.name: x for x in xs}
            only_r = [
                y
                for y in ys
                if by_name_l.get(y.name) is None or _value(by_name_l[y.name]) != _value(y)
            ]
            for x in list(only_l):
                match = next((y for y in only_r if y.shape() == x.shape()), None)
                if match is None:
                    continue
                only_l.remove(x)
                only_r.remove(match)
                if x.name == match.name:
                    continue
                text = (
                    f"{kind} on {table}: {a} name it {x.name}, {b} {match.name} (same definition)"
                )
                if without_hash(x.name) == without_hash(match.name):
                    result.notes.append(text)
                else:
                    result.differences.append(text)
            for x in list(only_l):
                same_name = next((y for y in only_r if y.name == x.name), None)
                if same_name is not None:
                    only_r.remove(same_name)
                result.differences.append(_describe(table, kind, x.name, x, same_name, a, b))
            for y in only_r:
                result.differences.append(_describe(table, kind, y.name, None, y, a, b))


#: Fields never compared: statistics, and names of other objects (an index's definition and
#: owning constraint, a constraint's backing index) that are compared on those objects.
_IGNORED = {"size_bytes", "scans", "building", "rows", "table"}
_IGNORED_BY_TYPE = {"Index": {"definition", "constraint"}, "Constraint": {"index"}}


def _compared(obj: Any) -> list[str]:
    ignored = _IGNORED | _IGNORED_BY_TYPE.get(type(obj).__name__, set())
    return [f.name for f in fields(obj) if f.name not in ignored]


def _value(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in _compared(obj))


def _describe(
    table: str, kind: str, name: str | None, left: Any, right: Any, a: str, b: str
) -> str:
    label = f"{kind} {table}.{name}" if kind != "table" else f"table {table}"
    if left is None:
        return f"{label}: only in the {b} database ({_short(right)})"
    if right is None:
        return f"{label}: only in the {a} database ({_short(left)})"
    changed = [
        f"{name} {getattr(left, name)!r} vs {getattr(right, name)!r}"
        for name in _compared(left)
        if getattr(left, name) != getattr(right, name)
    ]
    return f"{label} differs ({a} vs {b}): " + "; ".join(changed)


def _short(obj: Any) -> str:
    for attribute in ("definition", "type"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)
    return type(obj).__name__


def _compare_mapping(
    kind: str, left: dict[str, Any], right: dict[str, Any], result: Comparison, a: str, b: str
) -> None:
    for name in sorted(set(left) | set(right)):
        x, y = left.get(name), right.get(name)
        if x != y:
            result.differences.append(
                _describe(name, kind, name, x, y, a, b).replace(
                    f"{kind} {name}.{name}", f"{kind} {name}"
                )
            )


def state_differences(original: ProjectState, squashed: ProjectState, a: str, b: str) -> list[str]:
    """What ``makemigrations`` would write to go from one state to the other (empty: equal)."""
    detector = MigrationAutodetector(_comparable(original), _comparable(squashed))
    changes = detector._detect_changes()  # type: ignore[attr-defined]
    return [
        f"migration state of app {app}: going from the {a}' state to the {b}' needs: {op.describe()}"
        for app, migrations in sorted(changes.items())
        for migration in migrations
        for op in migration.operations
    ]


def _comparable(state: ProjectState) -> ProjectState:
    """A copy of ``state`` whose ``unique_together``/``index_together`` are sets of tuples.

    Django's ``ProjectState.rename_field`` rewrites them as lists of lists, which its own
    autodetector cannot compare (``TypeError: unhashable type: 'list'``) when both sides come
    from migrations, as they do here.
    """
    state = state.clone()
    for model_state in state.models.values():
        for option in ("unique_together", "index_together"):
            if model_state.options.get(option):
                model_state.options[option] = {
                    tuple(names) for names in model_state.options[option]
                }
    return state
