"""The real-PostgreSQL harness: header with versions, scratch databases, migrator, load, locks."""

from __future__ import annotations

from collections.abc import Iterator

import django
import pytest
from django.db import connection

from safemigrations.db import catalog
from safemigrations.db.scratch import scratch_database
from safemigrations.db.server import Server, get_server
from safemigrations.testing.load import ConcurrentLoad
from safemigrations.testing.migrator import Migrator


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say once per run which PostgreSQL and Django the suite runs against."""
    server = get_server()
    return [
        f"safemigrations: PostgreSQL {server.version()} ({server.source}), "
        f"Django {django.get_version()}"
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
