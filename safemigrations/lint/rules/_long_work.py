"""The rules that report a statement's long work under a blocking lock (not a rule module: the
registry skips ``_`` names).

Each of their findings names the lock, the table and the non-blocking form of the step (a
concurrent index build, ``NOT VALID`` + ``VALIDATE``, ``SetNotNull``, a new column swapped in),
which moves the long work out of the blocking lock. Rules that only describe a consequence of
that long work (no time budget: SM965; other tables' traffic waiting behind it: SM961) fold
into them (:attr:`~safemigrations.lint.rules.base.Rule.folds_into`).
"""

from __future__ import annotations

LONG_WORK_RULES = frozenset(
    {
        "SM101",  # index built without CONCURRENTLY
        "SM107",  # REINDEX without CONCURRENTLY
        "SM201",  # foreign key validated while added
        "SM202",  # column added with an inline foreign key
        "SM204",  # CHECK validated while added
        "SM205",  # column added with an inline CHECK
        "SM206",  # UNIQUE built under ACCESS EXCLUSIVE
        "SM207",  # PRIMARY KEY built under ACCESS EXCLUSIVE
        "SM209",  # EXCLUDE constraint on an existing table
        "SM211",  # domain constraint validated while added
        "SM301",  # column added with a volatile default (rewrite)
        "SM304",  # serial / identity column added (rewrite)
        "SM305",  # stored generated column (rewrite)
        "SM306",  # column of a constrained domain (scan)
        "SM401",  # type change that rewrites
        "SM402",  # type change re-checking a constraint
        "SM403",  # type change of a referenced key
        "SM501",  # SET NOT NULL with a full scan
        "SM701",  # VACUUM FULL / CLUSTER
        "SM702",  # ALTER TABLE form that rewrites
        "SM703",  # REFRESH MATERIALIZED VIEW without CONCURRENTLY
        "SM802",  # ATTACH PARTITION that may scan
    }
)
