"""The rule registry is an explicit list: every rule module of the package is in it, once, and
ids and names are unique (a rule module left out of the list would silently never run)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import safemigrations.lint.rules as package
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Rule, all_rules, get_rule, instantiate
from safemigrations.lint.rules.registry import RULES


def _rule_classes_defined_in_the_package() -> dict[str, list[type[Rule]]]:
    """Module name -> the rule classes (with an id) it defines, for every rule module."""
    out: dict[str, list[type[Rule]]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in {"base", "registry"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        out[info.name] = [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj)
            and issubclass(obj, Rule)
            and obj.__module__ == module.__name__
            and obj.id
        ]
    return out


def test_every_rule_module_defines_a_rule_and_is_registered() -> None:
    defined = _rule_classes_defined_in_the_package()
    assert len(defined) >= 60
    assert [name for name, classes in defined.items() if not classes] == []
    registered = set(RULES)
    missing = [
        f"{name}.{cls.__name__}"
        for name, classes in defined.items()
        for cls in classes
        if cls not in registered
    ]
    assert missing == [], "add these rule classes to safemigrations/lint/rules/registry.py"
    # Nothing else is registered: every listed class comes from a rule module of the package.
    listed_modules = {cls.__module__.rsplit(".", 1)[-1] for cls in RULES}
    assert listed_modules == set(defined)


def test_registry_lists_each_class_once_with_unique_ids_and_names() -> None:
    assert len(set(RULES)) == len(RULES)
    ids = [cls.id for cls in RULES]
    names = [cls.name for cls in RULES]
    assert len(set(ids)) == len(ids)
    assert len(set(names)) == len(names)
    assert [r.id for r in all_rules()] == sorted(ids)
    assert all(type(rule) in RULES for rule in all_rules())


def test_get_rule_finds_by_id_and_name() -> None:
    rule = get_rule("sm101")
    assert rule is not None
    assert rule.name == "create-index-non-concurrently"
    assert get_rule("create-index-non-concurrently") is rule
    assert get_rule("SM999") is None


def _copy(cls: type[Rule], **attrs: object) -> type[Rule]:
    return type(f"Copy{cls.__name__}", (cls,), dict(attrs))


def test_duplicate_ids_or_names_are_refused() -> None:
    first, second = RULES[0], RULES[1]
    with pytest.raises(RuntimeError, match=f"share the id {first.id}"):
        instantiate([first, _copy(second, id=first.id)])
    with pytest.raises(RuntimeError, match=f"share the name {first.name}"):
        instantiate([first, _copy(second, name=first.name)])
    with pytest.raises(RuntimeError, match="has no id"):
        instantiate([_copy(first, id="")])
    assert [r.id for r in instantiate([second, first])] == [first.id, second.id]


def test_supersedes_is_declared_on_the_base_and_names_real_rules() -> None:
    assert Rule.supersedes == ()
    known = {r.id for r in all_rules()}
    superseding = {r.id: r.supersedes for r in all_rules() if r.supersedes}
    assert {"SM902", "SM903", "SM905", "SM906"} <= set(superseding)
    for rule_id, ids in superseding.items():
        assert isinstance(ids, tuple)
        assert set(ids) <= known - {rule_id}
    # Every rule's optional attributes come from the base class, so none is read with getattr.
    for rule in all_rules():
        assert isinstance(rule.severity, Severity)
        assert isinstance(rule.migration_level, bool)
        assert isinstance(rule.command_level, bool)
