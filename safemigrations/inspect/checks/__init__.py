"""One module per family of drift; each has ``find(context) -> Iterator[Drift]``.

- :mod:`.foreign_keys`: ON DELETE / ON UPDATE / deferrable against the models (issue item 1).
- :mod:`.validity`: NOT VALID constraints, INVALID indexes (a build still running or dead).
- :mod:`.redundant_indexes`: duplicate indexes, and indexes another one makes redundant.
- :mod:`.unindexed_foreign_keys`: foreign keys with no index led by their column.
- :mod:`.missing` and :mod:`.extra`: what the models declare and the database lacks, and back.
- :mod:`.names`: ``Meta`` indexes and constraints found by definition under another name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..context import Context
from ..drift import Drift
from . import (
    extra,
    foreign_keys,
    missing,
    names,
    redundant_indexes,
    unindexed_foreign_keys,
    validity,
)

Check = Callable[[Context], Iterator[Drift]]

#: Every check, in report order.
ALL: tuple[Check, ...] = (
    foreign_keys.find,
    validity.find,
    redundant_indexes.find,
    unindexed_foreign_keys.find,
    missing.find,
    extra.find,
    names.find,
)

#: The checks that need only the catalog of the foreign keys, constraints and indexes: cheap
#: enough for ``manage.py check --database``.
CHEAP: tuple[Check, ...] = (foreign_keys.find, validity.find)
