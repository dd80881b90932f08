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
import re
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


def _candidate_dirs() -> list[Path]:
    dirs = []
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    try:
        import pgserver  # type: ignore[import-not-found,unused-ignore]

        dirs.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    return dirs


def _major(tool: Path) -> int:
    try:
        out = subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout
    except OSError:
        return 0
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def tools_for(server_version: int) -> Path | None:
    """A directory holding ``pg_dump`` and ``pg_restore`` that can read a server of
    ``server_version`` (``server_version_num``): at least its major version (PATH first, then
    ``/usr/lib/postgresql/*/bin``, then the embedded server's)."""
    major = server_version // 10000
    for folder in _candidate_dirs():
        dump, restore = folder / "pg_dump", folder / "pg_restore"
        if dump.exists() and restore.exists() and _major(dump) >= major:
            return folder
    return None


def tools_missing(server_version: int = 0) -> str | None:
    """Why dumps cannot be used here (None when fitting ``pg_dump``/``pg_restore`` are found)."""
    if tools_for(server_version) is None:
        return (
            f"no pg_dump/pg_restore of PostgreSQL {server_version // 10000} or newer found "
            "(PATH, /usr/lib/postgresql/*/bin)"
        )
    return None


def export(server: Server, cache: TemplateCache, key: str, cache_dir: str) -> str | None:
    """Write the template of ``key`` to the cache directory; the error text when it failed."""
    tools = tools_for(server.version_num())
    if tools is None:
        return tools_missing(server.version_num())
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    target = dump_path(cache_dir, key)
    partial = target.with_suffix(".partial")
    proc = subprocess.run(
        [
            *(str(tools / "pg_dump"), "--format=custom", "--schema-only", "--no-owner"),
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
    tools = tools_for(server.version_num()) if source.exists() else None
    if tools is None:
        return None
    name = cache.name(key)
    create_database(server, name)
    proc = subprocess.run(
        [str(tools / "pg_restore"), "--no-owner", "--exit-on-error", "--dbname", name, str(source)],
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
