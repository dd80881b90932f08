"""The real-PostgreSQL harness: header with versions, scratch databases, migrator, load, locks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import django
import pytest
from django.db import connection

from safemigrations.db import catalog
from safemigrations.db.scratch import scratch_database
from safemigrations.db.server import Server, get_server
from safemigrations.testing.load import ConcurrentLoad
from safemigrations.testing.migrator import Migrator

#: Where PostgreSQL's regression SQL is (``tests/test_lint_corpus.py``): the option or the
#: environment variable demands it (the test fails when it is missing there); without either the
#: tests that need it are deselected with a note, so a fresh clone's suite needs nothing beside it.
PG_REGRESS_ENV = "SAFEMIGRATIONS_PG_REGRESS_DIR"
_HOW_TO_RUN = (
    f"set {PG_REGRESS_ENV}=<dir of PostgreSQL's src/test/regress/sql/*.sql> (or pass "
    "--pg-regress-dir DIR), as .ci/run does"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--pg-regress-dir``: run the regression-corpus tests on this directory."""
    parser.addoption(
        "--pg-regress-dir",
        default=None,
        help=f"PostgreSQL's regression *.sql files for the corpus test (also ${PG_REGRESS_ENV})",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Decide where the corpus is, before the corpus test module reads it at import."""
    demanded = config.getoption("--pg-regress-dir") or os.environ.get(PG_REGRESS_ENV)
    if demanded:
        os.environ[PG_REGRESS_ENV] = str(demanded)
    config.stash[_CORPUS_KEY] = os.environ.get(PG_REGRESS_ENV)
    config.stash[_DESELECTED_KEY] = 0


_CORPUS_KEY = pytest.StashKey[str | None]()
_DESELECTED_KEY = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a corpus, deselect the ``pg_regress`` tests (said in the header and summary)."""
    if config.stash[_CORPUS_KEY]:
        return
    deselected = [item for item in items if item.get_closest_marker("pg_regress")]
    if deselected:
        items[:] = [item for item in items if not item.get_closest_marker("pg_regress")]
        config.hook.pytest_deselected(items=deselected)
        config.stash[_DESELECTED_KEY] = len(deselected)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say loudly that the corpus test did not run, and how to run it."""
    count = config.stash.get(_DESELECTED_KEY, 0)
    if count:
        terminalreporter.write_line(
            f"NOTE: the PostgreSQL regression-corpus test was NOT run ({count} test(s) "
            f"deselected: no corpus found). To run it: {_HOW_TO_RUN}.",
            yellow=True,
            bold=True,
        )


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say once per run which PostgreSQL and Django the suite runs against, and the corpus."""
    server = get_server()
    corpus = config.stash.get(_CORPUS_KEY, None)
    return [
        f"safemigrations: PostgreSQL {server.version()} ({server.source}), "
        f"Django {django.get_version()}",
        f"pg-regress corpus: {corpus}"
        if corpus
        else f"pg-regress corpus: none, its test is NOT run ({_HOW_TO_RUN})",
    ]


@pytest.fixture(scope="session")
def pg_server() -> Server:
    """The PostgreSQL server of this run (``DATABASE_URL`` or embedded)."""
    return get_server()


@pytest.fixture(scope="module")
def scratch_db(pg_server: Server, request: pytest.FixtureRequest) -> Iterator[str]:
    """A throw-away database for the test module; yields its name and drops it afterwards."""
    with scratch_database(request.module.__name__.rsplit(".", 1)[-1], pg_server) as name:
        yield name


@pytest.fixture
def migrator(transactional_db: None) -> Migrator:
    """Migrate test apps back and forth on the Django test database (outside transactions)."""
    return Migrator()


@pytest.fixture
def test_db_conninfo(pg_server: Server, transactional_db: None) -> str:
    """libpq conninfo of the Django test database, for concurrent clients and lock recorders."""
    return pg_server.conninfo(connection.settings_dict["NAME"])


@pytest.fixture
def cursor(transactional_db: None) -> Iterator[object]:
    """A Django cursor on the test database, for ``safemigrations.db.catalog`` readers."""
    with connection.cursor() as cur:
        yield cur


@pytest.fixture
def pg_catalog():  # type: ignore[no-untyped-def]
    """The catalog readers module (constraints, indexes, columns, locks_held, relfilenode)."""
    return catalog


@pytest.fixture
def concurrent_load(test_db_conninfo: str):  # type: ignore[no-untyped-def]
    """Factory: ``concurrent_load(writers=[...], readers=[...])`` bound to the test database."""

    def make(**kwargs: object) -> ConcurrentLoad:
        return ConcurrentLoad(test_db_conninfo, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def scenario(settings):  # type: ignore[no-untyped-def]
    """``scenario("unsafe")`` points the lintdj app at that migration chain (a package under
    ``tests/testapps/lintdj/scenarios``) and returns its keys in graph order."""
    from django.db.migrations.loader import MigrationLoader

    def use(name: str) -> list[tuple[str, str]]:
        settings.MIGRATION_MODULES = {"lintdj": f"tests.testapps.lintdj.scenarios.{name}"}
        loader = MigrationLoader(None, ignore_no_migrations=True)
        leaf = loader.graph.leaf_nodes("lintdj")[0]
        return [k for k in loader.graph.forwards_plan(leaf) if k[0] == "lintdj"]

    return use
