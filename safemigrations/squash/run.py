"""One squash from start to end: plan, prove, write; and the cycle-free split of a range."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from safemigrations.exceptions import SquashCycleError

from . import write
from .compare import Comparison
from .graph import check_acyclic, cycle_free_ranges
from .plan import SquashPlan, plan_selection
from .select import select


@dataclass(frozen=True)
class SquashOptions:
    """The command's options, as the library takes them."""

    optimize: bool = True
    squashed_name: str | None = None
    include_header: bool = True
    verify: bool = True
    write: bool = True
    database: str = DEFAULT_DB_ALIAS


@dataclass
class SquashResult:
    """A planned squash, its proof (None when not verified), and whether files were written."""

    plan: SquashPlan
    comparison: Comparison | None = None
    seconds_original: float | None = None
    seconds_squashed: float | None = None
    written: list[str] = field(default_factory=list)

    @property
    def equivalent(self) -> bool:
        return self.comparison is None or self.comparison.equivalent

    def as_dict(self) -> dict[str, Any]:
        data = self.plan.summary()
        data["verified"] = self.comparison is not None
        data["equivalent"] = self.equivalent if self.comparison is not None else None
        data["differences"] = self.comparison.differences if self.comparison else []
        data["name_notes"] = self.comparison.notes if self.comparison else []
        data["migrate_seconds"] = {
            "original": self.seconds_original,
            "squashed": self.seconds_squashed,
        }
        data["files_written"] = self.written
        return data


def run_squash(
    app_label: str, start: str | None, end: str, options: SquashOptions | None = None
) -> SquashResult:
    """Plan the squash, prove it (unless ``options.verify`` is off), and write it when proven."""
    from .verify import verify_squash

    options = options or SquashOptions()
    plan = plan_selection(
        select(app_label, start, end),
        optimize=options.optimize,
        squashed_name=options.squashed_name,
        include_header=options.include_header,
    )
    result = SquashResult(plan)
    if options.verify:
        comparison, original, squashed = verify_squash(
            app_label, [r.migration for r in plan.rendered], options.database
        )
        result.comparison = comparison
        result.seconds_original = original.seconds
        result.seconds_squashed = squashed.seconds
    if options.write and result.equivalent:
        write.write(plan.rendered)
        result.written = [r.path for r in plan.rendered]
    return result


def split_ranges(app_label: str, start: str | None, end: str) -> list[tuple[str, str]]:
    """``start .. end`` as the cycle-free ranges to squash (ranges of one migration left out)."""
    selection = select(app_label, start, end)
    graph = selection.loader.graph
    try:
        check_acyclic(graph, [selection.keys])
    except SquashCycleError:
        pass
    else:
        return [(selection.keys[0][1], selection.keys[-1][1])]
    return [(r[0][1], r[-1][1]) for r in cycle_free_ranges(graph, selection.keys) if len(r) > 1]
