"""Content keys of template databases: what the schema after a set of migrations depends on."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import django
from django.db.migrations.migration import Migration

import safemigrations
from safemigrations.lint.source import file_digest

Key = tuple[str, str]


def base_digest(
    nodes: dict[Key, Migration], keys: Sequence[Key], server_version: int, mode: str
) -> str:
    """A key for the schema after ``keys``: each migration file's hash, the versions that shape
    the SQL (Django, safemigrations, the server) and how the schema was built (a state build
    names some indexes differently from a replay, so the two never share a template)."""
    h = hashlib.sha256()
    h.update(f"{django.get_version()}|{safemigrations.__version__}|{server_version}|".encode())
    h.update(("replay" if mode == "replay" else "state").encode())
    for key in sorted(keys):
        h.update(f"|{key[0]}.{key[1]}:{file_digest(nodes[key])}".encode())
    return h.hexdigest()[:32]
