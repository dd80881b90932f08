"""Project settings for safemigrations, read from ``settings.SAFEMIGRATIONS`` (a dict).

=====================  =======  ==========================================================
key                    default  meaning
=====================  =======  ==========================================================
LOCK_TIMEOUT           0.1      seconds the first attempt may wait for a lock (``lock_timeout``)
LOCK_TIMEOUT_MAX       0.5      longest wait of a later attempt (the timeout grows 1.5x per attempt)
LOCK_RETRIES           30       retries after a failed lock wait (then the step fails)
LOCK_WAIT_TOTAL        60.0     seconds after which a step stops retrying (sleeps included)
RETRY_BACKOFF          0.2      seconds before the first retry, doubled on each retry
RETRY_MAX_BACKOFF      5.0      ceiling of the pause between two retries
RETRY_JITTER           0.5      fraction of each pause taken off at random (0: none)
SAFE_MAKEMIGRATIONS    None     makemigrations writes safe operations (None: on for PostgreSQL)
MIGRATE_LOCK_WAITS     True     ``migrate`` bounds and retries the lock waits of every statement
PROGRESS_INTERVAL      10.0     seconds between progress lines of a long step (not a terminal)
MIGRATE_LOCK           True     ``migrate`` runs one at a time per database (advisory lock)
MIGRATE_LOCK_WAIT      600.0    seconds ``migrate`` waits for another one (0: fail at once)
LINT_DATABASE_URL      None     server the linter creates its scratch/template databases on
LINT_DATABASE_PREFIX   smlint_  name prefix of those databases (``lintcache`` lists/drops them)
LINT_WHOLE_STATE       False    apply every linted migration on the whole rendered project state,
                                as ``migrate`` does (slower; the default renders only the models
                                each migration can reach, see ``lint/replay/substate.py``)
=====================  =======  ==========================================================
"""

from __future__ import annotations

from contextvars import ContextVar
from io import TextIOBase
from typing import Any, TextIO

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "LOCK_TIMEOUT": 0.1,
    "LOCK_TIMEOUT_MAX": 0.5,
    "LOCK_RETRIES": 30,
    "LOCK_WAIT_TOTAL": 60.0,
    "RETRY_BACKOFF": 0.2,
    "RETRY_MAX_BACKOFF": 5.0,
    "RETRY_JITTER": 0.5,
    "SAFE_MAKEMIGRATIONS": None,
    "MIGRATE_LOCK_WAITS": True,
    "PROGRESS_INTERVAL": 10.0,
    "MIGRATE_LOCK": True,
    "MIGRATE_LOCK_WAIT": 600.0,
    "LINT_DATABASE_URL": None,
    "LINT_DATABASE_PREFIX": "smlint_",
    "LINT_WHOLE_STATE": False,
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
    if name not in DEFAULTS and name not in ("LINT", "DRIFT"):
        raise KeyError(f"unknown safemigrations setting {name!r}; known: {', '.join(DEFAULTS)}")
    configured = getattr(settings, "SAFEMIGRATIONS", None) or {}
    return configured.get(name, DEFAULTS.get(name))
