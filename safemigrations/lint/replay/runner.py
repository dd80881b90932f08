"""Run a collection: build the schema before the targets, apply each target under capture.

1. The migrations that are not targets (nor depend on one) form the *base*. Its schema comes
   from a template database when one is cached (on the server, or imported from
   ``--cache-dir``), else it is built (:mod:`.statebuild`: from the migration state in one
   pass where the state describes the history, replayed where it does not) and kept as a
   template when building took longer than copying a database does.
2. Each target is applied in graph order through the real schema editor under a
   :class:`~.capture.Capture`, on a state of only the models it can reach where that gives the
   same SQL (:mod:`.substate`), else on the whole rendered state (:mod:`.applying`).
3. A failure is classified and the run goes on (:mod:`.failures`): the linter's own errors make
   the migration *not analysed*; a real failure is recorded (rule SM901), and every later
   migration is still linted.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

from safemigrations.conf import setting
from safemigrations.db.scratch import (
    Janitor,
    TemplateCache,
    close_alias,
    create_database,
    django_alias,
    lint_prefix,
    lint_server,
    retire_database,
    run_database_name,
)
from safemigrations.lint.replay import dumps
from safemigrations.lint.replay.applying import apply, light_clone, render
from safemigrations.lint.replay.capture import (
    Capture,
    StatementObserver,
    TransactionIds,
)
from safemigrations.lint.replay.failures import FailureHandling, PartialSchemaMissed
from safemigrations.lint.replay.keys import base_digest
from safemigrations.lint.replay.results import (
    CollectedMigration,
    Collection,
    CollectionStats,
)
from safemigrations.lint.replay.statebuild import (
    BuildPlan,
    TableSet,
    advance,
    build_from_state,
    global_operations,
    plan_build,
    state_after,
    tables_for,
)
from safemigrations.lint.replay.substate import reachable_state

Key = tuple[str, str]

#: Seconds of applying targets above which the schema after them is kept as a template too (it
#: is kept by renaming the scratch database, which is cheap, but each kept template evicts an
#: older one).
SAVE_TEMPLATE_AFTER = 0.5


def collect(
    targets: Iterable[Key],
    *,
    database: str = DEFAULT_DB_ALIAS,
    use_cache: bool = True,
    observer: StatementObserver | None = None,
    loader: MigrationLoader | None = None,
    template_prefix: str | None = None,
    build: str = "auto",
    cache_dir: str | None = None,
    on_collected: Callable[[CollectedMigration], None] | None = None,
) -> Collection:
    """Build the schema before ``targets`` on a scratch database and capture what each runs.

    ``targets`` are ``(app_label, migration_name)`` keys of the project's migration graph.
    ``database`` names the ``DATABASES`` entry whose server hosts the scratch database (unless
    ``SAFEMIGRATIONS["LINT_DATABASE_URL"]`` names one). ``use_cache=False`` neither reads nor
    writes template databases. ``build`` is ``auto`` / ``state`` / ``replay`` (see
    :mod:`.statebuild`). ``cache_dir`` keeps the base template as a dump file there, for CI
    caches. ``on_collected`` is called with each target as soon as it is captured (the linter
    judges it then, so the run never holds every migration's state at once). ``observer`` sees
    every target statement run (``--trace``).
    """
    return Replay(
        loader or MigrationLoader(None, ignore_no_migrations=True),
        database=database,
        use_cache=use_cache,
        observer=observer,
        template_prefix=template_prefix,
        build=build,
        cache_dir=cache_dir,
        on_collected=on_collected,
    ).run(list(dict.fromkeys(targets)))


def keep_base_template(apply_seconds: float, copy_seconds: float) -> bool:
    """Whether to keep the schema before the targets as a template: only when building it took
    longer than copying a database does on this server (the scratch database's own creation is
    the measure), so a template never costs the next run more than it saves."""
    return apply_seconds > copy_seconds


class Replay(FailureHandling):
    """One collection run (see the module docstring)."""

    def __init__(
        self,
        loader: MigrationLoader,
        *,
        database: str = DEFAULT_DB_ALIAS,
        use_cache: bool = True,
        observer: StatementObserver | None = None,
        template_prefix: str | None = None,
        build: str = "auto",
        cache_dir: str | None = None,
        on_collected: Callable[[CollectedMigration], None] | None = None,
    ) -> None:
        self.loader = loader
        self.graph = loader.graph
        self.nodes: dict[Key, Migration] = loader.graph.nodes
        self.observer = observer
        self.database = database
        self.server, self.settings = lint_server(database)
        self.prefix = lint_prefix()
        prefix = template_prefix or self.prefix + "tpl_"
        self.cache = (
            TemplateCache(self.server, prefix=prefix, retired_prefix=self.prefix)
            if use_cache
            else None
        )
        self.build = build
        self.cache_dir = cache_dir
        self.on_collected = on_collected
        self.stats = CollectionStats()
        self.failed: set[Key] = set()
        self.stale: Key | None = None  # a migration whose failure left the database behind
        self.done: list[Key] = []  # applied (or given up on) so far, in order
        self.stale_was: Key = ("", "")
        self.base_errors: dict[Key, str] = {}
        self.plan_order: list[Key] = []
        self.base_set: set[Key] = set()
        #: Build only the tables the targets touch (see statebuild.tables_for) when allowed.
        self.partial_allowed = build == "auto"
        #: Set to "replay" when a failure on a state-built schema must be checked on the history.
        self.build_override: str | None = None
        self.state_built = False
        self.tables: TableSet | None = None
        self.pending: list[CollectedMigration] = []  # held back while a partial run may restart
        self.ids = TransactionIds()
        #: Apply migrations on the small state of what they reach (see apply_reduced).
        self.reduce = not setting("LINT_WHOLE_STATE")
        self.dbname = ""
        self.alias = database

    # -- the run ---------------------------------------------------------------------------

    def run(self, targets: list[Key]) -> Collection:
        started = time.perf_counter()
        # Not waited for: a process that exits mid-drop leaves the server to finish it (or the
        # next run to drop the database again).
        Janitor(self.server, self.prefix).start()
        with terminate_cleanly():
            notes: list[str] = []
            while True:
                try:
                    result = self._run(targets, started)
                    result.stats.notes.extend(notes)
                    return result
                except PartialSchemaMissed as missed:
                    # Decide by checking: on every table of the state, then on the replayed
                    # history (rows a data migration needs come from earlier data migrations).
                    self.reset()
                    if self.partial_allowed and self.tables is not None:
                        self.partial_allowed = False
                        notes.append(f"{missed}: linted again on a schema of every table")
                    else:
                        self.build_override = "replay"
                        notes.append(f"{missed}: linted again on the replayed history")

    def partial_tables(self, base: list[Key], rest: list[Key], plan: BuildPlan) -> TableSet | None:
        """The tables to build when only some are needed (None: every table of the state)."""
        if not (self.partial_allowed and plan.mode == "state" and base):
            return None
        before = state_after(base, self.nodes, self.loader.unmigrated_apps)
        return tables_for(before, [self.nodes[k] for k in rest])

    def reset(self) -> None:
        """Forget a run that is started again (its scratch database is already retired)."""
        self.stats = CollectionStats()
        self.failed.clear()
        self.stale = None
        self.done = []
        self.base_errors = {}
        self.pending = []
        self.ids = TransactionIds()

    def _run(self, targets: list[Key], started: float) -> Collection:
        for key in targets:
            if key not in self.nodes:
                raise LookupError(f"no migration {key[0]}.{key[1]} in the migration graph")
        base, rest = self.plan(targets)
        self.base_set = set(base)
        plan = plan_build(base, self.nodes, self.build_override or self.build, self.graph)
        # A failure on a schema built from the state is checked on the history (auto only).
        self.state_built = (
            self.build == "auto" and plan.mode != "replay" and not self.build_override
        )
        version = self.server.version_num()
        result = Collection(server_version=version)
        self.stats.build_mode = plan.mode
        self.stats.build = plan.describe()
        self.tables = self.partial_tables(base, rest, plan)
        if self.tables is not None:
            self.stats.build = (
                f"the {len(self.tables.full)} tables the targets touch (and "
                f"{len(self.tables.stubs)} key-only tables they reference) built from the "
                f"migration state ({len(base)} migrations)"
            )
        mode_key = plan.mode + ("|" + self.tables.digest() if self.tables is not None else "")
        base_key = base_digest(self.nodes, base, version, mode_key)
        self.stats.cache_key = base_key
        template = self.cache.lookup(base_key) if self.cache and base else None
        if template is None and self.cache and base and self.cache_dir:
            template = dumps.restore(self.server, self.cache, base_key, self.cache_dir)
            self.stats.template_from_dump = template is not None
        self.dbname = run_database_name(self.prefix)
        started_copy = time.perf_counter()
        create_database(self.server, self.dbname, template=template)
        copy_seconds = time.perf_counter() - started_copy
        try:
            with django_alias(
                self.settings, self.dbname, alias=self.database, throwaway=True
            ) as alias:
                self.alias = alias
                if template:
                    self.stats.template_hit = True
                    state = state_after(base, self.nodes, self.loader.unmigrated_apps)
                    self.done.extend(base)
                else:
                    started_base = time.perf_counter()
                    state = self.build_base(plan)
                    self.stats.base_seconds = time.perf_counter() - started_base
                    keep = keep_base_template(self.stats.base_seconds, copy_seconds)
                    if self.cache and base and not self.failed and (keep or self.cache_dir):
                        close_alias(alias)
                        self.stats.templates_saved += self.cache.save(self.dbname, base_key)
                        if self.cache_dir:
                            error = dumps.export(self.server, self.cache, base_key, self.cache_dir)
                            if error:
                                self.stats.notes.append(f"--cache-dir: no dump written: {error}")
                started_rest = time.perf_counter()
                self.apply_rest(targets, rest, state, result)
                for collected in self.pending:
                    assert self.on_collected is not None
                    self.on_collected(collected)
                self.pending = []
                slow = time.perf_counter() - started_rest > SAVE_TEMPLATE_AFTER
                if self.cache and rest and not self.failed and slow and not self.stats.rebuilds:
                    # The scratch database itself becomes the template (renamed, not copied).
                    close_alias(alias)
                    after = base_digest(self.nodes, base + rest, version, mode_key)
                    if self.cache.adopt(self.dbname, after):
                        self.dbname = ""
                        self.stats.templates_saved += 1
        finally:
            if self.dbname:
                retire_database(self.server, self.dbname, self.prefix)
        self.stats.seconds = time.perf_counter() - started
        result.stats = self.stats
        return result

    def plan(self, targets: list[Key]) -> tuple[list[Key], list[Key]]:
        """Split the forwards plan of the targets into what runs before any target (the
        cacheable base) and the targets with the ancestors they share with other targets, in
        graph order. Migrations no target depends on are left out."""
        plan: list[Key] = []
        seen: set[Key] = set()
        for leaf in sorted(self.graph.leaf_nodes()):
            for key in self.graph.forwards_plan(leaf):
                if key not in seen:
                    seen.add(key)
                    plan.append(key)
        # Without replacement (sqlmigrate's loader) a squashed migration sits in the graph next
        # to the migrations it replaces: applying both would create everything twice.
        squashed = {
            key
            for key, migration in self.nodes.items()
            if migration.replaces
            and key not in targets
            and all(tuple(r) in self.nodes for r in migration.replaces)
        }
        plan = [key for key in plan if key not in squashed]
        self.plan_order = plan
        # One walk each way over the graph for all targets (not one per target).
        affected = reachable(self.graph, targets, forwards=False)
        needed = reachable(self.graph, targets, forwards=True)
        # Only what applying the targets needs, as `migrate APP NAME` would apply it: the other
        # apps' histories cannot change the SQL of the targets, and building them costs time.
        base = [k for k in plan if k not in affected and k in needed]
        rest = [k for k in plan if k in affected and k in needed]
        return base, rest

    def build_base(self, plan: BuildPlan) -> ProjectState:
        """The schema after the base on the scratch database, as ``plan`` says to build it;
        when building from the state fails, the whole base is replayed instead."""
        state = state_after(plan.from_state, self.nodes, self.loader.unmigrated_apps)
        if plan.from_state:
            try:
                self.stats.tables_created = build_from_state(
                    state,
                    self.connection,
                    global_operations(plan.from_state, self.nodes),
                    only=self.tables,
                )
            except Exception as exc:
                if self.tables is not None:
                    raise PartialSchemaMissed(f"building some tables failed ({exc})") from exc
                self.stats.notes.append(
                    f"building the schema from the migration state failed ({type(exc).__name__}:"
                    f" {str(exc).strip()[:200]}); the history was replayed instead"
                )
                self.stats.build_mode = "replay"
                self.stats.build = f"schema built by replaying {len(plan.from_state)} migrations"
                self.fresh_database()
                plan = BuildPlan("replay", [], plan.from_state + plan.replayed)
                state = state_after([], self.nodes, self.loader.unmigrated_apps)
        self.done.extend(plan.from_state)
        state = self.apply_all(plan.replayed, state)
        if self.failed and plan.mode == "state+replay":
            # Decide by checking: the same history replayed from an empty database.
            failed = sorted(self.failed)
            self.stats.notes.append(
                f"{', '.join(f'{a}.{n}' for a, n in failed)} failed on top of the state build; "
                "the whole history was replayed instead"
            )
            self.failed.clear()
            self.stale = None
            self.done = []
            self.stats.build_mode = "replay"
            self.stats.build = f"schema built by replaying {len(plan.from_state + plan.replayed)}"
            self.stats.build += " migrations"
            self.fresh_database()
            base = [k for k in self.plan_order if k in set(plan.from_state + plan.replayed)]
            state = self.apply_all(base, state_after([], self.nodes, self.loader.unmigrated_apps))
        for key in sorted(self.failed):
            self.stats.notes.append(
                f"{key[0]}.{key[1]} (before the linted migrations) fails when applied: "
                f"{self.base_errors.get(key, '?')}; the scratch database was rebuilt from the "
                "migration state after it"
            )
        return state

    def apply_rest(
        self, targets: list[Key], rest: list[Key], state: ProjectState, result: Collection
    ) -> None:
        wanted = set(targets)
        for key in rest:
            if key in wanted:
                collected, state = self.collect_one(self.nodes[key], state)
                result.migrations.append(collected)
                if self.on_collected is not None and self.tables is not None:
                    self.pending.append(collected)
                elif self.on_collected is not None:
                    self.on_collected(collected)
            else:
                state = self.apply_all([key], state)

    # -- applying --------------------------------------------------------------------------

    def apply_all(self, keys: Sequence[Key], state: ProjectState) -> ProjectState:
        """Apply migrations that are not linted (no capture); failures are remembered."""
        for key in keys:
            migration = self.nodes[key]
            if self.stale is not None:
                self.rebuild(state)
            try:
                reduced = self.apply_reduced(migration, state, None)
                if reduced is not None:
                    state = reduced
                else:
                    render(state)
                    state = apply(migration, state, self.connection, migration.atomic)
            except Exception as exc:
                if self.tables is not None or (self.state_built and key not in self.base_set):
                    raise PartialSchemaMissed(f"{key[0]}.{key[1]} failed") from exc
                self.base_errors[key] = f"{type(exc).__name__}: {str(exc).strip()[:300]}"
                before = self.state_after_done()
                state, failure = self.recover(migration, before, exc, None)
                if not failure.applied_without_transaction:
                    self.give_up(key)
            self.done.append(key)
            self.stats.applied += 1
        return state

    def collect_one(
        self, migration: Migration, state: ProjectState
    ) -> tuple[CollectedMigration, ProjectState]:
        key = (migration.app_label, migration.name)
        collected = CollectedMigration(
            app=key[0],
            name=key[1],
            migration=migration,
            from_state=light_clone(state),
            statements=[],
            column_types={},
        )
        if self.stale is not None:
            try:
                self.rebuild(state)
            except Exception as exc:
                collected.not_analysed = (
                    f"the scratch database could not be rebuilt after {self.stale[0]}."
                    f"{self.stale[1]} failed ({type(exc).__name__}: {str(exc).strip()[:300]})"
                )
                advance(migration, state)
                self.done.append(key)
                collected.take_snapshot(None)
                return collected, state
            collected.build_note = (
                "the scratch database was rebuilt from the migration state after "
                f"{self.stale_was[0]}.{self.stale_was[1]} failed"
            )
        capture = Capture(self.connection, migration, self.observer, self.ids)
        try:
            reduced = self.apply_reduced(migration, state, capture)
            if reduced is not None:
                state = reduced
            else:
                render(state)
                capture = Capture(self.connection, migration, self.observer, self.ids)
                with capture:
                    state = apply(migration, state, self.connection, migration.atomic, capture)
        except Exception as exc:
            state, capture = self.after_failure(collected, exc, capture)
        self.done.append(key)
        collected.statements = capture.statements
        collected.linter_errors = list(capture.linter_errors)
        collected.take_snapshot(capture.snapshot)
        self.stats.applied += 1
        self.stats.collected += 1
        return collected, state

    def apply_reduced(
        self, migration: Migration, state: ProjectState, capture: Capture | None
    ) -> ProjectState | None:
        """Apply ``migration`` on a state of only the models it can reach (:mod:`.substate`)
        and return ``state`` advanced past it; None when it must be applied on the whole
        rendered state instead: it may reach any model, it is not atomic, ``--trace`` watches
        it, or it failed on the small state (atomic, so nothing of it stayed; the whole state
        decides whether the failure is the migration's own)."""
        if not self.reduce or self.observer is not None:
            return None
        if not (migration.atomic and self.can_rollback()):
            return None
        small = reachable_state(state, migration)
        if small is None:
            return None
        try:
            with capture if capture is not None else contextlib.nullcontext():
                apply(migration, small, self.connection, True, capture)
        except Exception as exc:
            self.stats.reduced_fallbacks += 1
            self.stats.reduced_fallback_errors.append(
                f"{migration.app_label}.{migration.name}: {type(exc).__name__}: {exc}"[:300]
            )
            return None
        self.stats.reduced += 1
        state.__dict__.pop("apps", None)  # advanced unrendered: nothing is rendered again
        return advance(migration, state)


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """While the block runs, SIGTERM (a cancelled CI job, ``timeout``, ``docker stop``) raises
    ``SystemExit`` like Ctrl-C raises ``KeyboardInterrupt``, so the scratch database is removed
    by the ``finally`` blocks instead of being left on the server."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def reachable(graph: Any, starts: Iterable[Key], *, forwards: bool) -> set[Key]:
    """``starts`` and every migration they depend on (``forwards=True``: what applying them
    needs) or that depends on them (``forwards=False``: what they affect)."""
    seen: set[Key] = set()
    stack = [graph.node_map[key] for key in starts]
    while stack:
        node = stack.pop()
        if node.key in seen:
            continue
        seen.add(node.key)
        stack.extend(node.parents if forwards else node.children)
    return seen


def cache_key(
    targets: Iterable[Key],
    *,
    loader: MigrationLoader | None = None,
    database: str = DEFAULT_DB_ALIAS,
    build: str = "auto",
) -> str:
    """The template key a run over ``targets`` would look up (``--print-cache-key``): CI can
    name its cache after it. Touches no database but asks the server for its version."""
    replay = Replay(
        loader or MigrationLoader(None, ignore_no_migrations=True),
        database=database,
        use_cache=False,
        build=build,
    )
    base, rest = replay.plan(list(dict.fromkeys(targets)))
    plan = plan_build(base, replay.nodes, build, replay.graph)
    tables = replay.partial_tables(base, rest, plan)
    mode_key = plan.mode + ("|" + tables.digest() if tables is not None else "")
    return base_digest(replay.nodes, base, replay.server.version_num(), mode_key)
