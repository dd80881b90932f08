"""Project settings for safemigrations, read from ``settings.SAFEMIGRATIONS`` (a dict).

=====================  =======  ==========================================================
key                    default  meaning
=====================  =======  ==========================================================
LOCK_TIMEOUT           3.0      seconds a brief lock may be waited for (``lock_timeout``)
LOCK_RETRIES           5        retries after a lock wait timed out (then the step fails)
RETRY_BACKOFF          0.5      seconds before the first retry, doubled on each retry
RETRY_MAX_BACKOFF      10.0     ceiling of the wait between two retries
SAFE_MAKEMIGRATIONS    None     makemigrations writes safe operations (None: on for PostgreSQL)
MIGRATE_LOCK_WAITS     True     ``migrate`` bounds and retries the lock waits of every statement
PROGRESS_INTERVAL      10.0     seconds between progress lines of a long step (not a terminal)
LINT_DATABASE_URL      None     server the linter creates its scratch/template databases on
LINT_DATABASE_PREFIX   smlint_  name prefix of those databases (``lintcache`` lists/drops them)
=====================  =======  ==========================================================
"""

from __future__ import annotations

from contextvars import ContextVar
from io import TextIOBase
from typing import Any, TextIO

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "LOCK_TIMEOUT": 3.0,
    "LOCK_RETRIES": 5,
    "RETRY_BACKOFF": 0.5,
    "RETRY_MAX_BACKOFF": 10.0,
    "SAFE_MAKEMIGRATIONS": None,
    "MIGRATE_LOCK_WAITS": True,
    "PROGRESS_INTERVAL": 10.0,
    "LINT_DATABASE_URL": None,
    "LINT_DATABASE_PREFIX": "smlint_",
}

#: Verbosity of the running ``migrate`` command; progress output stays quiet at 0.
migrate_verbosity: ContextVar[int] = ContextVar("safemigrations_migrate_verbosity", default=1)

#: Output stream of the running ``migrate`` command (its ``self.stdout``, which
#: ``call_command(..., stdout=...)`` redirects); progress output goes there. None: ``sys.stdout``.
migrate_stdout: ContextVar[TextIO | TextIOBase | None] = ContextVar(
    "safemigrations_migrate_stdout", default=None
)


def setting(name: str) -> Any:
    """The value of ``SAFEMIGRATIONS[name]``, or its documented default."""
    if name not in DEFAULTS and name != "LINT":
        raise KeyError(f"unknown safemigrations setting {name!r}; known: {', '.join(DEFAULTS)}")
    configured = getattr(settings, "SAFEMIGRATIONS", None) or {}
    return configured.get(name, DEFAULTS.get(name))
