"""The engine stands alone: importable and usable without Dagster."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import converge_assets.engine


def test_the_engine_imports_no_dagster():
    modules = [
        f"converge_assets.engine.{m.name}"
        for m in pkgutil.iter_modules(converge_assets.engine.__path__)
    ]
    assert len(modules) >= 15
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0].startswith('dagster')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
