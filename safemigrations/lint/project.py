"""Lint a Django project's migrations: collect what they really run, then judge it.

This is the library behind ``lintmigrations``, ``sqlmigrate --lint`` and ``makemigrations
--lint``: :func:`lint_migrations` replays the targets on a scratch database
(:mod:`safemigrations.lint.collect`), runs the SQL rules and the Django-level rules over each
migration (:func:`safemigrations.lint.engine.lint_migration`), and applies the suppressions
(:mod:`safemigrations.lint.suppress`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.migrations.loader import MigrationLoader

from safemigrations.lint import suppress
from safemigrations.lint.collect import CollectedMigration, Collection, StatementObserver, collect
from safemigrations.lint.config import LintConfig
from safemigrations.lint.engine import lint_migration
from safemigrations.lint.fold import fold_covered
from safemigrations.lint.fresh import fresh_install_tables, mark_fresh_install, split_fresh
from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.replay.results import REPORT_TO
from safemigrations.lint.rules.base import MigrationContext, all_rules
from safemigrations.lint.tablesize import TableStats, judge_by_size

Key = tuple[str, str]


@dataclass
class LintResult:
    """Findings of a run, per migration and in total, with the collection behind them.

    ``fresh`` holds the findings about tables created earlier in the same migration, left out
    of ``findings`` (unless ``include_fresh``: then they are in ``findings`` too, as ``info``);
    reports say how many there were.
    """

    findings: list[Finding] = field(default_factory=list)
    by_migration: dict[Key, list[Finding]] = field(default_factory=dict)
    collection: Collection | None = None
    pg_version: int = 0
    fresh: list[Finding] = field(default_factory=list)
    table_stats: TableStats | None = None

    def failed(self, config: LintConfig) -> bool:
        """True when a finding reaches ``config.fail_on``."""
        return any(config.fails(f.severity) for f in self.findings)


def lint_migrations(
    targets: Iterable[Key],
    *,
    config: LintConfig | None = None,
    pg_version: int | None = None,
    database: str = DEFAULT_DB_ALIAS,
    use_cache: bool = True,
    observer: StatementObserver | None = None,
    loader: MigrationLoader | None = None,
    build: str = "auto",
    cache_dir: str | None = None,
    jobs: int | None = None,
    table_stats: TableStats | None = None,
) -> LintResult:
    """Collect and lint ``targets`` (``(app_label, name)`` keys), in graph order.

    The PostgreSQL version the rules assume is ``pg_version``, else the configured
    ``target_pg_version``, else the major version of the server the scratch database ran on.
    Apps in ``config.exclude_apps`` are left out. ``build`` and ``cache_dir``: how the schema
    before the targets is built and where its template is kept as a file (see
    :func:`safemigrations.lint.collect.collect`). Each migration is judged as soon as it is
    collected, and its project state is then released (a large project's 260 states do not
    all stay in memory). ``jobs``: worker processes for many targets (None: one per core, at
    most 4, see :mod:`safemigrations.lint.parallel`); ``--trace`` runs in one process.
    Findings on tables created earlier in the same migration go to ``result.fresh`` (see
    :mod:`safemigrations.lint.fresh`). With ``table_stats``, each finding whose harm grows with
    the table is judged by the table's size (see :mod:`safemigrations.lint.tablesize`).
    """
    config = config or LintConfig()
    keys = [k for k in targets if k[0] not in config.exclude_apps]
    from safemigrations.lint import parallel

    workers = parallel.default_jobs(len(keys)) if jobs is None else jobs
    if observer is None and workers > 1 and len(keys) > 1:
        merged: LintResult = parallel.lint_in_parallel(
            keys,
            jobs=min(workers, len(keys)),
            loader=loader or MigrationLoader(None, ignore_no_migrations=True),
            config=config,
            pg_version=pg_version,
            database=database,
            use_cache=use_cache,
            build=build,
            cache_dir=cache_dir,
        )
        # The workers set fresh findings aside (``merged.fresh``); sizes are judged here.
        merged.table_stats = table_stats
        if table_stats is not None:
            judge_by_size(merged.findings, table_stats, config)
        return merged
    result = LintResult(table_stats=table_stats)
    server_version: list[int] = []

    def judge(collected: CollectedMigration) -> None:
        version = pg_version or config.target_pg_version or server_version[0] // 10000
        findings = lint_collected(collected, config=config, pg_version=version)
        collected.from_state = None
        findings = judge_history(findings, result, config)
        result.by_migration[collected.key] = findings
        result.findings.extend(findings)

    from safemigrations.db.scratch import lint_server

    server_version.append(lint_server(database)[0].version_num())
    collection = collect(
        keys,
        database=database,
        use_cache=use_cache,
        observer=observer,
        loader=loader,
        build=build,
        cache_dir=cache_dir,
        on_collected=judge,
    )
    result.collection = collection
    result.pg_version = pg_version or config.target_pg_version or collection.server_version // 10000
    return result


def judge_history(findings: list[Finding], result: LintResult, config: LintConfig) -> list[Finding]:
    """Set aside the findings on tables no traffic can reach (``result.fresh``; shown as
    ``info`` with ``include_fresh``) and judge the rest by table size when stats are given."""
    findings, fresh = split_fresh(findings)
    result.fresh.extend(fresh)
    if config.include_fresh:
        for f in fresh:
            f.severity = Severity.INFO
        findings = sorted(findings + fresh, key=_order)
    if result.table_stats is not None:
        judge_by_size(findings, result.table_stats, config)
    return findings


def lint_collected(
    collected: CollectedMigration, *, config: LintConfig, pg_version: int
) -> list[Finding]:
    """The findings of one collected migration, superseded and suppressed ones removed."""
    try:
        return _lint_collected(collected, config=config, pg_version=pg_version)
    except Exception as exc:  # a rule's bug must not hide the migration: say so, count it
        collected.not_analysed = (
            f"the linter's rules failed on it ({type(exc).__name__}: {str(exc).strip()[:300]}); "
            f"{REPORT_TO}"
        )
        return lint_not_analysed(collected, config=config, pg_version=pg_version)


def lint_not_analysed(
    collected: CollectedMigration, *, config: LintConfig, pg_version: int
) -> list[Finding]:
    """Only the SM910 finding of a migration the linter could not analyse at all."""
    return _lint_collected(collected, config=config, pg_version=pg_version, only=("SM910",))


def _lint_collected(
    collected: CollectedMigration,
    *,
    config: LintConfig,
    pg_version: int,
    only: tuple[str, ...] = (),
) -> list[Finding]:
    if migrate_bounds_lock_waits() and not config.session_lock_timeout:
        config = config.merged(session_lock_timeout=True)
    ctx = MigrationContext(
        app=collected.app,
        name=collected.name,
        migration=collected.migration,
        operations=list(collected.migration.operations),
        from_state=collected.from_state,
        statements=[] if only else collected.to_statements(),
        pg_version=pg_version,
        config=config,
        schema=collected.schema(),
        collected=collected,
    )
    if only:
        return lint_migration(ctx, only=only)
    findings = drop_handled_by_operation(drop_superseded(lint_migration(ctx)), ctx.operations)
    install = fresh_install_tables(collected.app, collected.migration, collected.from_state)
    if install is not None:
        mark_fresh_install(findings, install)
    findings = suppress.apply(
        findings, collected.migration, app=collected.app, name=collected.name, config=config
    )
    # After suppressions: an accepted blocking step keeps its statement_timeout finding.
    return sorted(fold_covered(findings), key=_order)


def drop_superseded(findings: list[Finding]) -> list[Finding]:
    """Remove findings that a more precise Django-level finding on the same operation explains.

    A rule lists the rules it supersedes in ``supersedes`` (ids): e.g. "the migration fails"
    is noise next to "concurrent operation in an atomic migration" for the same operation.
    """
    superseding: dict[str, tuple[str, ...]] = {r.id: r.supersedes for r in all_rules()}
    covered: set[tuple[Any, ...]] = set()
    for f in findings:
        for other in superseding.get(f.rule, ()):
            covered.add((other, f.app, f.migration, f.operation_index))
    return [f for f in findings if (f.rule, f.app, f.migration, f.operation_index) not in covered]


def migrate_bounds_lock_waits() -> bool:
    """True when ``manage.py migrate`` is safemigrations' command and bounds every lock wait."""
    from django.core.management import get_commands

    from safemigrations.conf import setting

    return get_commands().get("migrate") == "safemigrations" and bool(setting("MIGRATE_LOCK_WAITS"))


#: Rules about re-running an interrupted step, which safemigrations' own operations handle (they
#: check ``pg_index.indisvalid`` / ``pg_constraint`` before each step and finish a half-done one).
RESUMABLE_RULES = frozenset({"SM103", "SM966"})


def drop_handled_by_operation(findings: list[Finding], operations: Sequence[Any]) -> list[Finding]:
    """Remove re-run findings on statements that a resumable safemigrations operation emitted."""
    from safemigrations.operations.base import SafeOperation

    def handled(f: Finding) -> bool:
        index = f.operation_index
        return (
            f.rule in RESUMABLE_RULES
            and index is not None
            and 0 <= index < len(operations)
            and isinstance(operations[index], SafeOperation)
        )

    return [f for f in findings if not handled(f)]


def _order(finding: Finding) -> tuple[Any, ...]:
    index = finding.operation_index if finding.operation_index is not None else -1
    return (index, finding.line, -finding.severity.rank, finding.rule)
