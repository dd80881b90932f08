"""Verify the squashed migrations a project already has (``checksquashes``), for CI.

Every migration with ``replaces = [...]`` whose replaced migrations are all still on disk is
proven like a new squash (:mod:`.verify`): the project built without it (the originals) and with
it must have the same catalog, rows and migration state. A squash whose originals were deleted
cannot be checked and is listed as such, never silently passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from .compare import Comparison
from .model import Key
from .verify import GraphLoader, MigrateFailed, verify_existing


@dataclass
class SquashCheck:
    """The proof of one existing squashed migration (``comparison`` None: not checkable)."""

    key: Key
    replaces: list[Key]
    comparison: Comparison | None = None
    skipped: str = ""
    seconds_original: float | None = None
    seconds_squashed: float | None = None

    @property
    def ok(self) -> bool:
        return self.comparison is not None and self.comparison.equivalent

    def as_dict(self) -> dict[str, Any]:
        return {
            "app": self.key[0],
            "migration": self.key[1],
            "replaces": [name for _, name in self.replaces],
            "checked": self.comparison is not None,
            "skipped": self.skipped,
            "equivalent": self.comparison.equivalent if self.comparison else None,
            "differences": self.comparison.differences if self.comparison else [],
            "name_notes": self.comparison.notes if self.comparison else [],
            "migrate_seconds": {
                "original": self.seconds_original,
                "squashed": self.seconds_squashed,
            },
        }


@dataclass
class CheckReport:
    """Every squashed migration found, checked or not."""

    checks: list[SquashCheck] = field(default_factory=list)

    @property
    def failed(self) -> list[SquashCheck]:
        return [c for c in self.checks if c.comparison is not None and not c.ok]

    @property
    def skipped(self) -> list[SquashCheck]:
        return [c for c in self.checks if c.comparison is None]


def squashed_migrations(app_labels: list[str] | None = None) -> list[tuple[Key, list[Key], bool]]:
    """(key, replaces, whether every replaced migration is still on disk) of each squash."""
    loader = GraphLoader()
    found = []
    for key, migration in sorted(loader.disk_migrations.items()):
        if not migration.replaces or (app_labels and key[0] not in app_labels):
            continue
        replaces = [tuple(r) for r in migration.replaces]
        present = all(r in loader.disk_migrations for r in replaces)
        found.append((key, replaces, present))
    return found  # type: ignore[return-value]


def check_squashes(
    app_labels: list[str] | None = None, database: str = DEFAULT_DB_ALIAS
) -> CheckReport:
    """Prove every squashed migration (of ``app_labels``, or of every app) whose originals exist."""
    report = CheckReport()
    for key, replaces, present in squashed_migrations(app_labels):
        check = SquashCheck(key, replaces)
        if not present:
            check.skipped = "the migrations it replaces were deleted: nothing to compare with"
        else:
            try:
                comparison, original, squashed = verify_existing(key, database)
            except MigrateFailed as exc:
                check.comparison = Comparison(differences=[str(exc)])
            else:
                check.comparison = comparison
                check.seconds_original = original.seconds
                check.seconds_squashed = squashed.seconds
        report.checks.append(check)
    return report
