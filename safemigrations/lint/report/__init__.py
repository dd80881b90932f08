"""Render findings: ``text`` for people, ``json`` (stable list), ``github`` annotations, ``sarif``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from safemigrations.lint.model import Finding

FORMATS = ("text", "json", "github", "sarif")


def render(findings: Sequence[Finding], fmt: str, **options: object) -> str:
    """Render ``findings`` in one of :data:`FORMATS` (``ValueError`` for another name)."""
    from safemigrations.lint.report import github, json, sarif, text

    renderers: dict[str, Callable[..., str]] = {
        "text": text.render,
        "json": json.render,
        "github": github.render,
        "sarif": sarif.render,
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return renderers[fmt](findings, **options)
