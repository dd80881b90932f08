"""Find or start the PostgreSQL server that the tests, the demo and scratch databases use.

Order of preference:

1. ``DATABASE_URL`` when it is set (any PostgreSQL 14+ server). It must be reachable: an
   unreachable ``DATABASE_URL`` is an error, never a silent fallback.
2. An embedded PostgreSQL started in a temporary directory and stopped when the process exits:
   the ``pgserver`` wheel (``pip install 'safemigrations[embedded]'``, CPython <= 3.12), or else the
   PostgreSQL server binaries found on the machine (``pg_config --bindir``, ``PATH``, Debian's
   ``/usr/lib/postgresql/*/bin``), started under an unprivileged user when running as root.
3. Neither: :class:`DatabaseUnavailable` with a message saying how to provide one.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from safemigrations.exceptions import DatabaseUnavailable

HOW_TO_PROVIDE = (
    "Set DATABASE_URL to a reachable PostgreSQL 14+ server "
    "(e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres), "
    "or install the embedded server with `pip install 'safemigrations[embedded]'` "
    "(CPython <= 3.12), or install PostgreSQL's server binaries (initdb, pg_ctl) on this machine."
)


@dataclass(frozen=True)
class Server:
    """Connection facts of one PostgreSQL server, and where they came from.

    ``params`` are libpq keywords (host, port, user, password, dbname); ``source`` says whether the
    server came from ``DATABASE_URL``, ``pgserver`` or local binaries, for the harness's header.
    """

    params: dict[str, str]
    source: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def dbname(self) -> str:
        return self.params.get("dbname") or "postgres"

    def conninfo(self, dbname: str | None = None, **overrides: Any) -> str:
        """A libpq connection string for ``dbname`` (default: the server's own database)."""
        params: dict[str, Any] = dict(self.params)
        params["dbname"] = dbname or self.dbname
        params.update(overrides)
        return make_conninfo(**params)

    def connect(self, dbname: str | None = None, autocommit: bool = True) -> psycopg.Connection:
        """Open a psycopg connection (autocommit by default: DDL tools want it)."""
        return psycopg.connect(self.conninfo(dbname), autocommit=autocommit)

    def django_database(self, dbname: str | None = None) -> dict[str, Any]:
        """A ``settings.DATABASES`` entry for this server."""
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": dbname or self.dbname,
            "USER": self.params.get("user", ""),
            "PASSWORD": self.params.get("password", ""),
            "HOST": self.params.get("host", ""),
            "PORT": self.params.get("port", ""),
        }

    def version(self) -> str:
        """The server's ``SHOW server_version``."""
        with self.connect() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        assert row is not None
        return str(row[0])

    def version_num(self) -> int:
        """The server's ``server_version_num`` (e.g. 150004)."""
        with self.connect() as conn:
            row = conn.execute("SHOW server_version_num").fetchone()
        assert row is not None
        return int(row[0])


