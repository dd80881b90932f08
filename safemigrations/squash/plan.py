"""Plan a squash: select the range, freshen, split by atomicity, optimize, check the graph, render.

Nothing here writes a file or touches a database: :func:`plan_squash` returns a
:class:`SquashPlan` that the command verifies (:mod:`.verify`) and writes (:mod:`.write`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.migrations.migration import Migration, SwappableTuple
from django.db.migrations.optimizer import MigrationOptimizer

from . import atomicity, graph
from .carry import carry_functions
from .flush import flush_deferred
from .fresh import freshen, hoist_index_changes, is_data_operation
from .model import Item, Kept, Key, Origin, Segment
from .select import Selection, select
from .write import Rendered, migration_for, render


@dataclass
class SquashPlan:
    """What a squash would write, and the numbers that say what it gains."""

    selection: Selection
    segments: list[Segment]
    kept: list[Kept]
    data_operations: list[Kept]
    operations_before: int
    notes: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)

    @property
    def app_label(self) -> str:
        return self.selection.app_label

    @property
    def migrations_before(self) -> int:
        return len(self.selection.migrations)

    @property
    def rendered(self) -> list[Rendered]:
        """The squashed migrations to write (segments of one migration stay as they are)."""
        return [s.rendered for s in self.segments if s.rendered is not None]

    @property
    def migrations_after(self) -> int:
        return len(self.segments)

    @property
    def operations_after(self) -> int:
        """Operations left (the bookkeeping ``RunDeferredSQL`` not counted)."""
        return sum(s.operation_count for s in self.segments)

    def summary(self) -> dict[str, Any]:
        """The plan's figures, for the text and JSON reports."""
        return {
            "app": self.app_label,
            "migrations_before": self.migrations_before,
            "migrations_after": self.migrations_after,
            "operations_before": self.operations_before,
            "operations_after": self.operations_after,
            "squashed": [
                {
                    "name": s.rendered.name if s.rendered else None,
                    "path": s.rendered.path if s.rendered else None,
                    "replaces": [name for _, name in s.migrations],
                    "atomic": s.atomic,
                    "why_not_atomic": s.why_not_atomic,
                    "operations": s.operation_count,
                }
                for s in self.segments
            ],
            "kept": [k.as_dict() for k in self.kept],
            "data_operations": [k.as_dict() for k in self.data_operations],
            "carried_functions": self.carried,
            "notes": self.notes,
        }


def original_items(migrations: list[Migration]) -> list[Item]:
    """Every operation of the range, tagged with its migration and position."""
    return [
        Item(operation, Origin(m.name, position))
        for m in migrations
        for position, operation in enumerate(m.operations, start=1)
    ]


def plan_squash(
    app_label: str,
    start: str | None,
    end: str,
    *,
    optimize: bool = True,
    squashed_name: str | None = None,
    include_header: bool = True,
) -> SquashPlan:
    """Plan the squash of ``app_label``'s migrations ``[start] .. end``."""
    selection = select(app_label, start, end)
    return plan_selection(
        selection, optimize=optimize, squashed_name=squashed_name, include_header=include_header
    )


