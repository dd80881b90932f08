"""Every error safemigrations raises derives from :class:`SafeMigrationsError`.

Catch ``SafeMigrationsError`` to handle anything this package reports. Each concrete error also
derives from the Django or Python error a caller would otherwise catch (``IntegrityError`` for
data that blocks a constraint, ``OperationalError`` for lock waits, ``ValueError`` for wrong
arguments), so existing ``except`` clauses keep working.
"""

from __future__ import annotations


class SafeMigrationsError(Exception):
    """Base class of the errors safemigrations raises."""
