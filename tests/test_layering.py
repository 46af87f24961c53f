"""The project's shape, checked: data flows one way and dependencies point down.

``models/`` and ``redaction/`` import nothing from ``assistant/`` (callers pass paths in), and the core
(``assistant/`` outside its CLI) imports neither the review screen nor the evaluation harness.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _offenders(folder: str, forbidden: set[str], skip: tuple[str, ...] = ()) -> list[str]:
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        if set(skip) & set(path.relative_to(ROOT).parts):
            continue
        bad = _imported_packages(path) & forbidden
        if bad:
            out.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    return out


@pytest.mark.parametrize("folder", ["redaction", "models"])
def test_lower_layers_import_nothing_from_the_app(folder):
    assert _offenders(folder, {"assistant", "review_ui", "eval"}) == []


def test_core_imports_no_screen_and_no_eval():
    # The entry points sit on top (the CLI offers `casenote eval` and `casenote serve`; `make demo`
    # opens the screen), so they are exempt.
    assert _offenders("assistant", {"review_ui", "eval"}, skip=("cli", "demo.py")) == []


def test_the_checker_sees_an_offending_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from assistant.paths import casenote_home\nimport eval.report\n")
    assert _imported_packages(bad) >= {"assistant", "eval"}
