"""PostgreSQL's table-level lock modes, their conflict matrix, and what each one blocks.

Source: the PostgreSQL manual, "Explicit Locking" (table 13.2, "Conflicting Lock Modes"), which
has not changed between PostgreSQL 9.x and 18. Which *statement* takes which mode (and how that
changed between versions) lives in :mod:`safemigrations.lint.analyzer`.
"""

from __future__ import annotations

from enum import IntEnum


class LockMode(IntEnum):
    """Table-level lock modes, weakest to strongest (the value orders them)."""

    ACCESS_SHARE = 1
    ROW_SHARE = 2
    ROW_EXCLUSIVE = 3
    SHARE_UPDATE_EXCLUSIVE = 4
    SHARE = 5
    SHARE_ROW_EXCLUSIVE = 6
    EXCLUSIVE = 7
    ACCESS_EXCLUSIVE = 8

    @property
    def label(self) -> str:
        """The mode as PostgreSQL's docs and ``LOCK TABLE`` spell it: ``ACCESS EXCLUSIVE``."""
        return self.name.replace("_", " ")

    @property
    def pg_locks_name(self) -> str:
        """The mode as ``pg_locks.mode`` shows it: ``AccessExclusiveLock``."""
        return "".join(part.capitalize() for part in self.name.split("_")) + "Lock"

    @classmethod
    def parse(cls, text: str) -> LockMode:
        """Read ``ACCESS EXCLUSIVE``, ``access_exclusive`` or ``AccessExclusiveLock``."""
        cleaned = text.strip()
        if cleaned.endswith("Lock") and " " not in cleaned:
            cleaned = "".join("_" + c if c.isupper() else c for c in cleaned[:-4]).lstrip("_")
        key = cleaned.upper().replace(" ", "_")
        try:
            return cls[key]
        except KeyError:
            raise ValueError(f"unknown lock mode {text!r}") from None


_CONFLICTS: dict[LockMode, frozenset[LockMode]] = {
    LockMode.ACCESS_SHARE: frozenset({LockMode.ACCESS_EXCLUSIVE}),
    LockMode.ROW_SHARE: frozenset({LockMode.EXCLUSIVE, LockMode.ACCESS_EXCLUSIVE}),
    LockMode.ROW_EXCLUSIVE: frozenset(
        {
            LockMode.SHARE,
            LockMode.SHARE_ROW_EXCLUSIVE,
            LockMode.EXCLUSIVE,
            LockMode.ACCESS_EXCLUSIVE,
        }
    ),
    LockMode.SHARE_UPDATE_EXCLUSIVE: frozenset(
        {
            LockMode.SHARE_UPDATE_EXCLUSIVE,
            LockMode.SHARE,
            LockMode.SHARE_ROW_EXCLUSIVE,
            LockMode.EXCLUSIVE,
            LockMode.ACCESS_EXCLUSIVE,
        }
    ),
    LockMode.SHARE: frozenset(
        {
            LockMode.ROW_EXCLUSIVE,
            LockMode.SHARE_UPDATE_EXCLUSIVE,
            LockMode.SHARE_ROW_EXCLUSIVE,
            LockMode.EXCLUSIVE,
            LockMode.ACCESS_EXCLUSIVE,
        }
    ),
    LockMode.SHARE_ROW_EXCLUSIVE: frozenset(
        {
            LockMode.ROW_EXCLUSIVE,
            LockMode.SHARE_UPDATE_EXCLUSIVE,
            LockMode.SHARE,
            LockMode.SHARE_ROW_EXCLUSIVE,
            LockMode.EXCLUSIVE,
            LockMode.ACCESS_EXCLUSIVE,
        }
    ),
    LockMode.EXCLUSIVE: frozenset(
        {
            LockMode.ROW_SHARE,
            LockMode.ROW_EXCLUSIVE,
            LockMode.SHARE_UPDATE_EXCLUSIVE,
            LockMode.SHARE,
            LockMode.SHARE_ROW_EXCLUSIVE,
            LockMode.EXCLUSIVE,
            LockMode.ACCESS_EXCLUSIVE,
        }
    ),
    LockMode.ACCESS_EXCLUSIVE: frozenset(LockMode),
}


def conflicts(a: LockMode, b: LockMode) -> bool:
    """True when two sessions cannot hold ``a`` and ``b`` on the same table at once."""
    return b in _CONFLICTS[a]


# What application traffic needs, as the lock mode each statement kind takes on its table.
TRAFFIC: dict[str, LockMode] = {
    "SELECT": LockMode.ACCESS_SHARE,
    "SELECT FOR UPDATE/SHARE": LockMode.ROW_SHARE,
    "INSERT/UPDATE/DELETE": LockMode.ROW_EXCLUSIVE,
    "VACUUM/ANALYZE/CREATE INDEX CONCURRENTLY/other DDL": LockMode.SHARE_UPDATE_EXCLUSIVE,
}


def blocked_traffic(mode: LockMode) -> list[str]:
    """The kinds of statements that wait while another session holds ``mode``."""
    return [kind for kind, needed in TRAFFIC.items() if conflicts(mode, needed)]


def blocks_text(mode: LockMode) -> str:
    """One phrase for reports: what an application notices while ``mode`` is held."""
    if mode >= LockMode.ACCESS_EXCLUSIVE:
        return "blocks all reads and writes"
    if mode >= LockMode.EXCLUSIVE:
        return "blocks writes and SELECT ... FOR UPDATE (plain reads continue)"
    if mode >= LockMode.SHARE:
        return "blocks writes (reads continue)"
    if mode >= LockMode.SHARE_UPDATE_EXCLUSIVE:
        return "blocks other schema changes, VACUUM and ANALYZE only (reads and writes continue)"
    if mode >= LockMode.ROW_SHARE:
        return "blocks only schema changes that take EXCLUSIVE or stronger locks"
    return "blocks only ACCESS EXCLUSIVE schema changes"


def strongest(*modes: LockMode | None) -> LockMode | None:
    """The strongest of the given modes (None when none is given)."""
    present = [m for m in modes if m is not None]
    return max(present) if present else None
