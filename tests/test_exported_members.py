"""``identity.__all__`` is the public surface: sorted, complete, and naming only what exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import identity


def _ruff_sort_key(name: str) -> tuple[int, list[int | str]]:
    """The order ruff's RUF022 keeps ``__all__`` in, so the linter and this test agree.

    SCREAMING_SNAKE_CASE constants first, then CamelCase classes, then everything else; within a
    group names compare "naturally" (digit runs as numbers).
    """
    if len(name) > 1 and name.isupper():
        group = 0
    elif name[:1].isupper():
        group = 1
    else:
        group = 2
    natural: list[int | str] = [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
    return group, natural


def _public_names_defined_in_init() -> set[str]:
    """Every non-underscore name bound at the top level of ``identity/__init__.py``."""
    tree = ast.parse(Path(identity.__file__).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom | ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name))
    return {name for name in names if not name.startswith("_")}


def test_all_is_sorted() -> None:
    assert identity.__all__ == sorted(identity.__all__, key=_ruff_sort_key)


def test_all_has_no_duplicates() -> None:
    assert len(identity.__all__) == len(set(identity.__all__))


def test_every_name_in_all_exists() -> None:
    missing = [name for name in identity.__all__ if not hasattr(identity, name)]
    assert not missing


def test_every_public_name_is_exported() -> None:
    unexported = _public_names_defined_in_init() - set(identity.__all__)
    assert not unexported, f"public in identity/__init__.py but not in __all__: {sorted(unexported)}"

