"""How :mod:`safemigrations.deletion`'s values reach Django: serializer, collector, schema, checks.

Each module has one ``install()`` (idempotent); :func:`install` calls them all. The app config
calls it from ``ready()``. :mod:`safemigrations.deletion` holds the values only and does not
import this package, so a migration file naming ``safemigrations.deletion.DB_CASCADE`` loads on
its own.
"""

from __future__ import annotations

from .. import deletion
from . import checks, collector, schema, serializer


def install() -> None:
    """Teach Django about the values; idempotent.

    - migration serializer: writes ``safemigrations.deletion.DB_*`` for the backport values;
    - deletion collector: skips database-level relations, forces them for the admin's
      ``NestedObjects``, fast-deletes ``InDatabaseToo(CASCADE)`` children (:mod:`.collector`);
    - schema editor (5.2/6.0): ``ON DELETE`` in every foreign key it creates (:mod:`.schema`);
    - a change to or from a database action alters the column on every version;
    - system checks (:mod:`.checks`).
    """
    serializer.install()
    collector.install()
    schema.install()
    checks.install()
    deletion.mark_installed()
