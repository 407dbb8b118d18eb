"""Docstrings where a reader needs them: every public class and function of domain/, engine/ and stores/
says what it is for; the pure math modules carry ``__all__`` and design.md §2's worked example, run here
as doctests."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import pytest

from zhengai.engine import impact, propagation

PACKAGES = ("zhengai.domain", "zhengai.engine", "zhengai.stores")


def _modules() -> Iterator[ModuleType]:
    for name in PACKAGES:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            yield importlib.import_module(info.name)


def _documented(obj: object) -> bool:
    doc = inspect.getdoc(obj)  # a method overriding a documented one inherits its docstring
    if inspect.isclass(obj):  # a dataclass's generated "Name(field: type, …)" says nothing
        doc = obj.__doc__ if obj.__doc__ and not obj.__doc__.startswith(f"{obj.__name__}(") else None
    return bool(doc and doc.strip())


def undocumented() -> list[str]:
    """The public classes, functions, methods and properties defined in the packages without a docstring."""
    missing = []
    for module in _modules():
        if not (module.__doc__ or "").strip():
            missing.append(module.__name__)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if not _documented(obj):
                missing.append(f"{module.__name__}.{name}")
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    member = value if isinstance(value, property) else getattr(obj, attr)
                    if attr.startswith("_") or not (isinstance(value, property) or inspect.isroutine(member)):
                        continue
                    if not _documented(member):
                        missing.append(f"{module.__name__}.{name}.{attr}")
    return missing


def test_every_public_class_and_function_says_what_it_is_for():
    assert undocumented() == []


def test_the_check_sees_a_missing_docstring():
    module = ModuleType("zhengai.engine.example")
    exec("class Thing:\n    def ask(self):\n        return 1\n", module.__dict__)
    assert not _documented(module.Thing) and not _documented(module.Thing.ask)


@pytest.mark.parametrize("module", [propagation, impact], ids=lambda m: m.__name__)
def test_the_math_modules_worked_example_runs(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10 and result.failed == 0


@pytest.mark.parametrize("module", [propagation, impact], ids=lambda m: m.__name__)
def test_the_math_modules_export_their_public_names(module):
    public = {name for name, obj in vars(module).items() if not name.startswith("_")
              and getattr(obj, "__module__", module.__name__) == module.__name__
              and (inspect.isclass(obj) or inspect.isfunction(obj))}
    assert public <= set(module.__all__) and all(hasattr(module, name) for name in module.__all__)
