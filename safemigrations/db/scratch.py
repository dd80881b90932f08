"""Throw-away databases on a PostgreSQL server: for tests, benchmarks and the linter's replays."""

from __future__ import annotations

import contextlib
import copy
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from .server import DatabaseUnavailable, Server, get_server, server_from_url


def scratch_name(prefix: str) -> str:
    """A unique, valid database name that starts with ``prefix`` (at most 63 bytes)."""
    clean = re.sub(r"[^a-z0-9_]", "_", prefix.lower())[:40]
    return f"{clean}_{uuid.uuid4().hex[:12]}"


def create_database(
    server: Server, name: str, template: str | None = None, *, file_copy: bool = False
) -> None:
    """``CREATE DATABASE name [TEMPLATE template]``.

    ``file_copy=True`` adds ``STRATEGY = FILE_COPY`` (PostgreSQL 15+): copying a small template
    file by file is several times faster than the default WAL-logged copy.
    """
    stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        stmt = sql.SQL("{} TEMPLATE {}").format(stmt, sql.Identifier(template))
    if file_copy:
        stmt = sql.SQL("{} STRATEGY = FILE_COPY").format(stmt)
    with server.connect() as conn:
        conn.execute(stmt)


def drop_database(server: Server, name: str) -> None:
    """``DROP DATABASE IF EXISTS name WITH (FORCE)``: ends sessions still connected to it."""
    with server.connect() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def scratch_database(
    prefix: str = "safemigrations", server: Server | None = None, template: str | None = None
) -> Iterator[str]:
    """Create a uniquely named database, yield its name, and drop it afterwards."""
    server = server or get_server()
    name = scratch_name(prefix)
    create_database(server, name, template)
    try:
        yield name
    finally:
        drop_database(server, name)


def server_for_django(settings_dict: dict[str, Any]) -> Server:
    """The PostgreSQL server a Django ``DATABASES`` entry points at, as a :class:`Server`.

    Scratch databases for the linter live next to the project's own database, so they inherit
    its host, port, credentials and libpq ``OPTIONS`` (``sslmode`` …). The maintenance database
    ``postgres`` is used to create and drop them, as Django's test runner does.
    """
    params: dict[str, str] = {"dbname": "postgres"}
    for key, libpq in (
        ("HOST", "host"),
        ("PORT", "port"),
        ("USER", "user"),
        ("PASSWORD", "password"),
    ):
        if settings_dict.get(key):
            params[libpq] = str(settings_dict[key])
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if isinstance(value, str | int) and key in _LIBPQ_OPTIONS:
            params[key] = str(value)
    return Server(params=params, source="the project's default database server")


_LIBPQ_OPTIONS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "passfile",
    "service",
    "connect_timeout",
    "options",
    "application_name",
    "target_session_attrs",
}


def retire_database(server: Server, name: str, prefix: str) -> bool:
    """Rename database ``name`` to ``prefix`` + ``old_…`` for :func:`drop_retired` to drop later.

    ``DROP DATABASE`` forces a server-wide checkpoint (3.8 s measured on a busy PostgreSQL 15,
    longer than a whole warm lint run); a rename is instant. False when the database could not
    be renamed (a session is still connected): it is then dropped at once.
    """
    try:
        with server.connect() as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(name), sql.Identifier(scratch_name(prefix + "old"))
                )
            )
        return True
    except psycopg.Error:
        drop_database(server, name)
        return False


def run_database_name(prefix: str) -> str:
    """A name for a run's scratch database: ``prefix`` + ``run_<unix time>_<random>``, so a
    later run can tell an abandoned one (its process was killed) by its age."""
    return scratch_name(f"{prefix}run_{int(time.time())}")


#: A scratch database older than this with no session connected was abandoned by a killed run.
ABANDONED_AFTER = 3600


def drop_retired(server: Server, prefix: str) -> int:
    """Drop the databases :func:`retire_database` left (``prefix`` + ``old_…``), and scratch
    databases of runs that were killed (``run_…`` older than an hour, no session connected);
    errors are ignored (another run may be dropping the same one). Returns how many went."""
    dropped = 0
    with contextlib.suppress(psycopg.Error):
        for name in databases_with_prefix(server, prefix + "old_"):
            with contextlib.suppress(psycopg.Error):
                drop_database(server, name)
                dropped += 1
        now = time.time()
        for name in databases_with_prefix(server, prefix + "run_"):
            stamp = name[len(prefix) + 4 :].split("_", 1)[0]
            if stamp.isdigit() and now - int(stamp) > ABANDONED_AFTER:
                with contextlib.suppress(psycopg.Error):
                    dropped += drop_unused_database(server, name)
    return dropped


