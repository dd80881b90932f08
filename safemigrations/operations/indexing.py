"""Index plans and the resumable concurrent steps that build and drop them, under one import path.

The work is split by job: :mod:`.index_plans` (what Django would create, and the SQL that builds
it concurrently), :mod:`.index_lookup` (which real index of the database a plan refers to) and
:mod:`.index_steps` (:class:`ConcurrentIndexSteps`: build and drop, resumably). This module
gathers them for the code that imports ``safemigrations.operations.indexing``, along with the
errors they raise.
"""

from __future__ import annotations

from safemigrations.exceptions import AmbiguousIndexError, DuplicateValuesError, IndexBuildFailed

from .index_lookup import FoundIndex, find_index
from .index_plans import IndexPlan, concurrently, field_index_plans, named_index_plan, unique_plan
from .index_steps import ConcurrentIndexSteps

__all__ = [
    "AmbiguousIndexError",
    "ConcurrentIndexSteps",
    "DuplicateValuesError",
    "FoundIndex",
    "IndexBuildFailed",
    "IndexPlan",
    "concurrently",
    "field_index_plans",
    "find_index",
    "named_index_plan",
    "unique_plan",
]
