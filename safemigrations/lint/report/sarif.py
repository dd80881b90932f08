"""SARIF 2.1.0 output, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.tablesize import size_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("safemigrations")
    except Exception:
        return "0"


def to_sarif(findings: Sequence[Finding]) -> dict[str, Any]:
    """The SARIF log as a dict: one run, every rule described, one result per finding."""
    from safemigrations.lint.rules.base import all_rules

    rules = list(all_rules())
    index = {r.id: i for i, r in enumerate(rules)}
    descriptors = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": r.why},
            "help": {"text": r.example_fix(), "markdown": r.example_fix()},
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
        }
        for r in rules
    ]
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _LEVEL[Severity(f.severity)],
            "message": {"text": f.message},
            "properties": {"lock": f.lock, "tables": list(f.tables), "sql": f.sql},
        }
        if f.table_size:
            result["properties"]["table_size"] = dict(f.table_size)
            result["message"]["text"] += f" [table size: {size_text(f.table_size)}]"
        if f.fresh:
            result["properties"]["fresh"] = f.fresh
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        location: dict[str, Any] = {}
        if f.file:
            location["physicalLocation"] = {
                "artifactLocation": {"uri": f.file},
                "region": {"startLine": max(1, f.line), "startColumn": max(1, f.column)},
            }
        if f.app and f.migration:
            name = f"{f.app}.{f.migration}"
            if f.operation_index is not None:
                name += f".operations[{f.operation_index}]"
            location["logicalLocations"] = [{"fullyQualifiedName": name, "kind": "module"}]
        if location:
            result["locations"] = [location]
        results.append(result)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "safemigrations",
                        "version": _version(),
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }


def render(findings: Sequence[Finding], **_options: object) -> str:
    """The SARIF log as JSON text."""
    return json.dumps(to_sarif(findings), indent=2, ensure_ascii=False)
