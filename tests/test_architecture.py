"""Layer rules a forbidden-list contract cannot state: the domain imports only the stdlib."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import assessor.domain

DOMAIN = Path(assessor.domain.__file__).parent


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_domain_imports_only_stdlib_and_itself() -> None:
    files = sorted(DOMAIN.glob("*.py"))
    assert len(files) >= 5
    for path in files:
        for name in _imports(path):
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or name.startswith("assessor.domain")
            assert allowed, f"{path.name} imports {name}"


def test_commands_start_without_reportlab() -> None:
    """reportlab is loaded only to print: every command (and the window) starts without it."""
    import subprocess
    import sys

    probe = "import sys, assessor.cli; print('reportlab' in sys.modules)"
    command = [sys.executable, "-c", probe]
    found = subprocess.run(command, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
