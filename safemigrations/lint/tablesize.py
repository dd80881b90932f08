"""Severity by real table size: a lock that blocks a 40-row table for a moment is not an outage.

The statistics of a production (or replica) database — schema, table, estimated rows, total
size, nothing else — are exported as JSON by ``manage.py exporttablestats`` or read live from a
named database alias. :func:`judge_by_size` then re-judges each finding whose harm grows with
the table (a scan, a rewrite, an index build, rows changed, a lock held through slow work):

* every table it names is *small* (fewer rows than ``small_table_rows`` **and** smaller than
  ``small_table_bytes``; by default 10,000 rows and 10 MB): ``info``;
* one of them is *large* (more than ``large_table_rows`` **or** ``large_table_bytes``; by default
  1,000,000 rows or 1 GB): ``error``;
* otherwise the rule's own severity stays. A table missing from the statistics keeps the rule's
  severity too, and the finding says so.

Each judged finding carries the size it was judged by (:attr:`Finding.table_size`), which every
report format shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safemigrations.db.catalog import Cursor, TableSize, table_sizes
from safemigrations.exceptions import TableStatsError
from safemigrations.lint.config import LintConfig
from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.parsetree import short

FORMAT = "safemigrations-table-stats"
FORMAT_VERSION = 1

#: Rules whose harm grows with the table's size: scans, rewrites, index builds, row changes,
#: and locks held through them. Locks that are brief whatever the size (renames, ``lock_timeout``
#: waits, which queue traffic on a 10-row hot table as much as on a big one), failures and
#: code-level findings are not judged by size.
SIZE_JUDGED = frozenset(
    {
        "SM101",  # index build under SHARE
        "SM105",  # index on a partitioned table: no CONCURRENTLY, each partition under SHARE
        "SM107",  # REINDEX
        "SM201",  # foreign key validated in place
        "SM202",  # column with a foreign key
        "SM203",  # VALIDATE in the transaction that added the constraint: scan under its lock
        "SM204",  # CHECK validated in place
        "SM205",  # inline CHECK on a new column
        "SM206",  # unique constraint: index build
        "SM207",  # primary key: index build
        "SM209",  # exclusion constraint: index build
        "SM213",  # foreign key without index: scans per parent delete
        "SM301",  # volatile default: rewrite
        "SM302",  # NOT NULL without default
        "SM304",  # serial / identity column: rewrite
        "SM305",  # stored generated column: rewrite
        "SM306",  # constrained domain: scan
        "SM401",  # type change: rewrite
        "SM402",  # type change re-checks a constraint
        "SM403",  # type change of a referenced key
        "SM501",  # SET NOT NULL: scan
        "SM502",  # unbatched UPDATE / DELETE
        "SM701",  # VACUUM FULL / CLUSTER
        "SM702",  # ALTER TABLE forms that rewrite
        "SM703",  # REFRESH MATERIALIZED VIEW
        "SM802",  # ATTACH PARTITION: scan
        "SM961",  # slow work while ACCESS EXCLUSIVE is held
        "SM965",  # slow statement without statement_timeout
    }
)


@dataclass
class TableStats:
    """Estimated rows and total size per table, from one database at one moment."""

    tables: list[TableSize] = field(default_factory=list)
    source: str = ""  # the file or database alias they came from
    exported_at: str = ""

    def size_of(self, table: str) -> TableSize | None:
        """The statistics of ``table`` (``schema.table`` or just ``table``); with the same name
        in several schemas, the largest (the conservative answer)."""
        name = short(table).strip('"')
        schema = table.rsplit(".", 1)[0].strip('"') if "." in table else None
        found = [
            t for t in self.tables if t.table == name and (schema is None or t.schema == schema)
        ]
        return max(found, key=lambda t: (t.rows, t.total_bytes)) if found else None

    def to_json(self, *, database: str = "") -> str:
        """The export file's text (see :func:`load`)."""
        data = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "database": database,
            "exported_at": self.exported_at or datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": [asdict(t) for t in self.tables],
        }
        return json.dumps(data, indent=1)

    @classmethod
    def read(cls, cursor: Cursor, *, source: str = "") -> TableStats:
        """Read them live from a database (statistics only: no table is scanned)."""
        return cls(
            table_sizes(cursor),
            source=source,
            exported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )


