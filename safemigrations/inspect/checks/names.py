"""``Meta.indexes`` and ``Meta.constraints`` entries found by definition under another name.

:mod:`..matching` pairs a declared object with a live one of the same definition when the names
differ; for the names Django generates (a field's index, ``unique_together``, a field's check)
that is a leftover of a table or field rename and nothing to report, since Django finds those
objects by introspection when it changes them. A ``Meta`` entry's name is given, and the
operations that change it later use it (``RemoveIndex``, ``RenameIndex``, ``RemoveConstraint``):
under another name they fail with "does not exist". That is information, with the rename to make.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..drift import Drift
from ..expected import ExpectedIndex


def find(context: Context) -> Iterator[Drift]:
    """One finding per ``Meta`` index or constraint that exists under another name."""
    for model, table in context.pairs():
        for expected, live in context.matches(model, table).renamed:
            is_index = isinstance(expected, ExpectedIndex) and not expected.is_constraint
            what = "index" if is_index else "constraint"
            rename = (
                f"ALTER INDEX {live} RENAME TO {expected.name}"
                if is_index
                else f"ALTER TABLE {table.name} RENAME CONSTRAINT {live} TO {expected.name}"
            )
            yield context.drift(
                "SMD155",
                model,
                table,
                f"{model.label}: {what} {expected.name} of Meta exists on {table.name} as {live} "
                "(same definition, another name): operations that name it (RemoveIndex, "
                "RenameIndex, RemoveConstraint) will not find it.",
                fix=f"{rename} (a catalog change, no rebuild), in a RunSQL migration.",
                objects=[live, expected.name],
            )
