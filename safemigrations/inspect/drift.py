"""What a drift finding is: its kind (id, name, severity), where it is, and what to do.

Every kind has a stable id (``SMD1xx``) and a name; both work in ``--fail-on``-independent
settings such as the allowlist (``SAFEMIGRATIONS["DRIFT"]["allow"]``). :meth:`Drift.to_dict` is
the stable JSON shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from safemigrations.lint.model import Severity


@dataclass(frozen=True)
class Kind:
    """One kind of drift: stable id, name, default severity, one-line title."""

    id: str
    name: str
    severity: Severity
    title: str


KINDS: dict[str, Kind] = {
    k.id: k
    for k in (
        Kind(
            "SMD101",
            "on-delete-mismatch",
            Severity.ERROR,
            "the foreign key's ON DELETE differs from the model's on_delete",
        ),
        Kind(
            "SMD102",
            "on-update-mismatch",
            Severity.WARNING,
            "the foreign key's ON UPDATE differs from what Django creates (NO ACTION)",
        ),
        Kind(
            "SMD103",
            "deferrable-mismatch",
            Severity.WARNING,
            "the foreign key is not DEFERRABLE INITIALLY DEFERRED as Django creates it",
        ),
        Kind(
            "SMD111",
            "constraint-not-validated",
            Severity.WARNING,
            "a constraint is NOT VALID: existing rows were never checked",
        ),
        Kind(
            "SMD112",
            "invalid-index",
            Severity.ERROR,
            "an INVALID index left by a failed concurrent build: maintained, never used",
        ),
        Kind(
            "SMD113",
            "index-build-running",
            Severity.INFO,
            "an index is INVALID because a concurrent build is still running",
        ),
        Kind(
            "SMD121",
            "duplicate-index",
            Severity.WARNING,
            "two indexes with the same definition",
        ),
        Kind(
            "SMD122",
            "redundant-index",
            Severity.WARNING,
            "an index whose keys lead another index of the same method and predicate",
        ),
        Kind(
            "SMD131",
            "unindexed-foreign-key",
            Severity.WARNING,
            "a foreign key with no index led by its column",
        ),
        Kind("SMD141", "missing-table", Severity.ERROR, "a model's table is missing"),
        Kind("SMD142", "missing-column", Severity.ERROR, "a field's column is missing"),
        Kind(
            "SMD143",
            "column-mismatch",
            Severity.ERROR,
            "a column's type, nullability or database default differs from the field",
        ),
        Kind(
            "SMD144",
            "missing-constraint",
            Severity.ERROR,
            "a constraint the models declare is missing",
        ),
        Kind("SMD145", "missing-index", Severity.WARNING, "an index the models declare is missing"),
        Kind(
            "SMD151",
            "extra-column",
            Severity.WARNING,
            "a column no field of the model declares",
        ),
        Kind(
            "SMD152",
            "extra-constraint",
            Severity.WARNING,
            "a constraint no model declares",
        ),
        Kind("SMD153", "extra-index", Severity.INFO, "an index no model declares"),
        Kind(
            "SMD154",
            "extra-table",
            Severity.INFO,
            "a table named like the app's tables that no model declares",
        ),
        Kind(
            "SMD155",
            "name-differs",
            Severity.INFO,
            "an index or constraint of Meta exists under another name than the models give it",
        ),
        Kind(
            "SMD181",
            "table-not-inspected",
            Severity.WARNING,
            "a table could not be inspected: another session holds or awaits ACCESS EXCLUSIVE",
        ),
        Kind(
            "SMD191",
            "allowlist-entry-unused",
            Severity.WARNING,
            "an allowlist entry matched nothing",
        ),
        Kind(
            "SMD192",
            "allowlist-entry-invalid",
            Severity.ERROR,
            "an allowlist entry without a reason, or for an unknown kind",
        ),
    )
}

BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS.values()}


def kind(key: str) -> Kind:
    """The kind with id or name ``key`` (``KeyError`` when there is none)."""
    if key.upper() in KINDS:
        return KINDS[key.upper()]
    return BY_NAME[key.lower()]


@dataclass
class Drift:
    """One difference between the models and the database, with what to do about it."""

    kind: Kind
    message: str
    fix: str = ""
    app: str | None = None
    model: str | None = None  # "app.Model"
    field: str | None = None
    table: str | None = None
    objects: list[str] = dataclass_field(default_factory=list)  # constraint / index / column names
    rows: int = 0  # the table's estimated rows
    size_bytes: int = 0  # the table's size (heap, indexes, TOAST)
    cost_bytes: int = 0  # what the object itself costs (an index's size)
    details: dict[str, Any] = dataclass_field(default_factory=dict)
    #: What ``--fix`` writes for it (read by :mod:`safemigrations.inspect.fix`); None: a fix
    #: needs a person, and ``fix`` says what to do.
    remedy: dict[str, Any] | None = None
    severity: Severity | None = None  # None: the kind's severity

    @property
    def fixable(self) -> bool:
        """True when ``--fix`` writes an operation for this finding."""
        return self.remedy is not None

    @property
    def level(self) -> Severity:
        """The severity of this finding."""
        return self.severity or self.kind.severity

    @property
    def subject(self) -> str:
        """``app.Model.field``, ``app.Model``, or the table: what the finding is about."""
        if self.model and self.field:
            return f"{self.model}.{self.field}"
        return self.model or self.table or ""

    def targets(self) -> list[str]:
        """Every name an allowlist entry may use to select this finding."""
        names = [self.subject, *(self.objects or [])]
        if self.table:
            names.append(self.table)
        if self.model:
            names.append(self.model)
        return [n for n in names if n]

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape."""
        return {
            "id": self.kind.id,
            "kind": self.kind.name,
            "severity": str(self.level),
            "app": self.app,
            "model": self.model,
            "field": self.field,
            "table": self.table,
            "objects": list(self.objects),
            "rows": self.rows,
            "size_bytes": self.size_bytes,
            "cost_bytes": self.cost_bytes,
            "message": self.message,
            "fix": self.fix,
            "fixable": self.fixable,
            "details": dict(self.details),
        }
