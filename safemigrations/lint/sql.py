"""The linter's statement analysis under its first import path, for code that imports it here.

The analysis now lives by job: :mod:`safemigrations.lint.facts` (:class:`StatementFacts`,
:class:`Action`), :mod:`safemigrations.lint.parsetree` (pglast helpers: :func:`parse_one`,
:func:`walk`, :func:`relname`, ...) and :mod:`safemigrations.lint.analyzer` (:func:`analyze`, one
module of handlers per kind of statement). Every name this module offered is still here.
"""

from __future__ import annotations

from safemigrations.lint.analyzer import Knowledge, analyze
from safemigrations.lint.analyzer.base import AX, SRX, SUX
from safemigrations.lint.facts import Action, StatementFacts
from safemigrations.lint.parsetree import (
    AT,
    CT,
    OT,
    column_types_of,
    func_name,
    parse_one,
    relname,
    short,
    walk,
)

__all__ = [
    "AT",
    "AX",
    "CT",
    "OT",
    "SRX",
    "SUX",
    "Action",
    "Knowledge",
    "StatementFacts",
    "analyze",
    "column_types_of",
    "func_name",
    "parse_one",
    "relname",
    "short",
    "walk",
]
