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


def test_the_package_uses_public_apis_only():
    """No private import of Dagster or of our drivers (`dagster._…`, `pymysql._…`), and nothing
    assigned to an attribute of an imported package (a monkeypatch)."""
    import ast
    from pathlib import Path

    root = Path(converge_assets.engine.__file__).parents[1]
    offences = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text())
        imported = set()
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
                imported |= {a.asname or a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                imported |= {a.asname or a.name for a in node.names}
            offences += [f"{path.name}: imports {n}" for n in names if "._" in f".{n}"[1:]]
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    base = target
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(base, ast.Name)
                        and base.id in imported
                    ):
                        offences.append(f"{path.name}:{node.lineno}: assigns {ast.unparse(target)}")
    assert offences == []