def plan_selection(
    selection: Selection,
    *,
    optimize: bool = True,
    squashed_name: str | None = None,
    include_header: bool = True,
) -> SquashPlan:
    """Plan the squash of an already selected range."""
    app_label = selection.app_label
    loader = selection.loader
    first = selection.migrations[0]
    items = original_items(selection.migrations)
    state = loader.project_state((app_label, first.name), at_end=False)
    whole, _ = freshen(app_label, items, state.clone())
    segments = atomicity.segments(selection.keys, whole)
    graph.check_acyclic(loader.graph, [s.migrations for s in segments])

    kept: list[Kept] = []
    optimizer = MigrationOptimizer()
    for segment in segments:
        names = {name for _, name in segment.migrations}
        segment_items = [i for i in items if i.origin.migration in names]
        segment.items, segment_kept = freshen(app_label, segment_items, state)
        kept.extend(segment_kept)
        if segment.atomic:
            late = atomicity.validate_after_lock(segment.items)
            if late:
                segment.atomic = False
                segment.why_not_atomic.append(late)
        if optimize:
            segment.items = hoist_index_changes(app_label, segment.items)
        operations = [i.operation for i in segment.items]
        operations = optimizer.optimize(operations, app_label) if optimize else operations
        # At the end of an atomic squash: recorded in its own transaction, one commit.
        at_end = segment.atomic and len(segment.migrations) > 1
        segment.operations = flush_deferred(operations, at_end=at_end)

    by_migration = {m.name: m for m in selection.migrations}
    carried = carry_functions(
        app_label, [op for s in segments for op in s.operations], by_migration
    )
    for number, segment in enumerate(segments):
        if len(segment.migrations) == 1 and len(segments) > 1:
            segment.operations = list(by_migration[segment.migrations[0][1]].operations)
            continue  # nothing to squash it with: the original stays
        members = [by_migration[name] for _, name in segment.migrations]
        name = _name(selection, segment, number, len(segments), squashed_name)
        migration = migration_for(
            app_label,
            name,
            segment,
            dependencies=_dependencies(members),
            replaces=_replaces(members),
            initial=not selection.start_given and number == 0,
        )
        segment.rendered = render(migration, include_header, carried)

    data = [k for k in kept if is_data_operation_kept(k)]
    plan = SquashPlan(
        selection=selection,
        segments=segments,
        kept=[k for k in kept if not is_data_operation_kept(k)],
        data_operations=data,
        operations_before=len(items),
        notes=list(selection.notes) + _middle_dependencies(selection, segments),
        carried=carried.names if carried is not None else [],
    )
    return plan


def is_data_operation_kept(kept: Kept) -> bool:
    return kept.reason.startswith("data migration")


def _name(
    selection: Selection, segment: Segment, number: int, count: int, squashed_name: str | None
) -> str:
    first, last = segment.migrations[0][1], segment.migrations[-1][1]
    if squashed_name:
        prefix = first.split("_", 1)[0] if selection.start_given or number else "0001"
        suffix = f"_{number + 1}" if count > 1 else ""
        return f"{prefix}_{squashed_name}{suffix}"
    if not selection.start_given and number == 0:
        return f"0001_squashed_{last}"
    return f"{first}_squashed_{last}"


def _dependencies(members: list[Migration]) -> list[Any]:
    """Django's rule: every dependency of the first migration, other apps' of the rest."""
    dependencies: list[Any] = []
    for position, migration in enumerate(members):
        for dependency in migration.dependencies:
            if isinstance(dependency, SwappableTuple):
                if dependency.setting == settings.AUTH_USER_MODEL:
                    dependency = ("__setting__", "AUTH_USER_MODEL")
            elif dependency[0] == migration.app_label and position:
                continue
            if dependency not in dependencies:
                dependencies.append(dependency)
    return dependencies


def _replaces(members: list[Migration]) -> list[Key]:
    replaces: list[Key] = []
    for migration in members:
        replaces.append((migration.app_label, migration.name))
    return replaces


def _middle_dependencies(selection: Selection, segments: list[Segment]) -> list[str]:
    """Other apps' migrations that depend on a migration inside a squashed group (not its last):
    after the squash they depend on the whole group."""
    notes = []
    graph_ = selection.loader.graph
    for segment in segments:
        for key in segment.migrations[:-1]:
            for child in sorted(c.key for c in graph_.node_map[key].children):
                if child[0] != selection.app_label:
                    notes.append(
                        f"{child[0]}.{child[1]} depends on {key[0]}.{key[1]}, in the middle of "
                        f"the squash: it will depend on the whole squashed migration (no cycle "
                        "results)."
                    )
    return notes


__all__ = ["Key", "SquashPlan", "is_data_operation", "plan_selection", "plan_squash"]
