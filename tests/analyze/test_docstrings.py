"""The input -> output examples in the analysis's and the reference data's docstrings are true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import spyglass.analyze
import spyglass.refdata


def modules() -> list[str]:
    found = ["spyglass.render"]
    for package in (spyglass.analyze, spyglass.refdata):
        walked = pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
        found.extend(m.name for m in walked)
    return sorted(found)


@pytest.mark.parametrize("name", modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
