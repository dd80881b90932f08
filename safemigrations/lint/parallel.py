"""Lint many migrations in parallel: ``lintmigrations --all`` on a large project.

Applying 250 migrations one after another costs what ``migrate`` costs, most of it Django
re-rendering the migration state's models after each operation, on one core. Each chunk of
targets (contiguous in graph order) can start from its own scratch database, built from the
migration state before the chunk (:mod:`safemigrations.lint.replay.statebuild`), so the chunks
run in worker processes (forked after Django is set up: the migration graph is shared, not
rebuilt) and their results are merged in graph order.

A worker that dies is never a silent skip: its migrations become not analysed (SM910 in the
report's counts) with the error.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.migrations.loader import MigrationLoader

from safemigrations.lint.config import LintConfig
from safemigrations.lint.model import Finding
from safemigrations.lint.replay.results import (
    REPORT_TO,
    CapturedStatement,
    CollectedMigration,
    Collection,
    CollectionStats,
    MigrationFailure,
)

Key = tuple[str, str]

#: Fewer targets than this are linted in one process (a worker's start-up and its own base
#: build cost more than they save).
MIN_TARGETS_PER_JOB = 40


def default_jobs(targets: int) -> int:
    """Worker processes for ``targets`` migrations: one per core (at most 4), one chunk per
    :data:`MIN_TARGETS_PER_JOB` targets at least."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, 4, targets // MIN_TARGETS_PER_JOB))


@dataclass
class ChunkResult:
    """What a worker sends back: plain data (no migration objects, no project state)."""

    findings: dict[Key, list[Finding]] = field(default_factory=dict)
    fresh: list[Finding] = field(default_factory=list)
    collected: list[dict[str, Any]] = field(default_factory=list)
    stats: CollectionStats = field(default_factory=CollectionStats)
    server_version: int = 0
    pg_version: int = 0


_WORK: dict[str, Any] = {}


def _lint_chunk(chunk: list[Key]) -> ChunkResult:
    from safemigrations.lint.project import lint_migrations

    options = _WORK["options"]
    result = lint_migrations(chunk, jobs=1, loader=_WORK["loader"], **options)
    collection = result.collection
    assert collection is not None
    out = ChunkResult(
        findings=dict(result.by_migration),
        fresh=list(result.fresh),
        stats=collection.stats,
        server_version=collection.server_version,
        pg_version=result.pg_version,
    )
    for c in collection.migrations:
        out.collected.append(
            {
                "key": c.key,
                "statements": c.statements,
                "failure": c.failure,
                "not_analysed": c.not_analysed,
                "linter_errors": c.linter_errors,
                "build_note": c.build_note,
            }
        )
    return out


def chunks(keys: Sequence[Key], jobs: int) -> list[list[Key]]:
    """``keys`` cut into ``jobs`` contiguous runs of about equal length."""
    size = -(-len(keys) // jobs)
    return [list(keys[i : i + size]) for i in range(0, len(keys), size)]


def lint_in_parallel(
    keys: list[Key], *, jobs: int, loader: MigrationLoader, config: LintConfig, **options: Any
) -> Any:
    """Lint ``keys`` in ``jobs`` forked workers; a :class:`~safemigrations.lint.project.
    LintResult` as one process would return it (``collection.stats`` summed; its ``build``
    says how many workers ran)."""
    from safemigrations.lint.project import LintResult

    started = time.perf_counter()
    parts = chunks(keys, jobs)
    _WORK.update(loader=loader, options={**options, "config": config})
    connections.close_all()  # a forked worker must not share the parent's sockets
    context = multiprocessing.get_context("fork")
    results: list[ChunkResult | BaseException] = []
    with context.Pool(len(parts)) as pool:
        pending = [pool.apply_async(_lint_chunk, (part,)) for part in parts]
        for job in pending:
            try:
                results.append(job.get())
            except BaseException as exc:  # a dead worker: its migrations are not analysed
                results.append(exc)
    _WORK.clear()
    merged = LintResult()
    collection = Collection()
    stats = collection.stats
    modes: list[str] = []
    for part, outcome in zip(parts, results, strict=True):
        if isinstance(outcome, BaseException):
            for key in part:
                collected = _collected(loader, {"key": key})
                collected.not_analysed = (
                    f"the worker process linting it failed ({type(outcome).__name__}: "
                    f"{str(outcome).strip()[:300]}); {REPORT_TO}"
                )
                collection.migrations.append(collected)
                merged.by_migration[key] = []
            stats.internal_errors += len(part)
            continue
        collection.server_version = collection.server_version or outcome.server_version
        merged.pg_version = merged.pg_version or outcome.pg_version
        for record in outcome.collected:
            collection.migrations.append(_collected(loader, record))
        for key, found in outcome.findings.items():
            merged.by_migration[key] = found
            merged.findings.extend(found)
        merged.fresh.extend(outcome.fresh)
        _add(stats, outcome.stats)
        modes.append(outcome.stats.build_mode)
    stats.seconds = time.perf_counter() - started
    stats.build_mode = modes[0] if len(set(modes)) == 1 else "+".join(dict.fromkeys(modes))
    stats.build = (
        f"{len(parts)} worker processes, each from a schema built for its chunk "
        f"({', '.join(dict.fromkeys(modes))})"
    )
    merged.collection = collection
    _add_not_analysed_findings(merged, collection, config)
    return merged


def _collected(loader: MigrationLoader, record: dict[str, Any]) -> CollectedMigration:
    key = record["key"]
    collected = CollectedMigration(
        app=key[0],
        name=key[1],
        migration=loader.graph.nodes[key],
        from_state=None,
        statements=list[CapturedStatement](record.get("statements") or []),
        column_types={},
    )
    failure: MigrationFailure | None = record.get("failure")
    collected.failure = failure
    collected.not_analysed = record.get("not_analysed")
    collected.linter_errors = list(record.get("linter_errors") or [])
    collected.build_note = record.get("build_note")
    return collected


def _add(total: CollectionStats, part: CollectionStats) -> None:
    for name in ("applied", "collected", "templates_saved", "rebuilds", "internal_errors"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.template_hit = total.template_hit or part.template_hit
    total.template_from_dump = total.template_from_dump or part.template_from_dump
    total.base_seconds = max(total.base_seconds, part.base_seconds)
    total.tables_created += part.tables_created
    total.cache_key = total.cache_key or part.cache_key
    total.notes.extend(part.notes)


def _add_not_analysed_findings(result: Any, collection: Collection, config: LintConfig) -> None:
    """SM910 for the migrations of a worker that died (the others carry their own)."""
    from safemigrations.lint.project import lint_not_analysed

    for collected in collection.migrations:
        if collected.not_analysed and not result.by_migration.get(collected.key):
            version = result.pg_version or config.target_pg_version or 14
            found = lint_not_analysed(collected, config=config, pg_version=version)
            result.by_migration[collected.key] = found
            result.findings.extend(found)
