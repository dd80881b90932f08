"""The drift inspector: what the live database holds that the models do not say, and back.

``manage.py inspectdrift`` reads the catalog of a database (:mod:`safemigrations.db.schema`, a
constant number of queries), the models at the leaf of the applied migrations
(:mod:`.state`, :mod:`.expected`), runs the checks of :mod:`.checks` (one module per family of
drift), hides what ``SAFEMIGRATIONS["DRIFT"]["allow"]`` accepts (:mod:`.allowlist`), renders the
findings (:mod:`.report`) and, with ``--fix``, writes a migration of safemigrations operations
that puts the database back in line (:mod:`.fix`). The cheap checks also run as Django system
checks (:mod:`.system_check`).
"""

from __future__ import annotations

from .drift import KINDS, Drift, Kind
from .inspector import Inspection, inspect_database

__all__ = ["KINDS", "Drift", "Inspection", "Kind", "inspect_database"]