def load(path: str | Path) -> TableStats:
    """Read an ``exporttablestats`` file; a :class:`TableStatsError` says what is wrong."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TableStatsError(
            f"table statistics file {path} does not exist: create it with "
            "`manage.py exporttablestats --database ALIAS -o FILE` on a production or replica "
            "database"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TableStatsError(
            f"table statistics file {path} cannot be read ({exc}): export it again with "
            "`manage.py exporttablestats`"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TableStatsError(
            f'{path} is not a table statistics file (no "format": "{FORMAT}"): create one '
            "with `manage.py exporttablestats`"
        )
    if data.get("version") != FORMAT_VERSION:
        raise TableStatsError(
            f"{path} has table statistics format version {data.get('version')!r}; this "
            f"safemigrations reads version {FORMAT_VERSION}: export it again"
        )
    tables: list[TableSize] = []
    for i, row in enumerate(data.get("tables") or ()):
        try:
            tables.append(
                TableSize(
                    str(row["schema"]), str(row["table"]), int(row["rows"]), int(row["total_bytes"])
                )
            )
        except (KeyError, TypeError, ValueError):
            raise TableStatsError(
                f"{path}: tables[{i}] needs schema, table, rows and total_bytes: export the "
                "file again with `manage.py exporttablestats`"
            ) from None
    return TableStats(tables, source=str(path), exported_at=str(data.get("exported_at") or ""))


def human_bytes(size: int) -> str:
    """``512 B``, ``9.5 MB``, ``1.2 GB``."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


def size_text(size: dict[str, Any]) -> str:
    """How a report shows what a finding was judged by: ``shop_book ~2,300,000 rows, 1.2 GB
    (large: error)`` or ``shop_tag: not in the table statistics (rule severity kept)``."""
    if size.get("class") == "unknown":
        names = ", ".join(size.get("unknown") or []) or "its tables"
        return f"{names}: not in the table statistics (rule severity kept)"
    text = f"{size['table']} ~{size['rows']:,} rows, {human_bytes(size['total_bytes'])}"
    verdict = {"small": "small: info", "large": "large: error", "medium": "rule severity kept"}
    return f"{text} ({verdict[size['class']]})"


def classify(size: TableSize, config: LintConfig) -> str:
    """``small``, ``medium`` or ``large`` by the configured thresholds."""
    if size.rows > config.large_table_rows or size.total_bytes > config.large_table_bytes:
        return "large"
    if size.rows < config.small_table_rows and size.total_bytes < config.small_table_bytes:
        return "small"
    return "medium"


def judge(finding: Finding, stats: TableStats, config: LintConfig) -> None:
    """Set ``finding``'s severity and ``table_size`` from the largest of its tables."""
    if finding.rule not in SIZE_JUDGED or not finding.tables or finding.fresh:
        return
    known: list[TableSize] = []
    unknown: list[str] = []
    for table in dict.fromkeys(finding.tables):
        size = stats.size_of(table)
        if size is None:
            unknown.append(short(table))
        else:
            known.append(size)
    largest = max(known, key=lambda t: (t.rows, t.total_bytes)) if known else None
    verdict = classify(largest, config) if largest else "unknown"
    if verdict == "small" and unknown:
        verdict = "unknown"  # a table we know nothing of may be the big one
    if verdict == "unknown":
        finding.table_size = {"class": "unknown", "unknown": unknown, "source": stats.source}
        return
    assert largest is not None
    finding.table_size = {
        "class": verdict,
        "table": largest.table,
        "schema": largest.schema,
        "rows": largest.rows,
        "total_bytes": largest.total_bytes,
        "source": stats.source,
    }
    if verdict == "small":
        finding.severity = Severity.INFO
    elif verdict == "large":
        finding.severity = Severity.ERROR


def judge_by_size(findings: Iterable[Finding], stats: TableStats, config: LintConfig) -> None:
    """Judge every finding in place (see the module docstring)."""
    for finding in findings:
        judge(finding, stats, config)


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """How many findings were judged small, medium, large, or left unjudged for want of
    statistics (``unknown``)."""
    out = {"small": 0, "medium": 0, "large": 0, "unknown": 0}
    for f in findings:
        if f.table_size:
            out[str(f.table_size["class"])] += 1
    return out
