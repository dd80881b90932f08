"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding.

GitHub shows them as annotations on the pull request's changed lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.tablesize import size_text

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding], **_options: object) -> str:
    """The annotation lines (an empty string when there is nothing to report)."""
    lines = []
    for f in findings:
        props = []
        if f.file:
            props.append(f"file={_escape_property(f.file)}")
            props.append(f"line={f.line}")
            props.append(f"col={f.column}")
        props.append(f"title={_escape_property(f'{f.rule} {_title(f)}')}")
        message = f.message
        if f.table_size:
            message += f"\n\nTable size: {size_text(f.table_size)}"
        if f.fix:
            message += "\n\nFix: " + f.fix
        lines.append(f"::{_LEVEL[Severity(f.severity)]} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)


def _title(f: Finding) -> str:
    from safemigrations.lint.rules.base import get_rule

    rule = get_rule(f.rule)
    return rule.name if rule is not None else ""
