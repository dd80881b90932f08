"""The stable JSON output: a list of :meth:`Finding.to_dict` objects."""

from __future__ import annotations

import json as _json
from collections.abc import Sequence

from safemigrations.lint.model import Finding


def render(findings: Sequence[Finding], **_options: object) -> str:
    """A JSON array, one object per finding, in report order (``[]`` when clean)."""
    return _json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False)