class Janitor:
    """Drops retired databases in a daemon thread while a run does its own work, so the
    checkpoint each ``DROP DATABASE`` forces is never waited for on the run's path."""

    def __init__(self, server: Server, prefix: str) -> None:
        import threading

        self.thread = threading.Thread(
            target=drop_retired, args=(server, prefix), name="safemigrations-janitor", daemon=True
        )

    def start(self) -> Janitor:
        self.thread.start()
        return self

    def join(self, timeout: float = 60.0) -> None:
        """Wait for the drops (bounded: a drop still running is left to the next run)."""
        self.thread.join(timeout)


def database_exists(server: Server, name: str) -> bool:
    """True when a database called ``name`` exists on ``server``."""
    with server.connect() as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def databases_with_prefix(server: Server, prefix: str) -> list[str]:
    """Names of the databases starting with ``prefix``, oldest (lowest oid) first."""
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s) ORDER BY oid", [prefix]
        ).fetchall()
    return [r[0] for r in rows]


class TemplateCache:
    """Databases kept on the server as templates, named ``prefix`` + a content key.

    The linter replays migrations into scratch databases; a template holding the schema after a
    known set of migrations lets the next run start from there with ``CREATE DATABASE … TEMPLATE``
    instead of applying them again. ``keep`` bounds how many templates stay on the server (the
    oldest are dropped first). Two processes saving the same key at once is harmless: the loser's
    ``CREATE DATABASE`` fails with "already exists" and is ignored.
    """

    def __init__(
        self,
        server: Server,
        prefix: str = "smlint_tpl_",
        keep: int = 4,
        retired_prefix: str | None = None,
    ) -> None:
        self.server = server
        self.prefix = prefix
        self.keep = keep
        #: Where pruned templates go (renamed ``retired_prefix + "old_…"``, dropped later).
        self.retired_prefix = retired_prefix or prefix
        # The default (WAL-logged) copy: its cost is the template's size (a few MB of schema).
        # STRATEGY = FILE_COPY forces a server-wide checkpoint, whose cost is every other
        # database's dirty buffers: 0.9-2.3 s against 0.2 s for a 16 MB template on a shared
        # PostgreSQL 15 (benchmarks/lint_large_project.py).
        self.file_copy = False

    def name(self, key: str) -> str:
        """The template database name for ``key`` (a hex digest; cut to fit 63 bytes)."""
        return (self.prefix + key)[:63]

    def lookup(self, key: str) -> str | None:
        """The template's name when one exists for ``key``."""
        name = self.name(key)
        return name if database_exists(self.server, name) else None

    def save(self, source: str, key: str) -> bool:
        """Copy database ``source`` (no session may be connected to it) as the template for
        ``key``; False when it already existed."""
        name = self.name(key)
        try:
            create_database(self.server, name, template=source, file_copy=self.file_copy)
        except psycopg.errors.DuplicateDatabase:
            return False
        self.prune()
        return True

    def adopt(self, source: str, key: str) -> bool:
        """Make database ``source`` itself the template for ``key`` by renaming it (no copy; no
        session may be connected to it, and it is gone under its old name afterwards); False
        when a template for ``key`` already existed (``source`` is then left as it was)."""
        name = self.name(key)
        try:
            with self.server.connect() as conn:
                conn.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(source), sql.Identifier(name)
                    )
                )
        except psycopg.errors.DuplicateDatabase:
            return False
        self.prune()
        return True

    def prune(self) -> None:
        """Retire the oldest templates beyond ``keep`` (renamed for :func:`drop_retired`; a
        template in use by a concurrent run stays until a later prune)."""
        names = databases_with_prefix(self.server, self.prefix)
        retired = self.retired_prefix
        for name in names[: max(0, len(names) - self.keep)]:
            with contextlib.suppress(psycopg.Error), self.server.connect() as conn:
                conn.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(name), sql.Identifier(scratch_name(retired + "old"))
                    )
                )

    def clear(self) -> None:
        """Drop every template of this cache."""
        for name in databases_with_prefix(self.server, self.prefix):
            drop_database(self.server, name)


