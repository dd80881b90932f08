"""SM001: a psql meta-command in a .sql file, skipped by the linter (reported by the engine)."""

from __future__ import annotations

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Rule


class PsqlMetaCommand(Rule):
    """Lines such as ``\\set`` or ``\\d`` are run by psql, not by the server: nothing to lint."""

    id = "SM001"
    name = "psql-meta-command"
    severity = Severity.INFO
    title = "psql meta-command skipped"
    message = "psql meta-command skipped"
    why = "psql runs meta-commands (and reads COPY ... FROM stdin data) itself; the server never sees them."
    fix = "Nothing to do, unless the file is meant to run through something other than psql."
    unsafe_example = "\\set ON_ERROR_STOP on\nSELECT 1;"
    safe_example = "SELECT 1;"
