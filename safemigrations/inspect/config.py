"""The inspector's settings: ``SAFEMIGRATIONS["DRIFT"]`` (a dict).

``allow``         accepted drift: ``{"<kind>[:<target>]": "reason"}``. ``<kind>`` is an id
                  (``SMD122``) or a name (``redundant-index``); ``<target>`` (optional, shell-style
                  wildcards) matches the finding's ``app.Model.field``, ``app.Model``, table or
                  object names (index, constraint). A reason is required.
``fail_on``       ``"error"`` (default), ``"warning"`` or ``"info"``: the lowest severity that makes
                  ``inspectdrift`` exit with status 1.
``exclude_apps``  app labels never inspected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from safemigrations.exceptions import DriftConfigError
from safemigrations.lint.model import Severity

_KNOWN_KEYS = {"allow", "fail_on", "exclude_apps"}


@dataclass(frozen=True)
class DriftConfig:
    """The allowlist and the failure threshold, from settings and the command line."""

    allow: Mapping[str, str] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    exclude_apps: frozenset[str] = frozenset()

    def fails(self, severity: Severity) -> bool:
        """True when a finding of ``severity`` makes the run fail."""
        return severity.rank >= self.fail_on.rank

    @classmethod
    def from_settings(cls, data: Any, *, fail_on: str | None = None) -> DriftConfig:
        """Read ``SAFEMIGRATIONS["DRIFT"]``; ``fail_on`` (the command line) wins over it."""
        source = 'SAFEMIGRATIONS["DRIFT"]'
        data = data or {}
        if not isinstance(data, Mapping):
            raise DriftConfigError(f"{source} must be a dict, not {type(data).__name__}.")
        values = {str(k).lower().replace("-", "_"): v for k, v in data.items()}
        unknown = set(values) - _KNOWN_KEYS
        if unknown:
            raise DriftConfigError(
                f"{source}: unknown key(s) {', '.join(sorted(unknown))} (known keys: "
                f"{', '.join(sorted(_KNOWN_KEYS))})."
            )
        allow = values.get("allow") or {}
        if not isinstance(allow, Mapping):
            raise DriftConfigError(
                f'{source}["allow"] must map "<kind>[:<target>]" to a reason, e.g. '
                '{"redundant-index:shop.Order.customer": "kept for the nightly report"}.'
            )
        try:
            threshold = Severity.parse(fail_on or values.get("fail_on") or "error")
        except ValueError as exc:
            raise DriftConfigError(f"{source} fail_on / --fail-on: {exc}") from None
        exclude = values.get("exclude_apps") or ()
        if isinstance(exclude, str):
            exclude = [exclude]
        return cls(
            allow={str(k): str(v or "").strip() for k, v in allow.items()},
            fail_on=threshold,
            exclude_apps=frozenset(str(a) for a in exclude),
        )
