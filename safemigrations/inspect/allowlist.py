"""Accepted drift: findings the project decided to keep, each with a reason.

Like the linter's suppressions, an entry without a reason is not applied and is reported
(``SMD192``), and an entry that matches no finding is reported (``SMD191``) so stale entries do
not pile up. See :mod:`safemigrations.inspect.config` for the syntax.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from .drift import KINDS, Drift, Kind, kind


@dataclass
class Entry:
    """One allowlist entry, and the findings it hid."""

    key: str
    kind: Kind | None
    target: str | None
    reason: str
    hidden: list[Drift] = field(default_factory=list)

    def covers(self, drift: Drift) -> bool:
        """True when this entry hides ``drift``."""
        if self.kind is None or drift.kind.id != self.kind.id:
            return False
        if self.target is None:
            return True
        return any(fnmatchcase(name, self.target) for name in drift.targets())


@dataclass
class Filtered:
    """The findings left after the allowlist, the ones it hid, and its own findings."""

    findings: list[Drift]
    allowed: list[tuple[Drift, str]]  # (finding, reason)


def parse(allow: Mapping[str, str]) -> list[Entry]:
    """The entries of ``SAFEMIGRATIONS["DRIFT"]["allow"]``."""
    entries = []
    for key, reason in allow.items():
        name, _, target = key.partition(":")
        try:
            found: Kind | None = kind(name.strip())
        except KeyError:
            found = None
        entries.append(Entry(key, found, target.strip() or None, reason.strip()))
    return entries


def apply(findings: Sequence[Drift], allow: Mapping[str, str]) -> Filtered:
    """Hide the findings a valid entry covers; report invalid and unused entries."""
    entries = parse(allow)
    valid = [e for e in entries if e.kind is not None and e.reason]
    kept: list[Drift] = []
    allowed: list[tuple[Drift, str]] = []
    for drift in findings:
        entry = next((e for e in valid if e.covers(drift)), None)
        if entry is None:
            kept.append(drift)
        else:
            entry.hidden.append(drift)
            allowed.append((drift, entry.reason))
    for entry in entries:
        if entry.kind is None:
            kept.append(
                Drift(
                    kind=KINDS["SMD192"],
                    message=(
                        f'SAFEMIGRATIONS["DRIFT"]["allow"] entry {entry.key!r}: no kind of drift '
                        f"is called {entry.key.partition(':')[0]!r}."
                    ),
                    fix="Use an id (SMD122) or a name (redundant-index): inspectdrift --list.",
                    objects=[entry.key],
                )
            )
        elif not entry.reason:
            kept.append(
                Drift(
                    kind=KINDS["SMD192"],
                    message=(
                        f'SAFEMIGRATIONS["DRIFT"]["allow"] entry {entry.key!r} has no reason, so '
                        "it is not applied."
                    ),
                    fix="Say why the drift is accepted: {key: 'why it is fine'}.",
                    objects=[entry.key],
                )
            )
        elif not entry.hidden:
            kept.append(
                Drift(
                    kind=KINDS["SMD191"],
                    message=(
                        f'SAFEMIGRATIONS["DRIFT"]["allow"] entry {entry.key!r} matched no '
                        "finding: the drift it accepted is gone, or the entry is misspelled."
                    ),
                    fix="Remove the entry, or correct its kind or target.",
                    objects=[entry.key],
                )
            )
    return Filtered(kept, allowed)
