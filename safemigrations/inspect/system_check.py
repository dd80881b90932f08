"""The cheap drift checks as Django system checks: ``manage.py check --database default``.

Tagged ``database``, so Django runs them only when asked for a database (``check --database``,
``migrate``), never on a plain ``check`` or ``runserver``. They compare the migration state at
the applied leaf with the catalog, like ``inspectdrift``, and report what costs one catalog read:

=========================  ==================================================================
``safemigrations.W101``    a foreign key's ON DELETE (or ON UPDATE, deferrable) differs from
                           the model (``inspectdrift`` kinds SMD101-SMD103)
``safemigrations.W102``    a constraint is NOT VALID (SMD111)
``safemigrations.W103``    an INVALID index left by a failed concurrent build (SMD112; a build
                           still running is not reported)
``safemigrations.W100``    the catalog could not be read, or a table was locked by a running
                           migration (SMD181)
=========================  ==================================================================

Silence an id with ``SILENCED_SYSTEM_CHECKS``, or one finding with the inspector's allowlist
(``SAFEMIGRATIONS["DRIFT"]["allow"]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections

from .checks import CHEAP
from .config import DriftConfig, DriftConfigError

#: inspectdrift kind -> system check id.
CHECK_IDS = {
    "SMD101": "safemigrations.W101",
    "SMD102": "safemigrations.W101",
    "SMD103": "safemigrations.W101",
    "SMD111": "safemigrations.W102",
    "SMD112": "safemigrations.W103",
    "SMD181": "safemigrations.W100",
}


def check_drift(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report the cheap drift of each PostgreSQL database Django asks about."""
    from django.apps import apps

    from .inspector import inspect_database

    configs = app_configs if app_configs is not None else apps.get_app_configs()
    labels = [config.label for config in configs]
    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            config = DriftConfig.from_settings(
                (getattr(settings, "SAFEMIGRATIONS", None) or {}).get("DRIFT")
            )
            inspection = inspect_database(
                connection, labels, allow=dict(config.allow), checks=CHEAP
            )
        except (DatabaseError, DriftConfigError, RuntimeError) as exc:
            # A system check reports; it never stops `check`/`migrate` with a traceback.
            # (RuntimeError: database access refused, e.g. by a test runner.)
            messages.append(
                checks.Warning(
                    f"Could not compare database {alias!r} with the models: "
                    f"{type(exc).__name__}: {str(exc).strip()}",
                    hint="Run manage.py inspectdrift for details.",
                    id="safemigrations.W100",
                )
            )
            continue
        for drift in inspection.findings:
            check_id = CHECK_IDS.get(drift.kind.id)
            if check_id is None:
                continue
            messages.append(
                checks.Warning(
                    f"[{alias}] {drift.message}",
                    hint=drift.fix or None,
                    obj=drift.subject or drift.table,
                    id=check_id,
                )
            )
    return messages


def install() -> None:
    """Register :func:`check_drift` with the ``database`` tag."""
    checks.register(check_drift, checks.Tags.database)
