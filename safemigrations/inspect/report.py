"""Render an inspection: ``text`` for people, ``json`` (stable), ``github`` annotations, ``sarif``.

The text report groups findings by model and ends with a summary line; a clean database prints
one line. The ``json`` output is a list of :meth:`Drift.to_dict` objects (``[]`` when clean).
The GitHub and SARIF outputs follow the linter's (:mod:`safemigrations.lint.report`): same
escaping, same SARIF version and tool name, one rule descriptor per kind of drift.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from safemigrations.lint.model import Severity
from safemigrations.lint.report.github import _escape_data, _escape_property
from safemigrations.lint.report.sarif import SCHEMA_URI, _version
from safemigrations.lint.report.text import Style, plain

from .context import human_bytes
from .drift import KINDS, Drift
from .inspector import Inspection

FORMATS = ("text", "json", "github", "sarif")


def render(inspection: Inspection, fmt: str, *, style: Style = plain) -> str:
    """The report in one of :data:`FORMATS` (``ValueError`` for another name)."""
    if fmt == "text":
        return render_text(inspection, style=style)
    if fmt == "json":
        return json.dumps([d.to_dict() for d in inspection.findings], indent=2, ensure_ascii=False)
    if fmt == "github":
        return render_github(inspection.findings)
    if fmt == "sarif":
        return json.dumps(to_sarif(inspection.findings), indent=2, ensure_ascii=False)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def summary(inspection: Inspection) -> str:
    """The last line: counts by severity, what was looked at, and how long it took.

    With no table compared it never says "No drift": it says nothing was compared, and why.
    """
    tables = len(inspection.models)
    looked = (
        f"{tables} table{'s' if tables != 1 else ''} of {len(inspection.app_labels)} app"
        f"{'s' if len(inspection.app_labels) != 1 else ''}, catalog read in "
        f"{inspection.queries} queries, {inspection.seconds:.2f}s"
    )
    allowed = len(inspection.allowed)
    accepted = f"; {allowed} accepted by the allowlist" if allowed else ""
    if not tables and inspection.clean:
        return f"Nothing compared: {nothing_compared(inspection)}"
    if inspection.clean:
        return f"No drift: the database matches the models ({looked}{accepted})."
    counts = {s: sum(1 for d in inspection.findings if d.level == s) for s in Severity}
    parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    fixable = sum(1 for d in inspection.findings if d.fixable)
    total = len(inspection.findings)
    return (
        f"{total} finding{'s' if total != 1 else ''}: {', '.join(parts)}; {fixable} fixable "
        f"with --fix ({looked}{accepted})."
    )


def nothing_compared(inspection: Inspection) -> str:
    """Why no table was compared, and how to include some."""
    labels = inspection.app_labels
    selected = (
        f"the selected app{'s' if len(labels) != 1 else ''} ({', '.join(labels)}) "
        f"{'have' if len(labels) != 1 else 'has'} no table the migrations manage"
        if labels
        else "no app was selected"
    )
    if inspection.not_inspected:
        return (
            f"{selected}, and the apps from installed packages are left out unless named or "
            "--include-installed is given (see the line above)."
        )
    return f"{selected} (no models, or only managed = False and proxy models)."


def not_inspected_note(inspection: Inspection) -> str:
    """Which apps from installed packages the selection left out ("" when none): never a
    silent skip (the wording of ``lintmigrations``' own note)."""
    left = inspection.not_inspected
    if not left:
        return ""
    tables = sum(left.values())
    return (
        f"Not inspected: {tables} table{'s' if tables != 1 else ''} of {len(left)} app"
        f"{'s' if len(left) != 1 else ''} from installed packages ({', '.join(left)}); inspect "
        "one with `inspectdrift APP_LABEL`, or all with --include-installed."
    )


def render_text(inspection: Inspection, *, style: Style = plain) -> str:
    """Findings grouped by model (with the table's rows and size), the apps from installed
    packages left out, then the summary."""
    note = not_inspected_note(inspection)
    if inspection.clean:
        return "\n".join([*([note] if note else []), style("summary", summary(inspection))])
    lines: list[str] = []
    current: tuple[str | None, str | None] | None = None
    for drift in inspection.findings:
        group = (drift.model, drift.table)
        if group != current:
            current = group
            if drift.model:
                lines.append(
                    style(
                        "location",
                        f"{drift.model} ({drift.table}, ~{drift.rows:,} rows, "
                        f"{human_bytes(drift.size_bytes)})",
                    )
                )
            else:
                lines.append(style("location", 'SAFEMIGRATIONS["DRIFT"]'))
        level = str(drift.level)
        lines.append(
            f"  {style(level, level)} {style('rule', drift.kind.id)} {drift.kind.name}: "
            f"{drift.message}"
        )
        if drift.fix:
            lines.append(f"    {style('label', 'fix:')} {drift.fix}")
    lines.append("")
    if note:
        lines.append(note)
    lines.append(style("summary", summary(inspection)))
    return "\n".join(lines)


_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render_github(findings: Sequence[Drift]) -> str:
    """One ``::error``/``::warning``/``::notice`` workflow command per finding."""
    lines = []
    for d in findings:
        title = _escape_property(f"{d.kind.id} {d.kind.name}")
        message = d.message + (f"\n\nFix: {d.fix}" if d.fix else "")
        lines.append(f"::{_GITHUB[d.level]} title={title}::{_escape_data(message)}")
    return "\n".join(lines)


_SARIF = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def to_sarif(findings: Sequence[Drift]) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, one rule per kind of drift, one result per finding."""
    kinds = list(KINDS.values())
    index = {k.id: i for i, k in enumerate(kinds)}
    results = []
    for d in findings:
        name = ".".join(p for p in (d.model, d.field) if p) or d.table or "settings"
        results.append(
            {
                "ruleId": d.kind.id,
                "ruleIndex": index[d.kind.id],
                "level": _SARIF[d.level],
                "message": {"text": d.message + (f" Fix: {d.fix}" if d.fix else "")},
                "locations": [
                    {"logicalLocations": [{"fullyQualifiedName": name, "kind": "member"}]}
                ],
                "properties": {
                    "table": d.table,
                    "objects": list(d.objects),
                    "rows": d.rows,
                    "sizeBytes": d.size_bytes,
                    "fixable": d.fixable,
                },
            }
        )
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "safemigrations-inspectdrift",
                        "version": _version(),
                        "rules": [
                            {
                                "id": k.id,
                                "name": k.name,
                                "shortDescription": {"text": k.title},
                                "defaultConfiguration": {"level": _SARIF[k.severity]},
                            }
                            for k in kinds
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
