"""Keep template databases as files, so a CI runner that starts with an empty server can start
from the schema the previous run built (``--cache-dir``).

A template is written with ``pg_dump --format=custom --schema-only`` to ``DIR/<key>.dump`` and
read back with ``pg_restore`` into a new template database. The key (see
:func:`safemigrations.lint.replay.keys.base_digest`) changes whenever a migration file before
the targets, Django, safemigrations or the server version changes, so a stale dump is never
used; the directory keeps the newest few dumps. Without ``pg_dump``/``pg_restore`` on the PATH
(or at a different major version than the server, which ``pg_dump`` refuses), nothing is
written or read and the run says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from safemigrations.db.scratch import TemplateCache, create_database, drop_database
from safemigrations.db.server import Server

#: Dumps kept in the cache directory (the oldest are removed first).
KEEP = 4


def dump_path(cache_dir: str, key: str) -> Path:
    """The file holding the template for ``key``."""
    return Path(cache_dir) / f"{key}.dump"


def _env(server: Server) -> dict[str, str]:
    env = dict(os.environ)
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    for param, var in names.items():
        if server.params.get(param):
            env[var] = server.params[param]
    for param in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if server.params.get(param):
            env["PG" + param.upper()] = server.params[param]
    return env


def tools_missing() -> str | None:
    """Why dumps cannot be used here (None when ``pg_dump`` and ``pg_restore`` are found)."""
    missing = [t for t in ("pg_dump", "pg_restore") if shutil.which(t) is None]
    return f"{' and '.join(missing)} not found on PATH" if missing else None


def export(server: Server, cache: TemplateCache, key: str, cache_dir: str) -> str | None:
    """Write the template of ``key`` to the cache directory; the error text when it failed."""
    why = tools_missing()
    if why:
        return why
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    target = dump_path(cache_dir, key)
    partial = target.with_suffix(".partial")
    proc = subprocess.run(
        [
            *("pg_dump", "--format=custom", "--schema-only", "--no-owner"),
            *("--file", str(partial), "--dbname", cache.name(key)),
        ],
        env=_env(server),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        return proc.stderr.strip() or f"pg_dump exited with {proc.returncode}"
    partial.replace(target)
    prune(cache_dir)
    return None


def restore(server: Server, cache: TemplateCache, key: str, cache_dir: str) -> str | None:
    """A template database for ``key`` restored from the cache directory (its name), or None
    when there is no dump for ``key`` or it could not be restored."""
    source = dump_path(cache_dir, key)
    if not source.exists() or tools_missing():
        return None
    name = cache.name(key)
    create_database(server, name)
    proc = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", name, str(source)],
        env=_env(server),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        drop_database(server, name)
        return None
    source.touch()  # most recently used
    return name


def prune(cache_dir: str, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` most recently used dumps."""
    dumps = sorted(Path(cache_dir).glob("*.dump"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in dumps[keep:]:
        old.unlink(missing_ok=True)
