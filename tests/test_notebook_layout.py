"""Every notebook follows the house layout: thin, one parameters cell, no outputs."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from lotto_lab.config import NOTEBOOKS_DIR
from lotto_lab.pipeline.plan import PIPELINE_PLAN

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_every_pipeline_step_has_a_notebook():
    names = {path.stem for path in NOTEBOOKS}
    assert {step.notebook for step in PIPELINE_PLAN} <= names
    assert len(NOTEBOOKS) >= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_layout(path: Path):
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith("# ")
    assert path.stem[:2].isdigit()
    assert path.stem[2] == "-"

    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    for line in tagged[0].source.splitlines():
        assert "  # " in line, f"undocumented parameter line: {line!r}"
        ast.literal_eval(line.split("=", 1)[1].split("  # ", 1)[0].strip())

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell in code:
        assert cell.outputs == []
        assert cell.execution_count is None
        tree = ast.parse(cell.source)
        defined = [
            node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Lambda))
        ]
        assert defined == [], f"{path.name} defines code; move it into the lotto_lab package"
