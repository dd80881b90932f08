"""Apply one migration to the scratch database, as ``MigrationExecutor.apply_migration`` does.

The runner (:mod:`.runner`) decides which migrations to apply and on which state; this module
holds how: applying under a capture, rendering a state's apps once, the light copy of a state
the rules read, and finding the linter's own error behind a failure.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

from safemigrations.lint.replay.capture import Capture, LinterError
from safemigrations.lint.replay.statebuild import detach_references


def apply(
    migration: Migration,
    state: ProjectState,
    connection: BaseDatabaseWrapper,
    atomic: bool,
    capture: Capture | None = None,
) -> ProjectState:
    """Apply one migration the way ``MigrationExecutor.apply_migration`` does (without recording
    it in ``django_migrations``: the scratch database is never migrated by Django itself)."""
    detach_references(migration, state)
    with connection.schema_editor(atomic=atomic) as editor:
        if capture is not None:
            capture.tracker.bind(editor)
        state = migration.apply(state, editor)
        if capture is not None:
            capture.tracker.operations_done()
    return state


def render(state: ProjectState) -> None:
    """Render the state's apps once, as ``migrate`` does before applying migrations."""
    if "apps" not in state.__dict__:
        state.apps  # noqa: B018


def light_clone(state: ProjectState) -> ProjectState:
    """A copy of ``state``'s models without the rendered apps registry: what the rules read
    (``from_state.models``), at a fraction of the memory of ``state.clone()``."""
    return ProjectState(
        models={k: m.clone() for k, m in state.models.items()}, real_apps=state.real_apps
    )


def find_linter_error(exc: BaseException) -> LinterError | None:
    """The :class:`LinterError` behind ``exc`` (itself, or in its cause/context chain)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, LinterError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
