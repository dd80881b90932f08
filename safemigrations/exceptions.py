"""Every error safemigrations raises derives from :class:`SafeMigrationsError`.

Catch ``SafeMigrationsError`` to handle anything this package reports. Each concrete error also
derives from the Django or Python error a caller would otherwise catch (``IntegrityError`` for
data that blocks a constraint, ``OperationalError`` for lock waits, ``ValueError`` for wrong
arguments), so existing ``except`` clauses keep working.
"""

from __future__ import annotations


class SafeMigrationsError(Exception):
    """Base class of the errors safemigrations raises."""


class SquashError(SafeMigrationsError):
    """A squash cannot be written as asked; the message says why and what to do instead."""


class SquashCycleError(SquashError):
    """The squashed migration would close a dependency cycle with another app."""


class SquashNotEquivalent(SquashError):
    """The squashed migrations do not build the schema or state the originals build."""
