"""Imports point downwards only: normalizers <- matchers <- identity.

Each check runs in a fresh interpreter, so modules imported by other tests cannot hide a violation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

NORMALIZERS = ["normalizers.phone", "normalizers.email", "normalizers.name", "normalizers.address"]
MATCHERS = [
    "matchers.blocking",
    "matchers.comparisons",
    "matchers.fellegi_sunter",
    "matchers.clustering",
    "matchers.features",
]


def _loaded_top_level_packages(modules: list[str]) -> set[str]:
    """Import ``modules`` in a new interpreter; return the top-level names of everything loaded."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("modules", "forbidden"),
    [
        pytest.param(NORMALIZERS, {"matchers", "identity"}, id="normalizers"),
        pytest.param(MATCHERS, {"identity"}, id="matchers"),
    ],
)
def test_imports_point_downwards(modules: list[str], forbidden: set[str]) -> None:
    loaded = _loaded_top_level_packages(modules)
    assert set(modules) and {m.split(".")[0] for m in modules} <= loaded
    assert not loaded & forbidden, f"{modules} pulled in {sorted(loaded & forbidden)}"
