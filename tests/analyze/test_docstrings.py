"""The input -> output examples in the analyzers' docstrings are true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import spyglass.analyze

MODULES = sorted(m.name for m in pkgutil.iter_modules(spyglass.analyze.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"spyglass.analyze.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_public_api() -> None:
    assert spyglass.analyze.__all__ == ["build_report", "render_text"]
