"""The lint commands' options for how the scratch schema is built and cached, and their output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safemigrations.lint.collect import Collection


def add_build_options(parser: CommandParser) -> None:
    """``--build`` and ``--cache-dir`` (shared by ``lintmigrations`` and ``sqlmigrate --lint``)."""
    parser.add_argument(
        "--build",
        choices=["auto", "state", "replay"],
        default="auto",
        help="How the schema before the linted migrations is built: from the migration state in "
        "one pass (state), by replaying the history (replay), or from the state up to the first "
        "migration it cannot describe (RunSQL with DDL, ...) and replayed from there (auto).",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="Keep the template database as a dump file in DIR and start from it when the "
        "server has none (wire DIR to the CI cache; needs pg_dump/pg_restore).",
    )


def build_lines(collection: Collection) -> list[str]:
    """What the output says about how the schema was built and what was not analysed."""
    stats = collection.stats
    lines = []
    if stats.template_hit:
        how = "a template from --cache-dir" if stats.template_from_dump else "a cached template"
        lines.append(f"Schema before the targets: {how} ({stats.build_mode} build).")
    elif stats.build:
        lines.append(f"Schema before the targets: {stats.build} in {stats.base_seconds:.2f}s.")
    if stats.rebuilds:
        lines.append(
            f"The scratch database was rebuilt from the migration state {stats.rebuilds} time(s) "
            "after a migration could not be applied, so later migrations were still linted."
        )
    lines.extend(stats.notes)
    missing = collection.not_analysed()
    partly = [c for c in collection.migrations if c.linter_errors and not c.not_analysed]
    linted = len(collection.migrations) - len(missing)
    lines.append(
        f"Analysed {linted} of {len(collection.migrations)} migration(s); "
        f"{len(missing)} not analysed"
        + (f", {len(partly)} partly analysed" if partly else "")
        + (" (SM910 findings say why)" if missing or partly else "")
        + "."
    )
    return lines


def write_stats(
    command: BaseCommand, result: Any, path: str | None, extra: dict[str, Any] | None = None
) -> None:
    """``--stats-json FILE``: the collection's facts (and ``extra``) as JSON."""
    if not path or result.collection is None:
        return
    text = json.dumps({**result.collection.to_dict(), **(extra or {})}, indent=2)
    if path == "-":
        sys.stderr.write(text + "\n")
    else:
        Path(path).write_text(text + "\n")