def server_from_url(url: str, source: str = "DATABASE_URL") -> Server:
    """Parse a ``postgres://`` / ``postgresql://`` URL (or a libpq key=value string)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    try:
        params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    except psycopg.ProgrammingError as exc:
        raise DatabaseUnavailable(
            f"DATABASE_URL={url!r} is not a valid PostgreSQL URL: {exc}"
        ) from exc
    return Server(params=params, source=source)


def check_reachable(server: Server, what: str) -> None:
    """Connect once; raise :class:`DatabaseUnavailable` with advice when that fails."""
    try:
        with psycopg.connect(server.conninfo(), connect_timeout=10):
            pass
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(
            f"Cannot connect to PostgreSQL at {what}: {str(exc).strip()}\n{HOW_TO_PROVIDE}"
        ) from exc


class EmbeddedPostgres:
    """A throw-away PostgreSQL cluster in a temporary directory, stopped at process exit."""

    def __init__(self) -> None:
        self.tmpdir = Path(tempfile.mkdtemp(prefix="safemigrations-pg-"))
        self._stop: list[Any] = []
        self.server: Server | None = None

    def start(self) -> Server:
        """Start with pgserver when installed, else with the machine's own server binaries."""
        errors = []
        try:
            self.server = self._start_pgserver()
        except ImportError as exc:
            errors.append(f"pgserver: not installed ({exc})")
        except Exception as exc:  # pgserver raises plain exceptions on startup failures
            errors.append(f"pgserver: {exc}")
        if self.server is None:
            try:
                self.server = self._start_local_binaries()
            except DatabaseUnavailable as exc:
                errors.append(f"local binaries: {exc}")
        if self.server is None:
            self.stop()
            raise DatabaseUnavailable(
                "DATABASE_URL is not set and no embedded PostgreSQL could be started:\n  - "
                + "\n  - ".join(errors)
                + "\n"
                + HOW_TO_PROVIDE
            )
        atexit.register(self.stop)
        return self.server

    def stop(self) -> None:
        """Stop the server and remove its directory (idempotent)."""
        while self._stop:
            action = self._stop.pop()
            with contextlib.suppress(Exception):  # best effort at exit
                action()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def _start_pgserver(self) -> Server:
        import pgserver  # type: ignore[import-not-found,unused-ignore]

        pg = pgserver.get_server(self.tmpdir / "pgdata", cleanup_mode="stop")
        self._stop.append(pg.cleanup)
        return server_from_url(pg.get_uri(), source="embedded (pgserver)")

    def _start_local_binaries(self) -> Server:
        bindir = find_server_bindir()
        if bindir is None:
            raise DatabaseUnavailable(
                "no initdb/pg_ctl found (looked at `pg_config --bindir`, PATH and "
                "/usr/lib/postgresql/*/bin)"
            )
        run_as: dict[str, Any] = {}
        user = "postgres"
        if os.geteuid() == 0:
            # initdb refuses to run as root: hand the directory to an unprivileged account.
            account = _unprivileged_account()
            run_as = {"user": account.pw_uid, "group": account.pw_gid}
            os.chown(self.tmpdir, account.pw_uid, account.pw_gid)
            user = account.pw_name
        data, sock = self.tmpdir / "data", self.tmpdir
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        _run(
            [str(bindir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8"],
            env,
            run_as,
        )
        log = self.tmpdir / "server.log"
        opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        _run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "start"],
            env,
            run_as,
        )
        self._stop.append(
            lambda: _run(
                [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                env,
                run_as,
            )
        )
        return Server(
            params={"host": str(sock), "user": user, "dbname": "postgres", "port": "5432"},
            source=f"embedded ({bindir})",
        )


def _run(cmd: list[str], env: dict[str, str], run_as: dict[str, Any]) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, **run_as)
    if proc.returncode != 0:
        raise DatabaseUnavailable(f"{' '.join(cmd[:1])} failed: {proc.stderr.strip()[-2000:]}")


def _unprivileged_account() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise DatabaseUnavailable(
        "running as root and neither a 'postgres' nor a 'nobody' account exists"
    )


def find_server_bindir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``, newest PostgreSQL first."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)

    def major(path: str) -> float:
        try:
            return float(Path(path).parent.name)
        except ValueError:
            return 0.0

    candidates += [
        Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True)
    ]
    for cand in candidates:
        if (cand / "initdb").exists() and (cand / "pg_ctl").exists():
            return cand
    return None


_lock = threading.Lock()
_current: Server | None = None


def get_server() -> Server:
    """The server for this process: ``DATABASE_URL`` when set, else an embedded one (started once)."""
    global _current
    with _lock:
        if _current is None:
            url = os.environ.get("DATABASE_URL", "").strip()
            if url:
                server = server_from_url(url)
                check_reachable(server, f"DATABASE_URL={url}")
            else:
                server = EmbeddedPostgres().start()
                check_reachable(server, server.source)
            _current = server
        return _current


def django_database_settings(dbname: str | None = None) -> dict[str, Any]:
    """A ready ``DATABASES['default']`` for settings modules (tests, example project)."""
    return get_server().django_database(dbname)