@contextmanager
def django_alias(
    settings_dict: dict[str, Any], dbname: str, alias: str | None = None, throwaway: bool = False
) -> Iterator[str]:
    """Point a Django connection alias at database ``dbname`` while the block runs.

    The connection copies ``settings_dict`` (usually ``connections["default"].settings_dict``)
    with ``NAME`` changed. With ``alias=None`` a fresh alias is made up; with an existing alias
    (``"default"``) its connection is *replaced* for the current thread and put back afterwards,
    so code that does not pass ``using=`` (a migration's ``RunPython``, routers) reaches the
    scratch database and never the real one. The connection is registered as a dynamically
    created one (``DATABASES`` is not changed), and is closed at the end. ``throwaway=True``
    turns ``synchronous_commit`` off for its sessions (a scratch database).
    """
    from django.db import connections
    from django.db.utils import load_backend

    alias = alias or f"safemigrations_{uuid.uuid4().hex[:8]}"
    entry = copy.deepcopy(settings_dict)
    entry["NAME"] = dbname
    if throwaway:
        # Nothing on a scratch database needs to survive a crash: commits need not wait for
        # the WAL flush (each migration commits; on a busy server a flush can take 10-50 ms).
        options = dict(entry.get("OPTIONS") or {})
        extra = "-c synchronous_commit=off"
        options["options"] = f"{options['options']} {extra}" if options.get("options") else extra
        entry["OPTIONS"] = options
    wrapper = load_backend(entry["ENGINE"]).DatabaseWrapper(entry, alias)
    local = connections._connections  # type: ignore[attr-defined]
    previous = getattr(local, alias, None)
    setattr(local, alias, wrapper)
    try:
        yield alias
    finally:
        wrapper.close()
        if previous is not None:
            setattr(local, alias, previous)
        else:
            with contextlib.suppress(AttributeError):
                delattr(local, alias)


def close_alias(alias: str) -> None:
    """Close the Django connection of ``alias`` (so its database can be copied or dropped);
    the alias stays usable and reconnects on next use."""
    from django.db import connections

    wrapper = getattr(connections._connections, alias, None)  # type: ignore[attr-defined]
    if wrapper is not None:
        wrapper.close()


def lint_server(database: str = "default") -> tuple[Server, dict[str, Any]]:
    """The server that hosts the linter's scratch and template databases, and the Django
    ``DATABASES`` entry to copy for connections to them.

    ``SAFEMIGRATIONS["LINT_DATABASE_URL"]`` when set (a server the user names, e.g. a local
    throw-away PostgreSQL in CI, when the project's role may not ``CREATE DATABASE``); else the
    project's own server when ``DATABASES[database]`` is PostgreSQL (scratch databases then
    match its version and extensions); else ``DATABASE_URL`` or the embedded server.
    """
    from django.db import connections
    from django.db.utils import ConnectionHandler

    from safemigrations.conf import setting

    url = setting("LINT_DATABASE_URL")
    if url:
        what = 'SAFEMIGRATIONS["LINT_DATABASE_URL"]'
        server = server_from_url(str(url), source=what)
        try:
            with psycopg.connect(server.conninfo(), connect_timeout=10):
                pass
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(
                f"Cannot connect to the server {what} names: {str(exc).strip()}. Fix that URL "
                "(a PostgreSQL 14+ server whose role may CREATE DATABASE), or remove the key to "
                "use the project's own database server."
            ) from None
        configured = ConnectionHandler().configure_settings({"default": server.django_database()})
        return server, configured["default"]
    settings_dict = connections[database].settings_dict
    if settings_dict.get("ENGINE", "").endswith("postgresql"):
        return server_for_django(settings_dict), settings_dict
    server = get_server()
    configured = ConnectionHandler().configure_settings({"default": server.django_database()})
    return server, configured["default"]


def lint_prefix() -> str:
    """``SAFEMIGRATIONS["LINT_DATABASE_PREFIX"]``: the start of every database name the linter
    creates (scratch databases: prefix + ``run_``; templates: prefix + ``tpl_``)."""
    from safemigrations.conf import setting

    prefix = str(setting("LINT_DATABASE_PREFIX") or "smlint_")
    return re.sub(r"[^a-z0-9_]", "_", prefix.lower())[:30]


def lint_databases(server: Server, prefix: str) -> list[tuple[str, int, int]]:
    """``(name, size in bytes, sessions connected)`` of the databases whose name starts with
    ``prefix`` (the linter's scratch and template databases), oldest first."""
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT d.datname, pg_database_size(d.oid), "
            "(SELECT count(*) FROM pg_stat_activity a WHERE a.datid = d.oid) "
            "FROM pg_database d WHERE starts_with(d.datname, %s) ORDER BY d.oid",
            [prefix],
        ).fetchall()
    return [(r[0], int(r[1]), int(r[2])) for r in rows]


def drop_unused_database(server: Server, name: str) -> bool:
    """``DROP DATABASE name`` unless a session is connected to it (a run in progress): False
    then, and the database stays."""
    try:
        with server.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    except psycopg.errors.ObjectInUse:
        return False
    return True
